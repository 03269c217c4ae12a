// depends_on between the running processes: who waits for whom, built from the active groups (a
// name is a program, meaning its processes, or a group, meaning all of its). Starts go
// dependencies first; stops go dependents first. Config loading already refused unknown names and
// cycles; a name whose group was removed at run time simply has no process here.
import type { ProcessGroup } from './group.js';
import type { Subprocess } from './subprocess.js';

export class DependencyGraph {
  readonly #deps = new Map<Subprocess, Subprocess[]>();
  readonly #dependents = new Map<Subprocess, Subprocess[]>();

  constructor(groups: readonly ProcessGroup[]) {
    const byProgram = new Map<string, Subprocess[]>();
    const byGroup = new Map<string, Subprocess[]>();
    for (const g of groups) {
      byGroup.set(g.config.name, [...g.processes]);
      for (const p of g.processes) byProgram.set(p.config.program_name, [...(byProgram.get(p.config.program_name) ?? []), p]);
    }
    for (const g of groups) {
      for (const p of g.processes) {
        if (p.config.extra.depends_on.length === 0) continue;
        const targets = new Set<Subprocess>();
        for (const name of p.config.extra.depends_on) {
          for (const t of [...(byProgram.get(name) ?? []), ...(byGroup.get(name) ?? [])]) if (t !== p) targets.add(t);
        }
        this.#deps.set(p, [...targets]);
        for (const t of targets) this.#dependents.set(t, [...(this.#dependents.get(t) ?? []), p]);
      }
    }
  }

  /** No process depends on another: everything behaves as in supervisord. */
  get empty(): boolean { return this.#deps.size === 0; }

  dependenciesOf(p: Subprocess): readonly Subprocess[] { return this.#deps.get(p) ?? []; }
  dependentsOf(p: Subprocess): readonly Subprocess[] { return this.#dependents.get(p) ?? []; }

  /**
   * `items` reordered so that each process comes after everything that depends on it (and is in
   * the list); otherwise the given order is kept.
   */
  stopOrder<T>(items: readonly T[], procOf: (t: T) => Subprocess): T[] {
    return this.#order(items, procOf, (p) => this.dependentsOf(p));
  }

  /** `items` reordered so that each process comes after what it depends on (in the list). */
  startOrder<T>(items: readonly T[], procOf: (t: T) => Subprocess): T[] {
    return this.#order(items, procOf, (p) => this.dependenciesOf(p));
  }

  #order<T>(items: readonly T[], procOf: (t: T) => Subprocess, before: (p: Subprocess) => readonly Subprocess[]): T[] {
    if (this.empty) return [...items];
    const inList = new Set(items.map(procOf));
    const left = [...items];
    const out: T[] = [];
    const placed = new Set<Subprocess>();
    while (left.length > 0) {
      const i = left.findIndex((t) => before(procOf(t)).every((b) => !inList.has(b) || placed.has(b)));
      // A cycle cannot get past config loading; should one appear, keep the given order for it.
      const [next] = left.splice(i < 0 ? 0 : i, 1);
      if (next === undefined) break;
      out.push(next);
      placed.add(procOf(next));
    }
    return out;
  }
}

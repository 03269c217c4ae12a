// depends_on checked at load: every name is a program ([program:x] x) or a group; no cycle. A
// group dependency means every process of that group; a program one, every process of it. The
// error names the program, its section and the name or the cycle, so `fleetvisord` refuses to
// start (exit 2) and a reread answers CANT_REREAD, as for supervisord's own config errors.
import { ConfigError } from './errors.js';
import type { GroupConfig, ProcessConfig } from './types.js';

export interface DependencyNode {
  /** The group that holds the process (what `depends_on` of others may name), and the program. */
  readonly group: string;
  readonly program: string;
  readonly dependsOn: readonly string[];
}

/** Program name -> its processes' node (one entry per program). */
function programsOf(groups: readonly GroupConfig[]): Map<string, DependencyNode> {
  const out = new Map<string, DependencyNode>();
  for (const g of groups) {
    for (const p of g.processes) {
      if (!out.has(p.program_name)) out.set(p.program_name, { group: g.name, program: p.program_name, dependsOn: p.extra.depends_on });
    }
  }
  return out;
}

/** The programs a name stands for: a program itself, or every program of a group. */
export function programsNamed(groups: readonly GroupConfig[], name: string): string[] {
  const group = groups.find((g) => g.name === name);
  const fromGroup = group === undefined ? [] : [...new Set(group.processes.map((p) => p.program_name))];
  const isProgram = groups.some((g) => g.processes.some((p) => p.program_name === name));
  return [...new Set([...(isProgram ? [name] : []), ...fromGroup])];
}

/** Throws ConfigError for an unknown name or a cycle; `sectionOf` locates a program's section. */
export function checkDependencies(groups: readonly GroupConfig[], sectionOf: (program: string) => { file?: string; section: string }): void {
  const programs = programsOf(groups);
  const edges = new Map<string, string[]>();
  for (const [name, node] of programs) {
    const targets: string[] = [];
    for (const dep of node.dependsOn) {
      const named = programsNamed(groups, dep);
      if (named.length === 0) {
        throw new ConfigError(`depends_on names ${JSON.stringify(dep)}, which is no program or group`, {
          ...sectionOf(name), key: 'depends_on', value: node.dependsOn.join(', '),
        });
      }
      targets.push(...named);
    }
    edges.set(name, [...new Set(targets)]);
  }
  // Depth-first search for a cycle, reported as the programs along it.
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      throw new ConfigError(`depends_on makes a cycle: ${cycle.join(' -> ')}`, {
        ...sectionOf(cycle[0] ?? name), key: 'depends_on', value: programs.get(cycle[0] ?? name)?.dependsOn.join(', ') ?? '',
      });
    }
    state.set(name, 'open');
    stack.push(name);
    for (const next of edges.get(name) ?? []) visit(next);
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of programs.keys()) visit(name);
}

/** The processes `proc` waits for, from the loaded groups (in the order named). */
export function dependenciesOf(groups: readonly GroupConfig[], proc: ProcessConfig): ProcessConfig[] {
  const out: ProcessConfig[] = [];
  for (const dep of proc.extra.depends_on) {
    for (const program of programsNamed(groups, dep)) {
      for (const g of groups) for (const p of g.processes) if (p.program_name === program && !out.includes(p)) out.push(p);
    }
  }
  return out;
}

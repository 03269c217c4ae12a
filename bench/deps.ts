// What depends_on costs at start-up: 200 programs, each a small node TCP server on its own port
// (bench/programs/tcp-server.js), started three ways, rounds alternating A B C A B C, medians:
//   tree  fleetvisord, a 4-level depends_on tree (5 roots, then 15, 45 and 135 programs, each
//         depending on one program of the level above) with ready_tcp on each program's port;
//   flat  fleetvisord, the same 200 programs without depends_on or ready_tcp;
//   super supervisord 4.2.5 on the flat config, for scale.
// All with startsecs=0. Two times from the daemon's launch: until the main log has 200 `success:`
// lines (every program RUNNING), and until all 200 servers listen (each tells a collector socket
// of the bench once it does). The ordering cost is tree / flat. Each tree run also checks that no
// program was spawned before its dependency was RUNNING.
// Run alone with `node dist/bench/deps.js [rounds]` or `BENCH_ONLY=deps npm run bench`.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, repoRoot, startBenchDaemon, until, type Kind } from './daemon.js';

/** Programs per level; each program of level n+1 depends on program floor(i / 3) of level n. */
const LEVELS = [5, 15, 45, 135] as const;
const TOTAL = LEVELS.reduce((a, b) => a + b, 0);
const server = join(repoRoot, 'bench', 'programs', 'tcp-server.js');

type Variant = 'tree' | 'flat' | 'super';
const VARIANTS: readonly Variant[] = ['tree', 'flat', 'super'];
const KIND: Record<Variant, Kind> = { tree: 'fleetvisord', flat: 'fleetvisord', super: 'supervisord' };

interface Program { readonly name: string; readonly dependsOn: string | null; readonly port: number }

export interface DepsRun {
  /** ms from the daemon's launch until every program is RUNNING. */
  readonly runningMs: number;
  /** ms from the daemon's launch until every server listens. */
  readonly listeningMs: number;
}

function programsOf(base: number): Program[] {
  const out: Program[] = [];
  LEVELS.forEach((size, level) => {
    for (let i = 0; i < size; i++) {
      out.push({
        name: `d${level}_${String(i).padStart(3, '0')}`,
        dependsOn: level === 0 ? null : `d${level - 1}_${String(Math.floor(i / 3)).padStart(3, '0')}`,
        port: base + out.length,
      });
    }
  });
  return out;
}

function config(progs: readonly Program[], collector: number, tree: boolean): string {
  return progs.map((p) => [
    `[program:${p.name}]`,
    `command=${process.execPath} ${server} ${p.port} ${collector}`,
    'startsecs=0',
    'stdout_logfile=NONE',
    'stderr_logfile=NONE',
    ...(tree && p.dependsOn !== null ? [`depends_on=${p.dependsOn}`] : []),
    ...(tree ? [`ready_tcp=127.0.0.1:${p.port}`] : []),
    '',
  ].join('\n')).join('\n');
}

const listenOn = (s: Server, port: number): Promise<boolean> => new Promise((resolve) => {
  s.once('error', () => resolve(false));
  s.listen(port, '127.0.0.1', () => resolve(true));
});
const close = (s: Server): Promise<void> => new Promise((resolve) => { s.close(() => resolve()); });

/**
 * The first of `n` consecutive free ports, below the ephemeral range (32768 and up on Linux), so
 * that no outgoing connection (the daemon's readiness probes) takes one before its server listens.
 */
async function freeRange(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (32000 - 20000 - n));
    const held: Server[] = [];
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const s = createServer();
      ok = await listenOn(s, base + i);
      if (ok) held.push(s);
    }
    await Promise.all(held.map(close));
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free ports on 127.0.0.1 between 20000 and 32000`);
}

/** The bench's socket the servers report to: port -> performance.now() of its first report. */
class Collector {
  readonly seen = new Map<number, number>();
  readonly #server: Server;
  private constructor(srv: Server) { this.#server = srv; }

  static async open(): Promise<Collector> {
    let collector: Collector | null = null;
    const srv = createServer((socket) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
        for (const line of text.split('\n').slice(0, -1)) {
          const port = Number(line);
          if (collector !== null && !collector.seen.has(port)) collector.seen.set(port, performance.now());
        }
        text = text.slice(text.lastIndexOf('\n') + 1);
      });
      socket.on('error', () => { /* a server killed mid-report */ });
    });
    if (!(await listenOn(srv, 0))) throw new Error('collector: cannot listen on 127.0.0.1');
    collector = new Collector(srv);
    return collector;
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  close(): Promise<void> { return close(this.#server); }
}

/** Throws unless each program's `spawned:` line comes after its dependency's `success:` line. */
function checkOrder(log: string, progs: readonly Program[]): void {
  const lines = log.split('\n');
  const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  for (const p of progs) {
    if (p.dependsOn === null) continue;
    const ready = at(new RegExp(` success: ${p.dependsOn} entered RUNNING`));
    const spawned = at(new RegExp(` spawned: '${p.name}' `));
    if (ready < 0 || spawned < 0 || spawned < ready) {
      throw new Error(`deps bench: ${p.name} was spawned before its dependency ${p.dependsOn} was RUNNING`);
    }
  }
}

async function once(variant: Variant, collector: Collector): Promise<DepsRun> {
  const progs = programsOf(await freeRange(TOTAL));
  collector.seen.clear();
  const d = startBenchDaemon(KIND[variant], config(progs, collector.port, variant === 'tree'));
  try {
    const runningMs = await until(() => (d.log().match(/ success: /g)?.length ?? 0) >= TOTAL, d.startedAt);
    await until(() => collector.seen.size >= TOTAL, d.startedAt);
    const listeningMs = Math.max(...collector.seen.values()) - d.startedAt;
    if (variant === 'tree') checkOrder(d.log(), progs);
    return { runningMs, listeningMs };
  } finally { await d.stop(); }
}

const ms = (xs: number[]): string => `${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;

/** The deps table (markdown lines), after `rounds` rounds of the three variants. */
export async function benchDeps(rounds = 3): Promise<string[]> {
  const runs: Record<Variant, DepsRun[]> = { tree: [], flat: [], super: [] };
  const collector = await Collector.open();
  try {
    for (let r = 0; r < rounds; r++) for (const v of VARIANTS) runs[v].push(await once(v, collector));
  } finally { await collector.close(); }
  process.stderr.write('measured depends_on tree\n');
  const row = (label: string, f: (x: DepsRun) => number): string => {
    const [tree, flat, sup] = VARIANTS.map((v) => runs[v].map(f)) as [number[], number[], number[]];
    return `| ${label} | ${ms(tree)} | ${ms(flat)} | ${ms(sup)} | ${(median(tree) / median(flat)).toFixed(2)}x |`;
  };
  return [
    `depends_on at start-up: ${TOTAL} programs, each a node TCP server on its own port, startsecs=0; ${rounds} rounds, alternating; medians (each run in parentheses).`,
    'Ordering cost: the tree\'s time over the same programs\' without depends_on (>1: the tree is slower).',
    '',
    '| from the daemon\'s launch until | fleetvisord, 4-level depends_on tree (5/15/45/135) + ready_tcp | fleetvisord, no depends_on, no ready_tcp | supervisord 4.2.5, no depends_on | ordering cost |',
    '|---|---|---|---|---|',
    row(`all ${TOTAL} programs RUNNING`, (x) => x.runningMs),
    row(`all ${TOTAL} servers listening`, (x) => x.listeningMs),
  ];
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? process.env['BENCH_DEPS_ROUNDS'] ?? 3);
  console.log((await benchDeps(rounds)).join('\n'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => { console.error(err); process.exit(1); });
}

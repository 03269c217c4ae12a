// The dependency checker: reads every .ts file under a root, extracts its imports, and reports
// each edge a rule forbids. Rules are data (RULES below holds the project's); the tests run this
// same code on the real tree and on a planted tree that must make it complain.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export function tsFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(tsFiles(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Module specifiers of static imports, re-exports and dynamic import() calls (comments ignored). */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const specs: string[] = [];
  const re = /(?:^|[\n;])\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of code.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3]) as string);
  return specs;
}

/** A relative specifier as a path from the root, `.js` written as the `.ts` it compiles from. */
function target(root: string, file: string, spec: string): string {
  return relative(root, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

export interface Rule {
  /** Files the rule applies to (a directory or a file, from the root). */
  readonly from: string;
  /** Relative imports it may not make (directories or files)... */
  readonly forbid?: readonly string[];
  /** ...or, instead: inside `within`, only these may be imported. */
  readonly within?: string;
  readonly allow?: readonly string[];
  /** Package imports it may not make. */
  readonly forbidPackages?: readonly string[];
  readonly why: string;
}

export function violations(root: string, rules: readonly Rule[]): string[] {
  const bad: string[] = [];
  for (const rule of rules) {
    const files = rule.from.endsWith('.ts') ? [join(root, rule.from)] : tsFiles(join(root, rule.from));
    for (const file of files) {
      const from = relative(root, file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) {
          if (rule.forbidPackages?.includes(spec)) bad.push(`${from} -> ${spec} (${rule.why})`);
          continue;
        }
        const to = target(root, file, spec);
        if (rule.forbid?.some((f) => under(to, f))) bad.push(`${from} -> ${to} (${rule.why})`);
        if (rule.within !== undefined && under(to, rule.within) && !(rule.allow ?? []).some((a) => under(to, a))) {
          bad.push(`${from} -> ${to} (${rule.why})`);
        }
      }
    }
  }
  return bad;
}

/** Every file reachable by relative imports from `entries` (transitively), from the root. */
export function closure(root: string, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const rel = queue.pop() as string;
    if (seen.has(rel)) continue;
    seen.add(rel);
    let src: string;
    try { src = readFileSync(join(root, rel), 'utf8'); } catch { continue; }
    for (const spec of importsOf(src)) if (spec.startsWith('.')) queue.push(target(root, join(root, rel), spec));
  }
  return seen;
}

/** What the hub may take from the agent: the RPC client, its codec and the wire types (with the faults the client raises). */
export const HUB_MAY_IMPORT_FROM_AGENT = [
  'agent/rpc/client.ts', 'agent/rpc/endpoint.ts', 'agent/rpc/http-stream.ts', 'agent/rpc/xmlrpc.ts',
  'agent/rpc/value.ts', 'agent/rpc/wire-types.ts', 'agent/rpc/faults.ts',
];

export const RULES: readonly Rule[] = [
  // Every layer may import agent/python (the hub only through what the RPC client reaches).
  { from: 'agent/python', within: 'agent', allow: ['agent/python'], forbid: ['hub'], why: 'the Python-compatibility helpers are a leaf' },
  ...['agent/process', 'agent/config', 'agent/logging', 'agent/events'].map((from): Rule => ({
    from, forbid: ['agent/rpc', 'agent/http', 'agent/ctl', 'agent/daemon', 'agent/supervisor.ts', 'agent/main.ts', 'hub'],
    forbidPackages: ['express', 'xmlrpc', 'ejs', 'node:http', 'http', 'node:https', 'https', 'saxes'],
    why: 'the core knows nothing of transport',
  })),
  { from: 'agent/http', forbid: ['agent/supervisor.ts', 'agent/process', 'agent/daemon', 'agent/events', 'agent/ctl', 'agent/main.ts', 'hub'], why: 'HTTP serves the registry only' },
  { from: 'agent/rpc', forbid: ['agent/http', 'agent/ctl', 'agent/daemon', 'agent/main.ts', 'hub'], why: 'RPC calls into the supervisor only' },
  { from: 'agent/ctl', forbid: ['agent/supervisor.ts', 'agent/process/subprocess.ts', 'agent/daemon', 'agent/http', 'hub'], why: 'the ctl is a client' },
  { from: 'hub', within: 'agent', allow: HUB_MAY_IMPORT_FROM_AGENT, why: 'the hub takes only the RPC client, codec and wire types from the agent' },
  { from: 'hub/web', forbid: ['hub/db', 'hub/nodes/watcher.ts', 'hub/nodes/registry.ts', 'hub/nodes/node-client.ts', 'hub/serve.ts', 'hub/main.ts'], why: 'routes stay thin over services' },
  ...['hub/config', 'hub/db', 'hub/nodes', 'hub/actions', 'hub/services', 'hub/events', 'hub/auth', 'hub/i18n'].map((from): Rule => ({
    from, forbid: ['hub/web', 'hub/serve.ts', 'hub/main.ts'], forbidPackages: ['express', 'ejs'], why: 'only the web layer knows Express',
  })),
];

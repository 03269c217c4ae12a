// Enforces the dependency direction of style.md §3.3: the core (process, config, logging, events)
// never reaches up into rpc, http, ctl or hub, and never imports transport libraries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function tsFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(tsFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of src.matchAll(re)) specs.push((m[1] ?? m[2]) as string);
  return specs;
}

const CORE = ['agent/process', 'agent/config', 'agent/logging', 'agent/events'];
const FORBIDDEN_DIRS = ['agent/rpc', 'agent/http', 'agent/ctl', 'hub'];
const FORBIDDEN_PACKAGES = ['express', 'xmlrpc', 'ejs', 'node:http', 'http', 'node:https', 'https', 'saxes'];

/** Every edge that breaks the rules, as "from -> to" strings. */
export function violations(): string[] {
  const bad: string[] = [];
  for (const coreDir of CORE) {
    for (const file of tsFiles(join(root, coreDir))) {
      const from = relative(root, file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(file), spec));
          if (FORBIDDEN_DIRS.some((d) => target === d || target.startsWith(d + '/'))) bad.push(`${from} -> ${target}`);
          if (target === 'agent/supervisor.js' || target === 'agent/main.js') bad.push(`${from} -> ${target}`);
        } else if (FORBIDDEN_PACKAGES.includes(spec)) {
          bad.push(`${from} -> ${spec}`);
        }
      }
    }
  }
  return bad;
}

test('the core imports nothing from rpc, http, ctl, hub or transport libraries', () => {
  assert.ok(tsFiles(join(root, 'agent/process')).length > 0, 'sources not found from ' + root);
  assert.deepEqual(violations(), []);
});

/** Layers above the core, style.md 3.3: [layer, targets it must never import]. */
const UPPER_RULES: readonly [string, readonly string[]][] = [
  // The HTTP layer serves the RPC registry; it never reaches the process machine or the daemon.
  ['agent/http', ['agent/supervisor.js', 'agent/process', 'agent/daemon', 'agent/events', 'agent/ctl', 'agent/main.js', 'hub']],
  // The RPC layer calls into the Supervisor; it never knows about HTTP, the CLI or the daemon wiring.
  ['agent/rpc', ['agent/http', 'agent/ctl', 'agent/daemon', 'agent/main.js', 'hub']],
];

export function upperViolations(): string[] {
  const bad: string[] = [];
  for (const [layer, forbidden] of UPPER_RULES) {
    for (const file of tsFiles(join(root, layer))) {
      const from = relative(root, file);
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(dirname(file), spec));
        if (forbidden.some((d) => target === d || target.startsWith(d + '/'))) bad.push(`${from} -> ${target}`);
      }
    }
  }
  return bad;
}

test('http never imports the process machine or the daemon; rpc never imports http, ctl or the daemon', () => {
  assert.ok(tsFiles(join(root, 'agent/http')).length > 5 && tsFiles(join(root, 'agent/rpc')).length > 5);
  assert.deepEqual(upperViolations(), []);
});

test('the checker itself catches an upward import', () => {
  const re = /(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s*['"]([^'"]+)['"]/g;
  const sample = "import { x } from '../rpc/faults.js';\nimport http from 'node:http';";
  const specs = [...sample.matchAll(re)].map((m) => m[1]);
  assert.deepEqual(specs, ['../rpc/faults.js', 'node:http']);
});

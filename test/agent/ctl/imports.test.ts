// fleetvisorctl is a client: agent/ctl reaches the daemon only through the RPC client, and
// imports only pure modules besides. Checked on the sources; the checker is also run on a planted
// tree, so that a checker which lets everything through fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { makeTmpDir } from '../../helpers/tmp.js';

/**
 * What agent/ctl may import, as paths from the root. agent/version.ts is a leaf (two string
 * constants, no import: checked below) that `fleetvisorctl --version` prints from.
 */
const ALLOWED = [
  /^agent\/ctl\//, /^agent\/rpc\/(client|http-stream|faults|value|wire-types)\.js$/, /^agent\/process\/states\.js$/,
  /^agent\/config\/(ini|expand|errors|search)\.js$/, /^agent\/python\//, /^agent\/version\.js$/,
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? sources(full) : n.endsWith('.ts') ? [full] : [];
  });
}

/** The import and export-from specifiers of a source file. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"\n]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

/** Every import of the .ts files under `root`/agent/ctl that ALLOWED does not let through, as `file -> target`. */
function badImports(root: string): string[] {
  const bad: string[] = [];
  for (const file of sources(join(root, 'agent', 'ctl'))) {
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) {
        if (!spec.startsWith('node:')) bad.push(`${relative(root, file)} -> ${spec}`);
        continue;
      }
      const target = relative(root, resolve(dirname(file), spec));
      if (!ALLOWED.some((re) => re.test(target))) bad.push(`${relative(root, file)} -> ${target}`);
    }
  }
  return bad;
}

test('agent/ctl imports only the RPC client, wire types, fault and state tables, pure config helpers and the version', () => {
  assert.ok(sources(join(repoRoot, 'agent', 'ctl')).length > 10);
  assert.deepEqual(badImports(repoRoot), []);
});

test('agent/version.ts, allowed to agent/ctl, stays a leaf', () => {
  assert.deepEqual(specifiers(join(repoRoot, 'agent', 'version.ts')), []);
});

test('the checker flags the daemon, a package, and a sibling of an allowed module', (t) => {
  const root = makeTmpDir(t, 'fv-ctl-imports-');
  mkdirSync(join(root, 'agent', 'ctl', 'commands'), { recursive: true });
  writeFileSync(join(root, 'agent', 'ctl', 'main.ts'), [
    "import { FLEETVISOR_VERSION } from '../version.js';",
    "import { Controller } from './controller.js';",
    "import { readFileSync } from 'node:fs';",
    "import { Supervisor } from '../supervisor.js';",
    "import express from 'express';",
    '',
  ].join('\n'));
  writeFileSync(join(root, 'agent', 'ctl', 'commands', 'x.ts'), [
    "import { call } from '../../rpc/client.js';",
    "import { dispatch } from '../../rpc/dispatch.js';",
    "export { versionInfo } from '../../versions.js';",
    "import { ProcessState } from '../../process/states.js';",
    "import { Subprocess } from '../../process/subprocess.js';",
    '',
  ].join('\n'));
  assert.deepEqual(badImports(root).sort(), [
    'agent/ctl/commands/x.ts -> agent/process/subprocess.js',
    'agent/ctl/commands/x.ts -> agent/rpc/dispatch.js',
    'agent/ctl/commands/x.ts -> agent/versions.js',
    'agent/ctl/main.ts -> agent/supervisor.js',
    'agent/ctl/main.ts -> express',
  ]);
});

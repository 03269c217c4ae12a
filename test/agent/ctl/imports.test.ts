// fleetvisorctl is a client: agent/ctl reaches the daemon only through the RPC client, and
// imports only pure modules besides. Checked on the sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

const ALLOWED = [
  /^agent\/ctl\//, /^agent\/rpc\/(client|http-stream|faults|value|wire-types)\.js$/, /^agent\/process\/states\.js$/,
  /^agent\/config\/(ini|expand|errors|search)\.js$/, /^agent\/python\//,
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const full = join(dir, n);
    return statSync(full).isDirectory() ? sources(full) : n.endsWith('.ts') ? [full] : [];
  });
}

test('agent/ctl imports only the RPC client, wire types, fault and state tables and pure config helpers', () => {
  const ctlDir = join(repoRoot, 'agent', 'ctl');
  const bad: string[] = [];
  for (const file of sources(ctlDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"\n]*?from\s*['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? '';
      if (!spec.startsWith('.')) {
        if (!spec.startsWith('node:')) bad.push(`${relative(repoRoot, file)} -> ${spec}`);
        continue;
      }
      const target = relative(repoRoot, resolve(dirname(file), spec));
      if (!ALLOWED.some((re) => re.test(target))) bad.push(`${relative(repoRoot, file)} -> ${target}`);
    }
  }
  assert.ok(sources(ctlDir).length > 10);
  assert.deepEqual(bad, []);
});

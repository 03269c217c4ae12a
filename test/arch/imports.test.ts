// The dependency direction, checked on the real tree by test/arch/checker.ts, and the checker
// itself checked on a planted tree: every kind of forbidden edge must be reported, and the hub's
// imports from the agent must not pull in the process machine, the daemon or the HTTP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';
import { closure, HUB_MAY_IMPORT_FROM_AGENT, importsOf, RULES, tsFiles, violations } from './checker.js';

test('the tree keeps every dependency rule', () => {
  assert.ok(tsFiles(join(repoRoot, 'agent/process')).length > 10 && tsFiles(join(repoRoot, 'hub/web')).length > 10, 'sources not found from ' + repoRoot);
  assert.deepEqual(violations(repoRoot, RULES), []);
});

test('what the hub takes from the agent reaches nothing but the codec, the client, the state codes and Python helpers', () => {
  const reached = [...closure(repoRoot, HUB_MAY_IMPORT_FROM_AGENT)].filter((f) => f.startsWith('agent/')).sort();
  // agent/python is a leaf (its own rule): the codec's int()/float()/base64 conversions live there.
  const outside = reached.filter((f) => !f.startsWith('agent/rpc/') && !f.startsWith('agent/python/') && f !== 'agent/process/states.ts');
  assert.deepEqual(outside, []);
  for (const f of reached) {
    const deps = [...closure(repoRoot, [f])];
    assert.ok(!deps.some((d) => d === 'agent/supervisor.ts' || d.startsWith('agent/http/') || d.startsWith('agent/daemon/')), `${f} pulls in the daemon`);
  }
});

test('the checker reports planted violations of each rule, and only those', (t) => {
  const root = makeTmpDir(t, 'fv-arch-');
  const plant = (file: string, text: string): void => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  plant('agent/process/a.ts', "import { x } from '../rpc/faults.js';\nimport http from 'node:http';\n// import { y } from '../http/server.js';\n");
  plant('agent/http/b.ts', "export { z } from '../supervisor.js';\n");
  plant('hub/nodes/c.ts', "import type { S } from '../../agent/supervisor.js';\nimport { c } from '../../agent/rpc/client.js';\nconst m = await import('../web/app.js');\n");
  plant('hub/web/d.ts', "import {\n  UserStore,\n} from '../db/users.js';\nimport express from 'express';\n");
  plant('hub/db/e.ts', "import './side-effect.js';\nimport express from 'express';\n");
  plant('agent/python/f.ts', "import { g } from './g.js';\nimport { e } from '../config/errors.js';\nimport { h } from '../../hub/x.js';\n");
  const found = violations(root, RULES).map((v) => v.replace(/ \(.*\)$/, '')).sort();
  assert.deepEqual(found, [
    'agent/http/b.ts -> agent/supervisor.ts',
    'agent/process/a.ts -> agent/rpc/faults.ts',
    'agent/process/a.ts -> node:http',
    'agent/python/f.ts -> agent/config/errors.ts',
    'agent/python/f.ts -> hub/x.ts',
    'hub/db/e.ts -> express',
    'hub/nodes/c.ts -> agent/supervisor.ts',
    'hub/nodes/c.ts -> hub/web/app.ts',
    'hub/web/d.ts -> hub/db/users.ts',
  ]);
  assert.deepEqual(importsOf("import a from 'x';\nexport * from \"./y.js\";\nimport 'z';\n/* import q from 'q'; */"), ['x', './y.js', 'z']);
});

// The three programs' --version flags say package.json's version (fleetvisord's also names the
// supervisord version it implements), while fleetvisord -v stays supervisord's `4.2.5` (scripts
// parse it). agent/version.ts keeps its own copy of the version (the bundle reads no package.json
// at start): it must equal package.json's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLEETVISOR_VERSION, SUPERVISOR_VERSION } from '../../agent/version.js';
import { HUB_VERSION } from '../../hub/version.js';
import { repoRoot } from '../helpers/paths.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

function run(bin: string, args: string[]): string {
  return execFileSync(process.execPath, [join(repoRoot, pkg.bin[bin] ?? bin), ...args], { encoding: 'utf8', cwd: repoRoot }).trim();
}

test('agent/version.ts and the hub carry package.json\'s version', () => {
  assert.equal(FLEETVISOR_VERSION, pkg.version, 'FLEETVISOR_VERSION in agent/version.ts must equal package.json\'s version');
  assert.equal(HUB_VERSION, pkg.version);
  assert.equal(SUPERVISOR_VERSION, '4.2.5');
});

test('--version of fleetvisord, fleetvisorctl and fleetvisor-hub agree; -v stays supervisord\'s', () => {
  assert.equal(run('fleetvisord', ['--version']), `fleetvisor ${pkg.version} (supervisord 4.2.5)`);
  assert.equal(run('fleetvisorctl', ['--version']), `fleetvisorctl ${pkg.version}`);
  assert.equal(run('fleetvisor-hub', ['--version']), pkg.version);
  assert.equal(run('fleetvisord', ['-v']), '4.2.5');
  // A unique prefix of --version is --version, as getopt reads it; later options are never looked at.
  assert.equal(run('fleetvisord', ['--vers', '-m', '999']), `fleetvisor ${pkg.version} (supervisord 4.2.5)`);
  assert.equal(run('fleetvisorctl', ['--version', 'status']), `fleetvisorctl ${pkg.version}`);
});

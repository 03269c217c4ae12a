// Paths of the repository, the compiled daemon and the fixtures, from the compiled test's location.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/helpers/paths.js -> the repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fleetvisordBin = join(repoRoot, 'dist', 'agent', 'bin', 'fleetvisord.js');
export const programsDir = join(repoRoot, 'test', 'fixtures', 'programs');
export const SUPERVISORD = '/usr/bin/supervisord';
export const SUPERVISORCTL = '/usr/bin/supervisorctl';
/** Debian's interpreter: the one that sees the supervisor package in /usr/lib/python3/dist-packages. */
export const PYTHON = '/usr/bin/python3';

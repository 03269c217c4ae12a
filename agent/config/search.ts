// Where supervisord looks for its config without -c: derived from the executable's location.
import { existsSync } from 'node:fs';
import { ConfigError } from './errors.js';
import { pyDirname, pyJoin } from '../python/posixpath.js';

/** The six candidate paths, in order, as supervisord builds them from argv[0] (os.path, unnormalised). */
export function searchPaths(execPath: string): string[] {
  const prefix = pyDirname(pyDirname(execPath));
  return [pyJoin(prefix, 'etc', 'supervisord.conf'), pyJoin(prefix, 'supervisord.conf'), 'supervisord.conf',
    'etc/supervisord.conf', '/etc/supervisord.conf', '/etc/supervisor/supervisord.conf'];
}

/** The first existing candidate (relative ones against cwd), or supervisord's usage error. */
export function findConfigFile(execPath: string, cwd: string, exists: (p: string) => boolean = existsSync): string {
  const paths = searchPaths(execPath);
  for (const p of paths) {
    if (exists(pyJoin(cwd, p))) return p;
  }
  throw new ConfigError(`No config file found at default paths (${paths.join(', ')}); use the -c option to specify `
    + 'a config file at a different path');
}

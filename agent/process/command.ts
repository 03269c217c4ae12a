// Turns a program's command= into the file to exec and its argv, with supervisord's PATH
// lookup and executable checks; each failure is a domain error carrying supervisord's text.
import { statSync, accessSync, constants, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { BadCommand, NotFound, NotExecutable, NoPermission } from './errors.js';
import { pyRepr } from '../python/repr.js';
import { shlexSplit, ShlexError } from './shlex.js';

export const DEFAULT_PATH = ['/bin', '/usr/bin', '/usr/local/bin'];

export interface ResolvedCommand {
  readonly file: string;
  readonly argv: string[];
}

/**
 * The directories searched for a bare command: the program's environment PATH when it has one
 * (even empty), else the daemon's PATH when non-empty, else the default list.
 */
export function searchPath(programPath: string | undefined, daemonPath: string | undefined): string[] {
  if (programPath !== undefined) return programPath.split(':');
  if (daemonPath) return daemonPath.split(':');
  return DEFAULT_PATH;
}

function tryStat(file: string, cwd: string): Stats | null {
  try {
    return statSync(resolve(cwd, file));
  } catch {
    return null;
  }
}

function splitCommand(command: string): string[] {
  try {
    return shlexSplit(command);
  } catch (err) {
    if (err instanceof ShlexError) throw new BadCommand(`can't parse command ${pyRepr(command)}: ${err.message}`);
    throw err;
  }
}

/** supervisord's check_execv_args: existence, directory, mode bits, then access(X_OK). */
function checkExecutable(file: string, st: Stats | null, cwd: string): void {
  if (st === null) throw new NotFound(`can't find command ${pyRepr(file)}`);
  if (st.isDirectory()) throw new NotExecutable(`command at ${pyRepr(file)} is a directory`);
  if ((st.mode & 0o111) === 0) throw new NotExecutable(`command at ${pyRepr(file)} is not executable`);
  try {
    accessSync(resolve(cwd, file), constants.X_OK);
  } catch {
    throw new NoPermission(`no permission to run command ${pyRepr(file)}`);
  }
}

/**
 * Relative paths are checked against `cwd`, the daemon's working directory (not the program's
 * directory=), exactly as supervisord stats them before forking.
 */
export function resolveCommand(command: string, path: readonly string[], cwd: string = process.cwd()): ResolvedCommand {
  const argv = splitCommand(command);
  const program = argv[0];
  if (program === undefined) throw new BadCommand('command is empty');
  let file = program;
  let st: Stats | null = null;
  if (program.includes('/')) {
    st = tryStat(program, cwd);
  } else {
    for (const dir of path) {
      // Plain concatenation like os.path.join, so './x' stays './x' (path.join would drop './').
      const candidate = dir === '' || dir.endsWith('/') ? dir + program : `${dir}/${program}`;
      st = tryStat(candidate, cwd);
      if (st !== null) {
        file = candidate;
        break;
      }
    }
  }
  checkExecutable(file, st, cwd);
  return { file, argv };
}

// AUTO child log files: creating `<name>-<channel>---<identifier>-XXXXXXXX.log` in childlogdir, and the
// startup cleanup of old ones. Imports only node built-ins and logging types.
import { closeSync, constants, openSync, readdirSync, unlinkSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Logger } from './types.js';
import { pyStrRepr } from '../python/repr.js';

// The alphabet and length of Python's tempfile names, which supervisord uses for AUTO logs.
const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_';
const RANDOM_LENGTH = 8;
const MAX_ATTEMPTS = 10000;

function randomPart(): string {
  let out = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) out += NAME_CHARS[randomInt(NAME_CHARS.length)];
  return out;
}

/**
 * Create a new, empty AUTO log (mode 0600, never reusing an existing name) and return its absolute path.
 * Errors other than a name collision (missing dir, no permission) propagate with their errno code.
 */
export function createAutoLogFile(dir: string, processName: string, channel: 'stdout' | 'stderr', identifier: string): string {
  const prefix = `${processName}-${channel}---${identifier}-`;
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const path = resolve(dir, `${prefix}${randomPart()}.log`);
    let fd: number;
    try {
      fd = openSync(path, flags, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    closeSync(fd);
    return path;
  }
  throw Object.assign(new Error(`no usable AUTO log name in ${dir}`), { code: 'EEXIST' });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * The cleanup pattern, matched against the start of a file name only. supervisord splices the identifier
 * in unescaped; we escape it so an identifier with regex characters matches only itself.
 */
export function autoLogPattern(identifier: string): RegExp {
  return new RegExp(`^.+?---${escapeRegExp(identifier)}-\\S+\\.log\\.?\\d{0,4}`);
}

/**
 * Startup cleanup (unless nocleanup): delete every file in dir whose name matches autoLogPattern.
 * Failures are warnings, worded as supervisord words them; returns the paths removed.
 */
export function cleanupAutoLogs(dir: string, identifier: string, log?: Logger): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    log?.warn('Could not clear childlog dir');
    return [];
  }
  const pattern = autoLogPattern(identifier);
  const removed: string[] = [];
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const path = join(dir, name);
    try {
      unlinkSync(path);
      removed.push(path);
    } catch {
      log?.warn(`Failed to clean up ${pyStrRepr(path)}`);
    }
  }
  return removed;
}

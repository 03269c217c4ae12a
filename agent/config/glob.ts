// Python glob.glob() for [include] files=: '*', '?' and '[...]' per path component, hidden
// names only matched by patterns that start with '.', no recursion ('**' acts like '*').
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { pyJoin, pySplit } from '../python/posixpath.js';

const MAGIC = /[*?[]/;

/** fnmatch's translation of one component pattern to an anchored RegExp. */
export function fnmatchRegExp(pat: string): RegExp {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) { re += '\\['; continue; }
      let body = pat.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      else if (body.startsWith('^')) body = '\\' + body;
      re += `[${body}]`;
      i = j;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function exists(p: string): boolean {
  try { lstatSync(p); return true; } catch { return false; }
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

/** glob._glob1: the names in dir matching one magic component (hidden ones only for a '.' pattern). */
function matchInDir(dir: string, comp: string, dirOnly: boolean): string[] {
  let names: string[];
  try { names = readdirSync(dir || '.'); } catch { return []; }
  const re = fnmatchRegExp(comp);
  return names.filter((n) => (!n.startsWith('.') || comp.startsWith('.')) && re.test(n)
    && (!dirOnly || isDir(pyJoin(dir, n))));
}

/** glob._iglob, recursing on os.path.split: matches keep the pattern's spelling, a trailing slash included. */
function iglob(pattern: string, dirOnly: boolean): string[] {
  const [dir, base] = pySplit(pattern);
  if (!MAGIC.test(pattern)) {
    if (base ? exists(pattern) : isDir(dir)) return [pattern];
    return [];
  }
  if (!dir) return matchInDir('', base, dirOnly);
  const dirs = dir !== pattern && MAGIC.test(dir) ? iglob(dir, true) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    if (MAGIC.test(base)) names = matchInDir(d, base, dirOnly);
    else names = (base ? exists(pyJoin(d, base)) : isDir(d)) ? [base] : [];
    for (const n of names) out.push(pyJoin(d, n));
  }
  return out;
}

/** Python glob.glob(pattern) (not recursive): matches unsorted, as callers sort them as supervisord does. */
export function glob(pattern: string): string[] {
  return iglob(pattern, false);
}

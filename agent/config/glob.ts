// Python glob.glob() for [include] files=: '*', '?' and '[...]' per path component, hidden
// names only matched by patterns that start with '.', no recursion ('**' acts like '*').
import { lstatSync, readdirSync, statSync } from 'node:fs';

const MAGIC = /[*?[]/;

/** os.path.join without normalising, so matches keep the pattern's spelling. */
function join(dir: string, name: string): string {
  return dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

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

function expandComponent(dirs: string[], comp: string, last: boolean): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    if (!MAGIC.test(comp)) {
      const p = join(dir, comp);
      if (last ? exists(p) : isDir(p)) out.push(p);
      continue;
    }
    const re = fnmatchRegExp(comp);
    let names: string[];
    try { names = readdirSync(dir || '.'); } catch { continue; }
    for (const n of names) {
      if (n.startsWith('.') && !comp.startsWith('.')) continue;
      if (re.test(n) && (last || isDir(join(dir, n)))) out.push(join(dir, n));
    }
  }
  return out;
}

/** Matches of an absolute pattern, unsorted (callers sort as supervisord does). */
export function glob(pattern: string): string[] {
  if (!MAGIC.test(pattern)) return exists(pattern) ? [pattern] : [];
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let current = [pattern.startsWith('/') ? '/' : ''];
  const comps = pattern.startsWith('/') ? parts.slice(1) : parts;
  comps.forEach((comp, i) => { current = expandComponent(current, comp, i === comps.length - 1); });
  return current;
}

// CPython 3.11's posixpath (Lib/posixpath.py): split, dirname, basename, join, normpath and
// abspath, which supervisord's options.py applies to config paths. They differ from node:path:
// no normalisation in join, '/a/b/' has dirname '/a/b', '//' leads are kept. Pure; imports nothing.

/** posixpath.split: the head keeps everything before the last '/' (trailing slashes of it stripped unless all slashes). */
export function pySplit(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '');
  return [head, p.slice(i)];
}

/** posixpath.dirname: '/a/b/' gives '/a/b' (node's dirname gives '/a'), 'x' gives ''. */
export function pyDirname(p: string): string {
  return pySplit(p)[0];
}

/** posixpath.basename: '/a/b/' gives ''. */
export function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** posixpath.join: no normalisation; an absolute part restarts the path. */
export function pyJoin(first: string, ...rest: string[]): string {
  let path = first;
  for (const b of rest) {
    if (b.startsWith('/')) path = b;
    else if (!path || path.endsWith('/')) path += b;
    else path += '/' + b;
  }
  return path;
}

/** posixpath.normpath: lexical; exactly two leading slashes are kept, as POSIX allows. */
export function pyNormpath(p: string): string {
  if (!p) return '.';
  const initial = p.startsWith('//') && !p.startsWith('///') ? 2 : p.startsWith('/') ? 1 : 0;
  const comps: string[] = [];
  for (const comp of p.split('/')) {
    if (comp === '' || comp === '.') continue;
    if (comp !== '..' || (!initial && comps.length === 0) || comps[comps.length - 1] === '..') comps.push(comp);
    else if (comps.length > 0) comps.pop();
  }
  return '/'.repeat(initial) + comps.join('/') || '.';
}

/** posixpath.abspath with an explicit working directory. */
export function pyAbspath(p: string, cwd: string): string {
  return pyNormpath(p.startsWith('/') ? p : pyJoin(cwd, p));
}

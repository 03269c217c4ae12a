// Temporary directories for tests, removed when the test ends.
import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface HasAfter { after(fn: () => void | Promise<void>): void }

export function makeTmpDir(t: HasAfter, prefix = 'fv-'): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

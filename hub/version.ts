// The hub's version: package.json's, found from this module (hub/ or dist/hub/), so the hub, the
// agent's binaries and the npm package all say the same.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === 'fleetvisor' && 'version' in pkg && typeof pkg.version === 'string') {
        return pkg.version;
      }
    }
    const up = resolve(dir, '..');
    if (up === dir) return 'unknown';
    dir = up;
  }
}

export const HUB_VERSION = readVersion();

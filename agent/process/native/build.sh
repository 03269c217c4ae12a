#!/bin/sh
# Compiles the spawn helper (fv-spawn.c) into dist/native/fv-spawn; part of `npm run build`.
# Without a C compiler the daemon still works and says so in its log: children are then
# spawned by node's child_process, about three times slower per child.
set -e
cd "$(dirname "$0")/../../.."
mkdir -p dist/native
cc=${CC:-$(command -v cc || command -v gcc || command -v clang || true)}
if [ -z "$cc" ]; then
  echo "fv-spawn: no C compiler found; fleetvisord will spawn children through node" >&2
  exit 0
fi
"$cc" -O2 -Wall -Wextra -Werror -o dist/native/fv-spawn.tmp agent/process/native/fv-spawn.c
mv dist/native/fv-spawn.tmp dist/native/fv-spawn

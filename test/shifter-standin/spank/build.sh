#!/usr/bin/env bash
# Build the stand-in's SPANK plugin: spank/build.sh OUTPUT.so
# Needs gcc and /usr/include/slurm/spank.h (Debian: libslurm-dev). The plugin uses only symbols that
# Slurm's own programs export to SPANK plugins, so it is not linked against libslurm.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build.sh OUTPUT.so}
[ -f /usr/include/slurm/spank.h ] || { echo "build.sh: /usr/include/slurm/spank.h missing (apt-get install libslurm-dev)" >&2; exit 1; }
command -v gcc >/dev/null || { echo "build.sh: gcc missing" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -shared -fPIC -o "$out.tmp" "$HERE/shifter_spank.c"
mv -f "$out.tmp" "$out"
echo "built $out"

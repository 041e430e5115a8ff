#!/usr/bin/env bash
# Run the stand-in's mocha tests on their own, without building the rest of the project:
#   test/shifter-standin/run-tests.sh [mocha args...]        (as root; e.g. --grep ACL)
# Compiles test/shifter-standin/*.ts with the project's tsconfig (tsc from node_modules) into a
# temporary directory and runs mocha there. The project's own `npm test` runs the same files from out/.
# Set SHIFTER_STANDIN_CLUSTER_TESTS=1 to include cluster.test.ts (needs test/cluster/up.sh + install.sh).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TSC=$ROOT/node_modules/.bin/tsc
MOCHA=$ROOT/node_modules/.bin/mocha
[ -x "$TSC" ] && [ -x "$MOCHA" ] || { echo "run-tests.sh: run npm install in $ROOT first (typescript, mocha)" >&2; exit 1; }
OUT=$(mktemp -d /tmp/sfstandin-tests.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
cat >"$OUT/tsconfig.json" <<JSON
{ "extends": "$ROOT/tsconfig.json",
  "compilerOptions": { "outDir": "$OUT/out", "rootDir": "$ROOT", "sourceMap": false, "typeRoots": ["$ROOT/node_modules/@types"] },
  "include": ["$HERE/*.ts"] }
JSON
"$TSC" -p "$OUT/tsconfig.json"
specs=("$OUT"/out/test/shifter-standin/*.test.js)
if [ "${SHIFTER_STANDIN_CLUSTER_TESTS:-0}" != 1 ]; then
  specs=("${specs[@]/*cluster.test.js/}")
fi
cd "$ROOT"
SHIFTER_STANDIN_DIR=$HERE "$MOCHA" --no-config --timeout 20000 --reporter spec "$@" ${specs[@]}

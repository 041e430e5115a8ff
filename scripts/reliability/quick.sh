#!/usr/bin/env bash
# Quick mode of every reliability test (what `npm test` runs as part of mocha's whole suite), alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsc -p . && node scripts/build.mjs
trap 'bash scripts/reliability/clusterctl.sh ensure || true' EXIT
npx mocha --no-config 'out/test/reliability/**/*.test.js' 2>&1 | tee /tmp/reliability-quick.log
echo "figures:"; grep -E '^R[0-9]' /tmp/reliability-quick.log

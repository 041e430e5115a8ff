#!/usr/bin/env bash
# Every test: builds, brings up the real Slurm cluster with the Shifter stand-in (needs root: see
# test/cluster/README.md), runs the whole mocha suite against it, and always stops the cluster again.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs
if [ "$(id -u)" -ne 0 ]; then
  echo "npm test brings up a real Slurm cluster and needs root (sudo npm test); 'npm run test:unit' runs the rest." >&2
  exit 1
fi
cleanup() { bash test/cluster/down.sh >/dev/null 2>&1 || true; }
trap cleanup EXIT
bash test/cluster/up.sh
[ -x test/shifter-standin/install.sh ] && bash test/shifter-standin/install.sh
export SF_CLUSTER_UP=1
npx mocha

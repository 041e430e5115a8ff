#!/usr/bin/env bash
# Long mode of the reliability tests (docs/reliability.md), as root on a machine with the test cluster
# and the Shifter stand-in up (test/cluster/up.sh; test/shifter-standin/install.sh /var/lib/sfcluster).
# Counts come from the environment; defaults are the long-mode figures:
#   SF_R1_KILLS=50        runner SIGKILLs (R1), each followed by run --resume
#   SF_R1_SEED=20261122   seed of the kill points
#   SF_R2_OUTAGE_S=30     seconds slurmctld stays down (R2)
#   SF_R2_REPEAT=3        outages during submission, and as many during tracking
#   SF_R5_COUNT=100000    validator fuzz inputs (R5)
#   SF_R5_SEED=5150
#   ONLY="r1 r5"          run only these items (r1 r2 r3 r4 r5 r6 r8)
# Example: SF_R1_KILLS=10 ONLY=r1 bash scripts/reliability/long.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export SF_R1_KILLS=${SF_R1_KILLS:-50} SF_R2_OUTAGE_S=${SF_R2_OUTAGE_S:-30} SF_R2_REPEAT=${SF_R2_REPEAT:-3} SF_R5_COUNT=${SF_R5_COUNT:-100000}
ONLY=${ONLY:-r1 r2 r3 r4 r5 r6 r8}
npx tsc -p .
node scripts/build.mjs
files=()
for r in $ONLY; do files+=(out/test/reliability/"$r"-*.test.js); done
# Whatever happens, leave the cluster as it was: controller and nodes up, gateway up.
trap 'bash scripts/reliability/clusterctl.sh ensure || true' EXIT
npx mocha --no-config --timeout 0 "${files[@]}" 2>&1 | tee "${SF_RELIABILITY_LOG:-/tmp/reliability-long.log}"
echo "figures:"; grep -E '^R[0-9]' "${SF_RELIABILITY_LOG:-/tmp/reliability-long.log}"

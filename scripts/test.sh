#!/usr/bin/env bash
# Every test, on the real parts: installs what they need (Debian packages for Slurm, the registry,
# bubblewrap/podman, Chromium; code-server from npm), builds, brings up the Slurm cluster (slurmdbd,
# slurmctld, three slurmd nodes) with the Shifter stand-in, runs the whole mocha suite, then the
# tests inside a real VS Code extension host, and always stops what it started. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "npm test installs packages and brings up a real Slurm cluster: run it as root (sudo npm test)." >&2
  echo "'npm run test:unit' runs the tests that need neither." >&2
  exit 1
fi
export npm_config_yes=true npm_config_unsafe_perm=true
STATE=${SFCLUSTER_STATE:-/var/lib/sfcluster}

bash test/cluster/install.sh
bash test/local/support/install.sh
bash test/extension/install-host.sh
node scripts/build.mjs

cleanup() {
  bash test/shifter-standin/stop.sh "$STATE" >/dev/null 2>&1 || true
  bash test/cluster/down.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT
bash test/cluster/up.sh
bash test/shifter-standin/install.sh "$STATE"

log=$(mktemp)
status=0
npx mocha 2>&1 | tee "$log" || status=$?
node test/extension/run-host-tests.mjs 2>&1 | tee -a "$log" || status=$?
# One closing line for CI over both runs (mocha prints "N passing" / "N failing" per run).
passed=$({ grep -Eo '^ +[0-9]+ passing' "$log" || true; } | awk '{s+=$1} END {print s+0}')
failed=$({ grep -Eo '^ +[0-9]+ failing' "$log" || true; } | awk '{s+=$1} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit "$status"

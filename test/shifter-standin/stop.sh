#!/usr/bin/env bash
# Undo install.sh: stop the gateway (by its recorded PID: SIGTERM, wait, SIGKILL), remove the SPANK
# plugin line and the /usr/local/bin symlinks. Images, the gateway's state and its log stay in
# CLUSTER_STATE_DIR/shifter and SF_GLOBAL_ROOT/shifter (a later install.sh finds them READY).
#   test/shifter-standin/stop.sh [--gateway-only] CLUSTER_STATE_DIR
set -euo pipefail
log() { echo "[shifter-standin] $*" >&2; }

only_gw=0
if [ "${1:-}" = "--gateway-only" ]; then only_gw=1; shift; fi
STATE=${1:?usage: stop.sh [--gateway-only] CLUSTER_STATE_DIR}
SD=$STATE/shifter
pidf=$SD/run/gateway.pid

if [ -f "$pidf" ]; then
  read -r pid comm <"$pidf" || true
  if [ -n "${pid:-}" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "${comm:-node}" ] \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'gateway.js'; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "gateway pid $pid still alive after 10 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "gateway (pid $pid) stopped"
  fi
  rm -f "$pidf"
fi
[ "$only_gw" = 1 ] && exit 0

rm -f "$STATE/plugstack.conf.d/shifter.conf"
for n in shifter shifterimg; do
  link=/usr/local/bin/$n
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$SD/bin/$n" ]; then rm -f "$link"; fi
done
log "uninstalled from $STATE (images and gateway state kept in $SD)"

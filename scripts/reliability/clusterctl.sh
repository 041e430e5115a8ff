#!/usr/bin/env bash
# Disrupt and restore parts of the test cluster (test/cluster/up.sh) for the reliability tests, as root.
# Restarts use exactly the command lines, pid files and logs of up.sh (through test/cluster/lib.sh).
#   clusterctl.sh ctld-stop            SIGTERM slurmctld (it saves its state in StateSaveLocation), wait
#   clusterctl.sh ctld-start           start slurmctld as up.sh does; wait for `scontrol ping`
#   clusterctl.sh node-kill NODE       simulate a node crash: SIGKILL slurmd (by its pid file) and every
#                                      process in the node's mount namespace (slurmstepd, job tasks)
#   clusterctl.sh node-start NODE      start the node as up.sh does (unshare + node-init.sh), record its
#                                      mount namespace, wait until sinfo shows it up again
#   clusterctl.sh ensure               start whatever of the above is not running; wait for 3 nodes up
#   clusterctl.sh gateway-stop|gateway-start   test/shifter-standin/stop.sh --gateway-only / install.sh
set -euo pipefail
_sf_tag=reliability
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/test/cluster
# shellcheck source=../../test/cluster/lib.sh
. "$HERE/lib.sh"
need_root

ctld_start() {
  if daemon_running slurmctld; then return 0; fi
  start_daemon slurmctld "$SF_LOG/slurmctld.out" slurmctld -D -f "$SF_CONF"
  wait_for "slurmctld on 127.0.0.1:$SF_CTLD_PORT" "$SF_UP_TIMEOUT" "$SF_LOG/slurmctld.log $SF_LOG/slurmctld.out" scontrol ping
  log "slurmctld up"
}

node_kill() {
  local n=$1 f=$SF_PIDS/slurmd-$1.pid pid mntns pids
  [ -f "$f" ] || die "no pid file $f"
  read -r pid _ mntns <"$f"
  [ -n "${mntns:-}" ] && [ "$mntns" != "$(readlink /proc/self/ns/mnt)" ] || die "no node mount namespace recorded in $f"
  log "killing node $n: slurmd pid $pid and every process of $mntns"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pids=$(ns_procs "$mntns")
    [ -n "$pids" ] || break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
  done
  [ -z "$(ns_procs "$mntns")" ] || die "processes of node $n survive: $(ns_procs "$mntns" | tr '\n' ' ')"
  rm -f "$f" "$SF_RUN/slurmd-$n.daemon.pid"
}

node_state() { sinfo -h -n "$1" -N -o '%t' 2>/dev/null | head -1; }

node_start() {
  local n=$1 f=$SF_PIDS/slurmd-$1.pid pid comm ns
  if ! daemon_running "slurmd-$n"; then
    SF_COMM=slurmd start_daemon "slurmd-$n" "$SF_LOG/node-$n.out" \
      unshare --uts --mount --propagation private "$HERE/node-init.sh" "$n" "$SF_CONF"
    read -r pid comm <"$f"
    wait_for "node $n to start slurmd" 10 "$SF_LOG/node-$n.out" sh -c "[ \"\$(cat /proc/$pid/comm)\" = slurmd ]"
    ns=$(readlink "/proc/$pid/ns/mnt")
    [ "$ns" != "$(readlink /proc/self/ns/mnt)" ] || die "node $n runs in the host's mount namespace"
    echo "$pid $comm $ns" >"$f"
  fi
  # ReturnToService=2: a DOWN node that registers again is returned to service by itself.
  wait_for "node $n up in sinfo" "$SF_UP_TIMEOUT" "$SF_LOG/slurmd-$n.log" sh -c "sinfo -h -n $n -N -o %t | grep -qE '^(idle|mix|alloc|comp)$'"
  log "node $n: $(node_state "$n")"
}

case "${1:-}" in
  ctld-stop) stop_daemon slurmctld 30 ;;
  ctld-start) ctld_start ;;
  node-kill) node_kill "${2:?node}" ;;
  node-start) node_start "${2:?node}" ;;
  ensure)
    ctld_start
    for n in $SF_NODES; do node_start "$n"; done
    shifterimg images >/dev/null 2>&1 || bash "$ROOT/test/shifter-standin/install.sh" "$S" >/dev/null
    ;;
  gateway-stop) bash "$ROOT/test/shifter-standin/stop.sh" --gateway-only "$S" ;;
  gateway-start) bash "$ROOT/test/shifter-standin/install.sh" "$S" ;;
  *) echo "usage: $0 ctld-stop|ctld-start|node-kill NODE|node-start NODE|ensure|gateway-stop|gateway-start" >&2; exit 2 ;;
esac

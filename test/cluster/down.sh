#!/usr/bin/env bash
# Stop the shifterflow test cluster: every daemon by its recorded PID (SIGTERM, wait, SIGKILL),
# nodes (and every job process inside them) with their PID namespaces. Keeps the state dir (DB,
# images, registry data) so the next up.sh is fast; removes the pid files. Safe when nothing runs.
set -euo pipefail
_sf_tag=down
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_root
quiet=0; [ "${1:-}" = "--quiet" ] && quiet=1

if [ ! -d "$SF_RUN" ]; then
  [ "$quiet" = 1 ] || log "nothing to stop ($SF_RUN does not exist)"
  exit 0
fi

# Let running jobs end cleanly while slurmctld and the nodes are still there.
if daemon_running slurmctld && [ -f "$SF_CONF" ]; then
  if [ -n "$(squeue -h -o %i 2>/dev/null | head -1)" ]; then
    log "cancelling remaining jobs"
    timeout 10 scancel --partition="$SF_PARTITION" 2>/dev/null || true
    deadline=$((SECONDS + 8))
    while [ -n "$(timeout 5 squeue -h -t R,CG -o %i 2>/dev/null | head -1)" ] && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.3
    done
  fi
fi

# Nodes: the pid file holds the `unshare` process; its child is PID 1 (node-init.sh) of the node.
for f in "$SF_RUN"/slurmd-*.pid; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .pid)
  if upid=$(pidfile_pid "$name"); then
    inits=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null || true)
    stop_daemon "$name" 10   # unshare dies; --kill-child sends SIGTERM to node-init, which stops slurmd
    for ipid in $inits; do
      deadline=$((SECONDS + 10))
      while kill -0 "$ipid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
      if kill -0 "$ipid" 2>/dev/null; then
        log "$name: node init $ipid still alive: SIGKILL (kills every process of the node)"
        kill -KILL "$ipid" 2>/dev/null || true
      fi
    done
  else
    rm -f "$f"
  fi
done

stop_daemon registry 10
stop_daemon slurmctld 15
stop_daemon slurmdbd 15
stop_daemon mariadb 30
stop_daemon munged 10
rm -f "$SF_RUN"/*.pid

# Leftovers check: no process of ours, no mount under the state dir or the global root.
sleep 0.2
left=""
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  comm=$(cat "$p/comm" 2>/dev/null) || continue
  case "$comm" in
    munged|mariadbd|slurmctld|slurmd|slurmdbd|slurmstepd|docker-registry|node-init.sh|unshare) ;;
    *) continue ;;
  esac
  cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
  if [[ "$cmd" == *"$S/"* || "$cmd" == *"$HERE/node-init.sh"* ]] \
     || tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$SF_CONF"; then
    left+="  $pid: $cmd"$'\n'
  fi
done
mounts=$(findmnt -rn -o TARGET | grep -E "^($S|$SF_GLOBAL_ROOT)(/|$)" || true)
if [ -n "$left" ] || [ -n "$mounts" ]; then
  [ -z "$left" ] || printf '[down] processes still running:\n%s' "$left" >&2
  [ -z "$mounts" ] || printf '[down] mounts still present:\n%s\n' "$mounts" >&2
  die "cluster not fully stopped"
fi
[ "$quiet" = 1 ] || log "cluster stopped (state kept in $S)"

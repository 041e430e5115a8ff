#!/usr/bin/env bash
# Stop the shifterflow test cluster: every daemon by its recorded PID (SIGTERM, wait, SIGKILL),
# then every process left in a node's mount namespace (job steps, tasks) and their descendants. Keeps the state dir (DB,
# images, registry data) so the next up.sh is fast; removes the pid files. Safe when nothing runs.
set -euo pipefail
_sf_tag=down
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_root
quiet=0; [ "${1:-}" = "--quiet" ] && quiet=1

if [ ! -d "$S" ]; then
  [ "$quiet" = 1 ] || log "nothing to stop ($S does not exist)"
  exit 0
fi
mkdir -p "$SF_PIDS"

# Let running jobs end cleanly while slurmctld and the nodes are still there.
if daemon_running slurmctld && [ -f "$SF_CONF" ]; then
  if [ -n "$(squeue -h -o %i 2>/dev/null | head -1)" ]; then
    log "cancelling remaining jobs"
    timeout 10 scancel --partition="$SF_PARTITION" 2>/dev/null || true
    deadline=$((SECONDS + 8))
    while [ -n "$(timeout 5 squeue -h -o %i 2>/dev/null | head -1)" ] && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.3
    done
  fi
fi

# Nodes (and the registry, independent of everything): SIGTERM all at once. The node pid file holds
# "PID slurmd MNTNS"; once slurmd is gone, whatever still lives in the node's mount namespace
# (slurmstepd, job tasks) and their descendants (containers) is killed.
term_pids=""; namespaces=""; hostns=$(readlink /proc/self/ns/mnt)
for f in "$SF_PIDS"/slurmd-*.pid "$SF_PIDS"/registry.pid; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .pid)
  read -r _ _ mntns <"$f" || true
  if [ -n "${mntns:-}" ] && [ "$mntns" != "$hostns" ]; then namespaces+=" $mntns"; fi
  if pid=$(pidfile_pid "$name"); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    term_pids+=" $pid"
  fi
done
# shellcheck disable=SC2086
if [ -n "$term_pids" ] && ! wait_gone 10 $term_pids; then
  log "still alive after 10s, SIGKILL:$term_pids"
  # shellcheck disable=SC2086
  kill -KILL $term_pids 2>/dev/null || true
fi
if [ -n "$namespaces" ]; then
  for round in 1 2 3 4 5 6 7 8 9 10; do
    # shellcheck disable=SC2086
    pids=$(ns_procs $namespaces)
    [ -n "$pids" ] || break
    [ "$round" -gt 1 ] || log "killing $(echo "$pids" | wc -l) leftover process(es) of the nodes"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.2
  done
  # shellcheck disable=SC2086
  [ -z "$(ns_procs $namespaces)" ] || log "WARNING: node processes survive: $(ns_procs $namespaces | tr '\n' ' ')"
fi
for n in $SF_NODES; do rm -f "$SF_PIDS/slurmd-$n.pid"; done; rm -f "$SF_PIDS/registry.pid"

stop_daemon slurmctld 15
stop_daemon slurmdbd 15
stop_daemon mariadb 30
stop_daemon munged 10
# only our own pid files: other test components may keep theirs in the state dir too
for n in munged mariadb slurmdbd slurmctld registry $SF_NODES; do
  rm -f "$SF_PIDS/$n.pid" "$SF_PIDS/slurmd-$n.pid" "$SF_RUN/$n.daemon.pid" "$SF_RUN/slurmd-$n.daemon.pid"
done

# Leftovers check: no process of ours, no mount under the state dir or the global root.
sleep 0.2
left=""
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  comm=$(cat "$p/comm" 2>/dev/null) || continue
  case "$comm" in
    munged|mariadbd|slurmctld|slurmd|slurmdbd|slurmstepd|docker-registry|bash|unshare) ;;
    *) continue ;;
  esac
  pid_alive "$pid" || continue
  cmd=$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null) || continue
  if [ "$comm" = bash ]; then
    [[ "$cmd" == *"$HERE/node-init.sh"* ]] || continue
  elif [[ "$cmd" != *"$S/"* ]]; then   # slurmdbd and slurmstepd: known by their environment
    { tr '\0' '\n' <"$p/environ" | grep -qxF "SLURM_CONF=$SF_CONF"; } 2>/dev/null || continue
  fi
  left+="  $pid: $cmd"$'\n'
done
mounts=$(findmnt -rn -o TARGET | grep -E "^($S|$SF_GLOBAL_ROOT)(/|$)" || true)
if [ -n "$left" ] || [ -n "$mounts" ]; then
  [ -z "$left" ] || printf '[down] processes still running:\n%s' "$left" >&2
  [ -z "$mounts" ] || printf '[down] mounts still present:\n%s\n' "$mounts" >&2
  die "cluster not fully stopped"
fi
[ "$quiet" = 1 ] || log "cluster stopped (state kept in $S)"

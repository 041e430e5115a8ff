#!/usr/bin/env bash
# PID 1 of one simulated compute node (started by up.sh through
#   unshare --uts --mount --pid --fork --propagation private --mount-proc --kill-child=SIGTERM).
# Own hostname, own /tmp and /dev/shm, everything else (/, the global root, the state dir, /run/munge)
# shared with the host. When this script ends, the kernel kills every process left in the node.
set -euo pipefail
node=$1 conf=$2
hostname "$node"
mount -t tmpfs -o mode=1777,size=2g "sfcluster-tmp-$node" /tmp
mount -t tmpfs -o mode=1777,size=1g "sfcluster-shm-$node" /dev/shm
echo "node $node: hostname $(hostname), /tmp and /dev/shm private, starting slurmd"
slurmd -D -N "$node" -f "$conf" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT HUP
# As PID 1, bash also reaps every orphan re-parented to it (slurmstepd, tasks).
while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done
echo "node $node: slurmd exited"

#!/usr/bin/env bash
# One simulated compute node, started by up.sh as
#   unshare --uts --mount --propagation private node-init.sh NODE SLURM_CONF
# Own hostname and own /tmp (a tmpfs); everything else -- /, the global root, the state dir,
# /run/munge, /dev/shm, PIDs, SysV IPC, the network -- is shared with the host and the other nodes.
# (Separate PID/IPC namespaces per node would make MPICH's UCX talk TCP between nodes, and MPICH 4.0 +
# UCX 1.13 then hang in MPI_Finalize about one run in three.) Becomes slurmd (exec): same PID.
set -euo pipefail
node=$1 conf=$2
hostname "$node"
mount -t tmpfs -o mode=1777,size=2g "sfcluster-tmp-$node" /tmp
echo "node $node: hostname $(hostname), private /tmp, mount ns $(readlink /proc/self/ns/mnt); exec slurmd"
exec slurmd -D -N "$node" -f "$conf"

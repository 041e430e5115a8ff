#!/usr/bin/env bash
# Bring up the shifterflow test cluster on this machine, as root:
#   munged, MariaDB (127.0.0.1:13306), slurmdbd (6819), slurmctld (6817), slurmd n1 n2 n3 (6831-6833,
#   each in its own UTS + mount namespace with a private /tmp), a Docker registry (127.0.0.1:5000) with test images,
#   test users, the Slurm accounting (account m1234, qos regular/shared/debug/interactive/premium).
# Stops any leftover cluster first (down.sh). Every daemon's PID is recorded in $SFCLUSTER_STATE/pids.
# Writes $SFCLUSTER_STATE/env.sh for clients. See README.md.
set -euo pipefail
_sf_tag=up
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_root
T0_NS=$(date +%s%N)

for cmd in munged mariadbd mariadb-install-db slurmctld slurmd slurmdbd sacctmgr docker-registry skopeo umoci unshare curl ss; do
  command -v "$cmd" >/dev/null || die "$cmd not found: run $HERE/install.sh first"
done

bash "$HERE/down.sh" --quiet

# Every port we need must be free (another cluster, a system MariaDB, a colleague's registry...).
ports="$SF_DB_PORT $SF_CTLD_PORT $SF_DBD_PORT ${SF_REGISTRY##*:}"
for n in $SF_NODES; do ports+=" $(node_port "$n")"; done
busy=""
for p in $ports; do
  l=$(ss -Hltnp "sport = :$p" 2>/dev/null || true)
  [ -z "$l" ] || busy+="  port $p: $l"$'\n'
done
[ -z "$busy" ] || { printf '%s' "$busy" >&2; die "ports in use by something that is not this cluster (see above)"; }

# ---------------------------------------------------------------- directories, users, global fs
mkdir -p "$S" "$SF_ETC" "$SF_RUN" "$SF_PIDS" "$SF_LOG" "$SF_SPOOL/ctld" "$S/munge" "$S/registry" "$S/plugstack.conf.d"
chmod 755 "$S" "$SF_ETC" "$SF_RUN" "$SF_LOG" "$S/plugstack.conf.d"
chmod 700 "$S/munge"
for n in $SF_NODES; do mkdir -p "$SF_SPOOL/slurmd-$n"; done

mkdir -p "$SF_GLOBAL_ROOT/home" "$SF_GLOBAL_ROOT/scratch"
chmod 755 "$SF_GLOBAL_ROOT" "$SF_GLOBAL_ROOT/home" "$SF_GLOBAL_ROOT/scratch"

ensure_user() {   # NAME UID
  local name=$1 uid=$2 home=$SF_GLOBAL_ROOT/home/$1
  if getent passwd "$name" >/dev/null; then
    [ "$(id -u "$name")" = "$uid" ] || die "user $name exists with uid $(id -u "$name"), expected $uid"
  else
    getent group "$name" >/dev/null || groupadd -g "$uid" "$name" || die "groupadd $name (gid $uid) failed"
    useradd -u "$uid" -g "$name" -d "$home" -M -s /bin/bash -c "shifterflow test user" "$name" \
      || die "useradd $name failed"
    log "created user $name (uid $uid, home $home)"
  fi
  [ "$(getent passwd "$name" | cut -d: -f6)" = "$home" ] || usermod -d "$home" "$name"
  mkdir -p "$home" "$SF_GLOBAL_ROOT/scratch/$name"
  chown "$uid:$(id -g "$name")" "$home" "$SF_GLOBAL_ROOT/scratch/$name"
  chmod 755 "$home" "$SF_GLOBAL_ROOT/scratch/$name"
}
ensure_user "$SF_TEST_USER" "$SF_TEST_UID"
ensure_user "$SF_OTHER_USER" "$SF_OTHER_UID"

# ---------------------------------------------------------------- munge (default socket /run/munge)
if [ -S "$SF_MUNGE_SOCKET" ] && munge -n -S "$SF_MUNGE_SOCKET" >/dev/null 2>&1; then
  die "a munged not started by this cluster already answers on $SF_MUNGE_SOCKET; stop it first"
fi
[ -f "$S/munge/munge.key" ] || mungekey --create --keyfile="$S/munge/munge.key"
chmod 600 "$S/munge/munge.key"
mkdir -p "$(dirname "$SF_MUNGE_SOCKET")"; chmod 755 "$(dirname "$SF_MUNGE_SOCKET")"
rm -f "$SF_MUNGE_SOCKET" "$SF_MUNGE_SOCKET.lock"
start_daemon munged "$SF_LOG/munged.log" munged --foreground --force \
  --key-file="$S/munge/munge.key" --socket="$SF_MUNGE_SOCKET" --pid-file="$SF_RUN/munged.daemon.pid" \
  --seed-file="$S/munge/munged.seed" --log-file="$SF_LOG/munged.log"
wait_for "munged" "$SF_UP_TIMEOUT" "$SF_LOG/munged.log" sh -c "munge -n -S '$SF_MUNGE_SOCKET' | unmunge -S '$SF_MUNGE_SOCKET'"
log "munged up"

# ---------------------------------------------------------------- MariaDB (private datadir)
DB_DATA=$S/mariadb
if [ ! -d "$DB_DATA/mysql" ]; then
  log "initialising MariaDB datadir $DB_DATA"
  rm -rf "$DB_DATA"
  mariadb-install-db --no-defaults --datadir="$DB_DATA" --user=root --skip-test-db \
    --auth-root-authentication-method=socket >"$SF_LOG/mariadb-install.log" 2>&1 \
    || { show_logs "$SF_LOG/mariadb-install.log"; die "mariadb-install-db failed"; }
fi
start_daemon mariadb "$SF_LOG/mariadb.log" mariadbd --no-defaults --datadir="$DB_DATA" \
  --socket="$SF_DB_SOCKET" --port="$SF_DB_PORT" --bind-address=127.0.0.1 --user=root \
  --pid-file="$SF_RUN/mariadb.daemon.pid" --log-error="$SF_LOG/mariadb.log" --skip-name-resolve \
  --innodb-buffer-pool-size=128M --innodb-log-file-size=48M --innodb-lock-wait-timeout=900 \
  --innodb-flush-log-at-trx-commit=2 --performance-schema=OFF --max-connections=200
wait_for "MariaDB on 127.0.0.1:$SF_DB_PORT" "$SF_UP_TIMEOUT" "$SF_LOG/mariadb.log" \
  mariadb-admin --no-defaults --socket="$SF_DB_SOCKET" -uroot ping
[ -f "$SF_ETC/db.pass" ] || { umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$SF_ETC/db.pass"; }
chmod 600 "$SF_ETC/db.pass"
DB_PASS=$(cat "$SF_ETC/db.pass")
mariadb --no-defaults --socket="$SF_DB_SOCKET" -uroot <<SQL || { show_logs "$SF_LOG/mariadb.log"; die "could not create the slurm DB user"; }
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$DB_PASS';
ALTER USER 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
log "MariaDB up (127.0.0.1:$SF_DB_PORT)"

# ---------------------------------------------------------------- configuration files
HOST=$(hostname -s)
umask 022
cat >"$SF_ETC/slurmdbd.conf" <<EOF
# generated by test/cluster/up.sh
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$SF_DBD_PORT
SlurmUser=root
DebugLevel=info
LogFile=$SF_LOG/slurmdbd.log
PidFile=$SF_RUN/slurmdbd.daemon.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$SF_DB_PORT
StorageUser=slurm
StoragePass=$DB_PASS
StorageLoc=slurm_acct_db
EOF
chmod 600 "$SF_ETC/slurmdbd.conf"

first=${SF_NODES%% *}; last=${SF_NODES##* }
cat >"$SF_CONF" <<EOF
# generated by test/cluster/up.sh -- shifterflow test cluster
ClusterName=$SF_CLUSTER_NAME
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$SF_CTLD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$SF_SPOOL/ctld
SlurmdSpoolDir=$SF_SPOOL/slurmd-%n
SlurmctldPidFile=$SF_RUN/slurmctld.daemon.pid
SlurmdPidFile=$SF_RUN/slurmd-%n.daemon.pid
SlurmctldLogFile=$SF_LOG/slurmctld.log
SlurmdLogFile=$SF_LOG/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1
MinJobAge=300
# Room for a 10,000-task array (bench/p6-follow.mjs) while finished records wait out MinJobAge.
MaxJobCount=50000
MaxArraySize=10001
KillWait=5
InactiveLimit=0
SlurmdTimeout=60
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/filetxt
JobCompLoc=$SF_LOG/jobcomp.txt
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$SF_DBD_PORT
AccountingStorageEnforce=associations,limits,qos
AccountingStoreFlags=job_comment
PlugStackConfig=$SF_ETC/plugstack.conf
MailProg=/bin/true
TmpFS=/tmp
NodeName=n[${first#n}-${last#n}] NodeHostname=$HOST NodeAddr=127.0.0.1 Port=[$(node_port "$first")-$(node_port "$last")] CPUs=$SF_NODE_CPUS Boards=1 SocketsPerBoard=1 CoresPerSocket=$SF_NODE_CPUS ThreadsPerCore=1 RealMemory=$SF_NODE_MEM_MB State=UNKNOWN
PartitionName=$SF_PARTITION Nodes=n[${first#n}-${last#n}] Default=YES MaxTime=INFINITE State=UP
EOF
chmod 644 "$SF_CONF"

# SPANK: plugins drop a *.conf into plugstack.conf.d (Slurm accepts an include that matches nothing)
cat >"$SF_ETC/plugstack.conf" <<EOF
# generated by test/cluster/up.sh: add SPANK plugin lines in $S/plugstack.conf.d/*.conf
include $S/plugstack.conf.d/*.conf
EOF
chmod 644 "$SF_ETC/plugstack.conf"

# Make plain `sbatch` work without SLURM_CONF too (e.g. tools started with a clean environment):
# link /etc/slurm/slurm.conf to ours unless the machine has a slurm.conf of its own.
ETC_LINK=/etc/slurm/slurm.conf
ours_or_free() {   # absent, a dangling link, or a link to a slurm.conf written by this script
  [ ! -e "$ETC_LINK" ] && return 0   # also true for a dangling link
  [ -L "$ETC_LINK" ] && grep -q '^# generated by test/cluster/up.sh' "$ETC_LINK" 2>/dev/null
}
if ours_or_free; then
  mkdir -p /etc/slurm; ln -sfn "$SF_CONF" "$ETC_LINK"
else
  [ "$(readlink -f "$ETC_LINK")" = "$(readlink -f "$SF_CONF")" ] \
    || log "note: $ETC_LINK belongs to someone else: clients need SLURM_CONF=$SF_CONF (env.sh sets it)"
fi

# ---------------------------------------------------------------- slurmdbd + accounting
export SLURM_CONF=$SF_CONF   # slurmdbd reads slurmdbd.conf from the same directory
start_daemon slurmdbd "$SF_LOG/slurmdbd.log" slurmdbd -D
wait_for "slurmdbd on 127.0.0.1:$SF_DBD_PORT" "$SF_UP_TIMEOUT" "$SF_LOG/slurmdbd.log $SF_LOG/mariadb.log" \
  sacctmgr -n show cluster
log "slurmdbd up"

sam() { sacctmgr -i "$@" >>"$SF_LOG/sacctmgr.log" 2>&1 || true; }   # "Nothing new added" is fine
qos_csv=normal,$(echo "$SF_QOS_LIST" | tr ' ' ',')
accounting_ok() {   # qos exist and both users have account m1234 with every qos
  local have q u a
  have=$(sacctmgr -nP show qos format=name 2>/dev/null) || return 1
  for q in $SF_QOS_LIST; do echo "$have" | grep -qx "$q" || return 1; done
  for u in "$SF_TEST_USER" "$SF_OTHER_USER"; do
    a=$(sacctmgr -nP show assoc where user="$u" cluster="$SF_CLUSTER_NAME" format=account,qos 2>/dev/null)
    for q in $SF_QOS_LIST; do [[ "$a" == "$SF_ACCOUNT|"*"$q"* ]] || return 1; done
  done
}
if ! accounting_ok; then
  log "configuring accounting"
  sam add cluster "$SF_CLUSTER_NAME"
  sam add qos "$(echo "$SF_QOS_LIST" | tr ' ' ',')"
  sam add account "$SF_ACCOUNT" cluster="$SF_CLUSTER_NAME" description="shifterflow tests" organization=sfcluster
  sam add user "$SF_TEST_USER,$SF_OTHER_USER" account="$SF_ACCOUNT" cluster="$SF_CLUSTER_NAME"
  sam modify user where name="$SF_TEST_USER,$SF_OTHER_USER,root" cluster="$SF_CLUSTER_NAME" set qos="$qos_csv" defaultqos=regular
  accounting_ok || { show_logs "$SF_LOG/sacctmgr.log" "$SF_LOG/slurmdbd.log"; die "accounting setup incomplete: $(sacctmgr -nP show assoc format=account,user,qos | tr '\n' ' ')"; }
fi
log "accounting: cluster $SF_CLUSTER_NAME, account $SF_ACCOUNT, qos $qos_csv"

# ---------------------------------------------------------------- slurmctld
start_daemon slurmctld "$SF_LOG/slurmctld.out" slurmctld -D -f "$SF_CONF"
wait_for "slurmctld on 127.0.0.1:$SF_CTLD_PORT" "$SF_UP_TIMEOUT" "$SF_LOG/slurmctld.log $SF_LOG/slurmctld.out" \
  scontrol ping
log "slurmctld up"

# ---------------------------------------------------------------- slurmd nodes
for n in $SF_NODES; do
  # unshare and node-init.sh exec: the recorded PID becomes slurmd's
  SF_COMM=slurmd start_daemon "slurmd-$n" "$SF_LOG/node-$n.out" \
    unshare --uts --mount --propagation private "$HERE/node-init.sh" "$n" "$SF_CONF"
done
for n in $SF_NODES; do   # remember each node's mount namespace: down.sh kills every process in it
  f=$SF_PIDS/slurmd-$n.pid
  read -r pid comm <"$f"
  wait_for "node $n to start slurmd" 10 "$SF_LOG/node-$n.out" \
    sh -c "[ \"\$(cat /proc/$pid/comm)\" = slurmd ]"
  ns=$(readlink "/proc/$pid/ns/mnt")
  [ "$ns" != "$(readlink /proc/self/ns/mnt)" ] || die "node $n runs in the host's mount namespace"
  echo "$pid $comm $ns" >"$f"
done

# ---------------------------------------------------------------- registry (while the nodes register)
REG_CONF=$S/registry/config.yml
cat >"$REG_CONF" <<EOF
version: 0.1
log: {level: warn, formatter: text}
storage:
  filesystem: {rootdirectory: $S/registry/data}
  delete: {enabled: true}
http: {addr: $SF_REGISTRY}
EOF
start_daemon registry "$SF_LOG/registry.log" docker-registry serve "$REG_CONF"
wait_for "registry on $SF_REGISTRY" "$SF_UP_TIMEOUT" "$SF_LOG/registry.log" curl -fsS "http://$SF_REGISTRY/v2/"
log "registry up ($SF_REGISTRY)"

bash "$HERE/images.sh" || { show_logs "$SF_LOG/registry.log"; die "building or pushing the test images failed"; }

# Ready = every node registered and responding: idle (or already running someone's jobs: mix/alloc/comp,
# when other people use the cluster the moment slurmctld answers). Not: down, drain, unk, a '*' suffix.
all_ready() {
  local out
  out=$(sinfo -h -N -p "$SF_PARTITION" -o '%N %t' 2>/dev/null | sort -u)
  [ "$(echo "$out" | grep -cE ' (idle|mix|alloc|comp)$')" -eq "$(echo "$SF_NODES" | wc -w)" ]
}
node_logs=""; for n in $SF_NODES; do node_logs+=" $SF_LOG/slurmd-$n.log $SF_LOG/node-$n.out"; done
wait_for "nodes $SF_NODES up (idle) in sinfo" "$SF_UP_TIMEOUT" "$SF_LOG/slurmctld.log$node_logs" all_ready
log "nodes up: $(sinfo -h -N -o '%N:%t' | sort -u | tr '\n' ' ')"

# ---------------------------------------------------------------- env.sh
cat >"$S/env.sh" <<EOF
# generated by test/cluster/up.sh: . $S/env.sh
export SFCLUSTER_STATE='$S'
export SLURM_CONF='$SF_CONF'
export SF_CLUSTER_NAME='$SF_CLUSTER_NAME'
export SF_PARTITION='$SF_PARTITION'
export SF_ACCOUNT='$SF_ACCOUNT'
export SF_QOS_LIST='$SF_QOS_LIST'
export SF_NODES='$SF_NODES'
export SF_GLOBAL_ROOT='$SF_GLOBAL_ROOT'
export SF_TEST_USER='$SF_TEST_USER'
export SF_TEST_UID='$SF_TEST_UID'
export SF_TEST_HOME='$SF_GLOBAL_ROOT/home/$SF_TEST_USER'
export SF_TEST_SCRATCH='$SF_GLOBAL_ROOT/scratch/$SF_TEST_USER'
export SF_OTHER_USER='$SF_OTHER_USER'
export SF_OTHER_UID='$SF_OTHER_UID'
export SF_REGISTRY='$SF_REGISTRY'
export SF_IMAGES='$(cat "$S/images/images.list")'
export SF_MPI_IMAGE='$SF_REGISTRY/mpi-hello:latest'
export SF_PLUGSTACK_DIR='$S/plugstack.conf.d'
export SF_MUNGE_SOCKET='$SF_MUNGE_SOCKET'
export SF_DB_PORT='$SF_DB_PORT'
export SF_LOG_DIR='$SF_LOG'
EOF
chmod 644 "$S/env.sh"

ms=$(( ($(date +%s%N) - T0_NS) / 1000000 ))
echo "sfcluster up in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s: nodes $SF_NODES ready (partition $SF_PARTITION), registry $SF_REGISTRY, users $SF_TEST_USER/$SF_OTHER_USER, account $SF_ACCOUNT, state $S, global $SF_GLOBAL_ROOT; . $S/env.sh"

# shellcheck shell=bash
# Common settings and helpers for the shifterflow test cluster (sourced by up.sh, down.sh, smoke.sh).
# Everything here can be overridden from the environment before calling the scripts.

SFCLUSTER_STATE=${SFCLUSTER_STATE:-/var/lib/sfcluster}   # daemons' config, data, logs, pid files, images
SF_GLOBAL_ROOT=${SF_GLOBAL_ROOT:-/sfglobal}               # "global file system": same path on host and nodes
SF_TEST_USER=${SF_TEST_USER:-sfuser}
SF_TEST_UID=${SF_TEST_UID:-5000}
SF_OTHER_USER=${SF_OTHER_USER:-sfother}
SF_OTHER_UID=${SF_OTHER_UID:-5001}
SF_ACCOUNT=${SF_ACCOUNT:-m1234}
SF_CLUSTER_NAME=${SF_CLUSTER_NAME:-sfcluster}
SF_PARTITION=debug
SF_QOS_LIST="regular shared debug interactive premium"
SF_NODES="n1 n2 n3"
SF_NODE_CPUS=8
SF_NODE_MEM_MB=7900
SF_DB_PORT=${SF_DB_PORT:-13306}
SF_CTLD_PORT=6817
SF_DBD_PORT=6819
SF_NODE_PORT_BASE=6831                                     # n1=6831, n2=6832, n3=6833
SF_REGISTRY=${SF_REGISTRY:-127.0.0.1:5000}
SF_UP_TIMEOUT=${SF_UP_TIMEOUT:-60}                         # seconds for each "wait until ready"

S=$SFCLUSTER_STATE
SF_ETC=$S/etc
SF_RUN=$S/run        # daemons' own pid files, sockets
SF_PIDS=$S/pids      # our pid files, one per daemon: "PID COMM" (down.sh stops these)
SF_LOG=$S/log
SF_SPOOL=$S/spool
SF_CONF=$SF_ETC/slurm.conf
SF_MUNGE_SOCKET=/run/munge/munge.socket.2                  # munge's default: no AuthInfo needed anywhere
SF_DB_SOCKET=$SF_RUN/mariadb.sock

set +m   # no job control: a background child must not lead its own process group (see start_daemon)
_sf_tag=${_sf_tag:-cluster}
log()  { printf '[%s %s] %s\n' "$_sf_tag" "$(date +%T)" "$*" >&2; }
die()  { printf '\n[%s] FAILED: %s\n' "$_sf_tag" "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root"; }

# Print the last lines of one or more logs, loudly (for failures).
show_logs() {
  local f
  for f in "$@"; do
    [ -e "$f" ] || continue
    printf '\n----- last lines of %s -----\n' "$f" >&2
    tail -n 30 "$f" >&2 || true
  done
  printf -- '-----\n' >&2
}

# wait_for DESCRIPTION TIMEOUT_SECONDS "LOGS..." COMMAND...  (runs COMMAND every 0.2 s until it succeeds)
# Fails at once, with the logs, when a daemon started so far (start_daemon) has exited.
SF_STARTED=""
wait_for() {
  local desc=$1 timeout=$2 logs=$3; shift 3
  local deadline=$((SECONDS + timeout)) d
  until "$@" >/dev/null 2>&1; do
    for d in $SF_STARTED; do
      if ! pid_alive "$(cut -d' ' -f1 "$SF_PIDS/$d.pid" 2>/dev/null)"; then
        # shellcheck disable=SC2086
        show_logs $logs
        die "$d exited while waiting for: $desc"
      fi
    done
    if [ "$SECONDS" -ge "$deadline" ]; then
      # shellcheck disable=SC2086
      show_logs $logs
      die "timed out after ${timeout}s waiting for: $desc"
    fi
    sleep 0.2
  done
}

# start_daemon NAME LOGFILE COMMAND...: start COMMAND detached (own session, no tty, output to LOGFILE)
# and record "PID COMM" in $SF_PIDS/NAME.pid. COMMAND must stay in the foreground (not fork away).
start_daemon() {
  local name=$1 logf=$2; shift 2
  setsid "$@" >>"$logf" 2>&1 </dev/null &
  local pid=$!
  local comm=${SF_COMM:-}   # SF_COMM: the command name the process ends up with, if it execs another
  [ -n "$comm" ] || comm=$(basename "$1")
  comm=${comm:0:15}
  echo "$pid $comm" >"$SF_PIDS/$name.pid"
  SF_STARTED+=" $name"
  sleep 0.05
  if ! pid_alive "$pid"; then
    show_logs "$logf"
    die "$name exited at once"
  fi
}

# pidfile_pid NAME: print the recorded PID if that process still runs the recorded command.
pidfile_pid() {
  local f=$SF_PIDS/$1.pid pid comm cur
  [ -f "$f" ] || return 1
  read -r pid comm _ <"$f" || return 1
  [ -n "${pid:-}" ] || return 1
  cur=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$cur" = "$comm" ] || return 1
  pid_alive "$pid" || return 1
  echo "$pid"
}

daemon_running() { pidfile_pid "$1" >/dev/null; }

# pid_alive PID: running and not a zombie (a zombie waits for its parent, maybe a slow init, to reap it)
pid_alive() {
  local st
  [ -n "${1:-}" ] || return 1
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# wait_gone TIMEOUT PID...: wait until none of the PIDs is alive; false on timeout
wait_gone() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout)) p busy
  while :; do
    busy=0
    for p in "$@"; do pid_alive "$p" && busy=1; done
    [ "$busy" = 0 ] && return 0
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}

# stop_daemon NAME [TIMEOUT]: SIGTERM, wait, SIGKILL; removes the pid file. Quiet if not running.
stop_daemon() {
  local name=$1 timeout=${2:-10} pid
  if pid=$(pidfile_pid "$name"); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$timeout" "$pid"; then
      log "$name (pid $pid) still alive after ${timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone 5 "$pid" || log "WARNING: $name (pid $pid) survives SIGKILL"
    fi
  fi
  rm -f "$SF_PIDS/$name.pid"
}

# ns_procs MNTNS...: PIDs of every live process in the mount namespaces MNTNS (e.g. "mnt:[4026532201]"
# or 4026532201) and of all their descendants (containers started in a node have their own mount ns).
ns_procs() {
  local want=" " n
  for n in "$@"; do want+="${n//[^0-9]/} "; done
  ps -e -o pid=,ppid=,mntns=,stat= | awk -v want="$want" '
    { pid[NR]=$1; ppid[NR]=$2; st[NR]=$4; if (index(want, " " $3 " ")) member[$1]=1 }
    END {
      do { changed=0
        for (i=1;i<=NR;i++) if (!(pid[i] in member) && (ppid[i] in member)) { member[pid[i]]=1; changed=1 }
      } while (changed)
      for (i=1;i<=NR;i++) if ((pid[i] in member) && st[i] !~ /^Z/) print pid[i]
    }'
}

node_port() { echo $((SF_NODE_PORT_BASE + ${1#n} - 1)); }

# Client environment for Slurm commands run from these scripts.
export SLURM_CONF=$SF_CONF

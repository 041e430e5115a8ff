#!/usr/bin/env bash
# Install every Debian package the shifterflow test cluster needs (Slurm 22.05, slurmdbd, MariaDB,
# munge, MPICH, PMIx, SPANK headers, registry, skopeo, umoci, squashfs, bubblewrap, busybox, xfs).
# Idempotent: returns at once when everything is already installed. Never leaves a daemon running.
set -euo pipefail

log() { echo "[install] $*" >&2; }
die() { echo "[install] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

PKGS=(
  slurm-wlm slurmctld slurmd slurm-client slurmdbd slurm-wlm-mysql-plugin
  libslurm-dev slurm-wlm-basic-plugins-dev          # /usr/include/slurm/{slurm,spank}.h
  mariadb-server mariadb-client munge
  libpmix-dev mpich libmpich-dev gcc libc6-dev
  docker-registry skopeo umoci squashfs-tools bubblewrap busybox-static
  xfsprogs util-linux procps iproute2 curl hostname
)

missing=()
for p in "${PKGS[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "all ${#PKGS[@]} packages already installed"
else
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No daemon may be started by a postinst: policy-rc.d exit 101 = "action forbidden".
  prc=/usr/sbin/policy-rc.d
  prc_backup=""
  if [ -e "$prc" ]; then
    prc_backup=$(mktemp); cp -p "$prc" "$prc_backup"
  fi
  restore_prc() {
    if [ -n "$prc_backup" ]; then cp -p "$prc_backup" "$prc"; rm -f "$prc_backup"; else rm -f "$prc"; fi
  }
  trap restore_prc EXIT
  printf '#!/bin/sh\nexit 101\n' > "$prc"; chmod 755 "$prc"

  # Snapshot the daemons that run before, so we can kill only what a postinst may have started anyway.
  before=$(for n in munged mariadbd mysqld slurmctld slurmd slurmdbd docker-registry; do pgrep -x "$n" || true; done | sort)

  # Other people may be running apt at the same time: wait for the dpkg lock instead of failing.
  apt-get -o DPkg::Lock::Timeout=900 update -qq || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" \
    >/tmp/sfcluster-apt.log 2>&1 || { tail -40 /tmp/sfcluster-apt.log >&2; die "apt-get install failed (log /tmp/sfcluster-apt.log)"; }

  after=$(for n in munged mariadbd mysqld slurmctld slurmd slurmdbd docker-registry; do pgrep -x "$n" || true; done | sort)
  # A daemon started by a package script runs with the package defaults (bare command line or the
  # default /var/lib/mysql, /etc/docker/registry); anything else new was started by someone else.
  for pid in $(comm -13 <(echo "$before") <(echo "$after")); do
    cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)
    nargs=$(tr -cd '\0' < "/proc/$pid/cmdline" 2>/dev/null | wc -c || echo 0)
    if [ "$nargs" -le 1 ] || [[ "$cmd" == *"/var/lib/mysql"* ]] || [[ "$cmd" == *"/etc/docker/registry"* ]]; then
      log "stopping daemon started by a package script: pid $pid: $cmd"
      kill "$pid" 2>/dev/null || true
    else
      log "note: new daemon not ours, left alone: pid $pid: $cmd"
    fi
  done
  log "installed"
fi

[ -f /usr/include/slurm/spank.h ] || die "/usr/include/slurm/spank.h missing after install"
command -v mpicc >/dev/null || die "mpicc missing after install"
log "ok: $(slurmctld -V), $(skopeo --version), umoci $(umoci --version | awk '{print $3}')"

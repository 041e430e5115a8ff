#!/usr/bin/env bash
# Installs what the local-executor e2e tests drive (test/local): bubblewrap, podman (with runc,
# fuse-overlayfs, uidmap), skopeo, umoci, Debian's docker-registry and busybox-static. Idempotent;
# runs apt-get update once, only when something is missing. Starts no daemon.
set -euo pipefail
PKGS=(bubblewrap podman skopeo umoci runc fuse-overlayfs uidmap docker-registry busybox-static)
missing=()
for p in "${PKGS[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && { echo "[local-install] all ${#PKGS[@]} packages installed" >&2; exit 0; }
[ "$(id -u)" = 0 ] || { echo "[local-install] missing ${missing[*]}: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 update -qq
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 "${missing[@]}" >/tmp/sf-local-apt.log 2>&1 \
  || { tail -30 /tmp/sf-local-apt.log >&2; exit 1; }
echo "[local-install] installed ${missing[*]}" >&2

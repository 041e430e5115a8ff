#!/usr/bin/env bash
# Build the test images without internet (busybox-static rootfs; an MPICH one from the host's MPICH),
# as OCI image layouts with umoci, and push them into the local registry with skopeo.
# Called by up.sh once the registry answers. Built layouts are cached in $SFCLUSTER_STATE/images and
# rebuilt only when this script, mpi_hello.c or the host's busybox/MPICH change.
set -euo pipefail
_sf_tag=images
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_root

IMG=$S/images
LAYOUT=$IMG/oci                       # one OCI layout, one ref per image
BUILD=$IMG/build

# name:tag in the registry -> image flavour. Every busybox image is the same base layer plus a tiny
# layer with /etc/sf-image-name and ENV SF_IMAGE_NAME, so tests can tell which image a step ran in.
BUSYBOX_IMAGES="workflow:latest workflow_manager:latest workflow:1.2 myorg/workflow:1.2 myorg/workflow_manager:latest hello:latest"
MPI_IMAGES="mpi-hello:latest myorg/mpi-hello:latest"
IMAGE_WORKDIR=/srv/workdir
IMAGE_PATH=/usr/local/bin:/usr/bin:/bin
# Directories pre-created in every image (a read-only root cannot get new mount points):
# common volume targets and the global file system root (site mount at the same path).
MOUNT_POINTS="data input output scratch work results mnt global opt/udiImage var/tmp ${SF_GLOBAL_ROOT#/}"

ref_of() { echo "$1" | tr '/:' '__'; }   # registry name:tag -> OCI layout ref

recipe_hash() {
  {
    cat "$HERE/images.sh" "$HERE/mpi_hello.c"
    dpkg-query -W -f='${Package} ${Version}\n' busybox-static libmpich12 libmpich-dev libucx0 2>/dev/null
    echo "$SF_GLOBAL_ROOT"
  } | sha256sum | cut -c1-16
}

# add_libs ROOT FILE...: copy FILEs' shared-library closure (ldd) into ROOT at the same paths.
add_libs() {
  local root=$1; shift
  local f lib l
  for f in "$@"; do
    for lib in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]*ld-linux/{print $1}'); do
      # the soname link and the file it points to; on merged-/usr Debian both live under /usr/lib
      # (/lib and /lib64 are links in the image too)
      for l in "$lib" "$(readlink -f "$lib")"; do
        case "$l" in /lib/*|/lib64/*) l=/usr/lib/x86_64-linux-gnu/$(basename "$l") ;; esac
        [ -e "$l" ] || continue
        if [ ! -e "$root$l" ] && [ ! -L "$root$l" ]; then
          mkdir -p "$root$(dirname "$l")"
          cp -a "$l" "$root$l"
        fi
      done
    done
  done
}

build_busybox_rootfs() {
  local r=$1
  rm -rf "$r"; mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,home,tmp,proc,dev,sys,run,var}
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox"
  chroot "$r" /bin/busybox --install -s
  local d
  for d in $MOUNT_POINTS; do mkdir -p "$r/$d"; done
  chmod 1777 "$r/var/tmp"
  mkdir -p "$r$IMAGE_WORKDIR"
  echo "this is the image WORKDIR" >"$r$IMAGE_WORKDIR/IMAGE_WORKDIR"
  cat >"$r/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$r/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
EOF
  echo "sfcluster-test-image" >"$r/etc/hostname"
  printf '127.0.0.1 localhost\n' >"$r/etc/hosts"
  : >"$r/etc/resolv.conf"
  printf 'passwd: files\ngroup: files\nhosts: files\n' >"$r/etc/nsswitch.conf"
  printf 'NAME="sfcluster busybox test image"\nID=busybox\n' >"$r/etc/os-release"
}

build_mpi_layer() {
  local r=$1 work=$2
  rm -rf "$r"; mkdir -p "$r/usr/local/bin" "$r/usr/lib/x86_64-linux-gnu" "$r/lib64" "$r/etc"
  mpicc -O2 -o "$work/mpi_hello" "$HERE/mpi_hello.c"
  cp "$work/mpi_hello" "$r/usr/local/bin/mpi_hello"
  add_libs "$r" "$work/mpi_hello"
  # UCX (MPICH's transport on Debian) loads its transports at run time
  local ucx=/usr/lib/x86_64-linux-gnu/ucx
  if [ -d "$ucx" ]; then
    mkdir -p "$r$ucx"
    cp -a "$ucx"/*.so* "$r$ucx/"
    add_libs "$r" "$ucx"/*.so.0
  fi
  ln -sfn usr/lib "$r/lib"
  ln -sfn /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$r/lib64/ld-linux-x86-64.so.2"
  printf '/usr/lib/x86_64-linux-gnu\n/usr/local/lib\n' >"$r/etc/ld.so.conf"
  ldconfig -r "$r"   # soname links + /etc/ld.so.cache: no LD_LIBRARY_PATH needed in the container
}

build_all() {
  log "building images (recipe $1)"
  rm -rf "$LAYOUT" "$BUILD"; mkdir -p "$BUILD"
  build_busybox_rootfs "$BUILD/busybox"
  umoci init --layout "$LAYOUT"
  umoci new --image "$LAYOUT:base"
  umoci insert --image "$LAYOUT:base" "$BUILD/busybox" /
  umoci config --image "$LAYOUT:base" \
    --author="shifterflow test cluster" \
    --config.env="PATH=$IMAGE_PATH" --config.env=SF_IMAGE_ENV=from-image \
    --config.entrypoint=/bin/echo --config.entrypoint=entrypoint-ran \
    --config.cmd=/bin/sh --config.workingdir="$IMAGE_WORKDIR" \
    --config.label=org.opencontainers.image.vendor=sfcluster

  local img ref
  for img in $BUSYBOX_IMAGES; do
    ref=$(ref_of "$img")
    umoci config --image "$LAYOUT:base" --tag "$ref" --config.env="SF_IMAGE_NAME=${img%%:*}" \
      --config.label="org.opencontainers.image.title=$img"
    echo "$img" >"$BUILD/sf-image-name"
    umoci insert --image "$LAYOUT:$ref" "$BUILD/sf-image-name" /etc/sf-image-name
  done

  # MPI image: busybox base + MPICH runtime libraries + /usr/local/bin/mpi_hello
  build_mpi_layer "$BUILD/mpi" "$BUILD"
  # UCX_POSIX_USE_PROC_LINK=n: ranks on one node share memory through /dev/shm names instead of
  # /proc/<pid>/fd links, which fail when each rank's container has its own user namespace (bubblewrap
  # as an ordinary user); real Shifter has none, and a site MPI swap would make this moot.
  umoci config --image "$LAYOUT:base" --tag mpi-base --config.env=SF_IMAGE_NAME=mpi-hello \
    --config.env=UCX_POSIX_USE_PROC_LINK=n \
    --config.entrypoint=/usr/local/bin/mpi_hello --clear=config.cmd \
    --config.label="org.opencontainers.image.title=mpi-hello"
  umoci insert --image "$LAYOUT:mpi-base" "$BUILD/mpi" /
  # check: the loader finds every library inside the image
  local mroot=$BUILD/mpi-unpacked missing
  rm -rf "$mroot"; umoci raw unpack --image "$LAYOUT:mpi-base" "$mroot" >/dev/null 2>&1
  missing=$(chroot "$mroot" /lib64/ld-linux-x86-64.so.2 --list /usr/local/bin/mpi_hello 2>&1) \
    && [[ "$missing" == *"libmpich.so.12 => /"* && "$missing" != *"not found"* ]] \
    || die "MPI image: the loader does not find every library: $missing"
  rm -rf "$mroot"
  for img in $MPI_IMAGES; do
    ref=$(ref_of "$img")
    umoci config --image "$LAYOUT:mpi-base" --tag "$ref" --config.label="org.opencontainers.image.title=$img"
    echo "$img" >"$BUILD/sf-image-name"
    umoci insert --image "$LAYOUT:$ref" "$BUILD/sf-image-name" /etc/sf-image-name
  done
  umoci gc --layout "$LAYOUT"
  rm -rf "$BUILD"
  echo "$1" >"$IMG/built.stamp"
  rm -f "$IMG/pushed.stamp"
}

in_registry() {   # name:tag present in the registry?
  local name=${1%:*} tag=${1##*:}
  curl -fsS -o /dev/null -I \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$SF_REGISTRY/v2/$name/manifests/$tag"
}

push_all() {
  local img n=0
  for img in $BUSYBOX_IMAGES $MPI_IMAGES; do
    if [ "$(cat "$IMG/pushed.stamp" 2>/dev/null)" = "$1" ] && in_registry "$img"; then continue; fi
    skopeo copy --quiet --dest-tls-verify=false "oci:$LAYOUT:$(ref_of "$img")" "docker://$SF_REGISTRY/$img" \
      || die "skopeo could not push $img to $SF_REGISTRY"
    n=$((n + 1))
  done
  for img in $BUSYBOX_IMAGES $MPI_IMAGES; do in_registry "$img" || die "$SF_REGISTRY/$img missing after push"; done
  echo "$1" >"$IMG/pushed.stamp"
  log "registry has $(echo $BUSYBOX_IMAGES $MPI_IMAGES | wc -w) images ($n pushed now)"
}

mkdir -p "$IMG"
h=$(recipe_hash)
if [ "$(cat "$IMG/built.stamp" 2>/dev/null)" != "$h" ] || [ ! -f "$LAYOUT/index.json" ]; then
  build_all "$h"
else
  log "image layouts cached ($LAYOUT)"
fi
push_all "$h"
# for env.sh
echo "$BUSYBOX_IMAGES $MPI_IMAGES" >"$IMG/images.list"

#!/usr/bin/env bash
# Smoke test of a running test cluster (up.sh first). Runs as root, does everything as the test user.
# Checks: srun on 3 nodes, sbatch --wait + sacct COMPLETED, bogus qos refused, MPICH hello with
# srun --mpi=pmi2 -N 2 -n 4 on the host, and the same hello inside the registry's MPI image via bwrap.
set -euo pipefail
_sf_tag=smoke
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_root
[ -f "$S/env.sh" ] || die "$S/env.sh missing: run up.sh first"
# shellcheck disable=SC1091
. "$S/env.sh"

T0_NS=$(date +%s%N)
WORK=$SF_TEST_HOME/.sfcluster-smoke
rm -rf "$WORK"; mkdir -p "$WORK"; chown "$SF_TEST_USER:" "$WORK"
pass=0
ok()   { pass=$((pass + 1)); echo "ok $pass - $*"; }
ERR=$(mktemp); trap 'rm -f "$ERR"' EXIT
fail() {
  echo "not ok - $1" >&2; shift
  [ $# -eq 0 ] || printf '%s\n' "$@" >&2
  [ ! -s "$ERR" ] || { echo "--- stderr:" >&2; cat "$ERR" >&2; }
  show_logs "$SF_LOG/slurmctld.log"; die "smoke test failed"
}

# as_user CMD...: run a shell command line as the test user, in $WORK, with the client environment
as_user() {
  runuser -u "$SF_TEST_USER" -- env -i HOME="$SF_TEST_HOME" USER="$SF_TEST_USER" LOGNAME="$SF_TEST_USER" \
    PATH=/usr/local/bin:/usr/bin:/bin SLURM_CONF="$SLURM_CONF" LANG=C.UTF-8 \
    bash -c "cd '$WORK' && $1"
}

# 1. three nodes, each with its own hostname
out=$(as_user 'timeout 60 srun -N 3 hostname' 2>"$ERR") || fail "srun -N 3 hostname" "$out"
[ "$(echo "$out" | sort | tr '\n' ' ')" = "n1 n2 n3 " ] || fail "srun -N 3 hostname printed '$out'" 
ok "srun -N 3 hostname -> n1 n2 n3"

# 2. sbatch --wait, with an srun step inside the batch script
cat >"$WORK/job.sh" <<EOF
#!/bin/bash
#SBATCH -N 2 -n 2 -A $SF_ACCOUNT -q regular -t 5 -J sfsmoke -o $WORK/job-%j.out
set -e
srun hostname | sort
echo "global fs: \$(cat $WORK/marker)"
echo batch-done
EOF
echo "visible on nodes" >"$WORK/marker"
chown "$SF_TEST_USER:" "$WORK/job.sh" "$WORK/marker"
out=$(as_user 'timeout 120 sbatch --parsable --wait job.sh' 2>"$ERR") || fail "sbatch --wait job.sh" "$out"
jobid=${out%%;*}
jobout=$(cat "$WORK/job-$jobid.out" 2>/dev/null || true)
[[ "$jobout" == *batch-done* && "$jobout" == *"visible on nodes"* && "$jobout" == *n1*n2* ]] \
  || fail "batch job $jobid output unexpected" "$jobout"
ok "sbatch --wait job $jobid completed (srun inside, global fs visible)"

# 3. sacct shows it COMPLETED (accounting lags 1-2 s)
state=""
for _ in $(seq 1 50); do
  state=$(as_user "sacct -n -X -P -j $jobid -o State" 2>/dev/null | head -1)
  [ "$state" = COMPLETED ] && break
  sleep 0.2
done
[ "$state" = COMPLETED ] || fail "sacct state of job $jobid is '$state', expected COMPLETED"
ok "sacct: job $jobid COMPLETED"

# 4. a bogus qos is refused at submission
if out=$(as_user "sbatch -A $SF_ACCOUNT -q no_such_qos --wrap true" 2>&1); then
  fail "sbatch with a bogus qos was accepted" "$out"
fi
[[ "$out" == *"Invalid qos"* ]] || fail "bogus qos refused with an unexpected message" "$out"
ok "bogus qos refused: $(echo "$out" | tail -1)"
out=$(as_user "sbatch --parsable -A $SF_ACCOUNT -q premium --wrap true" 2>"$ERR") || fail "qos premium refused" "$out"
ok "qos premium accepted (job $out)"

# 5. MPICH hello on the host, pmi2, 2 nodes x 2 ranks
as_user "mpicc -O1 -o mpi_hello '$HERE/mpi_hello.c'" || fail "mpicc failed"
out=$(as_user 'timeout 120 srun --mpi=pmi2 -N 2 -n 4 ./mpi_hello' 2>"$ERR") || fail "srun --mpi=pmi2 -N 2 -n 4 mpi_hello" "$out"
[ "$(echo "$out" | grep -c 'of 4 on n[0-9] sum=4$')" = 4 ] && [ "$(echo "$out" | grep -o 'on n[0-9]' | sort -u | wc -l)" = 2 ] \
  || fail "MPI hello output unexpected" "$out"
ok "srun --mpi=pmi2 -N 2 -n 4 mpi_hello on the host ($(echo "$out" | grep -o 'on n[0-9]' | sort -u | tr '\n' ' '))"

# 6. the MPI image from the registry, unpacked on the global fs, run read-only through bubblewrap
ROOTFS=$WORK/mpi-rootfs
skopeo copy --quiet --src-tls-verify=false "docker://$SF_MPI_IMAGE" "oci:$WORK/mpi-oci:img" >/dev/null \
  || fail "skopeo could not pull $SF_MPI_IMAGE"
umoci raw unpack --image "$WORK/mpi-oci:img" "$ROOTFS" >/dev/null 2>&1 || fail "umoci could not unpack $SF_MPI_IMAGE"
# the image's ENV, as a container runtime would apply it
imgenv=""
while IFS='=' read -r k v; do
  [ -n "$k" ] && imgenv+=" --setenv $k $v"
done < <(skopeo inspect --tls-verify=false --format '{{range .Env}}{{println .}}{{end}}' "docker://$SF_MPI_IMAGE")
[[ "$imgenv" == *UCX_POSIX_USE_PROC_LINK* ]] || fail "image ENV of $SF_MPI_IMAGE not readable" "$imgenv"
# Like Shifter: host /proc, /sys, /dev, /tmp and the global fs visible, same network, read-only image.
bw="bwrap --ro-bind $ROOTFS / --bind /proc /proc --ro-bind /sys /sys --dev-bind /dev /dev --bind /tmp /tmp"
bw+=" --bind $SF_GLOBAL_ROOT $SF_GLOBAL_ROOT --die-with-parent$imgenv"
out=$(as_user "timeout 120 srun --mpi=pmi2 -N 2 -n 4 $bw /usr/local/bin/mpi_hello" 2>"$ERR") \
  || fail "srun --mpi=pmi2 -N 2 -n 4 bwrap <mpi image> mpi_hello" "$out"
[ "$(echo "$out" | grep -c 'of 4 on n[0-9] sum=4$')" = 4 ] || fail "MPI hello in the image: output unexpected" "$out"
out2=$(as_user "srun -N 1 $bw /bin/sh -c 'touch /x 2>&1; cat /etc/sf-image-name'" 2>&1 || true)
[[ "$out2" == *"Read-only file system"*"mpi-hello:latest"* ]] || fail "image root not read-only or wrong image" "$out2"
ok "srun --mpi=pmi2 -N 2 -n 4 in $SF_MPI_IMAGE through bwrap (read-only root)"

rm -rf "$WORK"
ms=$(( ($(date +%s%N) - T0_NS) / 1000000 ))
echo "$pass passed, 0 failed"
log "smoke test passed in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"

#!/bin/sh
# Builds the LocalKube node images from one Debian bookworm root filesystem made with debootstrap (Debian packages
# only, no container registry), overlaid with ./rootfs:
#   - the container image, imported into the local Docker daemon as TAG (docker driver);
#   - the VM image, written to DIR (qemu, hyperv and xhyve drivers): kernel, initramfs, root disk (vm/vm.sh).
# Both come from the same root filesystem in the same run (lib/rootfs.sh), so they cannot drift apart.
#
# Usage: build.sh [TAG] [--vm DIR]     e.g. build.sh localkube/node:0123456789ab --vm /var/cache/localkube/vm/0123456789ab
#
# Needs root (debootstrap creates device nodes and chroots) and debootstrap; a running Docker daemon for TAG;
# e2fsprogs and qemu-img for --vm.
# Environment:
#   LOCALKUBE_DEBIAN_MIRROR   Debian mirror (default: http://deb.debian.org/debian)
#   LOCALKUBE_BUILD_DIR       scratch folder for the root filesystem (default: /var/tmp)
#   LOCALKUBE_DEBOOTSTRAP_CACHE  where downloaded .debs are kept between builds (default: /var/cache/localkube/debootstrap)
#   LOCALKUBE_VM_FORMATS      extra VM disk formats besides qcow2: raw (xhyve), vhdx (hyperv), iso (hyperv boot)
#   LOCALKUBE_FORCE_BUILD=1   rebuild even when TAG (or DIR) already exists
#
# Idempotent: what exists already is left alone. Every progress line starts with "==> ".
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD_ROOT=${LOCALKUBE_BUILD_DIR:-/var/tmp}
. "$HERE/lib/rootfs.sh"
. "$HERE/vm/vm.sh"

TAG=
VM_OUT=
while [ $# -gt 0 ]; do
  case "$1" in
    --vm) [ $# -ge 2 ] && [ -n "$2" ] || die "--vm needs a folder"; VM_OUT=$2; shift 2 ;;
    --vm=*) VM_OUT=${1#--vm=}; shift ;;
    -*) die "unknown option $1 (usage: build.sh [TAG] [--vm DIR])" ;;
    *) [ -z "$TAG" ] || die "one TAG only (usage: build.sh [TAG] [--vm DIR])"; TAG=$1; shift ;;
  esac
done
[ -n "$TAG" ] || [ -n "$VM_OUT" ] || die "usage: build.sh [TAG] [--vm DIR] (e.g. localkube/node:dev)"

want_docker() {
  [ -n "$TAG" ] && { [ "${LOCALKUBE_FORCE_BUILD:-0}" = 1 ] || ! docker image inspect "$TAG" >/dev/null 2>&1; }
}
want_vm() {
  [ -n "$VM_OUT" ] && { [ "${LOCALKUBE_FORCE_BUILD:-0}" = 1 ] || [ ! -f "$VM_OUT/manifest.json" ]; }
}

if [ -n "$TAG" ]; then
  command -v docker >/dev/null 2>&1 || die "the docker CLI is not on PATH"
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "the Docker daemon does not answer ('docker version' failed)"
fi
if ! want_docker && ! want_vm; then
  say "image ${TAG:-}${TAG:+ }${VM_OUT:+VM image $VM_OUT }already exists; nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root: run as root (e.g. 'sudo $0 ...')"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed ('apt-get install -y debootstrap')"
[ -d "$HERE/rootfs" ] || die "recipe folder $HERE/rootfs is missing"
if [ -n "$VM_OUT" ]; then vm_check_tools; fi

# Two CLIs starting at once must not both debootstrap: take a host-wide lock, then look again.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${LOCALKUBE_BUILD_LOCK:-/var/lock/localkube-node-build.lock}"
  flock -n 9 || { say "another node image build is running; waiting for it"; flock 9; }
  if ! want_docker && ! want_vm; then
    say "the images were built meanwhile; nothing to do"
    exit 0
  fi
fi
BUILD_DOCKER=0 BUILD_VM=0
if want_docker; then BUILD_DOCKER=1; fi
if want_vm; then BUILD_VM=1; fi

START=$(date +%s)
mkdir -p "$BUILD_ROOT"
WORK=$(mktemp -d "$BUILD_ROOT/localkube-node.XXXXXX")
TARGET=$WORK/rootfs
cleanup() {
  rootfs_unmount "$TARGET"
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

say "debootstrap $SUITE (minbase) from $MIRROR into $TARGET"
rootfs_debootstrap "$TARGET" "$WORK/debootstrap.log"
say "debootstrap done in $(( $(date +%s) - START ))s"

say "applying the rootfs overlay"
rootfs_overlay "$TARGET" "$HERE"
rootfs_sandbox_image "$TARGET" "$WORK" "$HERE"

# The VM's kernel comes from the same mirror, through the new system's apt (its package lists are still there).
if [ "$BUILD_VM" = 1 ]; then vm_fetch_kernel "$TARGET" "$WORK"; fi

say "trimming apt lists, caches, docs, man pages and logs"
rootfs_trim "$TARGET"

if [ "$BUILD_DOCKER" = 1 ]; then
  say "importing into Docker as $TAG"
  # docker import does not accept STOPSIGNAL; SIGTERM is the default, and the driver sets it on the container too.
  tar -C "$TARGET" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV container=docker' \
    --change 'ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/localkube-init"]' \
    --change 'CMD []' \
    --message "LocalKube node image ($SUITE, $PACKAGES)" \
    - "$TAG" >/dev/null || die "docker import failed"
  SIZE=$(docker image inspect --format '{{.Size}}' "$TAG")
  say "built $TAG ($((SIZE / 1048576)) MiB) in $(( $(date +%s) - START ))s"
fi

if [ "$BUILD_VM" = 1 ]; then
  vm_assemble "$TARGET" "$WORK" "$HERE" "$VM_OUT"
  say "built the VM image in $VM_OUT in $(( $(date +%s) - START ))s"
fi

#!/bin/sh
# Builds the LocalKube node image: a Debian bookworm root filesystem made with debootstrap (Debian packages
# only, no container registry), overlaid with ./rootfs, imported into the local Docker daemon as TAG.
#
# Usage: build.sh TAG            e.g. build.sh localkube/node:0123456789ab
#
# Needs root (debootstrap creates device nodes and chroots), debootstrap, and a running Docker daemon.
# Environment:
#   LOCALKUBE_DEBIAN_MIRROR   Debian mirror (default: http://deb.debian.org/debian)
#   LOCALKUBE_BUILD_DIR       scratch folder for the root filesystem (default: /var/tmp)
#   LOCALKUBE_DEBOOTSTRAP_CACHE  where downloaded .debs are kept between builds (default: /var/cache/localkube/debootstrap)
#   LOCALKUBE_FORCE_BUILD=1   rebuild even when TAG already exists
#
# Idempotent: when TAG exists it prints so and exits 0. Every progress line starts with "==> ".
set -eu

SUITE=bookworm
PACKAGES=docker.io,containerd,runc,tini,iptables,iproute2,ca-certificates,procps,etcd-client,curl,busybox-static
MIRROR=${LOCALKUBE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
BUILD_ROOT=${LOCALKUBE_BUILD_DIR:-/var/tmp}
CACHE=${LOCALKUBE_DEBOOTSTRAP_CACHE:-/var/cache/localkube/debootstrap}
HERE=$(cd "$(dirname "$0")" && pwd)
# The kubelet's default sandbox image name (cri-dockerd's default); the archive carries this tag.
PAUSE_TAG=registry.k8s.io/pause:3.10

say() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: build.sh TAG (e.g. localkube/node:dev)"
TAG=$1

command -v docker >/dev/null 2>&1 || die "the docker CLI is not on PATH"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "the Docker daemon does not answer ('docker version' failed)"

if [ "${LOCALKUBE_FORCE_BUILD:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  say "image $TAG already exists; nothing to do"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root: run as root (e.g. 'sudo $0 $TAG')"
command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed ('apt-get install -y debootstrap')"
[ -d "$HERE/rootfs" ] || die "recipe folder $HERE/rootfs is missing"

# Two CLIs starting at once must not both debootstrap: take a host-wide lock, then look again.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${LOCALKUBE_BUILD_LOCK:-/var/lock/localkube-node-build.lock}"
  flock -n 9 || { say "another node image build is running; waiting for it"; flock 9; }
  if [ "${LOCALKUBE_FORCE_BUILD:-0}" != 1 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
    say "image $TAG was built meanwhile; nothing to do"
    exit 0
  fi
fi

START=$(date +%s)
mkdir -p "$BUILD_ROOT" "$CACHE"
WORK=$(mktemp -d "$BUILD_ROOT/localkube-node.XXXXXX")
TARGET=$WORK/rootfs
cleanup() {
  # debootstrap may leave /proc or /sys mounted in the target on failure; unmount before removing.
  for m in proc sys dev/pts dev; do umount -l "$TARGET/$m" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

say "debootstrap $SUITE (minbase) from $MIRROR into $TARGET"
# minbase + --include installs only Depends (no Recommends), which keeps the image small.
if ! debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$CACHE" \
    "$SUITE" "$TARGET" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
  tail -n 30 "$WORK/debootstrap.log" >&2
  die "debootstrap failed (log above); check that $MIRROR is reachable"
fi
say "debootstrap done in $(( $(date +%s) - START ))s"

say "applying the rootfs overlay"
cp -a "$HERE/rootfs/." "$TARGET/"
chmod 0755 "$TARGET/usr/local/bin/localkube-init"
mkdir -p "$TARGET/etc/kubernetes/manifests" "$TARGET/var/lib/kubelet" "$TARGET/var/log/pods"

# The pod sandbox ("pause") image, from Debian binaries already in the root filesystem: tini-static as PID 1 (it
# reaps orphans of pods that share their PID namespace and exits at once on SIGTERM) over a busybox sleep. Written
# as a 'docker save' archive that the kubelet loads into the node's engine when the image is missing, so no
# registry is ever needed for sandboxes.
say "making the sandbox image $PAUSE_TAG"
PAUSE_ROOT=$WORK/pause
mkdir -p "$PAUSE_ROOT/bin" "$PAUSE_ROOT/dev" "$PAUSE_ROOT/proc" "$PAUSE_ROOT/sys" "$PAUSE_ROOT/etc"
cp "$TARGET/usr/bin/tini-static" "$PAUSE_ROOT/bin/tini"
cp "$TARGET/bin/busybox" "$PAUSE_ROOT/bin/busybox"
: >"$PAUSE_ROOT/etc/hosts"; : >"$PAUSE_ROOT/etc/resolv.conf"; : >"$PAUSE_ROOT/etc/hostname"
mkdir -p "$TARGET/usr/share/localkube/images"
sh "$HERE/image-archive.sh" "$PAUSE_ROOT" "$PAUSE_TAG" '["/bin/tini","--","/bin/busybox","sleep","2147483647"]' "65535:65535" \
  "$TARGET/usr/share/localkube/images/pause.tar" || die "making the sandbox image failed"

say "trimming apt lists, caches, docs, man pages and logs"
rm -rf "$TARGET/var/lib/apt/lists/"* "$TARGET/var/cache/apt/"* "$TARGET/var/cache/debconf/"*-old \
  "$TARGET/usr/share/doc/"* "$TARGET/usr/share/man/"* "$TARGET/usr/share/info/"* \
  "$TARGET/usr/share/locale/"* "$TARGET/usr/share/lintian" "$TARGET/var/log/"* \
  "$TARGET/var/lib/docker" "$TARGET/etc/machine-id"
# The node's hostname and resolver come from Docker at run time.
: >"$TARGET/etc/hostname"
mkdir -p "$TARGET/var/lib/localkube" "$TARGET/var/log"

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

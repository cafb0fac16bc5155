# Shared by build.sh (the container image) and vm.sh (the VM image): the node's root filesystem, one recipe.
# Sourced, not run. Every step that shapes what a node contains belongs here, so both kinds of node stay in step.
#
# Environment (see build.sh):
#   LOCALKUBE_DEBIAN_MIRROR, LOCALKUBE_DEBOOTSTRAP_CACHE

SUITE=bookworm
# One package list for both kinds of node. The VM guest tools (kernel modules loader, the QEMU guest agent, the
# Hyper-V daemons, a static busybox for the initramfs, xz to unpack the kernel) are a few MB; keeping them in the
# container image too means the two images come from literally the same root filesystem, so a change to this
# list can never reach one kind of node and not the other.
PACKAGES=docker.io,containerd,runc,tini,iptables,iproute2,ca-certificates,procps,etcd-client,curl
VM_GUEST_PACKAGES=kmod,qemu-guest-agent,hyperv-daemons,busybox-static,xz-utils
MIRROR=${LOCALKUBE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${LOCALKUBE_DEBOOTSTRAP_CACHE:-/var/cache/localkube/debootstrap}

say() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

# rootfs_debootstrap TARGET LOG: a minbase Debian with the node's packages, from the shared .deb cache.
rootfs_debootstrap() {
  mkdir -p "$CACHE"
  # minbase + --include installs only Depends (no Recommends), which keeps the image small.
  if ! debootstrap --variant=minbase --include="$PACKAGES,$VM_GUEST_PACKAGES" --cache-dir="$CACHE" \
      "$SUITE" "$1" "$MIRROR" >"$2" 2>&1; then
    tail -n 30 "$2" >&2
    die "debootstrap failed (log above); check that $MIRROR is reachable"
  fi
}

# rootfs_overlay TARGET RECIPE: the recipe's rootfs/ folder over the Debian tree.
rootfs_overlay() {
  cp -a "$2/rootfs/." "$1/"
  chmod 0755 "$1"/usr/local/bin/*
  mkdir -p "$1/var/lib/localkube" "$1/var/log" "$1/etc/kubernetes/manifests" "$1/var/lib/kubelet"
}

# The kubelet's default sandbox image name (cri-dockerd's default); the archive carries this tag.
PAUSE_TAG=registry.k8s.io/pause:3.10

# rootfs_sandbox_image TARGET WORK RECIPE: the pod sandbox ("pause") image, from Debian binaries already in the root
# filesystem: tini-static as PID 1 (it reaps orphans of pods that share their PID namespace and exits at once on
# SIGTERM) over a busybox sleep. Written as a 'docker save' archive that the kubelet loads into the node's engine when
# the image is missing, so no registry is ever needed for sandboxes.
rootfs_sandbox_image() {
  say "making the sandbox image $PAUSE_TAG"
  pause_root=$2/pause
  mkdir -p "$pause_root/bin" "$pause_root/dev" "$pause_root/proc" "$pause_root/sys" "$pause_root/etc"
  cp "$1/usr/bin/tini-static" "$pause_root/bin/tini"
  cp "$1/bin/busybox" "$pause_root/bin/busybox"
  : >"$pause_root/etc/hosts"; : >"$pause_root/etc/resolv.conf"; : >"$pause_root/etc/hostname"
  mkdir -p "$1/usr/share/localkube/images"
  sh "$3/image-archive.sh" "$pause_root" "$PAUSE_TAG" '["/bin/tini","--","/bin/busybox","sleep","2147483647"]' "65535:65535" \
    "$1/usr/share/localkube/images/pause.tar" || die "making the sandbox image failed"
}

# rootfs_trim TARGET: drops what no node reads at run time (apt lists, caches, docs, man pages, locales, logs).
rootfs_trim() {
  rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/"* "$1/var/cache/debconf/"*-old \
    "$1/usr/share/doc/"* "$1/usr/share/man/"* "$1/usr/share/info/"* \
    "$1/usr/share/locale/"* "$1/usr/share/lintian" "$1/var/log/"* \
    "$1/var/lib/docker" "$1/etc/machine-id"
  mkdir -p "$1/var/log"
  # The node's hostname and resolver come from the driver at run time.
  : >"$1/etc/hostname"
}

# rootfs_unmount TARGET: debootstrap may leave /proc or /sys mounted in the target on failure.
rootfs_unmount() {
  for m in proc sys dev/pts dev; do umount -l "$1/$m" 2>/dev/null || true; done
}

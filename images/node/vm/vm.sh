# The VM image steps of build.sh (sourced, not run): Debian's kernel, a small initramfs, and the node's root
# filesystem (the same tree as the container image, plus kernel modules and vm/rootfs) as a read-only disk.
#
# Output folder (written atomically; manifest.json last):
#   vmlinuz        Debian's compressed kernel (bzImage): hyperkit's kexec, the Hyper-V boot ISO
#   vmlinux        the same kernel uncompressed (ELF with a PVH entry): QEMU boots it directly, skipping the
#                  in-guest decompression that costs about 15 s under TCG
#   initrd.img     busybox, the disk and filesystem modules, vm/initramfs/init (uncompressed cpio, for the same reason)
#   rootfs.qcow2   the root file system (ext4, label localkube-root), zstd-compressed qcow2, attached read-only
#   var.qcow2      the template of a machine's /var disk (ext4 with the image's /var)
#   rootfs.img / rootfs.vhdx / boot.iso   only with LOCALKUBE_VM_FORMATS=raw|vhdx|iso (xhyve, hyperv)
#   manifest.json  kernel version, files and sizes

vm_check_tools() {
  command -v mkfs.ext4 >/dev/null 2>&1 || die "mkfs.ext4 is not installed ('apt-get install -y e2fsprogs')"
  mkfs.ext4 2>&1 | grep -q -- '-d ' || die "mkfs.ext4 is too old to populate a file system (-d needs e2fsprogs 1.43 or later)"
  command -v qemu-img >/dev/null 2>&1 || die "qemu-img is not installed ('apt-get install -y qemu-utils')"
  case " ${LOCALKUBE_VM_FORMATS:-} " in
    *" iso "*) command -v xorriso >/dev/null 2>&1 && [ -f /usr/lib/ISOLINUX/isolinux.bin ] \
      || die "the iso format needs xorriso and isolinux ('apt-get install -y xorriso isolinux syslinux-common')" ;;
  esac
}

# vm_fetch_kernel TARGET WORK: downloads linux-image-amd64's kernel package with the target's apt and unpacks it
# into WORK/kernel (nothing is installed in the target: the kernel lives outside the root disk).
vm_fetch_kernel() {
  local package version deb
  cp /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
  package=$(chroot "$1" apt-cache depends linux-image-amd64 2>/dev/null \
    | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
  [ -n "$package" ] || die "cannot resolve linux-image-amd64 in the new system's package lists"
  version=$(chroot "$1" apt-cache show --no-all-versions "$package" | sed -n 's/^Version: //p' | head -n 1)
  deb=$CACHE/kernel/${package}_${version}_amd64.deb
  if [ ! -f "$deb" ]; then
    say "downloading $package $version"
    mkdir -p "$CACHE/kernel"
    chroot "$1" sh -c 'cd /tmp && apt-get download -q "$0" >/dev/null 2>&1' "$package" \
      || die "cannot download $package (is $MIRROR reachable?)"
    mv "$1/tmp/${package}_${version}_amd64.deb" "$deb.part" && mv "$deb.part" "$deb"
  fi
  mkdir -p "$2/kernel"
  # Module trees no node uses (graphics, media, sound, USB, InfiniBand...) are most of the package: skip them.
  dpkg_x "$1" "$deb" "$2/kernel" --wildcards --exclude='./lib/modules/*/kernel/sound' \
    --exclude='./lib/modules/*/kernel/drivers/gpu' --exclude='./lib/modules/*/kernel/drivers/media' \
    --exclude='./lib/modules/*/kernel/drivers/infiniband' --exclude='./lib/modules/*/kernel/drivers/usb' \
    --exclude='./lib/modules/*/kernel/drivers/iio' --exclude='./lib/modules/*/kernel/drivers/staging' \
    --exclude='./lib/modules/*/kernel/drivers/net/wireless' --exclude='./lib/modules/*/kernel/drivers/net/ethernet' \
    --exclude='./lib/modules/*/kernel/drivers/bluetooth' --exclude='./usr/share'
  KVER=$(ls "$2/kernel/lib/modules")
  say "kernel $KVER"
}

# dpkg_x TARGET DEB DIR [TAR OPTIONS]: unpacks a .deb with the target's dpkg-deb (the host may have none).
dpkg_x() {
  local target=$1 deb=$2 dir=$3
  shift 3
  mkdir -p "$target/tmp/lk-unpack/x"
  cp "$deb" "$target/tmp/lk-unpack/p.deb"
  chroot "$target" sh -c 'dpkg-deb --fsys-tarfile /tmp/lk-unpack/p.deb | tar -x -C /tmp/lk-unpack/x "$@"' sh "$@" \
    || die "cannot unpack $deb"
  mv "$target/tmp/lk-unpack/x/"* "$dir/"
  rm -rf "$target/tmp/lk-unpack"
}

# vm_modules TREE LIST: the modules named in LIST (one per line, # comments) with their dependencies, as paths
# relative to TREE/lib/modules/KVER, dependencies first. TREE must have modules.dep and kmod's modprobe.
vm_modules() {
  local name
  sed 's/#.*//' "$2" | while read -r name; do
    [ -n "$name" ] || continue
    chroot "$1" modprobe -S "$KVER" --show-depends "$name" 2>/dev/null | sed -n "s|^insmod /lib/modules/$KVER/||p" \
      | sed 's/ .*//'
  done | awk '!seen[$0]++'
}

# vm_assemble TARGET WORK RECIPE OUT
vm_assemble() {
  local target=$1 work=$2 recipe=$3 out=$4
  local tree=$work/vm-root stage=$work/vm-out
  say "assembling the VM root file system"
  # A hard-linked copy: the container image is already built from TARGET; new files never touch its inodes.
  cp -al "$target" "$tree"
  cp -a --remove-destination "$recipe/vm/rootfs/." "$tree/"
  chmod 0755 "$tree"/usr/local/bin/* "$tree"/usr/local/share/localkube/udhcpc.script "$tree"/usr/sbin/poweroff
  # All of the kernel's modules to resolve dependencies, then only the listed ones (and theirs) are kept.
  mkdir -p "$tree/lib/modules"
  mv "$work/kernel/lib/modules/$KVER" "$tree/lib/modules/$KVER"
  chroot "$tree" depmod "$KVER"
  vm_modules "$tree" "$recipe/vm/modules" >"$work/keep"
  (cd "$tree/lib/modules/$KVER" && find kernel -name '*.ko' | sort) >"$work/all"
  sort "$work/keep" | comm -23 "$work/all" - | (cd "$tree/lib/modules/$KVER" && xargs rm -f)
  find "$tree/lib/modules/$KVER/kernel" -type d -empty -delete
  chroot "$tree" depmod "$KVER"
  say "kept $(wc -l <"$work/keep") kernel modules ($(du -sm "$tree/lib/modules" | cut -f1) MiB)"

  mkdir -p "$stage"
  cp "$work/kernel/boot/vmlinuz-$KVER" "$stage/vmlinuz"
  vm_extract_vmlinux "$tree" "$stage/vmlinuz" "$stage/vmlinux"
  vm_initramfs "$tree" "$work" "$recipe" "$stage/initrd.img"
  vm_root_disk "$tree" "$work" "$stage"
  vm_data_disk "$tree" "$work" "$stage"
  vm_extra_formats "$work" "$stage"
  rm -f "$work/root.img"
  vm_manifest "$stage"
  mkdir -p "$(dirname "$out")"
  rm -rf "$out.tmp" && mv "$stage" "$out.tmp" && rm -rf "$out" && mv "$out.tmp" "$out"
}

# Debian's bzImage holds an xz stream; the ELF inside boots through QEMU's PVH entry without decompression.
vm_extract_vmlinux() {
  local offset
  offset=$(LC_ALL=C chroot "$1" grep -obUaP '\xfd7zXZ\x00' <"$2" | head -n 1 | cut -d: -f1)
  [ -n "$offset" ] || die "no xz stream in the kernel $2"
  # xz stops at the end of the stream and complains about what follows; the ELF check below decides.
  tail -c +"$((offset + 1))" "$2" | chroot "$1" xz -dc --single-stream >"$3" 2>/dev/null || true
  [ "$(head -c 4 "$3" | od -An -c | tr -d ' ')" = '177ELF' ] || die "could not extract vmlinux from $2"
}

vm_initramfs() {
  local tree=$1 work=$2 recipe=$3 out=$4
  local ird=$work/initramfs list group module
  mkdir -p "$ird/bin" "$ird/lib/modules"
  cp "$tree/bin/busybox" "$ird/bin/busybox"
  cp "$recipe/vm/initramfs/init" "$ird/init"
  chmod 0755 "$ird/init" "$ird/bin/busybox"
  # modules.load.common, modules.load.qemu ...: file names in load order (dependencies first).
  for list in "$recipe"/vm/initramfs/modules*; do
    group=${list##*/modules}
    group=${group#.}
    vm_modules "$tree" "$list" >"$work/initramfs-modules"
    : >"$ird/lib/modules/modules.load.${group:-common}"
    while read -r module; do
      cp "$tree/lib/modules/$KVER/$module" "$ird/lib/modules/"
      echo "${module##*/}" >>"$ird/lib/modules/modules.load.${group:-common}"
    done <"$work/initramfs-modules"
  done
  # Uncompressed: under TCG the kernel would spend seconds gunzipping it.
  (cd "$ird" && find . | "$tree/bin/busybox" cpio -o -H newc 2>/dev/null) >"$out"
  say "initramfs: $(($(stat -c %s "$out") / 1024)) KiB, $(ls "$ird/lib/modules" | grep -c '\.ko$') modules"
}

vm_root_disk() {
  local tree=$1 work=$2 stage=$3 used size
  rm -rf "$tree/var/lib/apt/lists/"* "$tree/var/cache/apt/"* "$tree/tmp/"*
  used=$(du -sm "$tree" | cut -f1)
  size=$((used + used / 5 + 64))
  say "root disk: ${used} MiB of files in a ${size} MiB ext4 file system"
  # No journal: the root disk is attached read-only; every write goes to the boot's tmpfs overlay.
  mkfs.ext4 -q -F -L localkube-root -O ^has_journal -m 0 -N $(( $(find "$tree" | wc -l) + 4096 )) \
    -d "$tree" "$work/root.img" "${size}M" >/dev/null || die "mkfs.ext4 -d failed"
  qemu-img convert -q -c -O qcow2 -o compression_type=zstd "$work/root.img" "$stage/rootfs.qcow2" \
    || die "qemu-img convert to qcow2 failed"
}

# The node's /var disk as new machines get it: ext4 (20000 MB, minikube's default disk size, sparse) already holding
# the image's /var, so the first boot neither formats nor copies under emulation. Machines get a copy of it.
vm_data_disk() {
  local tree=$1 work=$2 stage=$3
  mkfs.ext4 -q -F -L localkube-var -E lazy_itable_init=1,lazy_journal_init=1 -d "$tree/var" \
    "$work/var.img" 20000M >/dev/null || die "mkfs.ext4 for the data disk failed"
  qemu-img convert -q -O qcow2 "$work/var.img" "$stage/var.qcow2" || die "qemu-img convert of the data disk failed"
  rm -f "$work/var.img"
}

vm_extra_formats() {
  local work=$1 stage=$2 format
  for format in ${LOCALKUBE_VM_FORMATS:-}; do
    case "$format" in
      raw) cp --sparse=always "$work/root.img" "$stage/rootfs.img" ;;
      vhdx) qemu-img convert -q -O vhdx -o subformat=dynamic "$work/root.img" "$stage/rootfs.vhdx" ;;
      iso) vm_boot_iso "$work" "$stage" ;;
      *) die "unknown VM image format '$format' (raw, vhdx, iso)" ;;
    esac
  done
}

# A BIOS-bootable ISO for Hyper-V generation 1 VMs (minikube boots its ISO the same way): isolinux loads the
# kernel and initramfs with the command line the hyperv driver needs (SCSI disks, DHCP, guest agent on COM2).
vm_boot_iso() {
  local iso=$1/iso
  mkdir -p "$iso/isolinux"
  cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
  cp "$2/vmlinuz" "$iso/vmlinuz" && cp "$2/initrd.img" "$iso/initrd.img"
  printf 'DEFAULT localkube\nLABEL localkube\n  KERNEL /vmlinuz\n  INITRD /initrd.img\n  APPEND %s\n' \
    "console=ttyS0 quiet panic=-1 apparmor=0 localkube.platform=hyperv localkube.root=/dev/sda localkube.data=/dev/sdb localkube.net=dhcp localkube.ga=serial:/dev/ttyS1" \
    >"$iso/isolinux/isolinux.cfg"
  xorriso -as mkisofs -quiet -o "$2/boot.iso" -V LOCALKUBE -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$iso" || die "xorriso failed"
}

vm_manifest() {
  local files= f
  for f in "$1"/*; do
    files="$files${files:+,}\"${f##*/}\":$(stat -c %s "$f")"
  done
  printf '{"kernel":"%s","suite":"%s","builtAt":"%s","files":{%s}}\n' \
    "$KVER" "$SUITE" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$files" >"$1/manifest.json"
}

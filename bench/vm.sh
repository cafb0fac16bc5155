#!/usr/bin/env bash
# Measures the qemu driver through the published CLI, with the VM image already built:
#   - start (fresh profile) until /readyz answers, split into the CLI's steps (boot, agent, API server);
#   - start after stop (resume);
#   - the VM node image's size (compressed disk + kernel + initrd, and the uncompressed kernel QEMU boots);
#   - the VM's memory seen from the host (QEMU's RSS) after it idles, with --memory=2g.
# N rounds, min / median / max. The accelerator is whatever the driver picks (KVM if a probe VM boots with it, else
# TCG); LOCALKUBE_QEMU_ACCEL=kvm|tcg forces one.
#
#   bench/vm.sh [--rounds N] [--idle SECONDS]
#
# Needs ./build.sh --target=Images (publish + both node images). Uses its own LOCALKUBE_HOME and KUBECONFIG.
set -euo pipefail
rounds=3
idle=60
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--idle SECONDS]" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cli="$root/artifacts/bin/localkube"
work=$(mktemp -d)
export LOCALKUBE_HOME="$work/home" KUBECONFIG="$work/kubeconfig" LOCALKUBE_ASSETS="$root/artifacts"
profiles=()
cleanup() {
  for p in "${profiles[@]}"; do "$cli" delete -p "$p" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
declare -A times
record() { times[$1]="${times[$1]:-} $2"; }
stat3() { # min median max of the numbers in $1
  echo "$1" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {printf "%.1f (%.1f-%.1f)", a[int((NR+1)/2)], a[1], a[NR]}'
}
# The CLI's step durations from its plain output: "  done: <step> (12.3s)".
step() { # output-file step-prefix
  sed -n "s/^  done: $2.* (\([0-9.]*\)s)$/\1/p" "$1" | head -n 1
}

image=$("$cli" node-image build --vm | sed -n 's/.*VM node image: \([^ ]*\) .*/\1/p' | head -n 1)
[ -d "$image" ] || { echo "no VM node image; run ./build.sh --target=Images" >&2; exit 1; }
for r in $(seq 1 "$rounds"); do
  profile="bench-vm-$r-$$"
  profiles+=("$profile")
  t0=$(now)
  "$cli" start --driver=qemu --memory=2g -p "$profile" >"$work/start.out" 2>&1
  record start "$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')"
  record boot "$(step "$work/start.out" Creating)"
  record agent "$(step "$work/start.out" 'Starting node agent')"
  record apiserver "$(step "$work/start.out" 'Waiting for the API server')"
  accel=$(sed -n 's/.*Booting VM [^ ]* with \([A-Z]*\) .*/\1/p' "$work/start.out" | head -n 1)
  if [ "$r" = 1 ]; then
    sleep "$idle"
    pid=$(cat "$LOCALKUBE_HOME/profiles/$profile/machines/$profile/qemu.pid")
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  fi
  "$cli" stop -p "$profile" >/dev/null 2>&1
  t0=$(now)
  "$cli" start -p "$profile" >/dev/null 2>&1
  record resume "$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')"
  "$cli" delete -p "$profile" >/dev/null 2>&1
done

size() { stat -c %s "$image/$1" 2>/dev/null || echo 0; }
compressed=$(( $(size rootfs.qcow2) + $(size vmlinuz) + $(size initrd.img) ))
echo "accelerator: $accel   load: $(cut -d' ' -f1-3 /proc/loadavg)   rounds: $rounds"
echo "start (fresh) to /readyz, s: $(stat3 "${times[start]}")"
echo "  boot (create VM, until the guest agent answers), s: $(stat3 "${times[boot]}")"
echo "  node agent started, s: $(stat3 "${times[agent]}")"
echo "  API server ready, s: $(stat3 "${times[apiserver]}")"
echo "start after stop to /readyz, s: $(stat3 "${times[resume]}")"
echo "image: rootfs.qcow2 + vmlinuz + initrd.img = $((compressed / 1048576)) MiB; vmlinux (QEMU boots it) $(( $(size vmlinux) / 1048576 )) MiB"
echo "QEMU RSS after ${idle}s idle with --memory=2g: ${rss} MiB"

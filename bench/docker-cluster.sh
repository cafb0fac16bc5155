# Sourced by bench/kubelet.sh and bench/streaming.sh: a docker-driver cluster from the published CLI on its own
# HOME, LOCALKUBE_HOME and KUBECONFIG under a temp folder, deleted on exit, with the busybox image the integration
# fixture uses (built in the node from the node's own busybox: no registry). Needs ./build.sh --target=Publish and
# the node image (./build.sh --target=Images, or the CLI builds it on first start).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli="$root/artifacts/bin/localkube"
work=$(mktemp -d)
real_home=$HOME # for dotnet: its NuGet and SDK caches live there
export HOME="$work" LOCALKUBE_HOME="$work/.localkube" KUBECONFIG="$work/kubeconfig" LOCALKUBE_ASSETS="$root/artifacts"
profile="bench-$$"
image=localkube.test/busybox:1
cleanups=()
cleanup() {
  for c in "${cleanups[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  "$cli" delete -p "$profile" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { echo "$EPOCHREALTIME"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "[$(date -u +%H:%M:%S) load $(load)] $*"; }
# stdin: one number a line. Prints "p50 P p90 P p99 P min M max M n N" (nearest rank).
stats() {
  sort -g | awk '{a[NR]=$1} END {
    if (NR == 0) { print "no samples"; exit }
    split("50 90 99", ps, " ");
    for (i = 1; i <= 3; i++) { r = int(ps[i] / 100 * NR); if (r < ps[i] / 100 * NR) r++; if (r < 1) r = 1; printf "p%s %.1f  ", ps[i], a[r] }
    printf "min %.1f  max %.1f  n %d\n", a[1], a[NR], NR }'
}
node_sh() { docker exec "$profile" sh -c "$1"; }

start_cluster() {
  local t0; t0=$(now)
  "$cli" start --driver docker -p "$profile" >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; exit 1; }
  say "cluster $profile started in $(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}') s"
  # The same one-layer busybox image as tests/LocalKube.IntegrationTests/Kubelet/KubeletCluster.cs.
  docker exec -i "$profile" sh -c 'cat > /tmp/image-archive.sh' <"$root/images/node/image-archive.sh"
  node_sh "set -e
    r=/tmp/busybox-root; rm -rf \$r; mkdir -p \$r/bin \$r/tmp \$r/etc
    cp /bin/busybox \$r/bin/busybox
    for a in \$(/bin/busybox --list); do [ \"\$a\" = busybox ] || ln -s busybox \$r/bin/\$a; done
    echo 'root:x:0:0:root:/root:/bin/sh' > \$r/etc/passwd
    chmod 1777 \$r/tmp
    sh /tmp/image-archive.sh \$r $image null 0:0 /tmp/busybox.tar
    docker load -i /tmp/busybox.tar >/dev/null"
  node=$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')
}

#!/usr/bin/env bash
# A no-op `kubectl apply -f` of a 50-object file against the time kubectl needs for the same 50 GETs alone
# (`kubectl get -f`), on a process-driver cluster started from the published CLI. Prints min / median / max of
# each and the ratio of the medians (issue #5: ≤ 1.5×).
#
#   bench/apply-noop.sh [--rounds N]
#
# Uses its own HOME, LOCALKUBE_HOME and KUBECONFIG under a temp folder (so kubectl's discovery and OpenAPI caches
# start empty and are warmed by the first apply, as on a developer's machine); needs ./build.sh --target=Publish.
set -euo pipefail
rounds=15
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N]" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cli="$root/artifacts/bin/localkube"
work=$(mktemp -d)
export HOME="$work" LOCALKUBE_HOME="$work/.localkube" KUBECONFIG="$work/kubeconfig" LOCALKUBE_ASSETS="$root/artifacts"
profile=applybench
trap '"$cli" delete -p "$profile" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$cli" start --driver process -p "$profile" >/dev/null

# 50 objects of the kinds people apply: 20 ConfigMaps, 15 Services, 15 Deployments.
manifest="$work/fifty.yaml"
for i in $(seq 1 20); do
  printf -- '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-%s\n  labels: {app: bench}\ndata:\n  key: value-%s\n' "$i" "$i"
done >"$manifest"
for i in $(seq 1 15); do
  printf -- '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-%s\nspec:\n  selector: {app: web-%s}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n' "$i" "$i"
  printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%s\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web-%s}\n  template:\n    metadata:\n      labels: {app: web-%s}\n    spec:\n      containers:\n      - name: web\n        image: example/web:1\n        ports:\n        - containerPort: 8080\n        env:\n        - {name: MODE, value: bench}\n' "$i" "$i" "$i"
done >>"$manifest"

kubectl apply -f "$manifest" >/dev/null
unchanged=$(kubectl apply -f "$manifest" | grep -c unchanged || true)
[ "$unchanged" = 50 ] || { echo "expected 50 unchanged objects, got $unchanged" >&2; exit 1; }

now() { date +%s.%N; }
declare -A times
timed() { # name, command...
  local name=$1; shift
  local t0; t0=$(now)
  "$@" >/dev/null
  times[$name]="${times[$name]:-} $(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')"
}
for _ in $(seq 1 "$rounds"); do
  timed "apply (no-op)" kubectl apply -f "$manifest"
  timed "get -f (GETs alone)" kubectl get -f "$manifest"
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%s %.3f %s", a[1], m, a[NR]}'; }
echo "rounds: $rounds; seconds (min / median / max)"
declare -A med
for name in "apply (no-op)" "get -f (GETs alone)"; do
  read -r lo mid hi <<<"$(echo "${times[$name]}" | median)"
  med[$name]=$mid
  printf '%-22s %s / %s / %s\n' "$name" "$lo" "$mid" "$hi"
done
awk -v a="${med[apply (no-op)]}" -v g="${med[get -f (GETs alone)]}" 'BEGIN {printf "ratio of medians: %.2fx (target <= 1.5x)\n", a / g}'

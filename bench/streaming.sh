#!/usr/bin/env bash
# Issue 13's benchmarks on a docker-driver cluster started from the published CLI, with the real kubectl:
#   load     `localkube image load` of a ~500 MB image new to the node against `docker save | docker exec -i <node>
#            docker load` in the same run (alternating, ROUNDS each), then `image load` of an image the node has
#   exec     `kubectl exec POD -- true`, 30 round trips (and `kubectl get pod` as kubectl's own floor)
#   forward  100 MB (10^8 bytes) through `kubectl port-forward` with curl, 5 runs (and the pod read from inside the node)
#   logs     `kubectl logs -f`: a line's write time in the container to the moment kubectl prints it, 50 lines
#
#   bench/streaming.sh [load] [exec] [forward] [logs]        (no argument: all four)
# The 500 MB image is random bytes in one layer (`docker import` of a tar), made in the host's Docker and removed
# at the end. Container clocks are the host's (one kernel), so the logs latency compares two readings of one clock.
set -euo pipefail
source "$(dirname "$0")/docker-cluster.sh"
measures=("$@")
[ ${#measures[@]} -gt 0 ] || measures=(load exec forward logs)
rounds=${ROUNDS:-3}
big=localkube.bench/big:$$
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

apply_pods() {
  kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: $image
    imagePullPolicy: Never
    command: [sh, -c, "mkdir -p /www && head -c 100000000 /dev/urandom > /www/big && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
    readinessProbe: {httpGet: {path: /index.html, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: $image
    imagePullPolicy: Never
    # busybox's date has no %N: adjtimex reads the clock (nanoseconds when the kernel's status has STA_NANO, 8192).
    command:
    - sh
    - -c
    - |
      while true; do
        adjtimex | awk '/status/ {n = and(\$2, 8192)} /tv_sec/ {s = \$2} /tv_usec/ {u = \$2} END {printf "%d%09d\\n", s, n ? u : u * 1000}'
        sleep 0.2
      done
EOF
  kubectl wait --for=condition=Ready pod/web pod/ticker --timeout=180s >/dev/null
}

bench_load() {
  local mib t0 raw=() lk=() again=()
  say "making the image: 500 MiB of random bytes, one layer"
  mkdir -p "$work/big"
  head -c 524288000 /dev/urandom >"$work/big/blob"
  tar -C "$work/big" -c . | docker import - "$big" >/dev/null
  rm -rf "$work/big"
  cleanups+=("docker rmi -f $big")
  mib=$(docker image inspect -f '{{.Size}}' "$big" | awk '{printf "%.0f", $1 / 1048576}')
  gone() { docker exec "$profile" docker rmi -f "$big" >/dev/null 2>&1 || true; }
  for r in $(seq 1 "$rounds"); do
    for way in $( ((r % 2)) && echo "raw localkube" || echo "localkube raw"); do
      gone
      t0=$(now)
      if [ "$way" = raw ]; then
        docker save "$big" | docker exec -i "$profile" docker load >/dev/null
        raw+=("$(secs "$t0" "$(now)")")
      else
        "$cli" image load "$big" -p "$profile" >/dev/null 2>&1
        lk+=("$(secs "$t0" "$(now)")")
      fi
      docker exec "$profile" docker image inspect "$big" >/dev/null || { echo "$way did not load $big" >&2; exit 1; }
    done
    say "image load round $r: raw ${raw[-1]} s, localkube ${lk[-1]} s"
  done
  for _ in 1 2 3 4 5; do
    t0=$(now)
    "$cli" image load "$big" -p "$profile" >/dev/null 2>&1
    again+=("$(secs "$t0" "$(now)")")
  done
  local mr ml
  mr=$(printf '%s\n' "${raw[@]}" | median); ml=$(printf '%s\n' "${lk[@]}" | median)
  say "image load, ${mib} MiB image new to the node: localkube median $ml s (${lk[*]}), raw docker save | docker exec -i docker load median $mr s (${raw[*]}): ratio $(awk -v a="$ml" -v b="$mr" 'BEGIN {printf "%.2f", a / b}')x (target <= 1.1x)"
  say "image load of an image the node has: median $(printf '%s\n' "${again[@]}" | median) s (${again[*]}) (target <= 1 s)"
  gone
}

bench_exec() {
  local t0 e=() g=()
  for _ in 1 2 3; do kubectl exec web -- true; done
  for _ in $(seq 1 30); do
    t0=$(now); kubectl exec web -- true; e+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print (b - a) * 1000}')")
    t0=$(now); kubectl get pod web -o name >/dev/null; g+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print (b - a) * 1000}')")
  done
  say "kubectl exec web -- true, ms: $(printf '%s\n' "${e[@]}" | stats) (target p50 <= 150 ms)"
  say "kubectl get pod web -o name (kubectl's own floor), ms: $(printf '%s\n' "${g[@]}" | stats)"
}

bench_forward() {
  local port pf out rates=() ip inside=()
  kubectl port-forward pod/web :8080 >"$work/pf.log" 2>&1 &
  pf=$!
  cleanups+=("kill $pf")
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) .*/\1/p' "$work/pf.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/pf.log" >&2; exit 1; }
  curl -s -o /dev/null "http://127.0.0.1:$port/index.html"
  for _ in 1 2 3 4 5; do
    out=$(curl -s -o /dev/null -w '%{size_download} %{time_total}' "http://127.0.0.1:$port/big")
    [ "${out%% *}" = 100000000 ] || { echo "port-forward read ${out%% *} bytes" >&2; exit 1; }
    rates+=("$(echo "$out" | awk '{printf "%.1f", $1 / $2 / 1e6}')")
  done
  kill "$pf"; wait "$pf" 2>/dev/null || true
  ip=$(kubectl get pod web -o jsonpath='{.status.podIP}')
  for _ in 1 2 3; do
    inside+=("$(node_sh "curl -s -o /dev/null -w '%{size_download} %{time_total}' http://$ip:8080/big" | awk '{printf "%.1f", $1 / $2 / 1e6}')")
  done
  say "port-forward, 100 MB with curl: median $(printf '%s\n' "${rates[@]}" | median) MB/s (${rates[*]}) (target >= 100 MB/s)"
  say "same file read from inside the node (curl to the pod IP, no forward): median $(printf '%s\n' "${inside[@]}" | median) MB/s (${inside[*]})"
}

bench_logs() {
  local lat=()
  # Each line is the container's clock in ns when it was written; the reader stamps the moment kubectl printed it.
  # The first lines are history (sent at once), so only lines written after the follow began count.
  local since; since=$(date +%s%N)
  while IFS= read -r line; do
    local t=${EPOCHREALTIME/./}
    [ "${line:-0}" -gt "$since" ] 2>/dev/null || continue
    lat+=("$(( (t * 1000 - line) / 1000 ))")
    [ ${#lat[@]} -ge 50 ] && break
  done < <(timeout 60 kubectl logs -f ticker --tail=1)
  [ ${#lat[@]} -ge 50 ] || { echo "logs -f gave ${#lat[@]} lines" >&2; exit 1; }
  say "kubectl logs -f line latency, ms: $(printf '%s\n' "${lat[@]}" | awk '{print $1 / 1000}' | stats) (target <= 200 ms)"
}

say "streaming benchmarks: ${measures[*]}; $(nproc) cores; shared machine"
start_cluster
apply_pods
for m in "${measures[@]}"; do
  case "$m" in
    load) bench_load ;;
    exec) bench_exec ;;
    forward) bench_forward ;;
    logs) bench_logs ;;
    *) echo "unknown measure $m (load exec forward logs)" >&2; exit 2 ;;
  esac
done
say done

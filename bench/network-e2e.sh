#!/usr/bin/env bash
# Issue 12's docker-driver measures, N rounds on a fresh profile each:
#   total   - `start` (node image cached) → a Deployment + Service answering through `localkube service --url`,
#             including loading its image into the node (no registry here: bench/docker-cluster.sh builds it from
#             the node's own busybox);
#   change  - a service change: a new ready endpoint (the Deployment scaled 1 → 2) → its first answer through the
#             ClusterIP, measured from the moment `kubectl wait --for=condition=Ready` returns for the new pod.
# Times come from /proc/uptime, the one clock the host, the node and the pods share (one kernel).
#
#   ./build.sh --target=Publish && bench/network-e2e.sh [--rounds N]
set -euo pipefail
rounds=3
[ "${1:-}" = "--rounds" ] && rounds=$2
# The shared harness: cli, its own HOME/LOCALKUBE_HOME/KUBECONFIG, cleanup on exit, start_cluster (start + the
# fixture's busybox image loaded into the node).
source "$(dirname "$0")/docker-cluster.sh"
service_pid=
cleanups+=('[ -n "$service_pid" ] && kill "$service_pid"')

uptime_s() { cut -d' ' -f1 /proc/uptime; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }

totals=()
changes=()
for round in $(seq 1 "$rounds"); do
  profile="bench-net-$$-$round"
  cleanups+=("\"$cli\" delete -p $profile")
  t0=$(uptime_s)
  start_cluster >/dev/null
  # A web server answering its pod's name on :8080, from the busybox image start_cluster loaded.
  kubectl create deployment web --image="$image" --port=8080 -- sh -c 'mkdir -p /www && hostname >/www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
  kubectl patch deployment web --type=json -p '[{"op":"add","path":"/spec/template/spec/containers/0/readinessProbe","value":{"httpGet":{"path":"/","port":8080},"periodSeconds":1}}]' >/dev/null
  kubectl expose deployment web --port=80 --target-port=8080 >/dev/null
  "$cli" service web --url -p "$profile" >"$work/url" 2>"$work/service.err" &
  service_pid=$!
  url=
  for _ in $(seq 1 600); do
    url=$(head -1 "$work/url" 2>/dev/null || true)
    [ -n "$url" ] && curl -fsS --max-time 1 "$url" >/dev/null 2>&1 && break
    sleep 0.05
  done
  t1=$(uptime_s)
  totals+=("$(minus "$t1" "$t0")")
  kill "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
  service_pid=

  # Service change: traffic from inside the node to the ClusterIP, one request every 20 ms, logged with uptime.
  ip=$(kubectl get svc web -o jsonpath='{.spec.clusterIP}')
  docker exec -d "$profile" sh -c "while [ ! -e /tmp/stop ]; do echo \"\$(cut -d' ' -f1 /proc/uptime) \$(curl -s --max-time 1 http://$ip/)\" >>/tmp/hits; sleep 0.02; done"
  before=$(kubectl get pods -l app=web -o name | sort)
  kubectl scale deployment web --replicas=2 >/dev/null
  new=
  for _ in $(seq 1 200); do
    new=$(comm -13 <(echo "$before") <(kubectl get pods -l app=web -o name | sort) | head -1)
    [ -n "$new" ] && break
    sleep 0.05
  done
  kubectl wait --for=condition=Ready "$new" --timeout=60s >/dev/null
  ready=$(uptime_s)
  name=${new#pod/}
  first=
  for _ in $(seq 1 100); do
    first=$(docker exec "$profile" sh -c "grep -m1 ' $name\$' /tmp/hits | cut -d' ' -f1" || true)
    [ -n "$first" ] && break
    sleep 0.1
  done
  docker exec "$profile" touch /tmp/stop
  changes+=("$(minus "${first:-NaN}" "$ready")")
  "$cli" delete -p "$profile" >/dev/null 2>&1 || true
done

summary() { # name, values...
  local name=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v n="$name" '{v[NR]=$1} END {printf "%s: median %.2f s, min %.2f s, max %.2f s (%d rounds)\n", n, v[int((NR+1)/2)], v[1], v[NR], NR}'
}
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
summary "start -> Deployment + Service answering through service --url" "${totals[@]}"
summary "new ready endpoint -> first answer through the ClusterIP (negative: before kubectl wait returned)" "${changes[@]}"

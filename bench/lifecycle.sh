#!/usr/bin/env bash
# Times the cluster lifecycle through the published CLI, N rounds on a fresh profile each round:
#   start (fresh profile, node image cached) → status → stop → start (resume) → delete
# and reads the idle agent's RSS. Prints min / median / max per phase, in seconds.
#
#   bench/lifecycle.sh [--driver docker|process] [--rounds N]
#
# Uses its own LOCALKUBE_HOME and KUBECONFIG under a temp folder; needs ./build.sh --target=Publish (and, for
# docker, the node image: ./build.sh --target=Images).
set -euo pipefail
driver=docker
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --driver) driver=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 [--driver docker|process] [--rounds N]" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cli="$root/artifacts/bin/localkube"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LOCALKUBE_HOME="$work/home" KUBECONFIG="$work/kubeconfig" LOCALKUBE_ASSETS="$root/artifacts"

now() { date +%s.%N; }
declare -A times
record() { times[$1]="${times[$1]:-} $2"; }
timed() { # name, command...
  local name=$1; shift
  local t0; t0=$(now)
  "$@" >/dev/null 2>&1 || true
  record "$name" "$(awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')"
}

rss_mib() { # profile
  local pid
  if [ "$driver" = docker ]; then
    docker exec "$1" sh -c 'grep VmRSS /proc/$(cat /run/localkube/agent.pid)/status' | awk '{printf "%.1f", $2/1024}'
  else
    pid=$(cat "$LOCALKUBE_HOME/profiles/$1/machines/$1/agent.pid")
    awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"
  fi
}

for i in $(seq 1 "$rounds"); do
  p="bench-$i-$$"
  timed start "$cli" start --driver "$driver" -p "$p"
  sleep 2
  record rss "$(rss_mib "$p")"
  timed status "$cli" status -p "$p"
  timed stop "$cli" stop -p "$p"
  timed resume "$cli" start -p "$p"
  timed delete "$cli" delete -p "$p"
done

stats() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "min %.2f  median %.2f  max %.2f  (n=%d)\n", a[1], m, a[NR], NR}'; }
echo "driver=$driver rounds=$rounds cpus=$(nproc)"
for phase in start resume stop delete status; do
  printf '%-7s s    ' "$phase"; echo "${times[$phase]}" | stats
done
printf '%-7s MiB  ' "rss"; echo "${times[rss]}" | stats

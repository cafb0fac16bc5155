#!/usr/bin/env bash
# Issue 10's kubelet benchmarks on a docker-driver cluster started from the published CLI (real containers in the
# node's own engine, a local image, the real kubectl):
#   rss      the node's RSS (agent + dockerd + containerd; the shims and the pods' processes apart) with 0 and 10 idle pods
#   cpu      the agent's CPU with 0 pods and with 30 idle pods probed every 10 s (readiness httpGet + liveness exec)
#   startup  50 pods one at a time, create (nodeName set) -> Ready: p50 / p99   (bench/LocalKube.Kubelet.Bench)
#   burst    30 pods created at once -> all Ready, 3 rounds                    (bench/LocalKube.Kubelet.Bench)
# The simulated runtime's measure (1,000 pods -> Running) needs no cluster:
#   dotnet bench/LocalKube.Kubelet.Bench/bin/Release/net10.0/LocalKube.Kubelet.Bench.dll simulated
#
#   bench/kubelet.sh [rss] [cpu] [startup] [burst]        (no argument: all four, in that order)
set -euo pipefail
source "$(dirname "$0")/docker-cluster.sh"
measures=("$@")
[ ${#measures[@]} -gt 0 ] || measures=(rss cpu startup burst)
cpu_window=${CPU_WINDOW:-120}

HOME=$real_home dotnet build "$root/bench/LocalKube.Kubelet.Bench" -c Release >/dev/null
podbench() { dotnet "$root/bench/LocalKube.Kubelet.Bench/bin/Release/net10.0/LocalKube.Kubelet.Bench.dll" "$@"; }

# N pods named PREFIX-i on the node; with "probes", busybox httpd answers a readiness httpGet and `true` a liveness
# exec, both every 10 s. The shell traps SIGTERM so that deletion does not wait out the grace period.
pods() { # prefix count [probes]
  for i in $(seq 1 "$2"); do
    cat <<EOF
---
apiVersion: v1
kind: Pod
metadata: {name: $1-$i, labels: {bench: $1}}
spec:
  nodeName: $node
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: $image
    imagePullPolicy: Never
    command: [sh, -c, "trap 'exit 0' TERM; mkdir -p /www; echo ok > /www/index.html; httpd -p 8080 -h /www; sleep 3600 & wait"]
EOF
    if [ "${3:-}" = probes ]; then
      cat <<EOF
    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 10}
    livenessProbe: {exec: {command: ["true"]}, periodSeconds: 10}
EOF
    fi
  done
}
run_pods() { # prefix count [probes]
  pods "$@" | kubectl apply -f - >/dev/null
  kubectl wait --for=condition=Ready pod -l "bench=$1" --timeout=300s >/dev/null
}
delete_pods() { kubectl delete pod -l "bench=$1" --wait=true --timeout=300s >/dev/null; }

# pid of each process of the node whose comm is $1 (comm is cut at 15 characters, as the kernel keeps it)
pids_of() { node_sh "for p in /proc/[0-9]*; do [ \"\$(cat \$p/comm 2>/dev/null)\" = '$1' ] && echo \${p#/proc/}; done; true"; }
agent_pid() { node_sh 'cat /run/localkube/agent.pid'; }

# VmRSS in KiB of every process in the node, summed by comm: "comm count kib" lines.
rss_by_comm() {
  node_sh 'for p in /proc/[0-9]*; do c=$(cat $p/comm 2>/dev/null) || continue; r=$(awk "/^VmRSS/ {print \$2}" $p/status 2>/dev/null); echo "$c ${r:-0}"; done' |
    awk '{n[$1]++; k[$1]+=$2} END {for (c in n) print c, n[c], k[c]}' | sort -k3 -n -r
}
rss_report() { # label
  local table agent dockerd containerd shims total
  sleep 20
  for _ in 1 2 3 4 5; do rss_by_comm; sleep 2; done >"$work/rss.txt"
  # the median of the five samples of each comm
  table=$(awk '{print $1, $2, $3}' "$work/rss.txt" | sort -k1,1 -k3,3n | awk '
    {c[$1] = c[$1] " " $3; n[$1] = $2}
    END {for (k in c) {m = split(substr(c[k], 2), a, " "); print k, n[k], a[int((m + 1) / 2)]}}' | sort -k3 -n -r)
  agent=$(echo "$table" | awk '$1 == "localkube-node" {print $3}')
  dockerd=$(echo "$table" | awk '$1 == "dockerd" {print $3}')
  containerd=$(echo "$table" | awk '$1 == "containerd" {print $3}')
  shims=$(echo "$table" | awk '$1 ~ /^containerd-shim/ {s += $3; n += $2} END {printf "%d %d", s, n}')
  total=$(( ${agent:-0} + ${dockerd:-0} + ${containerd:-0} ))
  say "rss $1: agent $((agent / 1024)) MiB + dockerd $((dockerd / 1024)) MiB + containerd $((containerd / 1024)) MiB = $((total / 1024)) MiB (target <= 300 MiB with 10 idle pods); shims: ${shims#* } processes, $(( ${shims%% *} / 1024 )) MiB"
  echo "$table" | awk '{printf "    %-16s %3d process(es) %8.1f MiB\n", $1, $2, $3 / 1024}'
}

ticks() { node_sh "awk '{print \$14 + \$15}' /proc/$1/stat"; }
cpu_report() { # label
  local a d c a0 d0 c0 t0 a1 d1 c1 t1
  sleep 30
  a=$(agent_pid); d=$(pids_of dockerd); c=$(pids_of containerd)
  a0=$(ticks "$a"); d0=$(ticks "$d"); c0=$(ticks "$c"); t0=$(now)
  sleep "$cpu_window"
  a1=$(ticks "$a"); d1=$(ticks "$d"); c1=$(ticks "$c"); t1=$(now)
  awk -v l="$1" -v a=$((a1 - a0)) -v d=$((d1 - d0)) -v c=$((c1 - c0)) -v s="$(awk -v x="$t0" -v y="$t1" 'BEGIN {print y - x}')" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "cpu %s over %.0f s: agent %.2f %% of one core (target <= 3 %% with 30 probed pods); dockerd %.2f %%, containerd %.2f %%\n", l, s, a / hz / s * 100, d / hz / s * 100, c / hz / s * 100 }' |
    while read -r line; do say "$line"; done
}

say "kubelet benchmarks: ${measures[*]}; $(nproc) cores; shared machine"
start_cluster
for m in "${measures[@]}"; do
  case "$m" in
    rss)
      rss_report "with 0 pods"
      run_pods idle 10
      rss_report "with 10 idle pods"
      delete_pods idle ;;
    cpu)
      cpu_report "with 0 pods"
      run_pods probed 30 probes
      cpu_report "with 30 idle pods, readiness httpGet + liveness exec every 10 s"
      delete_pods probed ;;
    startup) podbench startup "$image" 50 ;;
    burst) podbench burst "$image" 30 3 ;;
    *) echo "unknown measure $m (rss cpu startup burst)" >&2; exit 2 ;;
  esac
done
say done

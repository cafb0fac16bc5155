#!/usr/bin/env bash
# Dashboard benchmarks (issue 14): link printed, cold load to overview, pod created to visible, first-load bytes,
# server memory with 1,000 pods watched. Starts a process-driver cluster from the published CLI under a temporary
# HOME, runs 'localkube dashboard --url' beside it, drives Debian's chromium with playwright-core (from the
# dashboard's npm dev dependencies), then deletes everything it made.
#   ./build.sh --target=Publish && bench/dashboard/dashboard.sh [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=10
[ "${1:-}" = "--rounds" ] && rounds=$2

root=$(mktemp -d /tmp/lkbench-dash-XXXXXX)
export HOME=$root/home LOCALKUBE_HOME=$root/home/.localkube KUBECONFIG=$root/home/.kube/config LOCALKUBE_ASSETS=$PWD/artifacts TERM=dumb
mkdir -p "$HOME/.kube"
cli=$PWD/artifacts/bin/localkube
profile=bench-dash
dashboard_pid=
cleanup() {
  [ -n "$dashboard_pid" ] && kill "$dashboard_pid" 2>/dev/null || true
  "$cli" delete -p "$profile" >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT

"$cli" start --driver process -p "$profile" >/dev/null
echo "cluster $profile up"

# 1. 'localkube dashboard --url' to the link on stdout (a new server each round: --port 0).
node bench/dashboard/url-time.mjs "$cli" "$profile" "$rounds"

# 2-5. The browser measurements, against one running dashboard.
"$cli" dashboard --url -p "$profile" >"$root/url" 2>"$root/dashboard.err" &
dashboard_pid=$!
for _ in $(seq 1 100); do [ -s "$root/url" ] && break; sleep 0.1; done
node bench/dashboard/browser.mjs "$(head -1 "$root/url")" "$dashboard_pid" "$LOCALKUBE_HOME/profiles/$profile/certs" \
  "$(sed -n 's/.*"apiServerPort": *\([0-9]*\).*/\1/p' "$LOCALKUBE_HOME/profiles/$profile/config.json")" "$rounds"

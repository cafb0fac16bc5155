#!/usr/bin/env bash
# Single entry point: restores the pinned Cake tool and runs build.cake.
#   ./build.sh                    # Build
#   ./build.sh --target=Test      # every test (needs Docker running, see README)
#   ./build.sh --target=Start     # publish, then 'localkube start'
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET SDK is required (see README, Prerequisites)." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"

#!/bin/sh
# Container health check (usage: healthcheck.sh [TIMEOUT_SECONDS], default 5).
# Exits 0 when GET /health/ready on this container returns Healthy, and 1 when the service does
# not respond in time or reports itself Unhealthy (HTTP 503), as HEALTHCHECK expects. The check
# itself is `lake healthcheck`, so the image needs no curl.
set -eu

timeout=${1:-5}
app=${LAKE_APP_DIR:-/app}

exec dotnet "$app/lake.dll" healthcheck --timeout "$timeout"

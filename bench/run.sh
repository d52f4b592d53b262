#!/usr/bin/env bash
# Import and query benchmarks of Datapunk Lake, side by side with the tools people use today.
# See BENCHMARKS.md at the repository root for what each figure means and the results.
#
# Usage: bench/run.sh [import|query|all|smoke] [options]
#   --points N      points in the generated Records.json (default 1000000)
#   --runs R        runs of each measurement (each import, or the whole query load); the report gives medians (default 3)
#   --texts N       My Activity entries for the query benchmark (default 100000)
#   --duration S    seconds of load per query endpoint (default 10)
#   --work DIR      where generated files and lakes go (default /tmp/lake-bench); deleted at the end
#   --keep          keep DIR afterwards
#   --lake DIR      query an existing data directory instead of building one (it is not deleted)
#   --embed-limit N embed only the first N text records with the model, and give the others copies of those
#                   vectors (bench/fill-embeddings.sql). Semantic search then scans as many vectors, in less time.
# A Records.json kept in DIR from an earlier run with the same --points is used again, and so is DIR/lake-data,
# the lake of the last import run, as the query lake.
# smoke: 2,000 points, one run, 1 s of load per endpoint, no embeddings: only checks that nothing crashes.
#
# Needs: dotnet, /usr/bin/time, sha256sum, python3 (to pick a free port), and from Debian sqlite-utils and wrk
# (installed when missing).
# The server binds 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=${1:-all}
shift || true
points=1000000 runs=3 texts=100000 duration=10 work=/tmp/lake-bench keep=0 data= embed_limit=
while [ $# -gt 0 ]; do
  case "$1" in
    --points) points=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --texts) texts=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --lake) data=$2; shift 2 ;;
    --embed-limit) embed_limit=$2; shift 2 ;;
    *) echo "Unknown option '$1'." >&2; exit 2 ;;
  esac
done
embed=1
if [ "$mode" = smoke ]; then
  points=2000 runs=1 texts=500 duration=1 embed=0
fi

missing=()
command -v sqlite-utils >/dev/null || missing+=(sqlite-utils)
command -v wrk >/dev/null || missing+=(wrk)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v curl >/dev/null || missing+=(curl)
command -v bc >/dev/null || missing+=(bc)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p "$work"
cleanup() {
  if [ -n "${server_pid:-}" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

echo "== machine"
echo "date: $(date -u +%FT%TZ)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "cpus: $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "dotnet: $(dotnet --version), sqlite-utils: $(sqlite-utils --version | awk '{print $NF}'), wrk: $(wrk --version 2>&1 | head -1 | awk '{print $2}')"

echo "== build (Release)"
dotnet build bench/Datapunk.Lake.Bench -c Release -v q -nologo | grep -E 'error|Warn|Error' || true
dotnet publish src/Datapunk.Lake.Server -c Release -o "$work/lake" -v q -nologo | grep -E 'error|Error' || true
bench="dotnet $root/bench/Datapunk.Lake.Bench/bin/Release/net10.0/Datapunk.Lake.Bench.dll"
lake="dotnet $work/lake/lake.dll"

records="$work/Records.json"
if [ "$mode" != query ] || [ -z "$data" ]; then
  if [ "$(cat "$records.points" 2>/dev/null)" != "$points" ] || [ ! -f "$work/points.ndjson" ]; then
    echo "== generate"
    rm -f "$records.points"
    $bench records-json "$records" --points "$points" --seed 42
    $bench scan "$records" --ndjson "$work/points.ndjson" >/dev/null
    echo "$points" >"$records.points"
  else
    echo "== generate: using $records from an earlier run ($points points)"
  fi
  bytes=$(stat -c %s "$records")
fi

# measure LABEL COMMAND...: runs it under /usr/bin/time, prints one line: label wall cpu rss load
measure() {
  local label=$1; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; echo "FAIL: $label" >&2; exit 1; }
  read -r wall user sys rss <"$work/time.txt"
  echo "$label $wall $(echo "$user + $sys" | bc) $rss $load"
}

if [ "$mode" != query ]; then
  echo "== import: $points points, $bytes bytes, $runs runs (wall s, CPU s, peak RSS KiB, load average)"
  : >"$work/import.txt"
  for run in $(seq "$runs"); do
    measure sha256 sha256sum "$records" | tee -a "$work/import.txt"
    measure scan $bench scan "$records" | tee -a "$work/import.txt"
    rm -rf "$work/lake-data"
    measure lake $lake ingest --data-dir "$work/lake-data" -q "$records" | tee -a "$work/import.txt"
    added=$(sqlite3 "$work/lake-data/lake.db" "SELECT count(*) FROM records" 2>/dev/null || echo "?")
    [ "$added" = "?" ] || [ "$added" -eq "$points" ] || { echo "FAIL: lake added $added records, expected $points" >&2; exit 1; }
    rm -f "$work/peer.db"
    measure sqlite-utils sqlite-utils insert "$work/peer.db" points "$work/points.ndjson" --nl | tee -a "$work/import.txt"
  done

  echo "== import medians (points/s from wall-clock, points per CPU second, MB/s = 10^6 bytes/s)"
  awk -v points="$points" -v bytes="$bytes" '
    { wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " $3; rss[$1] = rss[$1] " " $4 }
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
      printf "%-13s %9s %9s %12s %12s %9s %10s\n", "tool", "wall s", "CPU s", "points/s", "points/CPU s", "MB/s", "peak RSS MiB"
      split("lake sqlite-utils scan sha256", order, " ")
      for (k = 1; k <= 4; k++) {
        t = order[k]; w = median(wall[t]); c = median(cpu[t]); if (w < 0.01) w = 0.01; if (c < 0.01) c = 0.01
        rate[t] = points / w; crate[t] = points / c
        printf "%-13s %9.2f %9.2f %12.0f %12.0f %9.1f %10.0f\n", t, w, c, rate[t], crate[t], bytes / w / 1e6, median(rss[t]) / 1024
      }
      printf "lake / sqlite-utils: %.2fx wall, %.2fx CPU\n", rate["lake"] / rate["sqlite-utils"], crate["lake"] / crate["sqlite-utils"]
      printf "lake / bare scan:    %.3f wall, %.3f CPU\n", rate["lake"] / rate["scan"], crate["lake"] / crate["scan"]
      printf "lake / sha256:       %.3f wall, %.3f CPU\n", rate["lake"] / rate["sha256"], crate["lake"] / crate["sha256"]
    }' "$work/import.txt"
fi

if [ "$mode" != import ]; then
  if [ -z "$data" ]; then
    data="$work/lake-data"
    echo "== query data: $points points, $texts My Activity entries, $((texts / 10)) mail messages"
    if [ ! -f "$data/lake.db" ]; then
      $lake ingest --data-dir "$data" -q "$records" >/dev/null
    fi
    $bench my-activity "$work/MyActivity.json" --entries "$texts" --seed 42
    $bench mbox "$work/mail.mbox" --messages $((texts / 10)) --seed 42
    $lake ingest --data-dir "$data" -q "$work/MyActivity.json" "$work/mail.mbox" >/dev/null
    if [ "$embed" = 1 ] && [ -n "$embed_limit" ]; then
      $lake embed --data-dir "$data" --limit "$embed_limit" 2>/dev/null
      sqlite3 "$data/lake.db" <"$root/bench/fill-embeddings.sql"
    elif [ "$embed" = 1 ]; then
      $lake embed --data-dir "$data" 2>/dev/null
    fi
  fi
  sqlite3 "$data/lake.db" "SELECT 'records', count(*) FROM records; SELECT 'embeddings', count(*) FROM record_embeddings;"
  points=$(sqlite3 "$data/lake.db" "SELECT count(*) FROM records WHERE kind = 'location'")

  # A port that is free now, so that two runs on one machine never measure each other's server.
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  $lake serve --data-dir "$data" --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 120); do
    kill -0 "$server_pid" 2>/dev/null || { echo "FAIL: lake serve exited" >&2; tail -20 "$work/server.log" >&2; exit 1; }
    curl -fs "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break
    sleep 0.5
  done
  token=$(cat "$data/owner-token")
  day=$(sqlite3 "$data/lake.db" "SELECT strftime('%Y-%m-%d', start_ms / 1000, 'unixepoch') FROM records WHERE kind = 'location' ORDER BY start_ms LIMIT 1 OFFSET $((points / 2))")
  next=$(date -u -d "$day + 1 day" +%F)
  box=$(sqlite3 "$data/lake.db" "SELECT printf('%.4f,%.4f,%.4f,%.4f', lon - 0.005, lat - 0.005, lon + 0.005, lat + 0.005) FROM records WHERE kind = 'location' AND seq = $((points / 2))")

  echo "== query load: wrk, 2 threads, 8 connections, ${duration} s per endpoint, after 1 s of warm-up, 30 s timeout, $runs runs"
  printf '%-4s %-10s %10s %10s %10s %8s %8s %6s\n' run query p50_ms p99_ms req/s non-2xx timeouts load
  : >"$work/query.txt"
  for run in $(seq "$runs"); do
  for spec in "live|/health/live" \
              "time|/v1/records?from=${day}T00:00:00Z&to=${next}T00:00:00Z" \
              "bbox|/v1/records?bbox=${box}" \
              "text|/v1/search?q=lentil+soup" \
              "semantic|/v1/search?q=how+to+fix+a+bicycle&mode=semantic"; do
    name=${spec%%|*} path=${spec#*|}
    curl -fs -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" || { echo "FAIL: $name $path" >&2; tail -20 "$work/server.log" >&2; exit 1; }
    wrk -t1 -c1 -d1s -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >/dev/null
    load=$(cut -d' ' -f1 /proc/loadavg)
    wrk -t2 -c8 -d"${duration}s" --timeout 30s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" >"$work/wrk.txt"
    awk -v run="$run" -v name="$name" -v load="$load" '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
      /Requests\/sec/ { rps = $2 } /Non-2xx/ { bad = $NF } /Socket errors/ { split($0, e, "timeout "); timeouts = e[2] + 0 }
      END { printf "%-4s %-10s %10.2f %10.2f %10.1f %8d %8d %6s\n", run, name, p50, p99, rps, bad, timeouts, load }' "$work/wrk.txt" | tee -a "$work/query.txt"
  done
  done

  echo "== query medians over $runs runs"
  awk '
    { order[$2] = order[$2] ? order[$2] : ++n; names[order[$2]] = $2; p50[$2] = p50[$2] " " $3; p99[$2] = p99[$2] " " $4; rps[$2] = rps[$2] " " $5 }
    function median(list,   k, a, i, j, t) {
      k = split(list, a, " ")
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
    }
    END {
      printf "%-10s %10s %10s %10s\n", "query", "p50_ms", "p99_ms", "req/s"
      for (i = 1; i <= n; i++) { q = names[i]; printf "%-10s %10.2f %10.2f %10.1f\n", q, median(p50[q]), median(p99[q]), median(rps[q]) }
    }' "$work/query.txt"
fi

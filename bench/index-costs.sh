#!/usr/bin/env bash
# What each index of `records` costs SQLite alone: copies the records of an imported lake into a fresh
# table with one index (or the R*Tree) at a time, in one transaction as the importer writes, and prints
# the CPU time of the sqlite3 shell. Usage: bench/index-costs.sh DATA_DIR/lake.db (a lake at migration 13 or later,
# which has records.cell)
set -euo pipefail
source_db=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
columns="id, dataset, kind, start_ms, start_offset_min, end_ms, end_offset_min, lat, lon, accuracy_m, title, body, attributes, blob_sha256, path, pointer, byte_offset, import_id, cell"

run() {
  local label=$1 schema=$2 after=${3:-}
  rm -f "$work"/exp.db*
  sqlite3 "$work/exp.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE records (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, dataset TEXT NOT NULL, kind TEXT NOT NULL, start_ms INTEGER NOT NULL, start_offset_min INTEGER, end_ms INTEGER, end_offset_min INTEGER, lat REAL, lon REAL, accuracy_m REAL, title TEXT, body TEXT, attributes TEXT, blob_sha256 TEXT NOT NULL, path TEXT NOT NULL, pointer TEXT, byte_offset INTEGER, import_id TEXT NOT NULL, cell INTEGER);
$schema
SQL
  /usr/bin/time -f '%U %S' -o "$work/time.txt" sqlite3 "$work/exp.db" <<SQL
PRAGMA cache_size = -65536; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;
ATTACH '$source_db' AS src;
BEGIN IMMEDIATE;
INSERT INTO main.records ($columns) SELECT $columns FROM src.records ORDER BY seq;
$after
COMMIT;
SQL
  echo "$label: $(awk '{print $1 + $2}' "$work/time.txt") CPU s"
}

echo "rows: $(sqlite3 "$source_db" 'SELECT count(*) FROM records')"
run "table alone" ""
run "+ unique id" "CREATE UNIQUE INDEX i ON records (id);"
run "+ by time" "CREATE INDEX i ON records (start_ms, seq);"
run "+ by kind, time" "CREATE INDEX i ON records (kind, start_ms, seq);"
run "+ by dataset" "CREATE INDEX i ON records (dataset, start_ms);"
run "+ by blob" "CREATE INDEX i ON records (blob_sha256);"
run "+ by import" "CREATE INDEX i ON records (import_id);"
run "+ cell index" "CREATE INDEX i ON records (cell, lat, lon, start_ms) WHERE cell IS NOT NULL;"
run "+ area index (migration 16)" "CREATE INDEX i ON records (cell >> 34, start_ms, seq, lat, lon, cell) WHERE cell IS NOT NULL;"
run "+ R*Tree (before migration 13)" "CREATE VIRTUAL TABLE records_place USING rtree (seq, min_lat, max_lat, min_lon, max_lon);" \
    "INSERT INTO records_place SELECT seq, lat, lat, lon, lon FROM main.records WHERE lat IS NOT NULL;"

#!/usr/bin/env bash
# Rebuilds takeout-sample.zip from the takeout/ folder. Entry order and timestamps are fixed so the zip is
# byte-for-byte reproducible, and a test checks that it still matches the folder.
set -euo pipefail
cd "$(dirname "$0")/takeout"
rm -f ../takeout-sample.zip
find Takeout -type f | LC_ALL=C sort | while read -r file; do touch -d 2023-06-01T00:00:00Z "$file"; done
find Takeout -type f | LC_ALL=C sort | TZ=UTC zip -q -X -D ../takeout-sample.zip -@
echo "wrote $(cd .. && pwd)/takeout-sample.zip"

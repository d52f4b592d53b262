#!/bin/sh
# Writes install-manifest.sha256 into a published app folder (usage: write-install-manifest.sh DIR):
# one "SHA256  relative/path" line per file, sorted by path, in the format of sha256sum, so
# both `lake verify --install` and `sha256sum -c` can check it.
set -eu

app_dir=$1
manifest=install-manifest.sha256

cd "$app_dir"
rm -f "$manifest"

# The manifest is written outside the folder first, so the listing never includes it.
partial=$(mktemp)
find . -type f | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r file; do
    sha256sum "$file"
done >"$partial"
mv "$partial" "$manifest"
chmod 0644 "$manifest"
echo "install manifest: $(wc -l <"$manifest") files"

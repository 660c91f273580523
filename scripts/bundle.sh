#!/usr/bin/env bash
# Bundles src/ into the directory given (default dist/): ncc, minified, with source maps and
# the licenses of what is bundled. Then leaves out the browser launcher (`open` and its
# xdg-open script) that @azure/identity loads only for interactive browser sign-in, which this
# action never uses: its chunk is imported on demand only, so nothing else refers to it.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
rm -rf "$out"
ncc build src/index.ts -o "$out" --source-map --no-source-map-register --license licenses.txt --minify --quiet
for map in "$out"/*.index.js.map; do
  if grep -q 'node_modules/open/index.js"' "$map"; then
    rm "$map" "${map%.map}"
  fi
done
rm -f "$out/xdg-open"

#!/usr/bin/env bash
# Bundles src/ into the directory given (default dist/): the action (src/index.ts → index.js)
# and the CLI (src/cli/main.ts → cli/index.js), each with ncc, minified, with source maps and
# the licenses of what is bundled. Then leaves out the browser launcher (`open` and its
# xdg-open script) that @azure/identity loads only for interactive browser sign-in, which
# neither ever uses: its chunk is imported on demand only, so nothing else refers to it.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
rm -rf "$out"
build() {
  ncc build "$1" -o "$2" --source-map --no-source-map-register --license licenses.txt --minify --quiet
  for map in "$2"/*.index.js.map; do
    if grep -q 'node_modules/open/index.js"' "$map"; then
      rm "$map" "${map%.map}"
    fi
  done
  rm -f "$2/xdg-open"
}
build src/index.ts "$out"
build src/cli/main.ts "$out/cli"

#!/usr/bin/env bash
# Bundles src/ into the directory given (default dist/): the action (src/index.ts → index.js)
# and the CLI (src/cli/main.ts → cli/index.js), each with ncc, minified, with source maps. Then
# leaves out the browser launcher (`open` and its xdg-open script) that @azure/identity loads
# only for interactive browser sign-in, which neither ever uses: its chunk is imported on demand
# only, so nothing else refers to it. Last, the licenses of what is left (scripts/licenses.js).
# Everything is built beside the target (at the same depth: source maps name sources relative to
# the bundle) and moved in only when both builds succeeded: a failed build leaves the previous
# bundle in place.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-dist}"
out="$(dirname "$target")/.$(basename "$target").new"
rm -rf "$out"
trap 'rm -rf "$out"' EXIT
build() {
  ncc build "$1" -o "$2" --source-map --no-source-map-register --minify --quiet
  for map in "$2"/*.index.js.map; do
    if grep -q 'node_modules/open/index.js"' "$map"; then
      rm "$map" "${map%.map}"
    fi
  done
  rm -f "$2/xdg-open"
  node scripts/licenses.js "$2"
}
build src/index.ts "$out"
build src/cli/main.ts "$out/cli"
rm -rf "$target"
mv "$out" "$target"

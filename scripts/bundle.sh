#!/usr/bin/env bash
# Bundles src/ with ncc: the action (src/index.ts → DIR/index.js, committed as dist/) and the CLI
# (src/cli/main.ts → DIR/cli/index.js, built for the npm package and the tests, never committed).
#
#   scripts/bundle.sh [DIR]           both (default DIR: dist)
#   scripts/bundle.sh --cli [DIR]     the CLI only (npm's prepack)
#
# For each: ncc with source maps; the browser launcher (`open` and its xdg-open script) that
# @azure/identity loads only for interactive browser sign-in, which neither ever uses, left out
# (its chunk is imported on demand only, so nothing else refers to it); licenses.txt from the
# source maps (scripts/licenses.js); every chunk minified (scripts/minify.js); the source maps
# moved out to .tmp/maps/ (`__tests__/licenses.test.ts` reads them there): nobody downloads them.
# Everything is built beside the target and moved in only when every build succeeded: a failed
# build leaves the previous bundle in place.
set -euo pipefail
cd "$(dirname "$0")/.."
parts=(action cli)
if [ "${1:-}" = --cli ]; then
  parts=(cli)
  shift
fi
target="${1:-dist}"
out="$(dirname "$target")/.$(basename "$target").new"
maps=.tmp/maps
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
  node scripts/minify.js "$2"
  rm -rf "$maps/$3"
  mkdir -p "$maps/$3"
  mv "$2"/*.map "$maps/$3/"
}
for part in "${parts[@]}"; do
  case "$part" in
    action) build src/index.ts "$out" action ;;
    cli) build src/cli/main.ts "$out/cli" cli ;;
  esac
done
if [ "${parts[*]}" = cli ]; then
  rm -rf "$target/cli"
  mkdir -p "$target"
  mv "$out/cli" "$target/cli"
else
  rm -rf "$target"
  mv "$out" "$target"
fi

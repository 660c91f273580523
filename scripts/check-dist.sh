#!/usr/bin/env bash
# Fails when the committed dist/ (the action) differs from a fresh bundle of src/. The fresh CLI
# bundle it builds on the way is not committed: it replaces dist/cli/, which the CLI's end-to-end
# tests and the package test run (npm test runs this before jest).
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
bash scripts/bundle.sh "$fresh/dist"
if ! diff -r -q -x cli dist "$fresh/dist"; then
  echo "dist/ is stale: run 'npm run bundle' and commit dist/ with the src/ change." >&2
  exit 1
fi
rm -rf dist/cli
mv "$fresh/dist/cli" dist/cli
echo "dist/ matches a fresh bundle of src/ (and dist/cli/ is fresh)."

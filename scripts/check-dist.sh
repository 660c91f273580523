#!/usr/bin/env bash
# Fails when the committed dist/ differs from a fresh bundle of src/.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
bash scripts/bundle.sh "$fresh/dist"
if ! diff -r -q dist "$fresh/dist"; then
  echo "dist/ is stale: run 'npm run bundle' and commit dist/ with the src/ change." >&2
  exit 1
fi
echo "dist/ matches a fresh bundle of src/."

#!/usr/bin/env bash
# Renders the pull request page `npm run demo` wrote (.tmp/demo/pull-request.html), and the
# getting-started screens (scripts/getting-started.ts), to the pictures in docs/images.
# Needs Debian's chromium, imagemagick and pngquant (and fonts-noto-color-emoji for the severity
# badges): apt-get install chromium imagemagick pngquant fonts-noto-color-emoji. pngquant cuts
# each picture to a palette, a third of its size: every job that uses the action downloads them.
set -euo pipefail
cd "$(dirname "$0")/.."
page=.tmp/demo/pull-request.html
[ -f "$page" ] || { echo "No $page: run 'npm run demo' first." >&2; exit 1; }
for tool in chromium convert pngquant; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (see the comment at the top of $0)." >&2; exit 1; }
done
mkdir -p docs/images
# shoot URL OUT WIDTH: a headless screenshot of URL, trimmed to its content with a small border.
shoot() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$3",4000 --screenshot="$2" "$1" 2>/dev/null
  convert "$2" -trim +repage -bordercolor '#f6f8fa' -border 12 "$2"
  pngquant --quality=70-95 --speed 1 --strip --force --output "$2" "$2"
  identify "$2"
}
# The screens of docs/getting-started.md: setup and mode: check, from the bundles.
npm run build:scripts >/dev/null
node .tmp/demo/scripts/getting-started.js
for screen in setup-dry-run setup check; do
  shoot "file://$PWD/.tmp/getting-started/$screen.html" "docs/images/$screen.png" 1800
done
# The page shows only the summary comment for #comment, the review for #review, a question
# answered in a review thread for #answer.
for part in comment review answer; do
  shoot "file://$PWD/$page#$part" "docs/images/$part.png" 950
done

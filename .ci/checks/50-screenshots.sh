#!/usr/bin/env bash
# The README screenshots' generator still works: .ci/screenshots renders the
# views of the real main window, three at scale 1.5, and the monthly report's
# chart (under the race detector), and Chromium the published report's index page, into
# $OUT/screenshots, and each PNG must exist and not be blank (ImageMagick's
# standard deviation of the pixels above 0.02). See gui/screenshots_test.go.
set -euo pipefail
: "${ROOT:?}" "${OUT:?}"
command -v convert >/dev/null || { echo "50-screenshots: convert is missing (apt: imagemagick)"; exit 1; }
# The published report's index page is photographed by Chromium.
# shellcheck source=../deps.sh
source "$ROOT/.ci/deps.sh"
s3desk_chromium
dir="$OUT/screenshots"
rm -rf "$dir"
mkdir -p "$dir"
log="$OUT/screenshots.log"
rc=0
CI=true SCREENSHOTS_GOFLAGS=-race bash "$ROOT/.ci/screenshots" "$dir" >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "50-screenshots: the generator failed (exit $rc):"; tail -40 "$log"; exit 1
fi
if grep -q "WARNING: DATA RACE" "$log"; then
  echo "50-screenshots: data race:"; grep -A30 "WARNING: DATA RACE" "$log" | head -40; exit 1
fi
fail=0
for name in profiles buckets objects transfers share csv-preview bucket-settings versions report-chart report-index main-scale-1.5 share-scale-1.5 settings-scale-1.5; do
  f="$dir/$name.png"
  if [ ! -s "$f" ]; then
    echo "50-screenshots: $name.png is missing or empty"; fail=1; continue
  fi
  size=$(identify -format '%wx%h' "$f")
  sd=$(convert "$f" -format '%[fx:standard_deviation]' info:)
  if ! awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }'; then
    echo "50-screenshots: $name.png ($size) looks blank: standard deviation $sd"; fail=1; continue
  fi
  echo "50-screenshots: $name.png $size, standard deviation $sd"
done
[ "$fail" -eq 0 ] || exit 1
echo "50-screenshots: ok"

#!/usr/bin/env bash
# Real transfers through the transfers panel with Fyne's real driver under
# Xvfb and the race detector: 300 files and a 20 MiB file up to versitygw and
# back. Fails on a data race or on Fyne's "Error in Fyne call thread" (a
# widget touched off the UI goroutine). See gui/transfers/transfers_real_test.go.
set -euo pipefail
: "${ROOT:?}" "${OUT:?}"
command -v xvfb-run >/dev/null || { echo "50-transfers-thread: xvfb-run is missing (apt: xvfb)"; exit 1; }
log="$OUT/transfers-thread.log"
cd "$ROOT"
rc=0
CI=true timeout 1200 xvfb-run -a -s "-screen 0 1280x800x24" \
  go test -race -tags realdriver -count=1 -timeout 900s -run TestRealDriverTransfers -v ./gui/transfers/ >"$log" 2>&1 || rc=$?
if grep -q "Error in Fyne call thread" "$log"; then
  echo "50-transfers-thread: a widget was changed off the UI goroutine:"; grep -A4 "Error in Fyne call thread" "$log" | head -20; exit 1
fi
if grep -q "WARNING: DATA RACE" "$log"; then
  echo "50-transfers-thread: data race:"; grep -A30 "WARNING: DATA RACE" "$log" | head -40; exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "50-transfers-thread: the test failed (exit $rc):"; tail -30 "$log"; exit 1
fi
if ! grep -q -- "--- PASS: TestRealDriverTransfers" "$log"; then
  echo "50-transfers-thread: TestRealDriverTransfers did not run (moved?):"; tail -10 "$log"; exit 1
fi
echo "50-transfers-thread: ok ($(grep -o 'PASS: TestRealDriverTransfers ([0-9.]*s)' "$log"))"

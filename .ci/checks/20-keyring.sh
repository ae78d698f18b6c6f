#!/usr/bin/env bash
# The profile store against the REAL OS keychain: gnome-keyring's Secret
# Service in a private D-Bus session, with a throw-away login keyring. Fails
# (never skips) when the suite does not actually run.
set -euo pipefail
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$ROOT"
export PATH="/usr/local/go/bin:$PATH"
for bin in dbus-run-session gnome-keyring-daemon secret-tool; do
  command -v "$bin" >/dev/null || { echo "20-keyring: $bin is missing (apt: dbus-x11 / gnome-keyring / libsecret-tools)"; exit 1; }
done
# gnome-keyring keeps its keyrings in $XDG_DATA_HOME/keyrings: use a fresh one
# so the check neither reads nor litters the machine's own keyring.
XDG_DATA_HOME="$(mktemp -d)"
export XDG_DATA_HOME
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
log="$XDG_DATA_HOME/keyring-test.log"
set +e
timeout 300 dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; S3DESK_REAL_KEYRING=1 go test -race -tags ci -count=1 -v -run TestRealKeyring$ ./storage/profiles/' >"$log" 2>&1
rc=$?
set -e
grep -v -e 'Failed to set fd limit' -e 'Activating service' -e 'Successfully activated' "$log" || true
if [ $rc -ne 0 ]; then
  echo "20-keyring: FAILED (exit $rc)"
  exit 1
fi
if ! grep -q -- '--- PASS: TestRealKeyring (' "$log" || grep -q -- '--- SKIP: TestRealKeyring (' "$log"; then
  echo "20-keyring: the real keychain suite did not run"
  exit 1
fi
echo "20-keyring: set, get, update, delete through gnome-keyring: ok"

# A locked collection with nobody to answer the unlock prompt: a fresh
# keyring folder and a daemon started without --unlock.
XDG_DATA_HOME="$XDG_DATA_HOME/locked"
mkdir -p "$XDG_DATA_HOME"
set +e
timeout 120 dbus-run-session -- sh -c 'gnome-keyring-daemon --start --components=secrets >/dev/null; S3DESK_REAL_KEYRING_LOCKED=1 go test -race -tags ci -count=1 -v -run RealKeyringLocked ./storage/profiles/' >"$log" 2>&1
rc=$?
set -e
grep -v -e 'Failed to set fd limit' -e 'Activating service' -e 'Successfully activated' "$log" || true
if [ $rc -ne 0 ] || ! grep -q -- '--- PASS: TestRealKeyringLocked' "$log"; then
  echo "20-keyring: the locked-keyring check FAILED or did not run (exit $rc)"
  exit 1
fi
echo "20-keyring: a locked gnome-keyring is reported (ErrKeychainUnavailable), nothing written: ok"

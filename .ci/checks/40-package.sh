#!/usr/bin/env bash
# Packaging: `fyne package -os linux` makes a .tar.xz with the binary, a
# .desktop file and the icon; its `make install` works into a DESTDIR; the
# packaged binary answers --version and starts under Xvfb.
set -euo pipefail
: "${ROOT:?}" "${OUT:?}"
cd "$ROOT"
export PATH="$(go env GOPATH)/bin:$PATH"
if ! command -v fyne >/dev/null || ! go version -m "$(command -v fyne)" | grep -q 'fyne.io/tools.*v1.7.4'; then
  (cd /tmp && GOFLAGS=-mod=mod go install fyne.io/tools/cmd/fyne@v1.7.4)
fi

work=$(mktemp -d)
# fyne package bumps Build in FyneApp.toml: put the file back afterwards so
# the checkout is never modified.
cp FyneApp.toml "$work/FyneApp.toml.orig"
# The app may still be flushing its files as it exits: retry the removal.
cleanup() {
  cp "$work/FyneApp.toml.orig" "$ROOT/FyneApp.toml"
  for _ in 1 2 3 4 5 6 7 8 9 10; do rm -rf "$work" 2>/dev/null && return 0; sleep 0.5; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/pkg"
(cd "$work/pkg" && fyne package -os linux --exe "$OUT/s3desk" --src "$ROOT")
tarball=$(ls "$work"/pkg/*.tar.xz)
echo "package: $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"

mkdir -p "$work/x"
tar -xJf "$tarball" -C "$work/x"
top="$work/x/s3desk"
desktop=$(ls "$top"/usr/local/share/applications/*.desktop)
for field in Name Exec Icon; do
  grep -q "^$field=." "$desktop" || { echo "the .desktop file has no $field:"; cat "$desktop"; exit 1; }
done
grep -q '^Name=S3 Desk$' "$desktop" || { echo "unexpected Name in $desktop"; exit 1; }
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -s "$top/usr/local/share/pixmaps/$icon.png" ] || { echo "icon $icon.png missing from the package"; exit 1; }
[ -x "$top/usr/local/bin/s3desk" ] || { echo "binary missing from the package"; exit 1; }

# make install into a staging root puts the app in a desktop menu.
make -s -C "$top" install DESTDIR="$work/root" PREFIX=/usr
for f in usr/bin/s3desk usr/share/applications/io.s3desk.app.desktop usr/share/pixmaps/io.s3desk.app.png; do
  [ -e "$work/root/$f" ] || { echo "make install did not install $f"; exit 1; }
done

bin="$work/root/usr/bin/s3desk"
# A C locale makes Fyne print "Error parsing user locale C": use a real one.
export LANG=en_US.UTF-8
ver=$("$bin" --version)
want=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
echo "--version: $ver"
case "$ver" in *"$want"*) ;; *) echo "--version does not print $want"; exit 1 ;; esac
"$bin" --help >/dev/null

# Start the packaged binary in a real (virtual) window with a fresh home.
home="$work/home"; mkdir -p "$home"
HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" XDG_CACHE_HOME="$home/.cache" \
  xvfb-run -a -s "-screen 0 1280x800x24" "$bin" --sandbox >"$work/stdout" 2>"$work/stderr" &
pid=$!
sleep 6
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the packaged app exited early"; cat "$work/stderr"; exit 1
fi
# xvfb-run's children (the app and Xvfb) outlive xvfb-run itself: stop them
# and wait until the app is really gone before its home is removed.
kids=$(pgrep -P "$pid" || true)
app=$(pgrep -f "^$bin --sandbox" || true)
kill -TERM $app $kids 2>/dev/null || true
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
for p in $app $kids; do
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
done
if grep -E "Error in Fyne call thread|panic:" "$work/stderr"; then
  echo "the packaged app reported errors"; exit 1
fi
echo "packaged app started and stopped cleanly"

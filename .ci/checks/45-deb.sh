#!/usr/bin/env bash
# The .deb from .ci/package: its contents, then what a Debian or Ubuntu user
# does: `apt-get install ./s3desk_*.deb`, `s3desk --version`, and
# `apt-get remove s3desk`, after which none of its files is left.
set -euo pipefail
: "${ROOT:?}" "${OUT:?}"
cd "$ROOT"
OUT="$OUT" bash "$ROOT/.ci/package"
cd "$OUT/pkg"
debs=(s3desk_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { echo "expected one s3desk_*.deb in $OUT/pkg: ${debs[*]}"; exit 1; }
deb=${debs[0]}
echo "checking $deb"

contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
for f in ./usr/bin/s3desk ./usr/share/applications/io.s3desk.app.desktop ./usr/share/metainfo/io.s3desk.app.metainfo.xml \
  ./usr/share/icons/hicolor/16x16/apps/io.s3desk.app.png ./usr/share/icons/hicolor/48x48/apps/io.s3desk.app.png \
  ./usr/share/icons/hicolor/256x256/apps/io.s3desk.app.png ./usr/share/icons/hicolor/512x512/apps/io.s3desk.app.png \
  ./usr/share/doc/s3desk/copyright; do
  grep -qxF "$f" <<<"$contents" || { echo "$deb lacks $f"; echo "$contents"; exit 1; }
done
depends=$(dpkg-deb --field "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libgl1 libx11-6; do
  grep -q "\b$lib\b" <<<"$depends" || { echo "Depends lacks $lib"; exit 1; }
done
if dpkg-deb --contents "$deb" | awk '{print $2}' | grep -v '^root/root$' | grep -q .; then
  echo "files not owned by root in $deb"; exit 1
fi

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
if dpkg-query -W -f='${Status}' s3desk 2>/dev/null | grep -q "install ok installed"; then
  echo "s3desk is installed already (a failed earlier run?): removing it first"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq s3desk >/dev/null
fi
removed=0
cleanup() { [ "$removed" = 1 ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq s3desk >/dev/null 2>&1 || true; }
trap cleanup EXIT

DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
installed=$(dpkg -L s3desk)
[ "$(command -v s3desk)" = /usr/bin/s3desk ] || { echo "s3desk is not /usr/bin/s3desk after install: $(command -v s3desk || echo none)"; exit 1; }
# A C locale makes Fyne print "Error parsing user locale C": use a real one.
ver=$(LANG=en_US.UTF-8 s3desk --version)
want=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' "$ROOT/FyneApp.toml")
echo "installed: $ver"
case "$ver" in *"$want"*) ;; *) echo "s3desk --version does not print $want"; exit 1 ;; esac
appstreamcli validate --no-net /usr/share/metainfo/io.s3desk.app.metainfo.xml >/dev/null

DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq s3desk >/dev/null
removed=1
if dpkg-query -W -f='${Status}' s3desk 2>/dev/null | grep -q "ok installed"; then
  echo "s3desk is still installed after apt-get remove"; exit 1
fi
left=0
while read -r f; do
  [ -f "$f" ] || [ -L "$f" ] || continue # folders such as /usr/share/icons stay
  echo "left behind: $f"; left=1
done <<<"$installed"
[ "$left" = 0 ] || exit 1
command -v s3desk >/dev/null && { echo "s3desk still on PATH"; exit 1; }
echo "the .deb installs, runs --version and removes cleanly"

#!/usr/bin/env bash
# Real-window smoke test: start the built app under Xvfb with a fresh HOME
# (so it opens on the Local sandbox), screenshot it, and check that the
# window is not blank, the Local sandbox started (its data folder exists under
# the fresh HOME), the process stays alive, stderr holds no threading error or
# panic, and that it ends cleanly on SIGTERM.
set -euo pipefail
: "${ROOT:?}" "${OUT:?}"
bin="$OUT/s3desk"
[ -x "$bin" ] || { echo "30-smoke: $bin is missing; build the app first"; exit 1; }
for tool in xvfb-run import convert; do
  command -v "$tool" >/dev/null || { echo "30-smoke: $tool is missing (apt: xvfb / imagemagick)"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
home="$work/home"
mkdir -p "$home"
shot="$OUT/smoke.png"
err="$work/stderr.txt"

# Everything the app writes goes under the fresh HOME: profiles, sandbox data,
# Fyne preferences. No keychain session: the sandbox needs none.
cat >"$work/run.sh" <<EOF
set -u
"$bin" 2>"$err" &
pid=\$!
# Wait for the main window and the sandbox instead of a fixed sleep: a loaded
# CI machine may take longer than a few seconds to start (up to 60 s each).
for i in \$(seq 1 600); do
  kill -0 \$pid 2>/dev/null || break
  xdotool search --onlyvisible --name '^S3 Desk\$' >/dev/null 2>&1 && break
  sleep 0.1
done
for i in \$(seq 1 600); do
  kill -0 \$pid 2>/dev/null || break
  [ -d "$home/.local/share/s3desk/sandbox" ] && break
  sleep 0.1
done
sleep 2 # the first listing and layout
alive=0
kill -0 \$pid 2>/dev/null && alive=1
# Retake the screenshot until the window is drawn (more than 50 colours), up to 30 s.
for i in \$(seq 1 30); do
  import -window root "$shot"
  [ "\$(convert "$shot" -format '%k' info: 2>/dev/null || echo 0)" -gt 50 ] && break
  sleep 1
done
kill -TERM \$pid 2>/dev/null
for i in \$(seq 1 150); do kill -0 \$pid 2>/dev/null || break; sleep 0.1; done
if kill -0 \$pid 2>/dev/null; then echo "not-ended"; kill -KILL \$pid; fi
wait \$pid; rc=\$?
echo "alive=\$alive rc=\$rc"
EOF
result=$(env -i PATH="$PATH" HOME="$home" LANG=en_US.UTF-8 \
  XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
  XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$work" \
  timeout 240 xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/run.sh")
echo "30-smoke: $result"

fail=0
case "$result" in *alive=1*) ;; *) echo "30-smoke: the app was not running once its window showed"; fail=1 ;; esac
case "$result" in *not-ended*) echo "30-smoke: the app did not end on SIGTERM within 15 s"; fail=1 ;; esac
rc=$(sed -n 's/.*rc=\([0-9]*\).*/\1/p' <<<"$result")
# 0 = clean exit; 143 = killed by the SIGTERM before Fyne's handler ran.
case "$rc" in 0|143) ;; *) echo "30-smoke: exit status $rc"; fail=1 ;; esac

if grep -q "Error in Fyne call thread" "$err"; then
  echo "30-smoke: a widget was changed off the UI goroutine:"; grep -A3 "Error in Fyne call thread" "$err" | head -20; fail=1
fi
if grep -qiE "^panic|goroutine [0-9]+ \[" "$err"; then
  echo "30-smoke: the app panicked:"; head -40 "$err"; fail=1
fi

if [ ! -d "$home/.local/share/s3desk/sandbox" ]; then
  echo "30-smoke: the Local sandbox was not started at launch"; fail=1
fi

[ -s "$shot" ] || { echo "30-smoke: no screenshot"; exit 1; }
sd=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
echo "30-smoke: screenshot $shot, grey standard deviation $sd"
if awk -v sd="$sd" 'BEGIN { exit !(sd < 0.02) }'; then
  echo "30-smoke: the screenshot is blank"; fail=1
fi
# The window is not only painted but laid out: count distinct colours (a
# blank or single-colour window has a handful).
colours=$(convert "$shot" -format '%k' info:)
echo "30-smoke: $colours distinct colours"
[ "$colours" -gt 50 ] || { echo "30-smoke: too few colours for a drawn window"; fail=1; }

if [ $fail -ne 0 ]; then
  echo "--- stderr of the app:"; head -60 "$err"
  exit 1
fi
echo "30-smoke: window shown, sandbox opened, no threading errors, clean exit: ok"

# Sourced by .ci/run and .ci/start: installs, idempotently, what S3 Desk's
# build and tests need on a fresh Debian machine, and puts Go (1.26) on PATH.
# Usage: source .ci/deps.sh; s3desk_deps [extra apt packages...]

s3desk_go() {
  export PATH="/usr/local/go/bin:$PATH"
  if ! command -v go >/dev/null; then
    echo "Go is missing: installing Debian's golang-go; it fetches the Go 1.26 toolchain that go.mod asks for"
    s3desk_apt golang-go ca-certificates
  fi
  # Debian's Go pins GOTOOLCHAIN=local; let it fetch the newer toolchain.
  local minor
  minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  if [ -n "$minor" ] && [ "$minor" -lt 26 ]; then
    if [ "$minor" -lt 21 ]; then
      echo "Go $(go env GOVERSION) is too old to fetch Go 1.26 by itself; install Go 1.26 from go.dev/dl" >&2
      return 1
    fi
    export GOTOOLCHAIN=go1.26.8
  fi
  export PATH="$(go env GOPATH)/bin:$PATH"
}

s3desk_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building the app needs (cgo + OpenGL + X11 headers).
S3DESK_BUILD_PKGS=(gcc libc6-dev pkg-config libgl1-mesa-dev xorg-dev)
# What .ci/package needs for the .deb: dpkg-shlibdeps (dpkg-dev) and
# appstreamcli (appstream); dpkg-deb comes with dpkg.
S3DESK_DEB_PKGS=(dpkg-dev appstream)

s3desk_deps() {
  s3desk_apt "${S3DESK_BUILD_PKGS[@]}" "$@"
  s3desk_go
}

# Chromium from Debian, for the headless-browser screenshot of a published
# report (.ci/screenshots); idempotent like the rest.
s3desk_chromium() {
  s3desk_apt chromium
}

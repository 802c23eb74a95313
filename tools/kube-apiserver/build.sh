#!/usr/bin/env bash
# Provides a real kube-apiserver v1.20.2 and etcd for the operator's tests, idempotently.
#
# No kube-apiserver is packaged for Debian 12, so it is built from bookworm's `kubernetes` source package
# (1.20.5+really1.20.2, which ships vendor/) with Debian's golang-go (1.19); etcd comes from etcd-server (3.4).
# The binary lands in ${DRAGONFLY_CACHE:-/var/cache/dragonfly}/kube-apiserver-v1.20.2/kube-apiserver, where
# Dragonfly.LocalCluster.Kubernetes.KubeApiServer looks for it. A cached binary of this script's REVISION that
# answers --version is kept.
#
# The machine's apt configuration is not changed: the deb-src entry lives in a private sources.list with
# private lists and cache directories inside the (temporary) work directory, removed at the end.
set -euo pipefail

VERSION=v1.20.2
UPSTREAM=1.20.2
CACHE_ROOT="${DRAGONFLY_CACHE:-/var/cache/dragonfly}"
DEST_DIR="$CACHE_ROOT/kube-apiserver-$VERSION"
BIN="$DEST_DIR/kube-apiserver"
# Bumped whenever this script changes what it builds: a cached binary of another revision is rebuilt.
REVISION=1
REVISION_FILE="$DEST_DIR/build-revision"
BUILD_PACKAGES=(golang-go rsync dpkg-dev make patch xz-utils)

log() { echo "deps-kube: $*"; }

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_missing() {
  local missing=() pkg
  for pkg in "$@"; do is_installed "$pkg" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

cached_version() {
  [ -x "$BIN" ] && [ "$(cat "$REVISION_FILE" 2>/dev/null)" = "$REVISION" ] && "$BIN" --version 2>/dev/null
}

# The Debian mirror this machine already uses (deb.debian.org when none is found), reused for deb-src.
debian_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | sed -n -e 's/^URIs:[[:space:]]*//p' \
             -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\([^[:space:]]\+\)[[:space:]]\+bookworm[[:space:]].*/\2/p' \
    | tr ' ' '\n' | grep -E '/debian/?$' | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# etcd is needed at test time whether or not kube-apiserver has to be built.
install_missing etcd-server
if version=$(cached_version); then
  log "$version already at $BIN"
  exit 0
fi

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.kube-apiserver-$VERSION.lock"
flock 9
if version=$(cached_version); then
  log "$version built meanwhile by another run at $BIN"
  exit 0
fi

started=$SECONDS
install_missing "${BUILD_PACKAGES[@]}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kube-apiserver-build.XXXXXX")
cleanup() { chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

log "fetching Debian's kubernetes source package"
apt_dir="$WORK/apt"
mkdir -p "$apt_dir/parts" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$WORK/src"
mirror=$(debian_mirror)
{
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main"
} >"$apt_dir/sources.list"
apt_private=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root"
)
apt-get "${apt_private[@]}" update -qq
(cd "$WORK/src" && apt-get "${apt_private[@]}" source -qq --download-only kubernetes >/dev/null)
(cd "$WORK/src" && apt-get "${apt_private[@]}" download -qq golang-github-modern-go-reflect2-dev >/dev/null)
dsc=$(ls "$WORK"/src/kubernetes_*.dsc)
case "$dsc" in
  *really"$UPSTREAM"-*) ;;
  *) echo "deps-kube: expected kubernetes ...really$UPSTREAM, got $(basename "$dsc")" >&2; exit 1 ;;
esac
log "unpacking $(basename "$dsc") (with Debian's patches)"
# gpgv cannot check the uploader's signature without debian-keyring; apt already checked the files' hashes
# against the signed Release file, so its complaint is dropped with the rest of the output unless unpacking fails.
dpkg-source -q -x "$dsc" "$WORK/src/kubernetes" >"$WORK/dpkg-source.log" 2>&1 || { cat "$WORK/dpkg-source.log" >&2; exit 1; }
cd "$WORK/src/kubernetes"

# Go 1.19 reads a wildcard replacement line (`# path => replacement`, no version) as the start of a module,
# so the package lines after it are assigned to that version-less module and the vendor check fails
# ("updates to go.mod needed"). Move such lines after the package lines of the module they interrupt.
awk '/^# [^ ]+ =>/ { w = w $0 "\n"; next } /^# / { printf "%s", w; w = "" } { print } END { printf "%s", w }' \
  vendor/modules.txt >"$WORK/modules.txt"
mv "$WORK/modules.txt" vendor/modules.txt

# The vendored github.com/modern-go/reflect2 v1.0.1 mirrors runtime map internals of Go < 1.18; built with Go 1.19,
# kube-apiserver dies with SIGSEGV in mapiterinit the first time json-iterator encodes a map (e.g. creating a
# custom resource). Debian's golang-github-modern-go-reflect2-dev is v1.0.2, which fixed that; its sources
# replace the vendored ones (same API, so json-iterator v1.1.10 builds against it unchanged).
reflect2_deb=$(ls "$WORK"/src/golang-github-modern-go-reflect2-dev_*.deb)
case "$reflect2_deb" in
  *_1.0.2-*) ;;
  *) echo "deps-kube: expected reflect2 1.0.2, got $(basename "$reflect2_deb")" >&2; exit 1 ;;
esac
dpkg-deb -x "$reflect2_deb" "$WORK/reflect2"
rm -f vendor/github.com/modern-go/reflect2/*.go vendor/github.com/modern-go/reflect2/*.s
cp "$WORK"/reflect2/usr/share/gocode/src/github.com/modern-go/reflect2/*.{go,s} vendor/github.com/modern-go/reflect2/

export PATH="/usr/lib/go/bin:$PATH" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" HOME="$WORK/home"
export CGO_ENABLED=0 GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
mkdir -p "$HOME"
log "generating OpenAPI definitions with $(go version | cut -d' ' -f3)"
make gen_openapi >"$WORK/gen_openapi.log" 2>&1 || { tail -n 30 "$WORK/gen_openapi.log" >&2; exit 1; }

log "building cmd/kube-apiserver (takes minutes on a cold cache)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=20 -X $pkg.gitTreeState=archive"
  ldflags+=" -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
done
GOFLAGS=-mod=vendor go build -trimpath -ldflags "$ldflags" -o "$WORK/kube-apiserver" ./cmd/kube-apiserver
built_version=$("$WORK/kube-apiserver" --version)
[ "$built_version" = "Kubernetes $VERSION" ] || { echo "deps-kube: built binary says '$built_version'" >&2; exit 1; }

mkdir -p "$DEST_DIR"
cp "$WORK/kube-apiserver" "$DEST_DIR/.kube-apiserver.tmp"
mv -f "$DEST_DIR/.kube-apiserver.tmp" "$BIN"
echo "$REVISION" >"$REVISION_FILE"
log "$built_version installed at $BIN in $((SECONDS - started))s"

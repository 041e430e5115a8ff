#!/usr/bin/env bash
# Installs the real VS Code extension host the @exthost tests run in (see docs/design.md, "Testing against the real parts"):
# Debian's Chromium (driven headless by playwright-core) and code-server 4.100.3 from npm, whose
# extension host is real VS Code 1.100 with the real `vscode` API. Idempotent; about 40 s and 300 MB
# the first time. The cache lives outside the repository:
#   ${SHIFTERFLOW_EXTHOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shifterflow-exthost}/code-server-4.100.3
set -euo pipefail
CODE_SERVER_VERSION=4.100.3
CACHE=${SHIFTERFLOW_EXTHOST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shifterflow-exthost}
DEST=$CACHE/code-server-$CODE_SERVER_VERSION

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-host: need root to apt-get install ${need_apt[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -x "$DEST/node_modules/code-server/out/node/entry.js" ] || [ -f "$DEST/node_modules/code-server/out/node/entry.js" ]; then
  echo "install-host: code-server $CODE_SERVER_VERSION already in $DEST"
  exit 0
fi

mkdir -p "$DEST"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# @vscode/ripgrep's postinstall downloads rg from GitHub, which is not reachable: pre-fill its download
# cache with the rg that the npm package @vscode/ripgrep-linux-x64 ships.
export TMPDIR=${TMPDIR:-/tmp}
rgcache="$TMPDIR/vscode-ripgrep-cache-1.15.11"
rgtar="$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -s "$rgtar" ]; then
  (cd "$work" && npm pack --silent @vscode/ripgrep-linux-x64@1.18.0 >/dev/null && tar xzf vscode-ripgrep-linux-x64-*.tgz)
  rg=$(find "$work/package" -type f -name rg | head -1)
  [ -n "$rg" ] || { echo "install-host: no rg in @vscode/ripgrep-linux-x64" >&2; exit 1; }
  mkdir -p "$work/rg" "$rgcache"
  cp "$rg" "$work/rg/rg" && chmod +x "$work/rg/rg"
  tar czf "$rgtar" -C "$work/rg" rg
fi
# node-pty's build step asks for confirmation unless yes=true; as root the scripts need unsafe-perm.
export npm_config_yes=true npm_config_unsafe_perm=true
cd "$DEST"
[ -f package.json ] || echo '{"name":"shifterflow-exthost","private":true}' > package.json
npm install --no-audit --no-fund --no-save --foreground-scripts=false "code-server@$CODE_SERVER_VERSION" >"$work/npm.log" 2>&1 || { tail -40 "$work/npm.log" >&2; echo "install-host: npm install code-server failed" >&2; exit 1; }
node -e "require('$DEST/node_modules/code-server/lib/vscode/node_modules/node-pty')" || { echo "install-host: code-server's node-pty does not load" >&2; exit 1; }
echo "install-host: code-server $CODE_SERVER_VERSION installed in $DEST"

#!/bin/bash
# setup-code-server.sh DEST — installs code-server (VS Code 1.100.3, the newest release for Node 20) into DEST
# without network access beyond the npm registry, for the editor-host tests (test/e2e/run-code-server.mjs).
#
# code-server's own postinstall.sh cannot run offline: @vscode/ripgrep downloads rg from GitHub. This script
# does the same steps by hand with Debian's ripgrep instead (../shared/EDITOR-HOST.md §2b).
# Needs once per machine: apt-get install -y chromium ripgrep libkrb5-dev   (g++, make, python3 for node-gyp).
#
# Idempotent: when DEST already holds a working install of the pinned version it does nothing.
set -euo pipefail

CS_VER=${CS_VER:-4.100.3}
DEST=${1:?usage: setup-code-server.sh DEST}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
MARKER="$DEST/.mm-review-code-server-$CS_VER"
ENTRY="$DEST/node_modules/code-server/out/node/entry.js"

# The marker is written last, so a half-finished install is redone; --version proves the install still runs.
if [ -f "$MARKER" ] && [ -f "$ENTRY" ] && node "$ENTRY" --version 2>/dev/null | grep -q "^$CS_VER "; then
  echo "code-server $CS_VER already installed in $DEST"
  exit 0
fi
rm -f "$MARKER"

for tool in rg g++ make python3; do
  command -v "$tool" >/dev/null || { echo "setup-code-server: '$tool' is missing (apt-get install -y ripgrep libkrb5-dev build-essential python3)" >&2; exit 1; }
done

# node-pty's install script runs `npx node-gyp`; an npmrc with yes=false would cancel it.
export npm_config_yes=true
cd "$DEST"
[ -f package.json ] || echo '{"name":"mm-review-code-server-host","private":true}' > package.json

npm install --no-save --no-audit --no-fund "code-server@$CS_VER" --ignore-scripts   # skips the online postinstall.sh
npm rebuild argon2                           # its prebuilt download fails offline; node-gyp builds it from source

cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --no-audit --no-fund
mkdir -p node_modules/@vscode/ripgrep/bin   # ripgrep's postinstall does nothing when bin/ exists
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild                                  # node-pty, @vscode/spdlog, kerberos, native-watchdog, ...

# The rest of code-server's postinstall.sh.
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --no-audit --no-fund)

node "$ENTRY" --version | grep -q "^$CS_VER " || { echo "setup-code-server: the installed code-server does not run" >&2; exit 1; }
date -u +%FT%TZ > "$MARKER"
echo "code-server $CS_VER installed in $DEST"

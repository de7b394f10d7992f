#!/bin/bash
# Installs the Debian packages the tests need (run as root; CI and fresh machines):
#   chromium, ripgrep, libkrb5-dev  the offline code-server editor host and its UI check (test/e2e)
#   neovim                          the second real LSP client (test/nvim)
#   spin                            the SPIN model checker the simulator is cross-checked against (test/core/sim)
#   unzip                           lists the packaged .vsix (test/lsp/package.test.ts)
# Skips packages already installed, so a second run costs nothing.
set -euo pipefail
packages=(chromium ripgrep libkrb5-dev neovim spin build-essential python3 unzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test tools: all installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "test tools: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

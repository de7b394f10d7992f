#!/usr/bin/env bash
# Fetches scripts/checkpatch.pl (and the two data files it reads) from Debian's linux-source-6.12 package into
# .cache/checkpatch/ (gitignored), for the benchmark's anchor. Needs apt (no root: `apt-get download` only
# downloads) and network access to the Debian mirror; about 150 MB downloaded once, 3 files kept.
set -euo pipefail
dest=${1:-"$(dirname "$0")/../.cache/checkpatch"}
if [ -f "$dest/scripts/checkpatch.pl" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fresh machine has no package lists yet ("Couldn't find any package"): as root, fetch them once and retry.
if ! (cd "$work" && apt-get download linux-source-6.12 >&2); then
  [ "$(id -u)" = 0 ] || { echo "fetch-checkpatch: apt-get download failed; run 'apt-get update' as root first" >&2; exit 1; }
  apt-get update -qq >&2
  (cd "$work" && apt-get download linux-source-6.12 >&2)
fi
mkdir -p "$dest"
# The .deb holds usr/src/linux-source-6.12.tar.xz; stream it and keep only what checkpatch.pl opens.
dpkg-deb --fsys-tarfile "$work"/linux-source-6.12_*.deb | tar -xO ./usr/src/linux-source-6.12.tar.xz |
  tar -xJ -C "$dest" --strip-components=1 \
    linux-source-6.12/scripts/checkpatch.pl linux-source-6.12/scripts/spelling.txt linux-source-6.12/scripts/const_structs.checkpatch
dpkg-deb -f "$work"/linux-source-6.12_*.deb Version > "$dest/VERSION"

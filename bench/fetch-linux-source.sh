#!/usr/bin/env bash
# usage: fetch-linux-source.sh VERSION DEST PATTERN...
# Extracts the files of Debian's linux-source-VERSION package matching the tar PATTERNs (paths inside the
# kernel tree, e.g. 'mm/*.c' Makefile) into DEST, and writes the package's version to DEST/DEBIAN-VERSION.
# The .deb (about 150 MB) is downloaded once into .cache/debian/ with `apt-get download` (no root needed;
# as root, a fresh machine's package lists are fetched first). Nothing is done when DEST already has them
# (a stamp per set of patterns: asking for more paths later extracts them).
set -euo pipefail
version=$1 dest=$2
shift 2
stamp="$dest/.fetched-$(printf '%s\n' "$@" | sort | md5sum | cut -c1-12)"
[ -f "$stamp" ] && exit 0
debs=$(cd "$(dirname "$0")/.." && pwd)/.cache/debian
mkdir -p "$debs"
deb() { ls "$debs"/linux-source-"$version"_*.deb 2>/dev/null | head -n 1; }
if [ -z "$(deb)" ]; then
  if ! (cd "$debs" && apt-get download "linux-source-$version" >&2); then
    [ "$(id -u)" = 0 ] || { echo "fetch-linux-source: apt-get download failed; run 'apt-get update' as root first" >&2; exit 1; }
    apt-get update -qq >&2
    (cd "$debs" && apt-get download "linux-source-$version" >&2)
  fi
fi
mkdir -p "$dest"
# The .deb holds usr/src/linux-source-VERSION.tar.xz; stream it and keep only the paths asked for.
prefixed=()
for p in "$@"; do prefixed+=("linux-source-$version/$p"); done
dpkg-deb --fsys-tarfile "$(deb)" | tar -xO "./usr/src/linux-source-$version.tar.xz" |
  tar -xJ -C "$dest" --strip-components=1 --wildcards "${prefixed[@]}"
dpkg-deb -f "$(deb)" Version > "$dest/DEBIAN-VERSION"
touch "$stamp"

#!/usr/bin/env bash
# Fetches scripts/checkpatch.pl (and the two data files it reads) from Debian's linux-source-6.12 package into
# .cache/checkpatch/ (gitignored), for the benchmark's anchor.
set -euo pipefail
dest=${1:-"$(dirname "$0")/../.cache/checkpatch"}
bash "$(dirname "$0")/fetch-linux-source.sh" 6.12 "$dest" \
  scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
# The anchor reads the version from VERSION.
cp "$dest/DEBIAN-VERSION" "$dest/VERSION"

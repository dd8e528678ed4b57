#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every file with a translatable string is listed in po/POTFILES.in, and
# every listed file exists.  Prints TAP.
set -u

srcdir=${1:?usage: check-potfiles.sh SOURCE_ROOT}
cd "$srcdir" || exit 1

listed=$(mktemp)
found=$(mktemp)
trap 'rm -f "$listed" "$found"' EXIT

grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort > "$listed"

{
  grep -rlE '\b(N?C?_|ngettext|g_dngettext)[[:space:]]*\(' src --include='*.c'
  grep -rl 'translatable="yes"' src data --include='*.ui' --include='*.xml' --include='*.in'
  ls data/*.desktop.in.in data/*.metainfo.xml.in.in
  grep -l '<summary>' data/*.gschema.xml
} | sort -u > "$found"

echo "1..3"

missing=$(comm -13 "$listed" "$found")
if [ -z "$missing" ]; then
  echo "ok 1 - every file with translatable strings is in POTFILES.in"
else
  echo "not ok 1 - missing from po/POTFILES.in:"
  echo "$missing" | sed 's/^/#   /'
fi

gone=""
while read -r file; do
  [ -f "$file" ] || gone="$gone $file"
done < "$listed"
if [ -z "$gone" ]; then
  echo "ok 2 - every file in POTFILES.in exists"
else
  echo "not ok 2 - listed but not found:$gone"
fi

if sort -c "$listed" 2>/dev/null && grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort -C; then
  echo "ok 3 - POTFILES.in is sorted"
else
  echo "not ok 3 - POTFILES.in is not sorted"
fi

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `meson install` puts every file a desktop needs in place.  Prints TAP.
set -u

builddir=${1:?usage: check-install.sh BUILD_ROOT PREFIX APP_ID}
prefix=${2:?prefix}
app_id=${3:?app id}
destdir=$(mktemp -d)
trap 'rm -rf "$destdir"' EXIT

if ! meson install -C "$builddir" --no-rebuild --destdir "$destdir" > "$destdir.log" 2>&1; then
  echo "Bail out! meson install failed"
  sed 's/^/# /' "$destdir.log"
  rm -f "$destdir.log"
  exit 1
fi
rm -f "$destdir.log"

root="$destdir$prefix"
set -- \
  "bin/tincan" \
  "bin/tincan-cli" \
  "share/applications/$app_id.desktop" \
  "share/metainfo/$app_id.metainfo.xml" \
  "share/glib-2.0/schemas/io.github.tincan.TinCan.gschema.xml" \
  "share/icons/hicolor/scalable/apps/$app_id.svg" \
  "share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
  "share/locale/de/LC_MESSAGES/tincan.mo"

echo "1..$#"
i=0
for file in "$@"; do
  i=$((i + 1))
  if [ -s "$root/$file" ]; then
    echo "ok $i - $file"
  else
    echo "not ok $i - $file is not installed"
  fi
done

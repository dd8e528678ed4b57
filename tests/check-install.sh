#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `meson install` puts every file a desktop needs in place.  Prints TAP.
set -u

builddir=${1:?usage: check-install.sh BUILD_ROOT PREFIX APP_ID [SYSCONFDIR]}
prefix=${2:?prefix}
app_id=${3:?app id}
sysconfdir=${4:-$prefix/etc}
destdir=$(mktemp -d)
trap 'rm -rf "$destdir"' EXIT

if ! meson install -C "$builddir" --no-rebuild --destdir "$destdir" > "$destdir.log" 2>&1; then
  echo "Bail out! meson install failed"
  sed 's/^/# /' "$destdir.log"
  rm -f "$destdir.log"
  exit 1
fi
rm -f "$destdir.log"

# Under the prefix, but the ufw profile goes where ufw looks, in the
# sysconfdir: /etc for a prefix of /usr.
set -- \
  "$prefix/bin/tincan" \
  "$prefix/bin/tincan-cli" \
  "$prefix/share/applications/$app_id.desktop" \
  "$prefix/share/metainfo/$app_id.metainfo.xml" \
  "$prefix/share/glib-2.0/schemas/io.github.tincan.TinCan.gschema.xml" \
  "$prefix/share/icons/hicolor/scalable/apps/$app_id.svg" \
  "$prefix/share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
  "$prefix/share/locale/de/LC_MESSAGES/tincan.mo" \
  "$prefix/lib/firewalld/services/tincan.xml" \
  "$sysconfdir/ufw/applications.d/tincan"

echo "1..$#"
i=0
for file in "$@"; do
  i=$((i + 1))
  if [ -s "$destdir$file" ]; then
    echo "ok $i - $file"
  else
    echo "not ok $i - $file is not installed"
  fi
done

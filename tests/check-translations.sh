#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every language in po/LINGUAS translates every current string, with no
# fuzzy entries and format strings that match.  Prints TAP.
set -u

srcdir=${1:?usage: check-translations.sh SOURCE_ROOT}
cd "$srcdir" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The same keywords as Meson's "glib" preset for i18n.gettext().
xgettext --package-name=tincan --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --flag=g_strdup_printf:1:c-format --flag=g_set_error:4:c-format \
  --flag=g_printerr:1:c-format \
  --files-from=po/POTFILES.in --directory=. --output="$work/tincan.pot" \
  2> "$work/xgettext.log" || {
  echo "Bail out! xgettext failed"
  sed 's/^/# /' "$work/xgettext.log"
  exit 1
}

sed -i 's/charset=CHARSET/charset=UTF-8/' "$work/tincan.pot"

langs=$(grep -v '^#' po/LINGUAS)
n=0
for lang in $langs; do n=$((n + 1)); done
echo "1..$n"

i=0
for lang in $langs; do
  i=$((i + 1))
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$work/tincan.pot" -o "$work/$lang.po" \
    2> "$work/msgmerge.log" || sed 's/^/# /' "$work/msgmerge.log"
  stats=$(msgfmt --check --statistics -o /dev/null "$work/$lang.po" 2>&1)
  status=$?
  if [ $status -eq 0 ] && ! echo "$stats" | grep -qE 'untranslated|fuzzy'; then
    echo "ok $i - $lang: $stats"
  else
    echo "not ok $i - $lang is incomplete or invalid"
    echo "$stats" | sed 's/^/#   /'
    msgattrib --untranslated --no-obsolete "$work/$lang.po" | grep '^msgid' | sed 's/^/#   /'
  fi
done

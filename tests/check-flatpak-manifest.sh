#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Flatpak manifest parses, and Meson accepts the options it builds
# Tin Can with.  Prints TAP.
set -u

srcdir=${1:?usage: check-flatpak-manifest.sh SOURCE_ROOT}
manifest="$srcdir/flatpak/io.github.tincan.TinCan.json"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "1..3"

if flatpak-builder --show-manifest "$manifest" > "$work/manifest.json" 2> "$work/err"; then
  echo "ok 1 - flatpak-builder parses the manifest"
else
  echo "not ok 1 - flatpak-builder cannot parse the manifest"
  sed 's/^/#   /' "$work/err"
fi

# The options of the module built from this tree.
if python3 - "$manifest" > "$work/opts" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
assert manifest["command"] == "tincan", manifest["command"]
for module in manifest["modules"]:
    if isinstance(module, dict) and module.get("name") == "tincan":
        assert module["buildsystem"] == "meson"
        for opt in module.get("config-opts", []):
            print(opt)
        break
else:
    sys.exit("no tincan module")
PY
then
  echo "ok 2 - the manifest builds tincan with Meson"
else
  echo "not ok 2 - the manifest has no Meson module named tincan"
fi

# shellcheck disable=SC2046
if meson setup $(cat "$work/opts") "$work/build" "$srcdir" > "$work/setup.log" 2>&1; then
  echo "ok 3 - meson setup accepts:" $(cat "$work/opts")
else
  echo "not ok 3 - meson setup refuses the manifest's options"
  tail -n 20 "$work/setup.log" | sed 's/^/#   /'
fi

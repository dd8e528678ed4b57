#!/bin/sh
set -e
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Made tests/data/history-v3.sqlite with the tincan-cli of commit 6c4ada9
# (schema version 3).  Run from an empty folder; loopback only.
CLI=${CLI:-_build/src/cli/tincan-cli}
export XDG_DATA_HOME=$PWD/xdg
PA=47231; PB=47232
H=$PWD/history-v3.sqlite
# B receives two from A
$CLI --json --identity b.key -l $PB -c 2 -t 20 127.0.0.1:$PA > b1.out 2>&1 &
BP=$!; sleep 0.5
$CLI --json --identity a.key --history $H -l $PA -t 15 -s "Hello from A" 127.0.0.1:$PB > a1.out 2>&1
$CLI --json --identity a.key --history $H -l $PA -t 15 -s "Ünïcödé: café, naïve, 日本語, ✓
and a second line" 127.0.0.1:$PB > a2.out 2>&1
wait $BP
# A receives two from B
$CLI --json --identity a.key --history $H -l $PA -c 2 -t 20 127.0.0.1:$PB > a3.out 2>&1 &
AP=$!; sleep 0.5
$CLI --json --identity b.key -l $PB -t 15 -s "Reply from B" 127.0.0.1:$PA > b2.out 2>&1
$CLI --json --identity b.key -l $PB -t 15 -s "Réponse deux — ça marche" 127.0.0.1:$PA > b3.out 2>&1
wait $AP
# B gone: A's message waits
$CLI --json --identity a.key --history $H -l $PA -t 3 -s "Queued while B is away" 127.0.0.1:$PB > a4.out 2>&1 || echo "a4 exit $?"
sqlite3 "$H" "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);"

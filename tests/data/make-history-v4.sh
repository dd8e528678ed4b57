#!/bin/sh
set -e
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Made tests/data/history-v4.sqlite with the tincan-cli of commit 4f3ade3
# (files-base, the last schema version 4).  Run from an empty folder;
# loopback only.
CLI=${CLI:-_build/src/cli/tincan-cli}
export XDG_DATA_HOME=$PWD/xdg
PA=47241; PB=47242; PC=47243
H=$PWD/history-v4.sqlite
# B receives two from A
$CLI --json --no-discovery --identity b.key -l $PB -c 2 -t 20 127.0.0.1:$PA > b1.out 2>&1 &
BP=$!; sleep 0.5
$CLI --json --no-discovery --identity a.key --history $H -l $PA -t 15 -s "Hello from A" 127.0.0.1:$PB > a1.out 2>&1
$CLI --json --no-discovery --identity a.key --history $H -l $PA -t 15 -s "Ünïcödé: café, naïve, 日本語, ✓
and a second line" 127.0.0.1:$PB > a2.out 2>&1
wait $BP
# A receives one from B
$CLI --json --no-discovery --identity a.key --history $H -l $PA -c 1 -t 20 127.0.0.1:$PB > a3.out 2>&1 &
AP=$!; sleep 0.5
$CLI --json --no-discovery --identity b.key -l $PB -t 15 -s "Reply from B" 127.0.0.1:$PA > b2.out 2>&1
wait $AP
# C receives one from A (the cli files it under the same, first person)
$CLI --json --no-discovery --identity c.key -l $PC -c 1 -t 20 127.0.0.1:$PA > c1.out 2>&1 &
CP=$!; sleep 0.5
$CLI --json --no-discovery --identity a.key --history $H -l $PA -t 15 -s "Hello C" 127.0.0.1:$PC > a4.out 2>&1
wait $CP
# B gone: A's message waits
$CLI --json --no-discovery --identity a.key --history $H -l $PA -t 3 -s "Queued while B is away" 127.0.0.1:$PB > a5.out 2>&1 || echo "a5 exit $?"
sqlite3 "$H" "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);"

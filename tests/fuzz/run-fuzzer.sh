#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-fuzzer.sh FUZZER SEEDS WORKDIR SECONDS
#
# Runs a libFuzzer target for SECONDS from the seed corpus, writing what
# it finds to WORKDIR (never into the source tree).  Exits non-zero on a
# crash, a leak or a sanitizer report; the input is saved in WORKDIR.
# TINCAN_FUZZ_SECONDS overrides SECONDS.
set -eu

fuzzer=$1
seeds=$2
workdir=$3
seconds=${TINCAN_FUZZ_SECONDS:-$4}

mkdir -p "$workdir"
cd "$workdir"
# libFuzzer exits with 77 on a crash by default, which Meson reads as a
# skipped test: 1 makes it a failure.
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -error_exitcode=1 -print_final_stats=1 "$workdir" "$seeds"

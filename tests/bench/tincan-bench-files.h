/* tincan-bench-files.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GArray *tcp_s;        /* seconds, one per round */
  GArray *tls_s;
  GArray *file_s;
  GArray *rss_mib;      /* the receiver's peak above its idle RSS, MiB */
} TincanBenchFiles;

void tincan_bench_files_run   (TincanBenchFiles *runs,
                               const char       *cli,
                               gsize             size,
                               guint             rounds);
void tincan_bench_files_clear (TincanBenchFiles *runs);

G_END_DECLS

/* tincan-bench-text.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GHashTable *tincan_bench_text_run   (const char *bench,
                                     guint       repeats);
int         tincan_bench_text_probe (const char *what);

G_END_DECLS

/* tincan-bench-tls.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TincanBenchTls TincanBenchTls;

TincanBenchTls *tincan_bench_tls_start           (gsize           record_length,
                                                  gsize           bulk_length);
double          tincan_bench_tls_handshake       (TincanBenchTls *self);
double          tincan_bench_tls_bulk            (TincanBenchTls *self,
                                                  const guint8   *payload);
double          tincan_bench_tls_copy_file       (TincanBenchTls *self,
                                                  const char     *source,
                                                  const char     *target,
                                                  gsize           size);
const char     *tincan_bench_tls_get_description (TincanBenchTls *self);
void            tincan_bench_tls_stop            (TincanBenchTls *self);

G_END_DECLS

/* tincan-bench-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the benchmarks and their baselines share: the clock, loopback
 * sockets, peer processes that die with the benchmark, whole reads and
 * writes.
 */

#pragma once

#include <glib.h>
#include <netinet/in.h>
#include <sys/types.h>

G_BEGIN_DECLS

double             tincan_bench_now_us           (void);
int                tincan_bench_loopback_socket  (int       type,
                                                  guint16  *port);
struct sockaddr_in tincan_bench_loopback_address (guint16   port);
void               tincan_bench_set_timeout      (int       fd,
                                                  int       seconds);
int                tincan_bench_tcp_connect      (guint16   port);
pid_t              tincan_bench_fork_child       (void);
void               tincan_bench_stop_child       (pid_t     child);
gboolean           tincan_bench_read_all         (int       fd,
                                                  guint8   *buffer,
                                                  gsize     length);
gboolean           tincan_bench_write_all        (int           fd,
                                                  const guint8 *buffer,
                                                  gsize         length);

G_END_DECLS

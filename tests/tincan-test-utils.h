/* tincan-test-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bounded waits on the main loop, loopback ports and temporary folders,
 * for the tests.
 */

#pragma once

#include <gio/gio.h>

#include "tincan-link-private.h"

G_BEGIN_DECLS

#define TINCAN_TEST_WAIT_LIMIT (20 * G_USEC_PER_SEC)

gboolean tincan_test_wait_for    (gboolean (*condition) (gpointer),
                                  gpointer   data);
gboolean tincan_test_wait_for_length (GPtrArray *array,
                                      guint      n);
void     tincan_test_run_for     (guint      ms);
guint16  tincan_test_unused_port (void);
void     tincan_test_remove_tree (const char *path);
void     tincan_test_fill_history (const char *path,
                                  guint       n);
void     tincan_test_fill_person (const char *path,
                                  gint64      person,
                                  guint       n);
void     tincan_test_send_later  (TincanLink   *link,
                                  const guint8 *datagram,
                                  gsize         length,
                                  guint         ms);

G_END_DECLS

/* tincan-link-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seams for the tests and fuzzers: a filter on every datagram the link
 * sends (to drop, duplicate or delay it), a way to send raw bytes to the
 * peer, a shorter give-up time, a description of its state for a test
 * that failed, and the datagram size its probing found.
 */

#pragma once

#include "tincan-link.h"

G_BEGIN_DECLS

/* Returns %TRUE to send the datagram as it is, %FALSE to swallow it. */
typedef gboolean (*TincanLinkFilter) (TincanLink   *link,
                                      const guint8 *datagram,
                                      gsize         length,
                                      gpointer      user_data);

void tincan_link_set_filter        (TincanLink       *self,
                                    TincanLinkFilter  filter,
                                    gpointer          user_data);
void tincan_link_send_raw          (TincanLink       *self,
                                    const guint8     *datagram,
                                    gsize             length);
void tincan_link_set_give_up_time  (TincanLink       *self,
                                    gint64            usec);
char *tincan_link_describe         (TincanLink       *self);
guint tincan_link_get_datagram_size (TincanLink      *self);

G_END_DECLS

/* tincan-link-seams.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test seams of tincan-link-private.h: for the tests and fuzzers
 * only, never called by the app.
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include "tincan-link-internal.h"

void
tincan_link_set_filter (TincanLink       *self,
                        TincanLinkFilter  filter,
                        gpointer          user_data)
{
  g_return_if_fail (TINCAN_IS_LINK (self));

  self->filter = filter;
  self->filter_data = user_data;
}

void
tincan_link_send_raw (TincanLink   *self,
                      const guint8 *datagram,
                      gsize         length)
{
  TincanLinkFilter filter;

  g_return_if_fail (TINCAN_IS_LINK (self));

  TincanPacket packet;

  filter = self->filter;
  self->filter = NULL;

  /* What a filter sees is the packet before it is sealed: sealed again,
   * with a new counter, it is a copy the network made, not a replay.
   */
  if (tincan_wire_decode (datagram, length, &packet) == TINCAN_WIRE_OK
      && packet.type > TINCAN_PACKET_HELLO && packet.type < TINCAN_PACKET_HANDSHAKE_INIT)
    tincan_link_send_sealed (self, datagram, length, NULL, 0, NULL);
  else
    tincan_link_send_datagram (self, datagram, length, NULL, 0);

  self->filter = filter;
}

/* The biggest DATA datagram the path is known to carry. */
guint
tincan_link_get_datagram_size (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return tincan_path_probe_get_datagram_size (self->probe);
}

void
tincan_link_set_give_up_time (TincanLink *self,
                              gint64      usec)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (usec > 0);

  tincan_sender_set_give_up_time (self->sender, usec);
}

/**
 * tincan_link_describe:
 * @self: a #TincanLink
 *
 * Returns: (transfer full): the sending and receiving state, for a test
 *   that failed to say where things stood
 */
char *
tincan_link_describe (TincanLink *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  tincan_receiver_describe (self->receiver, text);
  g_string_append_printf (text, "; presence %d; datagram size %u\n",
                          tincan_presence_tracker_get (self->presence),
                          tincan_path_probe_get_datagram_size (self->probe));
  g_string_append_printf (text, "  received %" G_GUINT64_FORMAT " sent %" G_GUINT64_FORMAT
                          " stale %" G_GUINT64_FORMAT " malformed %" G_GUINT64_FORMAT
                          " duplicates %" G_GUINT64_FORMAT " out-of-window %" G_GUINT64_FORMAT
                          " foreign %" G_GUINT64_FORMAT " acks %" G_GUINT64_FORMAT
                          " send-errors %" G_GUINT64_FORMAT "\n  ",
                          self->stats.datagrams_received, self->stats.datagrams_sent,
                          self->stats.stale, self->stats.malformed, self->stats.duplicates,
                          self->stats.out_of_window, self->stats.foreign,
                          self->stats.acks_sent, self->stats.send_errors);
  tincan_sender_describe (self->sender, text);
  g_string_append_c (text, '\n');

  return g_string_free (text, FALSE);
}

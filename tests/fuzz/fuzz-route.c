/* fuzz-route.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: one datagram through the port's routing parser,
 * tincan_port_parse_session(), which reads a header no further than it
 * must to find the receiver session.  It must never read past the
 * datagram, must name a session only for the three packets that carry
 * one (sealed, REPLY, FINISH) and only for version 4, and must agree
 * with the wire decoder on every such packet the decoder accepts.
 */

#include "config.h"

#include <string.h>

#include "tincan-port-private.h"
#include "tincan-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  /* A copy of exactly its size, so that ASan sees a read past the end
   * (never NULL, though, as no datagram read is: not even an empty one).
   */
  g_autofree guint8 *copy = g_malloc (MAX (size, 1));
  TincanPacket packet;
  guint64 session = 0;
  gboolean routed;

  if (size > 0)
    memcpy (copy, data, size);
  routed = tincan_port_parse_session (copy, size, &session);

  if (routed)
    {
      g_assert (size >= TINCAN_WIRE_HEADER_SIZE);
      g_assert (copy[0] == 'T' && copy[1] == 'C' && copy[2] == TINCAN_WIRE_VERSION);
      g_assert (copy[3] == TINCAN_PACKET_SEALED
                || copy[3] == TINCAN_PACKET_HANDSHAKE_REPLY
                || copy[3] == TINCAN_PACKET_HANDSHAKE_FINISH);
      g_assert (session != 0);
    }

  if (tincan_wire_decode (copy, size, &packet) == TINCAN_WIRE_OK
      && (packet.type == TINCAN_PACKET_SEALED
          || packet.type == TINCAN_PACKET_HANDSHAKE_REPLY
          || packet.type == TINCAN_PACKET_HANDSHAKE_FINISH))
    {
      g_assert (routed);
      g_assert (session == packet.receiver_session);
    }

  return 0;
}

/* fuzz-wire.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: one datagram through the wire decoder.  Whatever it
 * accepts must be within the limits, and must encode back to the same
 * bytes.  A sealed packet is only a header and bytes, opened elsewhere
 * (fuzz-handshake.c): it has no encoding of its own to compare.
 */

#include "config.h"

#include <string.h>

#include "tincan-wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static guint8 again[TINCAN_WIRE_MAX_DATAGRAM];
  TincanPacket packet;
  gsize length;

  if (tincan_wire_decode (data, size, &packet) != TINCAN_WIRE_OK)
    return 0;

  g_assert (size <= TINCAN_WIRE_MAX_DATAGRAM);

  switch (packet.type)
    {
    case TINCAN_PACKET_DATA:
      g_assert (packet.data.message_length > 0);
      g_assert (packet.data.message_length <= TINCAN_WIRE_MAX_MESSAGE);
      g_assert (packet.data.fragment_index < packet.data.fragment_count);
      g_assert (packet.data.fragment_count <= TINCAN_WIRE_MAX_FRAGMENTS);
      g_assert (packet.data.payload_length <= packet.data.fragment_size);
      g_assert (packet.data.payload + packet.data.payload_length == data + size);
      g_assert (packet.data.message_id != 0);
      break;

    case TINCAN_PACKET_ACK:
      g_assert (packet.ack.n_ranges <= TINCAN_WIRE_MAX_ACK_RANGES);
      break;

    case TINCAN_PACKET_HELLO:
      g_assert (g_utf8_validate (packet.hello.name, -1, NULL));
      break;

    case TINCAN_PACKET_PING:
    case TINCAN_PACKET_PONG:
      g_assert (packet.ping.size == size);
      break;

    case TINCAN_PACKET_BYE:
      g_assert (size == TINCAN_WIRE_HEADER_SIZE);
      g_assert (packet.receiver_session != 0);
      break;

    case TINCAN_PACKET_HANDSHAKE_INIT:
    case TINCAN_PACKET_HANDSHAKE_REPLY:
    case TINCAN_PACKET_HANDSHAKE_FINISH:
      g_assert (size == (packet.type == TINCAN_PACKET_HANDSHAKE_FINISH
                         ? TINCAN_WIRE_HANDSHAKE_FINISH_SIZE : TINCAN_WIRE_HANDSHAKE_REPLY_SIZE));
      g_assert (packet.handshake.message == data + TINCAN_WIRE_HEADER_SIZE);
      g_assert (packet.handshake.length == size - TINCAN_WIRE_HEADER_SIZE);
      break;

    case TINCAN_PACKET_SEALED:
      g_assert (packet.receiver_session != 0);
      g_assert (packet.sealed.phase <= 1);
      g_assert (packet.sealed.ciphertext == data + TINCAN_WIRE_HEADER_SIZE);
      g_assert (packet.sealed.length == size - TINCAN_WIRE_HEADER_SIZE);
      g_assert (packet.sealed.length >= TINCAN_WIRE_TAG_SIZE + TINCAN_WIRE_HEADER_SIZE);
      return 0;

    default:
      g_assert_not_reached ();
    }

  /* HELLO and probe padding is not kept, so only the meaningful part
   * compares.
   */
  length = tincan_wire_encode (&packet, again, sizeof again);
  if (packet.type == TINCAN_PACKET_HELLO)
    g_assert (memcmp (again, data, TINCAN_WIRE_HEADER_SIZE + 6 + TINCAN_WIRE_IDENTITY_SIZE
                      + strlen (packet.hello.name)) == 0);
  else
    {
      g_assert (length == size);
      g_assert (memcmp (again, data, packet.type == TINCAN_PACKET_PING ? TINCAN_WIRE_PING_SIZE : size) == 0);
    }

  return 0;
}

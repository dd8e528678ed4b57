/* fuzz-link.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: a run of datagrams from the peer's address through a
 * real TincanLink, reassembly, ACKs and all.
 *
 * The input is a sequence of records: a two-byte big-endian length, then
 * that many bytes.  The link first meets a peer with a fixed session; in
 * every record that claims to be Tin Can, the session fields are set to
 * that peer's and the link's own, so the fuzzer spends its time past the
 * session checks, in the parts worth breaking.  Answers go to a loopback
 * port nobody listens on.
 */

#include "config.h"

#include <string.h>

#include "tincan-link-private.h"
#include "tincan-wire.h"

#define PEER_SESSION G_GUINT64_CONSTANT (0x5eed5eed5eed5eed)

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
put_u64 (guint8  *p,
         guint64  value)
{
  for (int i = 7; i >= 0; i--, value >>= 8)
    p[i] = value & 0xff;
}

static gsize received;

static void
on_received_cb (TincanLink    *link,
                TincanMessage *message,
                gpointer       user_data)
{
  const char *text = tincan_message_get_text (message);

  g_assert (g_utf8_validate (text, -1, NULL));
  g_assert (strlen (text) <= TINCAN_WIRE_MAX_MESSAGE);
  received++;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(TincanLink) link = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (loopback, 40000);
  TincanPacket hello = { 0 };
  guint8 buffer[TINCAN_WIRE_MAX_DATAGRAM + 1024];
  gsize length;

  link = tincan_link_new (0, TINCAN_MODE_RELIABLE, NULL);
  g_assert (link != NULL);
  g_signal_connect (link, "message-received", G_CALLBACK (on_received_cb), NULL);
  tincan_link_set_peer (link, "127.0.0.1", 9);

  hello.type = TINCAN_PACKET_HELLO;
  hello.sender_session = PEER_SESSION;
  hello.hello.identity[0] = 0xf0;
  hello.hello.receive_window = 65536;
  strcpy (hello.hello.name, "fuzz");
  length = tincan_wire_encode (&hello, buffer, sizeof buffer);
  tincan_link_receive_datagram (link, from, buffer, length);

  while (size >= 2)
    {
      gsize record = MIN ((gsize) ((data[0] << 8) | data[1]), size - 2);

      data += 2;
      size -= 2;
      record = MIN (record, sizeof buffer);
      memcpy (buffer, data, record);

      if (record >= TINCAN_WIRE_HEADER_SIZE && buffer[0] == 'T' && buffer[1] == 'C')
        {
          put_u64 (buffer + 6, PEER_SESSION);
          put_u64 (buffer + 14, tincan_link_get_session_id (link));
        }

      tincan_link_receive_datagram (link, from, buffer, record);

      data += record;
      size -= record;
    }

  g_assert (tincan_link_get_stats (link)->datagrams_received >= 1);

  return 0;
}

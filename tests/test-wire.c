/* test-wire.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wire codec: what it encodes decodes to the same packet, and every
 * rule of docs/PROTOCOL.md that refuses a datagram refuses it here.
 */

#include "config.h"

#include <string.h>

#include "tincan-wire.h"

#define SESSION_A G_GUINT64_CONSTANT (0x0123456789abcdef)
#define SESSION_B G_GUINT64_CONSTANT (0xfedcba9876543210)

/* Big enough for every packet but a big DATA or probe. */
typedef struct
{
  guint8 bytes[TINCAN_WIRE_BASE_DATAGRAM + 64];
  gsize  length;
} Datagram;

static void
encode (const TincanPacket *packet,
        Datagram           *datagram)
{
  memset (datagram, 0, sizeof *datagram);
  datagram->length = tincan_wire_encode (packet, datagram->bytes, sizeof datagram->bytes);
  g_assert_cmpuint (datagram->length, >=, TINCAN_WIRE_HEADER_SIZE);
}

static void
init_packet (TincanPacket     *packet,
             TincanPacketType  type)
{
  memset (packet, 0, sizeof *packet);
  packet->type = type;
  packet->sender_session = SESSION_A;
  packet->receiver_session = SESSION_B;

  if (type == TINCAN_PACKET_HELLO)
    for (guint i = 0; i < TINCAN_WIRE_IDENTITY_SIZE; i++)
      packet->hello.identity[i] = 0xa0 + i;
}

/* A valid DATA packet: fragment @index of a message of @length bytes cut
 * into fragments of @fragment_size, in @buffer; returns its length.
 */
static gsize
encode_data (guint8  *buffer,
             gsize    buffer_size,
             gsize    length,
             gsize    fragment_size,
             guint16  index,
             guint32  pn)
{
  static guint8 text[TINCAN_WIRE_MAX_FRAGMENT];
  TincanPacket packet;

  memset (text, 'x', sizeof text);
  init_packet (&packet, TINCAN_PACKET_DATA);
  packet.data.epoch = 3;
  packet.data.packet_number = pn;
  packet.data.message_seq = 7;
  packet.data.fragment_index = index;
  packet.data.fragment_count = tincan_wire_fragment_count (length, fragment_size);
  packet.data.fragment_size = fragment_size;
  packet.data.message_length = length;
  packet.data.message_id = G_GUINT64_CONSTANT (0xfeedface00c0ffee);
  packet.data.payload = text;
  packet.data.payload_length = tincan_wire_fragment_length (length, fragment_size, index);

  return tincan_wire_encode (&packet, buffer, buffer_size);
}

/* The same, cut to the base size, which every path carries. */
static void
make_data (Datagram *datagram,
           gsize     length,
           guint16   index,
           guint32   pn)
{
  memset (datagram, 0, sizeof *datagram);
  datagram->length = encode_data (datagram->bytes, sizeof datagram->bytes, length,
                                  TINCAN_WIRE_MIN_FRAGMENT, index, pn);
  g_assert_cmpuint (datagram->length, >, TINCAN_WIRE_DATA_HEADER_SIZE);
}

static void
assert_refused (const Datagram   *datagram,
                TincanWireResult  expected)
{
  TincanPacket packet;
  TincanWireResult result = tincan_wire_decode (datagram->bytes, datagram->length, &packet);

  g_assert_cmpstr (tincan_wire_result_to_string (result), ==,
                   tincan_wire_result_to_string (expected));
}

static void
test_fragment_geometry (void)
{
  const gsize min = TINCAN_WIRE_MIN_FRAGMENT, max = TINCAN_WIRE_MAX_FRAGMENT;

  g_assert_cmpuint (TINCAN_WIRE_DATA_HEADER_SIZE, ==, 52);
  g_assert_cmpuint (TINCAN_WIRE_SEAL_OVERHEAD, ==, 38);
  g_assert_cmpuint (min, ==, 1110);
  g_assert_cmpuint (max, ==, 65398);
  g_assert_cmpuint (tincan_wire_fragment_count (1, min), ==, 1);
  g_assert_cmpuint (tincan_wire_fragment_count (1110, min), ==, 1);
  g_assert_cmpuint (tincan_wire_fragment_count (1111, min), ==, 2);
  g_assert_cmpuint (tincan_wire_fragment_count (TINCAN_WIRE_MAX_MESSAGE, min), ==, 945);
  g_assert_cmpuint (TINCAN_WIRE_MAX_FRAGMENTS, ==, 945);
  g_assert_cmpuint (tincan_wire_fragment_length (1111, min, 0), ==, 1110);
  g_assert_cmpuint (tincan_wire_fragment_length (1111, min, 1), ==, 1);
  g_assert_cmpuint (tincan_wire_fragment_length (TINCAN_WIRE_MAX_MESSAGE, min, 944), ==,
                    TINCAN_WIRE_MAX_MESSAGE - 944 * 1110);

  /* Where the path carries 64 KiB datagrams, a mebibyte is 17 of them. */
  g_assert_cmpuint (tincan_wire_fragment_count (TINCAN_WIRE_MAX_MESSAGE, max), ==, 17);
  g_assert_cmpuint (tincan_wire_fragment_length (TINCAN_WIRE_MAX_MESSAGE, max, 16), ==,
                    TINCAN_WIRE_MAX_MESSAGE - 16 * 65398);
}

static void
test_data_round_trip (void)
{
  Datagram datagram;
  TincanPacket packet;

  /* A full fragment of the base size makes a datagram of the base size. */
  make_data (&datagram, 5000, 0, 42);
  g_assert_cmpuint (datagram.length, ==, TINCAN_WIRE_BASE_INNER);
  g_assert_cmpint (tincan_wire_decode (datagram.bytes, datagram.length, &packet), ==, TINCAN_WIRE_OK);
  g_assert_cmpint (packet.type, ==, TINCAN_PACKET_DATA);
  g_assert_cmpuint (packet.sender_session, ==, SESSION_A);
  g_assert_cmpuint (packet.receiver_session, ==, SESSION_B);
  g_assert_cmpuint (packet.data.epoch, ==, 3);
  g_assert_cmpuint (packet.data.packet_number, ==, 42);
  g_assert_cmpuint (packet.data.message_seq, ==, 7);
  g_assert_cmpuint (packet.data.fragment_index, ==, 0);
  g_assert_cmpuint (packet.data.fragment_count, ==, 5);
  g_assert_cmpuint (packet.data.fragment_size, ==, 1110);
  g_assert_cmpuint (packet.data.message_length, ==, 5000);
  g_assert_cmpuint (packet.data.message_id, ==, G_GUINT64_CONSTANT (0xfeedface00c0ffee));
  g_assert_cmpuint (packet.data.payload_length, ==, 1110);
  g_assert_true (packet.data.payload == datagram.bytes + TINCAN_WIRE_DATA_HEADER_SIZE);

  /* The last fragment carries the rest. */
  make_data (&datagram, 5000, 4, 46);
  g_assert_cmpint (tincan_wire_decode (datagram.bytes, datagram.length, &packet), ==, TINCAN_WIRE_OK);
  g_assert_cmpuint (packet.data.payload_length, ==, 5000 - 4 * 1110);
}

/* Cut to the biggest fragments, a datagram is as big as UDP over a 64 KiB
 * MTU allows, and one byte more is refused.
 */
static void
test_big_data (void)
{
  g_autofree guint8 *bytes = g_malloc0 (TINCAN_WIRE_MAX_DATAGRAM + 1);
  TincanPacket packet;
  gsize length;

  length = encode_data (bytes, TINCAN_WIRE_MAX_DATAGRAM + 1, 200000, TINCAN_WIRE_MAX_FRAGMENT, 1, 11);
  g_assert_cmpuint (length, ==, TINCAN_WIRE_MAX_INNER);
  g_assert_cmpint (tincan_wire_decode (bytes, length, &packet), ==, TINCAN_WIRE_OK);
  g_assert_cmpuint (packet.data.fragment_count, ==, 4);
  g_assert_cmpuint (packet.data.fragment_size, ==, TINCAN_WIRE_MAX_FRAGMENT);
  g_assert_cmpuint (packet.data.payload_length, ==, TINCAN_WIRE_MAX_FRAGMENT);

  /* A byte more than the biggest fragment. */
  g_assert_cmpint (tincan_wire_decode (bytes, length + 1, &packet), !=, TINCAN_WIRE_OK);

  /* Any size between the two is a valid way to cut a message. */
  length = encode_data (bytes, TINCAN_WIRE_MAX_DATAGRAM, 3000, 2000, 1, 11);
  g_assert_cmpuint (length, ==, TINCAN_WIRE_DATA_HEADER_SIZE + 1000);
  g_assert_cmpint (tincan_wire_decode (bytes, length, &packet), ==, TINCAN_WIRE_OK);
  g_assert_cmpuint (packet.data.fragment_count, ==, 2);
}

static void
test_ack_round_trip (void)
{
  TincanPacket packet, decoded;
  Datagram datagram;

  init_packet (&packet, TINCAN_PACKET_ACK);
  packet.ack.epoch = 9;
  packet.ack.cumulative = 100;
  packet.ack.delay = 1234;
  packet.ack.n_ranges = TINCAN_WIRE_MAX_ACK_RANGES;
  for (guint i = 0; i < TINCAN_WIRE_MAX_ACK_RANGES; i++)
    {
      packet.ack.ranges[i].start = 102 + 10 * i;
      packet.ack.ranges[i].end = 105 + 10 * i;
    }
  packet.ack.n_held = TINCAN_WIRE_MAX_HELD;
  for (guint i = 0; i < TINCAN_WIRE_MAX_HELD; i++)
    packet.ack.held[i] = 101 + 10 * i;
  encode (&packet, &datagram);

  g_assert_cmpuint (datagram.length, ==,
                    tincan_wire_ack_size (TINCAN_WIRE_MAX_ACK_RANGES, TINCAN_WIRE_MAX_HELD));
  g_assert_cmpuint (datagram.length, <=, TINCAN_WIRE_MAX_DATAGRAM);
  g_assert_cmpint (tincan_wire_decode (datagram.bytes, datagram.length, &decoded), ==, TINCAN_WIRE_OK);
  g_assert_cmpuint (decoded.ack.epoch, ==, 9);
  g_assert_cmpuint (decoded.ack.cumulative, ==, 100);
  g_assert_cmpuint (decoded.ack.delay, ==, 1234);
  g_assert_cmpuint (decoded.ack.n_ranges, ==, TINCAN_WIRE_MAX_ACK_RANGES);
  g_assert_cmpmem (decoded.ack.ranges, sizeof decoded.ack.ranges,
                   packet.ack.ranges, sizeof packet.ack.ranges);
  g_assert_cmpuint (decoded.ack.n_held, ==, TINCAN_WIRE_MAX_HELD);
  g_assert_cmpmem (decoded.ack.held, sizeof decoded.ack.held, packet.ack.held, sizeof packet.ack.held);

  /* The smallest ACK, even with a held packet, is smaller than the
   * smallest DATA it can answer.
   */
  g_assert_cmpuint (tincan_wire_ack_size (0, 1), <, TINCAN_WIRE_DATA_HEADER_SIZE + 1);
}

static void
test_hello_and_ping_round_trip (void)
{
  TincanPacket packet, decoded;
  Datagram datagram;

  init_packet (&packet, TINCAN_PACKET_HELLO);
  packet.receiver_session = 0;
  packet.hello.reply = TRUE;
  packet.hello.receive_window = 212992;
  strcpy (packet.hello.name, "Ada Lovelace ✓");
  encode (&packet, &datagram);

  g_assert_cmpuint (datagram.length, ==, TINCAN_WIRE_HELLO_SIZE);
  g_assert_cmpint (tincan_wire_decode (datagram.bytes, datagram.length, &decoded), ==, TINCAN_WIRE_OK);
  g_assert_true (decoded.hello.reply);
  g_assert_cmpmem (decoded.hello.identity, TINCAN_WIRE_IDENTITY_SIZE,
                   packet.hello.identity, TINCAN_WIRE_IDENTITY_SIZE);
  g_assert_cmpstr (decoded.hello.name, ==, "Ada Lovelace ✓");
  g_assert_cmpuint (decoded.hello.receive_window, ==, 212992);
  g_assert_cmpuint (decoded.receiver_session, ==, 0);

  /* The longest name still fits. */
  memset (packet.hello.name, 'n', TINCAN_WIRE_MAX_NAME);
  packet.hello.name[TINCAN_WIRE_MAX_NAME] = '\0';
  encode (&packet, &datagram);
  g_assert_cmpint (tincan_wire_decode (datagram.bytes, datagram.length, &decoded), ==, TINCAN_WIRE_OK);
  g_assert_cmpstr (decoded.hello.name, ==, packet.hello.name);

  init_packet (&packet, TINCAN_PACKET_PING);
  packet.ping.token = G_GUINT64_CONSTANT (0x1122334455667788);
  encode (&packet, &datagram);
  g_assert_cmpuint (datagram.length, ==, TINCAN_WIRE_PING_SIZE);
  g_assert_cmpint (tincan_wire_decode (datagram.bytes, datagram.length, &decoded), ==, TINCAN_WIRE_OK);
  g_assert_cmpint (decoded.type, ==, TINCAN_PACKET_PING);
  g_assert_cmpuint (decoded.ping.token, ==, packet.ping.token);
  g_assert_cmpuint (decoded.ping.size, ==, TINCAN_WIRE_PING_SIZE);
}

/* A PING padded with zeros probes the path, up to the largest datagram. */
static void
test_probe_round_trip (void)
{
  g_autofree guint8 *bytes = g_malloc0 (TINCAN_WIRE_MAX_DATAGRAM + 1);
  TincanPacket packet, decoded;
  gsize length;

  init_packet (&packet, TINCAN_PACKET_PING);
  packet.ping.token = 77;
  packet.ping.size = TINCAN_WIRE_MAX_DATAGRAM;
  length = tincan_wire_encode (&packet, bytes, TINCAN_WIRE_MAX_DATAGRAM);
  g_assert_cmpuint (length, ==, TINCAN_WIRE_MAX_DATAGRAM);
  g_assert_cmpuint (bytes[length - 1], ==, 0);
  g_assert_cmpint (tincan_wire_decode (bytes, length, &decoded), ==, TINCAN_WIRE_OK);
  g_assert_cmpuint (decoded.ping.token, ==, 77);
  g_assert_cmpuint (decoded.ping.size, ==, TINCAN_WIRE_MAX_DATAGRAM);

  g_assert_cmpint (tincan_wire_decode (bytes, length + 1, &decoded), ==, TINCAN_WIRE_OVERSIZED);

  /* The answer is never padded, whatever the question's size. */
  bytes[3] = TINCAN_PACKET_PONG;
  g_assert_cmpint (tincan_wire_decode (bytes, 1500, &decoded), ==, TINCAN_WIRE_OVERSIZED);
  g_assert_cmpint (tincan_wire_decode (bytes, TINCAN_WIRE_PING_SIZE, &decoded), ==, TINCAN_WIRE_OK);
}

/* A BYE is the header alone. */
static void
test_bye_round_trip (void)
{
  TincanPacket packet, decoded;
  Datagram datagram;

  init_packet (&packet, TINCAN_PACKET_BYE);
  encode (&packet, &datagram);
  g_assert_cmpuint (datagram.length, ==, TINCAN_WIRE_HEADER_SIZE);
  g_assert_cmpuint (datagram.bytes[3], ==, 6);
  g_assert_cmpint (tincan_wire_decode (datagram.bytes, datagram.length, &decoded), ==, TINCAN_WIRE_OK);
  g_assert_cmpint (decoded.type, ==, TINCAN_PACKET_BYE);
  g_assert_cmpuint (decoded.sender_session, ==, SESSION_A);
  g_assert_cmpuint (decoded.receiver_session, ==, SESSION_B);
}

static void
test_bye_rules (void)
{
  TincanPacket packet;
  Datagram valid, datagram;

  init_packet (&packet, TINCAN_PACKET_BYE);
  encode (&packet, &valid);

  /* Anything after the header. */
  datagram = valid;
  datagram.length++;
  assert_refused (&datagram, TINCAN_WIRE_OVERSIZED);
  datagram.length = TINCAN_WIRE_HEADER_SIZE + 8;
  assert_refused (&datagram, TINCAN_WIRE_OVERSIZED);
  datagram.length = TINCAN_WIRE_BASE_DATAGRAM + 1;
  assert_refused (&datagram, TINCAN_WIRE_OVERSIZED);

  datagram = valid;
  datagram.length--;
  assert_refused (&datagram, TINCAN_WIRE_TRUNCATED);

  /* To nobody, or from nobody. */
  datagram = valid;
  memset (datagram.bytes + 14, 0, 8);
  assert_refused (&datagram, TINCAN_WIRE_BAD_SESSION);
  datagram = valid;
  memset (datagram.bytes + 6, 0, 8);
  assert_refused (&datagram, TINCAN_WIRE_BAD_SESSION);

  datagram = valid;
  datagram.bytes[4] = 1;
  assert_refused (&datagram, TINCAN_WIRE_BAD_FLAGS);
}

static void
test_not_tincan (void)
{
  const char *texts[] = { "", "h", "hello", "TCP/IP is fine\n", "TC", "TC\x10rest" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      Datagram datagram = { 0 };

      datagram.length = strlen (texts[i]);
      memcpy (datagram.bytes, texts[i], datagram.length);
      assert_refused (&datagram, TINCAN_WIRE_NOT_TINCAN);
    }
}

/* A cut keeps whole characters only, and as many as fit. */
static void
test_utf8_cut (void)
{
  const char *text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";   /* a é € 😀 z: 1+2+3+4+1 */
  const char *end = text + strlen (text);

  g_assert_true (tincan_wire_utf8_cut (text, end, 0) == text);
  g_assert_true (tincan_wire_utf8_cut (text, end, 1) == text + 1);
  g_assert_true (tincan_wire_utf8_cut (text, end, 2) == text + 1);
  g_assert_true (tincan_wire_utf8_cut (text, end, 3) == text + 3);
  g_assert_true (tincan_wire_utf8_cut (text, end, 5) == text + 3);
  g_assert_true (tincan_wire_utf8_cut (text, end, 6) == text + 6);
  g_assert_true (tincan_wire_utf8_cut (text, end, 9) == text + 6);
  g_assert_true (tincan_wire_utf8_cut (text, end, 10) == text + 10);
  g_assert_true (tincan_wire_utf8_cut (text, end, 11) == end);
  g_assert_true (tincan_wire_utf8_cut (text, end, 1000) == end);
  g_assert_true (tincan_wire_utf8_cut (end, end, 10) == end);
}

static void
test_header_rules (void)
{
  Datagram valid, datagram;

  make_data (&valid, 10, 0, 0);

  /* A later version: dropped, not taken for text. */
  datagram = valid;
  datagram.bytes[2] = 5;
  assert_refused (&datagram, TINCAN_WIRE_BAD_VERSION);

  /* Version 1, which had no identities or message IDs, version 2,
   * whose fragments were all 1150 bytes, and version 3, not encrypted.
   */
  datagram = valid;
  datagram.bytes[2] = 1;
  assert_refused (&datagram, TINCAN_WIRE_BAD_VERSION);
  datagram.bytes[2] = 2;
  assert_refused (&datagram, TINCAN_WIRE_BAD_VERSION);
  datagram.bytes[2] = 3;
  assert_refused (&datagram, TINCAN_WIRE_BAD_VERSION);

  datagram = valid;
  datagram.length = TINCAN_WIRE_HEADER_SIZE - 1;
  assert_refused (&datagram, TINCAN_WIRE_TRUNCATED);

  /* Only DATA and a probe may be bigger than the base size. */
  {
    TincanPacket packet;
    Datagram ack;

    init_packet (&packet, TINCAN_PACKET_ACK);
    encode (&packet, &ack);
    ack.length = TINCAN_WIRE_BASE_DATAGRAM + 1;
    assert_refused (&ack, TINCAN_WIRE_OVERSIZED);
    ack.bytes[3] = TINCAN_PACKET_HELLO;
    assert_refused (&ack, TINCAN_WIRE_OVERSIZED);
  }

  /* A flag outside a sealed packet, and the reserved byte. */
  datagram = valid;
  datagram.bytes[4] = 1;
  assert_refused (&datagram, TINCAN_WIRE_BAD_FLAGS);
  datagram = valid;
  datagram.bytes[5] = 0x80;
  assert_refused (&datagram, TINCAN_WIRE_BAD_FLAGS);

  datagram = valid;
  datagram.bytes[3] = 0;
  assert_refused (&datagram, TINCAN_WIRE_BAD_TYPE);
  datagram.bytes[3] = 11;
  assert_refused (&datagram, TINCAN_WIRE_BAD_TYPE);

  /* No sender session; DATA to nobody. */
  datagram = valid;
  memset (datagram.bytes + 6, 0, 8);
  assert_refused (&datagram, TINCAN_WIRE_BAD_SESSION);
  datagram = valid;
  memset (datagram.bytes + 14, 0, 8);
  assert_refused (&datagram, TINCAN_WIRE_BAD_SESSION);
}

static void
set_u32 (guint8  *p,
         guint32  value)
{
  p[0] = value >> 24;
  p[1] = value >> 16;
  p[2] = value >> 8;
  p[3] = value;
}

static void
set_u16 (guint8  *p,
         guint16  value)
{
  p[0] = value >> 8;
  p[1] = value;
}

static void
test_data_rules (void)
{
  Datagram datagram;

  /* Body offsets: epoch 0, pn 4, seq 8, index 12, count 14, fragment
   * size 16, length 18, message ID 22.
   */
#define BODY(d) ((d).bytes + TINCAN_WIRE_HEADER_SIZE)

  make_data (&datagram, 10, 0, 0);
  datagram.length = TINCAN_WIRE_DATA_HEADER_SIZE - 1;
  assert_refused (&datagram, TINCAN_WIRE_TRUNCATED);

  make_data (&datagram, 10, 0, 0);
  set_u32 (BODY (datagram) + 8, 0);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

  /* No message ID. */
  make_data (&datagram, 10, 0, 0);
  set_u32 (BODY (datagram) + 22, 0);
  set_u32 (BODY (datagram) + 26, 0);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

  /* Zero length, and more than 1 MiB. */
  make_data (&datagram, 10, 0, 0);
  set_u32 (BODY (datagram) + 18, 0);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);
  make_data (&datagram, 10, 0, 0);
  set_u32 (BODY (datagram) + 18, TINCAN_WIRE_MAX_MESSAGE + 1);
  set_u16 (BODY (datagram) + 14, TINCAN_WIRE_MAX_FRAGMENTS + 1);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

  /* Fragments smaller than the base size allows (so more of them than
   * the limit), or bigger than any datagram.
   */
  make_data (&datagram, 10, 0, 0);
  set_u16 (BODY (datagram) + 16, TINCAN_WIRE_MIN_FRAGMENT - 1);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);
  set_u16 (BODY (datagram) + 16, TINCAN_WIRE_MAX_FRAGMENT + 1);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);
  set_u16 (BODY (datagram) + 16, 5000);
  assert_refused (&datagram, TINCAN_WIRE_OK);

  /* A fragment size that does not match the count, or the payload. */
  make_data (&datagram, 3000, 0, 0);
  set_u16 (BODY (datagram) + 16, 2000);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);
  set_u16 (BODY (datagram) + 14, 2);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

  /* A count that does not match the length. */
  make_data (&datagram, 10, 0, 0);
  set_u16 (BODY (datagram) + 14, 2);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);
  make_data (&datagram, 3000, 0, 0);
  set_u16 (BODY (datagram) + 14, 65535);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

  /* An index past the count. */
  make_data (&datagram, 3000, 2, 2);
  set_u16 (BODY (datagram) + 12, 3);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

  /* A payload of the wrong size for its place. */
  make_data (&datagram, 3000, 0, 0);
  datagram.length--;
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);
  make_data (&datagram, 3000, 2, 2);
  datagram.length++;
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

  /* The first fragment's number would be below zero. */
  make_data (&datagram, 3000, 2, 1);
  assert_refused (&datagram, TINCAN_WIRE_BAD_FRAGMENT);

#undef BODY
}

static void
test_ack_rules (void)
{
  TincanPacket packet;
  Datagram datagram;
  guint8 *body;

  init_packet (&packet, TINCAN_PACKET_ACK);
  packet.ack.cumulative = 10;
  packet.ack.n_ranges = 2;
  packet.ack.ranges[0] = (TincanAckRange) { 12, 14 };
  packet.ack.ranges[1] = (TincanAckRange) { 20, 21 };
  encode (&packet, &datagram);
  body = datagram.bytes + TINCAN_WIRE_HEADER_SIZE;
  assert_refused (&datagram, TINCAN_WIRE_OK);

  /* Held packets: not below the cumulative point, ascending, and in no
   * range (a held packet is not acknowledged).
   */
  {
    static const guint32 good[][3] = { { 10, 15, 25 }, { 11, 14, 21 } };
    static const guint32 bad[][3] = { { 9, 15, 25 }, { 11, 11, 25 }, { 15, 11, 25 },
                                      { 11, 13, 25 }, { 11, 15, 20 } };
    TincanPacket with_held = packet;
    Datagram held;

    with_held.ack.n_held = 3;
    for (guint i = 0; i < G_N_ELEMENTS (good); i++)
      {
        memcpy (with_held.ack.held, good[i], sizeof good[i]);
        encode (&with_held, &held);
        assert_refused (&held, TINCAN_WIRE_OK);
      }
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        memcpy (with_held.ack.held, bad[i], sizeof bad[i]);
        encode (&with_held, &held);
        assert_refused (&held, TINCAN_WIRE_BAD_ACK);
      }

    memcpy (with_held.ack.held, good[0], sizeof good[0]);
    encode (&with_held, &held);
    held.bytes[TINCAN_WIRE_HEADER_SIZE + 13] = TINCAN_WIRE_MAX_HELD + 1;
    assert_refused (&held, TINCAN_WIRE_BAD_ACK);
    held.bytes[TINCAN_WIRE_HEADER_SIZE + 13] = 4;
    assert_refused (&held, TINCAN_WIRE_TRUNCATED);
  }

  /* Counted ranges must all be there, and nothing else. */
  datagram.length -= 1;
  assert_refused (&datagram, TINCAN_WIRE_TRUNCATED);
  datagram.length += 2;
  assert_refused (&datagram, TINCAN_WIRE_BAD_ACK);
  datagram.length -= 1;

  /* Body offsets: epoch 0, cumulative 4, delay 8, range count 12, held
   * count 13, ranges 14, then the held packets.
   */
  body[12] = TINCAN_WIRE_MAX_ACK_RANGES + 1;
  assert_refused (&datagram, TINCAN_WIRE_BAD_ACK);
  body[12] = 2;

  /* A range at or below the cumulative point. */
  set_u32 (body + 14, 10);
  assert_refused (&datagram, TINCAN_WIRE_BAD_ACK);
  set_u32 (body + 14, 12);

  /* Empty, overlapping, descending. */
  set_u32 (body + 18, 12);
  assert_refused (&datagram, TINCAN_WIRE_BAD_ACK);
  set_u32 (body + 18, 14);
  set_u32 (body + 22, 13);
  assert_refused (&datagram, TINCAN_WIRE_BAD_ACK);
  set_u32 (body + 22, 20);
  assert_refused (&datagram, TINCAN_WIRE_OK);

  datagram.length = TINCAN_WIRE_HEADER_SIZE + 13;
  assert_refused (&datagram, TINCAN_WIRE_TRUNCATED);
}

static void
test_hello_rules (void)
{
  TincanPacket packet;
  Datagram valid, datagram;
  guint8 *body;

  init_packet (&packet, TINCAN_PACKET_HELLO);
  packet.hello.receive_window = 65536;
  strcpy (packet.hello.name, "Ada");
  encode (&packet, &valid);

  datagram = valid;
  datagram.length--;
  assert_refused (&datagram, TINCAN_WIRE_TRUNCATED);
  datagram.length += 2;
  assert_refused (&datagram, TINCAN_WIRE_BAD_HELLO);

  datagram = valid;
  body = datagram.bytes + TINCAN_WIRE_HEADER_SIZE;
  body[0] = 2;
  assert_refused (&datagram, TINCAN_WIRE_BAD_HELLO);

  /* No identity. */
  datagram = valid;
  body = datagram.bytes + TINCAN_WIRE_HEADER_SIZE;
  memset (body + 2, 0, TINCAN_WIRE_IDENTITY_SIZE);
  assert_refused (&datagram, TINCAN_WIRE_BAD_HELLO);

  /* A receive window that would not hold one datagram. */
  datagram = valid;
  body = datagram.bytes + TINCAN_WIRE_HEADER_SIZE;
  set_u32 (body + 2 + TINCAN_WIRE_IDENTITY_SIZE, TINCAN_WIRE_BASE_DATAGRAM - 1);
  assert_refused (&datagram, TINCAN_WIRE_BAD_HELLO);
  set_u32 (body + 2 + TINCAN_WIRE_IDENTITY_SIZE, TINCAN_WIRE_BASE_DATAGRAM);
  assert_refused (&datagram, TINCAN_WIRE_OK);

  /* A name that is not text. */
  datagram = valid;
  body = datagram.bytes + TINCAN_WIRE_HEADER_SIZE;
  body[6 + TINCAN_WIRE_IDENTITY_SIZE + 1] = 0xff;
  assert_refused (&datagram, TINCAN_WIRE_BAD_HELLO);
  datagram = valid;
  body = datagram.bytes + TINCAN_WIRE_HEADER_SIZE;
  body[1] = 5;  /* runs into the zero padding */
  assert_refused (&datagram, TINCAN_WIRE_BAD_HELLO);

  /* Pongs are exactly eight bytes of token. */
  init_packet (&packet, TINCAN_PACKET_PONG);
  encode (&packet, &datagram);
  datagram.length--;
  assert_refused (&datagram, TINCAN_WIRE_TRUNCATED);
  datagram.length += 2;
  assert_refused (&datagram, TINCAN_WIRE_OVERSIZED);
}

/* Every single-byte change and every truncation of valid packets decodes
 * to a verdict without reading out of bounds (ASan watches) and, when it
 * is accepted, to fields within the limits.
 */
static void
test_mutations (void)
{
  Datagram seeds[4];
  TincanPacket packet;

  make_data (&seeds[0], 3000, 2, 5);
  init_packet (&packet, TINCAN_PACKET_ACK);
  packet.ack.cumulative = 3;
  packet.ack.n_ranges = 1;
  packet.ack.ranges[0] = (TincanAckRange) { 5, 9 };
  encode (&packet, &seeds[1]);
  init_packet (&packet, TINCAN_PACKET_HELLO);
  packet.hello.receive_window = 4096;
  strcpy (packet.hello.name, "Grace");
  encode (&packet, &seeds[2]);
  init_packet (&packet, TINCAN_PACKET_BYE);
  encode (&packet, &seeds[3]);

  for (guint s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      for (gsize length = 0; length <= seeds[s].length; length++)
        {
          g_autofree guint8 *copy = g_memdup2 (seeds[s].bytes, length);

          tincan_wire_decode (copy, length, &packet);
        }

      for (gsize i = 0; i < seeds[s].length; i++)
        {
          for (guint bit = 0; bit < 8; bit++)
            {
              Datagram datagram = seeds[s];

              datagram.bytes[i] ^= 1 << bit;
              if (tincan_wire_decode (datagram.bytes, datagram.length, &packet) != TINCAN_WIRE_OK)
                continue;

              if (packet.type == TINCAN_PACKET_DATA)
                {
                  g_assert_cmpuint (packet.data.message_length, <=, TINCAN_WIRE_MAX_MESSAGE);
                  g_assert_cmpuint (packet.data.fragment_index, <, packet.data.fragment_count);
                  g_assert_cmpuint (packet.data.fragment_size, >=, TINCAN_WIRE_MIN_FRAGMENT);
                  g_assert_cmpuint (packet.data.payload_length, <=, packet.data.fragment_size);
                }
              else if (packet.type == TINCAN_PACKET_ACK)
                g_assert_cmpuint (packet.ack.n_ranges, <=, TINCAN_WIRE_MAX_ACK_RANGES);
              else if (packet.type == TINCAN_PACKET_BYE)
                g_assert_cmpuint (datagram.length, ==, TINCAN_WIRE_HEADER_SIZE);
            }
        }
    }
}

/* The fast path must agree with GLib's on every input: the same verdict
 * for text that is ASCII, mixed, cut mid-character, or holds a NUL, at
 * every offset around the eight-byte words.
 */
static void
test_validate_text (void)
{
  static const char *pieces[] = { "a", "ü", "€", "𝄞", "\xff", "\xc3", "\xe2\x82", "\x80" };
  GRand *rand = g_rand_new_with_seed (11);
  guint8 buffer[64];

  g_assert_true (tincan_wire_validate_text ((const guint8 *) "", 0));
  g_assert_true (tincan_wire_validate_text ((const guint8 *) "plain ascii, long enough", 24));
  g_assert_false (tincan_wire_validate_text ((const guint8 *) "nul\0inside ascii text", 22));

  for (guint round = 0; round < 20000; round++)
    {
      gsize length = 0;

      /* Mostly ASCII, with a few other pieces, a NUL now and then. */
      while (length < sizeof buffer - 4)
        {
          guint roll = g_rand_int_range (rand, 0, 100);
          const char *piece = roll < 85 ? "x" : pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];

          if (roll == 99)
            piece = "\0";
          memcpy (buffer + length, piece, MAX (strlen (piece), 1));
          length += MAX (strlen (piece), 1);
          if (g_rand_int_range (rand, 0, 40) == 0)
            break;
        }

      g_assert_cmpint (tincan_wire_validate_text (buffer, length), ==,
                       g_utf8_validate_len ((const char *) buffer, length, NULL));
    }

  g_rand_free (rand);
}

/* How the store writes an identity and message IDs name a sender: 32
 * lower-case hex digits, the first byte first.
 */
static void
test_identity_hex (void)
{
  static const guint8 identity[TINCAN_WIRE_IDENTITY_SIZE] = {
    0x00, 0x01, 0x0f, 0x10, 0x7f, 0x80, 0xab, 0xff,
    0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
  };
  char hex[TINCAN_WIRE_IDENTITY_HEX_SIZE];

  memset (hex, '#', sizeof hex);
  tincan_wire_format_identity (identity, hex);
  g_assert_cmpstr (hex, ==, "00010f107f80abfffedcba9876543210");
}

/* The fuzzers' seeds follow the protocol: each decodes, so fuzzing starts
 * from packets that get past the first checks.
 */
static void
test_corpus_seeds (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "wire", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      TincanPacket packet;
      gsize length;

      g_assert_true (g_file_get_contents (file, &contents, &length, NULL));
      g_test_message ("%s", name);
      g_assert_cmpint (tincan_wire_decode ((const guint8 *) contents, length, &packet), ==,
                       g_str_equal (name, "plain") ? TINCAN_WIRE_NOT_TINCAN : TINCAN_WIRE_OK);
      n++;
    }

  g_assert_cmpuint (n, >=, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire/utf8-cut", test_utf8_cut);
  g_test_add_func ("/wire/fragment-geometry", test_fragment_geometry);
  g_test_add_func ("/wire/round-trip/data", test_data_round_trip);
  g_test_add_func ("/wire/round-trip/big-data", test_big_data);
  g_test_add_func ("/wire/round-trip/ack", test_ack_round_trip);
  g_test_add_func ("/wire/round-trip/hello-and-ping", test_hello_and_ping_round_trip);
  g_test_add_func ("/wire/round-trip/probe", test_probe_round_trip);
  g_test_add_func ("/wire/round-trip/bye", test_bye_round_trip);
  g_test_add_func ("/wire/refused/not-tincan", test_not_tincan);
  g_test_add_func ("/wire/refused/header", test_header_rules);
  g_test_add_func ("/wire/refused/data", test_data_rules);
  g_test_add_func ("/wire/refused/ack", test_ack_rules);
  g_test_add_func ("/wire/refused/hello-and-ping", test_hello_rules);
  g_test_add_func ("/wire/refused/bye", test_bye_rules);
  g_test_add_func ("/wire/mutations", test_mutations);

  g_test_add_func ("/wire/validate-text", test_validate_text);
  g_test_add_func ("/wire/identity-hex", test_identity_hex);
  g_test_add_func ("/wire/corpus-seeds", test_corpus_seeds);

  return g_test_run ();
}

/* test-receiver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanReceiver on a fake clock: no socket and no main loop.  Every DATA
 * packet a test hands it is encoded and decoded first, so it is one a
 * real peer could send, and every ACK it builds must decode, as the
 * peer's decoder is strict (docs/PROTOCOL.md, *ACK*).
 */

#include "config.h"

#include <string.h>

#include "tincan-receiver.h"
#include "tincan-wire.h"

#define T0       (1000 * G_USEC_PER_SEC)
#define MS       G_TIME_SPAN_MILLISECOND
#define FRAGMENT TINCAN_WIRE_MIN_FRAGMENT
#define PEER     "peer"

/* What tincan-receiver.c and docs/PROTOCOL.md promise. */
#define RX_WINDOW          4096
#define REASSEMBLY_MAX_AGE (60 * G_USEC_PER_SEC)

#define SESSION_A G_GUINT64_CONSTANT (0x0123456789abcdef)
#define SESSION_B G_GUINT64_CONSTANT (0xfedcba9876543210)

typedef struct
{
  TincanLinkStats  stats;
  TincanReceiver  *receiver;
  gint64           now;
  gsize            last_length;   /* of the last DATA handed over */
  gsize            ack_length;    /* of the last ACK built */
} Fixture;

/* A message as the peer numbered it. */
typedef struct
{
  const char *text;
  gsize       length;
  guint32     epoch;
  guint32     first_pn;
  guint32     seq;
  guint64     uid;
  gsize       fragment_size;
} Sent;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  memset (&f->stats, 0, sizeof f->stats);
  f->receiver = tincan_receiver_new (&f->stats);
  f->now = T0;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->receiver, tincan_receiver_free);
}

static Sent
sent (const char *text,
      guint32     first_pn,
      guint32     seq)
{
  Sent m = {
    .text = text,
    .length = strlen (text),
    .first_pn = first_pn,
    .seq = seq,
    .uid = G_GUINT64_CONSTANT (0xc0ffee0000000000) + seq,
    .fragment_size = FRAGMENT,
  };

  return m;
}

static guint16
n_fragments (const Sent *m)
{
  return tincan_wire_fragment_count (m->length, m->fragment_size);
}

/* ASCII that differs from place to place, so a fragment copied to the
 * wrong place shows.
 */
static char *
make_text (gsize length)
{
  char *text = g_malloc (length + 1);

  for (gsize i = 0; i < length; i++)
    text[i] = 'A' + (i % 26) + (i / 2000) % 6;
  text[length] = '\0';

  return text;
}

/* Fragment @index of @m, as it comes off the wire. */
static gboolean
receive (Fixture    *f,
         const Sent *m,
         guint16     index)
{
  g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  TincanPacket packet = { 0 };
  TincanPacket decoded;
  gsize length;

  packet.type = TINCAN_PACKET_DATA;
  packet.sender_session = SESSION_B;
  packet.receiver_session = SESSION_A;
  packet.data.epoch = m->epoch;
  packet.data.packet_number = m->first_pn + index;
  packet.data.message_seq = m->seq;
  packet.data.fragment_index = index;
  packet.data.fragment_count = n_fragments (m);
  packet.data.fragment_size = m->fragment_size;
  packet.data.message_length = m->length;
  packet.data.message_id = m->uid;
  packet.data.payload = (const guint8 *) m->text + (gsize) index * m->fragment_size;
  packet.data.payload_length = tincan_wire_fragment_length (m->length, m->fragment_size, index);

  length = tincan_wire_encode (&packet, buffer, TINCAN_WIRE_MAX_DATAGRAM);
  g_assert_cmpint (tincan_wire_decode (buffer, length, &decoded), ==, TINCAN_WIRE_OK);
  f->last_length = length;

  return tincan_receiver_handle_data (f->receiver, &decoded, length, f->now);
}

static void
receive_all (Fixture    *f,
             const Sent *m)
{
  for (guint16 i = 0; i < n_fragments (m); i++)
    g_assert_true (receive (f, m, i));
}

/* The next message ready, kept. */
static TincanMessage *
take_ready (Fixture *f)
{
  TincanMessage *message = tincan_receiver_next_ready (f->receiver, PEER);

  if (message != NULL)
    tincan_receiver_pop_ready (f->receiver);

  return message;
}

static void
assert_ready (Fixture    *f,
              const Sent *m)
{
  g_autoptr(TincanMessage) message = take_ready (f);
  g_autofree char *id = g_strdup_printf (PEER "-%016" G_GINT64_MODIFIER "x", m->uid);

  g_assert_nonnull (message);
  g_assert_cmpstr (tincan_message_get_text (message), ==, m->text);
  g_assert_cmpuint (tincan_message_get_uid (message), ==, m->uid);
  g_assert_cmpstr (tincan_message_get_id (message), ==, id);
  g_assert_cmpstr (tincan_message_get_sender (message), ==, PEER);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_RECEIVED);
  g_assert_false (tincan_message_get_outgoing (message));
  g_assert_false (tincan_message_get_plain (message));
}

static void
assert_none_ready (Fixture *f)
{
  g_autoptr(TincanMessage) message = tincan_receiver_next_ready (f->receiver, PEER);

  g_assert_null (message);
}

/* The ACK, as the peer decodes it. */
static void
build_ack (Fixture      *f,
           TincanPacket *ack)
{
  guint8 buffer[TINCAN_WIRE_BASE_DATAGRAM];
  TincanPacket packet;

  tincan_receiver_build_ack (f->receiver, f->now, &packet);
  g_assert_cmpint (packet.type, ==, TINCAN_PACKET_ACK);
  packet.sender_session = SESSION_A;
  packet.receiver_session = SESSION_B;
  f->ack_length = tincan_wire_encode (&packet, buffer, sizeof buffer);
  g_assert_cmpuint (f->ack_length, ==,
                    tincan_wire_ack_size (packet.ack.n_ranges, packet.ack.n_held));
  g_assert_cmpint (tincan_wire_decode (buffer, f->ack_length, ack), ==, TINCAN_WIRE_OK);
  g_assert_false (tincan_receiver_ack_pending (f->receiver));
}

static void
assert_ack (Fixture *f,
            guint32  epoch,
            guint32  cumulative,
            guint    n_ranges,
            guint    n_held)
{
  TincanPacket ack;

  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.epoch, ==, epoch);
  g_assert_cmpuint (ack.ack.cumulative, ==, cumulative);
  g_assert_cmpuint (ack.ack.n_ranges, ==, n_ranges);
  g_assert_cmpuint (ack.ack.n_held, ==, n_held);
}

static void
test_in_order (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *text = make_text (3000);
  Sent m = sent (text, 0, 1);
  TincanPacket ack;

  g_assert_cmpuint (n_fragments (&m), ==, 3);

  g_assert_true (receive (f, &m, 0));
  g_assert_true (tincan_receiver_ack_pending (f->receiver));
  assert_none_ready (f);
  g_assert_true (receive (f, &m, 1));
  assert_none_ready (f);
  assert_ack (f, 0, 2, 0, 0);

  g_assert_true (receive (f, &m, 2));
  assert_ready (f, &m);
  assert_none_ready (f);

  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 3);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 0);
  g_assert_cmpuint (ack.ack.n_held, ==, 0);

  g_assert_cmpuint (f->stats.duplicates, ==, 0);
  g_assert_cmpuint (f->stats.malformed, ==, 0);
  g_assert_cmpuint (f->stats.stale, ==, 0);
}

static void
test_out_of_order (Fixture       *f,
                   gconstpointer  data)
{
  static const guint16 order[] = { 3, 0, 4, 2, 1 };
  g_autofree char *text = make_text (4 * FRAGMENT + 77);
  g_autofree char *big_text = make_text (100000);
  Sent m = sent (text, 0, 1);
  Sent big = sent (big_text, 5, 2);

  g_assert_cmpuint (n_fragments (&m), ==, G_N_ELEMENTS (order));

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      assert_none_ready (f);
      g_assert_true (receive (f, &m, order[i]));
    }
  assert_ready (f, &m);

  /* Big fragments, last first. */
  big.fragment_size = TINCAN_WIRE_MAX_FRAGMENT;
  for (guint16 i = n_fragments (&big); i > 0; i--)
    {
      assert_none_ready (f);
      g_assert_true (receive (f, &big, i - 1));
    }
  assert_ready (f, &big);
  assert_ack (f, 0, 5 + n_fragments (&big), 0, 0);
}

/* In order: a complete message waits for every packet numbered before
 * it.
 */
static void
test_waits_for_earlier (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *text = make_text (FRAGMENT + 10);
  Sent a = sent (text, 0, 1);
  Sent b = sent ("bee", 2, 2);
  Sent c = sent ("sea", 3, 3);
  TincanPacket ack;

  receive_all (f, &c);
  receive_all (f, &b);
  assert_none_ready (f);
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 0);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 0);
  g_assert_cmpuint (ack.ack.n_held, ==, 2);
  g_assert_cmpuint (ack.ack.held[0], ==, 2);
  g_assert_cmpuint (ack.ack.held[1], ==, 3);

  g_assert_true (receive (f, &a, 1));
  assert_none_ready (f);
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 0);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 1);
  g_assert_cmpuint (ack.ack.ranges[0].start, ==, 1);
  g_assert_cmpuint (ack.ack.ranges[0].end, ==, 2);
  g_assert_cmpuint (ack.ack.n_held, ==, 2);

  g_assert_true (receive (f, &a, 0));
  assert_ready (f, &a);
  assert_ready (f, &b);
  assert_ready (f, &c);
  assert_none_ready (f);
  assert_ack (f, 0, 4, 0, 0);
}

/* Acknowledged again, counted, delivered once. */
static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *text = make_text (FRAGMENT + 10);
  Sent a = sent (text, 0, 1);
  Sent b = sent ("bee", 2, 2);
  Sent c = sent (text, 3, 3);
  TincanPacket ack;

  g_assert_true (receive (f, &a, 0));
  assert_ack (f, 0, 1, 0, 0);

  /* Below the cumulative point. */
  g_assert_false (receive (f, &a, 0));
  g_assert_cmpuint (f->stats.duplicates, ==, 1);
  g_assert_true (tincan_receiver_ack_pending (f->receiver));
  assert_ack (f, 0, 1, 0, 0);

  /* Above it. */
  g_assert_true (receive (f, &c, 0));
  assert_ack (f, 0, 1, 1, 0);
  g_assert_false (receive (f, &c, 0));
  g_assert_cmpuint (f->stats.duplicates, ==, 2);
  g_assert_true (tincan_receiver_ack_pending (f->receiver));
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.ranges[0].start, ==, 3);
  g_assert_cmpuint (ack.ack.ranges[0].end, ==, 4);

  g_assert_true (receive (f, &a, 1));
  assert_ready (f, &a);
  receive_all (f, &b);
  g_assert_true (receive (f, &b, 0));
  assert_ready (f, &b);
  assert_none_ready (f);
  /* A held fragment repeated is not a duplicate: it asks again. */
  g_assert_true (receive (f, &c, 1));
  g_assert_true (receive (f, &c, 1));
  g_assert_cmpuint (f->stats.duplicates, ==, 2);
  assert_ready (f, &c);
  assert_none_ready (f);

  /* Every one of them again, after it was kept. */
  for (guint16 i = 0; i < 2; i++)
    {
      g_assert_false (receive (f, &a, i));
      g_assert_false (receive (f, &c, i));
    }
  g_assert_false (receive (f, &b, 0));
  assert_none_ready (f);
  assert_ack (f, 0, 5, 0, 0);
  g_assert_cmpuint (f->stats.duplicates, ==, 2 + 5);
}

/* No more than 4096 numbers above the cumulative point. */
static void
test_out_of_window (Fixture       *f,
                    gconstpointer  data)
{
  Sent first = sent ("first", 0, 1);
  Sent edge = sent ("edge", RX_WINDOW - 1, 3);
  Sent beyond = sent ("beyond", RX_WINDOW, 4);

  g_assert_false (receive (f, &beyond, 0));
  g_assert_cmpuint (f->stats.out_of_window, ==, 1);
  g_assert_false (tincan_receiver_ack_pending (f->receiver));

  g_assert_true (receive (f, &edge, 0));
  g_assert_cmpuint (f->stats.out_of_window, ==, 1);

  /* The window moves with the cumulative point. */
  g_assert_true (receive (f, &first, 0));
  assert_ready (f, &first);
  g_assert_true (receive (f, &beyond, 0));
  g_assert_cmpuint (f->stats.out_of_window, ==, 1);
  assert_ack (f, 0, 1, 0, 2);
}

/* The fragment that completes a message is not acknowledged until the
 * message is kept, and it is offered again until it is.
 */
static void
test_held (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *text = make_text (FRAGMENT + 10);
  Sent m = sent ("keep me", 0, 1);
  Sent next = sent (text, 1, 2);
  g_autoptr(TincanMessage) offered = NULL;
  g_autoptr(TincanMessage) again = NULL;
  TincanPacket ack;

  g_assert_true (receive (f, &m, 0));
  g_assert_true (receive (f, &next, 0));
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 0);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 1);
  g_assert_cmpuint (ack.ack.ranges[0].start, ==, 1);
  g_assert_cmpuint (ack.ack.ranges[0].end, ==, 2);
  g_assert_cmpuint (ack.ack.n_held, ==, 1);
  g_assert_cmpuint (ack.ack.held[0], ==, 0);

  /* Not kept (a full disk): still held, and offered again. */
  offered = tincan_receiver_next_ready (f->receiver, PEER);
  g_assert_nonnull (offered);
  g_assert_cmpstr (tincan_message_get_text (offered), ==, "keep me");
  again = tincan_receiver_next_ready (f->receiver, PEER);
  g_assert_true (again == offered);
  g_clear_object (&again);

  /* The sender repeats the held fragment: not a duplicate, still held. */
  g_assert_true (receive (f, &m, 0));
  g_assert_cmpuint (f->stats.duplicates, ==, 0);
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 0);
  g_assert_cmpuint (ack.ack.n_held, ==, 1);
  g_assert_cmpuint (ack.ack.held[0], ==, 0);
  again = tincan_receiver_next_ready (f->receiver, PEER);
  g_assert_true (again == offered);

  /* Kept: acknowledged, past the range after it. */
  tincan_receiver_pop_ready (f->receiver);
  g_assert_true (tincan_receiver_ack_pending (f->receiver));
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 2);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 0);
  g_assert_cmpuint (ack.ack.n_held, ==, 0);
  assert_none_ready (f);

  g_assert_false (receive (f, &m, 0));
  g_assert_cmpuint (f->stats.duplicates, ==, 1);
}

/* A higher epoch: the sender numbered everything again from 0, so what
 * was half assembled, and the numbers that arrived, are forgotten.
 */
static void
test_epoch_resets (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *text = make_text (2 * FRAGMENT + 1);
  g_autofree char *other = make_text (FRAGMENT + 3);
  Sent x = sent (text, 0, 1);
  Sent y = sent ("why", 0, 2);
  Sent z = sent (other, 1, 3);
  TincanPacket ack;

  g_assert_true (receive (f, &x, 1));
  g_assert_true (receive (f, &x, 2));
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.epoch, ==, 0);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 1);

  /* The sender gave up on x: y is numbered 0 in epoch 1. */
  y.epoch = 1;
  g_assert_true (receive (f, &y, 0));
  assert_ready (f, &y);
  assert_ack (f, 1, 1, 0, 0);

  /* z at 1 and 2, which epoch 0 had used. */
  z.epoch = 1;
  g_assert_true (receive (f, &z, 0));
  assert_none_ready (f);
  g_assert_true (receive (f, &z, 1));
  assert_ready (f, &z);
  assert_ack (f, 1, 3, 0, 0);
  g_assert_cmpuint (f->stats.duplicates, ==, 0);

  /* Epoch 0 is over. */
  g_assert_false (receive (f, &x, 0));
  g_assert_cmpuint (f->stats.stale, ==, 1);
  assert_none_ready (f);
}

/* Sent again in a new epoch after its ACK was lost: acknowledged, not
 * delivered twice.
 */
static void
test_epoch_redelivery (Fixture       *f,
                       gconstpointer  data)
{
  Sent once = sent ("once", 0, 1);
  Sent after = sent ("after", 1, 2);

  receive_all (f, &once);
  assert_ready (f, &once);

  once.epoch = 1;
  after.epoch = 1;
  g_assert_true (receive (f, &once, 0));
  assert_none_ready (f);
  g_assert_cmpuint (f->stats.duplicates, ==, 1);
  assert_ack (f, 1, 1, 0, 0);

  receive_all (f, &after);
  assert_ready (f, &after);
  assert_ack (f, 1, 2, 0, 0);

  /* A new peer session starts the sequence over. */
  tincan_receiver_restart (f->receiver);
  once.epoch = 0;
  receive_all (f, &once);
  assert_ready (f, &once);
}

/* No ACK is bigger than the DATA bytes that asked for it. */
static void
test_ack_size (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *text = make_text (FRAGMENT + 2);
  TincanPacket ack;
  guint most = 0;

  /* Forty messages of two fragments, the second of two bytes: a DATA of
   * 54 bytes, and a gap before each.
   */
  for (guint k = 0; k < 40; k++)
    {
      Sent m = sent (text, 2 * k, k + 1);

      g_assert_true (receive (f, &m, 1));
      g_assert_cmpuint (f->last_length, ==, TINCAN_WIRE_DATA_HEADER_SIZE + 2);
      build_ack (f, &ack);
      g_assert_cmpuint (f->ack_length, <=, f->last_length);
      g_assert_cmpuint (ack.ack.n_ranges, >=, 1);
      most = MAX (most, ack.ack.n_ranges);
    }
  g_assert_cmpuint (most, ==, 2);

  /* Complete messages far ahead are held, and listed after the ranges
   * if there is room.
   */
  for (guint k = 0; k < 10; k++)
    {
      Sent m = sent ("x", 100 + k, 100 + k);

      g_assert_true (receive (f, &m, 0));
      build_ack (f, &ack);
      g_assert_cmpuint (f->ack_length, <=, f->last_length);
    }

  /* A big DATA, even a repeated one, buys the most an ACK holds. */
  {
    g_autofree char *big = make_text (2 * FRAGMENT);
    Sent m = sent (big, 2 * 39, 40);

    g_assert_false (receive (f, &m, 1));
    build_ack (f, &ack);
    g_assert_cmpuint (f->ack_length, <=, f->last_length);
    g_assert_cmpuint (ack.ack.n_ranges, ==, TINCAN_WIRE_MAX_ACK_RANGES);
    g_assert_cmpuint (ack.ack.n_held, ==, 10);
  }
}

/* How long the newest packet waited, so the sender can take it off its
 * round trip; only when the ACK reaches it.
 */
static void
test_ack_delay (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *text = make_text (FRAGMENT + 10);
  Sent a = sent (text, 0, 1);
  Sent b = sent ("bee", 2, 2);
  Sent c = sent (text, 3, 3);
  Sent d = sent ("dee", 5, 4);
  TincanPacket ack;

  g_assert_true (receive (f, &a, 0));
  f->now += 5 * MS;
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.delay, ==, 5 * MS);

  f->now += 5 * MS;
  g_assert_true (receive (f, &c, 0));
  f->now += 2 * MS;
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.ranges[0].end, ==, 4);
  g_assert_cmpuint (ack.ack.delay, ==, 2 * MS);

  /* b is not the highest number: the delay is still c's. */
  f->now += 8 * MS;
  g_assert_true (receive (f, &b, 0));
  f->now += 5 * MS;
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.delay, ==, 15 * MS);

  /* d is held, so this ACK does not reach the newest packet. */
  g_assert_true (receive (f, &d, 0));
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.delay, ==, TINCAN_WIRE_NO_DELAY);

  /* Nor does one cut short by its size. */
  for (guint k = 0; k < 5; k++)
    {
      Sent m = sent (text, 10 + 2 * k, 10 + k);

      g_assert_true (receive (f, &m, 0));
    }
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 6);
  g_assert_cmpuint (ack.ack.delay, ==, 0);
  {
    g_autofree char *short_text = make_text (FRAGMENT + 2);
    Sent tiny = sent (short_text, 40, 20);

    f->now += MS;
    g_assert_true (receive (f, &tiny, 1));
    build_ack (f, &ack);
    g_assert_cmpuint (ack.ack.n_ranges, ==, 2);
    g_assert_cmpuint (ack.ack.delay, ==, TINCAN_WIRE_NO_DELAY);
  }
}

/* The same packet numbers must describe the same message. */
static void
test_conflicting_fragments (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *text = make_text (3 * FRAGMENT);
  Sent m = sent (text, 0, 1);
  Sent liars[5];
  TincanPacket ack;

  m.length = FRAGMENT + 10;
  for (guint i = 0; i < G_N_ELEMENTS (liars); i++)
    liars[i] = m;
  liars[0].seq = 9;
  liars[1].uid ^= 1;
  liars[2].length = FRAGMENT + 11;
  liars[3].fragment_size = FRAGMENT + 1;
  liars[4].length = 3 * FRAGMENT;

  g_assert_true (receive (f, &m, 0));
  build_ack (f, &ack);

  for (guint i = 0; i < G_N_ELEMENTS (liars); i++)
    {
      g_assert_false (receive (f, &liars[i], 1));
      /* Refused, and counted as every refusal is. */
      g_assert_cmpuint (f->stats.malformed, ==, i + 1);
      assert_none_ready (f);
      assert_ack (f, 0, 1, 0, 0);
    }

  g_assert_true (receive (f, &m, 1));
  {
    g_autoptr(TincanMessage) message = take_ready (f);
    g_assert_nonnull (message);
    g_assert_cmpmem (tincan_message_get_text (message), strlen (tincan_message_get_text (message)),
                     text, FRAGMENT + 10);
  }
  assert_ack (f, 0, 2, 0, 0);
}

/* Two messages may not claim the same packet numbers: a fragment of one
 * that would overlap a message being reassembled is refused and counted,
 * so no ACK lists a held number inside one of its ranges.
 */
static void
test_overlapping_messages (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *three = make_text (3 * FRAGMENT);
  g_autofree char *one = make_text (10);
  Sent held = sent (one, 4, 2);        /* packet 4, complete, held */
  Sent below = sent (three, 2, 1);     /* packets 2 to 4: 4 is taken */
  Sent above = sent (three, 5, 3);     /* packets 5 to 7: free */
  Sent across = sent (three, 6, 4);    /* packets 6 to 8: 6 and 7 are taken */
  TincanPacket ack;

  g_assert_true (receive (f, &held, 0));
  g_assert_false (receive (f, &below, 0));
  g_assert_cmpuint (f->stats.malformed, ==, 1);
  g_assert_false (receive (f, &below, 2));
  g_assert_cmpuint (f->stats.malformed, ==, 2);

  g_assert_true (receive (f, &above, 1));
  g_assert_false (receive (f, &across, 2));
  g_assert_cmpuint (f->stats.malformed, ==, 3);

  /* What was refused is not acknowledged: the ACK is one the peer can
   * decode, packet 4 held and 6 received.
   */
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 0);
  g_assert_cmpuint (ack.ack.n_ranges, ==, 1);
  g_assert_cmpuint (ack.ack.ranges[0].start, ==, 6);
  g_assert_cmpuint (ack.ack.ranges[0].end, ==, 7);
  g_assert_cmpuint (ack.ack.n_held, ==, 1);
  g_assert_cmpuint (ack.ack.held[0], ==, 4);
}

/* At most 512 messages and 8 MiB being reassembled: past that a
 * fragment is refused, counted, and not acknowledged, so it comes again.
 */
static void
test_reassembly_limits (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *text = make_text (FRAGMENT + 2);
  g_autofree char *mebibyte = make_text (TINCAN_WIRE_MAX_MESSAGE);
  Sent first = sent (text, 0, 1);
  Sent extra = sent (text, 2 * 512, 513);
  TincanPacket ack;

  for (guint k = 0; k < 512; k++)
    {
      Sent m = sent (text, 2 * k, k + 1);

      g_assert_true (receive (f, &m, 1));
    }
  g_assert_cmpuint (f->stats.reassembly_discarded, ==, 0);

  g_assert_false (receive (f, &extra, 1));
  g_assert_cmpuint (f->stats.reassembly_discarded, ==, 1);

  /* One delivered makes room. */
  g_assert_true (receive (f, &first, 0));
  assert_ready (f, &first);
  g_assert_true (receive (f, &extra, 1));
  build_ack (f, &ack);
  g_assert_cmpuint (ack.ack.cumulative, ==, 2);

  /* Bytes: eight messages of a mebibyte fill the 8 MiB. */
  tincan_receiver_restart (f->receiver);
  for (guint k = 0; k < 9; k++)
    {
      Sent m = sent (mebibyte, 17 * k, k + 1);

      m.fragment_size = TINCAN_WIRE_MAX_FRAGMENT;
      g_assert_cmpuint (n_fragments (&m), ==, 17);
      if (k < 8)
        g_assert_true (receive (f, &m, 0));
      else
        g_assert_false (receive (f, &m, 0));
    }
  g_assert_cmpuint (f->stats.reassembly_discarded, ==, 2);
}

/* Half assembled for 60 s: dropped and counted. */
static void
test_expiry (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *text = make_text (FRAGMENT + 10);
  Sent a = sent (text, 0, 1);
  Sent b = sent (text, 2, 2);

  g_assert_cmpint (tincan_receiver_get_deadline (f->receiver), ==, G_MAXINT64);

  g_assert_true (receive (f, &a, 0));
  f->now += 10 * G_USEC_PER_SEC;
  g_assert_true (receive (f, &b, 0));
  g_assert_cmpint (tincan_receiver_get_deadline (f->receiver), ==, T0 + REASSEMBLY_MAX_AGE);

  tincan_receiver_expire (f->receiver, T0 + REASSEMBLY_MAX_AGE - 1);
  g_assert_cmpuint (f->stats.reassembly_discarded, ==, 0);
  g_assert_cmpint (tincan_receiver_get_deadline (f->receiver), ==, T0 + REASSEMBLY_MAX_AGE);

  tincan_receiver_expire (f->receiver, T0 + REASSEMBLY_MAX_AGE);
  g_assert_cmpuint (f->stats.reassembly_discarded, ==, 1);
  g_assert_cmpint (tincan_receiver_get_deadline (f->receiver), ==, f->now + REASSEMBLY_MAX_AGE);

  /* What was dropped is not there to complete. */
  f->now = T0 + REASSEMBLY_MAX_AGE + 1;
  g_assert_true (receive (f, &a, 1));
  assert_none_ready (f);

  tincan_receiver_expire (f->receiver, T0 + 10 * G_USEC_PER_SEC + REASSEMBLY_MAX_AGE);
  g_assert_cmpuint (f->stats.reassembly_discarded, ==, 2);
  g_assert_cmpint (tincan_receiver_get_deadline (f->receiver), ==, f->now + REASSEMBLY_MAX_AGE);
}

/* Plain-text datagrams (docs/PROTOCOL.md, *Plain-text datagrams*): text
 * is a message, anything else is dropped and counted, never shown with
 * replacement characters.
 */
static void
test_plain (Fixture       *f,
            gconstpointer  data)
{
  static const struct {
    const char         *datagram;
    gsize               length;   /* 0: strlen */
    TincanPlainVerdict  verdict;
    const char         *text;
  } cases[] = {
    { "hello", 0, TINCAN_PLAIN_TEXT, "hello" },
    { "hello\n", 0, TINCAN_PLAIN_TEXT, "hello" },
    { "hello\r\n", 0, TINCAN_PLAIN_TEXT, "hello" },
    { "two\n\n", 0, TINCAN_PLAIN_TEXT, "two\n" },
    { "lines\r\n\r\n", 0, TINCAN_PLAIN_TEXT, "lines\r\n" },
    { " spaced \n", 0, TINCAN_PLAIN_TEXT, " spaced " },
    { "Grüße\n", 0, TINCAN_PLAIN_TEXT, "Grüße" },
    { "tab\tseparated", 0, TINCAN_PLAIN_TEXT, "tab\tseparated" },
    { "漢字 and 🥫 and 👍🏽\n", 0, TINCAN_PLAIN_TEXT, "漢字 and 🥫 and 👍🏽" },
    /* U+00A0, just past the C1 controls, and U+FFFD sent as it is. */
    { "no\xc2\xa0" "break, \xef\xbf\xbd", 0, TINCAN_PLAIN_TEXT, "no\xc2\xa0" "break, \xef\xbf\xbd" },
    { "\xff\xfe bad\n", 0, TINCAN_PLAIN_NOT_UTF8, NULL },
    { "cut \xc3", 0, TINCAN_PLAIN_NOT_UTF8, NULL },
    { "surrogate \xed\xa0\x80", 0, TINCAN_PLAIN_NOT_UTF8, NULL },
    { "overlong \xc0\xaf", 0, TINCAN_PLAIN_NOT_UTF8, NULL },
    { "nul\0inside", 11, TINCAN_PLAIN_CONTROL, NULL },
    { "\x1b[31mred", 0, TINCAN_PLAIN_CONTROL, NULL },
    { "bell\a", 0, TINCAN_PLAIN_CONTROL, NULL },
    { "form\ffeed", 0, TINCAN_PLAIN_CONTROL, NULL },
    { "delete\x7f", 0, TINCAN_PLAIN_CONTROL, NULL },
    { "next line \xc2\x85", 0, TINCAN_PLAIN_CONTROL, NULL },
    { "csi \xc2\x9b", 0, TINCAN_PLAIN_CONTROL, NULL },
    { "first C1 \xc2\x80", 0, TINCAN_PLAIN_CONTROL, NULL },
    { "\n", 0, TINCAN_PLAIN_EMPTY, NULL },
    { "\r\n", 0, TINCAN_PLAIN_EMPTY, NULL },
    { "", 0, TINCAN_PLAIN_EMPTY, NULL },
  };
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint kept = 0, not_text = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TincanMessage) message = NULL;
      TincanPlainVerdict verdict = -1;
      g_autofree char *shown = g_strescape (cases[i].datagram, NULL);

      /* Escaped: TAP output is UTF-8, and some of these are not. */
      g_test_message ("%s", shown);
      message = tincan_receiver_take_plain (f->receiver, SESSION_A,
                                            (const guint8 *) cases[i].datagram,
                                            cases[i].length ? cases[i].length
                                                            : strlen (cases[i].datagram),
                                            &verdict);
      g_assert_cmpint (verdict, ==, cases[i].verdict);
      if (cases[i].text == NULL)
        {
          g_assert_null (message);
          not_text += verdict != TINCAN_PLAIN_EMPTY;
          continue;
        }

      g_assert_nonnull (message);
      g_assert_cmpstr (tincan_message_get_text (message), ==, cases[i].text);
      g_assert_true (g_utf8_validate (tincan_message_get_text (message), -1, NULL));
      g_assert_true (tincan_message_get_plain (message));
      g_assert_null (tincan_message_get_sender (message));
      g_assert_cmpuint (tincan_message_get_uid (message), ==, 0);
      g_assert_false (tincan_message_get_outgoing (message));
      g_assert_true (g_hash_table_add (ids, g_strdup (tincan_message_get_id (message))));
      kept++;
    }

  g_assert_cmpuint (f->stats.plain_received, ==, kept);
  g_assert_cmpuint (f->stats.not_text, ==, not_text);
  /* Never acknowledged. */
  g_assert_false (tincan_receiver_ack_pending (f->receiver));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/receiver/in-order", test_in_order);
  ADD ("/receiver/out-of-order", test_out_of_order);
  ADD ("/receiver/waits-for-earlier", test_waits_for_earlier);
  ADD ("/receiver/duplicates", test_duplicates);
  ADD ("/receiver/out-of-window", test_out_of_window);
  ADD ("/receiver/held", test_held);
  ADD ("/receiver/epoch/resets", test_epoch_resets);
  ADD ("/receiver/epoch/redelivery", test_epoch_redelivery);
  ADD ("/receiver/ack/size", test_ack_size);
  ADD ("/receiver/ack/delay", test_ack_delay);
  ADD ("/receiver/conflicting-fragments", test_conflicting_fragments);
  ADD ("/receiver/overlapping-messages", test_overlapping_messages);
  ADD ("/receiver/reassembly-limits", test_reassembly_limits);
  ADD ("/receiver/expiry", test_expiry);
  ADD ("/receiver/plain", test_plain);
#undef ADD

  return g_test_run ();
}

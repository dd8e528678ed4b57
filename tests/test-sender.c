/* test-sender.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanSender on a fake clock: no socket and no main loop, only the
 * `now` each call is handed, moved on by the test.  Every ACK a test
 * makes goes through the wire codec first, so it is one a real peer
 * could send (docs/PROTOCOL.md, *ACK*), and every DATA packet the sender
 * asks for is encoded and decoded back before it is looked at.
 *
 * test-sender-receiver.c wires a sender to a receiver.
 */

#include "config.h"

#include <string.h>

#include "tincan-sender.h"
#include "tincan-wire.h"

/* Any time but 0 will do: the sender takes 0 for "never". */
#define T0         (1000 * G_USEC_PER_SEC)
#define MS         G_TIME_SPAN_MILLISECOND
#define BASE       TINCAN_WIRE_BASE_DATAGRAM
#define JUMBO      8952
#define FRAGMENT   TINCAN_WIRE_MIN_FRAGMENT

/* What tincan-sender.c and docs/PROTOCOL.md promise. */
#define INITIAL_CWND  16
#define MIN_CWND      4
#define INITIAL_RTO   (250 * MS)
#define MAX_RTO       (1000 * MS)
#define MAX_BACKOFF   8
#define GIVE_UP       (30 * G_USEC_PER_SEC)

#define SESSION_A G_GUINT64_CONSTANT (0x0123456789abcdef)
#define SESSION_B G_GUINT64_CONSTANT (0xfedcba9876543210)

typedef struct
{
  TincanLinkStats  stats;
  GRand           *rand;
  TincanSender    *sender;
  gint64           now;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  memset (&f->stats, 0, sizeof f->stats);
  f->rand = g_rand_new_with_seed (20261130);
  f->sender = tincan_sender_new (f->rand, &f->stats);
  /* The link sets it from the peer's HELLO: a roomy socket, so that only
   * the congestion window counts unless a test says otherwise.
   */
  tincan_sender_set_peer_window (f->sender, 4 * 1024 * 1024);
  f->now = T0;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->sender, tincan_sender_free);
  g_clear_pointer (&f->rand, g_rand_free);
}

static TincanMessage *
queue (Fixture    *f,
       const char *text)
{
  TincanMessage *message = tincan_message_new_outgoing (text, FALSE);

  tincan_sender_add (f->sender, message, f->now);

  return message;
}

/* @length bytes of ASCII in which no run of a fragment repeats another,
 * so a payload taken from the wrong place shows.
 */
static char *
make_text (gsize length)
{
  char *text = g_malloc (length + 1);

  for (gsize i = 0; i < length; i++)
    text[i] = 'a' + (i % 23) + (i / 1000) % 3;
  text[length] = '\0';

  return text;
}

/* What the sender wants to send, through the codec and back. */
static guint
next_at (Fixture      *f,
         guint         datagram_size,
         TincanPacket *packets,
         guint         n_packets)
{
  guint n = tincan_sender_next (f->sender, f->now, datagram_size, packets, n_packets);

  for (guint i = 0; i < n; i++)
    {
      g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
      TincanPacket decoded;
      gsize length;

      g_assert_cmpint (packets[i].type, ==, TINCAN_PACKET_DATA);
      packets[i].sender_session = SESSION_A;
      packets[i].receiver_session = SESSION_B;
      length = tincan_wire_encode (&packets[i], buffer, TINCAN_WIRE_MAX_DATAGRAM);
      g_assert_cmpuint (length, >, TINCAN_WIRE_DATA_HEADER_SIZE);
      g_assert_cmpuint (length, <=, datagram_size);
      g_assert_cmpint (tincan_wire_decode (buffer, length, &decoded), ==, TINCAN_WIRE_OK);
      g_assert_cmpuint (decoded.data.packet_number, ==, packets[i].data.packet_number);
      g_assert_cmpmem (decoded.data.payload, decoded.data.payload_length,
                       packets[i].data.payload, packets[i].data.payload_length);
    }

  return n;
}

/* One packet, a millisecond after the one before: the sender tells what
 * was "sent after" a packet by its time.
 */
static guint32
send_one (Fixture *f)
{
  TincanPacket packet;

  f->now += MS;
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);

  return packet.data.packet_number;
}

/* @n short messages, each queued and sent on its own, a millisecond
 * apart, added to @messages.
 */
static void
queue_and_send_each (Fixture   *f,
                     GPtrArray *messages,
                     guint      n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      g_ptr_array_add (messages, queue (f, text));
      send_one (f);
    }
}

static void
ack_init (TincanPacket *ack,
          guint32       epoch,
          guint32       cumulative)
{
  memset (ack, 0, sizeof *ack);
  ack->type = TINCAN_PACKET_ACK;
  ack->sender_session = SESSION_B;
  ack->receiver_session = SESSION_A;
  ack->ack.epoch = epoch;
  ack->ack.cumulative = cumulative;
  ack->ack.delay = 0;
}

static void
ack_range (TincanPacket *ack,
           guint32       start,
           guint32       end)
{
  ack->ack.ranges[ack->ack.n_ranges].start = start;
  ack->ack.ranges[ack->ack.n_ranges].end = end;
  ack->ack.n_ranges++;
}

static void
ack_held (TincanPacket *ack,
          guint32       pn)
{
  ack->ack.held[ack->ack.n_held++] = pn;
}

/* Hands the sender @ack as the peer would send it: encoded, and only if
 * it decodes.
 */
static gboolean
handle_ack (Fixture            *f,
            const TincanPacket *ack)
{
  guint8 buffer[TINCAN_WIRE_BASE_DATAGRAM];
  TincanPacket decoded;
  gsize length;

  length = tincan_wire_encode (ack, buffer, sizeof buffer);
  g_assert_cmpint (tincan_wire_decode (buffer, length, &decoded), ==, TINCAN_WIRE_OK);

  return tincan_sender_handle_ack (f->sender, &decoded, f->now);
}

static gboolean
ack_cumulative (Fixture *f,
                guint32  cumulative)
{
  TincanPacket ack;

  ack_init (&ack, tincan_sender_get_epoch (f->sender), cumulative);

  return handle_ack (f, &ack);
}

static void
assert_deadline_in (Fixture *f,
                    gint64   from,
                    gint64   interval)
{
  gint64 deadline = tincan_sender_get_deadline (f->sender);

  /* An interval stretched by 0-20% of jitter. */
  g_assert_cmpint (deadline, >=, from + interval);
  g_assert_cmpint (deadline, <=, from + interval + interval / 5);
}

static void
test_delivered (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TincanMessage) message = queue (f, "Hello, tin can");
  TincanPacket packets[4];

  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 1);
  /* Nothing in flight: only the give-up time is due. */
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, T0 + GIVE_UP);

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 1);
  g_assert_cmpuint (packets[0].data.epoch, ==, 0);
  g_assert_cmpuint (packets[0].data.packet_number, ==, 0);
  g_assert_cmpuint (packets[0].data.message_seq, ==, 1);
  g_assert_cmpuint (packets[0].data.fragment_index, ==, 0);
  g_assert_cmpuint (packets[0].data.fragment_count, ==, 1);
  g_assert_cmpuint (packets[0].data.fragment_size, ==, FRAGMENT);
  g_assert_cmpuint (packets[0].data.message_length, ==, strlen ("Hello, tin can"));
  g_assert_cmpuint (packets[0].data.message_id, ==, tincan_message_get_uid (message));
  g_assert_cmpmem (packets[0].data.payload, packets[0].data.payload_length,
                   "Hello, tin can", strlen ("Hello, tin can"));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 1);
  assert_deadline_in (f, T0, INITIAL_RTO);

  /* Nothing more to send until it is acknowledged. */
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 0);

  f->now += 20 * MS;
  g_assert_true (ack_cumulative (f, 1));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_null (tincan_message_get_failure_reason (message));
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 0);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, G_MAXINT64);
  g_assert_cmpuint (f->stats.retransmissions, ==, 0);
  g_assert_cmpuint (f->stats.stale, ==, 0);
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 0);
}

static void
test_fragments (Fixture       *f,
                gconstpointer  data)
{
  gsize length = 3 * FRAGMENT + 100;
  g_autofree char *text = make_text (length);
  g_autofree char *huge = make_text (TINCAN_WIRE_MAX_MESSAGE);
  g_autoptr(TincanMessage) message = queue (f, text);
  g_autoptr(TincanMessage) jumbo = NULL;
  g_autoptr(TincanMessage) biggest = NULL;
  TincanPacket packets[8];

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpuint (packets[i].data.packet_number, ==, i);
      g_assert_cmpuint (packets[i].data.fragment_index, ==, i);
      g_assert_cmpuint (packets[i].data.fragment_count, ==, 4);
      g_assert_cmpuint (packets[i].data.fragment_size, ==, FRAGMENT);
      g_assert_cmpuint (packets[i].data.message_length, ==, length);
      g_assert_cmpuint (packets[i].data.message_seq, ==, 1);
      g_assert_cmpmem (packets[i].data.payload, packets[i].data.payload_length,
                       text + i * FRAGMENT, i < 3 ? FRAGMENT : 100);
    }

  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 4));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);

  /* Where the path carries more, the same text is one datagram. */
  jumbo = queue (f, text);
  g_assert_cmpuint (next_at (f, JUMBO, packets, G_N_ELEMENTS (packets)), ==, 1);
  g_assert_cmpuint (packets[0].data.packet_number, ==, 4);
  g_assert_cmpuint (packets[0].data.fragment_count, ==, 1);
  g_assert_cmpuint (packets[0].data.fragment_size, ==, JUMBO - TINCAN_WIRE_SEAL_OVERHEAD - TINCAN_WIRE_DATA_HEADER_SIZE);
  g_assert_cmpuint (packets[0].data.message_seq, ==, 2);
  g_assert_cmpmem (packets[0].data.payload, packets[0].data.payload_length, text, length);
  g_assert_true (ack_cumulative (f, 5));

  /* The longest message at the base size: the most fragments there are. */
  biggest = queue (f, huge);
  g_assert_cmpuint (next_at (f, BASE, packets, 1), ==, 1);
  g_assert_cmpuint (packets[0].data.fragment_count, ==, TINCAN_WIRE_MAX_FRAGMENTS);
  g_assert_cmpuint (TINCAN_WIRE_MAX_FRAGMENTS, ==, 945);
}

/* A message is cut when it is numbered: a bigger path found halfway
 * through it changes nothing for it, only for what is numbered after.
 */
static void
test_fragments_keep_their_size (Fixture       *f,
                                gconstpointer  data)
{
  gsize length = 3 * FRAGMENT + 100;
  g_autofree char *text = make_text (length);
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(TincanMessage) second = NULL;
  TincanPacket packets[8];

  /* Room for two base-size datagrams at the peer. */
  tincan_sender_set_peer_window (f->sender, 2 * BASE);
  first = queue (f, text);
  second = queue (f, text);

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 2);
  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 2));

  tincan_sender_set_peer_window (f->sender, 4 * 1024 * 1024);
  g_assert_cmpuint (next_at (f, JUMBO, packets, G_N_ELEMENTS (packets)), ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (packets[i].data.packet_number, ==, 2 + i);
      g_assert_cmpuint (packets[i].data.fragment_index, ==, 2 + i);
      g_assert_cmpuint (packets[i].data.fragment_size, ==, FRAGMENT);
      g_assert_cmpuint (packets[i].data.fragment_count, ==, 4);
    }
  g_assert_cmpmem (packets[1].data.payload, packets[1].data.payload_length,
                   text + 3 * FRAGMENT, 100);

  g_assert_cmpuint (packets[2].data.packet_number, ==, 4);
  g_assert_cmpuint (packets[2].data.message_seq, ==, 2);
  g_assert_cmpuint (packets[2].data.fragment_count, ==, 1);
  g_assert_cmpuint (packets[2].data.fragment_size, ==, JUMBO - TINCAN_WIRE_SEAL_OVERHEAD - TINCAN_WIRE_DATA_HEADER_SIZE);
}

/* RFC 9002's packet threshold: lost when three numbers above it, sent
 * after it, arrived; and then sent again before anything new.
 */
static void
test_loss_threshold (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *text = make_text (8 * FRAGMENT);
  g_autoptr(TincanMessage) message = queue (f, text);
  TincanPacket ack;
  TincanPacket packet;

  for (guint32 pn = 0; pn < 6; pn++)
    g_assert_cmpuint (send_one (f), ==, pn);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 6);

  /* Two above it: not yet. */
  f->now += 10 * MS;
  ack_init (&ack, 0, 0);
  ack_range (&ack, 1, 3);
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 4);
  g_assert_cmpuint (send_one (f), ==, 6);
  g_assert_cmpuint (f->stats.retransmissions, ==, 0);

  /* Three above it. */
  f->now += MS;
  ack_init (&ack, 0, 0);
  ack_range (&ack, 1, 4);
  g_assert_true (handle_ack (f, &ack));
  /* 1 and 2 before, 3 now arrived; 0 lost: 4, 5 and 6 in flight. */
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 3);

  f->now += MS;
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
  g_assert_cmpuint (packet.data.packet_number, ==, 0);
  g_assert_cmpuint (packet.data.fragment_index, ==, 0);
  g_assert_cmpmem (packet.data.payload, packet.data.payload_length, text, FRAGMENT);
  g_assert_cmpuint (f->stats.retransmissions, ==, 1);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 4);

  /* Once, not at every ACK after. */
  g_assert_cmpuint (send_one (f), ==, 7);
  g_assert_cmpuint (f->stats.retransmissions, ==, 1);

  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 8));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
}

/* Packets sent in one batch share a time, as the link hands one `now`
 * to a whole flush; numbers above one, in the same batch, were still
 * sent after it.
 */
static void
test_loss_in_one_batch (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *text = make_text (8 * FRAGMENT);
  g_autoptr(TincanMessage) message = queue (f, text);
  TincanPacket packets[8];
  TincanPacket ack;

  g_assert_cmpuint (next_at (f, BASE, packets, 6), ==, 6);

  f->now += 10 * MS;
  ack_init (&ack, 0, 0);
  ack_range (&ack, 1, 4);
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 2);

  f->now += MS;
  g_assert_cmpuint (next_at (f, BASE, packets, 1), ==, 1);
  g_assert_cmpuint (packets[0].data.packet_number, ==, 0);
  g_assert_cmpuint (f->stats.retransmissions, ==, 1);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
}

/* The window halves once per round of losses: a loss of something sent
 * before the last halving does not halve it again; one sent after does.
 */
static void
test_loss_halves_window (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *text = make_text (14 * FRAGMENT);
  g_autoptr(TincanMessage) message = queue (f, text);
  TincanPacket ack;
  TincanPacket packets[8];

  for (guint32 pn = 0; pn < 10; pn++)
    g_assert_cmpuint (send_one (f), ==, pn);

  f->now += 10 * MS;
  ack_init (&ack, 0, 0);
  ack_range (&ack, 1, 4);
  g_assert_true (handle_ack (f, &ack));
  /* Grown by 3, then halved for the loss of 0. */
  g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, (INITIAL_CWND + 3) / 2);

  f->now += MS;
  ack_range (&ack, 5, 9);
  g_assert_true (handle_ack (f, &ack));
  /* 4 is lost too, but it was sent before the window was halved. */
  g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, (INITIAL_CWND + 3) / 2 + 4);

  /* What was lost goes first, then what is new, a packet at a time. */
  f->now += MS;
  g_assert_cmpuint (next_at (f, BASE, packets, 2), ==, 2);
  g_assert_cmpuint (packets[0].data.packet_number, ==, 0);
  g_assert_cmpuint (packets[1].data.packet_number, ==, 4);
  g_assert_cmpuint (f->stats.retransmissions, ==, 2);
  for (guint32 pn = 10; pn < 14; pn++)
    g_assert_cmpuint (send_one (f), ==, pn);

  /* 10, and 0 and 4 sent again, went out after the halving and are
   * lost: a new round.
   */
  f->now += 10 * MS;
  ack_init (&ack, 0, 0);
  ack_range (&ack, 1, 4);
  ack_range (&ack, 5, 9);
  ack_range (&ack, 11, 14);
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, ((INITIAL_CWND + 3) / 2 + 4 + 3) / 2);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
}

/* An ACK that arrives after a newer one says nothing new. */
static void
test_ack_reordered (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TincanLinkStats stats;
  TincanPacket newer, older;
  gint64 deadline, srtt, rto;
  guint cwnd;

  queue_and_send_each (f, messages, 6);

  f->now += 30 * MS;
  ack_init (&older, 0, 2);
  ack_init (&newer, 0, 4);
  ack_range (&newer, 5, 6);
  g_assert_true (handle_ack (f, &newer));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 1);

  stats = f->stats;
  deadline = tincan_sender_get_deadline (f->sender);
  srtt = tincan_sender_get_srtt (f->sender);
  rto = tincan_sender_get_rto (f->sender);
  cwnd = tincan_sender_get_cwnd (f->sender);

  f->now += 5 * MS;
  g_assert_true (handle_ack (f, &older));

  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 1);
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 2);
  g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, cwnd);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, deadline);
  g_assert_cmpint (tincan_sender_get_srtt (f->sender), ==, srtt);
  g_assert_cmpint (tincan_sender_get_rto (f->sender), ==, rto);
  g_assert_cmpmem (&f->stats, sizeof f->stats, &stats, sizeof stats);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, i)), ==,
                     i < 4 ? TINCAN_MESSAGE_DELIVERED : TINCAN_MESSAGE_SENT);

  /* Nor does one older still, from before anything was acknowledged. */
  ack_init (&older, 0, 0);
  ack_range (&older, 1, 2);
  g_assert_true (handle_ack (f, &older));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 1);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, deadline);
}

/* The same ACK twice, as when the peer answers a repeated DATA. */
static void
test_ack_duplicate (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TincanLinkStats stats;
  TincanPacket ack;
  guint cwnd;

  queue_and_send_each (f, messages, 7);

  f->now += 30 * MS;
  ack_init (&ack, 0, 2);
  ack_range (&ack, 3, 5);
  for (guint round = 0; round < 3; round++)
    {
      g_assert_true (handle_ack (f, &ack));
      g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 3);
      g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, INITIAL_CWND + 4);
      /* 3 and 4 are acknowledged, but delivered only after 2. */
      g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 5);
      g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, 1)), ==,
                       TINCAN_MESSAGE_DELIVERED);
      g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, 3)), ==,
                       TINCAN_MESSAGE_SENT);
      f->now += MS;
    }

  /* A held packet, listed again and again, is out of flight once. */
  ack_init (&ack, 0, 3);
  ack_range (&ack, 4, 5);
  ack_held (&ack, 5);
  for (guint round = 0; round < 3; round++)
    {
      g_assert_true (handle_ack (f, &ack));
      g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 1);
      g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, INITIAL_CWND + 6);
      g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 2);
      g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, 5)), ==,
                       TINCAN_MESSAGE_SENT);
      f->now += MS;
    }

  g_assert_true (ack_cumulative (f, 7));
  stats = f->stats;
  cwnd = tincan_sender_get_cwnd (f->sender);
  g_assert_true (ack_cumulative (f, 7));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 0);
  g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, cwnd);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, G_MAXINT64);
  g_assert_cmpmem (&f->stats, sizeof f->stats, &stats, sizeof stats);
  g_assert_cmpuint (f->stats.retransmissions, ==, 0);
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, i)), ==,
                     TINCAN_MESSAGE_DELIVERED);
}

/* ACKs for another epoch, or for numbers never sent, are not ours. */
static void
test_ack_stale (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *text = make_text (3 * FRAGMENT);
  g_autoptr(TincanMessage) message = queue (f, text);
  TincanPacket packets[4];
  TincanPacket ack;

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 3);
  f->now += 10 * MS;

  ack_init (&ack, 1, 3);
  g_assert_false (handle_ack (f, &ack));
  g_assert_cmpuint (f->stats.stale, ==, 1);

  ack_init (&ack, 0, 4);
  g_assert_false (handle_ack (f, &ack));
  g_assert_cmpuint (f->stats.stale, ==, 2);

  ack_init (&ack, 0, 1);
  ack_range (&ack, 2, 5);
  g_assert_false (handle_ack (f, &ack));
  g_assert_cmpuint (f->stats.stale, ==, 3);

  ack_init (&ack, 0, 1);
  ack_held (&ack, 3);
  g_assert_false (handle_ack (f, &ack));
  g_assert_cmpuint (f->stats.stale, ==, 4);

  /* None of them counted for anything. */
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 3);
  g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, INITIAL_CWND);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);

  /* After a new epoch, one about the old epoch is stale too. */
  tincan_sender_new_epoch (f->sender);
  ack_init (&ack, 0, 3);
  g_assert_false (handle_ack (f, &ack));
  g_assert_cmpuint (f->stats.stale, ==, 5);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 3);
  g_assert_cmpuint (packets[0].data.epoch, ==, 1);
  g_assert_true (ack_cumulative (f, 3));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpuint (f->stats.stale, ==, 5);
}

/* Nothing acknowledged for an RTO: all presumed lost, the window at its
 * smallest, and each timeout in a row twice as long as the one before,
 * up to 1 s.
 */
static void
test_rto_backoff (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TincanPacket packets[16];
  gint64 deadline;
  gint64 interval = INITIAL_RTO;
  guint64 retransmissions = 0;

  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      g_ptr_array_add (messages, queue (f, text));
    }

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 10);
  assert_deadline_in (f, f->now, INITIAL_RTO);

  for (guint expiry = 1; expiry <= 12; expiry++)
    {
      deadline = tincan_sender_get_deadline (f->sender);

      f->now = deadline - 1;
      g_assert_false (tincan_sender_check_timeout (f->sender, f->now));
      g_assert_cmpuint (tincan_sender_get_backoff (f->sender), ==, MIN (expiry - 1, MAX_BACKOFF));

      f->now = deadline;
      g_assert_true (tincan_sender_check_timeout (f->sender, f->now));
      g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
      g_assert_cmpuint (tincan_sender_get_backoff (f->sender), ==, MIN (expiry, MAX_BACKOFF));
      g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, MIN_CWND);
      /* Fired once: not again until something is sent. */
      g_assert_false (tincan_sender_check_timeout (f->sender, f->now + G_USEC_PER_SEC));

      /* The oldest again, as many as the smallest window holds. */
      g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, MIN_CWND);
      for (guint i = 0; i < MIN_CWND; i++)
        g_assert_cmpuint (packets[i].data.packet_number, ==, i);
      retransmissions += MIN_CWND;
      g_assert_cmpuint (f->stats.retransmissions, ==, retransmissions);

      interval = MIN (interval * 2, MAX_RTO);
      assert_deadline_in (f, f->now, interval);
      /* The measured RTO is the same; only the backoff grew. */
      g_assert_cmpint (tincan_sender_get_rto (f->sender), ==, INITIAL_RTO);
    }

  /* An ACK ends the backoff. */
  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 10));
  g_assert_cmpuint (tincan_sender_get_backoff (f->sender), ==, 0);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, i)), ==,
                     TINCAN_MESSAGE_DELIVERED);
}

static void
test_rtt (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TincanPacket packet;
  TincanPacket ack;
  gint64 srtt;

  for (guint i = 0; i < 80; i++)
    g_ptr_array_add (messages, queue (f, "ping"));

  g_assert_cmpint (tincan_sender_get_srtt (f->sender), ==, 0);
  g_assert_cmpint (tincan_sender_get_rto (f->sender), ==, INITIAL_RTO);

  /* The first sample is the estimate, half of it the variation. */
  send_one (f);
  f->now += 40 * MS;
  g_assert_true (ack_cumulative (f, 1));
  g_assert_cmpint (tincan_sender_get_srtt (f->sender), ==, 40 * MS);
  g_assert_cmpint (tincan_sender_get_rto (f->sender), ==, 40 * MS + 4 * 20 * MS);

  /* 80 ms there and back, 20 of them waiting for the ACK: 60 ms. */
  send_one (f);
  f->now += 80 * MS;
  ack_init (&ack, 0, 2);
  ack.ack.delay = 20 * MS;
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpint (tincan_sender_get_srtt (f->sender), ==, (7 * 40 * MS + 60 * MS) / 8);
  g_assert_cmpint (tincan_sender_get_rto (f->sender), ==,
                   (7 * 40 * MS + 60 * MS) / 8 + 4 * 20 * MS);
  srtt = tincan_sender_get_srtt (f->sender);

  /* Not from a packet sent twice (Karn). */
  send_one (f);
  f->now = tincan_sender_get_deadline (f->sender);
  g_assert_true (tincan_sender_check_timeout (f->sender, f->now));
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
  g_assert_cmpuint (packet.data.packet_number, ==, 2);
  f->now += 5 * MS;
  g_assert_true (ack_cumulative (f, 3));
  g_assert_cmpint (tincan_sender_get_srtt (f->sender), ==, srtt);

  /* Nor from an ACK that does not say how long it waited. */
  send_one (f);
  f->now += 5 * MS;
  ack_init (&ack, 0, 4);
  ack.ack.delay = TINCAN_WIRE_NO_DELAY;
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpint (tincan_sender_get_srtt (f->sender), ==, srtt);

  /* A fast path: the RTO stops at 30 ms. */
  for (guint32 pn = 4; pn < 40; pn++)
    {
      send_one (f);
      f->now += 1 * MS;
      g_assert_true (ack_cumulative (f, pn + 1));
    }
  g_assert_cmpint (tincan_sender_get_srtt (f->sender), <, 2 * MS);
  g_assert_cmpint (tincan_sender_get_rto (f->sender), ==, 30 * MS);

  /* A slow one: at 1 s. */
  for (guint32 pn = 40; pn < 80; pn++)
    {
      send_one (f);
      f->now += 3 * G_USEC_PER_SEC;
      g_assert_true (ack_cumulative (f, pn + 1));
    }
  g_assert_cmpint (tincan_sender_get_srtt (f->sender), >, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (tincan_sender_get_rto (f->sender), ==, MAX_RTO);
}

static void
test_congestion_window (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TincanPacket packets[100];

  for (guint i = 0; i < 100; i++)
    g_ptr_array_add (messages, queue (f, "a few bytes"));

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, INITIAL_CWND);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, INITIAL_CWND);
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 0);
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, INITIAL_CWND)), ==,
                   TINCAN_MESSAGE_QUEUED);

  /* Four acknowledged: four out of flight, and the window four wider. */
  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 4));
  g_assert_cmpuint (tincan_sender_get_cwnd (f->sender), ==, INITIAL_CWND + 4);
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 8);
  g_assert_cmpuint (packets[0].data.packet_number, ==, INITIAL_CWND);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, INITIAL_CWND + 4);

  /* No more than @n_packets at a time, and the rest at the next call. */
  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 24));
  g_assert_cmpuint (next_at (f, BASE, packets, 3), ==, 3);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 3);
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==,
                    tincan_sender_get_cwnd (f->sender) - 3);
}

/* What the peer's socket holds bounds the window too, but never below
 * two datagrams.
 */
static void
test_peer_window (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TincanPacket packets[32];

  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (messages, queue (f, "a few bytes"));

  tincan_sender_set_peer_window (f->sender, 5 * BASE + BASE / 2);
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 5);

  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 5));
  g_assert_cmpuint (next_at (f, JUMBO, packets, G_N_ELEMENTS (packets)), ==, 2);
}

/* Held: arrived, not stored yet.  Out of flight, but not delivered. */
static void
test_held (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *text = make_text (3 * FRAGMENT - 10);
  g_autoptr(TincanMessage) message = queue (f, text);
  TincanPacket packets[4];
  TincanPacket ack;

  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 3);

  f->now += 20 * MS;
  ack_init (&ack, 0, 2);
  ack_held (&ack, 2);
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 1);
  /* Still timed: it must be acknowledged in the end. */
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), <, f->now + 2 * INITIAL_RTO);
  /* And not sent again meanwhile. */
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 0);

  /* Stored: acknowledged. */
  f->now += 5 * MS;
  g_assert_true (ack_cumulative (f, 3));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, G_MAXINT64);
  g_assert_cmpuint (f->stats.retransmissions, ==, 0);
}

/* A held packet shows what was sent before it was lost. */
static void
test_held_counts_for_loss (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  TincanPacket packet;
  TincanPacket ack;

  for (guint i = 0; i < 6; i++)
    g_ptr_array_add (messages, queue (f, "one"));
  for (guint32 pn = 0; pn < 5; pn++)
    g_assert_cmpuint (send_one (f), ==, pn);

  f->now += 10 * MS;
  ack_init (&ack, 0, 0);
  ack_range (&ack, 1, 3);
  ack_held (&ack, 3);
  g_assert_true (handle_ack (f, &ack));
  /* 1 and 2 arrived, 3 is held and 0 lost: only 4 in flight. */
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 1);

  f->now += MS;
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
  g_assert_cmpuint (packet.data.packet_number, ==, 0);
  g_assert_cmpuint (f->stats.retransmissions, ==, 1);
}

/* Held past a timeout: sent again, which is what makes the receiver try
 * to store the message again.
 */
static void
test_held_resent_on_timeout (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(TincanMessage) message = queue (f, "keep me");
  TincanPacket packet;
  TincanPacket ack;

  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
  f->now += 10 * MS;
  ack_init (&ack, 0, 0);
  ack_held (&ack, 0);
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);

  f->now = tincan_sender_get_deadline (f->sender);
  g_assert_true (tincan_sender_check_timeout (f->sender, f->now));
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
  g_assert_cmpuint (packet.data.packet_number, ==, 0);
  g_assert_cmpmem (packet.data.payload, packet.data.payload_length, "keep me", 7);
  g_assert_cmpuint (f->stats.retransmissions, ==, 1);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 1);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);

  /* Held again, then stored. */
  f->now += 10 * MS;
  g_assert_true (handle_ack (f, &ack));
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
  g_assert_true (ack_cumulative (f, 1));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
}

/* Past its give-up time a message fails, and since its numbers will
 * never all arrive, everything left is numbered again in a new epoch.
 */
static void
test_give_up (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(TincanMessage) second = NULL;
  TincanPacket packet;
  TincanPacket ack;

  tincan_sender_set_give_up_time (f->sender, 5 * G_USEC_PER_SEC);
  first = queue (f, "first");
  g_assert_cmpuint (send_one (f), ==, 0);
  f->now = T0 + G_USEC_PER_SEC;
  second = queue (f, "second");
  g_assert_cmpuint (send_one (f), ==, 1);

  g_assert_false (tincan_sender_has_expired (f->sender, T0 + 5 * G_USEC_PER_SEC - 1));
  g_assert_true (tincan_sender_has_expired (f->sender, T0 + 5 * G_USEC_PER_SEC));

  f->now = T0 + 5 * G_USEC_PER_SEC;
  tincan_sender_expire (f->sender, f->now, "Nobody answered");
  g_assert_cmpint (tincan_message_get_state (first), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (first), ==, "Nobody answered");
  g_assert_cmpint (tincan_message_get_state (second), ==, TINCAN_MESSAGE_QUEUED);
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 1);
  g_assert_cmpuint (tincan_sender_get_epoch (f->sender), ==, 1);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
  g_assert_false (tincan_sender_has_expired (f->sender, f->now));
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, T0 + 6 * G_USEC_PER_SEC);

  /* The second, from 0 in the new epoch, its sequence number kept. */
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
  g_assert_cmpuint (packet.data.epoch, ==, 1);
  g_assert_cmpuint (packet.data.packet_number, ==, 0);
  g_assert_cmpuint (packet.data.message_seq, ==, 2);
  g_assert_cmpuint (packet.data.message_id, ==, tincan_message_get_uid (second));
  g_assert_cmpuint (f->stats.retransmissions, ==, 0);

  /* The old epoch's ACK is stale now. */
  ack_init (&ack, 0, 2);
  g_assert_false (handle_ack (f, &ack));
  g_assert_cmpint (tincan_message_get_state (second), ==, TINCAN_MESSAGE_SENT);
  g_assert_true (ack_cumulative (f, 1));
  g_assert_cmpint (tincan_message_get_state (second), ==, TINCAN_MESSAGE_DELIVERED);

  /* Every epoch is a new one. */
  tincan_sender_new_epoch (f->sender);
  g_assert_cmpuint (tincan_sender_get_epoch (f->sender), ==, 2);
}

/* One that was never numbered leaves no gap behind: no new epoch. */
static void
test_give_up_unnumbered (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TincanMessage) message = queue (f, "never sent");

  f->now += GIVE_UP;
  g_assert_true (tincan_sender_has_expired (f->sender, f->now));
  tincan_sender_expire (f->sender, f->now, "No peer");
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (message), ==, "No peer");
  g_assert_cmpuint (tincan_sender_get_epoch (f->sender), ==, 0);
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 0);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, G_MAXINT64);
}

/* A long queue is no reason to fail: while the peer acknowledges
 * something new, nothing gives up, however long the last message waited
 * for its turn.  Once the peer falls silent, what is left fails the
 * give-up time after the last acknowledgement, not after it was queued.
 */
static void
test_give_up_counts_from_progress (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  const gint64 give_up = 5 * G_USEC_PER_SEC;
  gint64 last_ack = 0;
  TincanPacket packet;

  tincan_sender_set_give_up_time (f->sender, give_up);

  /* Forty queued at once, taken one at a time, each acknowledged half a
   * second later: the last waits twenty seconds, four give-up times.
   */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      g_ptr_array_add (messages, queue (f, text));
    }

  for (guint i = 0; i < 30; i++)
    {
      g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
      g_assert_cmpuint (packet.data.packet_number, ==, i);
      f->now += 500 * MS;
      g_assert_false (tincan_sender_has_expired (f->sender, f->now));
      g_assert_true (ack_cumulative (f, i + 1));
      last_ack = f->now;
      g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, i)), ==,
                       TINCAN_MESSAGE_DELIVERED);
      g_assert_cmpint (tincan_sender_get_deadline (f->sender), >=, f->now + give_up);
    }
  g_assert_cmpint (f->now - T0, ==, 15 * G_USEC_PER_SEC);

  /* Then silence: one more sent, never acknowledged.  An ACK that says
   * nothing new (the same again) is no sign of progress.
   */
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
  f->now += 100 * MS;
  g_assert_true (ack_cumulative (f, 30));

  g_assert_false (tincan_sender_has_expired (f->sender, last_ack + give_up - 1));
  g_assert_true (tincan_sender_has_expired (f->sender, last_ack + give_up));
  f->now = last_ack + give_up;
  tincan_sender_expire (f->sender, f->now, "Silent");
  for (guint i = 30; i < 40; i++)
    {
      g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, i)), ==,
                       TINCAN_MESSAGE_FAILED);
      g_assert_cmpstr (tincan_message_get_failure_reason (g_ptr_array_index (messages, i)), ==,
                       "Silent");
    }
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 0);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, G_MAXINT64);
}

/* Progress is not a head start for what comes later: a message queued
 * after the last acknowledgement has its own give-up time.
 */
static void
test_give_up_after_progress_from_queued (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(TincanMessage) second = NULL;

  tincan_sender_set_give_up_time (f->sender, 5 * G_USEC_PER_SEC);
  first = queue (f, "first");
  send_one (f);
  f->now += 10 * MS;
  g_assert_true (ack_cumulative (f, 1));

  f->now = T0 + 3 * G_USEC_PER_SEC;
  second = queue (f, "second");
  send_one (f);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), >, T0 + 3 * G_USEC_PER_SEC);
  g_assert_false (tincan_sender_has_expired (f->sender, T0 + 8 * G_USEC_PER_SEC - 1));
  g_assert_true (tincan_sender_has_expired (f->sender, T0 + 8 * G_USEC_PER_SEC));
}

/* A peer that holds a message (it arrived, and could not be stored, as
 * on a full disk) is not taking it: held is not progress, and the
 * message fails at its give-up time.
 */
static void
test_give_up_while_held (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TincanMessage) message = NULL;
  TincanPacket packet;
  TincanPacket ack;

  tincan_sender_set_give_up_time (f->sender, 5 * G_USEC_PER_SEC);
  message = queue (f, "no room for me");
  g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);

  while (f->now < T0 + 5 * G_USEC_PER_SEC - 300 * MS)
    {
      f->now += 10 * MS;
      ack_init (&ack, 0, 0);
      ack_held (&ack, 0);
      g_assert_true (handle_ack (f, &ack));
      g_assert_false (tincan_sender_has_expired (f->sender, f->now));

      f->now = MIN (tincan_sender_get_deadline (f->sender), T0 + 5 * G_USEC_PER_SEC - 1);
      if (tincan_sender_check_timeout (f->sender, f->now))
        g_assert_cmpuint (next_at (f, BASE, &packet, 1), ==, 1);
    }

  g_assert_true (tincan_sender_has_expired (f->sender, T0 + 5 * G_USEC_PER_SEC));
  tincan_sender_expire (f->sender, T0 + 5 * G_USEC_PER_SEC, "Not stored");
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_FAILED);
}

/* Taken back, oldest first, states as they were. */
static void
test_take_all (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TincanMessage) first = queue (f, "first");
  g_autoptr(TincanMessage) second = queue (f, "second");
  g_autoptr(TincanMessage) third = queue (f, "third");
  g_autoptr(GPtrArray) pending = NULL;
  TincanPacket packets[4];

  tincan_sender_set_peer_window (f->sender, 2 * BASE);
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 2);

  pending = tincan_sender_take_all (f->sender);
  g_assert_cmpuint (pending->len, ==, 3);
  g_assert_true (g_ptr_array_index (pending, 0) == first);
  g_assert_true (g_ptr_array_index (pending, 1) == second);
  g_assert_true (g_ptr_array_index (pending, 2) == third);
  g_assert_cmpint (tincan_message_get_state (first), ==, TINCAN_MESSAGE_SENT);
  g_assert_cmpint (tincan_message_get_state (third), ==, TINCAN_MESSAGE_QUEUED);

  g_assert_cmpuint (tincan_sender_get_epoch (f->sender), ==, 1);
  g_assert_cmpuint (tincan_sender_get_n_pending (f->sender), ==, 0);
  g_assert_cmpuint (tincan_sender_get_in_flight (f->sender), ==, 0);
  g_assert_cmpint (tincan_sender_get_deadline (f->sender), ==, G_MAXINT64);
  g_assert_cmpuint (next_at (f, BASE, packets, G_N_ELEMENTS (packets)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sender/delivered", test_delivered);
  ADD ("/sender/fragments", test_fragments);
  ADD ("/sender/fragments/keep-their-size", test_fragments_keep_their_size);
  ADD ("/sender/loss/threshold", test_loss_threshold);
  ADD ("/sender/loss/in-one-batch", test_loss_in_one_batch);
  ADD ("/sender/loss/halves-window", test_loss_halves_window);
  ADD ("/sender/ack/reordered", test_ack_reordered);
  ADD ("/sender/ack/duplicate", test_ack_duplicate);
  ADD ("/sender/ack/stale", test_ack_stale);
  ADD ("/sender/rto/backoff", test_rto_backoff);
  ADD ("/sender/rtt", test_rtt);
  ADD ("/sender/window/congestion", test_congestion_window);
  ADD ("/sender/window/peer", test_peer_window);
  ADD ("/sender/held", test_held);
  ADD ("/sender/held/counts-for-loss", test_held_counts_for_loss);
  ADD ("/sender/held/resent-on-timeout", test_held_resent_on_timeout);
  ADD ("/sender/give-up", test_give_up);
  ADD ("/sender/give-up/unnumbered", test_give_up_unnumbered);
  ADD ("/sender/give-up/counts-from-progress", test_give_up_counts_from_progress);
  ADD ("/sender/give-up/queued-after-progress", test_give_up_after_progress_from_queued);
  ADD ("/sender/give-up/held-is-not-progress", test_give_up_while_held);
  ADD ("/sender/take-all", test_take_all);
#undef ADD

  return g_test_run ();
}

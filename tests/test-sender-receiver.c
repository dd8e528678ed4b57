/* test-sender-receiver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TincanSender wired to a TincanReceiver through the wire codec, on a
 * fake clock, over a made-up network that loses, repeats and reorders
 * datagrams, as the two links of a conversation would be.
 * TINCAN_SENDER_SEED=N replays it with another seed.
 */

#include "config.h"

#include <string.h>

#include "tincan-receiver.h"
#include "tincan-sender.h"
#include "tincan-wire.h"

/* Any time but 0 will do: the sender takes 0 for "never". */
#define T0         (1000 * G_USEC_PER_SEC)
#define MS         G_TIME_SPAN_MILLISECOND
#define BASE       TINCAN_WIRE_BASE_DATAGRAM
#define JUMBO      8952
#define FRAGMENT   TINCAN_WIRE_MIN_FRAGMENT

#define SESSION_A G_GUINT64_CONSTANT (0x0123456789abcdef)
#define SESSION_B G_GUINT64_CONSTANT (0xfedcba9876543210)

/* A sender and a receiver over a bad network: every message delivered
 * exactly once, in order.
 */

#define N_MESSAGES      200
#define LOSS            0.20
#define DUPLICATE       0.05
#define MAX_LATENCY     (40 * MS)
#define REFUSE_KEEP     0.05
#define STEP            MS
#define MAX_STEPS       200000

typedef struct
{
  gint64  arrival;
  gsize   length;
  guint8 *bytes;
} Datagram;

static void
datagram_free (Datagram *datagram)
{
  g_free (datagram->bytes);
  g_free (datagram);
}

/* A network that loses some datagrams, repeats some, and delays each by
 * its own random latency, which reorders them.
 */
static void
transmit (GQueue       *wire,
          GRand        *rand,
          gint64        now,
          const guint8 *bytes,
          gsize         length)
{
  double roll = g_rand_double (rand);
  guint copies = roll < LOSS ? 0 : roll < LOSS + DUPLICATE ? 2 : 1;

  for (guint i = 0; i < copies; i++)
    {
      Datagram *datagram = g_new0 (Datagram, 1);
      GList *l;

      datagram->arrival = now + g_rand_int_range (rand, 1, MAX_LATENCY);
      datagram->length = length;
      datagram->bytes = g_memdup2 (bytes, length);

      /* By arrival time, so the wire is read in order. */
      l = wire->tail;
      while (l != NULL && ((Datagram *) l->data)->arrival > datagram->arrival)
        l = l->prev;
      if (l == NULL)
        g_queue_push_head (wire, datagram);
      else
        g_queue_insert_after (wire, l, datagram);
    }
}

static Datagram *
arrived (GQueue *wire,
         gint64  now)
{
  Datagram *head = g_queue_peek_head (wire);

  return head != NULL && head->arrival <= now ? g_queue_pop_head (wire) : NULL;
}

static char *
assorted_text (GRand *rand,
               guint  index)
{
  static const gsize sizes[] = { 1, 30, FRAGMENT, FRAGMENT + 1, 3 * FRAGMENT, 20000 };
  gsize length = g_rand_boolean (rand) ? sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))]
                                       : (gsize) g_rand_int_range (rand, 1, 5000);
  GString *text = g_string_sized_new (length + 16);

  g_string_printf (text, "%u", index);
  /* Some of it not ASCII, cut nowhere near a fragment's edge. */
  while (text->len < length)
    g_string_append (text, g_rand_int_range (rand, 0, 8) == 0 ? "ü" : "x");

  return g_string_free (text, FALSE);
}

static void
test_to_receiver (void)
{
  const char *seed_env = g_getenv ("TINCAN_SENDER_SEED");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261130;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GRand) jitter = g_rand_new_with_seed (1);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(TincanSender) sender = NULL;
  g_autoptr(TincanReceiver) receiver = NULL;
  g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  TincanLinkStats sender_stats = { 0 }, receiver_stats = { 0 };
  GQueue to_receiver = G_QUEUE_INIT, to_sender = G_QUEUE_INIT;
  gint64 now = T0;
  guint step;
  guint refused = 0;
  gsize longest = 0;

  sender = tincan_sender_new (jitter, &sender_stats);
  receiver = tincan_receiver_new (&receiver_stats);
  tincan_sender_set_peer_window (sender, 212992);
  /* Nothing may fail here: delivered late is still delivered. */
  tincan_sender_set_give_up_time (sender, 10 * 60 * G_USEC_PER_SEC);

  for (step = 0; step < MAX_STEPS; step++)
    {
      TincanPacket packets[16];
      Datagram *datagram;
      gsize data_bytes = 0;
      guint n;

      now += STEP;

      /* A few messages every few milliseconds; the path grows halfway. */
      while (sent->len < N_MESSAGES && step >= sent->len * 3)
        {
          g_autofree char *text = assorted_text (rand, sent->len);
          TincanMessage *message = tincan_message_new_outgoing (text, FALSE);

          longest = MAX (longest, strlen (text));
          g_ptr_array_add (sent, message);
          tincan_sender_add (sender, message, now);
        }

      /* The receiver reads a batch, keeps what is ready and answers
       * with one ACK, as the link does.
       */
      while ((datagram = arrived (&to_receiver, now)) != NULL)
        {
          TincanPacket packet;
          TincanMessage *ready;

          g_assert_cmpint (tincan_wire_decode (datagram->bytes, datagram->length, &packet), ==,
                           TINCAN_WIRE_OK);
          g_assert_cmpint (packet.type, ==, TINCAN_PACKET_DATA);
          data_bytes += datagram->length;

          if (tincan_receiver_handle_data (receiver, &packet, datagram->length, now))
            {
              while ((ready = tincan_receiver_next_ready (receiver, "peer")) != NULL)
                {
                  g_autoptr(TincanMessage) message = ready;

                  /* A full disk, now and then: tried again when the
                   * sender repeats the fragment.
                   */
                  if (g_rand_double (rand) < REFUSE_KEEP)
                    {
                      refused++;
                      break;
                    }

                  tincan_receiver_pop_ready (receiver);
                  g_ptr_array_add (received, g_steal_pointer (&message));
                }
            }

          datagram_free (datagram);
        }

      if (tincan_receiver_ack_pending (receiver))
        {
          TincanPacket ack;
          gsize length;

          tincan_receiver_build_ack (receiver, now, &ack);
          ack.sender_session = SESSION_B;
          ack.receiver_session = SESSION_A;
          length = tincan_wire_encode (&ack, buffer, TINCAN_WIRE_MAX_DATAGRAM);
          /* Never more bytes than the DATA that asked for it. */
          g_assert_cmpuint (length, <=, data_bytes);
          transmit (&to_sender, rand, now, buffer, length);
        }

      while ((datagram = arrived (&to_sender, now)) != NULL)
        {
          TincanPacket packet;

          g_assert_cmpint (tincan_wire_decode (datagram->bytes, datagram->length, &packet), ==,
                           TINCAN_WIRE_OK);
          tincan_sender_handle_ack (sender, &packet, now);
          datagram_free (datagram);
        }

      g_assert_false (tincan_sender_has_expired (sender, now));
      tincan_sender_check_timeout (sender, now);
      tincan_receiver_expire (receiver, now);

      /* The window is at most 64 packets: four batches empty it. */
      for (guint batch = 0; batch < 4; batch++)
        {
          n = tincan_sender_next (sender, now, sent->len < N_MESSAGES / 2 ? BASE : JUMBO,
                                  packets, G_N_ELEMENTS (packets));

          for (guint i = 0; i < n; i++)
            {
              gsize length;

              packets[i].sender_session = SESSION_A;
              packets[i].receiver_session = SESSION_B;
              length = tincan_wire_encode (&packets[i], buffer, TINCAN_WIRE_MAX_DATAGRAM);
              transmit (&to_receiver, rand, now, buffer, length);
            }

          if (n < G_N_ELEMENTS (packets))
            break;
        }

      if (sent->len == N_MESSAGES && tincan_sender_get_n_pending (sender) == 0)
        break;
    }

  g_test_message ("seed %u: %u steps (%" G_GINT64_FORMAT " ms), "
                  "%" G_GUINT64_FORMAT " retransmissions, "
                  "%" G_GUINT64_FORMAT " duplicates, %u refused, %u epochs",
                  seed, step, (now - T0) / MS, sender_stats.retransmissions,
                  receiver_stats.duplicates, refused, tincan_sender_get_epoch (sender));

  g_assert_cmpuint (step, <, MAX_STEPS);
  g_assert_cmpuint (received->len, ==, N_MESSAGES);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      TincanMessage *message = g_ptr_array_index (sent, i);
      TincanMessage *got = g_ptr_array_index (received, i);

      g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
      g_assert_cmpstr (tincan_message_get_text (got), ==, tincan_message_get_text (message));
      g_assert_cmpuint (tincan_message_get_uid (got), ==, tincan_message_get_uid (message));
    }

  /* The network was bad, and the test went through what it is for. */
  g_assert_cmpuint (longest, >, 3 * FRAGMENT);
  g_assert_cmpuint (sender_stats.retransmissions, >, 0);
  g_assert_cmpuint (receiver_stats.duplicates, >, 0);
  g_assert_cmpuint (refused, >, 0);
  g_assert_cmpuint (sender_stats.stale, ==, 0);
  g_assert_cmpuint (receiver_stats.malformed, ==, 0);

  g_queue_clear_full (&to_receiver, (GDestroyNotify) datagram_free);
  g_queue_clear_full (&to_sender, (GDestroyNotify) datagram_free);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sender/to-receiver/bad-network", test_to_receiver);

  return g_test_run ();
}

/* test-lossy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two links over a bad network, made in process by a filter on each
 * link's sending: 30% of datagrams lost each way, some duplicated, some
 * held back and sent later (so they arrive out of order), every ACK lost
 * for a second, and then nothing at all getting through for three
 * seconds.  Every message must end delivered exactly once and in order,
 * or failed and reported; none may vanish.
 *
 * A deep queue goes through a steadily lossy network too: thousands of
 * messages queued at once, a give-up time far shorter than the queue
 * takes to drain, and none may fail while the peer keeps acknowledging.
 *
 * The losses come from a seeded generator (TINCAN_LOSSY_SEED overrides
 * the seed), so a failure can be replayed; TINCAN_LOSSY_DEBUG=1 prints both
 * links' state every second and the order things arrived in.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tincan-link-private.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"

#define LOSS        0.30
#define DUPLICATE   0.05
#define DELAY       0.10
#define ACKS_LOST_FROM  (300 * G_TIME_SPAN_MILLISECOND)
#define ACKS_LOST_UNTIL (1300 * G_TIME_SPAN_MILLISECOND)
#define DARK_FROM   (1500 * G_TIME_SPAN_MILLISECOND)
#define DARK_UNTIL  (4500 * G_TIME_SPAN_MILLISECOND)
#define WAIT_LIMIT  (90 * G_USEC_PER_SEC)
#define STEADY_LOSS 0.20
#define DEEP_QUEUE  4000

typedef struct
{
  TincanLink *link;
  GRand      *rand;
  gint64      start;
  GPtrArray  *sent;       /* TincanMessage */
  GPtrArray  *received;   /* char * */
  guint       dropped;
  guint       duplicated;
  guint       delayed;
} Side;

static gboolean
bad_network (TincanLink   *link,
             const guint8 *datagram,
             gsize         length,
             gpointer      user_data)
{
  Side *side = user_data;
  gint64 elapsed = g_get_monotonic_time () - side->start;
  gboolean is_ack = length > 3 && datagram[3] == TINCAN_PACKET_ACK;
  double roll;

  if (elapsed >= DARK_FROM && elapsed < DARK_UNTIL)
    {
      side->dropped++;
      return FALSE;
    }

  if (is_ack && elapsed >= ACKS_LOST_FROM && elapsed < ACKS_LOST_UNTIL)
    {
      side->dropped++;
      return FALSE;
    }

  roll = g_rand_double (side->rand);

  if (roll < LOSS)
    {
      side->dropped++;
      return FALSE;
    }

  if (roll < LOSS + DUPLICATE)
    {
      side->duplicated++;
      tincan_link_send_raw (link, datagram, length);
      return TRUE;
    }

  if (roll < LOSS + DUPLICATE + DELAY)
    {
      tincan_test_send_later (link, datagram, length, g_rand_int_range (side->rand, 1, 40));
      side->delayed++;
      return FALSE;
    }

  return TRUE;
}

/* The same loss all along, no duplicates, no spells. */
static gboolean
steady_loss (TincanLink   *link,
             const guint8 *datagram,
             gsize         length,
             gpointer      user_data)
{
  Side *side = user_data;

  if (g_rand_double (side->rand) < STEADY_LOSS)
    {
      side->dropped++;
      return FALSE;
    }

  return TRUE;
}

static gboolean
drop_everything (TincanLink   *link,
                 const guint8 *datagram,
                 gsize         length,
                 gpointer      user_data)
{
  return FALSE;
}

static void
on_received_cb (TincanLink    *link,
                TincanMessage *message,
                Side          *side)
{
  g_ptr_array_add (side->received, g_strdup (tincan_message_get_text (message)));
}

static char *
random_text (GRand *rand,
             guint  index)
{
  gsize length = g_rand_int_range (rand, 1, 3001);
  GString *text = g_string_sized_new (length);

  g_string_printf (text, "%u.", index);
  while (text->len < length)
    g_string_append_c (text, 'a' + g_rand_int_range (rand, 0, 26));

  return g_string_free (text, FALSE);
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
all_finished (Side *side)
{
  for (guint i = 0; i < side->sent->len; i++)
    {
      TincanMessageState state = tincan_message_get_state (g_ptr_array_index (side->sent, i));

      if (state != TINCAN_MESSAGE_DELIVERED && state != TINCAN_MESSAGE_FAILED)
        return FALSE;
    }

  return TRUE;
}

/* What @to received is what @from sent: each delivered message once, in
 * order; a failed one at most once, in its place.
 */
static void
assert_exactly_once_in_order (Side *from,
                              Side *to)
{
  guint r = 0;
  guint delivered = 0;

  if (g_getenv ("TINCAN_LOSSY_DEBUG"))
    {
      GString *order = g_string_new (NULL);
      for (guint i = 0; i < to->received->len; i++)
        {
          const char *t = g_ptr_array_index (to->received, i);
          g_string_append_printf (order, "%.*s ", (int) (strchr (t, '.') - t), t);
        }
      g_printerr ("received: %s\n", order->str);
      g_string_free (order, TRUE);
    }

  for (guint i = 0; i < from->sent->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (from->sent, i);
      const char *text = tincan_message_get_text (message);
      gboolean got = r < to->received->len && g_str_equal (g_ptr_array_index (to->received, r), text);

      if (tincan_message_get_state (message) == TINCAN_MESSAGE_DELIVERED)
        {
          if (!got)
            g_error ("Message %u was reported delivered but not received in its place", i);
          delivered++;
        }
      else
        g_assert_nonnull (tincan_message_get_failure_reason (message));

      if (got)
        r++;
    }

  /* Nothing received that was not sent, nothing twice. */
  g_assert_cmpuint (r, ==, to->received->len);
  g_test_message ("%u of %u delivered", delivered, from->sent->len);
}

static void
side_open (Side   *side,
           guint32 seed)
{
  g_autoptr(GError) error = NULL;

  side->link = tincan_link_new (0, TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  side->rand = g_rand_new_with_seed (seed);
  side->sent = g_ptr_array_new_with_free_func (g_object_unref);
  side->received = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (side->link, "message-received", G_CALLBACK (on_received_cb), side);
  tincan_link_set_filter (side->link, bad_network, side);
}

static void
side_close (Side *side)
{
  const TincanLinkStats *stats = tincan_link_get_stats (side->link);

  g_test_message ("dropped %u, duplicated %u, delayed %u; retransmitted %" G_GUINT64_FORMAT
                  ", duplicates seen %" G_GUINT64_FORMAT,
                  side->dropped, side->duplicated, side->delayed,
                  stats->retransmissions, stats->duplicates);

  tincan_link_set_filter (side->link, NULL, NULL);
  g_clear_object (&side->link);
  g_clear_pointer (&side->rand, g_rand_free);
  g_clear_pointer (&side->sent, g_ptr_array_unref);
  g_clear_pointer (&side->received, g_ptr_array_unref);
}

static void
test_bad_network (void)
{
  const char *seed_env = g_getenv ("TINCAN_LOSSY_SEED");
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261122;
  g_autoptr(GRand) texts = g_rand_new_with_seed (seed);
  Side a = { 0 }, b = { 0 };
  gint64 deadline;
  guint wake;
  guint next_a = 0, next_b = 0;

  g_test_message ("seed %u", seed);

  side_open (&a, seed + 1);
  side_open (&b, seed + 2);
  a.start = b.start = g_get_monotonic_time ();
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_link_get_local_port (b.link));
  tincan_link_set_peer (b.link, "127.0.0.1", tincan_link_get_local_port (a.link));

  /* Messages go out before, during and after the bad spells. */
  deadline = g_get_monotonic_time () + WAIT_LIMIT;
  wake = g_timeout_add (5, wake_cb, NULL);

  while (g_get_monotonic_time () < deadline)
    {
      gint64 elapsed = g_get_monotonic_time () - a.start;

      while (next_a < 150 && elapsed >= (gint64) next_a * 40 * G_TIME_SPAN_MILLISECOND)
        {
          g_autofree char *text = random_text (texts, next_a++);

          g_ptr_array_add (a.sent, tincan_link_send (a.link, text, NULL));
        }

      while (next_b < 60 && elapsed >= (gint64) next_b * 100 * G_TIME_SPAN_MILLISECOND)
        {
          g_autofree char *text = random_text (texts, 1000 + next_b++);

          g_ptr_array_add (b.sent, tincan_link_send (b.link, text, NULL));
        }

      if (next_a == 150 && next_b == 60 && all_finished (&a) && all_finished (&b))
        break;

      if (g_getenv ("TINCAN_LOSSY_DEBUG") && elapsed / G_USEC_PER_SEC != (elapsed - 5000) / G_USEC_PER_SEC)
        {
          g_autofree char *da = tincan_link_describe (a.link);
          g_autofree char *db = tincan_link_describe (b.link);

          g_printerr ("t=%" G_GINT64_FORMAT " s\nA %sB %s", elapsed / G_USEC_PER_SEC, da, db);
        }

      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake);

  g_assert_cmpuint (a.sent->len, ==, 150);
  g_assert_cmpuint (b.sent->len, ==, 60);
  g_assert_true (all_finished (&a));
  g_assert_true (all_finished (&b));

  /* ACKs may still be on their way for the last ones; let them land. */
  assert_exactly_once_in_order (&a, &b);
  assert_exactly_once_in_order (&b, &a);

  /* The give-up time is 30 s and the dark spell 3 s: all should make it. */
  for (guint i = 0; i < a.sent->len; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (a.sent, i)), ==,
                     TINCAN_MESSAGE_DELIVERED);
  for (guint i = 0; i < b.sent->len; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (b.sent, i)), ==,
                     TINCAN_MESSAGE_DELIVERED);

  /* The network really was bad. */
  g_assert_cmpuint (a.dropped, >, 100);
  g_assert_cmpuint (a.duplicated, >, 0);
  g_assert_cmpuint (a.delayed, >, 0);
  g_assert_cmpuint (tincan_link_get_stats (a.link)->retransmissions, >, 0);
  g_assert_cmpuint (tincan_link_get_stats (b.link)->duplicates, >, 0);

  side_close (&a);
  side_close (&b);
}

/* The same, with the give-up time shorter than the dark spell: what was
 * in flight then fails and says so; everything after still arrives.
 */
static void
test_dark_longer_than_give_up (void)
{
  Side a = { 0 }, b = { 0 };
  g_autoptr(GRand) texts = g_rand_new_with_seed (99);
  gint64 deadline;
  guint wake;
  guint failed = 0;

  side_open (&a, 5);
  side_open (&b, 6);
  tincan_link_set_give_up_time (a.link, 2 * G_USEC_PER_SEC);
  a.start = b.start = g_get_monotonic_time ();
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_link_get_local_port (b.link));
  tincan_link_set_peer (b.link, "127.0.0.1", tincan_link_get_local_port (a.link));

  deadline = g_get_monotonic_time () + WAIT_LIMIT;
  wake = g_timeout_add (5, wake_cb, NULL);

  while (g_get_monotonic_time () < deadline)
    {
      gint64 elapsed = g_get_monotonic_time () - a.start;

      while (a.sent->len < 100 && elapsed >= (gint64) a.sent->len * 60 * G_TIME_SPAN_MILLISECOND)
        {
          g_autofree char *text = random_text (texts, a.sent->len);

          g_ptr_array_add (a.sent, tincan_link_send (a.link, text, NULL));
        }

      if (a.sent->len == 100 && all_finished (&a))
        break;

      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (wake);

  g_assert_true (all_finished (&a));
  assert_exactly_once_in_order (&a, &b);

  for (guint i = 0; i < a.sent->len; i++)
    failed += tincan_message_get_state (g_ptr_array_index (a.sent, i)) == TINCAN_MESSAGE_FAILED;

  /* Some were caught by the dark spell; the last ones were not. */
  g_test_message ("%u failed", failed);
  g_assert_cmpuint (failed, >, 0);
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (a.sent, 99)), ==,
                   TINCAN_MESSAGE_DELIVERED);

  side_close (&a);
  side_close (&b);
}

/* Thousands queued at once through a 20% loss each way, with a give-up
 * time of one second: the queue takes many times that to drain, and
 * the peer acknowledges all along, so nothing fails (docs/PROTOCOL.md,
 * *Give-up*).  Under the old rule, counting from when each message was
 * queued, most of them failed.
 */
static gboolean
met_peer (Side *side)
{
  return tincan_link_get_encrypted (side->link)
         && tincan_link_get_presence (side->link) == TINCAN_PRESENCE_ONLINE;
}

static void
test_deep_queue (void)
{
  /* Longer than two of the longest RTOs (1 s, +20%) back to back, so that
   * only a peer that stopped acknowledging could reach it.
   */
  const gint64 give_up = 2500 * G_TIME_SPAN_MILLISECOND;
  Side a = { 0 }, b = { 0 };
  gint64 started, elapsed;
  guint failed = 0;

  side_open (&a, 41);
  side_open (&b, 42);
  tincan_link_set_filter (a.link, steady_loss, &a);
  tincan_link_set_filter (b.link, steady_loss, &b);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_link_get_local_port (b.link));
  tincan_link_set_peer (b.link, "127.0.0.1", tincan_link_get_local_port (a.link));

  /* Met first (the handshake through the loss may take more than the
   * give-up time): then a queue that keeps being acknowledged.
   */
  g_assert_true (tincan_test_wait_for ((gboolean (*) (gpointer)) met_peer, &a));
  g_assert_true (tincan_test_wait_for ((gboolean (*) (gpointer)) met_peer, &b));
  tincan_link_set_give_up_time (a.link, give_up);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < DEEP_QUEUE; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u. deep in the queue", i);

      g_ptr_array_add (a.sent, tincan_link_send (a.link, text, NULL));
    }

  g_assert_true (tincan_test_wait_for ((gboolean (*) (gpointer)) all_finished, &a));
  elapsed = g_get_monotonic_time () - started;

  for (guint i = 0; i < a.sent->len; i++)
    failed += tincan_message_get_state (g_ptr_array_index (a.sent, i)) == TINCAN_MESSAGE_FAILED;
  g_test_message ("%u messages in %" G_GINT64_FORMAT " ms, %u failed", DEEP_QUEUE,
                  elapsed / G_TIME_SPAN_MILLISECOND, failed);

  g_assert_cmpuint (failed, ==, 0);
  /* The test is about a queue that outlives the give-up time: by the old
   * rule, its last messages would have failed.
   */
  g_assert_cmpint (elapsed, >, 3 * give_up / 2);
  assert_exactly_once_in_order (&a, &b);
  g_assert_cmpuint (b.received->len, ==, DEEP_QUEUE);
  g_assert_cmpuint (a.dropped, >, DEEP_QUEUE / 10);

  side_close (&a);
  side_close (&b);
}

/* The peer falls silent: what is waiting fails the give-up time after
 * the last acknowledgement, as before.
 */
static void
test_silent_peer_gives_up (void)
{
  const gint64 give_up = 1 * G_USEC_PER_SEC;
  Side a = { 0 }, b = { 0 };
  gint64 silent_from;

  side_open (&a, 43);
  side_open (&b, 44);
  tincan_link_set_filter (a.link, steady_loss, &a);
  tincan_link_set_filter (b.link, steady_loss, &b);
  tincan_link_set_peer (a.link, "127.0.0.1", tincan_link_get_local_port (b.link));
  tincan_link_set_peer (b.link, "127.0.0.1", tincan_link_get_local_port (a.link));

  /* Met through the loss (a handshake may take a few tries), then the
   * short give-up time.
   */
  g_ptr_array_add (a.sent, tincan_link_send (a.link, "heard", NULL));
  g_assert_true (tincan_test_wait_for ((gboolean (*) (gpointer)) all_finished, &a));
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (a.sent, 0)), ==,
                   TINCAN_MESSAGE_DELIVERED);
  tincan_link_set_give_up_time (a.link, give_up);

  /* The peer falls silent: it hears us, and nothing it says gets back. */
  tincan_link_set_filter (b.link, drop_everything, NULL);
  silent_from = g_get_monotonic_time ();
  for (guint i = 0; i < 50; i++)
    g_ptr_array_add (a.sent, tincan_link_send (a.link, "anyone?", NULL));

  g_assert_true (tincan_test_wait_for ((gboolean (*) (gpointer)) all_finished, &a));
  for (guint i = 1; i < a.sent->len; i++)
    g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (a.sent, i)), ==,
                     TINCAN_MESSAGE_FAILED);
  g_assert_cmpint (g_get_monotonic_time () - silent_from, >=, give_up);
  g_assert_cmpint (g_get_monotonic_time () - silent_from, <, give_up + 2 * G_USEC_PER_SEC);

  side_close (&a);
  side_close (&b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lossy/bad-network", test_bad_network);
  g_test_add_func ("/lossy/dark-longer-than-give-up", test_dark_longer_than_give_up);
  g_test_add_func ("/lossy/deep-queue", test_deep_queue);
  g_test_add_func ("/lossy/silent-peer-gives-up", test_silent_peer_gives_up);

  return g_test_run ();
}

/* test-goodbye.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Leaving (docs/PROTOCOL.md, *Leaving*): TincanGoodbye on a fake clock,
 * then tincan_link_close_async() between two links on loopback: a BYE
 * makes the peer offline and fails nothing; a link that acknowledged
 * DATA lingers, repeats its last ACK, and answers what comes while it
 * does.
 *
 * And the case it is for: a receiver that goes as soon as it has its
 * last message, through a lossy network, twenty seeds at once.  Every
 * message its sender sent must end delivered, none failed.
 * TINCAN_GOODBYE_LINGER_MS=0 runs that one without lingering, to see it
 * fail; TINCAN_GOODBYE_SEED=N runs it with seeds N to N + 19.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tincan-goodbye.h"
#include "tincan-link-pair.h"
#include "tincan-link-private.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"

/* Any time but 0 will do. */
#define T0         (1000 * G_USEC_PER_SEC)
#define MS         G_TIME_SPAN_MILLISECOND
#define LINGER     (2000 * MS)

/* TincanGoodbye */

/* Nothing acknowledged, so no ACK to lose: one BYE, and done. */
static void
test_nothing_to_linger_for (void)
{
  g_autoptr(TincanGoodbye) goodbye = tincan_goodbye_new ();

  g_assert_false (tincan_goodbye_is_active (goodbye));
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, G_MAXINT64);
  g_assert_cmpint (tincan_goodbye_tick (goodbye, T0), ==, 0);

  tincan_goodbye_start (goodbye, T0, LINGER, FALSE);
  g_assert_true (tincan_goodbye_is_active (goodbye));
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, T0);
  g_assert_cmpint (tincan_goodbye_tick (goodbye, T0), ==,
                   TINCAN_GOODBYE_SEND_BYE | TINCAN_GOODBYE_DONE);
  g_assert_false (tincan_goodbye_is_active (goodbye));
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, G_MAXINT64);

  /* Asked not to linger: the same. */
  tincan_goodbye_start (goodbye, T0, 0, TRUE);
  g_assert_cmpint (tincan_goodbye_tick (goodbye, T0), ==,
                   TINCAN_GOODBYE_SEND_BYE | TINCAN_GOODBYE_DONE);
}

/* Three BYEs over the first linger time, done when it is over. */
static void
test_linger (void)
{
  g_autoptr(TincanGoodbye) goodbye = tincan_goodbye_new ();
  gint64 now = T0;
  guint byes = 0;

  tincan_goodbye_start (goodbye, T0, LINGER, TRUE);
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, T0);

  while (tincan_goodbye_is_active (goodbye))
    {
      TincanGoodbyeActions actions;

      now = tincan_goodbye_get_deadline (goodbye);
      g_assert_cmpint (tincan_goodbye_tick (goodbye, now - 1), ==, 0);
      actions = tincan_goodbye_tick (goodbye, now);
      g_assert_cmpint (actions, !=, 0);
      byes += (actions & TINCAN_GOODBYE_SEND_BYE) != 0;
      if (actions & TINCAN_GOODBYE_SEND_BYE)
        g_assert_cmpint (now, <, T0 + LINGER);
    }

  g_assert_cmpuint (byes, ==, 3);
  g_assert_cmpint (now, ==, T0 + LINGER);
}

/* DATA while lingering starts the wait again, but never past five
 * linger times in all.
 */
static void
test_data_extends (void)
{
  g_autoptr(TincanGoodbye) goodbye = tincan_goodbye_new ();
  gint64 now;

  tincan_goodbye_start (goodbye, T0, LINGER, TRUE);
  for (guint i = 0; i < 3; i++)
    {
      now = tincan_goodbye_get_deadline (goodbye);
      g_assert_cmpint (tincan_goodbye_tick (goodbye, now), ==, TINCAN_GOODBYE_SEND_BYE);
    }
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, T0 + LINGER);

  tincan_goodbye_data_arrived (goodbye, T0 + 1500 * MS);
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, T0 + 3500 * MS);
  g_assert_cmpint (tincan_goodbye_tick (goodbye, T0 + LINGER), ==, 0);

  /* Earlier DATA, reported late, moves nothing back. */
  tincan_goodbye_data_arrived (goodbye, T0 + 100 * MS);
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, T0 + 3500 * MS);

  /* A peer that never stops. */
  for (now = T0; now < T0 + 20 * G_USEC_PER_SEC; now += 100 * MS)
    {
      tincan_goodbye_data_arrived (goodbye, now);
      g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), <=, T0 + 5 * LINGER);
      if (now >= T0 + 5 * LINGER)
        break;
      g_assert_cmpint (tincan_goodbye_tick (goodbye, now), ==, 0);
    }
  g_assert_cmpint (tincan_goodbye_tick (goodbye, T0 + 5 * LINGER), ==, TINCAN_GOODBYE_DONE);

  /* Stopped: nothing more. */
  tincan_goodbye_start (goodbye, T0, LINGER, TRUE);
  tincan_goodbye_stop (goodbye);
  g_assert_cmpint (tincan_goodbye_tick (goodbye, T0 + 10 * LINGER), ==, 0);
  g_assert_cmpint (tincan_goodbye_get_deadline (goodbye), ==, G_MAXINT64);
}

/* Two links */

typedef struct
{
  GMainLoop *loop;
  gboolean   done;
  gboolean   ok;
  gint64     finished_at;
} Closed;

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Closed *closed = user_data;
  g_autoptr(GError) error = NULL;

  closed->ok = tincan_link_close_finish (TINCAN_LINK (object), result, &error);
  g_assert_true (closed->ok == (error == NULL));
  if (error != NULL)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  closed->done = TRUE;
  closed->finished_at = g_get_monotonic_time ();
}

static gboolean
is_closed (gpointer data)
{
  return ((Closed *) data)->done;
}

typedef struct
{
  TincanLink     *link;
  TincanPresence  presence;
} PresenceQuery;

static gboolean
has_presence (gpointer data)
{
  PresenceQuery *query = data;

  return tincan_link_get_presence (query->link) == query->presence;
}

static void
wait_presence (TincanLink     *link,
               TincanPresence  presence)
{
  PresenceQuery query = { link, presence };

  g_assert_true (tincan_test_wait_for (has_presence, &query));
}

typedef struct
{
  guint    byes;
  gboolean drop_acks;
} Counter;

/* Counts the BYEs a link sends, and drops its ACKs when asked. */
static gboolean
count_byes (TincanLink   *link,
            const guint8 *datagram,
            gsize         length,
            gpointer      user_data)
{
  Counter *counter = user_data;

  if (length > 3 && datagram[3] == TINCAN_PACKET_BYE)
    counter->byes++;

  return !(counter->drop_acks && length > 3 && datagram[3] == TINCAN_PACKET_ACK);
}

/* Said before anything came: one BYE, over at once; the peer shows it
 * offline, and the goodbye is over on the peer's side too: no HELLO
 * brings it back until the link says one.
 */
static void
test_link_bye (Fixture       *fixture,
               gconstpointer  user_data)
{
  Counter counter = { 0 };
  Closed closed = { 0 };
  gint64 started;

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_link_set_filter (fixture->b.link, count_byes, &counter);

  started = g_get_monotonic_time ();
  tincan_link_close_async (fixture->b.link, TINCAN_LINK_LINGER_MS, NULL, on_closed_cb, &closed);
  g_assert_true (tincan_test_wait_for (is_closed, &closed));
  g_assert_true (closed.ok);
  g_assert_cmpint (closed.finished_at - started, <, 500 * MS);
  g_assert_cmpuint (counter.byes, ==, 1);

  wait_presence (fixture->a.link, TINCAN_PRESENCE_OFFLINE);

  /* A's keepalive or anything else B still answers does not make B
   * online again; a HELLO does.
   */
  tincan_test_run_for (100);
  g_assert_cmpint (tincan_link_get_presence (fixture->a.link), ==, TINCAN_PRESENCE_OFFLINE);
  tincan_link_set_peer (fixture->b.link, "127.0.0.1", tincan_link_get_local_port (fixture->a.link));
  wait_presence (fixture->a.link, TINCAN_PRESENCE_ONLINE);
}

/* A BYE fails nothing: a message the peer never acknowledged waits, as
 * for any peer that went away, and is delivered when it is back.
 */
static void
test_link_bye_fails_nothing (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = tincan_link_get_local_port (fixture->b.link);
  Counter counter = { 0, TRUE };
  Closed closed = { 0 };
  TincanMessage *message;

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_link_set_give_up_time (fixture->a.link, 5 * G_USEC_PER_SEC);

  /* B gets it, and its ACKs never get back. */
  tincan_link_set_filter (fixture->b.link, count_byes, &counter);
  message = tincan_link_send (fixture->a.link, "did you get it?", NULL);
  g_ptr_array_add (sent, message);
  wait_received (&fixture->b, 1);

  tincan_link_close_async (fixture->b.link, 300, NULL, on_closed_cb, &closed);
  wait_presence (fixture->a.link, TINCAN_PRESENCE_OFFLINE);
  g_assert_true (tincan_test_wait_for (is_closed, &closed));
  g_assert_cmpuint (counter.byes, ==, 3);
  end_close (&fixture->b);

  /* Gone: still not failed, well past the BYE. */
  tincan_test_run_for (1000);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);

  /* Back, as a new run: delivered. */
  end_open (&fixture->b, port, "Grace");
  connect_ends (&fixture->b, &fixture->a);
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_DELIVERED);
}

/* Lingering, a link acknowledges what it had (answering DATA sent again,
 * and repeating its ACK with each BYE), delivers what is new, and answers
 * a HELLO with a BYE; it is over once nothing has come for the linger
 * time.
 */
static void
test_link_linger_answers (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  Counter counter = { 0, TRUE };
  Closed closed = { 0 };
  TincanMessage *first, *second;
  gint64 started;

  g_assert_true (tincan_test_wait_for (both_online, fixture));

  /* The first arrives; every ACK for it is lost. */
  tincan_link_set_filter (fixture->b.link, count_byes, &counter);
  first = tincan_link_send (fixture->a.link, "the last one, I thought", NULL);
  g_ptr_array_add (sent, first);
  wait_received (&fixture->b, 1);

  /* B says goodbye, and its ACKs get through from then on. */
  started = g_get_monotonic_time ();
  tincan_link_close_async (fixture->b.link, 1000, NULL, on_closed_cb, &closed);
  counter.drop_acks = FALSE;
  wait_presence (fixture->a.link, TINCAN_PRESENCE_OFFLINE);

  /* A learns that the first arrived. */
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (first), ==, TINCAN_MESSAGE_DELIVERED);
  g_assert_false (closed.done);

  /* One more, while B lingers: A says hello to a peer it sees offline,
   * B answers that it is leaving, and takes the message as usual.
   */
  second = tincan_link_send (fixture->a.link, "one more", NULL);
  g_ptr_array_add (sent, second);
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (second), ==, TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 1)), ==,
                   "one more");

  g_assert_true (tincan_test_wait_for (is_closed, &closed));
  g_assert_true (closed.ok);
  g_assert_cmpint (closed.finished_at - started, >=, 1000 * MS);
  g_assert_cmpuint (counter.byes, >=, 3);
  g_assert_cmpint (tincan_link_get_presence (fixture->a.link), ==, TINCAN_PRESENCE_OFFLINE);
  g_assert_cmpuint (fixture->b.received->len, ==, 2);
}

/* Cut short by its cancellable; a second goodbye while one is under way
 * is refused.
 */
static void
test_link_close_cancelled (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  Closed closed = { 0 };

  g_ptr_array_add (sent, tincan_link_send (fixture->a.link, "so it lingers", NULL));
  wait_received (&fixture->b, 1);

  tincan_link_close_async (fixture->b.link, 10000, cancellable, on_closed_cb, &closed);
  tincan_test_run_for (100);
  g_assert_false (closed.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (tincan_test_wait_for (is_closed, &closed));
  g_assert_false (closed.ok);
}

/* The case it is for, through a lossy network */

#define N_SEEDS     20
#define N_MESSAGES  150
#define LOSS        0.20
#define GIVE_UP     (15 * G_USEC_PER_SEC)

typedef struct
{
  TincanLink *sender;
  TincanLink *receiver;
  GRand      *rand;
  GPtrArray  *sent;       /* TincanMessage */
  GPtrArray  *received;   /* char * */
  Closed      closed;
  guint       linger_ms;
} Pair;

/* A path of the base size, losing a fifth of what it carries.  Probes of
 * bigger datagrams are lost too, so the pair talks at the base size:
 * what a path does to big datagrams under loss is test-lossy's business,
 * and this test is about the end of a conversation.
 */
static gboolean
lossy (TincanLink   *link,
       const guint8 *datagram,
       gsize         length,
       gpointer      user_data)
{
  return g_rand_double (((Pair *) user_data)->rand) >= LOSS && length <= TINCAN_WIRE_BASE_DATAGRAM;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* The receiver goes right after its last message, as tincan-cli -c does. */
static void
on_pair_received_cb (TincanLink    *link,
                     TincanMessage *message,
                     Pair          *pair)
{
  g_ptr_array_add (pair->received, g_strdup (tincan_message_get_text (message)));

  if (pair->received->len == N_MESSAGES)
    tincan_link_close_async (link, pair->linger_ms, NULL, on_closed_cb, &pair->closed);
}

static gboolean
pairs_online (gpointer data)
{
  Pair *pairs = data;

  for (guint i = 0; i < N_SEEDS; i++)
    {
      if (tincan_link_get_presence (pairs[i].sender) != TINCAN_PRESENCE_ONLINE
          || tincan_link_get_presence (pairs[i].receiver) != TINCAN_PRESENCE_ONLINE)
        return FALSE;
    }

  return TRUE;
}

/* Each receiver dropped once its goodbye is over, as a process exits. */
static gboolean
pairs_finished (gpointer data)
{
  Pair *pairs = data;
  gboolean finished = TRUE;

  for (guint i = 0; i < N_SEEDS; i++)
    {
      if (pairs[i].receiver != NULL && pairs[i].closed.done)
        g_clear_object (&pairs[i].receiver);
      if (pairs[i].receiver != NULL || !all_finished (pairs[i].sent))
        finished = FALSE;
    }

  return finished;
}

static void
test_receiver_leaves_at_once (void)
{
  const char *linger_env = g_getenv ("TINCAN_GOODBYE_LINGER_MS");
  const char *seed_env = g_getenv ("TINCAN_GOODBYE_SEED");
  guint linger_ms = linger_env ? (guint) g_ascii_strtoull (linger_env, NULL, 10) : TINCAN_LINK_LINGER_MS;
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261201;
  Pair pairs[N_SEEDS] = { 0 };
  guint n_failed = 0;
  gint64 deadline;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  g_test_message ("seeds %u to %u, lingering %u ms", seed, seed + N_SEEDS - 1, linger_ms);

  for (guint i = 0; i < N_SEEDS; i++)
    {
      Pair *pair = &pairs[i];
      g_autoptr(GError) error = NULL;

      pair->rand = g_rand_new_with_seed (seed + i);
      pair->sent = g_ptr_array_new_with_free_func (g_object_unref);
      pair->received = g_ptr_array_new_with_free_func (g_free);
      pair->linger_ms = linger_ms;
      pair->sender = tincan_link_new (0, TINCAN_MODE_RELIABLE, &error);
      g_assert_no_error (error);
      pair->receiver = tincan_link_new (0, TINCAN_MODE_RELIABLE, &error);
      g_assert_no_error (error);
      /* Not the 30 s of a person's messages: a message that will never
       * be acknowledged says so within the test's time.
       */
      tincan_link_set_give_up_time (pair->sender, GIVE_UP);
      g_signal_connect (pair->receiver, "message-received", G_CALLBACK (on_pair_received_cb), pair);
      tincan_link_set_peer (pair->sender, "127.0.0.1", tincan_link_get_local_port (pair->receiver));
      tincan_link_set_peer (pair->receiver, "127.0.0.1", tincan_link_get_local_port (pair->sender));
    }

  /* Met without loss: the test is about the end of a conversation, not
   * its start.
   */
  g_assert_true (tincan_test_wait_for (pairs_online, pairs));

  for (guint i = 0; i < N_SEEDS; i++)
    {
      Pair *pair = &pairs[i];

      tincan_link_set_filter (pair->sender, lossy, pair);
      tincan_link_set_filter (pair->receiver, lossy, pair);

      for (guint m = 0; m < N_MESSAGES; m++)
        {
          g_autofree char *text = g_strdup_printf ("seed %u, message %u", i, m);

          g_ptr_array_add (pair->sent, tincan_link_send (pair->sender, text, NULL));
        }
    }

  /* Longer than the usual wait: a message whose last ACK was lost
   * fails only after the give-up time.
   */
  deadline = g_get_monotonic_time () + GIVE_UP + 30 * G_USEC_PER_SEC;
  while (!pairs_finished (pairs) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  if (!pairs_finished (pairs))
    {
      for (guint i = 0; i < N_SEEDS; i++)
        {
          g_autofree char *sender = tincan_link_describe (pairs[i].sender);
          g_autofree char *receiver = pairs[i].receiver ? tincan_link_describe (pairs[i].receiver) : NULL;

          if (pairs[i].receiver == NULL && all_finished (pairs[i].sent))
            continue;
          g_test_message ("seed %u: received %u, closed %d\nsender %s\nreceiver %s", seed + i,
                          pairs[i].received->len, pairs[i].closed.done, sender,
                          receiver ? receiver : "gone");
        }
      g_assert_not_reached ();
    }

  for (guint i = 0; i < N_SEEDS; i++)
    {
      Pair *pair = &pairs[i];
      guint failed = 0;
      int first_failed = -1;

      for (guint m = 0; m < N_MESSAGES; m++)
        {
          TincanMessage *message = g_ptr_array_index (pair->sent, m);

          if (tincan_message_get_state (message) != TINCAN_MESSAGE_FAILED)
            continue;
          if (failed++ == 0)
            first_failed = m;
        }
      if (failed > 0)
        g_test_message ("seed %u: %u failed, from message %d on: %s", seed + i, failed, first_failed,
                        tincan_message_get_failure_reason (g_ptr_array_index (pair->sent, first_failed)));
      n_failed += failed;

      /* Each arrived once, in order, however the sender counts it. */
      g_assert_cmpuint (pair->received->len, ==, N_MESSAGES);
      for (guint m = 0; m < N_MESSAGES; m++)
        g_assert_cmpstr (g_ptr_array_index (pair->received, m), ==,
                         tincan_message_get_text (g_ptr_array_index (pair->sent, m)));
    }

  g_assert_cmpuint (n_failed, ==, 0);

  g_source_remove (wake);
  for (guint i = 0; i < N_SEEDS; i++)
    {
      tincan_link_set_filter (pairs[i].sender, NULL, NULL);
      g_assert_finalize_object (pairs[i].sender);
      g_rand_free (pairs[i].rand);
      g_ptr_array_unref (pairs[i].sent);
      g_ptr_array_unref (pairs[i].received);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/goodbye/nothing-to-linger-for", test_nothing_to_linger_for);
  g_test_add_func ("/goodbye/linger", test_linger);
  g_test_add_func ("/goodbye/data-extends", test_data_extends);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/goodbye/link/bye", test_link_bye);
  ADD ("/goodbye/link/bye-fails-nothing", test_link_bye_fails_nothing);
  ADD ("/goodbye/link/linger-answers", test_link_linger_answers);
  ADD ("/goodbye/link/cancelled", test_link_close_cancelled);
#undef ADD

  g_test_add_func ("/goodbye/receiver-leaves-at-once", test_receiver_leaves_at_once);

  return g_test_run ();
}

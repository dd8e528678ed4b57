/* test-waiting.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Messages that wait for a person who is away: with a waiting limit, a
 * message to a silent peer is not given up on at the give-up time; it
 * says who it waits for, and goes by itself, once and in order, when the
 * peer is back.  It fails only past the limit, or when cancelled.
 */

#include "config.h"

#include "tincan-link.h"
#include "tincan-link-pair.h"
#include "tincan-link-private.h"
#include "tincan-test-utils.h"

#define A_WEEK (G_GINT64_CONSTANT (7) * 86400 * G_USEC_PER_SEC)

static gboolean
all_waiting (gpointer data)
{
  GPtrArray *messages = data;

  for (guint i = 0; i < messages->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (messages, i);

      if (tincan_message_get_waiting_for (message) == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
all_delivered (gpointer data)
{
  GPtrArray *messages = data;

  for (guint i = 0; i < messages->len; i++)
    if (tincan_message_get_state (g_ptr_array_index (messages, i)) != TINCAN_MESSAGE_DELIVERED)
      return FALSE;

  return TRUE;
}

static gboolean
has_failed (gpointer data)
{
  return tincan_message_get_state (data) == TINCAN_MESSAGE_FAILED;
}

/* B's program quits: A's messages must wait for it, not fail. */
static guint16
b_goes_away (Fixture *fixture)
{
  guint16 port = tincan_link_get_local_port (fixture->b.link);

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_link_set_waiting_limit (fixture->a.link, A_WEEK);
  tincan_link_set_give_up_time (fixture->a.link, 400 * G_TIME_SPAN_MILLISECOND);
  end_close (&fixture->b);

  return port;
}

static void
b_comes_back (Fixture *fixture,
              guint16  port)
{
  end_open (&fixture->b, port, "Grace");
  connect_ends (&fixture->b, &fixture->a);
}

static void
test_waiting_then_delivered_once (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = b_goes_away (fixture);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = make_text (i, i == 1 ? 5000 : 20);

      g_ptr_array_add (sent, g_object_ref (tincan_link_send (fixture->a.link, text, NULL)));
    }

  g_assert_true (tincan_test_wait_for (all_waiting, sent));
  /* Several give-up times later, still waiting, not failed. */
  tincan_test_run_for (1500);
  for (guint i = 0; i < sent->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (sent, i);

      g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);
      g_assert_cmpstr (tincan_message_get_waiting_for (message), ==, "Grace");
    }
  g_assert_cmpuint (tincan_link_get_n_waiting (fixture->a.link), ==, 3);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 3);

  b_comes_back (fixture, port);
  g_assert_true (tincan_test_wait_for (all_delivered, sent));
  wait_received (&fixture->b, 3);
  tincan_test_run_for (300);

  g_assert_cmpuint (fixture->b.received->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, i)), ==,
                       tincan_message_get_text (g_ptr_array_index (sent, i)));
      g_assert_null (tincan_message_get_waiting_for (g_ptr_array_index (sent, i)));
    }
  g_assert_cmpuint (tincan_link_get_n_waiting (fixture->a.link), ==, 0);
}

static void
test_waiting_limit (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(TincanMessage) message = NULL;

  b_goes_away (fixture);
  message = g_object_ref (tincan_link_send (fixture->a.link, "are you there?", NULL));
  g_assert_true (tincan_test_wait_for (all_waiting, &(GPtrArray) { .pdata = (gpointer *) &message, .len = 1 }));

  /* A limit shorter than the message's age: it fails, saying why. */
  tincan_link_set_waiting_limit (fixture->a.link, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);
  g_assert_true (tincan_test_wait_for (has_failed, message));
  g_assert_cmpstr (tincan_message_get_failure_reason (message), ==,
                   "Grace was away for too long");
  g_assert_null (tincan_message_get_waiting_for (message));
  g_assert_cmpuint (tincan_link_get_n_waiting (fixture->a.link), ==, 0);
}

static void
test_waiting_cancel (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  TincanMessage *cancelled;
  guint16 port = b_goes_away (fixture);

  g_ptr_array_add (sent, g_object_ref (tincan_link_send (fixture->a.link, "one", NULL)));
  g_ptr_array_add (sent, g_object_ref (tincan_link_send (fixture->a.link, "two", NULL)));
  g_assert_true (tincan_test_wait_for (all_waiting, sent));

  cancelled = g_ptr_array_index (sent, 0);
  g_assert_true (tincan_link_cancel (fixture->a.link, cancelled, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_message_get_state (cancelled), ==, TINCAN_MESSAGE_FAILED);
  g_assert_cmpstr (tincan_message_get_failure_reason (cancelled), ==, "Cancelled");
  g_assert_null (tincan_message_get_waiting_for (cancelled));

  g_assert_false (tincan_link_cancel (fixture->a.link, cancelled, &error));
  g_assert_error (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_NOT_WAITING);
  g_clear_error (&error);

  /* Only the other one goes when B is back; the cancelled one stays
   * cancelled until retried.
   */
  b_comes_back (fixture, port);
  wait_received (&fixture->b, 1);
  tincan_test_run_for (300);
  g_assert_cmpuint (fixture->b.received->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==, "two");
  g_assert_cmpint (tincan_message_get_state (cancelled), ==, TINCAN_MESSAGE_FAILED);

  g_assert_true (tincan_link_retry (fixture->a.link, cancelled, &error));
  g_assert_no_error (error);
  wait_received (&fixture->b, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 1)), ==, "one");
}

/* What waits is handed on with the rest, oldest first, no longer
 * saying it waits: the next link does not know who for yet.
 */
static void
test_waiting_take_pending (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) pending = NULL;

  b_goes_away (fixture);
  g_ptr_array_add (sent, g_object_ref (tincan_link_send (fixture->a.link, "old", NULL)));
  g_assert_true (tincan_test_wait_for (all_waiting, sent));
  tincan_link_set_give_up_time (fixture->a.link, 20 * G_USEC_PER_SEC);
  g_ptr_array_add (sent, g_object_ref (tincan_link_send (fixture->a.link, "new", NULL)));

  pending = tincan_link_take_pending (fixture->a.link);
  g_assert_cmpuint (pending->len, ==, 2);
  g_assert_true (g_ptr_array_index (pending, 0) == g_ptr_array_index (sent, 0));
  g_assert_true (g_ptr_array_index (pending, 1) == g_ptr_array_index (sent, 1));
  g_assert_null (tincan_message_get_waiting_for (g_ptr_array_index (pending, 0)));
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 0);
  g_assert_cmpuint (tincan_link_get_n_waiting (fixture->a.link), ==, 0);
}

/* Without a limit, as in tincan-cli: the give-up time fails it. */
static void
test_waiting_off (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(TincanMessage) message = NULL;

  b_goes_away (fixture);
  tincan_link_set_waiting_limit (fixture->a.link, 0);
  message = g_object_ref (tincan_link_send (fixture->a.link, "hello?", NULL));
  g_assert_true (tincan_test_wait_for (has_failed, message));
  g_assert_null (tincan_message_get_waiting_for (message));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/waiting/then-delivered-once", Fixture, NULL,
              fixture_set_up, test_waiting_then_delivered_once, fixture_tear_down);
  g_test_add ("/waiting/limit", Fixture, NULL,
              fixture_set_up, test_waiting_limit, fixture_tear_down);
  g_test_add ("/waiting/cancel", Fixture, NULL,
              fixture_set_up, test_waiting_cancel, fixture_tear_down);
  g_test_add ("/waiting/take-pending", Fixture, NULL,
              fixture_set_up, test_waiting_take_pending, fixture_tear_down);
  g_test_add ("/waiting/off", Fixture, NULL,
              fixture_set_up, test_waiting_off, fixture_tear_down);

  return g_test_run ();
}

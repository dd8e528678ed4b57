/* test-outbox.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanOutbox between a TincanStore in a temporary folder and real
 * TincanLinks on loopback: two ends, each with its own history, as two
 * computers would be.  A message is stored before its first datagram
 * leaves; what a run left undelivered is sent by the next and shown by
 * the peer once; nothing the peer cannot store is acknowledged; a link
 * that goes away gives its messages back, for the next one; failed
 * messages wait for Retry.  Every wait is bounded.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tincan-outbox.h"
#include "tincan-store-private.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"

typedef struct
{
  char         *path;
  TincanStore  *store;
  TincanOutbox *outbox;
  TincanLink   *link;
  GPtrArray    *received;   /* TincanMessage shown on this end */
  guint         n_loaded;
  guint         n_stored;
  guint         pending_when_stored;   /* what the link had then */
  guint         n_resumed;
  guint         n_removed;
  guint         n_write_failed;
} End;

typedef struct
{
  char *folder;
  End   a;                  /* the outbox under test */
  End   b;                  /* the other computer */
} Fixture;

static void
on_received_cb (TincanLink    *link,
                TincanMessage *message,
                End           *end)
{
  g_ptr_array_add (end->received, g_object_ref (message));
}

static void
on_message_loaded_cb (TincanOutbox  *outbox,
                      TincanMessage *message,
                      End           *end)
{
  g_assert_cmpint (tincan_message_get_store_id (message), >, 0);
  end->n_loaded++;
}

/* Stored, and not in the link yet: the moment the window shows it. */
static void
on_message_stored_cb (TincanOutbox  *outbox,
                      TincanMessage *message,
                      End           *end)
{
  g_assert_cmpint (tincan_message_get_store_id (message), >, 0);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);
  end->pending_when_stored = tincan_link_get_n_pending (end->link);
  end->n_stored++;
}

static void
on_message_resumed_cb (TincanOutbox  *outbox,
                       TincanMessage *message,
                       End           *end)
{
  end->n_resumed++;
}

static void
on_message_removed_cb (TincanOutbox  *outbox,
                       TincanMessage *message,
                       End           *end)
{
  end->n_removed++;
}

static void
on_write_failed_cb (TincanStore  *store,
                    const GError *error,
                    End          *end)
{
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL);
  end->n_write_failed++;
}

/* The history and its outbox, read back; no link yet. */
static void
end_open_store (End *end)
{
  g_autoptr(GError) error = NULL;

  end->store = tincan_store_new (end->path, &error);
  g_assert_no_error (error);
  g_signal_connect (end->store, "write-failed", G_CALLBACK (on_write_failed_cb), end);

  end->outbox = tincan_outbox_new (end->store);
  g_signal_connect (end->outbox, "message-loaded", G_CALLBACK (on_message_loaded_cb), end);
  g_signal_connect (end->outbox, "message-stored", G_CALLBACK (on_message_stored_cb), end);
  g_signal_connect (end->outbox, "message-resumed", G_CALLBACK (on_message_resumed_cb), end);
  g_signal_connect (end->outbox, "message-removed", G_CALLBACK (on_message_removed_cb), end);
  g_assert_true (tincan_outbox_load (end->outbox, &error));
  g_assert_no_error (error);
}

/* A link, attached before its peer is set, as the identity must be. */
static void
end_open_link (End     *end,
               guint16  port)
{
  g_autoptr(GError) error = NULL;

  end->link = tincan_link_new (port, TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  g_signal_connect (end->link, "message-received", G_CALLBACK (on_received_cb), end);
  tincan_outbox_attach (end->outbox, end->link);
}

static void
end_connect (End *from,
             End *to)
{
  tincan_link_set_peer (from->link, "127.0.0.1", tincan_link_get_local_port (to->link));
}

static void
end_close_link (End *end)
{
  tincan_outbox_detach (end->outbox);
  g_assert_finalize_object (g_steal_pointer (&end->link));
}

/* As Tin Can quits: what is undelivered stays in the history as it is. */
static void
end_close (End *end)
{
  if (end->link != NULL)
    end_close_link (end);
  g_assert_finalize_object (g_steal_pointer (&end->outbox));
  g_assert_finalize_object (g_steal_pointer (&end->store));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("tincan-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->a.path = g_build_filename (fixture->folder, "a", "history.db", NULL);
  fixture->b.path = g_build_filename (fixture->folder, "b", "history.db", NULL);
  fixture->a.received = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->b.received = g_ptr_array_new_with_free_func (g_object_unref);

  end_open_store (&fixture->a);
  end_open_store (&fixture->b);
  end_open_link (&fixture->a, 0);
  end_open_link (&fixture->b, 0);
  end_connect (&fixture->a, &fixture->b);
  end_connect (&fixture->b, &fixture->a);
  tincan_outbox_resume (fixture->a.outbox);
  tincan_outbox_resume (fixture->b.outbox);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  End *ends[] = { &fixture->a, &fixture->b };

  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      if (ends[i]->outbox != NULL)
        end_close (ends[i]);
      g_clear_pointer (&ends[i]->received, g_ptr_array_unref);
      g_clear_pointer (&ends[i]->path, g_free);
    }

  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

static gboolean
both_online (gpointer data)
{
  Fixture *fixture = data;

  return tincan_link_get_presence (fixture->a.link) == TINCAN_PRESENCE_ONLINE
         && tincan_link_get_presence (fixture->b.link) == TINCAN_PRESENCE_ONLINE;
}

static void
wait_received (End   *end,
               guint  n)
{
  g_assert_true (tincan_test_wait_for_length (end->received, n));
}

typedef struct
{
  TincanMessage      *message;
  TincanMessageState  state;
} StateWait;

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;

  return tincan_message_get_state (wait->message) == wait->state;
}

static void
wait_state (TincanMessage      *message,
            TincanMessageState  state)
{
  StateWait wait = { message, state };

  g_assert_true (tincan_test_wait_for (has_state, &wait));
}

static gboolean
write_failed_twice (gpointer data)
{
  End *end = data;

  return end->n_write_failed >= 2;
}

static TincanPacketType
packet_type (const guint8 *datagram,
             gsize         length)
{
  TincanPacket packet;

  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK)
    return 0;

  return packet.type;
}

static gboolean
drop_everything (TincanLink   *link,
                 const guint8 *datagram,
                 gsize         length,
                 gpointer      user_data)
{
  return FALSE;
}

static gboolean
drop_acks (TincanLink   *link,
           const guint8 *datagram,
           gsize         length,
           gpointer      user_data)
{
  return packet_type (datagram, length) != TINCAN_PACKET_ACK;
}

/* Looks, as each DATA datagram leaves, for its message in the store. */
typedef struct
{
  TincanStore *store;
  guint        data_sent;
  guint        data_not_stored;
} StoreWatch;

static gboolean
check_stored (TincanLink   *link,
              const guint8 *datagram,
              gsize         length,
              gpointer      user_data)
{
  StoreWatch *watch = user_data;
  g_autoptr(GPtrArray) stored = NULL;
  TincanPacket packet;
  gboolean found = FALSE;

  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK
      || packet.type != TINCAN_PACKET_DATA)
    return TRUE;

  stored = tincan_store_load (watch->store, 0, tincan_store_get_count (watch->store), NULL);
  g_assert_nonnull (stored);
  for (guint i = 0; i < stored->len && !found; i++)
    {
      TincanMessage *message = g_ptr_array_index (stored, i);

      found = tincan_message_get_outgoing (message)
              && tincan_message_get_uid (message) == packet.data.message_id;
    }

  watch->data_sent++;
  if (!found)
    watch->data_not_stored++;

  return TRUE;
}

static void
test_store_then_send (Fixture       *fixture,
                      gconstpointer  user_data)
{
  StoreWatch watch = { fixture->a.store, 0, 0 };
  g_autofree char *big = g_strnfill (200000, 'z');
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(TincanMessage) refused = NULL;
  g_autoptr(TincanMessage) second = NULL;
  g_autoptr(GError) error = NULL;

  /* Online first: the link then sends the first datagram before
   * tincan_outbox_send() returns, the moment that matters.
   */
  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_link_set_filter (fixture->a.link, check_stored, &watch);

  first = tincan_outbox_send (fixture->a.outbox, "on the disk first", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_message_get_store_id (first), >, 0);
  g_assert_cmpuint (fixture->a.n_stored, ==, 1);
  g_assert_cmpuint (fixture->a.pending_when_stored, ==, 0);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 1);
  g_assert_cmpuint (watch.data_sent, >, 0);
  wait_state (first, TINCAN_MESSAGE_DELIVERED);
  g_assert_cmpuint (watch.data_not_stored, ==, 0);
  g_assert_cmpuint (fixture->a.n_removed, ==, 1);
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 0);

  /* A message that cannot be stored is not sent at all. */
  tincan_store_set_max_pages (fixture->a.store, 1);
  watch.data_sent = 0;
  refused = tincan_outbox_send (fixture->a.outbox, big, &error);
  g_assert_null (refused);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL);
  g_clear_error (&error);
  tincan_test_run_for (200);
  g_assert_cmpuint (watch.data_sent, ==, 0);
  g_assert_cmpuint (fixture->a.n_stored, ==, 1);
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 0);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 0);
  g_assert_cmpuint (fixture->b.received->len, ==, 1);

  /* Room again: the same text goes, stored before each datagram. */
  tincan_store_set_max_pages (fixture->a.store, 1000000);
  second = tincan_outbox_send (fixture->a.outbox, big, &error);
  g_assert_no_error (error);
  wait_state (second, TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 2);
  g_assert_cmpuint (watch.data_sent, >, 1);
  g_assert_cmpuint (watch.data_not_stored, ==, 0);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==,
                   "on the disk first");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 1)), ==, big);
  g_assert_cmpuint (tincan_store_get_count (fixture->a.store), ==, 2);
}

/* The message's own rules, checked before anything is stored. */
static void
test_text_checked (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *too_long = g_strnfill (TINCAN_WIRE_MAX_MESSAGE + 1, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanMessage) message = NULL;

  message = tincan_outbox_send (fixture->a.outbox, "", &error);
  g_assert_null (message);
  g_assert_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_EMPTY);
  g_clear_error (&error);

  message = tincan_outbox_send (fixture->a.outbox, too_long, &error);
  g_assert_null (message);
  g_assert_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "1048577 bytes"));
  g_clear_error (&error);

  message = tincan_outbox_send (fixture->a.outbox, "caf\xe9", &error);
  g_assert_null (message);
  g_assert_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_NOT_UTF8);
  g_clear_error (&error);

  /* The store itself refuses them too, whoever asks. */
  message = tincan_store_write (fixture->a.store, "", FALSE, &error);
  g_assert_null (message);
  g_assert_error (error, TINCAN_MESSAGE_ERROR, TINCAN_MESSAGE_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_true (tincan_message_check_text ("ünïcödé, 1 MiB at most", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (tincan_store_get_count (fixture->a.store), ==, 0);
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 0);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 0);
}

/* The peer stores the message but its acknowledgements are lost; the
 * sender stops, starts again on the same history, and sends it again
 * under the same ID and identity: the peer acknowledges it, and shows it
 * no second time.
 */
static void
test_resume_after_restart (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(TincanMessage) before = NULL;
  g_autoptr(TincanMessage) after = NULL;
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint16 port = tincan_link_get_local_port (fixture->a.link);

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_link_set_filter (fixture->b.link, drop_acks, NULL);

  before = tincan_outbox_send (fixture->a.outbox, "written once", &error);
  g_assert_no_error (error);
  id = g_strdup (tincan_message_get_id (before));
  wait_received (&fixture->b, 1);
  tincan_test_run_for (300);
  g_assert_cmpint (tincan_message_get_state (before), ==, TINCAN_MESSAGE_SENT);
  g_assert_cmpuint (tincan_store_get_count (fixture->b.store), ==, 1);

  tincan_link_set_filter (fixture->b.link, NULL, NULL);
  end_close (&fixture->a);
  g_assert_cmpint (tincan_message_get_state (before), ==, TINCAN_MESSAGE_SENT);

  /* The next run: the same history, the same port. */
  end_open_store (&fixture->a);
  g_assert_cmpuint (fixture->a.n_loaded, ==, 1);
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 1);
  after = g_object_ref (tincan_outbox_find (fixture->a.outbox, id));
  g_assert_true (after != before);
  g_assert_cmpstr (tincan_message_get_text (after), ==, "written once");

  end_open_link (&fixture->a, port);
  end_connect (&fixture->a, &fixture->b);
  tincan_outbox_resume (fixture->a.outbox);
  g_assert_cmpuint (fixture->a.n_resumed, ==, 1);
  wait_state (after, TINCAN_MESSAGE_DELIVERED);

  tincan_test_run_for (200);
  g_assert_cmpuint (fixture->b.received->len, ==, 1);
  g_assert_cmpuint (tincan_store_get_count (fixture->b.store), ==, 1);
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 0);

  /* Delivered is written down: a third run has nothing to send. */
  unfinished = tincan_store_load_unfinished (fixture->a.store, NULL);
  g_assert_cmpuint (unfinished->len, ==, 0);
}

/* When the sender's copy becomes delivered, the receiver has stored it. */
static void
on_delivered_check_cb (TincanMessage *message,
                       GParamSpec    *pspec,
                       TincanStore   *receiver)
{
  if (tincan_message_get_state (message) == TINCAN_MESSAGE_DELIVERED)
    g_assert_cmpuint (tincan_store_get_count (receiver), ==, 1);
}

static void
test_store_before_acknowledging (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *text = g_strnfill (200000, 'k');
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tincan_test_wait_for (both_online, fixture));

  /* The peer's disk is full: what it cannot keep, it does not
   * acknowledge, however often it comes.
   */
  tincan_store_set_max_pages (fixture->b.store, 1);
  message = tincan_outbox_send (fixture->a.outbox, text, &error);
  g_assert_no_error (error);
  g_signal_connect (message, "notify::state", G_CALLBACK (on_delivered_check_cb), fixture->b.store);
  g_assert_true (tincan_test_wait_for (write_failed_twice, &fixture->b));
  tincan_test_run_for (200);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_SENT);
  g_assert_cmpuint (fixture->b.received->len, ==, 0);
  g_assert_cmpuint (tincan_store_get_count (fixture->b.store), ==, 0);
  g_assert_cmpuint (tincan_link_get_stats (fixture->b.link)->not_kept, >=, 2);

  /* Room again: stored, acknowledged, shown, once. */
  tincan_store_set_max_pages (fixture->b.store, 1000000);
  wait_state (message, TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 1);
  tincan_test_run_for (200);
  g_assert_cmpuint (fixture->b.received->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==, text);
  g_assert_cmpint (tincan_message_get_store_id (g_ptr_array_index (fixture->b.received, 0)), >, 0);
  g_assert_cmpuint (tincan_store_get_count (fixture->b.store), ==, 1);
}

static void
test_detach_keeps_pending (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(TincanMessage) second = NULL;
  g_autoptr(TincanMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = tincan_link_get_local_port (fixture->a.link);

  /* Nothing A sends gets out. */
  tincan_link_set_filter (fixture->a.link, drop_everything, NULL);
  first = tincan_outbox_send (fixture->a.outbox, "first", &error);
  g_assert_no_error (error);
  second = tincan_outbox_send (fixture->a.outbox, "second", &error);
  g_assert_no_error (error);
  tincan_test_run_for (300);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 2);

  /* Taken back, as they were. */
  tincan_outbox_detach (fixture->a.outbox);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 0);
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 2);
  g_assert_cmpint (tincan_message_get_state (first), !=, TINCAN_MESSAGE_FAILED);
  g_assert_cmpint (tincan_message_get_state (second), !=, TINCAN_MESSAGE_FAILED);

  /* The detached link stores nothing more: what it still receives is
   * not the outbox's to keep.
   */
  tincan_link_set_filter (fixture->a.link, NULL, NULL);
  reply = tincan_outbox_send (fixture->b.outbox, "to the detached link", &error);
  g_assert_no_error (error);
  wait_received (&fixture->a, 1);
  g_assert_cmpint (tincan_message_get_store_id (g_ptr_array_index (fixture->a.received, 0)), ==, 0);
  g_assert_cmpuint (tincan_store_get_count (fixture->a.store), ==, 2);

  /* A link disposed with messages fails them: these are not its own. */
  g_assert_finalize_object (g_steal_pointer (&fixture->a.link));
  g_assert_cmpint (tincan_message_get_state (first), !=, TINCAN_MESSAGE_FAILED);
  g_assert_cmpint (tincan_message_get_state (second), !=, TINCAN_MESSAGE_FAILED);
  g_assert_cmpuint (fixture->b.received->len, ==, 0);

  /* The next link sends them, in order, once. */
  end_open_link (&fixture->a, port);
  end_connect (&fixture->a, &fixture->b);
  tincan_outbox_resume (fixture->a.outbox);
  wait_state (first, TINCAN_MESSAGE_DELIVERED);
  wait_state (second, TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 2);
  tincan_test_run_for (200);
  g_assert_cmpuint (fixture->b.received->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==, "first");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 1)), ==, "second");
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 0);
}

/* A failed message is in the outbox, across a restart too, but only
 * Retry sends it again.
 */
static void
test_failed_waits_for_retry (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(TincanMessage) lost = NULL;
  g_autoptr(TincanMessage) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint16 port = tincan_link_get_local_port (fixture->a.link);

  tincan_link_set_give_up_time (fixture->a.link, 1 * G_USEC_PER_SEC);
  tincan_link_set_filter (fixture->a.link, drop_everything, NULL);
  lost = tincan_outbox_send (fixture->a.outbox, "given up on", &error);
  g_assert_no_error (error);
  id = g_strdup (tincan_message_get_id (lost));
  wait_state (lost, TINCAN_MESSAGE_FAILED);
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 1);

  /* Another link, then another run: still there, still failed. */
  end_close_link (&fixture->a);
  end_open_link (&fixture->a, port);
  end_connect (&fixture->a, &fixture->b);
  tincan_outbox_resume (fixture->a.outbox);
  g_assert_cmpuint (fixture->a.n_resumed, ==, 0);

  end_close (&fixture->a);
  end_open_store (&fixture->a);
  g_assert_cmpuint (fixture->a.n_loaded, ==, 1);
  end_open_link (&fixture->a, port);
  end_connect (&fixture->a, &fixture->b);
  tincan_outbox_resume (fixture->a.outbox);
  g_assert_cmpuint (fixture->a.n_resumed, ==, 0);
  loaded = g_object_ref (tincan_outbox_find (fixture->a.outbox, id));
  g_assert_cmpint (tincan_message_get_state (loaded), ==, TINCAN_MESSAGE_FAILED);

  g_assert_true (tincan_test_wait_for (both_online, fixture));
  tincan_test_run_for (300);
  g_assert_cmpuint (fixture->b.received->len, ==, 0);
  g_assert_cmpuint (tincan_link_get_n_pending (fixture->a.link), ==, 0);

  /* Retry: delivered, and out of the outbox. */
  g_assert_true (tincan_outbox_retry (fixture->a.outbox, loaded, &error));
  g_assert_no_error (error);
  wait_state (loaded, TINCAN_MESSAGE_DELIVERED);
  wait_received (&fixture->b, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->b.received, 0)), ==,
                   "given up on");
  g_assert_cmpuint (tincan_outbox_get_n_messages (fixture->a.outbox), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/outbox/store-then-send", test_store_then_send);
  ADD ("/outbox/text-checked", test_text_checked);
  ADD ("/outbox/resume-after-restart", test_resume_after_restart);
  ADD ("/outbox/store-before-acknowledging", test_store_before_acknowledging);
  ADD ("/outbox/detach-keeps-pending", test_detach_keeps_pending);
  ADD ("/outbox/failed-waits-for-retry", test_failed_waits_for_retry);

#undef ADD

  return g_test_run ();
}

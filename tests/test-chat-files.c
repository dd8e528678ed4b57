/* test-chat-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files in conversations: two people hubs (Ada and Bob) on loopback,
 * each with its own history, identity and download folder, each added
 * to the other by address.  A file sent arrives identical and both rows
 * say so, across a restart; a file over the accept limit waits; a
 * transfer cut by either side's restart resumes from where it stopped;
 * cancel, clearing the history, plain text; and a schema version 4
 * history (tests/data/history-v4.sqlite, always a copy) migrated to 5.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <sqlite3.h>
#include <string.h>

#include "tincan-files.h"
#include "tincan-people.h"
#include "tincan-store.h"
#include "tincan-test-utils.h"

typedef struct
{
  char             *history;
  char             *identity;
  char             *downloads;
  GSettingsBackend *backend;
  GSettings        *gsettings;
  TincanSettings   *settings;
  guint16           port;
  TincanPeople     *people;
  TincanPerson     *other;      /* the other hub, as this one lists them */
  GPtrArray        *received;   /* TincanMessage, from message-received */
  gboolean          had_chat;   /* the hub opened the conversation at start */
} Hub;

typedef struct
{
  char *folder;
  Hub   ada;
  Hub   bob;
} Fixture;

static void
on_received_cb (TincanChat    *chat,
                TincanMessage *message,
                Hub           *hub)
{
  g_ptr_array_add (hub->received, g_object_ref (message));
}

static void
hub_init (Fixture    *fixture,
          Hub        *hub,
          const char *name)
{
  g_autoptr(GError) error = NULL;

  hub->history = g_strdup_printf ("%s/%s-history.sqlite", fixture->folder, name);
  hub->identity = g_strdup_printf ("%s/%s-identity", fixture->folder, name);
  hub->downloads = g_strdup_printf ("%s/%s-downloads", fixture->folder, name);
  hub->backend = g_memory_settings_backend_new ();
  hub->gsettings = g_settings_new_with_backend (BASE_ID, hub->backend);
  hub->port = tincan_test_unused_port ();
  g_settings_set_int (hub->gsettings, "local-port", hub->port);
  g_settings_set_boolean (hub->gsettings, "discovery", FALSE);
  g_settings_set_boolean (hub->gsettings, "ipmsg", FALSE);
  g_settings_set_string (hub->gsettings, "display-name", name);
  hub->settings = tincan_settings_new (hub->gsettings);
  hub->received = g_ptr_array_new_with_free_func (g_object_unref);
}

static TincanChat *
hub_chat (Hub *hub)
{
  g_autoptr(GError) error = NULL;
  TincanChat *chat = tincan_people_start_conversation (hub->people, hub->other, &error);

  g_assert_no_error (error);
  g_assert_nonnull (chat);

  return chat;
}

/* Starts the hub: from its history if it has one (the other is its
 * first person then), else adding the other at @other_port.
 */
static void
hub_open (Hub     *hub,
          guint16  other_port)
{
  g_autoptr(GFile) downloads = g_file_new_for_path (hub->downloads);
  g_autoptr(GError) error = NULL;

  hub->people = tincan_people_new (hub->settings, hub->history, hub->identity);
  tincan_people_set_download_dir (hub->people, downloads);

  if (g_list_model_get_n_items (G_LIST_MODEL (hub->people)) > 0)
    {
      g_autoptr(TincanPerson) other = g_list_model_get_item (G_LIST_MODEL (hub->people), 0);

      hub->other = other;
    }
  else
    hub->other = tincan_people_add_by_address (hub->people, "127.0.0.1", other_port,
                                               TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hub->other);
  hub->had_chat = tincan_person_get_chat (hub->other) != NULL;
  g_signal_connect (hub_chat (hub), "message-received", G_CALLBACK (on_received_cb), hub);
}

static void
hub_close (Hub *hub)
{
  hub->other = NULL;
  g_clear_object (&hub->people);
}

static void
on_people_closed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  gboolean *done = user_data;

  tincan_people_close_finish (TINCAN_PEOPLE (source), result, NULL);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Quitting as the app does: a goodbye to everyone, then gone. */
static void
hub_quit (Hub *hub)
{
  gboolean done = FALSE;

  tincan_people_close_async (hub->people, NULL, on_people_closed_cb, &done);
  g_assert_true (tincan_test_wait_for (is_true, &done));
  hub_close (hub);
}

static void
hub_clear (Hub *hub)
{
  hub_close (hub);
  g_clear_pointer (&hub->received, g_ptr_array_unref);
  g_clear_object (&hub->settings);
  g_clear_object (&hub->gsettings);
  g_clear_object (&hub->backend);
  g_free (hub->history);
  g_free (hub->identity);
  g_free (hub->downloads);
}

static gboolean
both_online (gpointer data)
{
  Fixture *fixture = data;

  return tincan_chat_get_presence (hub_chat (&fixture->ada)) == TINCAN_PRESENCE_ONLINE
         && tincan_chat_get_presence (hub_chat (&fixture->bob)) == TINCAN_PRESENCE_ONLINE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("tincan-chat-files-XXXXXX", &error);
  g_assert_no_error (error);
  hub_init (fixture, &fixture->ada, "Ada");
  hub_init (fixture, &fixture->bob, "Bob");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  hub_clear (&fixture->ada);
  hub_clear (&fixture->bob);
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

static void
open_both (Fixture *fixture)
{
  hub_open (&fixture->ada, fixture->bob.port);
  hub_open (&fixture->bob, fixture->ada.port);
  g_assert_true (tincan_test_wait_for (both_online, fixture));
}

/* A file of @size bytes that is not all one byte, so that a chunk out
 * of place shows.
 */
static GFile *
make_file (Fixture    *fixture,
           const char *name,
           gsize       size)
{
  g_autofree char *path = g_build_filename (fixture->folder, name, NULL);
  g_autofree guint8 *bytes = g_malloc (MAX (size, 1));
  g_autoptr(GError) error = NULL;
  guint32 state = 2166136261u;

  for (gsize i = 0; i < size; i++)
    {
      state = state * 16777619u ^ (guint32) i;
      bytes[i] = (guint8) (state >> 13);
    }
  g_file_set_contents (path, (const char *) bytes, size, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

static void
assert_same_file (GFile *a,
                  GFile *b)
{
  g_autofree char *a_bytes = NULL;
  g_autofree char *b_bytes = NULL;
  gsize a_size, b_size;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_load_contents (a, NULL, &a_bytes, &a_size, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (b, NULL, &b_bytes, &b_size, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (a_size, ==, b_size);
  g_assert_true (memcmp (a_bytes, b_bytes, a_size) == 0);
}

static TincanMessage *
last_message (Hub *hub)
{
  GListModel *messages = tincan_chat_get_messages (hub_chat (hub));
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(TincanMessage) last = NULL;

  if (n == 0)
    return NULL;
  last = g_list_model_get_item (messages, n - 1);

  return last;
}

/* The last file row of @hub, once there is one. */
static TincanTransfer *
last_transfer (Hub *hub)
{
  TincanMessage *last = last_message (hub);

  return last != NULL ? tincan_message_get_transfer (last) : NULL;
}

typedef struct
{
  Hub                 *hub;
  TincanTransferState  state;
  guint64              offset;    /* at least, when moving */
} Expect;

static gboolean
transfer_is (gpointer data)
{
  Expect *expect = data;
  TincanTransfer *transfer = last_transfer (expect->hub);

  return transfer != NULL && tincan_transfer_get_state (transfer) == expect->state
         && tincan_transfer_get_offset (transfer) >= expect->offset;
}

static void
wait_for_state (Hub                 *hub,
                TincanTransferState  state)
{
  Expect expect = { hub, state, 0 };

  g_assert_true (tincan_test_wait_for (transfer_is, &expect));
}

static void
count_files (const char *folder,
             guint      *n_final,
             guint      *n_partial)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  *n_final = *n_partial = 0;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".part"))
        (*n_partial)++;
      else
        (*n_final)++;
    }
}

/* Sent, received, identical; both rows say so, and so do they after a
 * restart of both, read back from the histories.
 */
static void
test_chat_files_send (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GFile) file = make_file (fixture, "report one.pdf", 300 * 1024 + 7);
  g_autoptr(GFile) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved_path = NULL;
  g_autofree char *hash = NULL;
  TincanMessage *sent, *received;
  TincanTransfer *transfer;
  guint unread;

  open_both (fixture);

  sent = tincan_chat_send_file (hub_chat (&fixture->ada), file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sent);
  g_assert_true (last_message (&fixture->ada) == sent);
  g_assert_cmpstr (tincan_message_get_text (sent), ==, "report one.pdf");
  g_assert_true (tincan_message_get_outgoing (sent));
  transfer = tincan_message_get_transfer (sent);
  g_assert_nonnull (transfer);
  g_assert_true (tincan_transfer_get_outgoing (transfer));
  g_assert_cmpuint (tincan_transfer_get_size (transfer), ==, 300 * 1024 + 7);
  g_assert_cmpstr (tincan_person_get_last_text (fixture->ada.other), ==, "File: report one.pdf");

  wait_for_state (&fixture->bob, TINCAN_TRANSFER_DONE);
  wait_for_state (&fixture->ada, TINCAN_TRANSFER_DONE);
  g_assert_true (tincan_message_get_transfer (last_message (&fixture->ada)) == tincan_message_get_transfer (sent));

  /* Bob was told, as of a message, and it counts as unread. */
  g_assert_cmpuint (fixture->bob.received->len, ==, 1);
  received = g_ptr_array_index (fixture->bob.received, 0);
  g_assert_true (last_message (&fixture->bob) == received);
  g_assert_nonnull (tincan_message_get_transfer (received));
  g_assert_false (tincan_message_get_outgoing (received));
  g_assert_cmpstr (tincan_message_get_text (received), ==, "report one.pdf");
  unread = tincan_person_get_unread (fixture->bob.other);
  g_assert_cmpuint (unread, ==, 1);
  g_assert_cmpstr (tincan_person_get_last_text (fixture->bob.other), ==, "File: report one.pdf");

  transfer = tincan_message_get_transfer (received);
  g_assert_nonnull (tincan_transfer_get_file (transfer));
  saved_path = g_file_get_path (tincan_transfer_get_file (transfer));
  g_assert_true (g_str_has_prefix (saved_path, fixture->bob.downloads));
  assert_same_file (file, tincan_transfer_get_file (transfer));
  g_assert_nonnull (tincan_transfer_get_hash (transfer));
  hash = g_strdup (tincan_transfer_get_hash (transfer));
  g_assert_cmpuint (strlen (hash), ==, 64);

  /* The search finds it by its name. */
  g_assert_cmpint (tincan_chat_find (hub_chat (&fixture->bob), "report", G_MAXUINT, &error), ==, 0);
  g_assert_no_error (error);

  /* Both start again: the rows are read back as they were. */
  tincan_test_run_for (200);
  hub_close (&fixture->ada);
  hub_close (&fixture->bob);
  hub_open (&fixture->ada, 0);
  hub_open (&fixture->bob, 0);
  g_assert_cmpstr (tincan_person_get_last_text (fixture->bob.other), ==, "File: report one.pdf");
  g_assert_cmpuint (tincan_person_get_unread (fixture->bob.other), ==, 1);

  transfer = last_transfer (&fixture->ada);
  g_assert_nonnull (transfer);
  g_assert_cmpint (tincan_transfer_get_state (transfer), ==, TINCAN_TRANSFER_DONE);
  g_assert_true (tincan_transfer_get_outgoing (transfer));
  g_assert_true (g_file_equal (tincan_transfer_get_file (transfer), file));
  g_assert_cmpstr (tincan_transfer_get_hash (transfer), ==, hash);

  transfer = last_transfer (&fixture->bob);
  g_assert_nonnull (transfer);
  g_assert_cmpint (tincan_transfer_get_state (transfer), ==, TINCAN_TRANSFER_DONE);
  g_assert_false (tincan_transfer_get_outgoing (transfer));
  g_assert_cmpstr (tincan_transfer_get_name (transfer), ==, "report one.pdf");
  g_assert_cmpuint (tincan_transfer_get_size (transfer), ==, 300 * 1024 + 7);
  saved = g_file_new_for_path (saved_path);
  g_assert_true (g_file_equal (tincan_transfer_get_file (transfer), saved));
  g_assert_cmpstr (tincan_transfer_get_hash (transfer), ==, hash);

  /* Done is done: nothing to cancel. */
  g_assert_false (tincan_chat_cancel_file (hub_chat (&fixture->bob), last_message (&fixture->bob), &error));
  g_assert_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_FINISHED);
}

/* Over the accept limit (0: ask for every file), a file waits, offered,
 * with nothing saved, until it is accepted.  The limit is followed live.
 */
static void
test_chat_files_accept_limit (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GFile) file = make_file (fixture, "big.bin", 64 * 1024);
  g_autoptr(GError) error = NULL;
  TincanTransfer *transfer;
  guint n_final, n_partial;

  open_both (fixture);
  /* Live: the engine is made already. */
  tincan_settings_set_accept_files_mib (fixture->bob.settings, 0);

  g_assert_nonnull (tincan_chat_send_file (hub_chat (&fixture->ada), file, &error));
  g_assert_no_error (error);
  wait_for_state (&fixture->bob, TINCAN_TRANSFER_OFFERED);
  tincan_test_run_for (500);
  transfer = last_transfer (&fixture->bob);
  g_assert_cmpint (tincan_transfer_get_state (transfer), ==, TINCAN_TRANSFER_OFFERED);
  g_assert_cmpint (tincan_transfer_get_state (last_transfer (&fixture->ada)), !=, TINCAN_TRANSFER_DONE);
  count_files (fixture->bob.downloads, &n_final, &n_partial);
  g_assert_cmpuint (n_final, ==, 0);
  g_assert_cmpuint (fixture->bob.received->len, ==, 1);

  /* A file sent cannot be accepted; a text message is not a file. */
  g_assert_false (tincan_chat_accept_file (hub_chat (&fixture->ada), last_message (&fixture->ada), &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (tincan_chat_accept_file (hub_chat (&fixture->bob), last_message (&fixture->bob), &error));
  g_assert_no_error (error);
  wait_for_state (&fixture->bob, TINCAN_TRANSFER_DONE);
  wait_for_state (&fixture->ada, TINCAN_TRANSFER_DONE);
  assert_same_file (file, tincan_transfer_get_file (transfer));

  /* Back to the default: a small file is saved without asking. */
  tincan_settings_set_accept_files_mib (fixture->bob.settings, 100);
  g_assert_nonnull (tincan_chat_send_file (hub_chat (&fixture->ada), file, &error));
  g_assert_no_error (error);
  g_assert_true (tincan_test_wait_for_length (fixture->bob.received, 2));
  wait_for_state (&fixture->bob, TINCAN_TRANSFER_DONE);
  count_files (fixture->bob.downloads, &n_final, &n_partial);
  g_assert_cmpuint (n_final, ==, 2);
  g_assert_cmpuint (n_partial, ==, 0);
}

typedef struct
{
  guint64  least;
  gboolean seen;
} Offsets;

static void
on_offset_cb (TincanTransfer *transfer,
              GParamSpec     *pspec,
              Offsets        *offsets)
{
  guint64 offset = tincan_transfer_get_offset (transfer);

  if (!offsets->seen || offset < offsets->least)
    offsets->least = offset;
  offsets->seen = TRUE;
}

#define BIG_FILE (24 * 1024 * 1024)

/* The row in Bob's history has the transfer at least this far. */
static void
wait_for_progress (Hub                 *hub,
                   guint64              offset)
{
  Expect expect = { hub, TINCAN_TRANSFER_MOVING, offset };

  g_assert_true (tincan_test_wait_for (transfer_is, &expect));
}

static gboolean
other_away (gpointer data)
{
  return tincan_chat_get_presence (hub_chat (data)) != TINCAN_PRESENCE_ONLINE;
}

enum {
  RESUME_RECEIVER = 1 << 0,
  RESUME_AT_ONCE  = 1 << 1,
};

/* One side quits in the middle of a file and starts again: its row was
 * paused, waiting for the other, and the file goes on from where it
 * stopped (never from zero), and ends identical.
 */
static void
test_chat_files_resume (Fixture       *fixture,
                        gconstpointer  user_data)
{
  gboolean receiver = (GPOINTER_TO_INT (user_data) & RESUME_RECEIVER) != 0;
  gboolean at_once = (GPOINTER_TO_INT (user_data) & RESUME_AT_ONCE) != 0;
  Hub *quits = receiver ? &fixture->bob : &fixture->ada;
  Hub *stays = receiver ? &fixture->ada : &fixture->bob;
  g_autoptr(GFile) file = make_file (fixture, "film.mkv", BIG_FILE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanTransfer) kept = NULL;
  TincanTransfer *transfer;
  Offsets stays_offsets = { 0 }, quits_offsets = { 0 };
  Offsets *sender_offsets, *receiver_offsets;
  guint64 had;
  guint n_final, n_partial;

  open_both (fixture);
  g_assert_nonnull (tincan_chat_send_file (hub_chat (&fixture->ada), file, &error));
  g_assert_no_error (error);
  wait_for_progress (&fixture->bob, 1024 * 1024);
  g_assert_cmpuint (tincan_transfer_get_offset (last_transfer (&fixture->bob)), <, BIG_FILE);

  /* Quitting says goodbye: the other side sees it go before it is back;
   * or it is back at once, before the other side noticed (a crash and a
   * quick restart), and the records the other still sends find a
   * transfer read back from the history, not taken up yet.
   */
  had = tincan_transfer_get_offset (last_transfer (&fixture->bob));
  if (at_once)
    {
      hub_close (quits);
    }
  else
    {
      hub_quit (quits);
      g_assert_true (tincan_test_wait_for (other_away, stays));
    }
  count_files (fixture->bob.downloads, &n_final, &n_partial);
  g_assert_cmpuint (n_final, ==, 0);
  g_assert_cmpuint (n_partial, ==, 1);

  kept = g_object_ref (last_transfer (stays));
  g_signal_connect (kept, "notify::offset", G_CALLBACK (on_offset_cb), &stays_offsets);

  /* Back: the conversation is opened at start, for the file, and its
   * row is read back paused, waiting for the other.
   */
  hub_open (quits, 0);
  g_assert_true (quits->had_chat);
  transfer = last_transfer (quits);
  g_assert_nonnull (transfer);
  g_assert_cmpint (tincan_transfer_get_state (transfer), ==, TINCAN_TRANSFER_PAUSED);
  g_assert_nonnull (tincan_transfer_get_waiting_for (transfer));
  g_signal_connect (transfer, "notify::offset", G_CALLBACK (on_offset_cb), &quits_offsets);

  wait_for_state (&fixture->bob, TINCAN_TRANSFER_DONE);
  wait_for_state (&fixture->ada, TINCAN_TRANSFER_DONE);
  g_test_message ("The receiver had %" G_GUINT64_FORMAT " bytes; after the restart the offsets started at %"
                  G_GUINT64_FORMAT " (the side that stayed), %" G_GUINT64_FORMAT " (the side that quit)",
                  had, stays_offsets.least, quits_offsets.least);

  /* The receiver went on from what it had (had it started over, its
   * offset would have gone back below that), and so did the sender.
   */
  receiver_offsets = receiver ? &quits_offsets : &stays_offsets;
  sender_offsets = receiver ? &stays_offsets : &quits_offsets;
  g_assert_true (receiver_offsets->seen);
  g_assert_cmpuint (receiver_offsets->least, >=, had);
  g_assert_true (sender_offsets->seen);
  g_assert_cmpuint (sender_offsets->least, >, 0);

  assert_same_file (file, tincan_transfer_get_file (last_transfer (&fixture->bob)));
  count_files (fixture->bob.downloads, &n_final, &n_partial);
  g_assert_cmpuint (n_final, ==, 1);
  g_assert_cmpuint (n_partial, ==, 0);
  g_signal_handlers_disconnect_by_data (kept, &stays_offsets);
}

/* Cancelled by the receiver in the middle: both rows say so, nothing is
 * kept, and the row stays cancelled after a restart.  Clearing the
 * history with a file moving cancels it too.
 */
static void
test_chat_files_cancel (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GFile) file = make_file (fixture, "cancelled.iso", BIG_FILE);
  g_autoptr(GError) error = NULL;
  guint n_final, n_partial;

  open_both (fixture);
  g_assert_nonnull (tincan_chat_send_file (hub_chat (&fixture->ada), file, &error));
  g_assert_no_error (error);
  wait_for_progress (&fixture->bob, 256 * 1024);

  g_assert_true (tincan_chat_cancel_file (hub_chat (&fixture->bob), last_message (&fixture->bob), &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_transfer_get_state (last_transfer (&fixture->bob)), ==, TINCAN_TRANSFER_CANCELLED);
  wait_for_state (&fixture->ada, TINCAN_TRANSFER_CANCELLED);
  g_assert_nonnull (tincan_transfer_get_error (last_transfer (&fixture->ada)));
  count_files (fixture->bob.downloads, &n_final, &n_partial);
  g_assert_cmpuint (n_final + n_partial, ==, 0);

  hub_close (&fixture->bob);
  hub_open (&fixture->bob, 0);
  g_assert_cmpint (tincan_transfer_get_state (last_transfer (&fixture->bob)), ==, TINCAN_TRANSFER_CANCELLED);
  g_assert_true (tincan_test_wait_for (both_online, fixture));

  /* Clearing Ada's history while a file moves stops it on both sides. */
  g_assert_nonnull (tincan_chat_send_file (hub_chat (&fixture->ada), file, &error));
  g_assert_no_error (error);
  wait_for_progress (&fixture->bob, 256 * 1024);
  g_assert_true (tincan_chat_clear_history (hub_chat (&fixture->ada), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (hub_chat (&fixture->ada))), ==, 0);
  wait_for_state (&fixture->bob, TINCAN_TRANSFER_CANCELLED);
  count_files (fixture->bob.downloads, &n_final, &n_partial);
  g_assert_cmpuint (n_final + n_partial, ==, 0);

  /* Nothing of it is read back. */
  hub_close (&fixture->ada);
  hub_open (&fixture->ada, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (hub_chat (&fixture->ada))), ==, 0);
}

/* Plain text has no files, and says so; nothing is stored. */
static void
test_chat_files_plain (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GFile) file = make_file (fixture, "plain.txt", 10);
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->folder);
  g_autoptr(GError) error = NULL;
  TincanPerson *plain;
  TincanChat *chat;

  hub_open (&fixture->ada, fixture->bob.port);
  plain = tincan_people_add_by_address (fixture->ada.people, "127.0.0.1", tincan_test_unused_port (),
                                        TINCAN_MODE_PLAIN, &error);
  g_assert_no_error (error);
  chat = tincan_people_start_conversation (fixture->ada.people, plain, &error);
  g_assert_no_error (error);

  g_assert_null (tincan_chat_send_file (chat, file, &error));
  g_assert_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_PLAIN);
  g_assert_cmpstr (error->message, ==, "Files cannot be sent in plain-text mode");
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (chat)), ==, 0);

  /* A folder is not a file, in Tin Can mode either. */
  g_assert_null (tincan_chat_send_file (hub_chat (&fixture->ada), folder, &error));
  g_assert_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_NOT_REGULAR);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (hub_chat (&fixture->ada))), ==, 0);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

/* A version 4 history, as files-base wrote it: every message, the
 * outbox, the person and the search survive, and a file can be kept.
 */
static void
test_chat_files_migration_v4 (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "history-v4.sqlite", NULL);
  g_autofree char *path = g_build_filename (fixture->folder, "v4.sqlite", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(TincanStore) view = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autoptr(TincanTransfer) transfer = NULL;
  g_autoptr(TincanMessage) file_row = NULL;
  g_autoptr(GError) error = NULL;
  static const char *texts[] = {
    "Hello from A",
    "Ünïcödé: café, naïve, 日本語, ✓\nand a second line",
    "Reply from B",
    "Hello C",
    "Queued while B is away",
  };
  gsize length;
  const TincanStorePerson *person;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, 4);

  store = tincan_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_null (tincan_store_get_moved_aside (store));
  g_assert_cmpuint (tincan_store_get_count (store), ==, G_N_ELEMENTS (texts));

  messages = tincan_store_load (store, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, G_N_ELEMENTS (texts));
  for (guint i = 0; i < messages->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (messages, i);

      g_assert_cmpstr (tincan_message_get_text (message), ==, texts[i]);
      g_assert_null (tincan_message_get_transfer (message));
    }
  g_assert_false (tincan_message_get_outgoing (g_ptr_array_index (messages, 2)));
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (messages, 4)), ==, TINCAN_MESSAGE_QUEUED);

  unfinished = tincan_store_load_unfinished (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unfinished->len, ==, 1);
  g_assert_cmpint (tincan_store_find (store, "Reply", 0, &error), ==, 3);

  people = tincan_store_list_people (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 1);
  person = g_ptr_array_index (people, 0);
  g_assert_cmpstr (person->last_text, ==, "Queued while B is away");
  g_assert_cmpuint (person->n_unfinished, ==, 1);
  g_assert_cmpuint (person->n_transfers, ==, 0);

  /* A file now, in the same conversation. */
  view = tincan_store_open_person (store, person->id);
  g_clear_pointer (&people, g_ptr_array_unref);
  g_assert_nonnull (view);
  transfer = tincan_transfer_new ("0123456789abcdef0123456789abcdef", FALSE, "notes.odt", 4096);
  file_row = tincan_store_add_transfer (view, transfer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (file_row);
  tincan_store_follow_transfer (view, file_row);
  tincan_transfer_set_state (transfer, TINCAN_TRANSFER_MOVING, NULL);
  g_clear_object (&view);
  g_clear_object (&file_row);
  g_assert_finalize_object (g_steal_pointer (&store));

  g_assert_cmpint (query_int (path, "PRAGMA user_version"), ==, 5);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM transfers"), ==, 1);

  store = tincan_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tincan_store_get_count (store), ==, G_N_ELEMENTS (texts) + 1);
  people = tincan_store_list_people (store, &error);
  g_assert_no_error (error);
  person = g_ptr_array_index (people, 0);
  g_assert_cmpstr (person->last_text, ==, "File: notes.odt");
  g_assert_cmpuint (person->n_unfinished, ==, 1);
  g_assert_cmpuint (person->n_transfers, ==, 1);
  g_assert_cmpint (tincan_store_find (store, "notes", 0, &error), ==, G_N_ELEMENTS (texts) + 1);

  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = tincan_store_load_transfers (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  g_clear_object (&transfer);
  transfer = g_object_ref (tincan_message_get_transfer (g_ptr_array_index (messages, 0)));
  g_assert_cmpstr (tincan_transfer_get_id (transfer), ==, "0123456789abcdef0123456789abcdef");
  g_assert_cmpint (tincan_transfer_get_state (transfer), ==, TINCAN_TRANSFER_MOVING);
  g_assert_cmpuint (tincan_transfer_get_size (transfer), ==, 4096);
  g_assert_false (tincan_transfer_get_outgoing (transfer));

  /* Clearing takes the file row and its transfer. */
  g_assert_true (tincan_store_clear (store, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (query_int (path, "SELECT count(*) FROM transfers"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/chat-files/send", NULL, test_chat_files_send);
  ADD ("/chat-files/accept-limit", NULL, test_chat_files_accept_limit);
  ADD ("/chat-files/resume-receiver", GINT_TO_POINTER (RESUME_RECEIVER), test_chat_files_resume);
  ADD ("/chat-files/resume-sender", GINT_TO_POINTER (0), test_chat_files_resume);
  ADD ("/chat-files/resume-receiver-at-once", GINT_TO_POINTER (RESUME_RECEIVER | RESUME_AT_ONCE),
       test_chat_files_resume);
  ADD ("/chat-files/resume-sender-at-once", GINT_TO_POINTER (RESUME_AT_ONCE), test_chat_files_resume);
  ADD ("/chat-files/cancel", NULL, test_chat_files_cancel);
  ADD ("/chat-files/plain", NULL, test_chat_files_plain);
  ADD ("/chat-files/migration-v4", NULL, test_chat_files_migration_v4);

#undef ADD

  return g_test_run ();
}

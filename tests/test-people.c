/* test-people.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanPeople, the hub behind the sidebar, with peers on loopback: who
 * it lists and in what order, several conversations at once on its one
 * port, what it keeps across a restart, and people who move.
 * Discovery is off: these tests talk on loopback only.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "tincan-identity.h"
#include "tincan-people.h"
#include "tincan-store.h"
#include "tincan-test-utils.h"

typedef struct
{
  TincanLink *link;
  GPtrArray  *received;   /* TincanMessage */
} Peer;

typedef struct
{
  char           *folder;
  char           *history;
  char           *identity;
  GSettingsBackend *backend;
  GSettings      *gsettings;
  TincanSettings *settings;
  TincanPeople   *people;
  Peer            grace;
  Peer            alan;
} Fixture;

static void
open_people (Fixture *fixture)
{
  fixture->people = tincan_people_new (fixture->settings, fixture->history, fixture->identity);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("tincan-people-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->history = g_build_filename (fixture->folder, "history.sqlite", NULL);
  fixture->identity = g_build_filename (fixture->folder, "identity", NULL);

  fixture->backend = g_memory_settings_backend_new ();
  fixture->gsettings = g_settings_new_with_backend (BASE_ID, fixture->backend);
  g_settings_set_int (fixture->gsettings, "local-port", tincan_test_unused_port ());
  g_settings_set_boolean (fixture->gsettings, "discovery", FALSE);
  g_settings_set_boolean (fixture->gsettings, "ipmsg", FALSE);
  fixture->settings = tincan_settings_new (fixture->gsettings);
  open_people (fixture);
}

static void
on_peer_received_cb (TincanLink    *link,
                     TincanMessage *message,
                     Peer          *peer)
{
  g_ptr_array_add (peer->received, g_object_ref (message));
}

/* A Tin Can on loopback at @port (0: any), proving @private_key (NULL:
 * its own), talking to the hub.
 */
static void
peer_open (Fixture      *fixture,
           Peer         *peer,
           const char   *name,
           guint16       port,
           const guint8 *private_key)
{
  g_autoptr(GError) error = NULL;

  peer->link = tincan_link_new (port, TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  if (private_key != NULL)
    tincan_link_set_static_key (peer->link, private_key);
  if (peer->received == NULL)
    peer->received = g_ptr_array_new_with_free_func (g_object_unref);
  tincan_link_set_display_name (peer->link, name);
  g_signal_connect (peer->link, "message-received", G_CALLBACK (on_peer_received_cb), peer);
  tincan_link_set_peer (peer->link, "127.0.0.1", tincan_settings_get_local_port (fixture->settings));
}

static void
peer_close (Peer *peer)
{
  g_clear_object (&peer->link);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->people);
  peer_close (&fixture->grace);
  peer_close (&fixture->alan);
  g_clear_pointer (&fixture->grace.received, g_ptr_array_unref);
  g_clear_pointer (&fixture->alan.received, g_ptr_array_unref);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->gsettings);
  g_clear_object (&fixture->backend);
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
  g_free (fixture->history);
  g_free (fixture->identity);
}

static TincanPerson *
person_at (TincanPeople *people,
           guint         position)
{
  g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (people), position);

  return person;
}

static guint
n_people (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (fixture->people));
}

static TincanPerson *
add_peer (Fixture *fixture,
          Peer    *peer)
{
  g_autoptr(GError) error = NULL;
  TincanPerson *person;

  person = tincan_people_add_by_address (fixture->people, "127.0.0.1",
                                         tincan_link_get_local_port (peer->link),
                                         TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);

  return person;
}

typedef struct
{
  TincanPerson *person;
  const char   *name;
  guint         unread;
} Expect;

static gboolean
person_is (gpointer data)
{
  Expect *expect = data;

  return g_strcmp0 (tincan_person_get_name (expect->person), expect->name) == 0
         && tincan_person_get_presence (expect->person) == TINCAN_PRESENCE_ONLINE
         && tincan_person_get_unread (expect->person) >= expect->unread;
}

static void
test_people_nobody_at_first (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->people)) == TINCAN_TYPE_PERSON);
  g_assert_cmpuint (n_people (fixture), ==, 0);
  g_assert_null (tincan_people_get_first_chat (fixture->people));
  g_assert_null (tincan_people_find_by_id (fixture->people, 1));
}

static void
test_people_add_by_address (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TincanPerson *person, *again, *plain;

  g_assert_null (tincan_people_add_by_address (fixture->people, "no such host..", 2323,
                                               TINCAN_MODE_RELIABLE, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (n_people (fixture), ==, 0);
  g_clear_error (&error);

  person = tincan_people_add_by_address (fixture->people, " 127.0.0.1 ", 4000,
                                         TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  g_assert_cmpuint (n_people (fixture), ==, 1);
  g_assert_true (person_at (fixture->people, 0) == person);
  g_assert_cmpint (tincan_person_get_id (person), >, 0);
  g_assert_cmpstr (tincan_person_get_address (person), ==, "127.0.0.1:4000");
  g_assert_cmpint (tincan_person_get_mode (person), ==, TINCAN_MODE_RELIABLE);
  g_assert_nonnull (tincan_person_get_chat (person));
  g_assert_true (tincan_people_find_by_chat (fixture->people, tincan_person_get_chat (person)) == person);
  g_assert_true (tincan_people_find_by_id (fixture->people, tincan_person_get_id (person)) == person);
  g_assert_true (tincan_people_start_conversation (fixture->people, person, &error)
                 == tincan_person_get_chat (person));
  g_assert_no_error (error);
  /* Not the settings' peer: that one is still not set up. */
  g_assert_null (tincan_people_get_first_chat (fixture->people));

  /* The same address again is the same person. */
  again = tincan_people_add_by_address (fixture->people, "127.0.0.1", 4000,
                                        TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  g_assert_true (again == person);
  g_assert_cmpuint (n_people (fixture), ==, 1);

  plain = tincan_people_add_by_address (fixture->people, "127.0.0.1", 4001,
                                        TINCAN_MODE_PLAIN, &error);
  g_assert_no_error (error);
  g_assert_true (plain != person);
  g_assert_cmpint (tincan_person_get_mode (plain), ==, TINCAN_MODE_PLAIN);
  g_assert_cmpuint (n_people (fixture), ==, 2);
}

/* The row follows the conversation: the peer's name from its hello,
 * presence, the last message's first line, and what arrived unread.
 */
static void
test_people_person_follows_chat (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TincanPerson *person;
  Expect expect;

  peer_open (fixture, &fixture->grace, "Grace", 0, NULL);
  person = add_peer (fixture, &fixture->grace);
  expect = (Expect) { person, "Grace", 0 };
  g_assert_true (tincan_test_wait_for (person_is, &expect));
  g_assert_nonnull (tincan_person_get_fingerprint (person));

  g_assert_nonnull (tincan_link_send (fixture->grace.link, "first line\nsecond line", &error));
  g_assert_no_error (error);
  g_assert_nonnull (tincan_link_send (fixture->grace.link, "hello again", &error));
  g_assert_no_error (error);

  expect.unread = 2;
  g_assert_true (tincan_test_wait_for (person_is, &expect));
  g_assert_cmpuint (tincan_person_get_unread (person), ==, 2);
  g_assert_cmpstr (tincan_person_get_last_text (person), ==, "hello again");
  g_assert_false (tincan_person_get_last_outgoing (person));
  g_assert_cmpint (tincan_person_get_last_time (person), >, 0);

  tincan_people_mark_read (fixture->people, person);
  g_assert_cmpuint (tincan_person_get_unread (person), ==, 0);

  g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (person), "my answer\nmore", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tincan_person_get_last_text (person), ==, "my answer");
  g_assert_true (tincan_person_get_last_outgoing (person));
  g_assert_true (tincan_test_wait_for_length (fixture->grace.received, 1));
}

/* Two people at once on the one port, both ways: each conversation
 * gets its own messages, and the latest is listed first.
 */
static void
test_people_two_at_once (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TincanPerson *grace, *alan;
  Expect expect_grace, expect_alan;

  peer_open (fixture, &fixture->grace, "Grace", 0, NULL);
  peer_open (fixture, &fixture->alan, "Alan", 0, NULL);
  grace = add_peer (fixture, &fixture->grace);
  alan = add_peer (fixture, &fixture->alan);
  g_assert_true (grace != alan);

  expect_grace = (Expect) { grace, "Grace", 0 };
  expect_alan = (Expect) { alan, "Alan", 0 };
  g_assert_true (tincan_test_wait_for (person_is, &expect_grace));
  g_assert_true (tincan_test_wait_for (person_is, &expect_alan));
  g_assert_cmpstr (tincan_person_get_fingerprint (grace), !=, tincan_person_get_fingerprint (alan));

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *to_grace = g_strdup_printf ("to Grace %u", i);
      g_autofree char *to_alan = g_strdup_printf ("to Alan %u", i);
      g_autofree char *from_grace = g_strdup_printf ("from Grace %u", i);
      g_autofree char *from_alan = g_strdup_printf ("from Alan %u", i);

      g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (grace), to_grace, &error));
      g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (alan), to_alan, &error));
      g_assert_nonnull (tincan_link_send (fixture->grace.link, from_grace, &error));
      g_assert_nonnull (tincan_link_send (fixture->alan.link, from_alan, &error));
      g_assert_no_error (error);
    }

  g_assert_true (tincan_test_wait_for_length (fixture->grace.received, 5));
  g_assert_true (tincan_test_wait_for_length (fixture->alan.received, 5));
  expect_grace.unread = 5;
  expect_alan.unread = 5;
  g_assert_true (tincan_test_wait_for (person_is, &expect_grace));
  g_assert_true (tincan_test_wait_for (person_is, &expect_alan));
  tincan_test_run_for (200);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *to_grace = g_strdup_printf ("to Grace %u", i);
      g_autofree char *to_alan = g_strdup_printf ("to Alan %u", i);

      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->grace.received, i)), ==, to_grace);
      g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->alan.received, i)), ==, to_alan);
    }
  g_assert_cmpuint (fixture->grace.received->len, ==, 5);
  g_assert_cmpuint (fixture->alan.received->len, ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (tincan_person_get_chat (grace))), ==, 10);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (tincan_person_get_chat (alan))), ==, 10);
  g_assert_cmpuint (tincan_person_get_unread (grace), ==, 5);
  g_assert_cmpuint (tincan_person_get_unread (alan), ==, 5);

  /* The latest message first. */
  g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (grace), "latest", &error));
  g_assert_true (person_at (fixture->people, 0) == grace);
  g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (alan), "later still", &error));
  g_assert_true (person_at (fixture->people, 0) == alan);
}

/* People, their last message and what was read are kept: the next start
 * lists them without opening a conversation.
 */
static void
test_people_kept (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TincanPerson *grace;
  Expect expect;
  g_autofree char *fingerprint = NULL;

  peer_open (fixture, &fixture->grace, "Grace", 0, NULL);
  grace = add_peer (fixture, &fixture->grace);
  g_assert_nonnull (tincan_link_send (fixture->grace.link, "read this", &error));
  expect = (Expect) { grace, "Grace", 1 };
  g_assert_true (tincan_test_wait_for (person_is, &expect));
  tincan_people_mark_read (fixture->people, grace);
  g_assert_nonnull (tincan_link_send (fixture->grace.link, "not read yet\nsecond line", &error));
  expect.unread = 1;
  g_assert_true (tincan_test_wait_for (person_is, &expect));
  fingerprint = g_strdup (tincan_person_get_fingerprint (grace));

  g_clear_object (&fixture->people);
  peer_close (&fixture->grace);
  open_people (fixture);

  g_assert_cmpuint (n_people (fixture), ==, 1);
  grace = person_at (fixture->people, 0);
  g_assert_cmpstr (tincan_person_get_name (grace), ==, "Grace");
  g_assert_cmpstr (tincan_person_get_fingerprint (grace), ==, fingerprint);
  g_assert_cmpstr (tincan_person_get_last_text (grace), ==, "not read yet");
  g_assert_false (tincan_person_get_last_outgoing (grace));
  g_assert_cmpuint (tincan_person_get_unread (grace), ==, 1);
  /* Nothing waits for Grace: no conversation is opened for her yet. */
  g_assert_null (tincan_person_get_chat (grace));
  g_assert_nonnull (tincan_people_start_conversation (fixture->people, grace, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (tincan_person_get_chat (grace))), ==, 2);
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
at_address (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (tincan_person_get_address (args[0]), args[1]) == 0;
}

static gboolean
nothing_waits (gpointer data)
{
  return tincan_person_get_n_waiting (data) == 0;
}

/* What waits for someone who is away survives this side's restart: the
 * next start opens her conversation for it, and it goes, once, when she
 * is back.
 */
static void
test_people_waiting_across_restart (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *key_path = g_build_filename (fixture->folder, "grace-identity", NULL);
  g_autoptr(TincanIdentity) grace_key = NULL;
  g_autoptr(GError) error = NULL;
  TincanPerson *grace;
  guint16 grace_port;
  Expect expect;

  grace_key = tincan_identity_load (key_path, &error);
  g_assert_no_error (error);
  peer_open (fixture, &fixture->grace, "Grace", 0, tincan_identity_get_private_key (grace_key));
  grace_port = tincan_link_get_local_port (fixture->grace.link);
  grace = add_peer (fixture, &fixture->grace);
  expect = (Expect) { grace, "Grace", 0 };
  g_assert_true (tincan_test_wait_for (person_is, &expect));

  peer_close (&fixture->grace);
  g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (grace), "written before a restart", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tincan_person_get_n_waiting (grace), ==, 1);
  tincan_test_run_for (300);

  /* This side quits and starts again; she is still away. */
  g_clear_object (&fixture->people);
  open_people (fixture);
  g_assert_cmpuint (n_people (fixture), ==, 1);
  grace = person_at (fixture->people, 0);
  g_assert_cmpuint (tincan_person_get_n_waiting (grace), ==, 1);
  g_assert_nonnull (tincan_person_get_chat (grace));
  g_assert_cmpuint (fixture->grace.received->len, ==, 0);

  /* She is back where she was. */
  peer_open (fixture, &fixture->grace, "Grace", grace_port, tincan_identity_get_private_key (grace_key));
  g_assert_true (tincan_test_wait_for_length (fixture->grace.received, 1));
  tincan_test_run_for (500);
  g_assert_cmpuint (fixture->grace.received->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->grace.received, 0)), ==,
                   "written before a restart");
  g_assert_true (tincan_test_wait_for (nothing_waits, grace));
}

/* Grace's computer gets a new address and her Tin Can restarts there:
 * her handshake from it finds her conversation by her key, and what
 * waited for her goes there, once.  Someone unknown is not let in.
 */
static void
test_people_person_moves (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *key_path = g_build_filename (fixture->folder, "grace-identity", NULL);
  g_autoptr(TincanIdentity) grace_key = NULL;
  g_autoptr(GPtrArray) sent = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *new_address = NULL;
  TincanPerson *grace;
  TincanChat *chat;
  Expect expect;
  gpointer args[2];

  grace_key = tincan_identity_load (key_path, &error);
  g_assert_no_error (error);

  peer_open (fixture, &fixture->grace, "Grace", 0, tincan_identity_get_private_key (grace_key));
  grace = add_peer (fixture, &fixture->grace);
  expect = (Expect) { grace, "Grace", 0 };
  g_assert_true (tincan_test_wait_for (person_is, &expect));
  chat = tincan_person_get_chat (grace);

  /* She goes; what is written to her now waits. */
  peer_close (&fixture->grace);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("while away %u", i);

      g_ptr_array_add (sent, tincan_chat_send (chat, text, &error));
      g_assert_no_error (error);
    }

  /* Someone nobody knows tries to talk: not listed, not answered for. */
  peer_open (fixture, &fixture->alan, "Alan", 0, NULL);
  tincan_test_run_for (1500);
  g_assert_cmpuint (n_people (fixture), ==, 1);
  g_assert_cmpuint (fixture->alan.received->len, ==, 0);
  peer_close (&fixture->alan);

  /* She is back, on another port: the same person, the same chat. */
  peer_open (fixture, &fixture->grace, "Grace", 0, tincan_identity_get_private_key (grace_key));
  new_address = g_strdup_printf ("127.0.0.1:%u", tincan_link_get_local_port (fixture->grace.link));
  args[0] = grace;
  args[1] = new_address;
  g_assert_true (tincan_test_wait_for (at_address, args));
  g_assert_true (tincan_person_get_chat (grace) == chat);
  g_assert_true (tincan_test_wait_for (all_delivered, sent));
  g_assert_true (tincan_test_wait_for_length (fixture->grace.received, 3));
  tincan_test_run_for (300);
  g_assert_cmpuint (fixture->grace.received->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->grace.received, i)), ==,
                     tincan_message_get_text (g_ptr_array_index (sent, i)));
  g_assert_cmpuint (n_people (fixture), ==, 1);
}

static gboolean
is_one_person (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (G_LIST_MODEL (fixture->people)) == 1;
}

/* Grace's computer has two addresses (here: two ports).  Added again by
 * the second, she proves her key there: she is one person, whose
 * conversation goes on at the address she was added by.
 */
static void
test_people_same_person (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *key_path = g_build_filename (fixture->folder, "grace-identity", NULL);
  g_autoptr(TincanIdentity) grace_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *second = NULL;
  TincanPerson *grace, *added;
  Expect expect;
  gpointer args[2];

  grace_key = tincan_identity_load (key_path, &error);
  g_assert_no_error (error);
  peer_open (fixture, &fixture->grace, "Grace", 0, tincan_identity_get_private_key (grace_key));
  peer_open (fixture, &fixture->alan, "Grace", 0, tincan_identity_get_private_key (grace_key));
  grace = add_peer (fixture, &fixture->grace);
  expect = (Expect) { grace, "Grace", 0 };
  g_assert_true (tincan_test_wait_for (person_is, &expect));

  added = add_peer (fixture, &fixture->alan);
  g_assert_true (added != grace);
  g_assert_cmpuint (n_people (fixture), ==, 2);

  second = g_strdup_printf ("127.0.0.1:%u", tincan_link_get_local_port (fixture->alan.link));
  args[0] = grace;
  args[1] = second;
  g_assert_true (tincan_test_wait_for (at_address, args));
  g_assert_true (tincan_test_wait_for (is_one_person, fixture));
  g_assert_true (person_at (fixture->people, 0) == grace);
  g_assert_true (tincan_test_wait_for (person_is, &expect));

  g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (grace), "at your second address", &error));
  g_assert_no_error (error);
  g_assert_true (tincan_test_wait_for_length (fixture->alan.received, 1));
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (fixture->alan.received, 0)), ==,
                   "at your second address");
}

/* The settings' peer, as the Peer dialog sets it, is a person. */
static void
test_people_settings_peer (Fixture       *fixture,
                           gconstpointer  user_data)
{
  TincanPerson *person;
  Expect expect;

  peer_open (fixture, &fixture->grace, "Grace", 0, NULL);
  /* As the Peer dialog saves: the keys one after the other. */
  tincan_settings_save_peer (fixture->settings, "127.0.0.1",
                             tincan_link_get_local_port (fixture->grace.link),
                             tincan_settings_get_local_port (fixture->settings),
                             TINCAN_MODE_RELIABLE);
  tincan_settings_set_display_name (fixture->settings, "Ada");

  g_assert_cmpuint (n_people (fixture), ==, 1);
  person = person_at (fixture->people, 0);
  g_assert_nonnull (tincan_people_get_first_chat (fixture->people));
  g_assert_true (tincan_person_get_chat (person) == tincan_people_get_first_chat (fixture->people));
  expect = (Expect) { person, "Grace", 0 };
  g_assert_true (tincan_test_wait_for (person_is, &expect));
  g_assert_cmpuint (n_people (fixture), ==, 1);
  g_assert_nonnull (tincan_link_send (fixture->grace.link, "hello Ada", NULL));
  expect.unread = 1;
  g_assert_true (tincan_test_wait_for (person_is, &expect));
  g_assert_nonnull (tincan_chat_send (tincan_person_get_chat (person), "hello Grace", NULL));
  g_assert_true (tincan_test_wait_for_length (fixture->grace.received, 1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/people/nobody-at-first", test_people_nobody_at_first);
  ADD ("/people/add-by-address", test_people_add_by_address);
  ADD ("/people/person-follows-chat", test_people_person_follows_chat);
  ADD ("/people/two-at-once", test_people_two_at_once);
  ADD ("/people/kept", test_people_kept);
  ADD ("/people/person-moves", test_people_person_moves);
  ADD ("/people/waiting-across-restart", test_people_waiting_across_restart);
  ADD ("/people/same-person", test_people_same_person);
  ADD ("/people/settings-peer", test_people_settings_peer);

  return g_test_run ();
}

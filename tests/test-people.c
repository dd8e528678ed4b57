/* test-people.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanPeople, the hub behind the sidebar: who it lists, and that a
 * person's row follows their conversation (name, last message, unread).
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "tincan-people.h"
#include "tincan-test-utils.h"

typedef struct
{
  char           *folder;
  GSettings      *gsettings;
  TincanSettings *settings;
  TincanPeople   *people;
  TincanLink     *peer;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *history = NULL;
  g_autofree char *identity = NULL;

  fixture->folder = g_dir_make_tmp ("tincan-people-XXXXXX", &error);
  g_assert_no_error (error);
  history = g_build_filename (fixture->folder, "history.sqlite", NULL);
  identity = g_build_filename (fixture->folder, "identity", NULL);

  fixture->gsettings = g_settings_new_with_backend (BASE_ID, backend);
  g_settings_set_int (fixture->gsettings, "local-port", tincan_test_unused_port ());
  fixture->settings = tincan_settings_new (fixture->gsettings);
  fixture->people = tincan_people_new (fixture->settings, history, identity);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->people);
  g_clear_object (&fixture->peer);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->gsettings);
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

static TincanPerson *
person_at (TincanPeople *people,
           guint         position)
{
  g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (people), position);

  return person;
}

static void
test_people_nobody_at_first (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->people)) == TINCAN_TYPE_PERSON);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->people)), ==, 0);
  g_assert_nonnull (tincan_people_get_first_chat (fixture->people));
  g_assert_null (tincan_people_find_by_id (fixture->people, 1));
}

static void
test_people_add_by_address (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TincanPerson *person;

  g_assert_null (tincan_people_add_by_address (fixture->people, "no such host..", 2323,
                                               TINCAN_MODE_RELIABLE, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->people)), ==, 0);
  g_clear_error (&error);

  person = tincan_people_add_by_address (fixture->people, " 127.0.0.1 ", 4000,
                                         TINCAN_MODE_PLAIN, &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->people)), ==, 1);
  g_assert_true (person_at (fixture->people, 0) == person);
  g_assert_cmpstr (tincan_person_get_address (person), ==, "127.0.0.1:4000");
  g_assert_cmpint (tincan_person_get_mode (person), ==, TINCAN_MODE_PLAIN);
  g_assert_true (tincan_person_get_chat (person) == tincan_people_get_first_chat (fixture->people));
  g_assert_true (tincan_people_find_by_chat (fixture->people, tincan_person_get_chat (person)) == person);
  g_assert_true (tincan_people_find_by_id (fixture->people, tincan_person_get_id (person)) == person);
  g_assert_true (tincan_people_start_conversation (fixture->people, person, &error)
                 == tincan_person_get_chat (person));
  g_assert_no_error (error);
}

static gboolean
has_unread (gpointer data)
{
  return tincan_person_get_unread (data) >= 2;
}

static gboolean
is_named (gpointer data)
{
  return g_strcmp0 (tincan_person_get_name (data), "Grace") == 0;
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
  TincanMessage *message;

  fixture->peer = tincan_link_new (0, TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  tincan_link_set_display_name (fixture->peer, "Grace");
  tincan_link_set_peer (fixture->peer, "127.0.0.1",
                        tincan_settings_get_local_port (fixture->settings));

  person = tincan_people_add_by_address (fixture->people, "127.0.0.1",
                                         tincan_link_get_local_port (fixture->peer),
                                         TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);

  g_assert_true (tincan_test_wait_for (is_named, person));
  g_assert_cmpint (tincan_person_get_presence (person), ==, TINCAN_PRESENCE_ONLINE);
  g_assert_nonnull (tincan_person_get_fingerprint (person));

  message = tincan_link_send (fixture->peer, "first line\nsecond line", &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  message = tincan_link_send (fixture->peer, "hello again", &error);
  g_assert_no_error (error);

  g_assert_true (tincan_test_wait_for (has_unread, person));
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
  g_assert_cmpuint (tincan_person_get_unread (person), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/people/nobody-at-first", Fixture, NULL,
              fixture_set_up, test_people_nobody_at_first, fixture_tear_down);
  g_test_add ("/people/add-by-address", Fixture, NULL,
              fixture_set_up, test_people_add_by_address, fixture_tear_down);
  g_test_add ("/people/person-follows-chat", Fixture, NULL,
              fixture_set_up, test_people_person_follows_chat, fixture_tear_down);

  return g_test_run ();
}

/* test-store-people.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * History per person (schema 4): the migration of a version 3 file made
 * by Tin Can itself (tests/data/history-v3.sqlite, always a copy), views
 * of two conversations on one connection, the people list and what it
 * shows, search with and without FTS5, adding and finding people, trust
 * on first use of a person's key, removing a person, and the plan of the
 * people query.
 */

#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>

#include "tincan-store-private.h"
#include "tincan-test-utils.h"

#define SENDER_A "0123456789abcdef0123456789abcdef"
#define SENDER_B "fedcba9876543210fedcba9876543210"

/* What tests/data/README.md says the fixture holds. */
#define V3_PEER "127.0.0.1:47232"
#define V3_HOST "127.0.0.1"
#define V3_PORT 47232
#define V3_MESSAGES 5
#define V3_QUEUED "Queued while B is away"

typedef struct
{
  char *folder;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("tincan-people-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->folder, "history.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
  g_free (fixture->path);
}

/* The committed file is only read: the store migrates the copy. */
static void
copy_fixture (const char *path)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "history-v3.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

typedef struct
{
  gint64   id;
  char    *text;
  gboolean outgoing;
  int      state;
  gint64   time;
} Row;

static void
row_clear (gpointer data)
{
  g_free (((Row *) data)->text);
}

/* The messages as the file holds them, read without the store. */
static GArray *
read_rows (const char *path)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_array_set_clear_func (rows, row_clear);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, text, outgoing, state, time FROM messages ORDER BY id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Row row = {
        sqlite3_column_int64 (stmt, 0),
        g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
        sqlite3_column_int (stmt, 2),
        sqlite3_column_int (stmt, 3),
        sqlite3_column_int64 (stmt, 4),
      };

      g_array_append_val (rows, row);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return rows;
}

static void
read_blob (const char *path,
           const char *sql,
           guint8     *blob,
           gsize       size)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, size);
  memcpy (blob, sqlite3_column_blob (stmt, 0), size);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static TincanStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  TincanStore *store = tincan_store_new (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

static GPtrArray *
list_people (TincanStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *people = tincan_store_list_people (store, &error);

  g_assert_no_error (error);
  g_assert_nonnull (people);

  return people;
}

static TincanStorePerson *
person_at (GPtrArray *people,
           guint      i)
{
  g_assert_cmpuint (i, <, people->len);

  return g_ptr_array_index (people, i);
}

static TincanStorePerson *
find_in (GPtrArray *people,
         gint64     id)
{
  for (guint i = 0; i < people->len; i++)
    if (person_at (people, i)->id == id)
      return person_at (people, i);

  g_assert_not_reached ();
}

static gint64
add_person (TincanStore  *store,
            const guint8 *key,
            const char   *host,
            guint16       port,
            TincanMode    mode,
            const char   *name)
{
  g_autoptr(GError) error = NULL;
  gint64 id = tincan_store_add_person (store, key, host, port, mode, name, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static TincanMessage *
write_text (TincanStore *store,
            const char  *text)
{
  g_autoptr(GError) error = NULL;
  TincanMessage *message = tincan_store_write (store, text, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);

  return message;
}

static gint64
add_incoming (TincanStore *store,
              const char  *sender,
              guint64      uid,
              const char  *text)
{
  g_autoptr(TincanMessage) message = tincan_message_new_incoming ("x", sender, uid, text, FALSE);

  g_assert_cmpint (tincan_store_keep (store, message), ==, TINCAN_STORE_KEPT_NEW);

  return tincan_message_get_store_id (message);
}

static void
test_migration_v3 (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GArray) before = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(TincanStore) view = NULL;
  g_autoptr(TincanMessage) again = NULL;
  g_autoptr(GError) error = NULL;
  TincanStore *store;
  TincanStorePerson *person;
  guint8 pinned[32];
  guint8 key[32];
  gboolean verified = TRUE;
  gint64 reply_uid;
  gint64 other;

  copy_fixture (fixture->path);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==, 3);
  before = read_rows (fixture->path);
  g_assert_cmpuint (before->len, ==, V3_MESSAGES);
  read_blob (fixture->path, "SELECT key FROM peer_keys", pinned, sizeof pinned);
  reply_uid = query_int (fixture->path, "SELECT uid FROM messages WHERE id = 4");

  store = open_store (fixture->path);
  g_assert_null (tincan_store_get_moved_aside (store));

  /* Every message, as it was, in the first person's conversation. */
  g_assert_cmpuint (tincan_store_get_count (store), ==, V3_MESSAGES);
  all = tincan_store_load (store, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, V3_MESSAGES);
  for (guint i = 0; i < all->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (all, i);
      Row *row = &g_array_index (before, Row, i);

      g_assert_cmpint (tincan_message_get_store_id (message), ==, row->id);
      g_assert_cmpstr (tincan_message_get_text (message), ==, row->text);
      g_assert_cmpint (tincan_message_get_outgoing (message), ==, row->outgoing);
      g_assert_cmpint (tincan_message_get_state (message), ==, row->state);
      g_assert_cmpint (tincan_message_get_time (message), ==, row->time);
    }
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (all, 1)), ==,
                   "Ünïcödé: café, naïve, 日本語, ✓\nand a second line");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (all, 3)), ==, "Réponse deux — ça marche");

  /* The pinned key is the person's, at the pinned address. */
  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 1);
  person = person_at (people, 0);
  g_assert_cmpint (person->id, ==, tincan_store_get_person (store));
  g_assert_true (person->has_key);
  g_assert_cmpmem (person->key, sizeof person->key, pinned, sizeof pinned);
  g_assert_false (person->verified);
  g_assert_cmpstr (person->host, ==, V3_HOST);
  g_assert_cmpuint (person->port, ==, V3_PORT);
  g_assert_cmpint (person->mode, ==, TINCAN_MODE_RELIABLE);
  g_assert_cmpstr (person->last_text, ==, V3_QUEUED);
  g_assert_true (person->last_outgoing);
  g_assert_cmpint (person->last_time, ==, g_array_index (before, Row, V3_MESSAGES - 1).time);
  g_assert_cmpuint (person->unread, ==, 0);
  g_assert_cmpuint (person->n_unfinished, ==, 1);
  g_assert_cmpint (tincan_store_find_person_by_key (store, pinned, NULL), ==, person->id);

  /* What was not delivered still waits, in the root and in a view. */
  outbox = tincan_store_load_unfinished (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (outbox, 0)), ==, V3_QUEUED);
  g_clear_pointer (&outbox, g_ptr_array_unref);
  view = tincan_store_open_person (store, person->id);
  g_assert_nonnull (view);
  outbox = tincan_store_load_unfinished (view, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpuint (tincan_store_get_count (view), ==, V3_MESSAGES);

  /* Search, the seen pairs and peer_keys work as before. */
  g_assert_cmpint (tincan_store_find (view, "reponse", 0, NULL), ==, g_array_index (before, Row, 3).id);
  again = tincan_message_new_incoming ("x", "854a96592c67edfbdc183e42d6229d9b", (guint64) reply_uid,
                                       "Réponse deux — ça marche", FALSE);
  g_assert_cmpint (tincan_store_keep (view, again), ==, TINCAN_STORE_KEPT_DUPLICATE);
  g_assert_true (tincan_store_get_peer_key (store, V3_PEER, key, &verified, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (key, sizeof key, pinned, sizeof pinned);
  g_assert_false (verified);

  /* A person added now must still be there, alone, after a reopen. */
  memset (key, 0x42, sizeof key);
  other = add_person (store, key, "192.0.2.7", 2323, TINCAN_MODE_RELIABLE, "Other");
  g_clear_object (&view);
  g_assert_finalize_object (store);

  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==, 5);
  store = open_store (fixture->path);
  g_clear_pointer (&people, g_ptr_array_unref);
  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 2);
  g_assert_cmpint (find_in (people, other)->id, ==, other);
  g_assert_cmpuint (find_in (people, tincan_store_get_person (store))->unread, ==, 0);
  g_assert_cmpuint (tincan_store_get_count (store), ==, V3_MESSAGES);
  g_assert_finalize_object (store);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM messages WHERE person = 0"), ==, 0);
}

/* A verified key, and another address pinned before: each is a person,
 * the most recent one has the messages.
 */
static void
test_migration_v3_two_keys (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(TincanStore) older = NULL;
  TincanStorePerson *first;
  TincanStorePerson *second;

  copy_fixture (fixture->path);
  exec_sql (fixture->path,
            "UPDATE peer_keys SET verified = 1;"
            "INSERT INTO peer_keys VALUES ('[2001:db8::1]:4000', zeroblob (32), 0, 1000);");

  store = open_store (fixture->path);
  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 2);
  first = person_at (people, 0);
  second = person_at (people, 1);
  g_assert_cmpint (first->id, ==, tincan_store_get_person (store));
  g_assert_cmpint (first->id, <, second->id);
  g_assert_true (first->verified);
  g_assert_cmpstr (first->host, ==, V3_HOST);
  g_assert_cmpstr (second->host, ==, "2001:db8::1");
  g_assert_cmpuint (second->port, ==, 4000);
  g_assert_true (second->has_key);
  g_assert_false (second->verified);
  g_assert_cmpint (second->first_seen, ==, 1000);
  g_assert_null (second->last_text);
  g_assert_cmpuint (second->n_unfinished, ==, 0);

  older = tincan_store_open_person (store, second->id);
  g_assert_cmpuint (tincan_store_get_count (older), ==, 0);
  g_assert_cmpuint (tincan_store_get_count (store), ==, V3_MESSAGES);
}

/* No key pinned: the messages go to a person with neither key nor
 * address, which the app fills in later.
 */
static void
test_migration_v3_no_key (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(GError) error = NULL;
  TincanStorePerson *person;
  gint64 id;

  copy_fixture (fixture->path);
  exec_sql (fixture->path, "DELETE FROM peer_keys");

  store = open_store (fixture->path);
  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 1);
  person = person_at (people, 0);
  id = person->id;
  g_assert_false (person->has_key);
  g_assert_null (person->host);
  g_assert_cmpint (person->mode, ==, TINCAN_MODE_RELIABLE);
  g_assert_cmpuint (person->n_unfinished, ==, 1);
  g_assert_cmpuint (tincan_store_get_count (store), ==, V3_MESSAGES);

  g_assert_true (tincan_store_update_person (store, id, V3_HOST, V3_PORT, "B", 0, &error));
  g_assert_no_error (error);
  g_clear_pointer (&people, g_ptr_array_unref);
  people = list_people (store);
  g_assert_cmpstr (person_at (people, 0)->host, ==, V3_HOST);
  g_assert_cmpuint (person_at (people, 0)->port, ==, V3_PORT);
  g_assert_cmpstr (person_at (people, 0)->name, ==, "B");
  g_assert_cmpint (tincan_store_find_person_by_address (store, V3_HOST, V3_PORT, TINCAN_MODE_RELIABLE, NULL),
                   ==, id);
}

/* Without FTS5 (a file made where SQLite had none), search uses LIKE,
 * also within one conversation.
 */
static void
test_search_without_fts (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(TincanStore) other = NULL;
  gint64 reply, other_reply;

  copy_fixture (fixture->path);
  exec_sql (fixture->path,
            "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete; DROP TABLE messages_fts;");
  reply = query_int (fixture->path, "SELECT id FROM messages WHERE text LIKE 'Reply%'");

  store = open_store (fixture->path);
  g_assert_false (tincan_store_get_has_fts (store));
  other = tincan_store_open_person (store, add_person (store, NULL, "192.0.2.1", 2323, TINCAN_MODE_PLAIN, NULL));
  other_reply = add_incoming (other, SENDER_A, 1, "Reply from elsewhere");

  g_assert_cmpint (tincan_store_find (store, "reply", 0, NULL), ==, reply);
  g_assert_cmpint (tincan_store_find (other, "reply", 0, NULL), ==, other_reply);
  g_assert_cmpint (tincan_store_find (other, "reply", other_reply, NULL), ==, 0);
  g_assert_cmpint (tincan_store_find (other, "Queued", 0, NULL), ==, 0);
}

static void
test_two_views (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(TincanStore) root = NULL;
  g_autoptr(TincanStore) alice = NULL;
  g_autoptr(TincanStore) bob = NULL;
  g_autoptr(TincanMessage) to_alice = NULL;
  g_autoptr(TincanMessage) to_bob = NULL;
  g_autoptr(TincanMessage) twice = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[32];
  gint64 alice_id, bob_id, from_alice, from_bob;

  root = open_store (fixture->path);
  g_assert_cmpint (tincan_store_get_person (root), ==, 0);
  g_assert_null (tincan_store_open_person (root, 12345));

  memset (key, 0xa1, sizeof key);
  alice_id = add_person (root, key, "192.0.2.1", 2323, TINCAN_MODE_RELIABLE, "Alice");
  bob_id = add_person (root, NULL, "192.0.2.2", 2424, TINCAN_MODE_PLAIN, "Bob");
  g_assert_cmpint (alice_id, !=, bob_id);
  /* The root store is the first person's conversation. */
  g_assert_cmpint (tincan_store_get_person (root), ==, alice_id);

  alice = tincan_store_open_person (root, alice_id);
  bob = tincan_store_open_person (root, bob_id);
  g_assert_cmpint (tincan_store_get_person (bob), ==, bob_id);
  /* The views keep the file open after the root is gone. */
  g_assert_finalize_object (g_steal_pointer (&root));

  to_alice = write_text (alice, "an elephant for Alice");
  from_alice = add_incoming (alice, SENDER_A, 1, "Alice's zebra");
  to_bob = write_text (bob, "a giraffe for Bob");
  from_bob = add_incoming (bob, SENDER_B, 1, "Bob's elephant");
  add_incoming (bob, SENDER_B, 2, "Bob's other zebra");

  g_assert_cmpuint (tincan_store_get_count (alice), ==, 2);
  g_assert_cmpuint (tincan_store_get_count (bob), ==, 3);

  loaded = tincan_store_load (alice, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (loaded, 0)), ==, "an elephant for Alice");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (loaded, 1)), ==, "Alice's zebra");
  g_clear_pointer (&loaded, g_ptr_array_unref);
  loaded = tincan_store_load (bob, 1, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpint (tincan_message_get_store_id (g_ptr_array_index (loaded, 0)), ==, from_bob);

  /* Search is within the conversation. */
  g_assert_cmpint (tincan_store_find (alice, "eleph", 0, NULL), ==, tincan_message_get_store_id (to_alice));
  g_assert_cmpint (tincan_store_find (bob, "eleph", 0, NULL), ==, from_bob);
  g_assert_cmpint (tincan_store_find (alice, "giraffe", 0, NULL), ==, 0);
  g_assert_cmpint (tincan_store_find (bob, "zebra", 0, NULL), >, from_bob);
  g_assert_cmpint (tincan_store_find (bob, "zebra", from_bob, NULL), ==, 0);

  /* Positions count this conversation only. */
  g_assert_cmpuint (tincan_store_get_position (alice, from_alice), ==, 1);
  g_assert_cmpuint (tincan_store_get_position (bob, from_bob), ==, 1);

  /* Each outbox is its own. */
  outbox = tincan_store_load_unfinished (alice, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (outbox, 0)), ==, "an elephant for Alice");
  g_clear_pointer (&outbox, g_ptr_array_unref);

  /* What a sender sent is one message whoever's view keeps it. */
  twice = tincan_message_new_incoming ("x", SENDER_A, 1, "Alice's zebra", FALSE);
  g_assert_cmpint (tincan_store_keep (bob, twice), ==, TINCAN_STORE_KEPT_DUPLICATE);
  g_assert_cmpuint (tincan_store_get_count (bob), ==, 3);

  /* Clearing one conversation leaves the other, and its own outbox. */
  g_assert_true (tincan_store_clear (alice, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tincan_store_get_count (alice), ==, 1);
  g_assert_cmpuint (tincan_store_get_count (bob), ==, 3);
  outbox = tincan_store_load_unfinished (bob, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (outbox, 0)), ==, "a giraffe for Bob");

  /* And it all is on the disk, filed under the right people. */
  g_assert_finalize_object (g_steal_pointer (&alice));
  g_assert_finalize_object (g_steal_pointer (&bob));
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM messages WHERE person = 2"), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM messages WHERE person = 1"), ==, 1);
}

/* In a new file the root store's person is made with its first message. */
static void
test_new_file_root (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(TincanStore) store = open_store (fixture->path);
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (tincan_store_get_count (store), ==, 0);
  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 0);
  g_clear_pointer (&people, g_ptr_array_unref);

  message = tincan_store_write (store, "plain and first", TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_get_person (store), >, 0);
  g_assert_cmpuint (tincan_store_get_count (store), ==, 1);

  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 1);
  g_assert_cmpint (person_at (people, 0)->id, ==, tincan_store_get_person (store));
  g_assert_false (person_at (people, 0)->has_key);
  g_assert_cmpint (person_at (people, 0)->mode, ==, TINCAN_MODE_PLAIN);
  g_assert_cmpint (person_at (people, 0)->first_seen, >, 0);
  g_assert_cmpstr (person_at (people, 0)->last_text, ==, "plain and first");

  outbox = tincan_store_load_unfinished (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
}

static void
test_list_people (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(TincanStore) root = open_store (fixture->path);
  g_autoptr(TincanStore) alice = NULL;
  g_autoptr(TincanStore) bob = NULL;
  g_autoptr(TincanMessage) sent = NULL;
  g_autoptr(TincanMessage) delivered = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GString) long_line = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *cut = NULL;
  TincanStorePerson *person;
  guint8 key[32];
  gint64 alice_id, bob_id, carol_id, second;

  memset (key, 0xa1, sizeof key);
  alice_id = add_person (root, key, "192.0.2.1", 2323, TINCAN_MODE_RELIABLE, "Alice");
  bob_id = add_person (root, NULL, "192.0.2.2", 2424, TINCAN_MODE_PLAIN, "Bob");
  carol_id = add_person (root, NULL, "192.0.2.3", 2424, TINCAN_MODE_PLAIN, "Carol");
  alice = tincan_store_open_person (root, alice_id);
  bob = tincan_store_open_person (root, bob_id);

  add_incoming (alice, SENDER_A, 1, "one");
  second = add_incoming (alice, SENDER_A, 2, "two");
  add_incoming (alice, SENDER_A, 3, "three\nand its second line");
  sent = write_text (alice, "waiting");
  delivered = write_text (alice, "done");
  tincan_message_set_state (delivered, TINCAN_MESSAGE_DELIVERED, NULL);

  /* 200 two-byte characters: cut at 120 characters, 240 bytes. */
  for (guint i = 0; i < 200; i++)
    g_string_append (long_line, "é");
  g_string_append (long_line, "\nnot shown");
  add_incoming (bob, SENDER_B, 1, long_line->str);

  people = list_people (root);
  g_assert_cmpuint (people->len, ==, 3);
  /* The most recent conversation first, then nobody's, the oldest first. */
  g_assert_cmpint (person_at (people, 0)->id, ==, bob_id);
  g_assert_cmpint (person_at (people, 1)->id, ==, alice_id);
  g_assert_cmpint (person_at (people, 2)->id, ==, carol_id);

  person = find_in (people, alice_id);
  g_assert_cmpstr (person->name, ==, "Alice");
  g_assert_cmpstr (person->last_text, ==, "done");
  g_assert_true (person->last_outgoing);
  g_assert_cmpint (person->last_time, ==, tincan_message_get_time (delivered));
  g_assert_cmpuint (person->unread, ==, 3);
  g_assert_cmpuint (person->n_unfinished, ==, 1);

  person = find_in (people, bob_id);
  cut = g_utf8_substring (long_line->str, 0, 120);
  g_assert_cmpstr (person->last_text, ==, cut);
  g_assert_cmpuint (strlen (person->last_text), ==, 240);
  g_assert_false (person->last_outgoing);
  g_assert_cmpuint (person->unread, ==, 1);
  g_assert_cmpuint (person->n_unfinished, ==, 0);
  g_assert_cmpint (person->mode, ==, TINCAN_MODE_PLAIN);
  g_assert_false (person->has_key);
  g_assert_cmpstr (person->host, ==, "192.0.2.2");
  g_assert_cmpuint (person->port, ==, 2424);

  person = find_in (people, carol_id);
  g_assert_null (person->last_text);
  g_assert_cmpint (person->last_time, ==, 0);
  g_assert_cmpuint (person->unread, ==, 0);

  /* Read up to the second: one left; going back changes nothing. */
  g_assert_true (tincan_store_mark_read (root, alice_id, second, &error));
  g_assert_no_error (error);
  g_assert_true (tincan_store_mark_read (alice, alice_id, second - 1, &error));
  g_assert_no_error (error);
  add_incoming (bob, SENDER_B, 2, "Bob again");
  g_clear_pointer (&people, g_ptr_array_unref);
  people = list_people (bob);
  g_assert_cmpuint (find_in (people, alice_id)->unread, ==, 1);
  g_assert_cmpuint (find_in (people, bob_id)->unread, ==, 2);
  g_assert_cmpstr (find_in (people, bob_id)->last_text, ==, "Bob again");

  /* A copy is a deep one. */
  {
    g_autoptr(TincanStorePerson) copy = tincan_store_person_copy (find_in (people, alice_id));

    g_assert_true (copy->name != find_in (people, alice_id)->name);
    g_assert_cmpstr (copy->name, ==, "Alice");
    g_assert_cmpmem (copy->key, sizeof copy->key, key, sizeof key);
  }
}

static void
test_add_and_find (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(TincanStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[32];
  guint8 other[32];
  gint64 alice_id, plain_id, moved_id;

  memset (key, 0xa1, sizeof key);
  memset (other, 0xb2, sizeof other);

  /* A key is one person, wherever they are; the address moves. */
  alice_id = add_person (store, key, "192.0.2.1", 2323, TINCAN_MODE_RELIABLE, "Alice");
  g_assert_cmpint (add_person (store, key, "192.0.2.9", 0, TINCAN_MODE_RELIABLE, NULL), ==, alice_id);
  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 1);
  g_assert_cmpstr (person_at (people, 0)->host, ==, "192.0.2.9");
  g_assert_cmpuint (person_at (people, 0)->port, ==, 2323);
  g_assert_cmpstr (person_at (people, 0)->name, ==, "Alice");
  g_assert_cmpint (person_at (people, 0)->first_seen, >, 0);

  /* A plain-text person is their address. */
  plain_id = add_person (store, NULL, "192.0.2.9", 2323, TINCAN_MODE_PLAIN, "Plain");
  g_assert_cmpint (plain_id, !=, alice_id);
  g_assert_cmpint (add_person (store, NULL, "192.0.2.9", 2323, TINCAN_MODE_PLAIN, NULL), ==, plain_id);
  g_assert_cmpint (add_person (store, NULL, "192.0.2.9", 2324, TINCAN_MODE_PLAIN, NULL), !=, plain_id);

  g_assert_cmpint (tincan_store_find_person_by_key (store, key, &error), ==, alice_id);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_find_person_by_key (store, other, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_find_person_by_address (store, "192.0.2.9", 2323, TINCAN_MODE_PLAIN, &error),
                   ==, plain_id);
  g_assert_cmpint (tincan_store_find_person_by_address (store, "192.0.2.9", 2323, TINCAN_MODE_RELIABLE, &error),
                   ==, alice_id);
  g_assert_cmpint (tincan_store_find_person_by_address (store, "192.0.2.1", 2323, TINCAN_MODE_RELIABLE, &error),
                   ==, 0);
  g_assert_no_error (error);

  /* Two keys last seen at one address: the one seen last is found. */
  moved_id = add_person (store, other, "192.0.2.9", 2323, TINCAN_MODE_RELIABLE, "Moved in");
  g_assert_true (tincan_store_update_person (store, moved_id, NULL, 0, NULL, g_get_real_time () + 10, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_find_person_by_address (store, "192.0.2.9", 2323, TINCAN_MODE_RELIABLE, NULL),
                   ==, moved_id);
  g_assert_true (tincan_store_update_person (store, alice_id, NULL, 0, "Alice B.", g_get_real_time () + 20,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_find_person_by_address (store, "192.0.2.9", 2323, TINCAN_MODE_RELIABLE, NULL),
                   ==, alice_id);

  /* Updating nobody, or onto another plain person's address, fails. */
  g_assert_false (tincan_store_update_person (store, 999, "x", 1, NULL, 0, &error));
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (tincan_store_update_person (store, plain_id, "192.0.2.9", 2324, NULL, 0, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_clear_pointer (&people, g_ptr_array_unref);
  people = list_people (store);
  g_assert_cmpuint (people->len, ==, 4);
  g_assert_cmpstr (find_in (people, alice_id)->name, ==, "Alice B.");
  g_assert_cmpint (find_in (people, alice_id)->last_seen, >, 0);

  /* Use Plain Text: the mode is kept; nobody has none. */
  g_assert_true (tincan_store_set_person_mode (store, alice_id, TINCAN_MODE_PLAIN, &error));
  g_assert_no_error (error);
  g_assert_false (tincan_store_set_person_mode (store, 999, TINCAN_MODE_PLAIN, &error));
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_pointer (&people, g_ptr_array_unref);
  people = list_people (store);
  g_assert_cmpint (find_in (people, alice_id)->mode, ==, TINCAN_MODE_PLAIN);
  g_assert_cmpint (find_in (people, moved_id)->mode, ==, TINCAN_MODE_RELIABLE);
}

static void
test_trust_person_key (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(TincanStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[32];
  guint8 other[32];
  guint8 third[32];
  gboolean verified = TRUE;
  gint64 alice_id, bob_id;

  memset (key, 0xa1, sizeof key);
  memset (other, 0xb2, sizeof other);
  memset (third, 0xc3, sizeof third);
  alice_id = add_person (store, NULL, "192.0.2.1", 2323, TINCAN_MODE_RELIABLE, "Alice");
  bob_id = add_person (store, other, "192.0.2.2", 2323, TINCAN_MODE_RELIABLE, "Bob");

  /* First: kept, not verified. */
  g_assert_cmpint (tincan_store_trust_person_key (store, alice_id, key, &verified, &error), ==,
                   TINCAN_STORE_KEY_FIRST);
  g_assert_no_error (error);
  g_assert_false (verified);
  g_assert_cmpint (tincan_store_find_person_by_key (store, key, NULL), ==, alice_id);

  /* The same again: trusted. */
  g_assert_cmpint (tincan_store_trust_person_key (store, alice_id, key, &verified, &error), ==,
                   TINCAN_STORE_KEY_PINNED);
  g_assert_no_error (error);
  g_assert_false (verified);

  /* Another key, and Bob's key: refused, and Alice's stays. */
  g_assert_cmpint (tincan_store_trust_person_key (store, alice_id, third, NULL, &error), ==,
                   TINCAN_STORE_KEY_REFUSED);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_trust_person_key (store, alice_id, other, NULL, &error), ==,
                   TINCAN_STORE_KEY_REFUSED);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_find_person_by_key (store, key, NULL), ==, alice_id);

  /* A key-less person shown another person's key: refused, not taken. */
  {
    gint64 carol_id = add_person (store, NULL, "192.0.2.3", 2323, TINCAN_MODE_RELIABLE, "Carol");

    g_assert_cmpint (tincan_store_trust_person_key (store, carol_id, other, NULL, &error), ==,
                     TINCAN_STORE_KEY_REFUSED);
    g_assert_no_error (error);
    g_assert_cmpint (tincan_store_find_person_by_key (store, other, NULL), ==, bob_id);
  }

  /* Mark as Verified, then Accept New Key. */
  g_assert_true (tincan_store_set_person_key (store, alice_id, key, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_trust_person_key (store, alice_id, key, &verified, &error), ==,
                   TINCAN_STORE_KEY_PINNED);
  g_assert_true (verified);
  g_assert_true (tincan_store_set_person_key (store, alice_id, third, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_trust_person_key (store, alice_id, third, &verified, &error), ==,
                   TINCAN_STORE_KEY_PINNED);
  g_assert_false (verified);
  g_assert_cmpint (tincan_store_trust_person_key (store, alice_id, key, &verified, &error), ==,
                   TINCAN_STORE_KEY_REFUSED);

  /* A key another person has cannot be given to Alice. */
  g_assert_false (tincan_store_set_person_key (store, alice_id, other, FALSE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Nobody: refused, and said why. */
  g_assert_cmpint (tincan_store_trust_person_key (store, 999, key, NULL, &error), ==,
                   TINCAN_STORE_KEY_REFUSED);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED);
  g_clear_error (&error);

  people = list_people (store);
  g_assert_true (find_in (people, alice_id)->has_key);
  g_assert_cmpmem (find_in (people, alice_id)->key, 32, third, sizeof third);
}

/* A damaged key passes neither for a trusted one nor for none. */
static void
test_person_key_damaged (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(TincanStore) store = open_store (fixture->path);
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[32];
  gint64 id;

  memset (key, 0xa1, sizeof key);
  id = add_person (store, key, "192.0.2.1", 2323, TINCAN_MODE_RELIABLE, "Alice");
  g_assert_finalize_object (g_steal_pointer (&store));
  exec_sql (fixture->path, "UPDATE people SET key = x'a1a1a1'");

  store = open_store (fixture->path);
  g_assert_cmpint (tincan_store_trust_person_key (store, id, key, NULL, &error), ==, TINCAN_STORE_KEY_REFUSED);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT);
  people = list_people (store);
  g_assert_false (person_at (people, 0)->has_key);
  g_assert_false (person_at (people, 0)->verified);
}

static void
test_remove_person (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(TincanStore) root = open_store (fixture->path);
  g_autoptr(TincanStore) bob = NULL;
  g_autoptr(TincanStore) alice = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(TincanMessage) twice = NULL;
  g_autoptr(TincanMessage) waiting = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GError) error = NULL;
  gint64 alice_id, bob_id;

  alice_id = add_person (root, NULL, "192.0.2.1", 2323, TINCAN_MODE_PLAIN, "Alice");
  bob_id = add_person (root, NULL, "192.0.2.2", 2323, TINCAN_MODE_PLAIN, "Bob");
  bob = tincan_store_open_person (root, bob_id);
  alice = tincan_store_open_person (root, alice_id);
  add_incoming (root, SENDER_A, 1, "from Alice");
  waiting = write_text (root, "to Alice");
  add_incoming (bob, SENDER_B, 1, "from Bob");
  g_assert_cmpint (tincan_store_get_person (root), ==, alice_id);
  g_assert_cmpuint (tincan_store_get_count (root), ==, 2);

  /* Alice and all her messages go, the outbox too; the root store moves
   * on to the next first person.
   */
  g_assert_true (tincan_store_remove_person (bob, alice_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_get_person (root), ==, bob_id);
  g_assert_cmpuint (tincan_store_get_count (root), ==, 1);
  people = list_people (root);
  g_assert_cmpuint (people->len, ==, 1);
  g_assert_cmpint (person_at (people, 0)->id, ==, bob_id);
  g_assert_null (tincan_store_open_person (root, alice_id));
  g_assert_cmpuint (tincan_store_get_count (alice), ==, 0);
  outbox = tincan_store_load_unfinished (alice, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 0);

  /* What she sent stays received: it does not come back as new. */
  twice = tincan_message_new_incoming ("x", SENDER_A, 1, "from Alice", FALSE);
  g_assert_cmpint (tincan_store_keep (bob, twice), ==, TINCAN_STORE_KEPT_DUPLICATE);

  /* Nobody to remove is no error. */
  g_assert_true (tincan_store_remove_person (root, alice_id, &error));
  g_assert_no_error (error);
}

/* Listing people reads only indexes that start with the person: every
 * step on messages is a SEARCH, never a SCAN.
 */
static void
test_people_query_plan (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GString) plan = g_string_new (NULL);
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_finalize_object (open_store (fixture->path));
  tincan_test_fill_person (fixture->path, 0, 50);

  sql = g_strconcat ("EXPLAIN QUERY PLAN ", tincan_store_get_people_query (), NULL);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "ANALYZE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int (stmt, 1, 121);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_test_message ("%s", plan->str);
  g_assert_nonnull (strstr (plan->str, "SCAN p"));
  g_assert_null (strstr (plan->str, "SCAN m"));
  g_assert_null (strstr (plan->str, "SCAN messages"));
  g_assert_nonnull (strstr (plan->str, "COVERING INDEX messages_person (person=? AND id>?)"));
  g_assert_nonnull (strstr (plan->str, "COVERING INDEX messages_person (person=?)"));
  g_assert_nonnull (strstr (plan->str, "messages_unfinished"));
  g_assert_nonnull (strstr (plan->str, "SEARCH m USING INTEGER PRIMARY KEY"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store-people/migration-v3", test_migration_v3);
  ADD ("/store-people/migration-v3-two-keys", test_migration_v3_two_keys);
  ADD ("/store-people/migration-v3-no-key", test_migration_v3_no_key);
  ADD ("/store-people/search-without-fts", test_search_without_fts);
  ADD ("/store-people/two-views", test_two_views);
  ADD ("/store-people/new-file-root", test_new_file_root);
  ADD ("/store-people/list", test_list_people);
  ADD ("/store-people/add-and-find", test_add_and_find);
  ADD ("/store-people/trust-person-key", test_trust_person_key);
  ADD ("/store-people/person-key-damaged", test_person_key_damaged);
  ADD ("/store-people/remove-person", test_remove_person);
  ADD ("/store-people/people-query-plan", test_people_query_plan);

#undef ADD

  return g_test_run ();
}

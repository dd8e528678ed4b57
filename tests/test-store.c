/* test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanStore on real files in a temporary folder: WAL and durability
 * settings, migration from schema versions 1 and 2, the outbox across a
 * reopen, exactly-once across a reopen, a damaged file moved aside, a
 * read-only folder, a full disk, a second Tin Can, paging from both ends,
 * search with FTS5 and with LIKE, and the peers' pinned keys.
 */

#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <sched.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tincan-store-private.h"
#include "tincan-test-utils.h"

#define SENDER_A "0123456789abcdef0123456789abcdef"
#define SENDER_B "fedcba9876543210fedcba9876543210"

#define PEER_A "peer-a.example:2323"
#define PEER_B "[2001:db8::1]:4000"

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

  fixture->folder = g_dir_make_tmp ("tincan-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->folder, "tincan", "history.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
  g_free (fixture->path);
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

static void
close_store (TincanStore *store)
{
  g_assert_finalize_object (store);
}

static TincanMessage *
add_outgoing (TincanStore        *store,
              const char         *text,
              TincanMessageState  state)
{
  g_autoptr(GError) error = NULL;
  TincanMessage *message = tincan_message_new_outgoing (text, FALSE);

  if (state == TINCAN_MESSAGE_FAILED)
    tincan_message_set_state (message, state, "It did not answer");
  else
    tincan_message_set_state (message, state, NULL);

  g_assert_true (tincan_store_add (store, message, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_message_get_store_id (message), >, 0);

  return message;
}

static gboolean
add_incoming (TincanStore *store,
              const char  *sender,
              guint64      uid,
              const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanMessage) message = tincan_message_new_incoming ("x", sender, uid, text, FALSE);
  gboolean duplicate = TRUE;

  g_assert_true (tincan_store_add (store, message, &duplicate, &error));
  g_assert_no_error (error);

  return !duplicate;
}

static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return value;
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(TincanMessage) out = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *mode = NULL;
  guint8 identity[16];
  TincanStore *store;
  TincanMessage *message;

  store = open_store (fixture->path);
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));
  g_assert_null (tincan_store_get_moved_aside (store));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 0);
  memcpy (identity, tincan_store_get_identity (store), sizeof identity);

  out = add_outgoing (store, "Grüße ✓", TINCAN_MESSAGE_QUEUED);
  g_assert_true (add_incoming (store, SENDER_A, 99, "hello back"));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 2);
  close_store (store);

  /* WAL is kept in the file; the identity is the installation's. */
  mode = query_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");

  store = open_store (fixture->path);
  g_assert_cmpmem (tincan_store_get_identity (store), 16, identity, 16);
  g_assert_cmpuint (tincan_store_get_count (store), ==, 2);

  loaded = tincan_store_load (store, 0, 10, NULL);
  g_assert_cmpuint (loaded->len, ==, 2);
  message = g_ptr_array_index (loaded, 0);
  g_assert_cmpstr (tincan_message_get_text (message), ==, "Grüße ✓");
  g_assert_true (tincan_message_get_outgoing (message));
  g_assert_cmpuint (tincan_message_get_uid (message), ==, tincan_message_get_uid (out));
  g_assert_cmpstr (tincan_message_get_id (message), ==, tincan_message_get_id (out));
  g_assert_cmpint (tincan_message_get_time (message), ==, tincan_message_get_time (out));
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_QUEUED);
  message = g_ptr_array_index (loaded, 1);
  g_assert_false (tincan_message_get_outgoing (message));
  g_assert_cmpstr (tincan_message_get_sender (message), ==, SENDER_A);
  g_assert_cmpuint (tincan_message_get_uid (message), ==, 99);
  g_assert_cmpint (tincan_message_get_state (message), ==, TINCAN_MESSAGE_RECEIVED);
  close_store (store);

  /* The folder is made private. */
  {
    g_autofree char *folder = g_path_get_dirname (fixture->path);
    GStatBuf buf;

    g_assert_cmpint (g_stat (folder, &buf), ==, 0);
    g_assert_cmpint (buf.st_mode & 0777, ==, 0700);
  }
}

/* What version 1 of the schema wrote, kept here as it was. */
static const char *version_1 =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE messages (id INTEGER PRIMARY KEY, uid INTEGER NOT NULL DEFAULT 0, sender TEXT,"
  "  outgoing INTEGER NOT NULL, plain INTEGER NOT NULL, time INTEGER NOT NULL,"
  "  state INTEGER NOT NULL, reason TEXT, text TEXT NOT NULL);"
  "CREATE INDEX messages_unfinished ON messages (id) WHERE outgoing = 1 AND state IN (0, 1, 3);"
  "CREATE TABLE seen (sender TEXT NOT NULL, uid INTEGER NOT NULL,"
  "  PRIMARY KEY (sender, uid)) WITHOUT ROWID;"
  "INSERT INTO meta VALUES ('identity', '" SENDER_B "');"
  "INSERT INTO messages (uid, sender, outgoing, plain, time, state, text)"
  "  VALUES (5, NULL, 1, 0, 1000, 0, 'still in the outbox from version one');"
  "INSERT INTO messages (uid, sender, outgoing, plain, time, state, text)"
  "  VALUES (6, '" SENDER_A "', 0, 0, 2000, 4, 'a received elephant');"
  "INSERT INTO seen VALUES ('" SENDER_A "', 6);"
  "PRAGMA user_version = 1;";

static void
write_database (const char *path,
                const char *sql)
{
  g_autofree char *folder = g_path_get_dirname (path);
  sqlite3 *db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_migration_from_version_1 (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GPtrArray) outbox = NULL;
  g_autofree char *version = NULL;
  g_autofree char *identity = NULL;
  TincanStore *store;

  write_database (fixture->path, version_1);

  store = open_store (fixture->path);
  g_assert_null (tincan_store_get_moved_aside (store));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 2);
  identity = g_strdup_printf ("%02x%02x", tincan_store_get_identity (store)[0],
                              tincan_store_get_identity (store)[15]);
  g_assert_cmpstr (identity, ==, "fe10");

  /* Version 2's index covers the rows version 1 wrote. */
  g_assert_true (tincan_store_get_has_fts (store));
  g_assert_cmpint (tincan_store_find (store, "eleph", 0, NULL), ==, 2);

  outbox = tincan_store_load_unfinished (store, NULL);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpuint (tincan_message_get_uid (g_ptr_array_index (outbox, 0)), ==, 5);

  /* Its seen pairs still count. */
  g_assert_false (add_incoming (store, SENDER_A, 6, "a received elephant"));
  close_store (store);

  version = query_text (fixture->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (TINCAN_STORE_SCHEMA_VERSION));
}

/* What version 2 added to version 1, kept here as it was. */
static const char *version_2 =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);"
  "END;"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
  "PRAGMA user_version = 2;";

static void
test_migration_from_version_2 (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *sql = g_strconcat (version_1, version_2, NULL);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *tables = NULL;
  guint8 key[32];
  guint8 pinned[32];
  gboolean verified = TRUE;
  TincanStore *store;

  write_database (fixture->path, sql);
  version = query_text (fixture->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "2");
  g_clear_pointer (&version, g_free);

  store = open_store (fixture->path);
  g_assert_null (tincan_store_get_moved_aside (store));

  /* Every message, the outbox, the seen pairs and the index, as they were. */
  g_assert_cmpuint (tincan_store_get_count (store), ==, 2);
  all = tincan_store_load (store, 0, 10, NULL);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (all, 0)), ==,
                   "still in the outbox from version one");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (all, 1)), ==, "a received elephant");
  outbox = tincan_store_load_unfinished (store, NULL);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_false (add_incoming (store, SENDER_A, 6, "a received elephant"));
  g_assert_true (tincan_store_get_has_fts (store));
  g_assert_cmpint (tincan_store_find (store, "eleph", 0, NULL), ==, 2);
  g_assert_true (add_incoming (store, SENDER_A, 7, "an elephant after the migration"));
  g_assert_cmpint (tincan_store_find (store, "eleph", 0, NULL), ==, 3);

  /* No key is pinned yet, and one can be. */
  g_assert_false (tincan_store_get_peer_key (store, PEER_A, key, &verified, &error));
  g_assert_no_error (error);
  memset (key, 0x42, sizeof key);
  g_assert_true (tincan_store_pin_peer_key (store, PEER_A, key, FALSE, &error));
  g_assert_no_error (error);
  close_store (store);

  version = query_text (fixture->path, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (TINCAN_STORE_SCHEMA_VERSION));
  g_assert_cmpint (TINCAN_STORE_SCHEMA_VERSION, ==, 5);
  tables = query_text (fixture->path, "SELECT group_concat (name) FROM sqlite_master WHERE name = 'peer_keys'");
  g_assert_cmpstr (tables, ==, "peer_keys");

  store = open_store (fixture->path);
  g_assert_cmpuint (tincan_store_get_count (store), ==, 3);
  g_assert_true (tincan_store_get_peer_key (store, PEER_A, pinned, &verified, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (pinned, sizeof pinned, key, sizeof key);
  g_assert_false (verified);
  close_store (store);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  g_autofree char *text = query_text (path, sql);

  g_assert_nonnull (text);

  return g_ascii_strtoll (text, NULL, 10);
}

static void
assert_pinned (TincanStore  *store,
               const char   *peer,
               const guint8 *key,
               gboolean      verified)
{
  g_autoptr(GError) error = NULL;
  guint8 pinned[32];
  gboolean pinned_verified = !verified;

  g_assert_true (tincan_store_get_peer_key (store, peer, pinned, &pinned_verified, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (pinned, sizeof pinned, key, 32);
  g_assert_cmpint (pinned_verified, ==, verified);
}

static void
test_peer_keys (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  guint8 key_a[32];
  guint8 key_a2[32];
  guint8 key_b[32];
  guint8 untouched[32];
  gint64 first_seen;
  gint64 before = g_get_real_time ();
  TincanStore *store = open_store (fixture->path);

  for (guint i = 0; i < 32; i++)
    {
      key_a[i] = i;
      key_a2[i] = 255 - i;
      key_b[i] = i * 7;
    }
  /* A byte of zero in the middle is a byte like the others. */
  key_b[16] = 0;

  memset (untouched, 0xaa, sizeof untouched);
  g_assert_false (tincan_store_get_peer_key (store, PEER_A, untouched, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 32; i++)
    g_assert_cmpuint (untouched[i], ==, 0xaa);

  /* First seen: pinned, not verified. */
  g_assert_true (tincan_store_pin_peer_key (store, PEER_A, key_a, FALSE, &error));
  g_assert_no_error (error);
  assert_pinned (store, PEER_A, key_a, FALSE);
  g_assert_false (tincan_store_get_peer_key (store, PEER_B, untouched, NULL, &error));
  g_assert_no_error (error);
  close_store (store);

  first_seen = query_int (fixture->path, "SELECT first_seen FROM peer_keys WHERE peer = '" PEER_A "'");
  g_assert_cmpint (first_seen, >=, before);
  g_assert_cmpint (first_seen, <=, g_get_real_time ());

  /* Verified later: the same key, first seen when it was. */
  store = open_store (fixture->path);
  assert_pinned (store, PEER_A, key_a, FALSE);
  g_usleep (2000);
  g_assert_true (tincan_store_pin_peer_key (store, PEER_A, key_a, TRUE, NULL));
  assert_pinned (store, PEER_A, key_a, TRUE);
  g_assert_true (tincan_store_pin_peer_key (store, PEER_B, key_b, TRUE, NULL));
  close_store (store);
  g_assert_cmpint (query_int (fixture->path, "SELECT first_seen FROM peer_keys WHERE peer = '" PEER_A "'"),
                   ==, first_seen);

  /* Another key for A replaces the first, and is not verified. */
  store = open_store (fixture->path);
  assert_pinned (store, PEER_A, key_a, TRUE);
  assert_pinned (store, PEER_B, key_b, TRUE);
  g_assert_true (tincan_store_pin_peer_key (store, PEER_A, key_a2, FALSE, NULL));
  assert_pinned (store, PEER_A, key_a2, FALSE);
  assert_pinned (store, PEER_B, key_b, TRUE);

  /* Clearing the conversation forgets no key. */
  g_assert_true (add_incoming (store, SENDER_A, 1, "hello"));
  g_assert_true (tincan_store_clear (store, NULL));
  assert_pinned (store, PEER_A, key_a2, FALSE);
  close_store (store);

  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM peer_keys"), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT first_seen FROM peer_keys WHERE peer = '" PEER_A "'"),
                   >, first_seen);
}

static void
change_database (const char *path,
                 const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Trust on first use: the first key is pinned, the same one trusted, any
 * other refused; what the pin says of verified comes back.
 */
static void
test_trust_peer_key (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  guint8 key[32];
  guint8 other[32];
  gboolean verified = TRUE;
  TincanStore *store = open_store (fixture->path);

  memset (key, 0x11, sizeof key);
  memset (other, 0x22, sizeof other);

  g_assert_cmpint (tincan_store_trust_peer_key (store, PEER_A, key, &verified, &error),
                   ==, TINCAN_STORE_KEY_FIRST);
  g_assert_no_error (error);
  g_assert_false (verified);
  assert_pinned (store, PEER_A, key, FALSE);

  g_assert_cmpint (tincan_store_trust_peer_key (store, PEER_A, key, &verified, &error),
                   ==, TINCAN_STORE_KEY_PINNED);
  g_assert_no_error (error);
  g_assert_false (verified);

  g_assert_cmpint (tincan_store_trust_peer_key (store, PEER_A, other, NULL, &error),
                   ==, TINCAN_STORE_KEY_REFUSED);
  g_assert_no_error (error);
  assert_pinned (store, PEER_A, key, FALSE);

  /* Another peer has a first time of its own. */
  g_assert_cmpint (tincan_store_trust_peer_key (store, PEER_B, other, NULL, &error),
                   ==, TINCAN_STORE_KEY_FIRST);
  assert_pinned (store, PEER_B, other, FALSE);

  g_assert_true (tincan_store_pin_peer_key (store, PEER_A, key, TRUE, NULL));
  g_assert_cmpint (tincan_store_trust_peer_key (store, PEER_A, key, &verified, &error),
                   ==, TINCAN_STORE_KEY_PINNED);
  g_assert_true (verified);
  g_assert_cmpint (tincan_store_trust_peer_key (store, PEER_A, other, &verified, &error),
                   ==, TINCAN_STORE_KEY_REFUSED);
  g_assert_true (verified);
  close_store (store);

  /* A pin that cannot be read trusts nothing, and says why. */
  change_database (fixture->path, "UPDATE peer_keys SET key = x'0102' WHERE peer = '" PEER_A "'");
  store = open_store (fixture->path);
  g_assert_cmpint (tincan_store_trust_peer_key (store, PEER_A, key, &verified, &error),
                   ==, TINCAN_STORE_KEY_REFUSED);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT);
  g_assert_false (verified);
  close_store (store);
}

/* A pin damaged on the disk is reported, neither trusted nor ignored. */
static void
test_peer_key_damaged (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char *damage[] = {
    "UPDATE peer_keys SET key = x'0102030405' WHERE peer = '" PEER_A "'",
    "UPDATE peer_keys SET key = zeroblob (33) WHERE peer = '" PEER_A "'",
    "UPDATE peer_keys SET key = zeroblob (0) WHERE peer = '" PEER_A "'",
    /* Thirty-two characters, but text. */
    "UPDATE peer_keys SET key = '0123456789abcdef0123456789abcdef' WHERE peer = '" PEER_A "'",
    "UPDATE peer_keys SET verified = 2 WHERE peer = '" PEER_A "'",
    "UPDATE peer_keys SET verified = 'yes' WHERE peer = '" PEER_A "'",
  };
  guint8 key[32];
  guint8 key_b[32];

  memset (key, 0x11, sizeof key);
  memset (key_b, 0x22, sizeof key_b);

  for (guint i = 0; i < G_N_ELEMENTS (damage); i++)
    {
      g_autoptr(GError) error = NULL;
      guint8 read_back[32];
      gboolean verified = FALSE;
      TincanStore *store = open_store (fixture->path);

      g_test_message ("%s", damage[i]);
      g_assert_true (tincan_store_pin_peer_key (store, PEER_A, key, TRUE, NULL));
      g_assert_true (tincan_store_pin_peer_key (store, PEER_B, key_b, TRUE, NULL));
      close_store (store);

      change_database (fixture->path, damage[i]);

      store = open_store (fixture->path);
      g_assert_null (tincan_store_get_moved_aside (store));
      g_assert_false (tincan_store_get_peer_key (store, PEER_A, read_back, &verified, &error));
      g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, fixture->path));
      g_assert_nonnull (strstr (error->message, PEER_A));
      g_assert_false (verified);

      /* The other peer's pin is fine, and a new pin repairs A's. */
      assert_pinned (store, PEER_B, key_b, TRUE);
      g_assert_true (tincan_store_pin_peer_key (store, PEER_A, key, FALSE, NULL));
      assert_pinned (store, PEER_A, key, FALSE);
      close_store (store);
    }
}

static void
test_peer_key_full_disk (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pages = NULL;
  guint8 key[32];
  TincanStore *store = open_store (fixture->path);
  guint pinned;

  close_store (store);
  pages = query_text (fixture->path, "PRAGMA page_count");
  store = open_store (fixture->path);
  tincan_store_set_max_pages (store, atoi (pages));

  /* Some fit in the table's page; then the disk is full. */
  for (pinned = 0; pinned < 10000; pinned++)
    {
      g_autofree char *peer = g_strdup_printf ("peer-%u.example:2323", pinned);

      memset (key, pinned & 0xff, sizeof key);
      if (!tincan_store_pin_peer_key (store, peer, key, FALSE, &error))
        break;
    }
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL);
  g_assert_cmpuint (pinned, >, 0);
  g_assert_cmpuint (pinned, <, 10000);
  g_clear_error (&error);

  /* What was pinned before stays, and the one that failed is not half there. */
  for (guint i = 0; i <= pinned; i++)
    {
      g_autofree char *peer = g_strdup_printf ("peer-%u.example:2323", i);

      memset (key, i & 0xff, sizeof key);
      if (i < pinned)
        assert_pinned (store, peer, key, FALSE);
      else
        {
          g_assert_false (tincan_store_get_peer_key (store, peer, key, NULL, &error));
          g_assert_no_error (error);
        }
    }
  close_store (store);
}

static void
test_newer_schema_refused (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) store = NULL;

  write_database (fixture->path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  store = tincan_store_new (fixture->path, &error);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED);
  g_assert_null (store);

  /* Not damaged, so left where it is. */
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_REGULAR));
}

static void
test_outbox_resume (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) outbox = NULL;
  TincanStore *store;

  store = open_store (fixture->path);
  g_ptr_array_add (sent, add_outgoing (store, "queued", TINCAN_MESSAGE_QUEUED));
  g_ptr_array_add (sent, add_outgoing (store, "delivered", TINCAN_MESSAGE_DELIVERED));
  g_ptr_array_add (sent, add_outgoing (store, "sent", TINCAN_MESSAGE_SENT));
  g_ptr_array_add (sent, add_outgoing (store, "failed", TINCAN_MESSAGE_FAILED));
  g_assert_true (add_incoming (store, SENDER_A, 1, "received"));
  close_store (store);

  store = open_store (fixture->path);
  outbox = tincan_store_load_unfinished (store, NULL);
  g_assert_cmpuint (outbox->len, ==, 3);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (outbox, 0)), ==, "queued");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (outbox, 1)), ==, "sent");
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (outbox, 1)), ==, TINCAN_MESSAGE_SENT);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (outbox, 2)), ==, "failed");
  g_assert_cmpstr (tincan_message_get_failure_reason (g_ptr_array_index (outbox, 2)), ==,
                   "It did not answer");
  g_assert_cmpuint (tincan_message_get_uid (g_ptr_array_index (outbox, 0)), ==,
                    tincan_message_get_uid (g_ptr_array_index (sent, 0)));

  /* Delivered after the restart: out of the outbox for good. */
  tincan_message_set_state (g_ptr_array_index (outbox, 0), TINCAN_MESSAGE_DELIVERED, NULL);
  g_assert_true (tincan_store_save_state (store, g_ptr_array_index (outbox, 0), NULL));
  g_clear_pointer (&outbox, g_ptr_array_unref);
  close_store (store);

  store = open_store (fixture->path);
  outbox = tincan_store_load_unfinished (store, NULL);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (outbox, 0)), ==, "sent");
  close_store (store);
}

static void
test_dedupe_across_restart (Fixture       *fixture,
                            gconstpointer  user_data)
{
  TincanStore *store;
  g_autoptr(TincanMessage) plain = NULL;

  store = open_store (fixture->path);
  g_assert_true (add_incoming (store, SENDER_A, 7, "once"));
  g_assert_false (add_incoming (store, SENDER_A, 7, "once"));
  close_store (store);

  store = open_store (fixture->path);
  g_assert_false (add_incoming (store, SENDER_A, 7, "once"));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 1);

  /* The same ID from another installation is another message. */
  g_assert_true (add_incoming (store, SENDER_B, 7, "once, from B"));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 2);

  /* Clearing the history does not make an old message new. */
  g_assert_true (tincan_store_clear (store, NULL));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 0);
  g_assert_false (add_incoming (store, SENDER_A, 7, "once"));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 0);

  /* Plain text has no IDs: each one is new. */
  plain = tincan_message_new_incoming ("p", NULL, 0, "plain", TRUE);
  g_assert_true (tincan_store_add (store, plain, NULL, NULL));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 1);
  close_store (store);
}

static void
test_clear_keeps_unsent (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(TincanMessage) queued = NULL;
  g_autoptr(TincanMessage) delivered = NULL;
  g_autoptr(GPtrArray) left = NULL;
  TincanStore *store = open_store (fixture->path);

  delivered = add_outgoing (store, "delivered", TINCAN_MESSAGE_DELIVERED);
  queued = add_outgoing (store, "typed, not delivered", TINCAN_MESSAGE_QUEUED);
  g_assert_true (add_incoming (store, SENDER_A, 1, "received"));

  g_assert_true (tincan_store_clear (store, NULL));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 1);
  left = tincan_store_load (store, 0, 10, NULL);
  g_assert_cmpuint (left->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (left, 0)), ==, "typed, not delivered");
  g_assert_cmpint (tincan_store_find (store, "received", 0, NULL), ==, 0);
  close_store (store);
}

static void
write_garbage (const char *path,
               gsize       length)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *garbage = g_malloc (length);
  GRand *rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < length; i++)
    garbage[i] = g_rand_int (rand);
  g_rand_free (rand);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, garbage, length, NULL));
}

static void
assert_moved_aside (TincanStore *store,
                    const char  *path,
                    const char  *contents,
                    gsize        length)
{
  const char *aside = tincan_store_get_moved_aside (store);
  g_autofree char *kept = NULL;
  gsize kept_length;

  g_assert_nonnull (aside);
  g_assert_true (g_str_has_prefix (aside, path));
  g_assert_true (strstr (aside, ".damaged-") != NULL);
  g_assert_true (g_file_get_contents (aside, &kept, &kept_length, NULL));
  g_assert_cmpmem (kept, kept_length, contents, length);
}

static void
test_garbage_moved_aside (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *garbage = NULL;
  gsize length;
  TincanStore *store;

  write_garbage (fixture->path, 8192);
  g_assert_true (g_file_get_contents (fixture->path, &garbage, &length, NULL));

  store = open_store (fixture->path);
  assert_moved_aside (store, fixture->path, garbage, length);

  /* A new, working history in its place. */
  g_assert_cmpuint (tincan_store_get_count (store), ==, 0);
  g_assert_true (add_incoming (store, SENDER_A, 1, "after the damage"));
  close_store (store);

  store = open_store (fixture->path);
  g_assert_null (tincan_store_get_moved_aside (store));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 1);
  close_store (store);
}

static void
test_truncated_moved_aside (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *contents = NULL;
  gsize length;
  TincanStore *store;
  g_autoptr(GPtrArray) left = NULL;

  store = open_store (fixture->path);
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u %0200u", i, i);

      g_assert_true (add_incoming (store, SENDER_A, i + 1, text));
    }
  close_store (store);

  /* Half a database: a valid header, pages missing. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 16384);
  length /= 2;
  g_assert_true (g_file_set_contents (fixture->path, contents, length, NULL));

  store = open_store (fixture->path);
  assert_moved_aside (store, fixture->path, contents, length);
  g_assert_cmpuint (tincan_store_get_count (store), ==, 0);
  left = tincan_store_load (store, 0, 10, NULL);
  g_assert_cmpuint (left->len, ==, 0);
  close_store (store);
}

static void
test_in_use (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  TincanStore *first = open_store (fixture->path);
  TincanStore *second = tincan_store_new (fixture->path, &error);

  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_IN_USE);
  g_assert_null (second);
  g_assert_true (strstr (error->message, fixture->path) != NULL);

  /* Nothing was moved aside: it is not damaged, only busy. */
  g_assert_true (add_incoming (first, SENDER_A, 1, "still mine"));
  close_store (first);
}

static void
test_full_disk (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(TincanMessage) big = NULL;
  g_autofree char *text = g_strnfill (64 * 1024, 'x');
  g_autofree char *pages = NULL;
  TincanStore *store = open_store (fixture->path);
  guint i;

  g_assert_true (add_incoming (store, SENDER_A, 1, "stored before the disk filled"));
  close_store (store);

  pages = query_text (fixture->path, "PRAGMA page_count");
  store = open_store (fixture->path);
  tincan_store_set_max_pages (store, atoi (pages) + 4);

  /* Small messages fit for a while; a big one does not. */
  big = tincan_message_new_outgoing (text, FALSE);
  g_assert_false (tincan_store_add (store, big, NULL, &error));
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL);
  g_assert_cmpint (tincan_message_get_store_id (big), ==, 0);
  g_clear_error (&error);

  /* A received message that cannot be stored is not remembered as seen
   * either, so it is stored when it comes again.
   */
  {
    g_autoptr(TincanMessage) received = tincan_message_new_incoming ("x", SENDER_A, 2, text, FALSE);
    gboolean duplicate = TRUE;

    g_assert_false (tincan_store_add (store, received, &duplicate, &error));
    g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL);
    g_clear_error (&error);
  }

  g_assert_cmpuint (tincan_store_get_count (store), ==, 1);
  kept = tincan_store_load (store, 0, 10, NULL);
  g_assert_cmpuint (kept->len, ==, 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (kept, 0)), ==,
                   "stored before the disk filled");

  /* Room again. */
  tincan_store_set_max_pages (store, 1000000);
  g_assert_true (tincan_store_add (store, big, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (add_incoming (store, SENDER_A, 2, text));
  for (i = 0; i < 3; i++)
    g_assert_false (add_incoming (store, SENDER_A, 2, text));
  g_assert_cmpuint (tincan_store_get_count (store), ==, 3);
  close_store (store);
}

/* Makes @folder read-only for this process: by its mode for a normal
 * user, and for root (whom modes do not stop) by a read-only bind mount
 * in a mount namespace of its own.  Only ever called in a subprocess.
 */
static gboolean
make_read_only (const char *folder)
{
  if (geteuid () != 0)
    return g_chmod (folder, 0500) == 0;

  return unshare (CLONE_NEWNS) == 0
         && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0
         && mount (folder, folder, NULL, MS_BIND, NULL) == 0
         && mount (NULL, folder, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0;
}

/* Whether make_read_only() works here, tried in a throw-away child. */
static gboolean
can_make_read_only (const char *folder)
{
  int status = 0;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (make_read_only (folder) ? 0 : 1);

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (geteuid () != 0)
    g_chmod (folder, 0700);

  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* In a subprocess, as the mount (or mode) must not outlive the test.  The
 * subprocess has a fixture of its own, so it checks everything itself.
 */
static void
test_read_only_folder (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *other = g_build_filename (folder, "other.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) refused = NULL;
  gsize before_length, after_length;
  TincanStore *store;

  store = open_store (fixture->path);
  g_assert_true (add_incoming (store, SENDER_A, 1, "written while it could be"));
  close_store (store);
  g_assert_true (g_file_get_contents (fixture->path, &before, &before_length, NULL));

  if (!g_test_subprocess ())
    {
      if (!can_make_read_only (folder))
        {
          g_test_skip ("Cannot make a folder read-only here");
          return;
        }

      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_true (make_read_only (folder));

  refused = tincan_store_new (fixture->path, &error);
  g_assert_null (refused);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_READ_ONLY);
  g_assert_true (strstr (error->message, fixture->path) != NULL);
  g_clear_error (&error);

  refused = tincan_store_new (other, &error);
  g_assert_null (refused);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_READ_ONLY);
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));

  /* Nothing already stored was touched, and nothing was moved aside. */
  g_assert_true (g_file_get_contents (fixture->path, &after, &after_length, NULL));
  g_assert_cmpmem (after, after_length, before, before_length);

  if (geteuid () == 0)
    g_assert_cmpint (umount2 (folder, MNT_DETACH), ==, 0);
  else
    g_chmod (folder, 0700);
}

static void
test_unwritable_location (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("tincan-not-a-folder-XXXXXX", &file, NULL);

  g_assert_cmpint (fd, >=, 0);
  close (fd);

  /* Its folder would have to be inside a file. */
  path = g_build_filename (file, "tincan", "history.db", NULL);
  store = tincan_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_READ_ONLY);
  g_remove (file);
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  user_data)
{
  static const guint starts[] = { 0, 1, 450, 499, 500, 501, 950, 990, 999, 1000, 2000 };
  TincanStore *store = open_store (fixture->path);

  close_store (store);
  tincan_test_fill_history (fixture->path, 1000);
  store = open_store (fixture->path);
  g_assert_cmpuint (tincan_store_get_count (store), ==, 1000);

  /* From the front for the older half, from the back for the newer. */
  for (guint s = 0; s < G_N_ELEMENTS (starts); s++)
    {
      guint64 before = tincan_store_get_rows_read (store);
      g_autoptr(GPtrArray) page = tincan_store_load (store, starts[s], 100, NULL);

      g_assert_nonnull (page);
      g_assert_cmpuint (page->len, ==, MIN (100, 1000 - MIN (starts[s], 1000)));
      for (guint i = 0; i < page->len; i++)
        {
          g_autofree char *expected = g_strdup_printf ("message %u", starts[s] + i);

          g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (page, i)), ==, expected);
          g_assert_cmpint (tincan_message_get_store_id (g_ptr_array_index (page, i)), >, 0);
        }

      /* Only the page is read, not the rows skipped to reach it. */
      g_assert_cmpuint (tincan_store_get_rows_read (store) - before, ==, page->len);
    }
  close_store (store);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  user_data)
{
  TincanStore *store = open_store (fixture->path);

  g_assert_true (tincan_store_get_has_fts (store));
  g_assert_true (add_incoming (store, SENDER_A, 1, "The quick brown fox"));
  g_assert_true (add_incoming (store, SENDER_A, 2, "jumps over the lazy dog"));
  g_assert_true (add_incoming (store, SENDER_A, 3, "Quick, said the \"fox\" again"));
  g_assert_true (add_incoming (store, SENDER_A, 4, "100% sure_thing"));

  /* Newest first, then older from there. */
  g_assert_cmpint (tincan_store_find (store, "fox", 0, NULL), ==, 3);
  g_assert_cmpint (tincan_store_find (store, "fox", 3, NULL), ==, 1);
  g_assert_cmpint (tincan_store_find (store, "fox", 1, NULL), ==, 0);

  /* Every word, in any order, any case; the last one as a prefix. */
  g_assert_cmpint (tincan_store_find (store, "FOX quick", 0, NULL), ==, 3);
  g_assert_cmpint (tincan_store_find (store, "dog la", 0, NULL), ==, 2);
  g_assert_cmpint (tincan_store_find (store, "fox dog", 0, NULL), ==, 0);

  /* What a person types is never FTS5 syntax. */
  g_assert_cmpint (tincan_store_find (store, "\"fox", 0, NULL), ==, 3);
  g_assert_cmpint (tincan_store_find (store, "fox AND NOT)", 0, NULL), ==, 0);
  g_assert_cmpint (tincan_store_find (store, "   ", 0, NULL), ==, 0);
  g_assert_cmpint (tincan_store_get_position (store, 3), ==, 2);
  close_store (store);
}

/* A SQLite without FTS5 leaves a version 2 history with no index. */
static void
test_search_without_fts (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *sql = g_strdup_printf ("%s PRAGMA user_version = 2;", version_1);
  TincanStore *store;

  write_database (fixture->path, sql);
  store = open_store (fixture->path);
  g_assert_false (tincan_store_get_has_fts (store));
  g_assert_true (add_incoming (store, SENDER_A, 10, "100% sure_thing"));
  g_assert_true (add_incoming (store, SENDER_A, 11, "1000 surely"));

  g_assert_cmpint (tincan_store_find (store, "eleph", 0, NULL), ==, 2);
  g_assert_cmpint (tincan_store_find (store, "ELEPHANT", 0, NULL), ==, 2);

  /* % and _ are themselves: unescaped, "0% s" would match "1000 surely"
   * and "1_0" would match "100".
   */
  g_assert_cmpint (tincan_store_find (store, "0% s", 0, NULL), ==, 3);
  g_assert_cmpint (tincan_store_find (store, "1_0", 0, NULL), ==, 0);
  g_assert_cmpint (tincan_store_find (store, "e_th", 0, NULL), ==, 3);
  g_assert_cmpint (tincan_store_find (store, "", 0, NULL), ==, 0);
  close_store (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/migration-from-version-1", test_migration_from_version_1);
  ADD ("/store/migration-from-version-2", test_migration_from_version_2);
  ADD ("/store/peer-keys", test_peer_keys);
  ADD ("/store/trust-peer-key", test_trust_peer_key);
  ADD ("/store/peer-key-damaged", test_peer_key_damaged);
  ADD ("/store/peer-key-full-disk", test_peer_key_full_disk);
  ADD ("/store/newer-schema-refused", test_newer_schema_refused);
  ADD ("/store/outbox-resume", test_outbox_resume);
  ADD ("/store/dedupe-across-restart", test_dedupe_across_restart);
  ADD ("/store/clear-keeps-unsent", test_clear_keeps_unsent);
  ADD ("/store/garbage-moved-aside", test_garbage_moved_aside);
  ADD ("/store/truncated-moved-aside", test_truncated_moved_aside);
  ADD ("/store/in-use", test_in_use);
  ADD ("/store/full-disk", test_full_disk);
  ADD ("/store/read-only-folder", test_read_only_folder);
  ADD ("/store/paging", test_paging);
  ADD ("/store/search", test_search);
  ADD ("/store/search-without-fts", test_search_without_fts);
  g_test_add_func ("/store/unwritable-location", test_unwritable_location);

#undef ADD

  return g_test_run ();
}

/* tincan-store-db.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history file itself: SQLite's errors turned into ones a person can
 * act on, statements prepared once, opening the file (WAL, synchronous
 * FULL, an exclusive lock held for life), the schema and its migrations,
 * the installation's identity, and moving a damaged file aside.  What is
 * read and written is in tincan-store.c.
 *
 * A file that is not a database, or whose schema cannot be read, is moved
 * aside (never deleted) and a new one is started; get_moved_aside() says
 * where it went.  Damage found later is reported, not repaired.
 *
 * The schema has a version (PRAGMA user_version) and every step from the
 * first version on is kept (migration_1, migration_2, ...), so any older
 * file opens.
 */

#define G_LOG_DOMAIN "tincan-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tincan-address.h"
#include "tincan-settings.h"
#include "tincan-store-internal.h"

/* Version 1: messages, the seen pairs, and the identity.  Version 2: a
 * full-text index, when this SQLite has FTS5 (else search uses LIKE).
 * Version 3: each peer's public key, as first seen or as verified.
 * Version 4: people, and each message belongs to one (migrate_4() says
 * who gets the messages of a version 3 file).  Version 5: files, each a
 * message (its place, time, person, unread count, and its name as the
 * text the search finds) with its transfer beside it.
 */
static const char *migration_1 =
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE messages ("
  "  id       INTEGER PRIMARY KEY,"
  "  uid      INTEGER NOT NULL DEFAULT 0,"
  "  sender   TEXT,"
  "  outgoing INTEGER NOT NULL,"
  "  plain    INTEGER NOT NULL,"
  "  time     INTEGER NOT NULL,"
  "  state    INTEGER NOT NULL,"
  "  reason   TEXT,"
  "  text     TEXT NOT NULL);"
  "CREATE INDEX messages_unfinished ON messages (id)"
  "  WHERE outgoing = 1 AND state IN (0, 1, 3);"
  "CREATE TABLE seen ("
  "  sender TEXT NOT NULL,"
  "  uid    INTEGER NOT NULL,"
  "  PRIMARY KEY (sender, uid)) WITHOUT ROWID;";

static const char *migration_2 =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
  "  text, content = 'messages', content_rowid = 'id');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
  "  INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);"
  "END;"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');";

static const char *migration_3 =
  "CREATE TABLE peer_keys ("
  "  peer       TEXT PRIMARY KEY,"
  "  key        BLOB NOT NULL,"
  "  verified   INTEGER NOT NULL DEFAULT 0,"
  "  first_seen INTEGER NOT NULL);";

/* A person is their identity key; a plain-text one (no key) is their
 * address.  Each conversation reads its pages, count, last message,
 * unread count and outbox through an index that starts with the person,
 * so listing people never reads their conversations.  messages_person
 * holds outgoing so that the unread count (incoming after read_up_to)
 * is read from the same index page as the last message's ID, not from
 * the table: one index serves both, which halved the pages the people
 * list reads, against a second index of incoming messages.
 */
static const char *migration_4 =
  "CREATE TABLE people ("
  "  id         INTEGER PRIMARY KEY,"
  "  key        BLOB,"
  "  host       TEXT,"
  "  port       INTEGER,"
  "  mode       INTEGER NOT NULL DEFAULT 0,"
  "  name       TEXT,"
  "  verified   INTEGER NOT NULL DEFAULT 0,"
  "  first_seen INTEGER,"
  "  last_seen  INTEGER,"
  "  read_up_to INTEGER NOT NULL DEFAULT 0);"
  "CREATE UNIQUE INDEX people_key ON people (key) WHERE key IS NOT NULL;"
  "CREATE UNIQUE INDEX people_address ON people (host, port) WHERE key IS NULL;"
  "ALTER TABLE messages ADD COLUMN person INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX messages_person ON messages (person, id, outgoing);"
  "DROP INDEX messages_unfinished;"
  "CREATE INDEX messages_unfinished ON messages (person, id)"
  "  WHERE outgoing = 1 AND state IN (0, 1, 3);";

/* A file row is a message whose state never puts it in the outbox
 * (delivered, or received) and whose text is the file's name, so that
 * its place, the unread count and the search need nothing new; what the
 * transfer is and how far it got is its row in transfers, which goes
 * with the message.  The offset is kept only as far as it was when the
 * state last changed: the engine finds the true one (the receiver's
 * temporary file), and writing each chunk's progress would cost a sync.
 * transfers_unfinished finds what to resume at start-up.
 */
static const char *migration_5 =
  "CREATE TABLE transfers ("
  "  message    INTEGER PRIMARY KEY,"
  "  tid        TEXT NOT NULL,"
  "  outgoing   INTEGER NOT NULL,"
  "  name       TEXT NOT NULL,"
  "  size       INTEGER NOT NULL,"
  "  path       TEXT,"
  "  state      INTEGER NOT NULL,"
  "  error      TEXT,"
  "  hash       TEXT,"
  "  bytes_done INTEGER NOT NULL DEFAULT 0);"
  "CREATE UNIQUE INDEX transfers_tid ON transfers (tid, outgoing);"
  "CREATE INDEX transfers_unfinished ON transfers (message) WHERE state IN (0, 1, 2, 3);"
  "CREATE TRIGGER transfers_delete AFTER DELETE ON messages BEGIN"
  "  DELETE FROM transfers WHERE message = old.id;"
  "END;";

void
tincan_store_set_sqlite_error (GError     **error,
                               const char  *path,
                               int          code,
                               int          system_errno,
                               const char  *detail)
{
  /* What the system said is the clearer of the two. */
  if (system_errno == ENOSPC || system_errno == EDQUOT)
    code = SQLITE_FULL;
  else if (system_errno == EROFS || system_errno == EACCES || system_errno == EPERM)
    {
      code = SQLITE_READONLY;
      detail = g_strerror (system_errno);
    }

  switch (code & 0xff)
    {
    case SQLITE_FULL:
      g_set_error_literal (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL,
                           _("The disk is full, so the history cannot be saved"));
      break;

    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_READ_ONLY,
                   _("The history “%s” cannot be written: %s"), path, detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_IN_USE,
                   _("The history “%s” is open in another Tin Can"), path);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT,
                   _("The history “%s” is damaged: %s"), path, detail);
      break;

    case SQLITE_IOERR:
      /* ENOSPC shows up as an I/O error when the WAL cannot grow. */
      if (code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC || code == SQLITE_IOERR_SHMSIZE)
        {
          g_set_error_literal (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL,
                               _("The disk is full, so the history cannot be saved"));
          break;
        }
      G_GNUC_FALLTHROUGH;

    default:
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED,
                   _("The history “%s” could not be used: %s"), path, detail);
    }
}

gboolean
tincan_store_fail (TincanStore  *self,
                   int           code,
                   GError      **error)
{
  g_debug ("SQLite: %s (%d, errno %d)", sqlite3_errmsg (self->shared->db), code,
           sqlite3_system_errno (self->shared->db));
  tincan_store_set_sqlite_error (error, self->shared->path, code, sqlite3_system_errno (self->shared->db),
                                 sqlite3_errmsg (self->shared->db));

  return FALSE;
}

gboolean
tincan_store_exec (TincanStore  *self,
                   const char   *sql,
                   GError      **error)
{
  int rc = sqlite3_exec (self->shared->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return tincan_store_fail (self, rc, error);

  return TRUE;
}

/* A failed statement may have ended the transaction already. */
void
tincan_store_rollback (TincanStore *self)
{
  if (!sqlite3_get_autocommit (self->shared->db))
    sqlite3_exec (self->shared->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Statements are prepared once and kept, keyed by their (static) text. */
sqlite3_stmt *
tincan_store_statement (TincanStore  *self,
                        const char   *sql,
                        GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->shared->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->shared->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      tincan_store_fail (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->shared->statements, (gpointer) sql, stmt);

  return stmt;
}

gint64
tincan_store_query_int (TincanStore  *self,
                        const char   *sql,
                        gint64        arg,
                        gboolean     *ok,
                        GError      **error)
{
  sqlite3_stmt *stmt = tincan_store_statement (self, sql, error);
  gint64 value = 0;
  int rc;

  *ok = FALSE;
  if (stmt == NULL)
    return 0;

  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      sqlite3_reset (stmt);
      return 0;
    }

  sqlite3_reset (stmt);
  *ok = TRUE;

  return value;
}

/* The same as tincan_store_query_int(), with two arguments. */
gint64
tincan_store_query_int2 (TincanStore  *self,
                         const char   *sql,
                         gint64        arg1,
                         gint64        arg2,
                         gboolean     *ok,
                         GError      **error)
{
  sqlite3_stmt *stmt = tincan_store_statement (self, sql, error);
  gint64 value = 0;
  int rc;

  *ok = FALSE;
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, arg1);
  sqlite3_bind_int64 (stmt, 2, arg2);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      return 0;
    }

  *ok = TRUE;

  return value;
}

/* Runs a statement that binds one integer and returns no rows. */
gboolean
tincan_store_run (TincanStore  *self,
                  const char   *sql,
                  gint64        arg,
                  GError      **error)
{
  sqlite3_stmt *stmt = tincan_store_statement (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, arg);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);

  return TRUE;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

TincanStoreDb *
tincan_store_db_new (const char *path)
{
  TincanStoreDb *shared = g_rc_box_new0 (TincanStoreDb);

  shared->path = g_strdup (path);
  shared->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
  shared->counts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  return shared;
}

TincanStoreDb *
tincan_store_db_ref (TincanStoreDb *shared)
{
  return g_rc_box_acquire (shared);
}

static void
clear_db (gpointer data)
{
  TincanStoreDb *shared = data;

  /* Statements first: SQLite does not close a connection that has some. */
  g_clear_pointer (&shared->statements, g_hash_table_unref);
  if (shared->db != NULL)
    sqlite3_close (shared->db);
  g_clear_pointer (&shared->counts, g_hash_table_unref);
  g_free (shared->path);
  g_free (shared->moved_aside);
}

void
tincan_store_db_unref (TincanStoreDb *shared)
{
  g_rc_box_release_full (shared, clear_db);
}

static gboolean
make_identity (TincanStore  *self,
               GError      **error)
{
  char hex[TINCAN_WIRE_IDENTITY_HEX_SIZE];
  sqlite3_stmt *stmt;
  int rc;

  tincan_wire_random_identity (self->shared->identity);
  tincan_wire_format_identity (self->shared->identity, hex);
  stmt = tincan_store_statement (self, "INSERT INTO meta (key, value) VALUES ('identity', ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, hex, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);

  return TRUE;
}

static gboolean
read_identity (TincanStore  *self,
               GError      **error)
{
  sqlite3_stmt *stmt = tincan_store_statement (self, "SELECT value FROM meta WHERE key = 'identity'", error);
  const char *hex;
  gboolean valid = FALSE;
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return tincan_store_fail (self, rc, error);
      /* Lost somehow: a new one makes this a new installation to peers. */
      return make_identity (self, error);
    }

  hex = (const char *) sqlite3_column_text (stmt, 0);
  if (hex != NULL && strlen (hex) == 2 * TINCAN_WIRE_IDENTITY_SIZE)
    {
      valid = TRUE;
      for (guint i = 0; i < TINCAN_WIRE_IDENTITY_SIZE && valid; i++)
        {
          int high = g_ascii_xdigit_value (hex[2 * i]);
          int low = g_ascii_xdigit_value (hex[2 * i + 1]);

          valid = high >= 0 && low >= 0;
          self->shared->identity[i] = (high << 4) | low;
        }
    }
  sqlite3_reset (stmt);

  if (!valid)
    {
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT,
                   _("The history “%s” is damaged: %s"), self->shared->path, _("its identity is not valid"));
      return FALSE;
    }

  return TRUE;
}

static gint64
insert_migrated_person (TincanStore   *self,
                        const void    *key,
                        int            key_size,
                        const char    *host,
                        guint16        port,
                        TincanMode     mode,
                        gboolean       verified,
                        gint64         first_seen,
                        GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Two addresses pinned to one key are one person: the first (the most
   * recently seen) keeps it.
   */
  stmt = tincan_store_statement (self,
                                 "INSERT OR IGNORE INTO people (key, host, port, mode, verified, first_seen)"
                                 " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return 0;

  if (key != NULL)
    sqlite3_bind_blob (stmt, 1, key, key_size, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, host, -1, SQLITE_TRANSIENT);
  if (host != NULL)
    sqlite3_bind_int (stmt, 3, port);
  sqlite3_bind_int (stmt, 4, mode);
  sqlite3_bind_int (stmt, 5, verified ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, first_seen);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      return 0;
    }

  return sqlite3_changes (self->shared->db) > 0 ? sqlite3_last_insert_rowid (self->shared->db) : -1;
}

/* Version 3 was one conversation, with one peer at a time in the
 * settings; its peer_keys hold the key of each address that peer had.
 * Every message goes to one person: the most recently first-seen pinned
 * key, at its address, verified or not as it was; with no key pinned, a
 * person with neither key nor address (the app knows the address, from
 * its settings), in the mode of the newest message.  Each other pinned
 * key becomes a person too, with no messages.  Nothing is unread after
 * the upgrade.  peer_keys stays as it was, for the callers that use it.
 */
static gboolean
migrate_4 (TincanStore  *self,
           GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 owner = 0;
  gboolean ok;
  gint64 n_messages;
  int rc;

  if (!tincan_store_exec (self, migration_4, error))
    return FALSE;

  n_messages = tincan_store_query_int (self, "SELECT count(*) FROM messages", 0, &ok, error);
  if (!ok)
    return FALSE;

  /* Not a statement kept for later: it runs once in a file's life. */
  rc = sqlite3_prepare_v2 (self->shared->db,
                           "SELECT peer, key, verified, first_seen FROM peer_keys"
                           " ORDER BY first_seen DESC, peer", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return tincan_store_fail (self, rc, error);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *peer = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *host = NULL;
      guint16 port = 0;
      gint64 id;

      if (peer == NULL || !tincan_address_parse_peer (peer, TINCAN_DEFAULT_PORT, &host, &port, NULL))
        {
          g_free (host);
          host = g_strdup (peer);
          port = 0;
        }

      /* A damaged key is copied as it is: it is refused when read, as
       * the peer_keys one is.
       */
      id = insert_migrated_person (self, sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                                   host, port, TINCAN_MODE_RELIABLE, sqlite3_column_int64 (stmt, 2) == 1,
                                   sqlite3_column_int64 (stmt, 3), error);
      if (id == 0)
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      if (owner == 0 && id > 0)
        owner = id;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);

  if (n_messages == 0)
    return TRUE;

  if (owner == 0)
    {
      gint64 plain = tincan_store_query_int (self, "SELECT plain FROM messages ORDER BY id DESC LIMIT 1",
                                             0, &ok, error);
      gint64 first_seen;

      if (!ok)
        return FALSE;
      first_seen = tincan_store_query_int (self, "SELECT min(time) FROM messages", 0, &ok, error);
      if (!ok)
        return FALSE;

      owner = insert_migrated_person (self, NULL, 0, NULL, 0,
                                      plain ? TINCAN_MODE_PLAIN : TINCAN_MODE_RELIABLE,
                                      FALSE, first_seen, error);
      if (owner <= 0)
        return FALSE;
    }

  if (!tincan_store_run (self, "UPDATE messages SET person = ?", owner, error)
      || !tincan_store_run (self, "UPDATE people SET read_up_to = (SELECT max(id) FROM messages)"
                                  " WHERE id = ?", owner, error))
    return FALSE;

  g_debug ("Migrated %" G_GINT64_FORMAT " messages to person %" G_GINT64_FORMAT, n_messages, owner);

  return TRUE;
}

static gboolean
migrate (TincanStore  *self,
         GError      **error)
{
  gboolean ok;
  gint64 version = tincan_store_query_int (self, "PRAGMA user_version", 0, &ok, error);

  if (!ok)
    return FALSE;

  if (version > TINCAN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED,
                   _("The history “%s” was written by a newer Tin Can"), self->shared->path);
      return FALSE;
    }

  if (version < 1)
    {
      g_debug ("Creating the history, schema version 1");
      if (!tincan_store_exec (self, migration_1, error) || !make_identity (self, error))
        return FALSE;
    }

  if (version < 2)
    {
      g_autoptr(GError) fts_error = NULL;

      /* Inside a savepoint, so that without FTS5 nothing half made stays. */
      if (!tincan_store_exec (self, "SAVEPOINT fts", error))
        return FALSE;
      if (!tincan_store_exec (self, migration_2, &fts_error))
        {
          g_debug ("No full-text index, search will use LIKE: %s", fts_error->message);
          if (!tincan_store_exec (self, "ROLLBACK TO fts", error))
            return FALSE;
        }
      if (!tincan_store_exec (self, "RELEASE fts", error))
        return FALSE;
    }

  if (version < 3)
    {
      if (!tincan_store_exec (self, migration_3, error))
        return FALSE;
    }

  if (version < 4)
    {
      if (!migrate_4 (self, error))
        return FALSE;
    }

  if (version < 5)
    {
      if (!tincan_store_exec (self, migration_5, error))
        return FALSE;
    }

  if (version < TINCAN_STORE_SCHEMA_VERSION)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d",
                                              TINCAN_STORE_SCHEMA_VERSION);

      g_debug ("History migrated from version %" G_GINT64_FORMAT " to %d",
               version, TINCAN_STORE_SCHEMA_VERSION);
      if (!tincan_store_exec (self, sql, error))
        return FALSE;
    }

  return read_identity (self, error);
}

void
tincan_store_close_database (TincanStore *self)
{
  if (self->shared->statements != NULL)
    g_hash_table_remove_all (self->shared->statements);

  if (self->shared->db != NULL)
    {
      sqlite3_close (self->shared->db);
      self->shared->db = NULL;
    }
}

gboolean
tincan_store_open_database (TincanStore  *self,
                            GError      **error)
{
  gint64 count = 0;
  gboolean ok;
  int rc;

  rc = sqlite3_open_v2 (self->shared->path, &self->shared->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      if (self->shared->db != NULL)
        tincan_store_fail (self, rc, error);
      else
        tincan_store_set_sqlite_error (error, self->shared->path, rc, 0, sqlite3_errstr (rc));
      tincan_store_close_database (self);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->shared->db, TRUE);

  /* SQLite opens a file it cannot write read-only, and says so only at
   * the first lock.
   */
  if (sqlite3_db_readonly (self->shared->db, "main") == 1)
    {
      int saved = g_access (self->shared->path, W_OK) != 0 ? errno : EROFS;

      tincan_store_set_sqlite_error (error, self->shared->path, SQLITE_READONLY, saved, g_strerror (saved));
      tincan_store_close_database (self);
      return FALSE;
    }

  /* The exclusive lock is taken by the first write and never let go. */
  if (!tincan_store_exec (self,
                          "PRAGMA locking_mode = EXCLUSIVE;"
                          "PRAGMA journal_mode = WAL;"
                          "PRAGMA synchronous = FULL;"
                          "BEGIN IMMEDIATE;", error))
    {
      tincan_store_close_database (self);
      return FALSE;
    }

  if (!migrate (self, error))
    {
      tincan_store_rollback (self);
      tincan_store_close_database (self);
      return FALSE;
    }

  if (!tincan_store_exec (self, "COMMIT", error))
    {
      tincan_store_rollback (self);
      tincan_store_close_database (self);
      return FALSE;
    }

  self->shared->has_fts = tincan_store_query_int (self, "SELECT count(*) FROM sqlite_master"
                                                        " WHERE name = 'messages_fts'", 0, &ok, NULL) > 0;

  /* Read now, so that a file too damaged to list its people is known at
   * once, as a damaged schema is.
   */
  self->shared->first_person = tincan_store_query_int (self, "SELECT min(id) FROM people", 0, &ok, error);
  if (ok && self->shared->first_person > 0)
    count = tincan_store_query_int (self, "SELECT count(*) FROM messages WHERE person = ?",
                                    self->shared->first_person, &ok, error);
  if (!ok)
    {
      tincan_store_close_database (self);
      return FALSE;
    }
  if (self->shared->first_person > 0)
    tincan_store_set_count (self, self->shared->first_person, count);

  g_debug ("Opened %s: %u messages with the first person, search %s", self->shared->path,
           tincan_store_get_count (self), self->shared->has_fts ? "FTS5" : "LIKE");

  return TRUE;
}

/* Renames @path and the WAL that belongs to it to one free name beside
 * them.  Nothing is deleted.
 */
char *
tincan_store_move_aside (const char  *path,
                         GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *aside = NULL;
  static const char *suffixes[] = { "-wal", "-shm" };

  for (guint i = 0; i < 100; i++)
    {
      g_free (aside);
      aside = i == 0 ? g_strdup_printf ("%s.damaged-%s", path, stamp)
                     : g_strdup_printf ("%s.damaged-%s-%u", path, stamp, i);
      if (!g_file_test (aside, G_FILE_TEST_EXISTS))
        break;
    }

  if (g_rename (path, aside) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The damaged history “%s” could not be moved aside: %s"),
                   path, g_strerror (saved));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS) && g_rename (from, to) != 0)
        g_warning ("Could not move %s aside: %s", from, g_strerror (errno));
    }

  return g_steal_pointer (&aside);
}

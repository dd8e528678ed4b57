/* tincan-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The conversations on disk: one SQLite database in WAL mode holding
 * every message sent and received, each with the person it was to or
 * from, the outbox (outgoing messages not delivered yet), the (sender,
 * message ID) pairs already received, this installation's identity, and
 * the people (tincan-store-people.c).
 *
 * A TincanStore is one conversation: tincan_store_new() gives the first
 * person's, tincan_store_open_person() any other's, all on the one
 * connection.  What was received is recorded for the whole file, not per
 * conversation: a sender's message is one message, whichever person it
 * is filed under, so it is never stored twice.
 *
 * Durability is what the guarantees rest on.  synchronous=FULL: a commit
 * that returned is on the disk, so a message is stored before its first
 * datagram leaves, and a received one before it is acknowledged.  The
 * connection holds an exclusive lock for its whole life, so a second Tin
 * Can cannot send the same outbox twice.
 *
 * Opening the file, its schema and what happens to a damaged one are in
 * tincan-store-db.c.
 */

#define G_LOG_DOMAIN "tincan-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tincan-store-internal.h"
#include "tincan-store-private.h"

G_DEFINE_FINAL_TYPE (TincanStore, tincan_store, G_TYPE_OBJECT)

enum {
  WRITE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (tincan-store-error-quark, tincan_store_error)

/* A message and, for a file, its transfer (tincan-store-files.c). */
#define MESSAGE_COLUMNS TINCAN_STORE_MESSAGE_COLUMNS
#define MESSAGE_TABLES  TINCAN_STORE_MESSAGE_TABLES

static void
tincan_store_finalize (GObject *object)
{
  TincanStore *self = TINCAN_STORE (object);

  g_clear_pointer (&self->shared, tincan_store_db_unref);

  G_OBJECT_CLASS (tincan_store_parent_class)->finalize (object);
}

static void
tincan_store_class_init (TincanStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tincan_store_finalize;

  /**
   * TincanStore::write-failed:
   * @store: the store
   * @error: why
   *
   * A message kept through tincan_store_keep() or tincan_store_follow()
   * could not be written.
   */
  signals[WRITE_FAILED] =
    g_signal_new ("write-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tincan_store_init (TincanStore *self)
{
}

/**
 * tincan_store_new:
 * @path: the database file, made if missing; ":memory:" for one that is
 *   not kept
 * @error: return location for a #TincanStoreError
 *
 * Opens the history, making its folder if needed.  A damaged file is
 * moved aside and a new one started: see tincan_store_get_moved_aside().
 * An older file is migrated first, in one transaction.
 *
 * This is the root store: its message functions (tincan_store_add(),
 * tincan_store_load(), tincan_store_get_count() and the others) are the
 * conversation with the first person, the one a single-conversation
 * history was migrated to.  In a new file that person is made when the
 * first message is stored, unless tincan_store_add_person() made one
 * before.  tincan_store_open_person() gives the others.
 *
 * Returns: (transfer full): the store, or %NULL if it cannot be used (a
 *   read-only folder, another Tin Can using it)
 */
TincanStore *
tincan_store_new (const char  *path,
                  GError     **error)
{
  g_autoptr(TincanStore) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (TINCAN_TYPE_STORE, NULL);
  self->shared = tincan_store_db_new (path);

  if (g_strcmp0 (path, ":memory:") != 0)
    {
      g_autofree char *folder = g_path_get_dirname (path);

      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved = errno;

          g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_READ_ONLY,
                       _("The history “%s” cannot be written: %s"), path, g_strerror (saved));
          return NULL;
        }
    }

  if (tincan_store_open_database (self, &local_error))
    return g_steal_pointer (&self);

  if (!g_error_matches (local_error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_debug ("%s", local_error->message);
  self->shared->moved_aside = tincan_store_move_aside (path, error);
  if (self->shared->moved_aside == NULL)
    return NULL;

  if (!tincan_store_open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * tincan_store_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/tincan/history.db`
 */
char *
tincan_store_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tincan", "history.db", NULL);
}

const char *
tincan_store_get_path (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  return self->shared->path;
}

/**
 * tincan_store_get_moved_aside:
 * @self: a #TincanStore
 *
 * Returns: (nullable): where a damaged history found at opening was moved
 */
const char *
tincan_store_get_moved_aside (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  return self->shared->moved_aside;
}

/**
 * tincan_store_get_identity:
 * @self: a #TincanStore
 *
 * Returns: (array fixed-size=16): this installation's identity, made once
 *   with the database
 */
const guint8 *
tincan_store_get_identity (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  return self->shared->identity;
}

gboolean
tincan_store_get_has_fts (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  return self->shared->has_fts;
}

/**
 * tincan_store_open_person:
 * @self: a #TincanStore, the root or a view
 * @person_id: a person's ID, from tincan_store_add_person() or
 *   tincan_store_list_people()
 *
 * A view of one conversation: a store on the same connection whose
 * message functions are all about @person_id's messages.  The file stays
 * open while the root store or any view is alive.  Open one view per
 * person and keep it: two views of one person share the count, but each
 * emits its own signals.
 *
 * Returns: (transfer full) (nullable): the view, or %NULL if there is no
 *   such person
 */
TincanStore *
tincan_store_open_person (TincanStore *self,
                          gint64       person_id)
{
  TincanStore *view;
  gboolean ok;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);
  g_return_val_if_fail (person_id > 0, NULL);

  if (tincan_store_query_int (self, "SELECT count(*) FROM people WHERE id = ?", person_id, &ok, NULL) == 0)
    return NULL;

  view = g_object_new (TINCAN_TYPE_STORE, NULL);
  view->shared = tincan_store_db_ref (self->shared);
  view->person = person_id;

  return view;
}

/**
 * tincan_store_get_person:
 * @self: a #TincanStore
 *
 * Returns: the ID of the person whose conversation @self is; 0 for a
 *   root store whose file has nobody yet
 */
gint64
tincan_store_get_person (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);

  return tincan_store_scope (self);
}

/* The person whose messages @self reads and writes.  The root store's is
 * the first person, who may come (tincan_store_add_person()) or go
 * (tincan_store_remove_person()) while it is open.
 */
gint64
tincan_store_scope (TincanStore *self)
{
  gboolean ok;

  if (self->person > 0)
    return self->person;

  if (self->shared->first_person == 0)
    self->shared->first_person = tincan_store_query_int (self, "SELECT min(id) FROM people", 0, &ok, NULL);

  return self->shared->first_person;
}

void
tincan_store_set_count (TincanStore *self,
                        gint64       person,
                        guint        count)
{
  g_hash_table_insert (self->shared->counts, g_memdup2 (&person, sizeof person), GUINT_TO_POINTER (count));
}

void
tincan_store_forget_count (TincanStore *self,
                           gint64       person)
{
  g_hash_table_remove (self->shared->counts, &person);
  if (person == self->shared->first_person)
    self->shared->first_person = 0;
}

guint
tincan_store_get_count (TincanStore *self)
{
  gpointer count;
  gint64 person;
  gboolean ok;

  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);

  person = tincan_store_scope (self);
  if (person == 0)
    return 0;

  if (g_hash_table_lookup_extended (self->shared->counts, &person, NULL, &count))
    return GPOINTER_TO_UINT (count);

  count = GUINT_TO_POINTER (tincan_store_query_int (self, "SELECT count(*) FROM messages WHERE person = ?",
                                                    person, &ok, NULL));
  if (ok)
    tincan_store_set_count (self, person, GPOINTER_TO_UINT (count));

  return GPOINTER_TO_UINT (count);
}

/**
 * tincan_store_get_rows_read:
 * @self: a #TincanStore
 *
 * Returns: how many messages were read back so far, for tests that check
 *   a window reads only what it shows
 */
guint64
tincan_store_get_rows_read (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);

  return self->rows_read;
}

/**
 * tincan_store_add:
 * @self: a #TincanStore
 * @message: a message that is not stored yet
 * @duplicate: (out) (optional): set to %TRUE if @message came from a
 *   sender and ID already stored, and so was not stored again
 * @error: return location for a #TincanStoreError
 *
 * Stores @message in @self's conversation and sets its store ID; on
 * return it is on the disk.  Whether a message from the peer is a
 * duplicate is decided across all conversations.
 *
 * Returns: %TRUE if @message is stored (or was, as a duplicate)
 */
gboolean
tincan_store_add (TincanStore    *self,
                  TincanMessage  *message,
                  gboolean       *duplicate,
                  GError        **error)
{
  const char *sender;
  sqlite3_stmt *stmt;
  gint64 person;
  gboolean made_person = FALSE;
  gpointer count;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (tincan_message_get_store_id (message) == 0, FALSE);

  if (duplicate != NULL)
    *duplicate = FALSE;

  if (!tincan_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  person = tincan_store_scope (self);

  sender = tincan_message_get_sender (message);
  if (!tincan_message_get_outgoing (message) && sender != NULL)
    {
      stmt = tincan_store_statement (self, "INSERT OR IGNORE INTO seen (sender, uid) VALUES (?, ?)", error);
      if (stmt == NULL)
        goto failed;

      sqlite3_bind_text (stmt, 1, sender, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, (gint64) tincan_message_get_uid (message));
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          tincan_store_fail (self, rc, error);
          goto failed;
        }

      if (sqlite3_changes (self->shared->db) == 0)
        {
          if (duplicate != NULL)
            *duplicate = TRUE;
          if (!tincan_store_exec (self, "COMMIT", error))
            goto failed;
          return TRUE;
        }
    }

  if (person == 0)
    {
      /* A new file's root store: its first person, known by neither key
       * nor address yet.
       */
      stmt = tincan_store_statement (self, "INSERT INTO people (mode, first_seen) VALUES (?, ?)", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int (stmt, 1, tincan_message_get_plain (message) ? 1 : 0);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          tincan_store_fail (self, rc, error);
          goto failed;
        }
      person = sqlite3_last_insert_rowid (self->shared->db);
      made_person = TRUE;
    }

  stmt = tincan_store_statement (self,
                                 "INSERT INTO messages (uid, sender, outgoing, plain, time, state, reason, text, person)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_int64 (stmt, 1, (gint64) tincan_message_get_uid (message));
  sqlite3_bind_text (stmt, 2, sender, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, tincan_message_get_outgoing (message));
  sqlite3_bind_int (stmt, 4, tincan_message_get_plain (message));
  sqlite3_bind_int64 (stmt, 5, tincan_message_get_time (message));
  sqlite3_bind_int (stmt, 6, tincan_message_get_state (message));
  sqlite3_bind_text (stmt, 7, tincan_message_get_failure_reason (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, tincan_message_get_text (message), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, person);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      goto failed;
    }

  if (!tincan_store_exec (self, "COMMIT", error))
    goto failed;

  tincan_message_set_store_id (message, sqlite3_last_insert_rowid (self->shared->db));
  if (made_person)
    self->shared->first_person = person;
  /* A count not read yet is read when it is first asked for. */
  if (g_hash_table_lookup_extended (self->shared->counts, &person, NULL, &count))
    tincan_store_set_count (self, person, GPOINTER_TO_UINT (count) + 1);

  return TRUE;

failed:
  tincan_store_rollback (self);
  return FALSE;
}

/**
 * tincan_store_save_state:
 * @self: a #TincanStore
 * @message: a stored message
 * @error: return location for a #TincanStoreError
 *
 * Writes @message's state and failure reason.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_store_save_state (TincanStore    *self,
                         TincanMessage  *message,
                         GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (tincan_message_get_store_id (message) > 0, FALSE);

  stmt = tincan_store_statement (self, "UPDATE messages SET state = ?, reason = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, tincan_message_get_state (message));
  sqlite3_bind_text (stmt, 2, tincan_message_get_failure_reason (message), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, tincan_message_get_store_id (message));
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);

  return TRUE;
}

static TincanMessage *
message_from_row (sqlite3_stmt *stmt)
{
  int state = sqlite3_column_int (stmt, 6);
  g_autoptr(TincanTransfer) transfer = tincan_store_transfer_from_row (stmt, 9);
  TincanMessage *message;

  if (state < TINCAN_MESSAGE_QUEUED || state > TINCAN_MESSAGE_RECEIVED)
    state = TINCAN_MESSAGE_FAILED;

  message = tincan_message_new_stored (sqlite3_column_int64 (stmt, 0),
                                    (guint64) sqlite3_column_int64 (stmt, 1),
                                    (const char *) sqlite3_column_text (stmt, 2),
                                    (const char *) sqlite3_column_text (stmt, 8),
                                    sqlite3_column_int (stmt, 3),
                                    sqlite3_column_int (stmt, 4),
                                    sqlite3_column_int64 (stmt, 5),
                                    state,
                                    (const char *) sqlite3_column_text (stmt, 7));
  if (transfer != NULL)
    tincan_message_set_transfer (message, transfer);

  return message;
}

/* Every message @stmt gives, as MESSAGE_COLUMNS. */
GPtrArray *
tincan_store_read_rows (TincanStore   *self,
                        sqlite3_stmt  *stmt,
                        GError       **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (messages, message_from_row (stmt));

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      return NULL;
    }

  self->rows_read += messages->len;

  return g_steal_pointer (&messages);
}

/**
 * tincan_store_load:
 * @self: a #TincanStore
 * @position: of the first message, 0 being the oldest
 * @n_items: how many at most
 * @error: return location for a #TincanStoreError
 *
 * Reads from whichever end of @self's conversation is nearer, so a page
 * near the newest messages costs the same in any size of history.  The
 * messages skipped are counted in the index that starts with (person,
 * id) alone; only the page's own rows are read.
 *
 * Returns: (transfer full) (element-type TincanMessage): oldest first
 */
GPtrArray *
tincan_store_load (TincanStore  *self,
                   guint         position,
                   guint         n_items,
                   GError      **error)
{
  sqlite3_stmt *stmt;
  GPtrArray *messages;
  guint count;
  guint end;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  count = tincan_store_get_count (self);
  position = MIN (position, count);
  end = position + MIN (n_items, count - position);

  if (position < count - end)
    {
      stmt = tincan_store_statement (self, "SELECT " MESSAGE_COLUMNS " FROM " MESSAGE_TABLES " WHERE m.id IN"
                                           " (SELECT id FROM messages WHERE person = ?"
                                           "  ORDER BY id LIMIT ? OFFSET ?) ORDER BY m.id", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, tincan_store_scope (self));
      sqlite3_bind_int64 (stmt, 2, end - position);
      sqlite3_bind_int64 (stmt, 3, position);
      return tincan_store_read_rows (self, stmt, error);
    }

  stmt = tincan_store_statement (self, "SELECT " MESSAGE_COLUMNS " FROM " MESSAGE_TABLES " WHERE m.id IN"
                                       " (SELECT id FROM messages WHERE person = ?"
                                       "  ORDER BY id DESC LIMIT ? OFFSET ?) ORDER BY m.id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tincan_store_scope (self));
  sqlite3_bind_int64 (stmt, 2, end - position);
  sqlite3_bind_int64 (stmt, 3, count - end);
  messages = tincan_store_read_rows (self, stmt, error);
  if (messages != NULL)
    {
      for (guint i = 0; i < messages->len / 2; i++)
        {
          gpointer swap = messages->pdata[i];

          messages->pdata[i] = messages->pdata[messages->len - 1 - i];
          messages->pdata[messages->len - 1 - i] = swap;
        }
    }

  return messages;
}

/**
 * tincan_store_load_unfinished:
 * @self: a #TincanStore
 * @error: return location for a #TincanStoreError
 *
 * Returns: (transfer full) (element-type TincanMessage): the outbox of
 *   @self's conversation: every outgoing message queued, sent (and not
 *   confirmed) or failed, oldest first.  A plain-text message is done
 *   once sent.  tincan_store_list_people() counts every person's.
 */
GPtrArray *
tincan_store_load_unfinished (TincanStore  *self,
                              GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  stmt = tincan_store_statement (self, "SELECT " MESSAGE_COLUMNS " FROM " MESSAGE_TABLES
                                       " WHERE m.person = ? AND m.outgoing = 1 AND m.state IN (0, 1, 3)"
                                       " AND (m.plain = 0 OR m.state <> 1) ORDER BY m.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tincan_store_scope (self));

  return tincan_store_read_rows (self, stmt, error);
}

/* Each word of @query as an FTS5 string, the last one as a prefix. */
static char *
fts_query (const char *query)
{
  g_auto(GStrv) words = g_strsplit_set (query, " \t\n", -1);
  GString *fts = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autoptr(GString) word = NULL;

      if (words[i][0] == '\0')
        continue;

      word = g_string_new (words[i]);
      g_string_replace (word, "\"", "\"\"", 0);
      if (fts->len > 0)
        g_string_append_c (fts, ' ');
      g_string_append_printf (fts, "\"%s\"", word->str);
    }

  if (fts->len > 0)
    g_string_append_c (fts, '*');

  return g_string_free (fts, fts->len == 0);
}

static char *
like_pattern (const char *query)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = query; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

/**
 * tincan_store_find:
 * @self: a #TincanStore
 * @query: words to find
 * @before_id: search messages older than this one; 0 for all
 * @error: return location for a #TincanStoreError
 *
 * With FTS5, finds messages of @self's conversation with every word of
 * @query (the last as a prefix); without, messages containing @query.
 *
 * Returns: the ID of the newest match before @before_id, or 0
 */
gint64
tincan_store_find (TincanStore  *self,
                   const char   *query,
                   gint64        before_id,
                   GError      **error)
{
  g_autofree char *fts = NULL;
  g_autofree char *pattern = NULL;
  sqlite3_stmt *stmt;
  gint64 found = 0;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);
  g_return_val_if_fail (query != NULL, 0);

  if (before_id <= 0)
    before_id = G_MAXINT64;

  fts = self->shared->has_fts ? fts_query (query) : NULL;
  if (fts != NULL)
    {
      /* CROSS JOIN keeps the full-text index in charge: its matches come
       * newest first and the first of this person's ends it.  Left to
       * itself, SQLite would try the match on each of their messages.
       */
      stmt = tincan_store_statement (self, "SELECT messages.id FROM messages_fts"
                                           " CROSS JOIN messages ON messages.id = messages_fts.rowid"
                                           " WHERE messages_fts MATCH ? AND messages_fts.rowid < ?"
                                           " AND messages.person = ?"
                                           " ORDER BY messages_fts.rowid DESC LIMIT 1", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, fts, -1, SQLITE_STATIC);
    }
  else
    {
      g_autofree char *stripped = g_strstrip (g_strdup (query));

      if (stripped[0] == '\0')
        return 0;

      pattern = like_pattern (query);
      stmt = tincan_store_statement (self, "SELECT id FROM messages WHERE text LIKE ? ESCAPE '\\'"
                                           " AND id < ? AND person = ? ORDER BY id DESC LIMIT 1", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
    }

  sqlite3_bind_int64 (stmt, 2, before_id);
  sqlite3_bind_int64 (stmt, 3, tincan_store_scope (self));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      return 0;
    }

  return found;
}

/**
 * tincan_store_get_position:
 * @self: a #TincanStore
 * @id: a message's store ID
 *
 * Returns: its position in @self's conversation, 0 being the oldest
 *   message
 */
guint
tincan_store_get_position (TincanStore *self,
                           gint64       id)
{
  gboolean ok;

  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);

  return tincan_store_query_int2 (self, "SELECT count(*) FROM messages WHERE person = ? AND id < ?",
                                  tincan_store_scope (self), id, &ok, NULL);
}

/**
 * tincan_store_clear:
 * @self: a #TincanStore
 * @error: return location for a #TincanStoreError
 *
 * Deletes @self's conversation, except the messages still being sent: those
 * were typed and not delivered yet, and clearing must not lose them.  The
 * record of what was received stays, so nothing cleared comes back as new.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_store_clear (TincanStore  *self,
                    GError      **error)
{
  gint64 person;
  gboolean ok;
  guint count;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  person = tincan_store_scope (self);
  if (!tincan_store_run (self, "DELETE FROM messages WHERE person = ? AND NOT (outgoing = 1 AND state IN (0, 1)"
                               "                                  AND (plain = 0 OR state <> 1))", person, error))
    return FALSE;

  count = tincan_store_query_int (self, "SELECT count(*) FROM messages WHERE person = ?", person, &ok, error);
  if (!ok)
    return FALSE;

  tincan_store_set_count (self, person, count);

  return TRUE;
}

/* For tests: a database that can hold no more than @max_pages pages,
 * which fails as a full disk does.
 */
void
tincan_store_set_max_pages (TincanStore *self,
                            guint        max_pages)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (TINCAN_IS_STORE (self));

  sql = g_strdup_printf ("PRAGMA max_page_count = %u", max_pages);
  tincan_store_exec (self, sql, NULL);
}

/**
 * tincan_store_keep:
 * @self: a #TincanStore
 * @message: a complete message from the peer, not acknowledged yet
 *
 * Stores @message unless its sender and ID were stored before.  What
 * cannot be written is reported through #TincanStore::write-failed, as
 * the caller (a link about to acknowledge, or not) has nobody to tell.
 *
 * Returns: whether @message is new, a duplicate, or not stored
 */
TincanStoreKeep
tincan_store_keep (TincanStore   *self,
                   TincanMessage *message)
{
  g_autoptr(GError) error = NULL;
  gboolean duplicate;

  g_return_val_if_fail (TINCAN_IS_STORE (self), TINCAN_STORE_NOT_KEPT);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), TINCAN_STORE_NOT_KEPT);

  if (!tincan_store_add (self, message, &duplicate, &error))
    {
      g_signal_emit (self, signals[WRITE_FAILED], 0, error);
      return TINCAN_STORE_NOT_KEPT;
    }

  return duplicate ? TINCAN_STORE_KEPT_DUPLICATE : TINCAN_STORE_KEPT_NEW;
}

static void
on_followed_state_cb (TincanMessage *message,
                      GParamSpec    *pspec,
                      TincanStore   *self)
{
  g_autoptr(GError) error = NULL;

  if (!tincan_store_save_state (self, message, &error))
    g_signal_emit (self, signals[WRITE_FAILED], 0, error);

  if (tincan_message_get_state (message) == TINCAN_MESSAGE_DELIVERED)
    g_signal_handlers_disconnect_by_func (message, on_followed_state_cb, self);
}

/**
 * tincan_store_follow:
 * @self: a #TincanStore
 * @message: a stored outgoing message
 *
 * Writes each state @message takes, until it is delivered.  A state that
 * cannot be written costs little: the message is sent again after a
 * restart, and the peer knows it already.
 */
void
tincan_store_follow (TincanStore   *self,
                     TincanMessage *message)
{
  g_return_if_fail (TINCAN_IS_STORE (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));

  g_signal_connect_object (message, "notify::state", G_CALLBACK (on_followed_state_cb), self, 0);
}

/**
 * tincan_store_write:
 * @self: a #TincanStore
 * @text: what someone typed
 * @plain: to be sent as plain text
 * @error: return location for a #TincanMessageError or #TincanStoreError
 *
 * Makes an outgoing message and stores it in the outbox, so that it is
 * on the disk before anything is sent.  #TincanOutbox sends it next.
 *
 * Returns: (transfer full): the message, followed; or %NULL, with
 *   nothing stored
 */
TincanMessage *
tincan_store_write (TincanStore  *self,
                    const char   *text,
                    gboolean      plain,
                    GError      **error)
{
  g_autoptr(TincanMessage) message = NULL;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!tincan_message_check_text (text, error))
    return NULL;

  message = tincan_message_new_outgoing (text, plain);
  if (!tincan_store_add (self, message, NULL, error))
    return NULL;

  tincan_store_follow (self, message);

  return g_steal_pointer (&message);
}

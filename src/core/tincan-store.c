/* tincan-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The conversation on disk: one SQLite database in WAL mode holding every
 * message sent and received, the outbox (outgoing messages not delivered
 * yet), the (sender, message ID) pairs already received, this
 * installation's identity, and the public key pinned for each peer.
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

#include "tincan-identity.h"
#include "tincan-store-internal.h"
#include "tincan-store-private.h"

G_DEFINE_FINAL_TYPE (TincanStore, tincan_store, G_TYPE_OBJECT)

enum {
  WRITE_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (tincan-store-error-quark, tincan_store_error)

#define MESSAGE_COLUMNS "id, uid, sender, outgoing, plain, time, state, reason, text"

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
tincan_store_finalize (GObject *object)
{
  TincanStore *self = TINCAN_STORE (object);

  tincan_store_close_database (self);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->moved_aside, g_free);

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
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, finalize_statement);
}

/**
 * tincan_store_new:
 * @path: the database file, made if missing; ":memory:" for one that is
 *   not kept
 * @error: return location for a #TincanStoreError
 *
 * Opens the history, making its folder if needed.  A damaged file is
 * moved aside and a new one started: see tincan_store_get_moved_aside().
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
  self->path = g_strdup (path);

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
  self->moved_aside = tincan_store_move_aside (path, error);
  if (self->moved_aside == NULL)
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

  return self->path;
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

  return self->moved_aside;
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

  return self->identity;
}

gboolean
tincan_store_get_has_fts (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  return self->has_fts;
}

guint
tincan_store_get_count (TincanStore *self)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);

  return self->count;
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
 * Stores @message and sets its store ID; on return it is on the disk.
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
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (tincan_message_get_store_id (message) == 0, FALSE);

  if (duplicate != NULL)
    *duplicate = FALSE;

  if (!tincan_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

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

      if (sqlite3_changes (self->db) == 0)
        {
          if (duplicate != NULL)
            *duplicate = TRUE;
          if (!tincan_store_exec (self, "COMMIT", error))
            goto failed;
          return TRUE;
        }
    }

  stmt = tincan_store_statement (self,
                                 "INSERT INTO messages (uid, sender, outgoing, plain, time, state, reason, text)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
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
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      goto failed;
    }

  if (!tincan_store_exec (self, "COMMIT", error))
    goto failed;

  tincan_message_set_store_id (message, sqlite3_last_insert_rowid (self->db));
  self->count++;

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

  if (state < TINCAN_MESSAGE_QUEUED || state > TINCAN_MESSAGE_RECEIVED)
    state = TINCAN_MESSAGE_FAILED;

  return tincan_message_new_stored (sqlite3_column_int64 (stmt, 0),
                                    (guint64) sqlite3_column_int64 (stmt, 1),
                                    (const char *) sqlite3_column_text (stmt, 2),
                                    (const char *) sqlite3_column_text (stmt, 8),
                                    sqlite3_column_int (stmt, 3),
                                    sqlite3_column_int (stmt, 4),
                                    sqlite3_column_int64 (stmt, 5),
                                    state,
                                    (const char *) sqlite3_column_text (stmt, 7));
}

static GPtrArray *
read_rows (TincanStore   *self,
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
 * Reads from whichever end of the history is nearer, so a page near the
 * newest messages costs the same in any size of history.
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
  guint end;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  position = MIN (position, self->count);
  end = position + MIN (n_items, self->count - position);

  if (position < self->count - end)
    {
      stmt = tincan_store_statement (self, "SELECT " MESSAGE_COLUMNS " FROM messages"
                                           " ORDER BY id LIMIT ? OFFSET ?", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, end - position);
      sqlite3_bind_int64 (stmt, 2, position);
      return read_rows (self, stmt, error);
    }

  stmt = tincan_store_statement (self, "SELECT " MESSAGE_COLUMNS " FROM messages"
                                       " ORDER BY id DESC LIMIT ? OFFSET ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, end - position);
  sqlite3_bind_int64 (stmt, 2, self->count - end);
  messages = read_rows (self, stmt, error);
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
 * Returns: (transfer full) (element-type TincanMessage): the outbox: every
 *   outgoing message queued, sent (and not confirmed) or failed, oldest
 *   first.  A plain-text message is done once sent.
 */
GPtrArray *
tincan_store_load_unfinished (TincanStore  *self,
                              GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  stmt = tincan_store_statement (self, "SELECT " MESSAGE_COLUMNS " FROM messages"
                                       " WHERE outgoing = 1 AND state IN (0, 1, 3) AND (plain = 0 OR state <> 1)"
                                       " ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  return read_rows (self, stmt, error);
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
 * With FTS5, finds messages with every word of @query (the last as a
 * prefix); without, messages containing @query.
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

  fts = self->has_fts ? fts_query (query) : NULL;
  if (fts != NULL)
    {
      stmt = tincan_store_statement (self, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?"
                                           " AND rowid < ? ORDER BY rowid DESC LIMIT 1", error);
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
                                           " AND id < ? ORDER BY id DESC LIMIT 1", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
    }

  sqlite3_bind_int64 (stmt, 2, before_id);
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
 * Returns: its position, 0 being the oldest message
 */
guint
tincan_store_get_position (TincanStore *self,
                           gint64       id)
{
  gboolean ok;

  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);

  return tincan_store_query_int (self, "SELECT count(*) FROM messages WHERE id < ?", id, &ok, NULL);
}

/**
 * tincan_store_clear:
 * @self: a #TincanStore
 * @error: return location for a #TincanStoreError
 *
 * Deletes the conversation, except the messages still being sent: those
 * were typed and not delivered yet, and clearing must not lose them.  The
 * record of what was received stays, so nothing cleared comes back as new.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_store_clear (TincanStore  *self,
                    GError      **error)
{
  gboolean ok;
  guint count;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  if (!tincan_store_exec (self, "BEGIN IMMEDIATE;"
                                "DELETE FROM messages WHERE NOT (outgoing = 1 AND state IN (0, 1)"
                                "                                  AND (plain = 0 OR state <> 1));"
                                "COMMIT;", error))
    {
      tincan_store_rollback (self);
      return FALSE;
    }

  count = tincan_store_query_int (self, "SELECT count(*) FROM messages", 0, &ok, error);
  if (!ok)
    return FALSE;

  self->count = count;

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

/**
 * tincan_store_get_peer_key:
 * @self: a #TincanStore
 * @peer: the peer as configured, e.g. "host:port"
 * @key: (out caller-allocates) (array fixed-size=32): set to the key
 *   pinned for @peer
 * @verified: (out) (optional): set to whether a person verified it
 * @error: return location for a #TincanStoreError
 *
 * A key that is not 32 bytes, or a verified mark that is neither yes nor
 * no, is %TINCAN_STORE_ERROR_CORRUPT: a damaged pin must not pass for a
 * trusted one, nor for none.
 *
 * Returns: %TRUE if a key is pinned for @peer; %FALSE with no error if
 *   none is, %FALSE with @error set if it cannot be read
 */
gboolean
tincan_store_get_peer_key (TincanStore  *self,
                           const char   *peer,
                           guint8       *key,
                           gboolean     *verified,
                           GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 mark;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = tincan_store_statement (self, "SELECT key, verified FROM peer_keys WHERE peer = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, peer, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return tincan_store_fail (self, rc, error);
    }

  mark = sqlite3_column_int64 (stmt, 1);
  if (sqlite3_column_type (stmt, 0) != SQLITE_BLOB
      || sqlite3_column_bytes (stmt, 0) != TINCAN_IDENTITY_KEY_SIZE
      || sqlite3_column_type (stmt, 1) != SQLITE_INTEGER
      || (mark != 0 && mark != 1))
    {
      g_autofree char *detail = g_strdup_printf (_("the key kept for “%s” is not valid"), peer);

      sqlite3_reset (stmt);
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT,
                   _("The history “%s” is damaged: %s"), self->path, detail);
      return FALSE;
    }

  memcpy (key, sqlite3_column_blob (stmt, 0), TINCAN_IDENTITY_KEY_SIZE);
  if (verified != NULL)
    *verified = mark == 1;
  sqlite3_reset (stmt);

  return TRUE;
}

/**
 * tincan_store_pin_peer_key:
 * @self: a #TincanStore
 * @peer: the peer as configured, e.g. "host:port"
 * @key: (array fixed-size=32): its X25519 public key
 * @verified: whether a person verified @key (its fingerprint or safety
 *   number)
 * @error: return location for a #TincanStoreError
 *
 * Remembers @key for @peer, replacing any other, with @verified as given.
 * When it was first seen is kept while the key stays the same; on return
 * it is on the disk.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_store_pin_peer_key (TincanStore   *self,
                           const char    *peer,
                           const guint8  *key,
                           gboolean       verified,
                           GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = tincan_store_statement (self,
                                 "INSERT INTO peer_keys (peer, key, verified, first_seen) VALUES (?, ?, ?, ?)"
                                 " ON CONFLICT (peer) DO UPDATE SET"
                                 "  first_seen = CASE WHEN key = excluded.key THEN first_seen"
                                 "               ELSE excluded.first_seen END,"
                                 "  key = excluded.key, verified = excluded.verified", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, peer, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, key, TINCAN_IDENTITY_KEY_SIZE, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, verified ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);

  g_debug ("Pinned a key for %s, %s", peer, verified ? "verified" : "not verified");

  return TRUE;
}

/**
 * tincan_store_trust_peer_key:
 * @self: a #TincanStore
 * @peer: the peer as configured, e.g. "host:port"
 * @key: (array fixed-size=32): the key a handshake showed the peer holds
 * @verified: (out) (optional): whether the key pinned for @peer, if it
 *   could be read, is marked verified; %FALSE otherwise
 * @error: return location for a #TincanStoreError: why the pinned key
 *   could not be read (%TINCAN_STORE_KEY_REFUSED), or why the first one
 *   could not be pinned (%TINCAN_STORE_KEY_FIRST: trusted all the same,
 *   for as long as this store is open to say so again)
 *
 * Trust on first use: the first key seen for @peer is pinned, not
 * verified; the same key again is trusted; any other is refused, and so
 * is every key while the pinned one cannot be read.
 *
 * Returns: what @key is to @peer
 */
TincanStoreKeyTrust
tincan_store_trust_peer_key (TincanStore   *self,
                             const char    *peer,
                             const guint8  *key,
                             gboolean      *verified,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  guint8 pinned[TINCAN_IDENTITY_KEY_SIZE];
  gboolean pinned_verified = FALSE;

  g_return_val_if_fail (TINCAN_IS_STORE (self), TINCAN_STORE_KEY_REFUSED);
  g_return_val_if_fail (peer != NULL, TINCAN_STORE_KEY_REFUSED);
  g_return_val_if_fail (key != NULL, TINCAN_STORE_KEY_REFUSED);

  if (verified != NULL)
    *verified = FALSE;

  if (tincan_store_get_peer_key (self, peer, pinned, &pinned_verified, &local_error))
    {
      if (verified != NULL)
        *verified = pinned_verified;
      return memcmp (pinned, key, sizeof pinned) == 0 ? TINCAN_STORE_KEY_PINNED : TINCAN_STORE_KEY_REFUSED;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TINCAN_STORE_KEY_REFUSED;
    }

  tincan_store_pin_peer_key (self, peer, key, FALSE, error);

  return TINCAN_STORE_KEY_FIRST;
}

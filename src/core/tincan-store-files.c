/* tincan-store-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files in the history.  A file sent or received is a message of the
 * conversation, so it has its place, its time, its person, counts as
 * unread and is found by its name (the message's text); its transfer
 * (the transfers table, schema version 5) says which file, how big,
 * where it is on this computer, and what became of it.  The message's
 * own state is never one the outbox sends (outgoing files are stored as
 * delivered, incoming ones as received): the files engine moves files,
 * not the outbox.
 *
 * A row is written once when it is made, then each time its transfer's
 * state, file or hash changes (tincan_store_follow_transfer()): few
 * writes per file, whatever its size.  Transfers not finished when Tin
 * Can stopped are read back by tincan_store_load_transfers(), to be
 * resumed.
 */

#define G_LOG_DOMAIN "tincan-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-store-internal.h"

TincanTransfer *
tincan_store_transfer_from_row (sqlite3_stmt *stmt,
                                int           column)
{
  const char *id = (const char *) sqlite3_column_text (stmt, column);
  const char *name = (const char *) sqlite3_column_text (stmt, column + 2);
  const char *path = (const char *) sqlite3_column_text (stmt, column + 4);
  int state = sqlite3_column_int (stmt, column + 5);
  gint64 size = sqlite3_column_int64 (stmt, column + 3);
  gint64 done = sqlite3_column_int64 (stmt, column + 8);
  TincanTransfer *transfer;

  if (id == NULL || name == NULL)
    return NULL;

  /* Damage is shown as a failure, not as a transfer to resume. */
  if (state < TINCAN_TRANSFER_OFFERED || state > TINCAN_TRANSFER_CANCELLED)
    state = TINCAN_TRANSFER_FAILED;
  size = MAX (size, 0);
  done = CLAMP (done, 0, size);

  transfer = tincan_transfer_new (id, sqlite3_column_int (stmt, column + 1) != 0, name, (guint64) size);
  if (path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);

      tincan_transfer_set_file (transfer, file);
    }
  tincan_transfer_set_offset (transfer, (guint64) done, 0);
  tincan_transfer_set_state (transfer, state, (const char *) sqlite3_column_text (stmt, column + 6));
  tincan_transfer_set_hash (transfer, (const char *) sqlite3_column_text (stmt, column + 7));

  return transfer;
}

static void
bind_progress (sqlite3_stmt   *stmt,
               int             first,
               TincanTransfer *transfer)
{
  GFile *file = tincan_transfer_get_file (transfer);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  sqlite3_bind_text (stmt, first, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, first + 1, tincan_transfer_get_state (transfer));
  sqlite3_bind_text (stmt, first + 2, tincan_transfer_get_error (transfer), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, first + 3, tincan_transfer_get_hash (transfer), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, first + 4, (gint64) tincan_transfer_get_offset (transfer));
}

/**
 * tincan_store_add_transfer:
 * @self: a person's view of the history
 * @transfer: a file going to or coming from the person
 * @error: return location for a #TincanStoreError
 *
 * Stores a file row for @transfer: a message whose text is the file's
 * name, and the transfer beside it, in one transaction, so that it is
 * on the disk before anything of the file moves.
 *
 * Returns: (transfer full): the message, its transfer set; %NULL with
 *   nothing stored
 */
TincanMessage *
tincan_store_add_transfer (TincanStore     *self,
                           TincanTransfer  *transfer,
                           GError         **error)
{
  g_autoptr(TincanMessage) message = NULL;
  gboolean outgoing;
  sqlite3_stmt *stmt;
  gint64 person;
  gint64 id;
  gpointer count;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);
  g_return_val_if_fail (TINCAN_IS_TRANSFER (transfer), NULL);

  person = tincan_store_scope (self);
  if (person == 0)
    {
      g_set_error_literal (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED,
                           _("A file needs a conversation to be kept in"));
      return NULL;
    }

  outgoing = tincan_transfer_get_outgoing (transfer);
  message = tincan_message_new_stored (0, 0, NULL, tincan_transfer_get_name (transfer), outgoing, FALSE,
                                       g_get_real_time (),
                                       outgoing ? TINCAN_MESSAGE_DELIVERED : TINCAN_MESSAGE_RECEIVED,
                                       NULL);

  if (!tincan_store_exec (self, "BEGIN IMMEDIATE", error))
    return NULL;

  stmt = tincan_store_statement (self,
                                 "INSERT INTO messages (uid, sender, outgoing, plain, time, state, reason, text, person)"
                                 " VALUES (0, NULL, ?, 0, ?, ?, NULL, ?, ?)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int (stmt, 1, outgoing);
  sqlite3_bind_int64 (stmt, 2, tincan_message_get_time (message));
  sqlite3_bind_int (stmt, 3, tincan_message_get_state (message));
  sqlite3_bind_text (stmt, 4, tincan_message_get_text (message), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, person);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      goto failed;
    }
  id = sqlite3_last_insert_rowid (self->shared->db);

  stmt = tincan_store_statement (self,
                                 "INSERT INTO transfers (message, tid, outgoing, name, size,"
                                 " path, state, error, hash, bytes_done)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, tincan_transfer_get_id (transfer), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, outgoing);
  sqlite3_bind_text (stmt, 4, tincan_transfer_get_name (transfer), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, (gint64) tincan_transfer_get_size (transfer));
  bind_progress (stmt, 6, transfer);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      goto failed;
    }

  if (!tincan_store_exec (self, "COMMIT", error))
    goto failed;

  tincan_message_set_store_id (message, id);
  tincan_message_set_transfer (message, transfer);
  if (g_hash_table_lookup_extended (self->shared->counts, &person, NULL, &count))
    tincan_store_set_count (self, person, GPOINTER_TO_UINT (count) + 1);

  return g_steal_pointer (&message);

failed:
  tincan_store_rollback (self);
  return NULL;
}

/**
 * tincan_store_save_transfer:
 * @self: a #TincanStore
 * @message: a stored file row
 * @error: return location for a #TincanStoreError
 *
 * Writes what became of @message's transfer: its state and error, its
 * file (the saved one, for a file received), its hash and how far it got.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_store_save_transfer (TincanStore    *self,
                            TincanMessage  *message,
                            GError        **error)
{
  TincanTransfer *transfer;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (tincan_message_get_store_id (message) > 0, FALSE);

  transfer = tincan_message_get_transfer (message);
  g_return_val_if_fail (transfer != NULL, FALSE);

  stmt = tincan_store_statement (self, "UPDATE transfers SET path = ?, state = ?, error = ?, hash = ?,"
                                       " bytes_done = ? WHERE message = ?", error);
  if (stmt == NULL)
    return FALSE;

  bind_progress (stmt, 1, transfer);
  sqlite3_bind_int64 (stmt, 6, tincan_message_get_store_id (message));
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);

  return TRUE;
}

/* Weak both: the message holds the transfer, and the engine may hold
 * the transfer longer than the row.
 */
typedef struct
{
  GWeakRef store;
  GWeakRef message;
} Followed;

static void
followed_free (gpointer  data,
               GClosure *closure)
{
  Followed *followed = data;

  g_weak_ref_clear (&followed->store);
  g_weak_ref_clear (&followed->message);
  g_free (followed);
}

static void
on_transfer_changed_cb (TincanTransfer *transfer,
                        GParamSpec     *pspec,
                        Followed       *followed)
{
  g_autoptr(TincanStore) self = g_weak_ref_get (&followed->store);
  g_autoptr(TincanMessage) message = g_weak_ref_get (&followed->message);
  g_autoptr(GError) error = NULL;

  if (self == NULL || message == NULL || tincan_message_get_transfer (message) != transfer)
    return;

  if (!tincan_store_save_transfer (self, message, &error))
    g_signal_emit_by_name (self, "write-failed", error);
}

/**
 * tincan_store_follow_transfer:
 * @self: a #TincanStore
 * @message: a stored file row
 *
 * Writes what becomes of @message's transfer (its state, file and hash)
 * as it changes, for as long as @message and @self live.  What cannot be written
 * is reported through #TincanStore::write-failed.
 */
void
tincan_store_follow_transfer (TincanStore   *self,
                              TincanMessage *message)
{
  static const char *changes[] = { "notify::state", "notify::error", "notify::file", "notify::hash" };
  TincanTransfer *transfer;

  g_return_if_fail (TINCAN_IS_STORE (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));

  transfer = tincan_message_get_transfer (message);
  g_return_if_fail (transfer != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      Followed *followed = g_new0 (Followed, 1);

      g_weak_ref_init (&followed->store, self);
      g_weak_ref_init (&followed->message, message);
      g_signal_connect_data (transfer, changes[i], G_CALLBACK (on_transfer_changed_cb),
                             followed, followed_free, 0);
    }
}

/**
 * tincan_store_load_transfers:
 * @self: a person's view of the history
 * @error: return location for a #TincanStoreError
 *
 * Returns: (transfer full) (element-type TincanMessage): the file rows
 *   of @self's conversation whose transfer is not finished (offered,
 *   moving, paused or verifying when Tin Can stopped), oldest first
 */
GPtrArray *
tincan_store_load_transfers (TincanStore  *self,
                             GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  stmt = tincan_store_statement (self, "SELECT " TINCAN_STORE_MESSAGE_COLUMNS
                                       " FROM transfers AS t JOIN messages AS m ON m.id = t.message"
                                       " WHERE t.state IN (0, 1, 2, 3) AND m.person = ? ORDER BY m.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tincan_store_scope (self));

  return tincan_store_read_rows (self, stmt, error);
}

/**
 * tincan_store_dup_person_name:
 * @self: a person's view of the history
 *
 * Returns: (transfer full) (nullable): the person's name as last known,
 *   else their address; %NULL if neither is known
 */
char *
tincan_store_dup_person_name (TincanStore *self)
{
  sqlite3_stmt *stmt;
  char *name = NULL;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  stmt = tincan_store_statement (self, "SELECT coalesce (name, host) FROM people WHERE id = ?", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, tincan_store_scope (self));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return name;
}

/**
 * tincan_store_file_line:
 * @name: a file's name
 *
 * What a person's row shows when their last message is a file: "File:"
 * and the name (its first line, cut as tincan_store_first_line() cuts a
 * message).  Words, not an emoji: a computer without a colour emoji font
 * would show a paper clip as an empty box.
 *
 * Returns: (transfer full): the line
 */
char *
tincan_store_file_line (const char *name)
{
  g_autofree char *line = tincan_store_first_line (name != NULL ? name : "");

  /* TRANSLATORS: a person's last message in the sidebar, when it is a file */
  return g_strdup_printf (_("File: %s"), line);
}

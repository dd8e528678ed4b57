/* tincan-chat-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files in a conversation.  The chat owns one TincanFiles (the engine
 * that moves files over a link), made with its first Tin Can link and
 * handed each new one, so a new port or a new address does not lose a
 * file half sent.  Plain text has no files.
 *
 * Each file is a row of the history (tincan-store-files.c), stored
 * before anything of it moves: a file sent is stored, then offered; a
 * file offered by the peer is stored when the engine shows it, then
 * shown and announced as a message received (so the window notifies).
 * Every state a transfer takes is written back.  The rows of files this
 * session has seen, and of those not finished, are pinned in the model,
 * so a row always shows the transfer the engine moves.
 *
 * At start, the transfers not finished when Tin Can stopped are read
 * back and show "Paused, waiting for NAME" until there is a link and the
 * person is there; the engine then resumes them from their offset.
 *
 * Files land in the XDG Downloads folder (or ~/Downloads), made when a
 * first file comes; the people hub and tests may give another one.  Files up to
 * the accept-files-mib setting are saved without asking, live.
 */

#define G_LOG_DOMAIN "tincan-chat"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tincan-chat-internal.h"
#include "tincan-wire.h"

/* A transfer's ID is the same on both sides, so the direction tells
 * apart a file sent and one received under one ID.
 */
static char *
row_key (TincanTransfer *transfer)
{
  return g_strconcat (tincan_transfer_get_outgoing (transfer) ? ">" : "<",
                      tincan_transfer_get_id (transfer), NULL);
}

static void
track_row (TincanChat    *self,
           TincanMessage *message)
{
  g_hash_table_replace (self->file_rows, row_key (tincan_message_get_transfer (message)),
                        g_object_ref (message));
  tincan_history_pin (self->history, message);
}

/* The row the chat follows for @message, which may be another object
 * for the same row (a page read again before it was pinned).
 */
static TincanMessage *
lookup_row (TincanChat     *self,
            TincanMessage  *message,
            GError        **error)
{
  TincanTransfer *transfer = tincan_message_get_transfer (message);
  g_autofree char *key = NULL;
  TincanMessage *row;

  if (transfer == NULL)
    {
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_NOT_OFFERED,
                           _("This message is not a file"));
      return NULL;
    }

  key = row_key (transfer);
  row = g_hash_table_lookup (self->file_rows, key);
  if (row == NULL)
    {
      /* Read back from the history and finished before this start. */
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_FINISHED,
                           _("This file is done with already"));
      return NULL;
    }

  return row;
}

/**
 * tincan_chat_get_download_dir:
 * @self: a #TincanChat
 *
 * Returns: (transfer full): the folder received files are saved in: the
 *   one tincan_chat_set_download_dir() gave, else the XDG Downloads
 *   folder, else ~/Downloads
 */
GFile *
tincan_chat_get_download_dir (TincanChat *self)
{
  const char *downloads;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  if (self->download_dir != NULL)
    return g_object_ref (self->download_dir);

  downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  if (downloads != NULL)
    return g_file_new_for_path (downloads);

  return g_file_new_build_filename (g_get_home_dir (), "Downloads", NULL);
}

/* Where the engine saves.  It makes the folder when a first file comes;
 * one that cannot be made or written is reported on the file's row,
 * which is where a person looks.
 */
static void
give_download_dir (TincanChat *self)
{
  g_autoptr(GFile) dir = tincan_chat_get_download_dir (self);

  tincan_files_set_receive_dir (self->files, dir);
}

/**
 * tincan_chat_set_download_dir:
 * @self: a #TincanChat
 * @dir: (nullable): where received files go; %NULL for the Downloads
 *   folder
 *
 * For the people hub, which gives every chat the same; the app gives
 * none, and tests give a folder of their own.
 */
void
tincan_chat_set_download_dir (TincanChat *self,
                              GFile      *dir)
{
  g_return_if_fail (TINCAN_IS_CHAT (self));
  g_return_if_fail (dir == NULL || G_IS_FILE (dir));

  if (!g_set_object (&self->download_dir, dir))
    return;

  if (self->files != NULL)
    give_download_dir (self);
}

static void
give_accept_limit (TincanChat *self)
{
  guint64 mib = tincan_settings_get_accept_files_mib (self->settings);

  tincan_files_set_accept_limit (self->files, mib * 1024 * 1024);
}

static void
on_accept_files_mib_cb (TincanChat     *self,
                        GParamSpec     *pspec,
                        TincanSettings *settings)
{
  if (self->files != NULL)
    give_accept_limit (self);
}

/* A file the peer offers, which the engine shows as it comes: stored
 * before anything else, then shown and announced.  One that cannot be
 * stored is refused, as a message that cannot be stored is not
 * acknowledged: nothing is received that the history does not know.
 */
static void
take_offer (TincanChat     *self,
            TincanTransfer *transfer)
{
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = row_key (transfer);
  TincanMessage *row = g_hash_table_lookup (self->file_rows, key);

  if (row != NULL)
    {
      /* Known from before a restart: the row follows the engine's object. */
      if (tincan_message_get_transfer (row) != transfer)
        {
          tincan_message_set_transfer (row, transfer);
          tincan_store_follow_transfer (self->store, row);
          tincan_store_save_transfer (self->store, row, NULL);
        }
      return;
    }

  message = tincan_store_add_transfer (self->store, transfer, &error);
  if (message == NULL)
    {
      g_debug ("Refusing the file %s, which could not be stored: %s",
               tincan_transfer_get_name (transfer), error->message);
      tincan_chat_set_write_problem (self, error->message);
      g_clear_error (&error);
      if (!tincan_files_cancel (self->files, transfer, &error))
        g_debug ("Could not refuse it: %s", error->message);
      return;
    }

  tincan_chat_set_write_problem (self, NULL);
  tincan_store_follow_transfer (self->store, message);
  track_row (self, message);
  tincan_history_append (self->history, message);
  tincan_chat_emit_message_received (self, message);
}

static void
on_transfers_changed_cb (TincanChat *self,
                         guint       position,
                         guint       removed,
                         guint       added,
                         GListModel *transfers)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TincanTransfer) transfer = g_list_model_get_item (transfers, i);

      /* Files sent are stored by tincan_chat_send_file(), before the
       * engine has them.
       */
      if (transfer != NULL && !tincan_transfer_get_outgoing (transfer))
        take_offer (self, transfer);
    }
}

static void
drop_files (TincanChat *self)
{
  if (self->files == NULL)
    return;

  g_signal_handlers_disconnect_by_data (tincan_files_get_transfers (self->files), self);
  g_clear_object (&self->files);
}

/* What waits for the person shows whom it waits for, until the engine
 * has it; the name is the one the history knows.
 */
static void
pause_row (TincanChat     *self,
           TincanTransfer *transfer,
           const char     *name)
{
  TincanTransferState state = tincan_transfer_get_state (transfer);

  if (state == TINCAN_TRANSFER_MOVING || state == TINCAN_TRANSFER_VERIFYING
      || state == TINCAN_TRANSFER_PAUSED)
    {
      tincan_transfer_set_state (transfer, TINCAN_TRANSFER_PAUSED, NULL);
      tincan_transfer_set_waiting_for (transfer, name);
    }
}

/* The link the chat talks through now (%NULL: none).  The engine is
 * made with the first Tin Can link and takes every transfer not
 * finished; a new link (a new port, a new address) is handed to it, so
 * what moves pauses and goes on over the new one.  With no link, or a
 * plain-text one, it waits with no link.
 */
void
tincan_chat_files_attach (TincanChat *self,
                          TincanLink *link)
{
  GHashTableIter iter;
  gpointer value;

  if (link != NULL && tincan_link_get_mode (link) != TINCAN_MODE_RELIABLE)
    link = NULL;

  if (self->files != NULL)
    {
      tincan_files_set_link (self->files, link);
      return;
    }

  if (link == NULL)
    return;

  self->files = tincan_files_new (link);
  give_download_dir (self);
  give_accept_limit (self);
  g_signal_connect_object (tincan_files_get_transfers (self->files), "items-changed",
                           G_CALLBACK (on_transfers_changed_cb), self, G_CONNECT_SWAPPED);

  g_hash_table_iter_init (&iter, self->file_rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TincanTransfer *transfer = tincan_message_get_transfer (value);

      if (tincan_transfer_is_finished (transfer))
        continue;

      if (tincan_transfer_get_outgoing (transfer))
        tincan_files_add_outgoing (self->files, transfer);
      else
        tincan_files_add_incoming (self->files, transfer);
    }
}

/* At start: the files not finished when Tin Can stopped. */
void
tincan_chat_files_load (TincanChat *self)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  self->file_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_signal_connect_object (self->settings, "notify::accept-files-mib",
                           G_CALLBACK (on_accept_files_mib_cb), self, G_CONNECT_SWAPPED);

  rows = tincan_store_load_transfers (self->store, &error);
  if (rows == NULL)
    {
      tincan_chat_set_write_problem (self, error->message);
      return;
    }

  name = tincan_store_dup_person_name (self->store);
  for (guint i = 0; i < rows->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (rows, i);

      pause_row (self, tincan_message_get_transfer (message), name);
      tincan_store_follow_transfer (self->store, message);
      tincan_store_save_transfer (self->store, message, NULL);
      track_row (self, message);
    }
  g_debug ("%u files to resume", rows->len);
}

void
tincan_chat_files_dispose (TincanChat *self)
{
  drop_files (self);
  g_clear_pointer (&self->file_rows, g_hash_table_unref);
  g_clear_object (&self->download_dir);
}

/* Before the history is cleared: a file going nowhere would be a row
 * nobody can see, so each one still moving is cancelled (the peer is
 * told), and the rows go with the rest.
 */
void
tincan_chat_files_clear (TincanChat *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->file_rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TincanTransfer *transfer = tincan_message_get_transfer (value);
      g_autoptr(GError) error = NULL;

      if (!tincan_transfer_is_finished (transfer))
        {
          if (self->files == NULL)
            tincan_transfer_set_state (transfer, TINCAN_TRANSFER_CANCELLED, _("Cancelled"));
          else if (!tincan_files_cancel (self->files, transfer, &error))
            g_debug ("Could not cancel %s: %s", tincan_transfer_get_name (transfer), error->message);
        }
      tincan_history_unpin (self->history, value);
    }
  g_hash_table_remove_all (self->file_rows);
}

/**
 * tincan_chat_send_file:
 * @self: a #TincanChat
 * @file: a regular file
 * @error: return location for a #GError: %G_IO_ERROR_NOT_CONNECTED
 *   without a link, %TINCAN_FILES_ERROR_PLAIN in plain text,
 *   %TINCAN_FILES_ERROR_NOT_REGULAR for a folder or a device, what
 *   reading @file's size says, or a #TincanStoreError
 *
 * Stores a row for @file, then offers it to the person.  A person who is
 * away gets it when they are back.
 *
 * Returns: (transfer none) (nullable): the file's message, added to the
 *   model, its transfer set
 */
TincanMessage *
tincan_chat_send_file (TincanChat  *self,
                       GFile       *file,
                       GError     **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(TincanTransfer) transfer = NULL;
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(TincanTransfer) sent = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  guint8 random[TINCAN_WIRE_IDENTITY_SIZE];
  char id[TINCAN_WIRE_IDENTITY_HEX_SIZE];

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!tincan_chat_check_link (self, error))
    return NULL;

  if (self->files == NULL || tincan_link_get_mode (self->link) != TINCAN_MODE_RELIABLE)
    {
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_PLAIN,
                           tincan_link_get_mode (self->link) == TINCAN_MODE_IPMSG
                           ? _("IP Messenger users cannot be sent files by Tin Can")
                           : _("Files cannot be sent in plain-text mode"));
      return NULL;
    }

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return NULL;

  name = g_file_get_basename (file);
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || name == NULL)
    {
      g_set_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_NOT_REGULAR,
                   _("“%s” is a folder or a device, not a file"), name ? name : "");
      return NULL;
    }

  tincan_wire_random_identity (random);
  tincan_wire_format_identity (random, id);
  transfer = tincan_transfer_new (id, TRUE, name, (guint64) g_file_info_get_size (info));
  tincan_transfer_set_file (transfer, file);

  /* On the disk before anything leaves, as a message is. */
  message = tincan_store_add_transfer (self->store, transfer, &local_error);
  if (message == NULL)
    {
      if (g_error_matches (local_error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL))
        tincan_chat_set_write_problem (self, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  tincan_chat_set_write_problem (self, NULL);
  tincan_store_follow_transfer (self->store, message);

  sent = tincan_files_send (self->files, file, id, &local_error);
  if (sent == NULL)
    tincan_transfer_set_state (transfer, TINCAN_TRANSFER_FAILED, local_error->message);
  else if (sent != transfer)
    {
      tincan_message_set_transfer (message, sent);
      tincan_store_follow_transfer (self->store, message);
      tincan_store_save_transfer (self->store, message, NULL);
    }

  track_row (self, message);
  tincan_history_append (self->history, message);

  return message;
}

/**
 * tincan_chat_accept_file:
 * @self: a #TincanChat
 * @message: a file row from the model, offered by the person and waiting
 *   to be accepted (its transfer's state is %TINCAN_TRANSFER_OFFERED)
 * @error: return location for a #GError: a #TincanFilesError, or
 *   %G_IO_ERROR_NOT_CONNECTED without a link
 *
 * Saves a file larger than the accept-files-mib setting, which waited
 * for a person to say yes.
 *
 * Returns: %TRUE if the file is being received
 */
gboolean
tincan_chat_accept_file (TincanChat     *self,
                         TincanMessage  *message,
                         GError        **error)
{
  TincanMessage *row;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  row = lookup_row (self, message, error);
  if (row == NULL || !tincan_chat_check_link (self, error))
    return FALSE;

  if (self->files == NULL || tincan_link_get_mode (self->link) != TINCAN_MODE_RELIABLE)
    {
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_PLAIN,
                           tincan_link_get_mode (self->link) == TINCAN_MODE_IPMSG
                           ? _("Files from IP Messenger users cannot be received by Tin Can")
                           : _("Files cannot be received in plain-text mode"));
      return FALSE;
    }

  return tincan_files_accept (self->files, tincan_message_get_transfer (row), error);
}

/**
 * tincan_chat_cancel_file:
 * @self: a #TincanChat
 * @message: a file row from the model, sent or received, not finished
 * @error: return location for a #TincanFilesError
 *
 * Stops a file going either way, or declines one offered; the person is
 * told, and nothing partial is kept.  Without a link (the person's mode
 * is plain text now, or nobody is set up) the row is only marked
 * cancelled.
 *
 * Returns: %TRUE if it was cancelled
 */
gboolean
tincan_chat_cancel_file (TincanChat     *self,
                         TincanMessage  *message,
                         GError        **error)
{
  TincanMessage *row;
  TincanTransfer *transfer;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  row = lookup_row (self, message, error);
  if (row == NULL)
    return FALSE;

  transfer = tincan_message_get_transfer (row);
  if (tincan_transfer_is_finished (transfer))
    {
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_FINISHED,
                           _("This file is done with already"));
      return FALSE;
    }

  if (self->files == NULL)
    {
      tincan_transfer_set_state (transfer, TINCAN_TRANSFER_CANCELLED, _("Cancelled"));
      return TRUE;
    }

  return tincan_files_cancel (self->files, transfer, error);
}

/* tincan-cli-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tincan-cli's files: --send-file and --receive-dir around a
 * TincanFiles, and their JSON events (README.md, *tincan-cli*).
 *
 * tincan-cli keeps no history, yet a run killed in the middle must
 * resume when it is run again with the same file: the transfer's ID is
 * derived from what names the file here, the identity's key, the file's
 * absolute path, size and time of last change, so the next run offers
 * the same ID and the receiver answers with the offset it has.  A file
 * changed in between is another ID, sent from the start.
 */

#define G_LOG_DOMAIN "tincan-cli"

#include "config.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/stat.h>

#include "tincan-cli-files.h"
#include "tincan-wire.h"

/* file-progress, at most this often per file. */
#define PROGRESS_INTERVAL (G_USEC_PER_SEC / 4)

struct _TincanCliFiles
{
  TincanFiles        *files;
  gboolean            json;
  TincanCliFilesFunc  finished;
  gpointer            user_data;
  GHashTable         *last_progress;   /* TincanTransfer → gint64 when last printed, boxed */
  gulong              items_changed_id;
};

static void
print_finished (TincanCliFiles *self,
                TincanTransfer *transfer)
{
  const char *id = tincan_transfer_get_id (transfer);
  gboolean outgoing = tincan_transfer_get_outgoing (transfer);
  gint64 size = tincan_transfer_get_size (transfer);

  if (tincan_transfer_get_state (transfer) == TINCAN_TRANSFER_DONE)
    {
      GFile *file = tincan_transfer_get_file (transfer);
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (outgoing)
        tincan_cli_print_event (self->json, "file-delivered",
                                "id", "s", id,
                                "name", "s", tincan_transfer_get_name (transfer),
                                "size", "i", size,
                                "hash", "s", tincan_transfer_get_hash (transfer),
                                NULL);
      else
        tincan_cli_print_event (self->json, "file-received",
                                "id", "s", id,
                                "path", "s", path,
                                "size", "i", size,
                                "hash", "s", tincan_transfer_get_hash (transfer),
                                NULL);

      if (!self->json && !outgoing)
        {
          printf ("%s\n", path);
          fflush (stdout);
        }
      return;
    }

  tincan_cli_print_event (self->json, "file-failed",
                          "id", "s", id,
                          "name", "s", tincan_transfer_get_name (transfer),
                          "reason", "s", tincan_transfer_get_error (transfer),
                          NULL);
  if (!self->json)
    g_printerr ("tincan-cli: %s: %s\n", tincan_transfer_get_name (transfer),
                tincan_transfer_get_error (transfer));
}

static void
state_changed_cb (TincanTransfer *transfer,
                  GParamSpec     *pspec,
                  TincanCliFiles *self)
{
  TincanTransferState state = tincan_transfer_get_state (transfer);

  /* Where it starts: after a restart, not from zero. */
  if (state == TINCAN_TRANSFER_MOVING && tincan_transfer_get_offset (transfer) > 0)
    tincan_cli_print_event (self->json, "file-resumed",
                            "id", "s", tincan_transfer_get_id (transfer),
                            "offset", "i", (gint64) tincan_transfer_get_offset (transfer),
                            NULL);

  if (!tincan_transfer_is_finished (transfer))
    return;

  g_signal_handlers_disconnect_by_data (transfer, self);
  print_finished (self, transfer);
  self->finished (!tincan_transfer_get_outgoing (transfer),
                  state != TINCAN_TRANSFER_DONE, self->user_data);
}

static void
offset_changed_cb (TincanTransfer *transfer,
                   GParamSpec     *pspec,
                   TincanCliFiles *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 *last = g_hash_table_lookup (self->last_progress, transfer);

  if (last == NULL)
    {
      last = g_new0 (gint64, 1);
      g_hash_table_insert (self->last_progress, transfer, last);
    }
  else if (now - *last < PROGRESS_INTERVAL)
    return;

  *last = now;
  tincan_cli_print_event (self->json, "file-progress",
                          "id", "s", tincan_transfer_get_id (transfer),
                          "offset", "i", (gint64) tincan_transfer_get_offset (transfer),
                          "size", "i", (gint64) tincan_transfer_get_size (transfer),
                          NULL);
}

static void
watch (TincanCliFiles *self,
       TincanTransfer *transfer)
{
  g_signal_connect (transfer, "notify::state", G_CALLBACK (state_changed_cb), self);
  g_signal_connect (transfer, "notify::offset", G_CALLBACK (offset_changed_cb), self);
}

static void
items_changed_cb (GListModel     *model,
                  guint           position,
                  guint           removed,
                  guint           added,
                  TincanCliFiles *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TincanTransfer) transfer = g_list_model_get_item (model, i);

      if (tincan_transfer_get_outgoing (transfer))
        continue;

      tincan_cli_print_event (self->json, "file-offer",
                              "id", "s", tincan_transfer_get_id (transfer),
                              "name", "s", tincan_transfer_get_name (transfer),
                              "size", "i", (gint64) tincan_transfer_get_size (transfer),
                              NULL);
      watch (self, transfer);

      /* Refused as it came: no folder to save it in. */
      if (tincan_transfer_is_finished (transfer))
        state_changed_cb (transfer, NULL, self);
      else if (tincan_transfer_get_state (transfer) == TINCAN_TRANSFER_MOVING)
        state_changed_cb (transfer, NULL, self);
    }
}

/**
 * tincan_cli_files_new:
 * @link: the link, before its peer is set, so the first hello says
 *   files are welcome
 * @json: print JSON events
 * @finished: called as each transfer ends
 * @user_data: for @finished
 */
TincanCliFiles *
tincan_cli_files_new (TincanLink         *link,
                      gboolean            json,
                      TincanCliFilesFunc  finished,
                      gpointer            user_data)
{
  TincanCliFiles *self = g_new0 (TincanCliFiles, 1);

  self->files = tincan_files_new (link);
  self->json = json;
  self->finished = finished;
  self->user_data = user_data;
  self->last_progress = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->items_changed_id = g_signal_connect (tincan_files_get_transfers (self->files), "items-changed",
                                             G_CALLBACK (items_changed_cb), self);

  return self;
}

void
tincan_cli_files_free (TincanCliFiles *self)
{
  GListModel *transfers = tincan_files_get_transfers (self->files);

  g_clear_signal_handler (&self->items_changed_id, transfers);
  for (guint i = 0; i < g_list_model_get_n_items (transfers); i++)
    {
      g_autoptr(TincanTransfer) transfer = g_list_model_get_item (transfers, i);

      g_signal_handlers_disconnect_by_data (transfer, self);
    }

  tincan_files_set_link (self->files, NULL);
  g_clear_object (&self->files);
  g_clear_pointer (&self->last_progress, g_hash_table_unref);
  g_free (self);
}

gboolean
tincan_cli_files_set_receive_dir (TincanCliFiles  *self,
                                  const char      *path,
                                  GError         **error)
{
  g_autoptr(GFile) dir = g_file_new_for_commandline_arg (path);

  if (g_file_query_file_type (dir, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                   "--receive-dir: %s is not a folder", path);
      return FALSE;
    }

  tincan_files_set_receive_dir (self->files, dir);

  return TRUE;
}

/* The same file, by the same identity, gets the same ID in every run. */
static char *
derive_id (const char     *path,
           TincanIdentity *identity)
{
  crypto_generichash_state state;
  guint8 id[16];
  struct stat st;
  g_autofree char *facts = NULL;
  char *hex = g_malloc (2 * sizeof id + 1);

  if (stat (path, &st) != 0)
    memset (&st, 0, sizeof st);
  facts = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT ".%09ld",
                           path, (gint64) st.st_size, (gint64) st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  crypto_generichash_init (&state, NULL, 0, sizeof id);
  crypto_generichash_update (&state, (const guint8 *) "tincan-cli file id\n", 19);
  if (identity != NULL)
    crypto_generichash_update (&state, tincan_identity_get_public_key (identity), 32);
  crypto_generichash_update (&state, (const guint8 *) facts, strlen (facts));
  crypto_generichash_final (&state, id, sizeof id);

  tincan_wire_format_hex (id, sizeof id, hex);

  return hex;
}

gboolean
tincan_cli_files_send (TincanCliFiles  *self,
                       const char      *path,
                       TincanIdentity  *identity,
                       GError         **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autofree char *absolute = g_file_get_path (file);
  g_autofree char *id = derive_id (absolute != NULL ? absolute : path, identity);
  g_autoptr(TincanTransfer) transfer = tincan_files_send (self->files, file, id, error);

  if (transfer == NULL)
    return FALSE;

  watch (self, transfer);

  return TRUE;
}

/* Whether a transfer is still going: the run waits for it to end. */
gboolean
tincan_cli_files_busy (TincanCliFiles *self)
{
  GListModel *transfers = tincan_files_get_transfers (self->files);

  for (guint i = 0; i < g_list_model_get_n_items (transfers); i++)
    {
      g_autoptr(TincanTransfer) transfer = g_list_model_get_item (transfers, i);

      if (!tincan_transfer_is_finished (transfer)
          && (tincan_transfer_get_outgoing (transfer)
              || tincan_transfer_get_state (transfer) != TINCAN_TRANSFER_OFFERED))
        return TRUE;
    }

  return FALSE;
}

/* tincan-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files to and from one peer (docs/PROTOCOL.md, *Files*): the hub.  It
 * holds the transfers, one job each, takes the peer's records from the
 * link and hands each to the job it is about, sends records for the
 * jobs, and watches the peer come and go.  Sending (tincan-file-out.c)
 * and receiving (tincan-file-in.c) are its leaves.
 *
 * Everything runs on the main loop.  Records go over the link's reliable
 * messages, so they arrive once and in order; a job only keeps a few
 * chunks queued in the link at a time, so memory stays flat whatever the
 * size of the file, and a text message waits behind at most those.
 */

#define G_LOG_DOMAIN "tincan-files"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "tincan-files-private.h"
#include "tincan-wire.h"

struct _TincanFiles
{
  GObject      parent_instance;

  TincanLink  *link;
  gulong       presence_id;
  GFile       *receive_dir;
  guint64      accept_limit;
  GListStore  *transfers;     /* TincanTransfer, in the order they came */
  GHashTable  *jobs;          /* hex ID → TincanFileJob */
  GHashTable  *sent;          /* TincanMessage → Sent: records not delivered yet */
  gsize        queued;        /* bytes of every job's records in the link */
  gsize        peak_queued;
};

/* A record of a job's in the link, watched until it is delivered. */
typedef struct
{
  TincanFiles *files;
  char        *job_id;
  guint        generation;
  gsize        counted;       /* what it counts against the job's queue */
  guint64      end;           /* with it delivered, the receiver has [0, end) */
  gulong       handler;
} Sent;

G_DEFINE_FINAL_TYPE (TincanFiles, tincan_files, G_TYPE_OBJECT)

G_DEFINE_QUARK (tincan-files-error-quark, tincan_files_error)

static void
sent_free (Sent *sent)
{
  g_free (sent->job_id);
  g_free (sent);
}

static void
job_free (TincanFileJob *job)
{
  g_clear_handle_id (&job->step_id, g_source_remove);
  if (job->fd >= 0)
    close (job->fd);
  g_clear_object (&job->transfer);
  g_free (job->temp_path);
  g_free (job);
}

static TincanFileJob *
find_job (TincanFiles  *self,
          const guint8 *id)
{
  char hex[2 * TINCAN_RECORD_ID_SIZE + 1];

  tincan_record_format_id (id, hex);

  return g_hash_table_lookup (self->jobs, hex);
}

static void
forget_sent (TincanFiles *self)
{
  GHashTableIter iter;
  gpointer message;
  Sent *sent;

  g_hash_table_iter_init (&iter, self->sent);
  while (g_hash_table_iter_next (&iter, &message, (gpointer *) &sent))
    g_signal_handler_disconnect (message, sent->handler);
  g_hash_table_remove_all (self->sent);
  self->queued = 0;
}

static void
tincan_files_dispose (GObject *object)
{
  TincanFiles *self = TINCAN_FILES (object);

  /* Going away is not the peer going away: the transfers stay as they
   * are, for whoever restores them.
   */
  if (self->link != NULL)
    {
      tincan_link_set_record_func (self->link, NULL, NULL);
      g_clear_signal_handler (&self->presence_id, self->link);
      g_clear_object (&self->link);
    }
  forget_sent (self);
  g_hash_table_remove_all (self->jobs);
  g_clear_object (&self->receive_dir);

  G_OBJECT_CLASS (tincan_files_parent_class)->dispose (object);
}

static void
tincan_files_finalize (GObject *object)
{
  TincanFiles *self = TINCAN_FILES (object);

  g_clear_object (&self->transfers);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_pointer (&self->sent, g_hash_table_unref);

  G_OBJECT_CLASS (tincan_files_parent_class)->finalize (object);
}

static void
tincan_files_class_init (TincanFilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_files_dispose;
  object_class->finalize = tincan_files_finalize;
}

static void
tincan_files_init (TincanFiles *self)
{
  self->accept_limit = G_MAXUINT64;
  self->transfers = g_list_store_new (TINCAN_TYPE_TRANSFER);
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) job_free);
  self->sent = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify) sent_free);
}

/**
 * tincan_files_new:
 * @link: (nullable): the link to the peer
 *
 * Returns: (transfer full): an engine with no receive folder (offers are
 *   refused until one is set) and no accept limit
 */
TincanFiles *
tincan_files_new (TincanLink *link)
{
  TincanFiles *self = g_object_new (TINCAN_TYPE_FILES, NULL);

  tincan_files_set_link (self, link);

  return self;
}

const char *
tincan_file_failure_to_string (TincanFileFailure reason,
                               gboolean          outgoing)
{
  switch (reason)
    {
    case TINCAN_FILE_FAILURE_CANCELLED:
      return outgoing ? _("Cancelled by the other person") : _("The sender cancelled it");
    case TINCAN_FILE_FAILURE_DISK_FULL:
      return outgoing ? _("The other computer’s disk is full") : _("The disk is full");
    case TINCAN_FILE_FAILURE_CHANGED:
      return outgoing ? _("The file was changed or deleted before it was sent")
                      : _("The file was changed or deleted on the sender’s computer before it was sent");
    case TINCAN_FILE_FAILURE_PERMISSION:
      return outgoing ? _("The other computer could not save it: permission denied")
                      : _("Permission denied: the download folder cannot be written");
    case TINCAN_FILE_FAILURE_HASH:
      return _("The file arrived damaged: its check did not match");
    case TINCAN_FILE_FAILURE_REFUSED:
      return outgoing ? _("The other computer does not take files") : _("Refused");
    case TINCAN_FILE_FAILURE_IO:
    default:
      return outgoing ? _("The other computer could not save the file") : _("The file could not be read or written");
    }
}

static TincanFileJob *
add_job (TincanFiles    *self,
         TincanTransfer *transfer)
{
  TincanFileJob *job = g_new0 (TincanFileJob, 1);

  job->files = self;
  job->transfer = g_object_ref (transfer);
  job->fd = -1;
  tincan_record_parse_id (tincan_transfer_get_id (transfer), job->id);
  g_hash_table_replace (self->jobs, g_strdup (tincan_transfer_get_id (transfer)), job);

  if (!g_list_store_find (self->transfers, transfer, NULL))
    g_list_store_append (self->transfers, transfer);

  return job;
}

const char *
tincan_files_get_peer_name (TincanFiles *self)
{
  const char *name = self->link != NULL ? tincan_link_get_peer_name (self->link) : NULL;

  return name != NULL && *name != '\0' ? name : _("the other computer");
}

/* For the leaves */

gboolean
tincan_files_peer_is_here (TincanFiles *self)
{
  return self->link != NULL && tincan_link_get_presence (self->link) == TINCAN_PRESENCE_ONLINE;
}

TincanLink *
tincan_files_get_link (TincanFiles *self)
{
  return self->link;
}

GFile *
tincan_files_get_receive_dir (TincanFiles *self)
{
  return self->receive_dir;
}

static void
sent_state_changed_cb (TincanMessage *message,
                       GParamSpec    *pspec,
                       gpointer       user_data)
{
  Sent *sent = user_data;
  TincanFiles *self = sent->files;
  TincanMessageState state = tincan_message_get_state (message);
  TincanFileJob *job;
  gboolean delivered = state == TINCAN_MESSAGE_DELIVERED;

  if (!delivered && state != TINCAN_MESSAGE_FAILED)
    return;

  job = g_hash_table_lookup (self->jobs, sent->job_id);
  self->queued -= MIN (self->queued, sent->counted);

  if (job != NULL && job->generation == sent->generation)
    {
      job->queued -= MIN (job->queued, sent->counted);
      if (delivered)
        tincan_file_out_delivered (job, sent->counted, sent->end);
      else
        tincan_file_out_lost (job);
    }

  g_signal_handler_disconnect (message, sent->handler);
  g_hash_table_remove (self->sent, message);
}

/* Queues @record for the peer.  A job's data is counted against its
 * queue (@counted bytes) until the peer took it; then the receiver has
 * [0, @end).
 */
TincanMessage *
tincan_files_send_bytes (TincanFiles   *self,
                         TincanFileJob *job,
                         GBytes        *record,
                         gsize          counted,
                         guint64        end)
{
  TincanMessage *message;
  Sent *sent;

  if (self->link == NULL)
    return NULL;

  message = tincan_link_send_record (self->link, record);
  if (message == NULL)
    return NULL;

  if (!tincan_transfer_get_outgoing (job->transfer))
    return message;

  sent = g_new0 (Sent, 1);
  sent->files = self;
  sent->job_id = g_strdup (tincan_transfer_get_id (job->transfer));
  sent->generation = job->generation;
  sent->counted = counted;
  sent->end = end;
  job->queued += counted;
  self->queued += counted;
  self->peak_queued = MAX (self->peak_queued, self->queued);
  sent->handler = g_signal_connect (message, "notify::state", G_CALLBACK (sent_state_changed_cb), sent);
  g_hash_table_insert (self->sent, g_object_ref (message), sent);

  return message;
}

void
tincan_files_send_record (TincanFiles        *self,
                          TincanFileJob      *job,
                          const TincanRecord *record,
                          gboolean            track)
{
  g_autoptr(GBytes) bytes = tincan_record_encode (record);
  g_autoptr(TincanMessage) message = NULL;

  g_return_if_fail (bytes != NULL);

  if (track)
    message = tincan_files_send_bytes (self, job, bytes, 0, tincan_transfer_get_offset (job->transfer));
  else if (self->link != NULL)
    message = tincan_link_send_record (self->link, bytes);
}

void
tincan_files_send_simple (TincanFiles       *self,
                          TincanFileJob     *job,
                          TincanRecordType   type,
                          TincanFileFailure  reason)
{
  TincanRecord record = { 0 };

  record.type = type;
  record.reason = reason;
  memcpy (record.id, job->id, TINCAN_RECORD_ID_SIZE);
  tincan_files_send_record (self, job, &record, FALSE);
}

void
tincan_file_job_close (TincanFileJob *job)
{
  g_clear_handle_id (&job->step_id, g_source_remove);
  if (job->fd >= 0)
    close (job->fd);
  job->fd = -1;
  job->generation++;
  job->queued = 0;
  job->started = FALSE;
  job->end_sent = FALSE;
  job->verified = FALSE;
  job->accepted = FALSE;
}

/* Done, failed or cancelled: nothing more moves, and the temporary file
 * of one that did not end is gone.
 */
void
tincan_file_job_finish (TincanFileJob       *job,
                        TincanTransferState  state,
                        const char          *error)
{
  tincan_file_job_close (job);
  if (!tincan_transfer_get_outgoing (job->transfer) && state != TINCAN_TRANSFER_DONE)
    tincan_file_in_remove_temp (job);
  tincan_transfer_set_state (job->transfer, state, error);
}

/* The peer is away: it starts again from what the receiver has. */
void
tincan_file_job_pause (TincanFileJob *job,
                       const char    *waiting_for)
{
  gboolean keep_fd = !tincan_transfer_get_outgoing (job->transfer);
  int fd = job->fd;

  if (tincan_transfer_is_finished (job->transfer))
    return;

  /* The receiver keeps its temporary file open; the sender opens its
   * file again, and checks it, when it offers again.
   */
  if (keep_fd)
    job->fd = -1;
  tincan_file_job_close (job);
  job->fd = keep_fd ? fd : -1;
  if (!tincan_transfer_get_outgoing (job->transfer))
    {
      /* Accepted stays accepted: only the hash is checked again. */
      job->accepted = tincan_transfer_get_state (job->transfer) != TINCAN_TRANSFER_OFFERED;
    }

  if (tincan_transfer_get_state (job->transfer) == TINCAN_TRANSFER_OFFERED
      && !tincan_transfer_get_outgoing (job->transfer))
    return;

  tincan_transfer_set_state (job->transfer, TINCAN_TRANSFER_PAUSED, NULL);
  tincan_transfer_set_waiting_for (job->transfer, waiting_for);
}

/* Records from the peer */

static void
handle_offer (TincanFiles        *self,
              const TincanRecord *record)
{
  TincanFileJob *job = find_job (self, record->id);
  char hex[2 * TINCAN_RECORD_ID_SIZE + 1];
  g_autoptr(TincanTransfer) transfer = NULL;

  if (job != NULL && tincan_transfer_get_outgoing (job->transfer))
    return;

  if (job != NULL)
    {
      TincanTransferState state = tincan_transfer_get_state (job->transfer);

      /* The sender came back, or lost our answer: answer again.  For a
       * file saved already it hashes the whole and sends the END, which
       * is checked against what was saved.
       */
      if (state == TINCAN_TRANSFER_DONE)
        {
          TincanRecord accept = { .type = TINCAN_RECORD_ACCEPT, .offset = record->size };

          memcpy (accept.id, record->id, TINCAN_RECORD_ID_SIZE);
          tincan_files_send_record (self, job, &accept, FALSE);
        }
      else if (state == TINCAN_TRANSFER_CANCELLED)
        tincan_files_send_simple (self, job, TINCAN_RECORD_FAIL, TINCAN_FILE_FAILURE_CANCELLED);
      else if (state == TINCAN_TRANSFER_FAILED)
        tincan_files_send_simple (self, job, TINCAN_RECORD_FAIL, TINCAN_FILE_FAILURE_IO);
      else if (state != TINCAN_TRANSFER_OFFERED || job->accepted)
        {
          job->verified = FALSE;
          tincan_file_in_accept (job);
        }
      return;
    }

  tincan_record_format_id (record->id, hex);
  transfer = tincan_transfer_new (hex, FALSE, record->name, record->size);

  if (self->receive_dir == NULL)
    {
      job = add_job (self, transfer);
      tincan_files_send_simple (self, job, TINCAN_RECORD_FAIL, TINCAN_FILE_FAILURE_REFUSED);
      tincan_transfer_set_state (transfer, TINCAN_TRANSFER_FAILED, _("Refused: no folder to save files in"));
      return;
    }

  job = add_job (self, transfer);
  if (record->size <= self->accept_limit)
    {
      job->accepted = TRUE;
      tincan_file_in_accept (job);
    }
}

static TincanKeepResult
record_cb (TincanLink *link,
           GBytes     *bytes,
           gpointer    user_data)
{
  TincanFiles *self = user_data;
  TincanRecord record;
  TincanFileJob *job;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  /* Refusing it would have it sent again forever. */
  if (!tincan_record_decode (data, length, &record))
    {
      g_debug ("A malformed record of %" G_GSIZE_FORMAT " bytes, dropped", length);
      return TINCAN_KEEP_DUPLICATE;
    }

  if (record.type == TINCAN_RECORD_OFFER)
    {
      handle_offer (self, &record);
      return TINCAN_KEEP_NEW;
    }

  job = find_job (self, record.id);

  switch (record.type)
    {
    case TINCAN_RECORD_CHUNK:
    case TINCAN_RECORD_ZEROS:
    case TINCAN_RECORD_END:
      /* Known from the history (tincan_files_add_incoming()) but not
       * taken up in this run: the sender goes on where an earlier run of
       * ours was, not having seen it go.  It is asked, once, to offer
       * again, as for a job not known at all.
       */
      if (job != NULL && !tincan_transfer_get_outgoing (job->transfer) && job->fd < 0
          && !job->verified && !job->asked && !tincan_transfer_is_finished (job->transfer))
        {
          job->asked = TRUE;
          job = NULL;
        }
      else if (job != NULL && job->asked && job->fd < 0)
        return TINCAN_KEEP_DUPLICATE;

      if (job == NULL || tincan_transfer_get_outgoing (job->transfer))
        {
          /* Sent to an earlier run of ours, which took the offer: the
           * sender offers again, and we answer from the temporary file.
           */
          if (job == NULL)
            {
              TincanRecord ask = { .type = TINCAN_RECORD_ASK };

              memcpy (ask.id, record.id, TINCAN_RECORD_ID_SIZE);
              if (self->link != NULL)
                {
                  g_autoptr(GBytes) encoded = tincan_record_encode (&ask);
                  g_autoptr(TincanMessage) message = tincan_link_send_record (self->link, encoded);
                }
            }
          return TINCAN_KEEP_DUPLICATE;
        }
      if (record.type == TINCAN_RECORD_END)
        {
          tincan_file_in_end (job, &record);
          return TINCAN_KEEP_NEW;
        }
      return tincan_file_in_chunk (job, &record);

    case TINCAN_RECORD_ACCEPT:
      if (job != NULL && tincan_transfer_get_outgoing (job->transfer))
        tincan_file_out_accepted (job, record.offset);
      break;

    case TINCAN_RECORD_ASK:
      if (job != NULL && tincan_transfer_get_outgoing (job->transfer)
          && !tincan_transfer_is_finished (job->transfer))
        tincan_file_out_offer (job);
      break;

    case TINCAN_RECORD_DONE:
      if (job != NULL && tincan_transfer_get_outgoing (job->transfer)
          && !tincan_transfer_is_finished (job->transfer) && job->end_sent)
        {
          tincan_transfer_set_offset (job->transfer, tincan_transfer_get_size (job->transfer),
                                      g_get_monotonic_time ());
          tincan_file_job_finish (job, TINCAN_TRANSFER_DONE, NULL);
        }
      break;

    case TINCAN_RECORD_FAIL:
      if (job != NULL && !tincan_transfer_is_finished (job->transfer))
        tincan_file_job_finish (job,
                                record.reason == TINCAN_FILE_FAILURE_CANCELLED
                                ? TINCAN_TRANSFER_CANCELLED : TINCAN_TRANSFER_FAILED,
                                tincan_file_failure_to_string (record.reason,
                                                               tincan_transfer_get_outgoing (job->transfer)));
      break;

    case TINCAN_RECORD_OFFER:
    default:
      break;
    }

  return TINCAN_KEEP_NEW;
}

static void
presence_changed_cb (TincanLink  *link,
                     GParamSpec  *pspec,
                     TincanFiles *self)
{
  GHashTableIter iter;
  TincanFileJob *job;
  gboolean here = tincan_files_peer_is_here (self);

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &job))
    {
      if (tincan_transfer_is_finished (job->transfer))
        continue;

      if (!here)
        tincan_file_job_pause (job, tincan_files_get_peer_name (self));
      else if (tincan_transfer_get_outgoing (job->transfer))
        tincan_file_out_offer (job);
    }
}

/**
 * tincan_files_set_link:
 * @self: a #TincanFiles
 * @link: (nullable): the link to the peer, or %NULL while there is none
 *
 * Takes the peer's records from @link; set it before the peer, so the
 * first hello says files are welcome.  Transfers under way pause, and go
 * on when the peer is there on the new link.
 */
void
tincan_files_set_link (TincanFiles *self,
                       TincanLink  *link)
{
  g_return_if_fail (TINCAN_IS_FILES (self));
  g_return_if_fail (link == NULL || TINCAN_IS_LINK (link));

  if (self->link == link)
    return;

  if (self->link != NULL)
    {
      tincan_link_set_record_func (self->link, NULL, NULL);
      g_clear_signal_handler (&self->presence_id, self->link);
      g_clear_object (&self->link);
    }

  if (link != NULL)
    {
      self->link = g_object_ref (link);
      tincan_link_set_record_func (link, record_cb, self);
      self->presence_id = g_signal_connect (link, "notify::presence", G_CALLBACK (presence_changed_cb), self);
    }

  /* Records queued in the old link are not ours to count any more. */
  forget_sent (self);
  if (g_hash_table_size (self->jobs) > 0)
    presence_changed_cb (link, NULL, self);
}

/**
 * tincan_files_set_receive_dir:
 * @self: a #TincanFiles
 * @dir: (nullable): where received files are saved; %NULL refuses offers
 */
void
tincan_files_set_receive_dir (TincanFiles *self,
                              GFile       *dir)
{
  g_return_if_fail (TINCAN_IS_FILES (self));
  g_return_if_fail (dir == NULL || G_IS_FILE (dir));

  g_set_object (&self->receive_dir, dir);
}

/**
 * tincan_files_set_accept_limit:
 * @self: a #TincanFiles
 * @bytes: files up to this size are accepted without asking; larger ones
 *   wait, offered, for tincan_files_accept()
 */
void
tincan_files_set_accept_limit (TincanFiles *self,
                               guint64      bytes)
{
  g_return_if_fail (TINCAN_IS_FILES (self));

  self->accept_limit = bytes;
}

static char *
random_id (void)
{
  guint8 id[TINCAN_RECORD_ID_SIZE];
  char hex[2 * TINCAN_RECORD_ID_SIZE + 1];

  randombytes_buf (id, sizeof id);
  tincan_record_format_id (id, hex);

  return g_strdup (hex);
}

/**
 * tincan_files_send:
 * @self: a #TincanFiles
 * @file: a regular file, local
 * @id: (nullable): the transfer's ID, 32 hex digits; %NULL for a new
 *   random one.  The same ID later resumes what the peer has of it.
 * @error: return location for a #GError
 *
 * Offers @file to the peer, now if it is there, or when it comes.
 *
 * Returns: (transfer full) (nullable): the transfer
 */
TincanTransfer *
tincan_files_send (TincanFiles  *self,
                   GFile        *file,
                   const char   *id,
                   GError      **error)
{
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *new_id = NULL;
  g_autoptr(TincanTransfer) transfer = NULL;
  g_autoptr(GFileInfo) info = NULL;
  guint8 raw[TINCAN_RECORD_ID_SIZE];
  TincanFileJob *job;

  g_return_val_if_fail (TINCAN_IS_FILES (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (id == NULL || tincan_record_parse_id (id, raw), NULL);

  if (self->link != NULL && tincan_link_get_mode (self->link) != TINCAN_MODE_RELIABLE)
    {
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_PLAIN,
                           tincan_link_get_mode (self->link) == TINCAN_MODE_IPMSG
                           ? _("IP Messenger users cannot be sent files by Tin Can")
                           : _("Plain-text mode cannot send files"));
      return NULL;
    }

  path = g_file_get_path (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return NULL;

  if (path == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *shown = g_file_get_parse_name (file);

      g_set_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_NOT_REGULAR,
                   _("“%s” is not a file that can be sent"), shown);
      return NULL;
    }

  /* A name in another encoding, or too long, is made one a person can
   * read; the bytes are what they are.
   */
  name = g_file_get_basename (file);
  if (!tincan_record_name_is_valid (name, strlen (name)))
    {
      g_autofree char *unreadable = g_steal_pointer (&name);

      name = g_utf8_make_valid (unreadable, -1);
      if (strlen (name) > TINCAN_RECORD_MAX_NAME)
        *(char *) tincan_wire_utf8_cut (name, name + strlen (name), TINCAN_RECORD_MAX_NAME) = '\0';
    }

  if (id == NULL)
    id = new_id = random_id ();
  else if (g_hash_table_contains (self->jobs, id))
    {
      job = g_hash_table_lookup (self->jobs, id);
      if (tincan_transfer_get_outgoing (job->transfer))
        return g_object_ref (job->transfer);
    }

  transfer = tincan_transfer_new (id, TRUE, name, g_file_info_get_size (info));
  tincan_transfer_set_file (transfer, file);
  job = add_job (self, transfer);

  if (!tincan_file_out_open (job, error))
    {
      guint position;

      if (g_list_store_find (self->transfers, transfer, &position))
        g_list_store_remove (self->transfers, position);
      g_hash_table_remove (self->jobs, id);
      return NULL;
    }

  tincan_file_out_offer (job);

  return g_steal_pointer (&transfer);
}

/**
 * tincan_files_add_outgoing:
 * @self: a #TincanFiles
 * @transfer: an outgoing transfer restored from the history: its file
 *   and ID set
 *
 * Takes up a transfer of an earlier run where the receiver left it.  One
 * that is finished is only listed.
 */
void
tincan_files_add_outgoing (TincanFiles    *self,
                           TincanTransfer *transfer)
{
  TincanFileJob *job;

  g_return_if_fail (TINCAN_IS_FILES (self));
  g_return_if_fail (TINCAN_IS_TRANSFER (transfer));
  g_return_if_fail (tincan_transfer_get_outgoing (transfer));

  job = add_job (self, transfer);
  if (tincan_transfer_is_finished (transfer))
    return;

  tincan_file_out_offer (job);
}

/**
 * tincan_files_add_incoming:
 * @self: a #TincanFiles
 * @transfer: an incoming transfer restored from the history
 *
 * Knows it again: when the sender offers it again, it resumes from the
 * temporary file if it was accepted.
 */
void
tincan_files_add_incoming (TincanFiles    *self,
                           TincanTransfer *transfer)
{
  TincanFileJob *job;

  g_return_if_fail (TINCAN_IS_FILES (self));
  g_return_if_fail (TINCAN_IS_TRANSFER (transfer));
  g_return_if_fail (!tincan_transfer_get_outgoing (transfer));

  job = add_job (self, transfer);
  if (tincan_transfer_is_finished (transfer))
    return;

  job->accepted = tincan_transfer_get_state (transfer) != TINCAN_TRANSFER_OFFERED;
  if (job->accepted)
    {
      tincan_transfer_set_state (transfer, TINCAN_TRANSFER_PAUSED, NULL);
      tincan_transfer_set_waiting_for (transfer, tincan_files_get_peer_name (self));
    }
}

/**
 * tincan_files_accept:
 * @self: a #TincanFiles
 * @transfer: an incoming transfer, offered
 * @error: return location for a #GError
 *
 * Returns: %FALSE if @transfer was not waiting to be accepted
 */
gboolean
tincan_files_accept (TincanFiles     *self,
                     TincanTransfer  *transfer,
                     GError         **error)
{
  TincanFileJob *job;

  g_return_val_if_fail (TINCAN_IS_FILES (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_TRANSFER (transfer), FALSE);

  job = g_hash_table_lookup (self->jobs, tincan_transfer_get_id (transfer));
  if (job == NULL || tincan_transfer_get_outgoing (transfer)
      || tincan_transfer_get_state (transfer) != TINCAN_TRANSFER_OFFERED || job->accepted)
    {
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_NOT_OFFERED,
                           _("Only a file that was offered and not accepted yet can be accepted"));
      return FALSE;
    }

  job->accepted = TRUE;
  if (self->receive_dir == NULL)
    {
      tincan_files_send_simple (self, job, TINCAN_RECORD_FAIL, TINCAN_FILE_FAILURE_REFUSED);
      tincan_file_job_finish (job, TINCAN_TRANSFER_FAILED, _("Refused: no folder to save files in"));
      return TRUE;
    }

  tincan_file_in_accept (job);

  return TRUE;
}

/**
 * tincan_files_cancel:
 * @self: a #TincanFiles
 * @transfer: a transfer not finished
 * @error: return location for a #GError
 *
 * Stops it on both sides: the peer is told, and the temporary file of an
 * incoming one is removed.
 *
 * Returns: %FALSE if @transfer was finished already
 */
gboolean
tincan_files_cancel (TincanFiles     *self,
                     TincanTransfer  *transfer,
                     GError         **error)
{
  TincanFileJob *job;

  g_return_val_if_fail (TINCAN_IS_FILES (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_TRANSFER (transfer), FALSE);

  job = g_hash_table_lookup (self->jobs, tincan_transfer_get_id (transfer));
  if (job == NULL || tincan_transfer_is_finished (transfer))
    {
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_FINISHED,
                           _("The transfer has finished already"));
      return FALSE;
    }

  tincan_files_send_simple (self, job, TINCAN_RECORD_FAIL, TINCAN_FILE_FAILURE_CANCELLED);
  tincan_file_job_finish (job, TINCAN_TRANSFER_CANCELLED, _("Cancelled"));

  return TRUE;
}

/**
 * tincan_files_get_transfers:
 * @self: a #TincanFiles
 *
 * Returns: (transfer none): the #TincanTransfer of every file sent or
 *   offered while this engine was there, in that order
 */
GListModel *
tincan_files_get_transfers (TincanFiles *self)
{
  g_return_val_if_fail (TINCAN_IS_FILES (self), NULL);

  return G_LIST_MODEL (self->transfers);
}

/**
 * tincan_files_get_peak_queued:
 * @self: a #TincanFiles
 *
 * Returns: the most bytes of file data that were ever queued in the link
 *   at once, for the tests of flat memory
 */
gsize
tincan_files_get_peak_queued (TincanFiles *self)
{
  g_return_val_if_fail (TINCAN_IS_FILES (self), 0);

  return self->peak_queued;
}

/* tincan-file-out.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending a file (docs/PROTOCOL.md, *Files*): the OFFER, then, once the
 * receiver says from which offset, the file read in chunks as they are
 * sent, never more than QUEUE_BYTES of them waiting in the link, and the
 * END with the hash of the whole file.  A resumed transfer hashes what
 * the receiver had first, in steps, so the hash is still of the whole
 * file and the main loop never stalls.  The file is checked before every
 * read and before the END: if it changed or went away, the transfer
 * fails on both sides.
 */

#define G_LOG_DOMAIN "tincan-files"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tincan-files-private.h"
#include "tincan-wire.h"

/* Chunks of one transfer waiting in the link: enough to keep a loopback
 * path busy between two ACKs, small enough that a text message queued
 * behind them goes within milliseconds.
 */
#define QUEUE_BYTES   (2 * TINCAN_RECORD_MAX_CHUNK)
/* Hashed per step when catching up with what the receiver had. */
#define REHASH_BYTES  (16 * TINCAN_RECORD_MAX_CHUNK)

static gint64
stat_mtime (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

/**
 * tincan_file_out_open:
 * @job: an outgoing job whose transfer has its file
 * @error: return location for a #GError
 *
 * Opens the file and notes its size and time, to see it change.
 */
gboolean
tincan_file_out_open (TincanFileJob  *job,
                      GError        **error)
{
  GFile *file = tincan_transfer_get_file (job->transfer);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  struct stat st;
  int fd;

  if (job->fd >= 0)
    return TRUE;

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           tincan_file_failure_to_string (TINCAN_FILE_FAILURE_CHANGED, TRUE));
      return FALSE;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("“%s” cannot be read: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)
      || (guint64) st.st_size != tincan_transfer_get_size (job->transfer)
      || (job->mtime != 0 && job->mtime != stat_mtime (&st)))
    {
      close (fd);
      g_set_error_literal (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_NOT_REGULAR,
                           tincan_file_failure_to_string (TINCAN_FILE_FAILURE_CHANGED, TRUE));
      return FALSE;
    }

  job->fd = fd;
  job->mtime = stat_mtime (&st);

  return TRUE;
}

static void
fail_changed (TincanFileJob *job)
{
  tincan_files_send_simple (job->files, job, TINCAN_RECORD_FAIL, TINCAN_FILE_FAILURE_CHANGED);
  tincan_file_job_finish (job, TINCAN_TRANSFER_FAILED,
                          tincan_file_failure_to_string (TINCAN_FILE_FAILURE_CHANGED, TRUE));
}

/* Whether the file is still the one offered: the same size and time,
 * and not deleted.
 */
static gboolean
file_unchanged (TincanFileJob *job)
{
  struct stat st;

  return fstat (job->fd, &st) == 0 && st.st_nlink > 0
         && (guint64) st.st_size == tincan_transfer_get_size (job->transfer)
         && stat_mtime (&st) == job->mtime;
}

/* Reads exactly @n bytes at @offset; a short read means the file shrank. */
static gboolean
read_at (TincanFileJob *job,
         guint8        *buffer,
         gsize          n,
         guint64        offset)
{
  while (n > 0)
    {
      gssize got = pread (job->fd, buffer, n, offset);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        return FALSE;
      buffer += got;
      n -= got;
      offset += got;
    }

  return TRUE;
}

static gboolean
all_zero (const guint8 *bytes,
          gsize         n)
{
  static const guint8 zeros[4096];

  for (gsize i = 0; i < n; i += sizeof zeros)
    if (memcmp (bytes + i, zeros, MIN (sizeof zeros, n - i)) != 0)
      return FALSE;

  return TRUE;
}

static gboolean step_cb (gpointer user_data);

static void
schedule_step (TincanFileJob *job)
{
  if (job->step_id == 0)
    job->step_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, step_cb, job, NULL);
}

/* One chunk read, hashed and queued; or %FALSE if the file changed. */
static gboolean
send_chunk (TincanFileJob *job)
{
  guint64 size = tincan_transfer_get_size (job->transfer);
  gsize n = MIN (size - job->hashed, TINCAN_RECORD_MAX_CHUNK);
  guint8 *payload;
  guint8 *data = tincan_record_new_chunk (job->id, job->hashed, n, &payload);
  g_autoptr(GBytes) record = NULL;
  g_autoptr(TincanMessage) message = NULL;

  if (!read_at (job, payload, n, job->hashed))
    {
      g_free (data);
      return FALSE;
    }

  crypto_generichash_update (&job->hash, payload, n);

  /* A hole, or a run of zeros: the receiver makes it without the bytes. */
  if (all_zero (payload, n))
    {
      TincanRecord zeros = { .type = TINCAN_RECORD_ZEROS, .offset = job->hashed, .length = n };

      g_free (data);
      memcpy (zeros.id, job->id, TINCAN_RECORD_ID_SIZE);
      record = tincan_record_encode (&zeros);
    }
  else
    record = g_bytes_new_take (data, TINCAN_RECORD_CHUNK_HEADER + n);

  job->hashed += n;
  message = tincan_files_send_bytes (job->files, job, record, n, job->hashed);

  return message != NULL;
}

static void
send_end (TincanFileJob *job)
{
  TincanRecord end = { .type = TINCAN_RECORD_END };
  crypto_generichash_state copy = job->hash;
  g_autoptr(GBytes) record = NULL;
  g_autoptr(TincanMessage) message = NULL;
  char hex[2 * TINCAN_RECORD_HASH_SIZE + 1];

  memcpy (end.id, job->id, TINCAN_RECORD_ID_SIZE);
  crypto_generichash_final (&copy, end.hash, TINCAN_RECORD_HASH_SIZE);
  tincan_wire_format_hex (end.hash, TINCAN_RECORD_HASH_SIZE, hex);
  tincan_transfer_set_hash (job->transfer, hex);

  record = tincan_record_encode (&end);
  message = tincan_files_send_bytes (job->files, job, record, 0, tincan_transfer_get_size (job->transfer));
  job->end_sent = TRUE;
}

static gboolean
step_cb (gpointer user_data)
{
  TincanFileJob *job = user_data;
  guint64 size = tincan_transfer_get_size (job->transfer);

  if (job->fd < 0 || !job->started || job->end_sent)
    {
      job->step_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (!file_unchanged (job))
    {
      job->step_id = 0;
      fail_changed (job);
      return G_SOURCE_REMOVE;
    }

  /* Catching up: what the receiver has is hashed, not sent. */
  if (job->hashed < job->send_from)
    {
      g_autofree guint8 *buffer = g_malloc (TINCAN_RECORD_MAX_CHUNK);
      guint64 stop = MIN (job->send_from, job->hashed + REHASH_BYTES);

      while (job->hashed < stop)
        {
          gsize n = MIN (stop - job->hashed, TINCAN_RECORD_MAX_CHUNK);

          if (!read_at (job, buffer, n, job->hashed))
            {
              job->step_id = 0;
              fail_changed (job);
              return G_SOURCE_REMOVE;
            }
          crypto_generichash_update (&job->hash, buffer, n);
          job->hashed += n;
        }

      return G_SOURCE_CONTINUE;
    }

  while (job->hashed < size && job->queued < QUEUE_BYTES)
    {
      if (!send_chunk (job))
        {
          job->step_id = 0;
          /* Queuing it can tell the link the peer is gone, which pauses
           * the job (its file closed) before the link refuses the chunk;
           * a link that refuses one with the file as it was is a peer
           * away too.  Neither is a changed file.
           */
          if (job->fd < 0 || tincan_transfer_is_finished (job->transfer))
            return G_SOURCE_REMOVE;
          if (file_unchanged (job))
            tincan_file_job_pause (job, tincan_files_get_peer_name (job->files));
          else
            fail_changed (job);
          return G_SOURCE_REMOVE;
        }
    }

  if (job->hashed == size && !job->end_sent)
    send_end (job);

  /* More when the link has delivered some. */
  job->step_id = 0;
  return G_SOURCE_REMOVE;
}

/**
 * tincan_file_out_offer:
 * @job: an outgoing job, not finished
 *
 * Offers the file to the peer if it is there and takes files; the
 * receiver answers with the offset to start from.
 */
void
tincan_file_out_offer (TincanFileJob *job)
{
  g_autoptr(GError) error = NULL;
  TincanTransfer *transfer = job->transfer;
  TincanRecord offer = { .type = TINCAN_RECORD_OFFER };

  if (tincan_transfer_is_finished (transfer))
    return;

  if (!tincan_file_out_open (job, &error))
    {
      fail_changed (job);
      return;
    }

  if (!tincan_files_peer_is_here (job->files))
    {
      if (tincan_transfer_get_offset (transfer) > 0
          || tincan_transfer_get_state (transfer) != TINCAN_TRANSFER_OFFERED)
        tincan_file_job_pause (job, tincan_files_get_peer_name (job->files));
      return;
    }

  if (!tincan_link_get_peer_takes_records (tincan_files_get_link (job->files)))
    {
      tincan_file_job_finish (job, TINCAN_TRANSFER_FAILED,
                              _("The other computer’s Tin Can cannot receive files"));
      return;
    }

  /* Whatever was queued before is not counted: the answer says where
   * to start again.
   */
  job->generation++;
  job->queued = 0;
  job->started = FALSE;
  job->end_sent = FALSE;
  g_clear_handle_id (&job->step_id, g_source_remove);

  memcpy (offer.id, job->id, TINCAN_RECORD_ID_SIZE);
  offer.size = tincan_transfer_get_size (transfer);
  g_strlcpy (offer.name, tincan_transfer_get_name (transfer), sizeof offer.name);
  /* Watched: if it fails too, it is offered again. */
  tincan_files_send_record (job->files, job, &offer, TRUE);

  if (tincan_transfer_get_state (transfer) == TINCAN_TRANSFER_PAUSED)
    tincan_transfer_set_state (transfer,
                               tincan_transfer_get_offset (transfer) > 0
                               ? TINCAN_TRANSFER_MOVING : TINCAN_TRANSFER_OFFERED, NULL);
}

/**
 * tincan_file_out_accepted:
 * @job: an outgoing job
 * @offset: what the receiver has already
 *
 * Starts, or starts again, from @offset: records of an earlier start
 * still in the link are not counted, and the file is hashed from the
 * beginning.
 */
void
tincan_file_out_accepted (TincanFileJob *job,
                          guint64        offset)
{
  g_autoptr(GError) error = NULL;

  if (tincan_transfer_is_finished (job->transfer) || offset > tincan_transfer_get_size (job->transfer))
    return;

  if (!tincan_file_out_open (job, &error))
    {
      fail_changed (job);
      return;
    }

  job->generation++;
  job->queued = 0;
  job->started = TRUE;
  job->end_sent = FALSE;
  job->send_from = offset;
  job->delivered = offset;
  job->hashed = 0;
  crypto_generichash_init (&job->hash, NULL, 0, TINCAN_RECORD_HASH_SIZE);

  g_debug ("%s accepted from offset %" G_GUINT64_FORMAT, tincan_transfer_get_id (job->transfer), offset);

  tincan_transfer_set_offset (job->transfer, offset, g_get_monotonic_time ());
  tincan_transfer_set_state (job->transfer, TINCAN_TRANSFER_MOVING, NULL);

  g_clear_handle_id (&job->step_id, g_source_remove);
  schedule_step (job);
}

/* The peer took a record of this start, which brought it to @end. */
void
tincan_file_out_delivered (TincanFileJob *job,
                           gsize          counted,
                           guint64        end)
{
  if (tincan_transfer_is_finished (job->transfer) || !job->started)
    return;

  if (end > job->delivered)
    {
      job->delivered = end;
      tincan_transfer_set_offset (job->transfer, end, g_get_monotonic_time ());
    }

  if (!job->end_sent)
    schedule_step (job);
}

static gboolean
offer_again_cb (gpointer user_data)
{
  TincanFileJob *job = user_data;

  job->step_id = 0;
  tincan_file_out_offer (job);

  return G_SOURCE_REMOVE;
}

/* A record failed: the peer was silent for the give-up time, or the link
 * let go of it.  Offered again from the main loop, never from inside the
 * link that is failing its messages.
 */
void
tincan_file_out_lost (TincanFileJob *job)
{
  if (tincan_transfer_is_finished (job->transfer))
    return;

  if (!tincan_files_peer_is_here (job->files))
    {
      tincan_file_job_pause (job, tincan_files_get_peer_name (job->files));
      return;
    }

  g_clear_handle_id (&job->step_id, g_source_remove);
  job->step_id = g_idle_add (offer_again_cb, job);
}

/* tincan-file-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Receiving a file (docs/PROTOCOL.md, *Files*).  The bytes go to a
 * hidden temporary file in the receive folder, named for the transfer
 * (".NAME.tincan-ID.part"), written at their offset as each chunk
 * arrives and acknowledged only once written.  What it holds is the
 * offset to resume from, after a drop or a crash of either side; it is
 * hashed again, in steps, before the ACCEPT says so.  Once every byte is
 * there and the hash matches the sender's, it is linked under its name,
 * never over a file that exists (" (1)", " (2)"… before the extension),
 * so nothing partial is ever under the final name.
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

#define REHASH_BYTES   (4 * 1024 * 1024)
/* Of the name, in the temporary name, so that it stays under NAME_MAX. */
#define TEMP_NAME_MAX  180
#define MAX_COPIES     10000

static const guint8 zeros[64 * 1024];

/**
 * tincan_file_in_temp_name:
 * @name: the file's name
 * @id: the transfer's ID, 32 hex digits
 *
 * Returns: (transfer full): the temporary name, the same in every run
 */
char *
tincan_file_in_temp_name (const char *name,
                          const char *id)
{
  const char *end = tincan_wire_utf8_cut (name, name + strlen (name), TEMP_NAME_MAX);

  return g_strdup_printf (".%.*s.tincan-%s.part", (int) (end - name), name, id);
}

static TincanFileFailure
failure_from_errno (int saved)
{
  switch (saved)
    {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      return TINCAN_FILE_FAILURE_DISK_FULL;
    case EACCES:
    case EPERM:
    case EROFS:
      return TINCAN_FILE_FAILURE_PERMISSION;
    default:
      return TINCAN_FILE_FAILURE_IO;
    }
}

static void
fail (TincanFileJob     *job,
      TincanFileFailure  reason,
      const char        *detail)
{
  g_autofree char *text = NULL;

  if (detail != NULL)
    text = g_strdup_printf ("%s (%s)", tincan_file_failure_to_string (reason, FALSE), detail);

  tincan_files_send_simple (job->files, job, TINCAN_RECORD_FAIL, reason);
  tincan_file_job_finish (job,
                          reason == TINCAN_FILE_FAILURE_CANCELLED
                          ? TINCAN_TRANSFER_CANCELLED : TINCAN_TRANSFER_FAILED,
                          text != NULL ? text : tincan_file_failure_to_string (reason, FALSE));
}

static void
fail_errno (TincanFileJob *job,
            int            saved)
{
  fail (job, failure_from_errno (saved), g_strerror (saved));
}

void
tincan_file_in_remove_temp (TincanFileJob *job)
{
  if (job->temp_path != NULL)
    g_unlink (job->temp_path);
}

static void
send_accept (TincanFileJob *job)
{
  TincanRecord accept = { .type = TINCAN_RECORD_ACCEPT, .offset = job->written };

  memcpy (accept.id, job->id, TINCAN_RECORD_ID_SIZE);
  tincan_files_send_record (job->files, job, &accept, FALSE);
  job->verified = TRUE;
  job->asked = FALSE;

  g_debug ("%s accepted at offset %" G_GUINT64_FORMAT, tincan_transfer_get_id (job->transfer), job->written);
}

/* Reads exactly @n bytes at @offset of the temporary file. */
static gboolean
read_at (int     fd,
         guint8 *buffer,
         gsize   n,
         guint64 offset)
{
  while (n > 0)
    {
      gssize got = pread (fd, buffer, n, offset);

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

/* What the temporary file held is hashed again, a few MiB at a time. */
static gboolean
rehash_cb (gpointer user_data)
{
  TincanFileJob *job = user_data;
  g_autofree guint8 *buffer = g_malloc (REHASH_BYTES);
  gsize n = MIN (job->written - job->hashed, REHASH_BYTES);

  if (n > 0 && !read_at (job->fd, buffer, n, job->hashed))
    {
      job->step_id = 0;
      fail_errno (job, errno != 0 ? errno : EIO);
      return G_SOURCE_REMOVE;
    }

  crypto_generichash_update (&job->hash, buffer, n);
  job->hashed += n;

  if (job->hashed < job->written)
    return G_SOURCE_CONTINUE;

  job->step_id = 0;
  send_accept (job);

  return G_SOURCE_REMOVE;
}

/**
 * tincan_file_in_accept:
 * @job: an incoming job this side wants
 *
 * Opens the temporary file, or takes up the one an earlier run left,
 * and tells the sender where to start, once what it holds is hashed.
 */
void
tincan_file_in_accept (TincanFileJob *job)
{
  GFile *dir = tincan_files_get_receive_dir (job->files);
  guint64 size = tincan_transfer_get_size (job->transfer);
  struct stat st;

  if (dir == NULL)
    {
      fail (job, TINCAN_FILE_FAILURE_REFUSED, NULL);
      return;
    }

  job->accepted = TRUE;

  if (job->fd >= 0 && job->hashed == job->written)
    {
      /* The sender came back; what we have is hashed already. */
      tincan_transfer_set_state (job->transfer, TINCAN_TRANSFER_MOVING, NULL);
      send_accept (job);
      return;
    }

  if (job->fd < 0)
    {
      g_autofree char *dir_path = g_file_get_path (dir);
      g_autofree char *temp_name = tincan_file_in_temp_name (tincan_transfer_get_name (job->transfer),
                                                             tincan_transfer_get_id (job->transfer));

      g_free (job->temp_path);
      job->temp_path = g_build_filename (dir_path, temp_name, NULL);
      /* The folder is made when a first file comes, not before: a
       * Downloads folder nobody asked for is not made at start-up.  If it
       * cannot be made, opening the file says why.
       */
      g_mkdir_with_parents (dir_path, 0755);
      job->fd = g_open (job->temp_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
      if (job->fd < 0)
        {
          int saved = errno;

          /* Not ours to remove: it is not there. */
          g_clear_pointer (&job->temp_path, g_free);
          fail_errno (job, saved);
          return;
        }
    }

  if (fstat (job->fd, &st) != 0)
    {
      fail_errno (job, errno);
      return;
    }

  job->written = (guint64) st.st_size;
  if (job->written > size)
    {
      if (ftruncate (job->fd, 0) != 0)
        {
          fail_errno (job, errno);
          return;
        }
      job->written = 0;
    }

  job->hashed = 0;
  job->verified = FALSE;
  crypto_generichash_init (&job->hash, NULL, 0, TINCAN_RECORD_HASH_SIZE);

  tincan_transfer_set_offset (job->transfer, job->written, g_get_monotonic_time ());
  tincan_transfer_set_state (job->transfer, TINCAN_TRANSFER_MOVING, NULL);

  g_clear_handle_id (&job->step_id, g_source_remove);
  if (job->written == 0)
    send_accept (job);
  else
    job->step_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rehash_cb, job, NULL);
}

static gboolean
write_at (int           fd,
          const guint8 *bytes,
          gsize         n,
          guint64       offset)
{
  while (n > 0)
    {
      gssize done = pwrite (fd, bytes, n, offset);

      if (done < 0 && errno == EINTR)
        continue;
      if (done < 0)
        return FALSE;
      bytes += done;
      n -= done;
      offset += done;
    }

  return TRUE;
}

/**
 * tincan_file_in_chunk:
 * @job: an incoming job
 * @record: a CHUNK or ZEROS for it
 *
 * Writes the chunk if it is the next one; one from before a restart, or
 * for a transfer not under way, is taken and dropped.
 *
 * Returns: whether the link acknowledges it
 */
TincanKeepResult
tincan_file_in_chunk (TincanFileJob      *job,
                      const TincanRecord *record)
{
  guint64 n = record->type == TINCAN_RECORD_CHUNK ? record->n_bytes : record->length;
  guint64 end = record->offset + n;

  if (job->fd < 0 || !job->verified || record->offset != job->written
      || end > tincan_transfer_get_size (job->transfer)
      || tincan_transfer_get_state (job->transfer) != TINCAN_TRANSFER_MOVING)
    return TINCAN_KEEP_DUPLICATE;

  if (record->type == TINCAN_RECORD_CHUNK)
    {
      if (!write_at (job->fd, record->bytes, n, record->offset))
        {
          if (errno == EAGAIN)
            return TINCAN_KEEP_REFUSED;
          fail_errno (job, errno);
          return TINCAN_KEEP_DUPLICATE;
        }
      crypto_generichash_update (&job->hash, record->bytes, n);
    }
  else
    {
      /* A hole: the file is made longer, nothing is written. */
      if (ftruncate (job->fd, end) != 0)
        {
          fail_errno (job, errno);
          return TINCAN_KEEP_DUPLICATE;
        }
      for (guint64 done = 0; done < n; done += sizeof zeros)
        crypto_generichash_update (&job->hash, zeros, MIN (sizeof zeros, n - done));
    }

  job->written = end;
  job->hashed = end;
  tincan_transfer_set_offset (job->transfer, end, g_get_monotonic_time ());

  return TINCAN_KEEP_NEW;
}

/* "report.pdf" → "report (2).pdf"; a leading dot is no extension. */
static char *
numbered_name (const char *name,
               guint       n)
{
  const char *dot = strrchr (name, '.');

  if (n == 0)
    return g_strdup (name);

  if (dot == NULL || dot == name)
    return g_strdup_printf ("%s (%u)", name, n);

  return g_strdup_printf ("%.*s (%u)%s", (int) (dot - name), name, n, dot);
}

/* Links the temporary file under the first free name: never over a file
 * that exists, and never in a race with another writer, as link() and
 * O_EXCL fail where something is.  Returns the path, or %NULL with
 * errno set.
 */
static char *
link_final (TincanFileJob *job,
            const char    *dir_path)
{
  for (guint n = 0; n < MAX_COPIES; n++)
    {
      g_autofree char *name = numbered_name (tincan_transfer_get_name (job->transfer), n);
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      int fd;

      if (link (job->temp_path, path) == 0)
        {
          g_unlink (job->temp_path);
          return g_steal_pointer (&path);
        }
      if (errno == EEXIST)
        continue;
      if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EMLINK)
        return NULL;

      /* No hard links here: the name is taken first, then replaced. */
      fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd < 0 && errno == EEXIST)
        continue;
      if (fd < 0)
        return NULL;
      close (fd);
      if (g_rename (job->temp_path, path) != 0)
        {
          int saved = errno;

          g_unlink (path);
          errno = saved;
          return NULL;
        }
      return g_steal_pointer (&path);
    }

  errno = EEXIST;
  return NULL;
}

/**
 * tincan_file_in_end:
 * @job: an incoming job
 * @record: its END
 *
 * Checks the hash of what arrived against the sender's, and saves the
 * file under its name if they match.  One that was saved already (the
 * sender came back and did not hear) is only answered again.
 */
void
tincan_file_in_end (TincanFileJob      *job,
                    const TincanRecord *record)
{
  crypto_generichash_state copy;
  guint8 hash[TINCAN_RECORD_HASH_SIZE];
  char hex[2 * TINCAN_RECORD_HASH_SIZE + 1];
  g_autofree char *dir_path = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;

  tincan_wire_format_hex (record->hash, TINCAN_RECORD_HASH_SIZE, hex);

  if (tincan_transfer_get_state (job->transfer) == TINCAN_TRANSFER_DONE)
    {
      if (g_strcmp0 (tincan_transfer_get_hash (job->transfer), hex) == 0)
        tincan_files_send_simple (job->files, job, TINCAN_RECORD_DONE, 0);
      else
        tincan_files_send_simple (job->files, job, TINCAN_RECORD_FAIL, TINCAN_FILE_FAILURE_HASH);
      return;
    }

  if (job->fd < 0 || !job->verified || job->written != tincan_transfer_get_size (job->transfer)
      || tincan_transfer_get_state (job->transfer) != TINCAN_TRANSFER_MOVING)
    return;

  tincan_transfer_set_state (job->transfer, TINCAN_TRANSFER_VERIFYING, NULL);

  copy = job->hash;
  crypto_generichash_final (&copy, hash, sizeof hash);
  if (sodium_memcmp (hash, record->hash, sizeof hash) != 0)
    {
      fail (job, TINCAN_FILE_FAILURE_HASH, NULL);
      return;
    }

  dir_path = g_file_get_path (tincan_files_get_receive_dir (job->files));
  path = link_final (job, dir_path);
  if (path == NULL)
    {
      fail_errno (job, errno);
      return;
    }

  g_debug ("%s saved as %s", tincan_transfer_get_id (job->transfer), path);

  file = g_file_new_for_path (path);
  tincan_transfer_set_file (job->transfer, file);
  tincan_transfer_set_hash (job->transfer, hex);
  tincan_transfer_set_offset (job->transfer, job->written, g_get_monotonic_time ());
  tincan_files_send_simple (job->files, job, TINCAN_RECORD_DONE, 0);
  tincan_file_job_finish (job, TINCAN_TRANSFER_DONE, NULL);
}

/* tincan-files-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the files engine's parts share: one job per transfer, and the
 * functions tincan-files.c (the hub: the link, the list, the public API)
 * calls in tincan-file-out.c (sending) and tincan-file-in.c (receiving).
 * The parts call back into the hub only to send a record.
 */

#pragma once

#include <sodium.h>

#include "tincan-file-records.h"
#include "tincan-files.h"

G_BEGIN_DECLS

typedef struct _TincanFileJob TincanFileJob;

struct _TincanFileJob
{
  TincanFiles    *files;         /* not a reference: the hub owns the job */
  TincanTransfer *transfer;
  guint8          id[TINCAN_RECORD_ID_SIZE];
  int             fd;            /* the source, or the temporary file; -1: closed */
  crypto_generichash_state hash; /* of [0, hashed) */
  guint64         hashed;
  guint           step_id;       /* the idle that reads, hashes or re-hashes */
  guint           generation;    /* records of an earlier start are not counted */

  /* Sending */
  gint64          mtime;         /* the source's, to see it change; 0: not known */
  guint64         send_from;     /* the receiver has [0, send_from): hashed, not sent */
  gsize           queued;        /* bytes in records the link has not delivered */
  guint64         delivered;     /* the receiver took [0, delivered) */
  gboolean        started;       /* accepted, reading */
  gboolean        end_sent;

  /* Receiving */
  char           *temp_path;
  guint64         written;       /* the temporary file holds [0, written) */
  gboolean        accepted;      /* by this side: it wants the bytes */
  gboolean        verified;      /* re-hashed what it had; ACCEPT sent */
  gboolean        asked;         /* the sender was asked to offer again */
};

/* The hub */
void        tincan_files_send_record      (TincanFiles        *self,
                                           TincanFileJob      *job,
                                           const TincanRecord *record,
                                           gboolean            track);
TincanMessage *tincan_files_send_bytes    (TincanFiles        *self,
                                           TincanFileJob      *job,
                                           GBytes             *record,
                                           gsize               counted,
                                           guint64             end);
void        tincan_files_send_simple      (TincanFiles        *self,
                                           TincanFileJob      *job,
                                           TincanRecordType    type,
                                           TincanFileFailure   reason);
GFile      *tincan_files_get_receive_dir  (TincanFiles        *self);
TincanLink *tincan_files_get_link         (TincanFiles        *self);
const char *tincan_files_get_peer_name    (TincanFiles        *self);
gboolean    tincan_files_peer_is_here     (TincanFiles        *self);
const char *tincan_file_failure_to_string (TincanFileFailure   reason,
                                           gboolean            outgoing);
void        tincan_file_job_finish        (TincanFileJob      *job,
                                           TincanTransferState state,
                                           const char         *error);
void        tincan_file_job_close         (TincanFileJob      *job);
void        tincan_file_job_pause         (TincanFileJob      *job,
                                           const char         *waiting_for);

/* Sending: tincan-file-out.c */
gboolean    tincan_file_out_open          (TincanFileJob      *job,
                                           GError            **error);
void        tincan_file_out_offer         (TincanFileJob      *job);
void        tincan_file_out_accepted      (TincanFileJob      *job,
                                           guint64             offset);
void        tincan_file_out_delivered     (TincanFileJob      *job,
                                           gsize               counted,
                                           guint64             end);
void        tincan_file_out_lost          (TincanFileJob      *job);

/* Receiving: tincan-file-in.c */
char       *tincan_file_in_temp_name      (const char         *name,
                                           const char         *id);
void        tincan_file_in_accept         (TincanFileJob      *job);
TincanKeepResult tincan_file_in_chunk     (TincanFileJob      *job,
                                           const TincanRecord *record);
void        tincan_file_in_end            (TincanFileJob      *job,
                                           const TincanRecord *record);
void        tincan_file_in_remove_temp    (TincanFileJob      *job);

G_END_DECLS

/* tincan-file-records.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TINCAN_RECORD_ID_SIZE      16
#define TINCAN_RECORD_HASH_SIZE    32
#define TINCAN_RECORD_MAX_NAME     255
/* The header of a CHUNK: 0x00, type, ID, offset. */
#define TINCAN_RECORD_CHUNK_HEADER (2 + TINCAN_RECORD_ID_SIZE + 8)
/* The most a CHUNK carries, and a ZEROS stands for. */
#define TINCAN_RECORD_MAX_CHUNK    (256 * 1024)

typedef enum
{
  TINCAN_RECORD_OFFER  = 1,
  TINCAN_RECORD_ACCEPT = 2,
  TINCAN_RECORD_CHUNK  = 3,
  TINCAN_RECORD_ZEROS  = 4,
  TINCAN_RECORD_END    = 5,
  TINCAN_RECORD_DONE   = 6,
  TINCAN_RECORD_FAIL   = 7,
  TINCAN_RECORD_ASK    = 8,
} TincanRecordType;

/* Why a transfer failed, as a FAIL record says it. */
typedef enum
{
  TINCAN_FILE_FAILURE_CANCELLED  = 1,
  TINCAN_FILE_FAILURE_DISK_FULL  = 2,
  TINCAN_FILE_FAILURE_CHANGED    = 3,
  TINCAN_FILE_FAILURE_PERMISSION = 4,
  TINCAN_FILE_FAILURE_HASH       = 5,
  TINCAN_FILE_FAILURE_REFUSED    = 6,
  TINCAN_FILE_FAILURE_IO         = 7,
  TINCAN_FILE_FAILURE_LAST       = TINCAN_FILE_FAILURE_IO,
} TincanFileFailure;

typedef struct
{
  TincanRecordType   type;
  guint8             id[TINCAN_RECORD_ID_SIZE];
  guint64            size;      /* OFFER */
  guint64            offset;    /* ACCEPT, CHUNK, ZEROS */
  guint64            length;    /* ZEROS */
  char               name[TINCAN_RECORD_MAX_NAME + 1];  /* OFFER */
  guint8             hash[TINCAN_RECORD_HASH_SIZE];     /* END */
  TincanFileFailure  reason;    /* FAIL */
  const guint8      *bytes;     /* CHUNK: points into the record */
  gsize              n_bytes;
} TincanRecord;

gboolean  tincan_record_decode         (const guint8        *data,
                                        gsize                length,
                                        TincanRecord        *record);
GBytes   *tincan_record_encode         (const TincanRecord  *record);
guint8   *tincan_record_new_chunk      (const guint8        *id,
                                        guint64              offset,
                                        gsize                n_bytes,
                                        guint8             **payload);
gboolean  tincan_record_name_is_valid  (const char          *name,
                                        gsize                length);
void      tincan_record_format_id      (const guint8        *id,
                                        char                *hex);
gboolean  tincan_record_parse_id       (const char          *hex,
                                        guint8              *id);

G_END_DECLS

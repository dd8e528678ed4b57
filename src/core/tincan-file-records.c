/* tincan-file-records.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The records files travel in (docs/PROTOCOL.md, *Files*): encoding and
 * strict decoding, nothing else.  No I/O and no state, like
 * tincan-wire.c, so the decoder can be fuzzed on its own.  A record is
 * the payload of a reliable message whose first byte is 0x00, which no
 * text holds; the link hands it to the files engine instead of showing
 * it.
 */

#define G_LOG_DOMAIN "tincan-file-records"

#include "config.h"

#include <string.h>

#include "tincan-file-records.h"
#include "tincan-wire.h"

/* 0x00, the type, the transfer's ID. */
#define HEAD (2 + TINCAN_RECORD_ID_SIZE)

static void
write_u64 (guint8  *p,
           guint64  value)
{
  for (int i = 7; i >= 0; i--)
    {
      p[i] = value & 0xff;
      value >>= 8;
    }
}

static guint64
read_u64 (const guint8 *p)
{
  guint64 value = 0;

  for (int i = 0; i < 8; i++)
    value = (value << 8) | p[i];

  return value;
}

/**
 * tincan_record_name_is_valid:
 * @name: bytes
 * @length: how many
 *
 * A file's name as an OFFER may carry it: a base name, never a path, that
 * a person can read: 1 to 255 bytes of UTF-8, no '/' and no NUL, not "."
 * or "..".
 */
gboolean
tincan_record_name_is_valid (const char *name,
                             gsize       length)
{
  if (length == 0 || length > TINCAN_RECORD_MAX_NAME)
    return FALSE;
  if (memchr (name, '/', length) != NULL || memchr (name, '\0', length) != NULL)
    return FALSE;
  if ((length == 1 && name[0] == '.') || (length == 2 && name[0] == '.' && name[1] == '.'))
    return FALSE;

  return g_utf8_validate_len (name, length, NULL);
}

static gboolean
is_valid_reason (guint8 reason)
{
  return reason >= TINCAN_FILE_FAILURE_CANCELLED && reason <= TINCAN_FILE_FAILURE_LAST;
}

/**
 * tincan_record_decode:
 * @data: a record, as the link gave it
 * @length: its size
 * @record: (out caller-allocates): filled if it is valid
 *
 * Every record has exactly the length its type says (a CHUNK: at least
 * one byte, at most %TINCAN_RECORD_MAX_CHUNK); sizes and offsets are at
 * most 2^63 and a CHUNK or ZEROS ends within that; the name is checked by
 * tincan_record_name_is_valid().  Anything else is refused whole.
 *
 * Returns: %TRUE if @data is a valid record
 */
gboolean
tincan_record_decode (const guint8 *data,
                      gsize         length,
                      TincanRecord *record)
{
  const guint8 *body = data + HEAD;
  gsize n = length - HEAD;

  memset (record, 0, sizeof *record);

  if (length < HEAD || data[0] != 0)
    return FALSE;

  record->type = data[1];
  memcpy (record->id, data + 2, TINCAN_RECORD_ID_SIZE);

  switch (record->type)
    {
    case TINCAN_RECORD_OFFER:
      if (n < 9 || n != 9 + (gsize) body[8])
        return FALSE;
      record->size = read_u64 (body);
      if (record->size > G_MAXINT64 || !tincan_record_name_is_valid ((const char *) body + 9, body[8]))
        return FALSE;
      memcpy (record->name, body + 9, body[8]);
      record->name[body[8]] = '\0';
      return TRUE;

    case TINCAN_RECORD_ACCEPT:
      if (n != 8)
        return FALSE;
      record->offset = read_u64 (body);
      return record->offset <= G_MAXINT64;

    case TINCAN_RECORD_CHUNK:
      if (n < 9 || n - 8 > TINCAN_RECORD_MAX_CHUNK)
        return FALSE;
      record->offset = read_u64 (body);
      record->bytes = body + 8;
      record->n_bytes = n - 8;
      return record->offset <= G_MAXINT64 - record->n_bytes;

    case TINCAN_RECORD_ZEROS:
      if (n != 16)
        return FALSE;
      record->offset = read_u64 (body);
      record->length = read_u64 (body + 8);
      return record->length > 0 && record->length <= TINCAN_RECORD_MAX_CHUNK
             && record->offset <= G_MAXINT64 - record->length;

    case TINCAN_RECORD_END:
      if (n != TINCAN_RECORD_HASH_SIZE)
        return FALSE;
      memcpy (record->hash, body, TINCAN_RECORD_HASH_SIZE);
      return TRUE;

    case TINCAN_RECORD_DONE:
    case TINCAN_RECORD_ASK:
      return n == 0;

    case TINCAN_RECORD_FAIL:
      if (n != 1 || !is_valid_reason (body[0]))
        return FALSE;
      record->reason = body[0];
      return TRUE;

    default:
      return FALSE;
    }
}

/**
 * tincan_record_encode:
 * @record: a record; a CHUNK's bytes are copied
 *
 * Returns: (transfer full): its bytes, for tincan_link_send_record()
 */
GBytes *
tincan_record_encode (const TincanRecord *record)
{
  gsize n = 0;
  guint8 *data;
  guint8 *body;

  switch (record->type)
    {
    case TINCAN_RECORD_OFFER:
      g_return_val_if_fail (tincan_record_name_is_valid (record->name, strlen (record->name)), NULL);
      n = 9 + strlen (record->name);
      break;
    case TINCAN_RECORD_ACCEPT:
      n = 8;
      break;
    case TINCAN_RECORD_CHUNK:
      g_return_val_if_fail (record->n_bytes > 0 && record->n_bytes <= TINCAN_RECORD_MAX_CHUNK, NULL);
      n = 8 + record->n_bytes;
      break;
    case TINCAN_RECORD_ZEROS:
      n = 16;
      break;
    case TINCAN_RECORD_END:
      n = TINCAN_RECORD_HASH_SIZE;
      break;
    case TINCAN_RECORD_DONE:
    case TINCAN_RECORD_ASK:
      n = 0;
      break;
    case TINCAN_RECORD_FAIL:
      n = 1;
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  data = g_malloc (HEAD + n);
  data[0] = 0;
  data[1] = record->type;
  memcpy (data + 2, record->id, TINCAN_RECORD_ID_SIZE);
  body = data + HEAD;

  switch (record->type)
    {
    case TINCAN_RECORD_OFFER:
      write_u64 (body, record->size);
      body[8] = strlen (record->name);
      memcpy (body + 9, record->name, body[8]);
      break;
    case TINCAN_RECORD_ACCEPT:
      write_u64 (body, record->offset);
      break;
    case TINCAN_RECORD_CHUNK:
      write_u64 (body, record->offset);
      memcpy (body + 8, record->bytes, record->n_bytes);
      break;
    case TINCAN_RECORD_ZEROS:
      write_u64 (body, record->offset);
      write_u64 (body + 8, record->length);
      break;
    case TINCAN_RECORD_END:
      memcpy (body, record->hash, TINCAN_RECORD_HASH_SIZE);
      break;
    case TINCAN_RECORD_FAIL:
      body[0] = record->reason;
      break;
    default:
      break;
    }

  return g_bytes_new_take (data, HEAD + n);
}

/**
 * tincan_record_new_chunk:
 * @id: the transfer's ID
 * @offset: where the bytes go in the file
 * @n_bytes: how many, 1 to %TINCAN_RECORD_MAX_CHUNK
 * @payload: (out): where to put them
 *
 * A CHUNK record with room for its bytes, so they are read from the file
 * straight into it rather than copied.
 *
 * Returns: (transfer full): %TINCAN_RECORD_CHUNK_HEADER + @n_bytes bytes,
 *   for g_bytes_new_take()
 */
guint8 *
tincan_record_new_chunk (const guint8  *id,
                         guint64        offset,
                         gsize          n_bytes,
                         guint8       **payload)
{
  guint8 *data = g_malloc (TINCAN_RECORD_CHUNK_HEADER + n_bytes);

  data[0] = 0;
  data[1] = TINCAN_RECORD_CHUNK;
  memcpy (data + 2, id, TINCAN_RECORD_ID_SIZE);
  write_u64 (data + HEAD, offset);
  *payload = data + TINCAN_RECORD_CHUNK_HEADER;

  return data;
}

/* @hex: room for 33 bytes. */
void
tincan_record_format_id (const guint8 *id,
                         char         *hex)
{
  tincan_wire_format_hex (id, TINCAN_RECORD_ID_SIZE, hex);
}

gboolean
tincan_record_parse_id (const char *hex,
                        guint8     *id)
{
  if (hex == NULL || strlen (hex) != 2 * TINCAN_RECORD_ID_SIZE)
    return FALSE;

  for (guint i = 0; i < TINCAN_RECORD_ID_SIZE; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (high < 0 || low < 0)
        return FALSE;
      id[i] = high << 4 | low;
    }

  return TRUE;
}

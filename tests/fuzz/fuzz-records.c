/* fuzz-records.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: one record (docs/PROTOCOL.md, *Files*) through the
 * decoder.  Whatever it accepts must be within the limits, name nothing
 * but a base name, and encode back to the same bytes.
 */

#include "config.h"

#include <string.h>

#include "tincan-file-records.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  TincanRecord record;
  g_autoptr(GBytes) again = NULL;
  const guint8 *bytes;
  gsize length;

  if (!tincan_record_decode (data, size, &record))
    return 0;

  g_assert (size >= 2 + TINCAN_RECORD_ID_SIZE);
  g_assert (data[0] == 0);

  switch (record.type)
    {
    case TINCAN_RECORD_OFFER:
      g_assert (record.size <= G_MAXINT64);
      g_assert (tincan_record_name_is_valid (record.name, strlen (record.name)));
      g_assert (strchr (record.name, '/') == NULL);
      g_assert (strcmp (record.name, ".") != 0 && strcmp (record.name, "..") != 0);
      break;

    case TINCAN_RECORD_CHUNK:
      g_assert (record.n_bytes > 0 && record.n_bytes <= TINCAN_RECORD_MAX_CHUNK);
      g_assert (record.bytes + record.n_bytes == data + size);
      g_assert (record.offset + record.n_bytes <= G_MAXINT64);
      break;

    case TINCAN_RECORD_ZEROS:
      g_assert (record.length > 0 && record.length <= TINCAN_RECORD_MAX_CHUNK);
      g_assert (record.offset + record.length <= G_MAXINT64);
      break;

    case TINCAN_RECORD_ACCEPT:
      g_assert (record.offset <= G_MAXINT64);
      break;

    case TINCAN_RECORD_FAIL:
      g_assert (record.reason >= TINCAN_FILE_FAILURE_CANCELLED && record.reason <= TINCAN_FILE_FAILURE_LAST);
      break;

    case TINCAN_RECORD_END:
    case TINCAN_RECORD_DONE:
    case TINCAN_RECORD_ASK:
      break;

    default:
      g_assert_not_reached ();
    }

  again = tincan_record_encode (&record);
  bytes = g_bytes_get_data (again, &length);
  g_assert (length == size);
  g_assert (memcmp (bytes, data, size) == 0);

  return 0;
}

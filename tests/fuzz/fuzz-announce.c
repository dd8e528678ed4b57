/* fuzz-announce.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: one datagram through the discovery decoder.  What it
 * accepts must be within the rules, and an announcement must encode back
 * to the same bytes; no answer may be bigger than a query.
 */

#include "config.h"

#include <string.h>

#include "tincan-announce.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const guint8 zero_key[TINCAN_ANNOUNCE_KEY_SIZE] = { 0 };
  guint8 again[TINCAN_ANNOUNCE_MAX_SIZE];
  TincanAnnouncement announcement;
  gsize length;

  if (tincan_announce_decode (data, size, &announcement) != TINCAN_ANNOUNCE_OK)
    return 0;

  if (announcement.kind == TINCAN_ANNOUNCE_KIND_QUERY)
    {
      g_assert (size == TINCAN_ANNOUNCE_QUERY_SIZE);
      length = tincan_announce_encode_query (again);
      g_assert (length == size && memcmp (again, data, size) == 0);
      return 0;
    }

  g_assert (announcement.kind == TINCAN_ANNOUNCE_KIND_ANNOUNCE);
  g_assert (size <= TINCAN_ANNOUNCE_QUERY_SIZE);
  g_assert (announcement.chat_port != 0);
  g_assert (announcement.protocol_version != 0);
  g_assert (memcmp (announcement.key, zero_key, sizeof zero_key) != 0);
  g_assert (strlen (announcement.name) <= TINCAN_ANNOUNCE_MAX_NAME);
  g_assert (g_utf8_validate (announcement.name, -1, NULL));
  for (const char *p = announcement.name; *p != '\0'; p = g_utf8_next_char (p))
    g_assert (!g_unichar_iscntrl (g_utf8_get_char (p)));

  length = tincan_announce_encode (announcement.key, announcement.chat_port,
                                   announcement.protocol_version, announcement.name, again);
  g_assert (length == size && memcmp (again, data, size) == 0);

  return 0;
}

/* fuzz-ipmsg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: one datagram through IP Messenger's codec, as the
 * link and the hub read it.  Whatever it accepts is within the limits
 * and formats back to a datagram that parses to the same fields; text
 * it decodes is valid UTF-8 with no control characters but tab, CR and
 * LF; entry names are valid UTF-8 without control characters.
 */

#include "config.h"

#include <string.h>

#include "tincan-ipmsg-packet.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_name (const char *name)
{
  g_assert_nonnull (name);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_cmpuint (g_utf8_get_char (p), >=, 0x20);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  TincanIpmsgPacket packet, again;
  TincanIpmsgEntry entry;
  g_autoptr(GBytes) formatted = NULL;
  g_autofree char *text = NULL;
  const guint8 *extra, *extra2;
  gsize extra_length, extra2_length;

  /* The text decoder sees any bytes, as it would a message's extra. */
  text = tincan_ipmsg_decode_text (data, MIN (size, TINCAN_IPMSG_MAX_DATAGRAM));
  if (text != NULL)
    {
      g_assert_true (g_utf8_validate (text, -1, NULL));
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          g_assert_true (c >= 0x20 || c == '\t' || c == '\r' || c == '\n');
          g_assert_true (c < 0x7f || c >= 0xa0);
        }
    }

  if (tincan_ipmsg_packet_parse (data, size, &packet) != TINCAN_IPMSG_PARSE_OK)
    {
      g_assert_null (packet.version);
      return 0;
    }

  g_assert_cmpuint (size, <=, TINCAN_IPMSG_MAX_DATAGRAM);
  g_assert_cmpstr (packet.version, !=, "");
  g_assert_null (strchr (packet.version, ':'));
  g_assert_null (strchr (packet.user, ':'));
  g_assert_null (strchr (packet.host, ':'));

  extra = g_bytes_get_data (packet.extra, &extra_length);
  extra2 = g_bytes_get_data (packet.extra2, &extra2_length);
  g_assert_true (extra_length == 0 || memchr (extra, '\0', extra_length) == NULL);
  g_assert_true (extra2_length == 0 || extra2[extra2_length - 1] != '\0');
  g_assert_cmpuint (extra_length + extra2_length, <, size);

  if (tincan_ipmsg_entry_parse (&packet, &entry))
    {
      check_name (entry.user);
      check_name (entry.host);
      check_name (entry.nickname);
      check_name (entry.group);
      tincan_ipmsg_entry_clear (&entry);
    }

  /* Formatted again (with our version field), it reads the same, but
   * for names, which formatting cuts and cleans.
   */
  formatted = tincan_ipmsg_packet_format (packet.packet_number, "u", "h", packet.command,
                                          extra, extra_length,
                                          extra2_length > 0 ? extra2 : NULL, extra2_length);
  if (formatted != NULL)
    {
      g_assert_cmpint (tincan_ipmsg_packet_parse (g_bytes_get_data (formatted, NULL),
                                                  g_bytes_get_size (formatted), &again),
                       ==, TINCAN_IPMSG_PARSE_OK);
      g_assert_cmpuint (again.packet_number, ==, packet.packet_number);
      g_assert_cmpuint (again.command, ==, packet.command);
      g_assert_true (g_bytes_equal (again.extra, packet.extra));
      g_assert_true (g_bytes_equal (again.extra2, packet.extra2));
      tincan_ipmsg_packet_clear (&again);
    }

  tincan_ipmsg_packet_clear (&packet);
  return 0;
}

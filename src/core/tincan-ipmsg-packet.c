/* tincan-ipmsg-packet.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An IP Messenger datagram is text: "VERSION:NUMBER:USER:HOST:COMMAND:"
 * then the extra (a message's text, an entry's nickname) up to a NUL,
 * then more NUL-separated fields (an entry's group; iptux's icon and
 * encoding; IP Messenger's "\nUN:…\nHN:…\nNN:…\nGN:…" extension).
 * Nothing in it is trusted: every field is bounded and checked before
 * it is copied, and nothing is read past the datagram's length, which
 * need not end with a NUL.
 */

#define G_LOG_DOMAIN "tincan-ipmsg"

#include "config.h"

#include <string.h>

#include "tincan-ipmsg-packet.h"

/* Longer than any version, login or host name seen in the wild, short
 * enough that a datagram of them is still mostly text.
 */
#define MAX_VERSION 64
#define MAX_NAME    255
/* Names we send are cut to this many bytes, so a header stays small. */
#define MAX_NAME_OUT 64
/* Names shown are cut to this many characters. */
#define MAX_NAME_CHARS 64

#define TINCAN_IPMSG_VERSION TINCAN_IPMSG_VERSION_PREFIX " " PACKAGE_VERSION

void
tincan_ipmsg_packet_clear (TincanIpmsgPacket *packet)
{
  g_clear_pointer (&packet->version, g_free);
  g_clear_pointer (&packet->user, g_free);
  g_clear_pointer (&packet->host, g_free);
  g_clear_pointer (&packet->extra, g_bytes_unref);
  g_clear_pointer (&packet->extra2, g_bytes_unref);
  packet->packet_number = 0;
  packet->command = 0;
}

/* A field of the header: from @p up to the next ':', which must come
 * before @end and before any NUL; at most @max bytes.  Sets @next past
 * the ':'.
 */
static gboolean
take_field (const guint8  *p,
            const guint8  *end,
            gsize          max,
            const guint8 **field_end,
            const guint8 **next)
{
  const guint8 *q;

  for (q = p; q < end && (gsize) (q - p) <= max; q++)
    {
      if (*q == ':')
        {
          *field_end = q;
          *next = q + 1;
          return TRUE;
        }
      if (*q == '\0')
        return FALSE;
    }

  return FALSE;
}

/* Decimal digits only, no sign, no spaces, at most G_MAXUINT32.
 * Leading zeros are allowed: "0" is what IP Messenger's tools send.
 */
static gboolean
parse_decimal (const guint8 *p,
               const guint8 *end,
               guint32      *value)
{
  guint64 v = 0;

  if (p == end || end - p > 10)
    return FALSE;

  for (; p < end; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      v = v * 10 + (*p - '0');
    }

  if (v > G_MAXUINT32)
    return FALSE;

  *value = (guint32) v;
  return TRUE;
}

TincanIpmsgParseResult
tincan_ipmsg_packet_parse (const guint8      *datagram,
                           gsize              length,
                           TincanIpmsgPacket *packet)
{
  const guint8 *end = datagram + length;
  const guint8 *p = datagram;
  const guint8 *version_end, *number_end, *user_end, *host_end, *command_end;
  const guint8 *number, *user, *host, *command, *extra, *extra_end, *extra2_end;
  guint32 packet_number, command_value;

  g_return_val_if_fail (datagram != NULL || length == 0, TINCAN_IPMSG_PARSE_MALFORMED);
  g_return_val_if_fail (packet != NULL, TINCAN_IPMSG_PARSE_MALFORMED);

  memset (packet, 0, sizeof *packet);

  if (length > TINCAN_IPMSG_MAX_DATAGRAM)
    return TINCAN_IPMSG_PARSE_TOO_LONG;

  if (!take_field (p, end, MAX_VERSION, &version_end, &number)
      || version_end == p
      || !take_field (number, end, 10, &number_end, &user)
      || !parse_decimal (number, number_end, &packet_number)
      || !take_field (user, end, MAX_NAME, &user_end, &host)
      || !take_field (host, end, MAX_NAME, &host_end, &command)
      || !take_field (command, end, 10, &command_end, &extra)
      || !parse_decimal (command, command_end, &command_value))
    return TINCAN_IPMSG_PARSE_MALFORMED;

  extra_end = memchr (extra, '\0', end - extra);
  if (extra_end == NULL)
    extra_end = end;

  extra2_end = end;
  while (extra2_end > extra_end + 1 && extra2_end[-1] == '\0')
    extra2_end--;

  packet->version = g_strndup ((const char *) datagram, version_end - datagram);
  packet->packet_number = packet_number;
  packet->user = g_strndup ((const char *) user, user_end - user);
  packet->host = g_strndup ((const char *) host, host_end - host);
  packet->command = command_value;
  packet->extra = g_bytes_new (extra, extra_end - extra);
  if (extra_end + 1 < extra2_end)
    packet->extra2 = g_bytes_new (extra_end + 1, extra2_end - (extra_end + 1));
  else
    packet->extra2 = g_bytes_new (NULL, 0);

  return TINCAN_IPMSG_PARSE_OK;
}

/* @name, cut to @max bytes between characters, with ':' (the header's
 * separator) and anything below a space replaced.
 */
static void
append_name (GByteArray *out,
             const char *name,
             gsize       max)
{
  gsize length = strlen (name);

  if (length > max)
    {
      length = max;
      while (length > 0 && ((guint8) name[length] & 0xc0) == 0x80)
        length--;
    }

  for (gsize i = 0; i < length; i++)
    {
      guint8 c = (guint8) name[i];

      if (c == ':' || c < 0x20 || c == 0x7f)
        c = '_';
      g_byte_array_append (out, &c, 1);
    }
}

GBytes *
tincan_ipmsg_packet_format (guint32       packet_number,
                            const char   *user,
                            const char   *host,
                            guint32       command,
                            const guint8 *extra,
                            gsize         extra_length,
                            const guint8 *extra2,
                            gsize         extra2_length)
{
  g_autoptr(GByteArray) out = NULL;
  g_autofree char *number = NULL;
  g_autofree char *command_text = NULL;
  const guint8 nul = 0;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (extra != NULL || extra_length == 0, NULL);
  g_return_val_if_fail (extra2 != NULL || extra2_length == 0, NULL);

  out = g_byte_array_sized_new (128 + extra_length + extra2_length);
  g_byte_array_append (out, (const guint8 *) TINCAN_IPMSG_VERSION, strlen (TINCAN_IPMSG_VERSION));

  number = g_strdup_printf (":%" G_GUINT32_FORMAT ":", packet_number);
  g_byte_array_append (out, (const guint8 *) number, strlen (number));
  append_name (out, user, MAX_NAME_OUT);
  g_byte_array_append (out, (const guint8 *) ":", 1);
  append_name (out, host, MAX_NAME_OUT);

  command_text = g_strdup_printf (":%" G_GUINT32_FORMAT ":", command);
  g_byte_array_append (out, (const guint8 *) command_text, strlen (command_text));

  if (extra_length > 0)
    g_byte_array_append (out, extra, extra_length);
  g_byte_array_append (out, &nul, 1);
  if (extra2 != NULL)
    {
      if (extra2_length > 0)
        g_byte_array_append (out, extra2, extra2_length);
      g_byte_array_append (out, &nul, 1);
    }

  if (out->len > TINCAN_IPMSG_MAX_DATAGRAM)
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Tab, CR and LF are text; any other control character (C0, DEL, C1)
 * is not, and a datagram with one is not a message a person wrote.
 */
static gboolean
has_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\t' || c == '\r' || c == '\n')
        continue;
      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        return TRUE;
    }

  return FALSE;
}

char *
tincan_ipmsg_decode_text (const guint8 *text,
                          gsize         length)
{
  g_autofree char *utf8 = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  /* An empty GBytes has no data at all. */
  if (length == 0)
    return g_strdup ("");

  if (length > TINCAN_IPMSG_MAX_DATAGRAM || memchr (text, '\0', length) != NULL)
    return NULL;

  if (g_utf8_validate ((const char *) text, length, NULL))
    utf8 = g_strndup ((const char *) text, length);
  else
    {
      gsize written = 0;

      utf8 = g_convert ((const char *) text, length, "UTF-8", "CP932", NULL, &written, NULL);
      if (utf8 == NULL || strlen (utf8) != written || !g_utf8_validate (utf8, -1, NULL))
        return NULL;
    }

  if (has_control (utf8))
    return NULL;

  return g_steal_pointer (&utf8);
}

/* A name to show: decoded like text when it can be, else made valid;
 * control characters become spaces, and it is cut short.
 */
static char *
decode_name (const guint8 *bytes,
             gsize         length)
{
  g_autofree char *text = NULL;
  g_autoptr(GString) name = g_string_new (NULL);
  guint n = 0;

  text = tincan_ipmsg_decode_text (bytes, length);
  if (text == NULL)
    {
      g_autofree char *raw = g_strndup ((const char *) bytes, length);

      text = g_utf8_make_valid (raw, -1);
    }

  for (const char *p = text; *p != '\0' && n < MAX_NAME_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        c = ' ';
      g_string_append_unichar (name, c);
    }

  return g_strstrip (g_string_free (g_steal_pointer (&name), FALSE));
}

/* One "XX:value" field of IP Messenger's extension, if @line is one. */
static void
take_extension (const guint8  *line,
                gsize          length,
                const char    *key,
                char         **value)
{
  if (length < 3 || memcmp (line, key, 3) != 0)
    return;

  g_free (*value);
  *value = decode_name (line + 3, length - 3);
}

gboolean
tincan_ipmsg_entry_parse (const TincanIpmsgPacket *packet,
                          TincanIpmsgEntry        *entry)
{
  guint32 command;
  const guint8 *extra2, *p, *end, *field_end;
  gsize extra_length, extra2_length;
  const guint8 *extra;
  g_autofree char *un = NULL, *hn = NULL, *nn = NULL, *gn = NULL;

  g_return_val_if_fail (packet != NULL, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  memset (entry, 0, sizeof *entry);

  command = packet->command & TINCAN_IPMSG_COMMAND_MASK;
  if (command != TINCAN_IPMSG_BR_ENTRY && command != TINCAN_IPMSG_ANSENTRY
      && command != TINCAN_IPMSG_BR_ABSENCE && command != TINCAN_IPMSG_BR_EXIT)
    return FALSE;

  /* An empty GBytes has no data at all: no pointer to count from. */
  extra = g_bytes_get_data (packet->extra, &extra_length);
  extra2 = g_bytes_get_data (packet->extra2, &extra2_length);
  if (extra == NULL)
    extra = (const guint8 *) "";
  if (extra2 == NULL)
    extra2 = (const guint8 *) "";

  /* iptux: "group\0icon\0encoding"; IP Messenger: "group\0" then the
   * extension, whose lines start with '\n'.  A field that starts with
   * '\n' is never the group.
   */
  end = extra2 + extra2_length;
  field_end = extra2_length > 0 ? memchr (extra2, '\0', extra2_length) : NULL;
  if (field_end == NULL)
    field_end = end;
  if (extra2_length > 0 && extra2[0] != '\n')
    entry->group = decode_name (extra2, field_end - extra2);
  else
    entry->group = g_strdup ("");

  for (p = extra2; p < end;)
    {
      const guint8 *line_end = p;

      while (line_end < end && *line_end != '\n' && *line_end != '\0')
        line_end++;
      take_extension (p, line_end - p, "UN:", &un);
      take_extension (p, line_end - p, "HN:", &hn);
      take_extension (p, line_end - p, "NN:", &nn);
      take_extension (p, line_end - p, "GN:", &gn);
      p = line_end + 1;
    }

  entry->user = un != NULL && *un != '\0' ? g_steal_pointer (&un)
                : decode_name ((const guint8 *) packet->user, strlen (packet->user));
  entry->host = hn != NULL && *hn != '\0' ? g_steal_pointer (&hn)
                : decode_name ((const guint8 *) packet->host, strlen (packet->host));
  entry->nickname = nn != NULL ? g_steal_pointer (&nn) : decode_name (extra, extra_length);
  if (gn != NULL)
    {
      g_free (entry->group);
      entry->group = g_steal_pointer (&gn);
    }

  return TRUE;
}

void
tincan_ipmsg_entry_clear (TincanIpmsgEntry *entry)
{
  g_clear_pointer (&entry->user, g_free);
  g_clear_pointer (&entry->host, g_free);
  g_clear_pointer (&entry->nickname, g_free);
  g_clear_pointer (&entry->group, g_free);
}

/* A value of the extension: one line, no NUL. */
static void
append_value (GByteArray *out,
              const char *value)
{
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      guint8 c = (guint8) *p;

      if (c == '\n' || c == '\r')
        c = ' ';
      g_byte_array_append (out, &c, 1);
    }
}

void
tincan_ipmsg_entry_format (const TincanIpmsgEntry *entry,
                           GByteArray             *extra,
                           GByteArray             *extra2)
{
  const guint8 nul = 0;

  g_return_if_fail (entry != NULL);
  g_return_if_fail (extra != NULL);
  g_return_if_fail (extra2 != NULL);

  /* Everyone reads the nickname from the extra and the group from the
   * next field; IP Messenger reads them again, as UTF-8, from the
   * extension.  iptux takes the field after the group for an icon's
   * file name, which this one never is.
   */
  append_value (extra, entry->nickname);
  append_value (extra2, entry->group);
  g_byte_array_append (extra2, &nul, 1);
  g_byte_array_append (extra2, (const guint8 *) "\nUN:", 4);
  append_value (extra2, entry->user);
  g_byte_array_append (extra2, (const guint8 *) "\nHN:", 4);
  append_value (extra2, entry->host);
  g_byte_array_append (extra2, (const guint8 *) "\nNN:", 4);
  append_value (extra2, entry->nickname);
  g_byte_array_append (extra2, (const guint8 *) "\nGN:", 4);
  append_value (extra2, entry->group);
}

/**
 * tincan_ipmsg_entry_datagram:
 * @packet_number: its packet number
 * @command: BR_ENTRY, ANSENTRY, BR_ABSENCE or BR_EXIT (UTF8OPT and
 *   CAPUTF8OPT are added)
 * @entry: our names
 * @limit: the most bytes it may take (an answer is never bigger than
 *   what it answers), or 0 for any size
 *
 * Our entry, the fullest that fits in @limit: with the UN:HN:NN:GN
 * extension, else the nickname and an empty group, else the nickname
 * alone, else the bare header.
 *
 * Returns: (transfer full) (nullable): the datagram, or %NULL if not
 *   even the bare header fits
 */
GBytes *
tincan_ipmsg_entry_datagram (guint32                 packet_number,
                             guint32                 command,
                             const TincanIpmsgEntry *entry,
                             gsize                   limit)
{
  g_autoptr(GByteArray) extra = g_byte_array_new ();
  g_autoptr(GByteArray) extra2 = g_byte_array_new ();

  g_return_val_if_fail (entry != NULL, NULL);

  command |= TINCAN_IPMSG_UTF8OPT | TINCAN_IPMSG_CAPUTF8OPT;
  tincan_ipmsg_entry_format (entry, extra, extra2);

  {
    /* extra2 NULL: no group field at all. */
    const struct
    {
      const guint8 *extra;
      gsize         extra_length;
      const guint8 *extra2;
      gsize         extra2_length;
    } shapes[] = {
      { extra->data, extra->len, extra2->data, extra2->len },
      { extra->data, extra->len, (const guint8 *) "", 0 },
      { extra->data, extra->len, NULL, 0 },
      { NULL, 0, NULL, 0 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
      {
        g_autoptr(GBytes) datagram = NULL;

        datagram = tincan_ipmsg_packet_format (packet_number, entry->user, entry->host, command,
                                               shapes[i].extra, shapes[i].extra_length,
                                               shapes[i].extra2, shapes[i].extra2_length);
        if (datagram != NULL && (limit == 0 || g_bytes_get_size (datagram) <= limit))
          return g_steal_pointer (&datagram);
      }
  }

  return NULL;
}

guint32
tincan_ipmsg_next_packet_number (void)
{
  static guint32 last = 0;
  gint64 seconds = g_get_real_time () / G_USEC_PER_SEC;
  guint32 next;

  seconds = CLAMP (seconds, 1, (gint64) TINCAN_IPMSG_MAX_PACKET_NUMBER);
  next = last < TINCAN_IPMSG_MAX_PACKET_NUMBER ? last + 1 : last;
  next = MAX (next, (guint32) seconds);
  last = next;

  return next;
}

const char *
tincan_ipmsg_cut_part (const char *start,
                       const char *end)
{
  const char *cut;

  g_return_val_if_fail (start != NULL && end != NULL && start <= end, end);

  if (end - start <= TINCAN_IPMSG_MAX_PART)
    return end;

  /* Back to the first byte of a character; valid UTF-8 has at most
   * three continuation bytes in a row, so this stops at once.
   */
  cut = start + TINCAN_IPMSG_MAX_PART;
  while (cut > start && ((guint8) *cut & 0xc0) == 0x80)
    cut--;
  if (cut == start)
    cut = start + TINCAN_IPMSG_MAX_PART;

  return cut;
}

guint
tincan_ipmsg_count_parts (const char *text)
{
  const char *p, *end;
  guint n = 0;

  g_return_val_if_fail (text != NULL, 0);

  end = text + strlen (text);
  p = text;
  do
    {
      p = tincan_ipmsg_cut_part (p, end);
      n++;
    }
  while (p < end);

  return n;
}

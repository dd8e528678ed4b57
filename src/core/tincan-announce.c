/* tincan-announce.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Anyone on the link can send these, so decoding trusts nothing: the
 * size must be exactly what the fields say, the key must not be zeros,
 * and the name must be UTF-8 without control characters, since it is
 * shown to a person.  The key is still only a claim; the handshake is
 * what proves it.  Integers are big-endian, as in tincan-wire.
 */

#define G_LOG_DOMAIN "tincan-announce"

#include "config.h"

#include <string.h>

#include "tincan-announce.h"
#include "tincan-wire.h"

/* "TCDS": the chat decoder reads 'D' where it wants a version of 1 to
 * 15, so a discovery packet sent to a chat port is plain text there,
 * never a Tin Can packet.
 */
static const guint8 magic[4] = { 'T', 'C', 'D', 'S' };

static void
write_header (guint8             *buffer,
              TincanAnnounceKind  kind)
{
  memcpy (buffer, magic, sizeof magic);
  buffer[4] = TINCAN_ANNOUNCE_VERSION;
  buffer[5] = kind;
  buffer[6] = 0;   /* flags */
  buffer[7] = 0;   /* reserved */
}

/* What a name may hold: the same rule for what is sent and what is
 * taken, so that Tin Can never sends what another Tin Can refuses.
 */
static gboolean
is_name_char (gunichar c)
{
  return !g_unichar_iscntrl (c);
}

/**
 * tincan_announce_encode:
 * @public_key: (array fixed-size=32): the identity key
 * @chat_port: the UDP port the chat listens on, not 0
 * @protocol_version: the chat protocol's version, %TINCAN_WIRE_VERSION
 * @name: the display name, UTF-8
 * @buffer: (out caller-allocates) (array fixed-size=108): at least
 *   %TINCAN_ANNOUNCE_MAX_SIZE bytes
 *
 * Control characters are left out of the name, and it is cut at a
 * character boundary at %TINCAN_ANNOUNCE_MAX_NAME bytes.
 *
 * Returns: the size of the announcement in @buffer
 */
gsize
tincan_announce_encode (const guint8 *public_key,
                        guint16       chat_port,
                        guint8        protocol_version,
                        const char   *name,
                        guint8       *buffer)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) clean = g_string_new (NULL);
  const char *cut;
  gsize length;

  g_return_val_if_fail (public_key != NULL, 0);
  g_return_val_if_fail (chat_port != 0, 0);
  g_return_val_if_fail (protocol_version != 0, 0);
  g_return_val_if_fail (buffer != NULL, 0);

  valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_name_char (c))
        g_string_append_unichar (clean, c);
    }

  cut = tincan_wire_utf8_cut (clean->str, clean->str + clean->len, TINCAN_ANNOUNCE_MAX_NAME);
  length = cut - clean->str;

  write_header (buffer, TINCAN_ANNOUNCE_KIND_ANNOUNCE);
  memcpy (buffer + 8, public_key, TINCAN_ANNOUNCE_KEY_SIZE);
  buffer[40] = chat_port >> 8;
  buffer[41] = chat_port & 0xff;
  buffer[42] = protocol_version;
  buffer[43] = length;
  memcpy (buffer + TINCAN_ANNOUNCE_MIN_SIZE, clean->str, length);

  return TINCAN_ANNOUNCE_MIN_SIZE + length;
}

/**
 * tincan_announce_encode_query:
 * @buffer: (out caller-allocates) (array fixed-size=108): at least
 *   %TINCAN_ANNOUNCE_QUERY_SIZE bytes
 *
 * A query says nothing about who asks: the one who asks announces
 * separately.
 *
 * Returns: %TINCAN_ANNOUNCE_QUERY_SIZE
 */
gsize
tincan_announce_encode_query (guint8 *buffer)
{
  g_return_val_if_fail (buffer != NULL, 0);

  memset (buffer, 0, TINCAN_ANNOUNCE_QUERY_SIZE);
  write_header (buffer, TINCAN_ANNOUNCE_KIND_QUERY);

  return TINCAN_ANNOUNCE_QUERY_SIZE;
}

static TincanAnnounceResult
decode_name (const guint8 *text,
             gsize         length,
             char         *name)
{
  const char *end = (const char *) text + length;

  /* NUL is a control character; GLib's check would call it bad UTF-8. */
  if (memchr (text, '\0', length) != NULL
      || !g_utf8_validate_len ((const char *) text, length, NULL))
    return TINCAN_ANNOUNCE_BAD_NAME;

  for (const char *p = (const char *) text; p < end; p = g_utf8_next_char (p))
    if (!is_name_char (g_utf8_get_char (p)))
      return TINCAN_ANNOUNCE_BAD_NAME;

  memcpy (name, text, length);
  name[length] = '\0';

  return TINCAN_ANNOUNCE_OK;
}

/**
 * tincan_announce_decode:
 * @datagram: the bytes received
 * @length: their number
 * @announcement: (out caller-allocates): what they say
 *
 * Returns: %TINCAN_ANNOUNCE_OK, or why the datagram is refused
 */
TincanAnnounceResult
tincan_announce_decode (const guint8       *datagram,
                        gsize               length,
                        TincanAnnouncement *announcement)
{
  static const guint8 zero_key[TINCAN_ANNOUNCE_KEY_SIZE] = { 0 };
  gsize name_length;

  g_return_val_if_fail (datagram != NULL || length == 0, TINCAN_ANNOUNCE_BAD_SIZE);
  g_return_val_if_fail (announcement != NULL, TINCAN_ANNOUNCE_BAD_SIZE);

  memset (announcement, 0, sizeof *announcement);

  if (length < sizeof magic || memcmp (datagram, magic, sizeof magic) != 0)
    return TINCAN_ANNOUNCE_NOT_DISCOVERY;

  if (length < TINCAN_ANNOUNCE_HEADER_SIZE)
    return TINCAN_ANNOUNCE_BAD_SIZE;

  if (datagram[4] != TINCAN_ANNOUNCE_VERSION)
    return TINCAN_ANNOUNCE_BAD_VERSION;

  if (datagram[6] != 0 || datagram[7] != 0)
    return TINCAN_ANNOUNCE_BAD_FLAGS;

  switch (datagram[5])
    {
    case TINCAN_ANNOUNCE_KIND_QUERY:
      if (length != TINCAN_ANNOUNCE_QUERY_SIZE)
        return TINCAN_ANNOUNCE_BAD_SIZE;
      for (gsize i = TINCAN_ANNOUNCE_HEADER_SIZE; i < length; i++)
        if (datagram[i] != 0)
          return TINCAN_ANNOUNCE_BAD_PADDING;
      announcement->kind = TINCAN_ANNOUNCE_KIND_QUERY;
      return TINCAN_ANNOUNCE_OK;

    case TINCAN_ANNOUNCE_KIND_ANNOUNCE:
      break;

    default:
      return TINCAN_ANNOUNCE_BAD_KIND;
    }

  if (length < TINCAN_ANNOUNCE_MIN_SIZE)
    return TINCAN_ANNOUNCE_BAD_SIZE;

  name_length = datagram[43];
  if (name_length > TINCAN_ANNOUNCE_MAX_NAME || length != TINCAN_ANNOUNCE_MIN_SIZE + name_length)
    return TINCAN_ANNOUNCE_BAD_SIZE;

  if (memcmp (datagram + 8, zero_key, sizeof zero_key) == 0)
    return TINCAN_ANNOUNCE_BAD_KEY;

  announcement->chat_port = (guint16) ((datagram[40] << 8) | datagram[41]);
  if (announcement->chat_port == 0)
    return TINCAN_ANNOUNCE_BAD_PORT;

  announcement->protocol_version = datagram[42];
  if (announcement->protocol_version == 0)
    return TINCAN_ANNOUNCE_BAD_PROTOCOL;

  if (decode_name (datagram + TINCAN_ANNOUNCE_MIN_SIZE, name_length,
                   announcement->name) != TINCAN_ANNOUNCE_OK)
    {
      announcement->name[0] = '\0';
      return TINCAN_ANNOUNCE_BAD_NAME;
    }

  announcement->kind = TINCAN_ANNOUNCE_KIND_ANNOUNCE;
  memcpy (announcement->key, datagram + 8, TINCAN_ANNOUNCE_KEY_SIZE);

  return TINCAN_ANNOUNCE_OK;
}

/**
 * tincan_announce_result_to_string:
 * @result: a decoding result
 *
 * Returns: a word for debug messages
 */
const char *
tincan_announce_result_to_string (TincanAnnounceResult result)
{
  static const char * const words[TINCAN_ANNOUNCE_N_RESULTS] = {
    [TINCAN_ANNOUNCE_OK] = "ok",
    [TINCAN_ANNOUNCE_NOT_DISCOVERY] = "not discovery",
    [TINCAN_ANNOUNCE_BAD_VERSION] = "bad version",
    [TINCAN_ANNOUNCE_BAD_KIND] = "bad kind",
    [TINCAN_ANNOUNCE_BAD_FLAGS] = "bad flags",
    [TINCAN_ANNOUNCE_BAD_SIZE] = "bad size",
    [TINCAN_ANNOUNCE_BAD_KEY] = "zero key",
    [TINCAN_ANNOUNCE_BAD_PORT] = "zero port",
    [TINCAN_ANNOUNCE_BAD_PROTOCOL] = "zero protocol version",
    [TINCAN_ANNOUNCE_BAD_NAME] = "bad name",
    [TINCAN_ANNOUNCE_BAD_PADDING] = "bad padding",
  };

  g_return_val_if_fail (result < TINCAN_ANNOUNCE_N_RESULTS, "?");

  return words[result];
}

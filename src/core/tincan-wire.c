/* tincan-wire.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoding is strict: every field is checked against what this version
 * allows before anything is trusted, so the link above never sees an
 * impossible fragment or an oversized length.  Nothing here allocates.
 */

#define G_LOG_DOMAIN "tincan-wire"

#include "config.h"

#include <string.h>

#include "tincan-wire.h"

#define MAGIC_0 'T'
#define MAGIC_1 'C'

static inline guint16
read_u16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
read_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline guint64
read_u64 (const guint8 *p)
{
  return ((guint64) read_u32 (p) << 32) | read_u32 (p + 4);
}

static inline void
write_u16 (guint8  *p,
           guint16  value)
{
  p[0] = value >> 8;
  p[1] = value & 0xff;
}

static inline void
write_u32 (guint8  *p,
           guint32  value)
{
  p[0] = value >> 24;
  p[1] = (value >> 16) & 0xff;
  p[2] = (value >> 8) & 0xff;
  p[3] = value & 0xff;
}

static inline void
write_u64 (guint8  *p,
           guint64  value)
{
  write_u32 (p, value >> 32);
  write_u32 (p + 4, value & 0xffffffff);
}

/**
 * tincan_wire_fragment_count:
 * @message_length: a message's length in bytes, 1 to 1 MiB
 * @fragment_size: the payload of each fragment but the last, from
 *   %TINCAN_WIRE_MIN_FRAGMENT to %TINCAN_WIRE_MAX_FRAGMENT
 *
 * Returns: how many DATA packets carry it
 */
guint16
tincan_wire_fragment_count (gsize message_length,
                            gsize fragment_size)
{
  g_return_val_if_fail (message_length > 0 && message_length <= TINCAN_WIRE_MAX_MESSAGE, 0);
  g_return_val_if_fail (fragment_size >= TINCAN_WIRE_MIN_FRAGMENT
                        && fragment_size <= TINCAN_WIRE_MAX_FRAGMENT, 0);

  return (message_length + fragment_size - 1) / fragment_size;
}

/**
 * tincan_wire_fragment_length:
 * @message_length: a message's length in bytes
 * @fragment_size: the payload of each fragment but the last
 * @fragment_index: which fragment
 *
 * Every fragment is full but the last, so a fragment's place in the
 * message follows from its index and the fragment size alone.
 *
 * Returns: the payload length of that fragment
 */
gsize
tincan_wire_fragment_length (gsize   message_length,
                             gsize   fragment_size,
                             guint16 fragment_index)
{
  gsize offset = (gsize) fragment_index * fragment_size;

  g_return_val_if_fail (offset < message_length, 0);

  return MIN (fragment_size, message_length - offset);
}

gsize
tincan_wire_ack_size (guint n_ranges,
                      guint n_held)
{
  return TINCAN_WIRE_HEADER_SIZE + 14 + 8 * n_ranges + 4 * n_held;
}

static TincanWireResult
decode_data (const guint8 *body,
             gsize         length,
             TincanPacket *packet)
{
  if (length < 30)
    return TINCAN_WIRE_TRUNCATED;

  packet->data.epoch = read_u32 (body);
  packet->data.packet_number = read_u32 (body + 4);
  packet->data.message_seq = read_u32 (body + 8);
  packet->data.fragment_index = read_u16 (body + 12);
  packet->data.fragment_count = read_u16 (body + 14);
  packet->data.fragment_size = read_u16 (body + 16);
  packet->data.message_length = read_u32 (body + 18);
  packet->data.message_id = read_u64 (body + 22);
  packet->data.payload = body + 30;
  packet->data.payload_length = length - 30;

  if (packet->data.message_seq == 0
      || packet->data.message_id == 0
      || packet->data.message_length == 0
      || packet->data.message_length > TINCAN_WIRE_MAX_MESSAGE
      || packet->data.fragment_size < TINCAN_WIRE_MIN_FRAGMENT
      || packet->data.fragment_size > TINCAN_WIRE_MAX_FRAGMENT)
    return TINCAN_WIRE_BAD_FRAGMENT;

  if (packet->data.fragment_count != tincan_wire_fragment_count (packet->data.message_length,
                                                                 packet->data.fragment_size)
      || packet->data.fragment_index >= packet->data.fragment_count)
    return TINCAN_WIRE_BAD_FRAGMENT;

  if (packet->data.payload_length != tincan_wire_fragment_length (packet->data.message_length,
                                                                  packet->data.fragment_size,
                                                                  packet->data.fragment_index))
    return TINCAN_WIRE_BAD_FRAGMENT;

  /* The fragments of one message have consecutive packet numbers, so the
   * first one's number must not wrap.
   */
  if (packet->data.packet_number < packet->data.fragment_index)
    return TINCAN_WIRE_BAD_FRAGMENT;

  return TINCAN_WIRE_OK;
}

static TincanWireResult
decode_ack (const guint8 *body,
            gsize         length,
            TincanPacket *packet)
{
  const guint8 *held;
  guint32 floor;
  gsize expected;
  guint r = 0;

  if (length < 14)
    return TINCAN_WIRE_TRUNCATED;

  packet->ack.epoch = read_u32 (body);
  packet->ack.cumulative = read_u32 (body + 4);
  packet->ack.delay = read_u32 (body + 8);
  packet->ack.n_ranges = body[12];
  packet->ack.n_held = body[13];

  if (packet->ack.n_ranges > TINCAN_WIRE_MAX_ACK_RANGES || packet->ack.n_held > TINCAN_WIRE_MAX_HELD)
    return TINCAN_WIRE_BAD_ACK;

  expected = tincan_wire_ack_size (packet->ack.n_ranges, packet->ack.n_held) - TINCAN_WIRE_HEADER_SIZE;
  if (length != expected)
    return length < expected ? TINCAN_WIRE_TRUNCATED : TINCAN_WIRE_BAD_ACK;

  /* Ranges lie above the cumulative point, ascending, apart, non-empty. */
  floor = packet->ack.cumulative;
  for (guint i = 0; i < packet->ack.n_ranges; i++)
    {
      TincanAckRange *range = &packet->ack.ranges[i];

      range->start = read_u32 (body + 14 + 8 * i);
      range->end = read_u32 (body + 18 + 8 * i);

      if (range->start <= floor || range->end <= range->start)
        return TINCAN_WIRE_BAD_ACK;

      floor = range->end;
    }

  /* Held packets are not acknowledged ones: at or above the cumulative
   * point, ascending, in no range.
   */
  held = body + 14 + 8 * packet->ack.n_ranges;
  for (guint i = 0; i < packet->ack.n_held; i++)
    {
      guint32 pn = read_u32 (held + 4 * i);

      if (pn < packet->ack.cumulative || (i > 0 && pn <= packet->ack.held[i - 1]))
        return TINCAN_WIRE_BAD_ACK;

      while (r < packet->ack.n_ranges && packet->ack.ranges[r].end <= pn)
        r++;
      if (r < packet->ack.n_ranges && packet->ack.ranges[r].start <= pn)
        return TINCAN_WIRE_BAD_ACK;

      packet->ack.held[i] = pn;
    }

  return TINCAN_WIRE_OK;
}

/**
 * tincan_wire_identity_is_zero:
 * @identity: (array fixed-size=16): an installation identity
 *
 * Returns: %TRUE if every byte is zero, which no identity may be
 */
gboolean
tincan_wire_identity_is_zero (const guint8 *identity)
{
  for (guint i = 0; i < TINCAN_WIRE_IDENTITY_SIZE; i++)
    if (identity[i] != 0)
      return FALSE;

  return TRUE;
}

/**
 * tincan_wire_random_identity:
 * @identity: (out caller-allocates) (array fixed-size=16): where to write
 *
 * Makes a new random identity, never all zero.
 */
void
tincan_wire_random_identity (guint8 *identity)
{
  for (guint i = 0; i < TINCAN_WIRE_IDENTITY_SIZE; i += 4)
    {
      guint32 word = g_random_int ();

      memcpy (identity + i, &word, 4);
    }
  identity[0] |= 1;
}

/**
 * tincan_wire_format_hex:
 * @bytes: (array length=length): what to write
 * @length: how many bytes
 * @hex: (out caller-allocates): 2 × @length + 1 bytes
 *
 * Writes @bytes as lower-case hex digits and a NUL: identities, transfer
 * IDs and file hashes are written so.
 */
void
tincan_wire_format_hex (const guint8 *bytes,
                        gsize         length,
                        char         *hex)
{
  static const char digits[] = "0123456789abcdef";

  for (gsize i = 0; i < length; i++)
    {
      hex[2 * i] = digits[bytes[i] >> 4];
      hex[2 * i + 1] = digits[bytes[i] & 0xf];
    }
  hex[2 * length] = '\0';
}

/**
 * tincan_wire_format_identity:
 * @identity: (array fixed-size=16): an installation identity
 * @hex: (out caller-allocates): %TINCAN_WIRE_IDENTITY_HEX_SIZE bytes
 *
 * Writes @identity as 32 lower-case hex digits and a NUL: how the store
 * keeps it and how message IDs and the seen pairs name a sender.
 */
void
tincan_wire_format_identity (const guint8 *identity,
                             char         *hex)
{
  tincan_wire_format_hex (identity, TINCAN_WIRE_IDENTITY_SIZE, hex);
}

static TincanWireResult
decode_hello (const guint8 *body,
              gsize         length,
              TincanPacket *packet)
{
  guint8 name_length;

  if (length + TINCAN_WIRE_HEADER_SIZE != TINCAN_WIRE_HELLO_SIZE)
    return length + TINCAN_WIRE_HEADER_SIZE < TINCAN_WIRE_HELLO_SIZE
           ? TINCAN_WIRE_TRUNCATED : TINCAN_WIRE_BAD_HELLO;

  if (body[0] > 1)
    return TINCAN_WIRE_BAD_HELLO;

  packet->hello.reply = body[0] == 1;
  name_length = body[1];
  memcpy (packet->hello.identity, body + 2, TINCAN_WIRE_IDENTITY_SIZE);
  packet->hello.receive_window = read_u32 (body + 2 + TINCAN_WIRE_IDENTITY_SIZE);
  /* Unknown bits are for later versions: ignored, as older peers ignore
   * the whole byte.
   */
  packet->hello.features = body[TINCAN_WIRE_HELLO_FEATURES_OFFSET - TINCAN_WIRE_HEADER_SIZE];

  if (tincan_wire_identity_is_zero (packet->hello.identity)
      || packet->hello.receive_window < TINCAN_WIRE_BASE_DATAGRAM)
    return TINCAN_WIRE_BAD_HELLO;

  /* The name is shown to a person: it must be text. */
  body += 6 + TINCAN_WIRE_IDENTITY_SIZE;
  if (!g_utf8_validate ((const char *) body, name_length, NULL)
      || memchr (body, '\0', name_length) != NULL)
    return TINCAN_WIRE_BAD_HELLO;

  memcpy (packet->hello.name, body, name_length);
  packet->hello.name[name_length] = '\0';

  return TINCAN_WIRE_OK;
}

/* A handshake message has exactly one size for each of its three kinds. */
static TincanWireResult
decode_handshake (const guint8 *body,
                  gsize         length,
                  gsize         size,
                  TincanPacket *packet)
{
  if (length + TINCAN_WIRE_HEADER_SIZE != size)
    return length + TINCAN_WIRE_HEADER_SIZE < size ? TINCAN_WIRE_TRUNCATED : TINCAN_WIRE_BAD_HANDSHAKE;

  packet->handshake.message = body;
  packet->handshake.length = length;

  return TINCAN_WIRE_OK;
}

/**
 * tincan_wire_validate_text:
 * @text: bytes
 * @length: how many
 *
 * The check a message's text must pass: UTF-8, with no NUL byte.  Runs of
 * ASCII, most of most messages, are checked eight bytes at a time; the
 * rest goes to g_utf8_validate_len(), from the start of the first word
 * that is not plain ASCII (ASCII characters are whole, so that is a
 * character boundary).
 *
 * Returns: %TRUE if @text is valid
 */
gboolean
tincan_wire_validate_text (const guint8 *text,
                           gsize         length)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  gsize offset = 0;

  for (; offset + 8 <= length; offset += 8)
    {
      guint64 word;

      memcpy (&word, text + offset, 8);
      /* A byte with its high bit set, or a zero byte (the classic test). */
      if ((word & highs) != 0 || ((word - ones) & ~word & highs) != 0)
        break;
    }

  return g_utf8_validate_len ((const char *) text + offset, length - offset, NULL);
}

/**
 * tincan_wire_utf8_cut:
 * @text: valid UTF-8
 * @end: where it ends
 * @max_bytes: the most that fits
 *
 * Where to cut @text so that the piece before holds as many whole
 * characters as fit in @max_bytes: for a display name in a HELLO, and
 * for the datagrams of a plain-text message.
 *
 * Returns: the cut, between @text and @end
 */
const char *
tincan_wire_utf8_cut (const char *text,
                      const char *end,
                      gsize       max_bytes)
{
  const char *cut = text;

  while (cut < end)
    {
      const char *next = g_utf8_next_char (cut);

      if ((gsize) (next - text) > max_bytes)
        break;
      cut = next;
    }

  return cut;
}

/**
 * tincan_wire_decode:
 * @datagram: the bytes received
 * @length: their number
 * @packet: (out caller-allocates): the packet
 *
 * Returns: %TINCAN_WIRE_OK, or why the datagram is not a valid packet;
 *   %TINCAN_WIRE_NOT_TINCAN means it does not even claim to be one
 */
TincanWireResult
tincan_wire_decode (const guint8 *datagram,
                    gsize         length,
                    TincanPacket *packet)
{
  const guint8 *body = datagram + TINCAN_WIRE_HEADER_SIZE;
  gsize body_length;

  g_return_val_if_fail (datagram != NULL || length == 0, TINCAN_WIRE_TRUNCATED);
  g_return_val_if_fail (packet != NULL, TINCAN_WIRE_TRUNCATED);

  if (length < 3 || datagram[0] != MAGIC_0 || datagram[1] != MAGIC_1 || datagram[2] == 0
      || datagram[2] > 0x0f)
    return TINCAN_WIRE_NOT_TINCAN;

  if (datagram[2] != TINCAN_WIRE_VERSION)
    return TINCAN_WIRE_BAD_VERSION;

  /* Only DATA and a probe (and the sealed packets that carry them) may
   * be bigger than what every path carries.
   */
  if (length > TINCAN_WIRE_MAX_DATAGRAM
      || (length > TINCAN_WIRE_BASE_DATAGRAM && datagram[3] != TINCAN_PACKET_DATA
          && datagram[3] != TINCAN_PACKET_PING && datagram[3] != TINCAN_PACKET_SEALED))
    return TINCAN_WIRE_OVERSIZED;

  if (length < TINCAN_WIRE_HEADER_SIZE)
    return TINCAN_WIRE_TRUNCATED;

  memset (packet, 0, sizeof *packet);
  packet->type = datagram[3];
  body_length = length - TINCAN_WIRE_HEADER_SIZE;

  /* A sealed packet's header names only the receiver: the key phase in
   * bit 0 of the flags, then its session and the counter.
   */
  if (packet->type == TINCAN_PACKET_SEALED)
    {
      if ((datagram[4] & ~1) != 0 || datagram[5] != 0)
        return TINCAN_WIRE_BAD_FLAGS;

      packet->receiver_session = read_u64 (datagram + 6);
      packet->sealed.phase = datagram[4];
      packet->sealed.counter = read_u64 (datagram + 14);
      packet->sealed.ciphertext = body;
      packet->sealed.length = body_length;

      if (packet->receiver_session == 0)
        return TINCAN_WIRE_BAD_SESSION;
      /* At least a tag and the header of the packet inside. */
      if (body_length < TINCAN_WIRE_TAG_SIZE + TINCAN_WIRE_HEADER_SIZE)
        return TINCAN_WIRE_TRUNCATED;
      return TINCAN_WIRE_OK;
    }

  if (datagram[4] != 0 || datagram[5] != 0)
    return TINCAN_WIRE_BAD_FLAGS;

  packet->sender_session = read_u64 (datagram + 6);
  packet->receiver_session = read_u64 (datagram + 14);

  if (packet->sender_session == 0)
    return TINCAN_WIRE_BAD_SESSION;

  switch (packet->type)
    {
    case TINCAN_PACKET_HANDSHAKE_INIT:
      return decode_handshake (body, body_length, TINCAN_WIRE_HANDSHAKE_INIT_SIZE, packet);

    case TINCAN_PACKET_HANDSHAKE_REPLY:
      if (packet->receiver_session == 0)
        return TINCAN_WIRE_BAD_SESSION;
      return decode_handshake (body, body_length, TINCAN_WIRE_HANDSHAKE_REPLY_SIZE, packet);

    case TINCAN_PACKET_HANDSHAKE_FINISH:
      if (packet->receiver_session == 0)
        return TINCAN_WIRE_BAD_SESSION;
      return decode_handshake (body, body_length, TINCAN_WIRE_HANDSHAKE_FINISH_SIZE, packet);

    case TINCAN_PACKET_HELLO:
      return decode_hello (body, body_length, packet);

    case TINCAN_PACKET_DATA:
      if (packet->receiver_session == 0)
        return TINCAN_WIRE_BAD_SESSION;
      return decode_data (body, body_length, packet);

    case TINCAN_PACKET_ACK:
      if (packet->receiver_session == 0)
        return TINCAN_WIRE_BAD_SESSION;
      return decode_ack (body, body_length, packet);

    case TINCAN_PACKET_PING:
    case TINCAN_PACKET_PONG:
      /* A PING may be padded, to probe the path; the answer never is. */
      if (body_length < 8)
        return TINCAN_WIRE_TRUNCATED;
      if (body_length > 8 && packet->type == TINCAN_PACKET_PONG)
        return TINCAN_WIRE_OVERSIZED;
      packet->ping.token = read_u64 (body);
      packet->ping.size = length;
      return TINCAN_WIRE_OK;

    case TINCAN_PACKET_BYE:
      /* Said to a session we know, and nothing more than that. */
      if (packet->receiver_session == 0)
        return TINCAN_WIRE_BAD_SESSION;
      if (body_length > 0)
        return TINCAN_WIRE_OVERSIZED;
      return TINCAN_WIRE_OK;

    default:
      return TINCAN_WIRE_BAD_TYPE;
    }
}

static void
encode_header (const TincanPacket *packet,
               guint8             *buffer)
{
  buffer[0] = MAGIC_0;
  buffer[1] = MAGIC_1;
  buffer[2] = TINCAN_WIRE_VERSION;
  buffer[3] = packet->type;
  buffer[4] = 0;
  buffer[5] = 0;
  write_u64 (buffer + 6, packet->sender_session);
  write_u64 (buffer + 14, packet->receiver_session);
}

/**
 * tincan_wire_encode_data_header:
 * @packet: a DATA packet
 * @buffer: (out caller-allocates): %TINCAN_WIRE_DATA_HEADER_SIZE bytes
 *
 * Everything of a DATA packet but its payload, which follows it on the
 * wire: a sender can send the payload from where it is, without copying.
 *
 * Returns: %TINCAN_WIRE_DATA_HEADER_SIZE
 */
gsize
tincan_wire_encode_data_header (const TincanPacket *packet,
                                guint8             *buffer)
{
  guint8 *body = buffer + TINCAN_WIRE_HEADER_SIZE;

  g_return_val_if_fail (packet != NULL && packet->type == TINCAN_PACKET_DATA, 0);
  g_return_val_if_fail (packet->data.payload_length <= packet->data.fragment_size, 0);
  g_return_val_if_fail (packet->data.fragment_size <= TINCAN_WIRE_MAX_FRAGMENT, 0);

  encode_header (packet, buffer);
  write_u32 (body, packet->data.epoch);
  write_u32 (body + 4, packet->data.packet_number);
  write_u32 (body + 8, packet->data.message_seq);
  write_u16 (body + 12, packet->data.fragment_index);
  write_u16 (body + 14, packet->data.fragment_count);
  write_u16 (body + 16, packet->data.fragment_size);
  write_u32 (body + 18, packet->data.message_length);
  write_u64 (body + 22, packet->data.message_id);

  return TINCAN_WIRE_DATA_HEADER_SIZE;
}

/**
 * tincan_wire_encode:
 * @packet: the packet
 * @buffer: where to write it
 * @buffer_size: at least %TINCAN_WIRE_BASE_DATAGRAM, and at least the
 *   packet's length for a DATA packet or a padded PING
 *
 * Returns: the datagram's length, or 0 if @buffer is too small
 */
gsize
tincan_wire_encode (const TincanPacket *packet,
                    guint8             *buffer,
                    gsize               buffer_size)
{
  guint8 *body = buffer + TINCAN_WIRE_HEADER_SIZE;
  gsize length = TINCAN_WIRE_HEADER_SIZE;

  g_return_val_if_fail (packet != NULL, 0);
  g_return_val_if_fail (buffer_size >= TINCAN_WIRE_BASE_DATAGRAM, 0);

  encode_header (packet, buffer);

  switch (packet->type)
    {
    case TINCAN_PACKET_HELLO:
      {
        gsize name_length = strlen (packet->hello.name);

        g_return_val_if_fail (name_length <= TINCAN_WIRE_MAX_NAME, 0);

        memset (body, 0, TINCAN_WIRE_HELLO_SIZE - TINCAN_WIRE_HEADER_SIZE);
        body[0] = packet->hello.reply ? 1 : 0;
        body[1] = name_length;
        memcpy (body + 2, packet->hello.identity, TINCAN_WIRE_IDENTITY_SIZE);
        write_u32 (body + 2 + TINCAN_WIRE_IDENTITY_SIZE, packet->hello.receive_window);
        memcpy (body + 6 + TINCAN_WIRE_IDENTITY_SIZE, packet->hello.name, name_length);
        body[TINCAN_WIRE_HELLO_FEATURES_OFFSET - TINCAN_WIRE_HEADER_SIZE] = packet->hello.features;
        length = TINCAN_WIRE_HELLO_SIZE;
      }
      break;

    case TINCAN_PACKET_DATA:
      g_return_val_if_fail (buffer_size >= TINCAN_WIRE_DATA_HEADER_SIZE + packet->data.payload_length, 0);

      length = tincan_wire_encode_data_header (packet, buffer);
      memcpy (buffer + length, packet->data.payload, packet->data.payload_length);
      length += packet->data.payload_length;
      break;

    case TINCAN_PACKET_ACK:
      g_return_val_if_fail (packet->ack.n_ranges <= TINCAN_WIRE_MAX_ACK_RANGES, 0);
      g_return_val_if_fail (packet->ack.n_held <= TINCAN_WIRE_MAX_HELD, 0);

      write_u32 (body, packet->ack.epoch);
      write_u32 (body + 4, packet->ack.cumulative);
      write_u32 (body + 8, packet->ack.delay);
      body[12] = packet->ack.n_ranges;
      body[13] = packet->ack.n_held;
      for (guint i = 0; i < packet->ack.n_ranges; i++)
        {
          write_u32 (body + 14 + 8 * i, packet->ack.ranges[i].start);
          write_u32 (body + 18 + 8 * i, packet->ack.ranges[i].end);
        }
      for (guint i = 0; i < packet->ack.n_held; i++)
        write_u32 (body + 14 + 8 * packet->ack.n_ranges + 4 * i, packet->ack.held[i]);
      length = tincan_wire_ack_size (packet->ack.n_ranges, packet->ack.n_held);
      break;

    case TINCAN_PACKET_HANDSHAKE_INIT:
    case TINCAN_PACKET_HANDSHAKE_REPLY:
    case TINCAN_PACKET_HANDSHAKE_FINISH:
      g_return_val_if_fail (packet->handshake.length <= buffer_size - TINCAN_WIRE_HEADER_SIZE, 0);

      /* Only the header, when the handshake writes its message itself. */
      if (packet->handshake.length > 0)
        memcpy (body, packet->handshake.message, packet->handshake.length);
      length += packet->handshake.length;
      break;

    case TINCAN_PACKET_PING:
    case TINCAN_PACKET_PONG:
      write_u64 (body, packet->ping.token);
      length += 8;

      /* A probe: padded with zeros to the size being tried. */
      if (packet->type == TINCAN_PACKET_PING && packet->ping.size > TINCAN_WIRE_PING_SIZE)
        {
          g_return_val_if_fail (packet->ping.size <= MIN (buffer_size, TINCAN_WIRE_MAX_DATAGRAM), 0);

          memset (buffer + length, 0, packet->ping.size - length);
          length = packet->ping.size;
        }
      break;

    case TINCAN_PACKET_BYE:
      break;

    default:
      g_return_val_if_reached (0);
    }

  return length;
}

const char *
tincan_wire_result_to_string (TincanWireResult result)
{
  static const char *names[] = {
    "ok", "not-tincan", "bad-version", "bad-type", "bad-flags", "truncated",
    "oversized", "bad-session", "bad-fragment", "bad-ack", "bad-hello",
    "bad-handshake",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == TINCAN_WIRE_N_RESULTS);
  g_return_val_if_fail (result < TINCAN_WIRE_N_RESULTS, "unknown");

  return names[result];
}

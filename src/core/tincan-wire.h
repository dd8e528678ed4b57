/* tincan-wire.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Tin Can wire format, version 4: encoding and strict decoding of
 * single datagrams.  No state, no I/O: what docs/PROTOCOL.md describes,
 * and nothing else.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TINCAN_WIRE_VERSION          4
/* Every path carries this much: a DATA packet starts at this size, and no
 * other packet but a probe is bigger.
 */
#define TINCAN_WIRE_BASE_DATAGRAM    1200
/* The most a 64 KiB MTU (loopback's) carries in one UDP datagram, over
 * IPv6 or IPv4.
 */
#define TINCAN_WIRE_MAX_DATAGRAM     65488
#define TINCAN_WIRE_HEADER_SIZE      22
#define TINCAN_WIRE_DATA_HEADER_SIZE (TINCAN_WIRE_HEADER_SIZE + 30)
/* A sealed packet's cleartext header and its authentication tag. */
#define TINCAN_WIRE_TAG_SIZE         16
#define TINCAN_WIRE_SEAL_OVERHEAD    (TINCAN_WIRE_HEADER_SIZE + TINCAN_WIRE_TAG_SIZE)
/* The biggest packet a datagram of the base size or the largest size
 * carries, once sealed.
 */
#define TINCAN_WIRE_BASE_INNER       (TINCAN_WIRE_BASE_DATAGRAM - TINCAN_WIRE_SEAL_OVERHEAD)
#define TINCAN_WIRE_MAX_INNER        (TINCAN_WIRE_MAX_DATAGRAM - TINCAN_WIRE_SEAL_OVERHEAD)
#define TINCAN_WIRE_MIN_FRAGMENT     (TINCAN_WIRE_BASE_INNER - TINCAN_WIRE_DATA_HEADER_SIZE)
#define TINCAN_WIRE_MAX_FRAGMENT     (TINCAN_WIRE_MAX_INNER - TINCAN_WIRE_DATA_HEADER_SIZE)
#define TINCAN_WIRE_MAX_MESSAGE      (1024 * 1024)
#define TINCAN_WIRE_MAX_FRAGMENTS    ((TINCAN_WIRE_MAX_MESSAGE + TINCAN_WIRE_MIN_FRAGMENT - 1) / TINCAN_WIRE_MIN_FRAGMENT)
#define TINCAN_WIRE_MAX_ACK_RANGES   32
#define TINCAN_WIRE_MAX_HELD         32
#define TINCAN_WIRE_HELLO_SIZE       300

/* The last byte of a HELLO, zero padding for peers before it: what the
 * sender takes besides text messages.
 */
#define TINCAN_WIRE_HELLO_FEATURES_OFFSET 299
#define TINCAN_WIRE_FEATURE_RECORDS  0x01  /* records: files (docs/PROTOCOL.md, *Files*) */
/* The handshake's three messages (Noise XX), each a header and the
 * Noise message: a key of 32 bytes for "e", 48 for an encrypted "s",
 * and the HELLO inside the second and third, encrypted (16 more).  The
 * first is padded to the second's size, so that no answer to it is
 * bigger than it.
 */
#define TINCAN_WIRE_HANDSHAKE_REPLY_SIZE  (TINCAN_WIRE_HEADER_SIZE + 32 + 48 + TINCAN_WIRE_HELLO_SIZE + 16)
#define TINCAN_WIRE_HANDSHAKE_INIT_SIZE   TINCAN_WIRE_HANDSHAKE_REPLY_SIZE
#define TINCAN_WIRE_HANDSHAKE_FINISH_SIZE (TINCAN_WIRE_HEADER_SIZE + 48 + TINCAN_WIRE_HELLO_SIZE + 16)
#define TINCAN_WIRE_IDENTITY_SIZE    16
#define TINCAN_WIRE_IDENTITY_HEX_SIZE (2 * TINCAN_WIRE_IDENTITY_SIZE + 1)
#define TINCAN_WIRE_MAX_NAME         255
#define TINCAN_WIRE_PING_SIZE        (TINCAN_WIRE_HEADER_SIZE + 8)
#define TINCAN_WIRE_NO_DELAY         G_MAXUINT32

typedef enum
{
  TINCAN_PACKET_HELLO = 1,
  TINCAN_PACKET_DATA  = 2,
  TINCAN_PACKET_ACK   = 3,
  TINCAN_PACKET_PING  = 4,
  TINCAN_PACKET_PONG  = 5,
  TINCAN_PACKET_BYE   = 6,   /* the header alone: the sender is leaving */
  TINCAN_PACKET_HANDSHAKE_INIT   = 7,
  TINCAN_PACKET_HANDSHAKE_REPLY  = 8,
  TINCAN_PACKET_HANDSHAKE_FINISH = 9,
  TINCAN_PACKET_SEALED           = 10,
} TincanPacketType;

/* Why a datagram was refused; each has a counter in the link. */
typedef enum
{
  TINCAN_WIRE_OK = 0,
  TINCAN_WIRE_NOT_TINCAN,      /* no magic: a plain-text datagram */
  TINCAN_WIRE_BAD_VERSION,
  TINCAN_WIRE_BAD_TYPE,
  TINCAN_WIRE_BAD_FLAGS,
  TINCAN_WIRE_TRUNCATED,
  TINCAN_WIRE_OVERSIZED,
  TINCAN_WIRE_BAD_SESSION,
  TINCAN_WIRE_BAD_FRAGMENT,
  TINCAN_WIRE_BAD_ACK,
  TINCAN_WIRE_BAD_HELLO,
  TINCAN_WIRE_BAD_HANDSHAKE,
  TINCAN_WIRE_N_RESULTS
} TincanWireResult;

typedef struct
{
  guint32 start;   /* first packet number in the range */
  guint32 end;     /* one past the last */
} TincanAckRange;

typedef struct
{
  TincanPacketType type;
  guint64          sender_session;
  guint64          receiver_session;   /* 0: not known yet */

  union {
    struct {
      guint32       epoch;
      guint32       packet_number;
      guint32       message_seq;
      guint16       fragment_index;
      guint16       fragment_count;
      guint16       fragment_size;     /* payload of every fragment but the last */
      guint32       message_length;
      guint64       message_id;        /* the sender's, for good: never 0 */
      const guint8 *payload;           /* points into the datagram */
      gsize         payload_length;
    } data;

    struct {
      guint32        epoch;
      guint32        cumulative;       /* every packet below this arrived */
      guint32        delay;            /* µs since the newest one arrived, or NO_DELAY */
      guint8         n_ranges;
      TincanAckRange ranges[TINCAN_WIRE_MAX_ACK_RANGES];
      guint8         n_held;
      guint32        held[TINCAN_WIRE_MAX_HELD];  /* arrived, not stored yet: not acknowledged */
    } ack;

    struct {
      gboolean reply;
      guint8   identity[TINCAN_WIRE_IDENTITY_SIZE];  /* the installation's, never all zero */
      guint32  receive_window;   /* bytes of datagrams its socket holds unread */
      guint8   features;         /* TINCAN_WIRE_FEATURE_*: what else it takes */
      char     name[TINCAN_WIRE_MAX_NAME + 1];
    } hello;

    struct {
      guint64 token;
      gsize   size;     /* a PING's whole length: more than PING_SIZE is a probe */
    } ping;

    struct {
      const guint8 *message;   /* the Noise message, in the datagram */
      gsize         length;
    } handshake;

    struct {
      guint8        phase;     /* which keys: 0 or 1 */
      guint64       counter;   /* the nonce */
      const guint8 *ciphertext;   /* the inner packet and the tag, in the datagram */
      gsize         length;
    } sealed;
  };
} TincanPacket;

TincanWireResult  tincan_wire_decode          (const guint8       *datagram,
                                               gsize               length,
                                               TincanPacket       *packet);
gsize             tincan_wire_encode          (const TincanPacket *packet,
                                               guint8             *buffer,
                                               gsize               buffer_size);
gsize             tincan_wire_ack_size        (guint              n_ranges,
                                               guint              n_held);
gsize             tincan_wire_encode_data_header (const TincanPacket *packet,
                                               guint8             *buffer);
guint16           tincan_wire_fragment_count  (gsize              message_length,
                                               gsize              fragment_size);
gsize             tincan_wire_fragment_length (gsize              message_length,
                                               gsize              fragment_size,
                                               guint16            fragment_index);
const char       *tincan_wire_result_to_string (TincanWireResult  result);
gboolean          tincan_wire_validate_text   (const guint8       *text,
                                               gsize               length);
const char       *tincan_wire_utf8_cut        (const char         *text,
                                               const char         *end,
                                               gsize               max_bytes);
gboolean          tincan_wire_identity_is_zero (const guint8      *identity);
void              tincan_wire_random_identity (guint8             *identity);
void              tincan_wire_format_identity (const guint8       *identity,
                                               char               *hex);
void              tincan_wire_format_hex      (const guint8       *bytes,
                                               gsize               length,
                                               char               *hex);

G_END_DECLS

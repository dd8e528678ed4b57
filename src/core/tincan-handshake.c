/* tincan-handshake.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tin Can's use of Noise_XX_25519_ChaChaPoly_BLAKE2b:
 *
 *   HANDSHAKE_INIT    -> e                 (payload: zeros, as padding)
 *   HANDSHAKE_REPLY   <- e, ee, s, es      (payload: the responder's HELLO)
 *   HANDSHAKE_FINISH  -> s, se             (payload: the initiator's HELLO)
 *
 * The prologue binds the protocol name, the whole header of the first
 * message (its version, type and the initiator's session) and the
 * version the responder speaks: a peer or a middle-man that changes any
 * of them makes the second message fail to open, so neither side can be
 * talked down to another version.  Each HELLO is a whole packet, whose
 * sender session must be the one in the header around it.
 */

#define G_LOG_DOMAIN "tincan-handshake"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "tincan-handshake.h"

#define PROLOGUE_LABEL "Tin Can " TINCAN_HANDSHAKE_PROTOCOL

struct _TincanHandshake
{
  TincanNoiseHandshake *noise;
  gboolean              initiator;
  guint64               session;
  guint64               peer_session;
  guint8                datagram[TINCAN_WIRE_BASE_DATAGRAM];   /* the last one made */
  gsize                 length;
};

G_STATIC_ASSERT (TINCAN_WIRE_HANDSHAKE_INIT_SIZE >= TINCAN_WIRE_HANDSHAKE_REPLY_SIZE);
G_STATIC_ASSERT (TINCAN_WIRE_HANDSHAKE_REPLY_SIZE >= TINCAN_WIRE_HANDSHAKE_FINISH_SIZE);

static TincanNoiseHandshake *
start_noise (gboolean      initiator,
             const guint8 *static_private,
             const guint8 *init_header)
{
  guint8 prologue[sizeof PROLOGUE_LABEL + TINCAN_WIRE_HEADER_SIZE + 1];

  memcpy (prologue, PROLOGUE_LABEL, sizeof PROLOGUE_LABEL);
  memcpy (prologue + sizeof PROLOGUE_LABEL, init_header, TINCAN_WIRE_HEADER_SIZE);
  prologue[sizeof prologue - 1] = TINCAN_WIRE_VERSION;

  return tincan_noise_handshake_new (TINCAN_NOISE_XX, initiator, prologue, sizeof prologue,
                                     static_private, NULL, NULL);
}

/* Makes one handshake packet: the header, then the Noise message with
 * @payload.
 */
static gboolean
write_message (TincanHandshake  *self,
               TincanPacketType  type,
               const guint8     *payload,
               gsize             payload_length,
               gsize             size)
{
  TincanPacket packet = { 0 };
  gsize length;

  packet.type = type;
  packet.sender_session = self->session;
  packet.receiver_session = self->peer_session;
  packet.handshake.length = 0;
  self->length = tincan_wire_encode (&packet, self->datagram, sizeof self->datagram);

  if (!tincan_noise_handshake_write (self->noise, payload, payload_length,
                                     self->datagram + self->length,
                                     sizeof self->datagram - self->length, &length))
    return FALSE;

  self->length += length;
  g_assert (self->length == size);

  return TRUE;
}

static gboolean
write_hello (TincanHandshake    *self,
             TincanPacketType    type,
             const TincanPacket *hello,
             gsize               size)
{
  TincanPacket packet = *hello;
  guint8 payload[TINCAN_WIRE_BASE_DATAGRAM];
  gsize length;

  packet.type = TINCAN_PACKET_HELLO;
  packet.sender_session = self->session;
  packet.receiver_session = self->peer_session;
  length = tincan_wire_encode (&packet, payload, sizeof payload);
  g_assert (length == TINCAN_WIRE_HELLO_SIZE);

  return write_message (self, type, payload, length, size);
}

/* The HELLO inside a message from the peer: a valid one, from the
 * session in the header around it.
 */
static gboolean
read_hello (TincanHandshake    *self,
            const TincanPacket *outer,
            TincanPacket       *peer_hello)
{
  guint8 payload[TINCAN_WIRE_HELLO_SIZE];
  gsize length;

  if (!tincan_noise_handshake_read (self->noise, outer->handshake.message, outer->handshake.length,
                                    payload, sizeof payload, &length))
    return FALSE;

  return length == TINCAN_WIRE_HELLO_SIZE
         && tincan_wire_decode (payload, length, peer_hello) == TINCAN_WIRE_OK
         && peer_hello->type == TINCAN_PACKET_HELLO
         && peer_hello->sender_session == outer->sender_session;
}

/**
 * tincan_handshake_new_initiator:
 * @static_private: this installation's key
 * @session: this side's session
 * @peer_session: the peer's, or 0 if not known
 *
 * Starts a handshake and makes its first message, padded to the size of
 * the answer.
 *
 * Returns: (transfer full): the handshake
 */
TincanHandshake *
tincan_handshake_new_initiator (const guint8 *static_private,
                                guint64       session,
                                guint64       peer_session)
{
  static const guint8 padding[TINCAN_WIRE_HANDSHAKE_INIT_SIZE] = { 0 };
  TincanHandshake *self = g_new0 (TincanHandshake, 1);
  TincanPacket header = { 0 };

  self->initiator = TRUE;
  self->session = session;
  self->peer_session = peer_session;

  header.type = TINCAN_PACKET_HANDSHAKE_INIT;
  header.sender_session = session;
  header.receiver_session = peer_session;
  tincan_wire_encode (&header, self->datagram, sizeof self->datagram);

  self->noise = start_noise (TRUE, static_private, self->datagram);
  if (!write_message (self, TINCAN_PACKET_HANDSHAKE_INIT, padding,
                      TINCAN_WIRE_HANDSHAKE_INIT_SIZE - TINCAN_WIRE_HEADER_SIZE - TINCAN_NOISE_KEY_SIZE,
                      TINCAN_WIRE_HANDSHAKE_INIT_SIZE))
    g_return_val_if_reached (self);

  return self;
}

/**
 * tincan_handshake_new_responder:
 * @static_private: this installation's key
 * @session: this side's session
 * @init: a %TINCAN_PACKET_HANDSHAKE_INIT from the peer
 * @datagram: the datagram it came in (its header is in the prologue)
 * @hello: this side's HELLO; its sessions are filled in here
 *
 * Answers a first message with the second.
 *
 * Returns: (transfer full) (nullable): the handshake, or %NULL if the
 *   message was not a valid first message
 */
TincanHandshake *
tincan_handshake_new_responder (const guint8       *static_private,
                                guint64             session,
                                const TincanPacket *init,
                                const guint8       *datagram,
                                const TincanPacket *hello)
{
  g_autoptr(TincanHandshake) self = g_new0 (TincanHandshake, 1);
  guint8 padding[TINCAN_WIRE_HANDSHAKE_INIT_SIZE];
  gsize length;

  g_return_val_if_fail (init->type == TINCAN_PACKET_HANDSHAKE_INIT, NULL);

  self->session = session;
  self->peer_session = init->sender_session;
  self->noise = start_noise (FALSE, static_private, datagram);

  if (!tincan_noise_handshake_read (self->noise, init->handshake.message, init->handshake.length,
                                    padding, sizeof padding, &length)
      || !write_hello (self, TINCAN_PACKET_HANDSHAKE_REPLY, hello, TINCAN_WIRE_HANDSHAKE_REPLY_SIZE))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * tincan_handshake_read_reply:
 * @self: an initiator's handshake, its first message sent
 * @reply: a %TINCAN_PACKET_HANDSHAKE_REPLY for it
 * @peer_hello: (out caller-allocates): the responder's HELLO
 *
 * After this, the peer's key is known (and may be checked) before
 * tincan_handshake_finish() makes the last message.
 *
 * Returns: %FALSE if it was not the answer to this handshake; the
 *   handshake is then dead
 */
gboolean
tincan_handshake_read_reply (TincanHandshake    *self,
                             const TincanPacket *reply,
                             TincanPacket       *peer_hello)
{
  g_return_val_if_fail (self->initiator, FALSE);
  g_return_val_if_fail (reply->type == TINCAN_PACKET_HANDSHAKE_REPLY, FALSE);

  if (reply->receiver_session != self->session || !read_hello (self, reply, peer_hello))
    return FALSE;

  self->peer_session = reply->sender_session;

  return TRUE;
}

/**
 * tincan_handshake_finish:
 * @self: an initiator's handshake, the reply read
 * @hello: this side's HELLO; its sessions are filled in here
 *
 * Makes the third message.  The handshake is then finished: its keys can
 * be split.
 *
 * Returns: %TRUE
 */
gboolean
tincan_handshake_finish (TincanHandshake    *self,
                         const TincanPacket *hello)
{
  g_return_val_if_fail (self->initiator, FALSE);

  return write_hello (self, TINCAN_PACKET_HANDSHAKE_FINISH, hello, TINCAN_WIRE_HANDSHAKE_FINISH_SIZE);
}

/**
 * tincan_handshake_read_finish:
 * @self: a responder's handshake, its reply sent
 * @finish: a %TINCAN_PACKET_HANDSHAKE_FINISH
 * @peer_hello: (out caller-allocates): the initiator's HELLO
 *
 * Returns: %FALSE if it was not the end of this handshake; the
 *   handshake is then dead
 */
gboolean
tincan_handshake_read_finish (TincanHandshake    *self,
                              const TincanPacket *finish,
                              TincanPacket       *peer_hello)
{
  g_return_val_if_fail (!self->initiator, FALSE);
  g_return_val_if_fail (finish->type == TINCAN_PACKET_HANDSHAKE_FINISH, FALSE);

  if (finish->receiver_session != self->session || finish->sender_session != self->peer_session)
    return FALSE;

  return read_hello (self, finish, peer_hello);
}

/* The last message this side made, to send or send again. */
const guint8 *
tincan_handshake_get_datagram (TincanHandshake *self,
                               gsize           *length)
{
  *length = self->length;
  return self->datagram;
}

gboolean
tincan_handshake_is_initiator (TincanHandshake *self)
{
  return self->initiator;
}

gboolean
tincan_handshake_is_finished (TincanHandshake *self)
{
  return tincan_noise_handshake_is_finished (self->noise);
}

guint64
tincan_handshake_get_peer_session (TincanHandshake *self)
{
  return self->peer_session;
}

/* Returns: (nullable): the peer's static key, once its message is read */
const guint8 *
tincan_handshake_get_peer_key (TincanHandshake *self)
{
  return tincan_noise_handshake_get_remote_static (self->noise);
}

void
tincan_handshake_split (TincanHandshake   *self,
                        TincanNoiseCipher *send,
                        TincanNoiseCipher *receive)
{
  g_return_if_fail (tincan_handshake_is_finished (self));

  tincan_noise_handshake_split (self->noise, send, receive);
}

/* Returns: (array fixed-size=64): the handshake hash, the same on both
 * sides once finished
 */
const guint8 *
tincan_handshake_get_hash (TincanHandshake *self)
{
  return tincan_noise_handshake_get_hash (self->noise);
}

void
tincan_handshake_free (TincanHandshake *self)
{
  if (self == NULL)
    return;

  tincan_noise_handshake_free (self->noise);
  sodium_memzero (self, sizeof *self);
  g_free (self);
}

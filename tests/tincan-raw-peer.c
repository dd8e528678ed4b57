/* tincan-raw-peer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The raw peer follows docs/PROTOCOL.md by hand: it starts a handshake
 * (INIT, reads the REPLY, sends the FINISH) or answers one, splits the
 * keys and seals or opens single packets.  It keeps no timers and sends
 * nothing again: a test says what it does, datagram by datagram.
 */

#include "config.h"

#include <string.h>

#include "tincan-raw-peer.h"

struct _TincanRawPeer
{
  GSocket         *socket;
  guint8           private_key[TINCAN_NOISE_KEY_SIZE];
  guint8           public_key[TINCAN_NOISE_KEY_SIZE];
  guint64          session;
  guint64          peer_session;
  TincanHandshake *handshake;
  TincanSeal      *seal;
};

/* Bound to @address (such as "127.0.0.2"), port chosen by the system.
 * Its session is high, so that a link whose own first message crossed
 * this one's gives way and answers (the lower session answers).
 */
TincanRawPeer *
tincan_raw_peer_new (const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (inet, 0);
  TincanRawPeer *self = g_new0 (TincanRawPeer, 1);

  self->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (self->socket, bind_address, FALSE, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (self->socket, FALSE);

  tincan_noise_generate_keypair (self->private_key, self->public_key);
  self->session = G_GUINT64_CONSTANT (0xfff0000000000000) | g_random_int ();
  self->seal = tincan_seal_new ();

  return self;
}

void
tincan_raw_peer_free (TincanRawPeer *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->socket);
  g_clear_pointer (&self->handshake, tincan_handshake_free);
  g_clear_pointer (&self->seal, tincan_seal_free);
  g_free (self);
}

guint16
tincan_raw_peer_get_port (TincanRawPeer *self)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (self->socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

const guint8 *
tincan_raw_peer_get_public_key (TincanRawPeer *self)
{
  return self->public_key;
}

guint64
tincan_raw_peer_get_session (TincanRawPeer *self)
{
  return self->session;
}

/* The link's session, once a handshake with it got that far. */
guint64
tincan_raw_peer_get_peer_session (TincanRawPeer *self)
{
  return self->peer_session;
}

/* To 127.0.0.1:@port, as it is. */
void
tincan_raw_peer_send (TincanRawPeer *self,
                      guint16        port,
                      const guint8  *datagram,
                      gsize          length)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  g_assert_cmpint (g_socket_send_to (self->socket, address, (const char *) datagram, length,
                                     NULL, NULL), ==, length);
}

/* Everything that came within @ms, one GBytes per datagram, the main
 * loop running meanwhile.
 */
GPtrArray *
tincan_raw_peer_collect (TincanRawPeer *self,
                         guint          ms)
{
  GPtrArray *datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);

  while (g_get_monotonic_time () < end)
    {
      gssize n;

      g_main_context_iteration (NULL, FALSE);
      n = g_socket_receive (self->socket, (char *) buffer, TINCAN_WIRE_MAX_DATAGRAM, NULL, NULL);
      if (n > 0)
        g_ptr_array_add (datagrams, g_bytes_new (buffer, n));
      else
        g_usleep (1000);
    }

  return datagrams;
}

static void
make_hello (TincanRawPeer *self,
            TincanPacket  *hello)
{
  memset (hello, 0, sizeof *hello);
  hello->type = TINCAN_PACKET_HELLO;
  memset (hello->hello.identity, 0x7a, TINCAN_WIRE_IDENTITY_SIZE);
  hello->hello.receive_window = 212992;
  strcpy (hello->hello.name, "Raw");
}

static void
install_keys (TincanRawPeer *self)
{
  TincanNoiseCipher send, receive;

  tincan_handshake_split (self->handshake, &send, &receive);
  tincan_seal_install (self->seal, &send, &receive,
                       tincan_handshake_get_hash (self->handshake)[0] & 1,
                       g_get_monotonic_time ());
  self->peer_session = tincan_handshake_get_peer_session (self->handshake);
  g_clear_pointer (&self->handshake, tincan_handshake_free);
}

/* Starts a handshake of its own; the first message goes to @datagram
 * (room for %TINCAN_WIRE_HANDSHAKE_INIT_SIZE), for the test to send.
 */
gsize
tincan_raw_peer_make_init (TincanRawPeer *self,
                           guint8        *datagram)
{
  const guint8 *init;
  gsize length;

  g_clear_pointer (&self->handshake, tincan_handshake_free);
  self->handshake = tincan_handshake_new_initiator (self->private_key, self->session, 0);
  init = tincan_handshake_get_datagram (self->handshake, &length);
  memcpy (datagram, init, length);

  return length;
}

/* The link's REPLY to our INIT: the FINISH goes back, the keys are in use. */
static gboolean
handle_reply (TincanRawPeer *self,
              guint16        port,
              GBytes        *bytes)
{
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  TincanPacket packet, peer_hello, hello;
  const guint8 *finish;
  gsize length;

  if (self->handshake == NULL
      || tincan_wire_decode (data, g_bytes_get_size (bytes), &packet) != TINCAN_WIRE_OK
      || packet.type != TINCAN_PACKET_HANDSHAKE_REPLY
      || !tincan_handshake_read_reply (self->handshake, &packet, &peer_hello))
    return FALSE;

  make_hello (self, &hello);
  g_assert_true (tincan_handshake_finish (self->handshake, &hello));
  finish = tincan_handshake_get_datagram (self->handshake, &length);
  tincan_raw_peer_send (self, port, finish, length);
  install_keys (self);

  return TRUE;
}

/**
 * tincan_raw_peer_connect:
 * @self: a raw peer
 * @port: the link's, on 127.0.0.1
 * @ms: how long to wait for each answer
 *
 * A whole handshake as the initiator: INIT, the link's REPLY, FINISH,
 * then a sealed packet from the link that opens with the new keys (its
 * key confirmation).  Whatever else comes meanwhile is dropped.
 *
 * Returns: whether the link confirmed the keys
 */
gboolean
tincan_raw_peer_connect (TincanRawPeer *self,
                         guint16        port,
                         guint          ms)
{
  guint8 datagram[TINCAN_WIRE_BASE_DATAGRAM];
  g_autofree guint8 *buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  gboolean finished = FALSE;
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  tincan_raw_peer_send (self, port, datagram, tincan_raw_peer_make_init (self, datagram));

  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GPtrArray) datagrams = tincan_raw_peer_collect (self, 10);

      for (guint i = 0; i < datagrams->len; i++)
        {
          GBytes *bytes = g_ptr_array_index (datagrams, i);
          TincanPacket inner;

          if (!finished)
            finished = handle_reply (self, port, bytes);
          else if (tincan_raw_peer_open (self, g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes), buffer, &inner))
            return TRUE;
        }
    }

  return FALSE;
}

/**
 * tincan_raw_peer_answer:
 * @self: a raw peer
 * @port: where the link is
 * @datagram: a datagram from it
 * @length: its length
 *
 * The responder's side: an INIT is answered with a REPLY, a FINISH puts
 * the keys in use.  Anything else is left alone.
 *
 * Returns: %TRUE if the keys are now in use
 */
gboolean
tincan_raw_peer_answer (TincanRawPeer *self,
                        guint16        port,
                        const guint8  *datagram,
                        gsize          length)
{
  TincanPacket packet, hello, peer_hello;
  const guint8 *reply;
  gsize reply_length;

  if (tincan_wire_decode (datagram, length, &packet) != TINCAN_WIRE_OK)
    return FALSE;

  if (packet.type == TINCAN_PACKET_HANDSHAKE_INIT)
    {
      make_hello (self, &hello);
      g_clear_pointer (&self->handshake, tincan_handshake_free);
      self->handshake = tincan_handshake_new_responder (self->private_key, self->session,
                                                        &packet, datagram, &hello);
      if (self->handshake != NULL)
        {
          reply = tincan_handshake_get_datagram (self->handshake, &reply_length);
          tincan_raw_peer_send (self, port, reply, reply_length);
        }
      return FALSE;
    }

  if (packet.type == TINCAN_PACKET_HANDSHAKE_FINISH && self->handshake != NULL
      && !tincan_handshake_is_initiator (self->handshake)
      && tincan_handshake_read_finish (self->handshake, &packet, &peer_hello))
    {
      install_keys (self);
      return TRUE;
    }

  return FALSE;
}

/* @packet, from this session to the link's, sealed with the keys in use. */
gsize
tincan_raw_peer_seal (TincanRawPeer *self,
                      TincanPacket  *packet,
                      guint8        *datagram,
                      gsize          size)
{
  g_autofree guint8 *inner = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  gsize length;

  packet->sender_session = self->session;
  packet->receiver_session = self->peer_session;
  length = tincan_wire_encode (packet, inner, TINCAN_WIRE_MAX_DATAGRAM);
  g_assert_cmpuint (length, >, 0);

  return tincan_seal_seal (self->seal, self->peer_session, inner, length, NULL, 0,
                           datagram, size);
}

/* Opens a sealed datagram from the link into @buffer (room for
 * %TINCAN_WIRE_MAX_DATAGRAM) and decodes the packet inside.
 */
gboolean
tincan_raw_peer_open (TincanRawPeer *self,
                      const guint8  *datagram,
                      gsize          length,
                      guint8        *buffer,
                      TincanPacket  *inner)
{
  TincanPacket packet;
  gsize inner_length;

  return tincan_wire_decode (datagram, length, &packet) == TINCAN_WIRE_OK
         && packet.type == TINCAN_PACKET_SEALED
         && packet.receiver_session == self->session
         && tincan_seal_open (self->seal, &packet, datagram, buffer, &inner_length) == TINCAN_SEAL_OPENED
         && tincan_wire_decode (buffer, inner_length, inner) == TINCAN_WIRE_OK;
}

/* The smallest DATA there is, a message of its own, sealed.  Packet
 * numbers with gaps before them make the link's ACK list ranges.
 */
gsize
tincan_raw_peer_make_data (TincanRawPeer *self,
                           guint32        packet_number,
                           const char    *text,
                           guint8        *datagram,
                           gsize          size)
{
  TincanPacket packet = { 0 };

  packet.type = TINCAN_PACKET_DATA;
  packet.data.epoch = 1;
  packet.data.packet_number = packet_number;
  packet.data.message_seq = packet_number;
  packet.data.message_id = packet_number + 1;
  packet.data.fragment_count = 1;
  packet.data.fragment_size = TINCAN_WIRE_MIN_FRAGMENT;
  packet.data.message_length = strlen (text);
  packet.data.payload = (const guint8 *) text;
  packet.data.payload_length = strlen (text);

  return tincan_raw_peer_seal (self, &packet, datagram, size);
}

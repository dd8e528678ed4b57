/* tincan-link-handshake.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link's encryption: starting and answering handshakes, checking the
 * peer's key with the trust function, putting the keys in use, sealing
 * what goes out and opening what comes in, and renewing the keys; and
 * the API of the keys (this side's static key, the trust function, the
 * peer's key, a refused one).
 *
 * Nothing a handshake says is believed until it is finished: a first
 * message is answered (with a reply no bigger than it) but changes
 * nothing; the session, the peer's name and its key are taken only from
 * a handshake that completed with a key the trust function accepted.
 * Every handshake message costs X25519 work, so at most
 * HANDSHAKE_RATE are read a second (HANDSHAKE_BURST at once); the rest
 * are dropped and counted.
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "tincan-link-internal.h"

#define HANDSHAKE_RATE          5.0
#define HANDSHAKE_BURST         10.0
/* The side that does not keep the link alive renews the keys only if
 * the other has not, this much later.
 */
#define REKEY_GRACE             (G_GINT64_CONSTANT (5) * 60 * G_USEC_PER_SEC)
/* Our last handshake message is sent again on these timers while the
 * peer is there (the last one until the new keys are confirmed).
 */
#define RETRY_FIRST             (250 * 1000)
#define RETRY_MAX               (1 * G_USEC_PER_SEC)
#define RETRY_TRIES             30
/* Sealed packets bigger than this are not batched. */
#define BATCH_MAX_SEALED        (8 * 1024)
#define ANSWER_TIMEOUT          (10 * G_USEC_PER_SEC)

/* Every key and handshake wiped: the link stops, or talks to a new peer. */
void
tincan_link_forget_keys (TincanLink *self)
{
  gboolean had = self->has_peer_key || self->has_refused_key;

  g_clear_pointer (&self->handshake, tincan_handshake_free);
  tincan_seal_clear (self->seal);
  self->retry_deadline = G_MAXINT64;
  sodium_memzero (self->peer_key, sizeof self->peer_key);
  sodium_memzero (self->refused_key, sizeof self->refused_key);
  self->has_peer_key = FALSE;
  self->has_refused_key = FALSE;

  if (had)
    tincan_link_notify_keys (self);
}

/* The token bucket in front of every handshake message. */
static gboolean
take_handshake_token (TincanLink *self,
                      gint64      now)
{
  double elapsed = (now - self->handshake_tokens_time) / (double) G_USEC_PER_SEC;

  self->handshake_tokens = MIN (HANDSHAKE_BURST, self->handshake_tokens + elapsed * HANDSHAKE_RATE);
  self->handshake_tokens_time = now;

  if (self->handshake_tokens < 1.0)
    {
      self->stats.handshakes_limited++;
      return FALSE;
    }

  self->handshake_tokens -= 1.0;
  return TRUE;
}

static void
make_hello (TincanLink   *self,
            TincanPacket *packet)
{
  const char *name = self->display_name ? self->display_name : "";
  /* An over-long name is cut at a character boundary. */
  const char *end = tincan_wire_utf8_cut (name, name + strlen (name), TINCAN_WIRE_MAX_NAME);

  memset (packet, 0, sizeof *packet);
  packet->type = TINCAN_PACKET_HELLO;
  packet->hello.receive_window = tincan_udp_socket_get_receive_window (self->socket);
  memcpy (packet->hello.identity, self->identity, TINCAN_WIRE_IDENTITY_SIZE);
  memcpy (packet->hello.name, name, end - name);
  packet->hello.name[end - name] = '\0';
  if (self->record_func != NULL)
    packet->hello.features |= TINCAN_WIRE_FEATURE_RECORDS;
}

static void
send_handshake (TincanLink *self)
{
  const guint8 *datagram;
  gsize length;

  datagram = tincan_handshake_get_datagram (self->handshake, &length);
  tincan_link_send_datagram (self, datagram, length, NULL, 0);
}

static void
retry_from (TincanLink *self,
            gint64      now)
{
  self->retry_interval = RETRY_FIRST;
  self->retry_tries = 1;
  self->retry_deadline = now + self->retry_interval;
}

/**
 * tincan_link_send_hello:
 * @self: a link in Tin Can mode
 *
 * Says hello: starts a handshake, or sends the last message of the one
 * under way again.
 */
void
tincan_link_send_hello (TincanLink *self)
{
  if (!tincan_link_has_peer (self))
    return;

  if (self->handshake == NULL)
    {
      self->handshake = tincan_handshake_new_initiator (self->static_private, self->session,
                                                        self->peer_session);

      /* New keys for a peer that is there: sent again by the timers
       * below.  Otherwise the presence tracker's hellos do it.
       */
      if (tincan_link_is_established (self))
        retry_from (self, g_get_monotonic_time ());
    }

  send_handshake (self);
}

static gboolean
trusted (TincanLink   *self,
         const guint8 *key)
{
  if (self->trust_func == NULL || self->trust_func (self, key, self->trust_data))
    return TRUE;

  self->stats.keys_refused++;
  g_debug ("Refused a handshake: the peer's key is not the one trusted");

  if (!self->has_refused_key || memcmp (self->refused_key, key, sizeof self->refused_key) != 0)
    {
      memcpy (self->refused_key, key, sizeof self->refused_key);
      self->has_refused_key = TRUE;
      tincan_link_notify_keys (self);
    }

  return FALSE;
}

/* A finished handshake with a trusted key: its keys in use, its HELLO
 * believed.
 */
static void
establish (TincanLink         *self,
           const TincanPacket *peer_hello)
{
  TincanNoiseCipher send, receive;
  gint64 now = g_get_monotonic_time ();
  guint64 peer_session = tincan_handshake_get_peer_session (self->handshake);
  const guint8 *key = tincan_handshake_get_peer_key (self->handshake);
  gboolean changed = !self->has_peer_key || memcmp (self->peer_key, key, sizeof self->peer_key) != 0;

  tincan_handshake_split (self->handshake, &send, &receive);
  tincan_seal_install (self->seal, &send, &receive,
                       tincan_handshake_get_hash (self->handshake)[0] & 1, now);
  self->stats.handshakes++;

  if (peer_session != self->peer_session)
    tincan_link_peer_session_changed (self, peer_session);

  memcpy (self->peer_key, key, sizeof self->peer_key);
  self->has_peer_key = TRUE;
  changed |= self->has_refused_key;
  self->has_refused_key = FALSE;

  tincan_link_handle_hello (self, peer_hello);
  /* A peer that said goodbye is back. */
  self->peer_left = FALSE;
  tincan_link_heard_from_peer (self, now);
  /* Its last message carried our session: it hears us. */
  tincan_path_probe_peer_hears_us (self->probe, now);

  if (changed)
    tincan_link_notify_keys (self);
}

/* Our first message answered: check the key, finish, and send with the
 * new keys at once.  The last message is sent again until something
 * sealed with the new keys comes back.
 */
static void
handle_reply (TincanLink         *self,
              const TincanPacket *packet)
{
  TincanPacket peer_hello, hello;

  if (self->handshake == NULL || !tincan_handshake_is_initiator (self->handshake)
      || tincan_handshake_is_finished (self->handshake)
      || packet->receiver_session != self->session)
    {
      self->stats.stale++;
      return;
    }

  if (!take_handshake_token (self, g_get_monotonic_time ()))
    return;

  if (!tincan_handshake_read_reply (self->handshake, packet, &peer_hello))
    {
      /* Dead now: the next hello starts another. */
      self->stats.forged++;
      g_clear_pointer (&self->handshake, tincan_handshake_free);
      return;
    }

  if (!trusted (self, tincan_handshake_get_peer_key (self->handshake)))
    {
      g_clear_pointer (&self->handshake, tincan_handshake_free);
      return;
    }

  make_hello (self, &hello);
  if (!tincan_handshake_finish (self->handshake, &hello))
    {
      g_clear_pointer (&self->handshake, tincan_handshake_free);
      return;
    }

  send_handshake (self);
  establish (self, &peer_hello);

  retry_from (self, g_get_monotonic_time ());
}

static void
handle_finish (TincanLink         *self,
               const TincanPacket *packet)
{
  TincanPacket peer_hello;

  if (self->handshake == NULL || tincan_handshake_is_initiator (self->handshake))
    {
      /* Its first try may have been lost on the way back: confirm again. */
      if (packet->sender_session == self->peer_session && packet->receiver_session == self->session
          && tincan_link_is_established (self))
        tincan_link_send_ping (self);
      else
        self->stats.stale++;
      return;
    }

  if (!take_handshake_token (self, g_get_monotonic_time ()))
    return;

  if (!tincan_handshake_read_finish (self->handshake, packet, &peer_hello))
    {
      self->stats.forged++;
      g_clear_pointer (&self->handshake, tincan_handshake_free);
      return;
    }

  if (trusted (self, tincan_handshake_get_peer_key (self->handshake)))
    {
      establish (self, &peer_hello);
      tincan_link_send_ping (self);
    }

  g_clear_pointer (&self->handshake, tincan_handshake_free);
  self->retry_deadline = G_MAXINT64;
}

/* Someone starts a handshake.  If both sides started one at once, the
 * one with the lower session answers and gives up its own.
 */
static void
handle_init (TincanLink         *self,
             const TincanPacket *packet,
             const guint8       *datagram)
{
  g_autoptr(TincanHandshake) handshake = NULL;
  TincanPacket hello;

  if (self->handshake != NULL && tincan_handshake_is_initiator (self->handshake)
      && !tincan_handshake_is_finished (self->handshake)
      && self->session > packet->sender_session)
    {
      /* Ours is the one to finish: the peer, having started one too,
       * is there now to answer it.
       */
      if (take_handshake_token (self, g_get_monotonic_time ()))
        send_handshake (self);
      return;
    }

  /* While leaving, the answer is that we are. */
  if (self->closing != NULL)
    {
      if (tincan_link_is_established (self))
        tincan_link_send_bye (self, FALSE);
      return;
    }

  /* The same first message again: our reply was lost, or it crossed
   * ours.  Answered with the same reply, or not at all if that
   * handshake is over.
   */
  if (self->answered_session == packet->sender_session
      && memcmp (self->answered_init, packet->handshake.message, sizeof self->answered_init) == 0)
    {
      if (self->handshake != NULL && !tincan_handshake_is_initiator (self->handshake)
          && take_handshake_token (self, g_get_monotonic_time ()))
        send_handshake (self);
      else
        self->stats.stale++;
      return;
    }

  if (!take_handshake_token (self, g_get_monotonic_time ()))
    return;

  make_hello (self, &hello);
  handshake = tincan_handshake_new_responder (self->static_private, self->session,
                                              packet, datagram, &hello);
  if (handshake == NULL)
    {
      self->stats.forged++;
      return;
    }

  g_clear_pointer (&self->handshake, tincan_handshake_free);
  self->handshake = g_steal_pointer (&handshake);
  self->answered_session = packet->sender_session;
  memcpy (self->answered_init, packet->handshake.message, sizeof self->answered_init);
  /* An answer not finished by then is dropped. */
  self->retry_deadline = g_get_monotonic_time () + ANSWER_TIMEOUT;
  send_handshake (self);
}

void
tincan_link_handle_handshake (TincanLink         *self,
                              const TincanPacket *packet,
                              const guint8       *datagram)
{
  switch (packet->type)
    {
    case TINCAN_PACKET_HANDSHAKE_INIT:
      handle_init (self, packet, datagram);
      break;

    case TINCAN_PACKET_HANDSHAKE_REPLY:
      handle_reply (self, packet);
      break;

    case TINCAN_PACKET_HANDSHAKE_FINISH:
      handle_finish (self, packet);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Sealed for an earlier run of ours, or with keys this side does not
 * have: the peer has not noticed that we lost them (we restarted, say,
 * and our own hellos went unanswered).  Without keys in use, a hello
 * tells it: at most once a second, and only in answer to a datagram at
 * least as big as the hello.
 */
static void
hello_to_lost_peer (TincanLink *self,
                    gsize       length)
{
  gint64 now = g_get_monotonic_time ();

  if (length < TINCAN_WIRE_HANDSHAKE_INIT_SIZE || self->closing != NULL
      || tincan_link_is_established (self) || now - self->lost_hello_time < G_USEC_PER_SEC)
    return;

  self->lost_hello_time = now;
  tincan_link_send_hello (self);
}

/**
 * tincan_link_handle_sealed:
 * @self: a link
 * @packet: a %TINCAN_PACKET_SEALED
 * @datagram: the datagram it is
 *
 * Opens it and hands the packet inside to the packet path: only DATA,
 * ACK, PING, PONG and BYE travel sealed, from the peer's session to
 * ours.  One that opens, is no replay and comes from another address
 * than the one we send to moves the link there (see
 * tincan-link-address.c).
 */
void
tincan_link_handle_sealed (TincanLink           *self,
                           const TincanPacket   *packet,
                           const TincanDatagram *datagram)
{
  TincanPacket inner;
  gsize length = 0;

  if (packet->receiver_session != self->session)
    {
      self->stats.stale++;
      hello_to_lost_peer (self, TINCAN_WIRE_HEADER_SIZE + packet->sealed.length);
      return;
    }

  switch (tincan_seal_open (self->seal, packet, datagram->data, self->open_buffer, &length))
    {
    case TINCAN_SEAL_OPENED:
      break;
    case TINCAN_SEAL_NO_KEY:
      self->stats.no_key++;
      hello_to_lost_peer (self, TINCAN_WIRE_HEADER_SIZE + packet->sealed.length);
      return;
    case TINCAN_SEAL_REPLAYED:
      self->stats.replayed++;
      return;
    case TINCAN_SEAL_FORGED:
      self->stats.forged++;
      return;
    }

  /* The peer has the newest keys: our last handshake message arrived. */
  if (self->handshake != NULL && tincan_handshake_is_initiator (self->handshake)
      && tincan_handshake_is_finished (self->handshake) && tincan_seal_is_confirmed (self->seal))
    {
      g_clear_pointer (&self->handshake, tincan_handshake_free);
      self->retry_deadline = G_MAXINT64;
    }

  if (tincan_wire_decode (self->open_buffer, length, &inner) != TINCAN_WIRE_OK
      || inner.type == TINCAN_PACKET_HELLO || inner.type >= TINCAN_PACKET_HANDSHAKE_INIT
      || inner.receiver_session != self->session || inner.sender_session != self->peer_session)
    {
      /* Sealed by the peer, so not an attack: a bug, or a peer's restart. */
      self->stats.malformed++;
      return;
    }

  /* Only now, authenticated and new, may it say where the peer is. */
  if (!tincan_udp_socket_is_peer_destination (self->socket, datagram->from, datagram->from_length))
    tincan_link_roam (self, datagram->from, datagram->from_length);

  tincan_link_handle_packet (self, &inner, length);
}

/**
 * tincan_link_send_sealed:
 * @self: a link
 * @head: the packet's first bytes
 * @head_length: their number
 * @tail: (nullable): the rest, such as a fragment's payload
 * @tail_length: its size
 * @error: return location for a #GError from the socket
 *
 * Seals a packet and sends it; batched while the link batches.  Without
 * keys it is dropped, like a datagram lost: the timers bring it again
 * once a handshake has finished.  The test filter sees it before it is
 * sealed.
 *
 * Returns: %FALSE if the socket refused it
 */
gboolean
tincan_link_send_sealed (TincanLink    *self,
                         const guint8  *head,
                         gsize          head_length,
                         const guint8  *tail,
                         gsize          tail_length,
                         GError       **error)
{
  gboolean batch;
  guint8 *out;
  gsize length;

  if (!tincan_link_has_peer (self) || !tincan_link_filter_passes (self, head, head_length, tail, tail_length))
    return TRUE;

  /* A big datagram goes at once, not batched: the peer opens it while
   * the next one is sealed here, rather than waiting for all of them.
   * Sealing costs far more than a system call at that size.
   */
  batch = self->batching && head_length + tail_length <= BATCH_MAX_SEALED;
  if (!batch || self->n_sealed == TINCAN_LINK_SEND_BATCH)
    tincan_link_flush_batch (self);

  out = self->sealed_buffers + (gsize) self->n_sealed * TINCAN_WIRE_MAX_DATAGRAM;
  length = tincan_seal_seal (self->seal, self->peer_session, head, head_length, tail, tail_length,
                             out, TINCAN_WIRE_MAX_DATAGRAM);
  if (length == 0)
    return TRUE;

  if (!batch)
    return tincan_udp_socket_send (self->socket, out, length, NULL, 0, error);

  self->n_sealed++;

  /* The header is copied into the batch; the rest stays where it is
   * until the batch goes.
   */
  return tincan_link_transmit (self, out, TINCAN_WIRE_HEADER_SIZE,
                               out + TINCAN_WIRE_HEADER_SIZE, length - TINCAN_WIRE_HEADER_SIZE, error);
}

static gint64
rekey_after (TincanLink *self)
{
  return self->session < self->peer_session
         ? TINCAN_SEAL_REKEY_AFTER_TIME : TINCAN_SEAL_REKEY_AFTER_TIME + REKEY_GRACE;
}

/* The timers of the keys: our last handshake message again, old keys
 * wiped, new ones due.
 */
void
tincan_link_tick_keys (TincanLink *self,
                       gint64      now)
{
  if (now >= self->retry_deadline && self->handshake != NULL)
    {
      if (!tincan_handshake_is_initiator (self->handshake))
        {
          g_clear_pointer (&self->handshake, tincan_handshake_free);
          self->retry_deadline = G_MAXINT64;
        }
      else if (self->retry_tries++ < RETRY_TRIES)
        {
          send_handshake (self);
          self->retry_interval = MIN (2 * self->retry_interval, RETRY_MAX);
          self->retry_deadline = now + self->retry_interval;
        }
      else
        {
          gboolean unconfirmed = tincan_handshake_is_finished (self->handshake)
                                 && !tincan_seal_is_confirmed (self->seal);

          /* Never answered or confirmed: the peer is gone, or what we
           * sealed with the new keys went where nobody can open it.  While
           * it still seems to be there, start again; otherwise the
           * presence tracker's hellos will.
           */
          g_clear_pointer (&self->handshake, tincan_handshake_free);
          self->retry_deadline = G_MAXINT64;
          if (unconfirmed && tincan_presence_tracker_get (self->presence) == TINCAN_PRESENCE_ONLINE)
            tincan_link_send_hello (self);
        }
    }

  tincan_seal_expire (self->seal, now);

  if (self->handshake == NULL && tincan_link_is_established (self)
      && tincan_seal_wants_rekey (self->seal, now, rekey_after (self)))
    {
      g_debug ("Renewing the keys");
      tincan_link_send_hello (self);
    }
}

gint64
tincan_link_get_keys_deadline (TincanLink *self)
{
  /* While a handshake is under way, renewing waits for it. */
  if (self->handshake != NULL)
    return self->retry_deadline;

  return tincan_seal_get_deadline (self->seal, rekey_after (self));
}

/* The API of the keys */

/**
 * tincan_link_set_static_key:
 * @self: a #TincanLink
 * @private_key: (array fixed-size=32): the installation's long-term
 *   X25519 private key; copied
 *
 * The key this side proves it holds in every handshake.  Like the
 * identity, set it before the peer.
 */
void
tincan_link_set_static_key (TincanLink   *self,
                            const guint8 *private_key)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (private_key != NULL);
  g_return_if_fail (self->peer_host == NULL);

  memcpy (self->static_private, private_key, sizeof self->static_private);
  if (!tincan_noise_public_key (self->static_private, self->static_public))
    g_critical ("Not a usable X25519 key");
}

/* Returns: (array fixed-size=32): this side's long-term public key */
const guint8 *
tincan_link_get_public_key (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  return self->static_public;
}

/**
 * tincan_link_set_trust_func:
 * @self: a #TincanLink
 * @func: (nullable): decides, for each handshake, whether the peer's key
 *   is one to talk to; without one, every key is
 * @user_data: for @func
 * @destroy: (nullable): frees @user_data
 *
 * A refused key is kept in #TincanLink:refused-key; nothing from that
 * handshake is shown and nothing is sent to it, and messages for the
 * peer wait.  After the key is accepted (so that @func now says yes),
 * call tincan_link_renew_handshake().
 */
void
tincan_link_set_trust_func (TincanLink          *self,
                            TincanLinkTrustFunc  func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  g_return_if_fail (TINCAN_IS_LINK (self));

  if (self->trust_destroy != NULL)
    self->trust_destroy (self->trust_data);

  self->trust_func = func;
  self->trust_data = user_data;
  self->trust_destroy = destroy;
}

/* Returns: (nullable) (array fixed-size=32): see #TincanLink:peer-key */
const guint8 *
tincan_link_get_peer_key (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  return self->has_peer_key ? self->peer_key : NULL;
}

/* Returns: (nullable) (array fixed-size=32): see #TincanLink:refused-key */
const guint8 *
tincan_link_get_refused_key (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  return self->has_refused_key ? self->refused_key : NULL;
}

/* Returns: whether what goes to the peer is sealed now */
gboolean
tincan_link_get_encrypted (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), FALSE);

  return self->mode == TINCAN_MODE_RELIABLE && tincan_link_is_established (self);
}

/**
 * tincan_link_renew_handshake:
 * @self: a #TincanLink
 *
 * Starts a new handshake now, forgetting a refused key: after the user
 * accepted a changed key, say.
 */
void
tincan_link_renew_handshake (TincanLink *self)
{
  g_return_if_fail (TINCAN_IS_LINK (self));

  if (self->mode != TINCAN_MODE_RELIABLE)
    return;

  if (self->has_refused_key)
    {
      sodium_memzero (self->refused_key, sizeof self->refused_key);
      self->has_refused_key = FALSE;
      tincan_link_notify_keys (self);
    }

  g_clear_pointer (&self->handshake, tincan_handshake_free);
  self->retry_deadline = G_MAXINT64;
  tincan_link_send_hello (self);
  tincan_link_schedule (self);
}

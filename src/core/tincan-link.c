/* tincan-link.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The UDP link to one peer, on a port (one non-blocking socket watched
 * on the main loop, shared by any number of links: tincan-port.c), no
 * threads.  This is the hub; each rule of docs/PROTOCOL.md lives in a
 * part named for it, and the parts never call back into the link:
 *
 *   tincan-udp-socket.c   the socket, batched I/O, the error queue and
 *                         the peer-address filter
 *   tincan-sender.c       the outgoing queue, ACKs, loss, congestion,
 *                         round trip and give-up (*Reliability*)
 *   tincan-receiver.c     the receive window, reassembly, in-order
 *                         delivery, ACKs to send, plain text
 *   tincan-path-probe.c   the datagram-size search (*Path size*)
 *   tincan-presence.c     HELLO and keepalive deadlines (*Presence*)
 *   tincan-goodbye.c      BYEs and lingering when closing (*Leaving*)
 *   tincan-handshake.c    one Noise handshake (*The handshake*)
 *   tincan-seal.c         the keys in use, sealing and opening, the
 *                         replay window (*Sealed packets*)
 *
 * The hub is five files, sharing tincan-link-internal.h.
 * tincan-link-packets.c is the packet path: it decodes each datagram and
 * hands it to the part it is for, sends what the parts ask for, keeps one
 * timer source at the earliest of their deadlines, and starts a new epoch
 * when the peer restarts or the path turns out a black hole.
 * tincan-link-handshake.c is the encryption: handshakes, trust, sealing
 * and opening, new keys, and the API of the keys.  tincan-link-goodbye.c
 * says goodbye.  tincan-link-address.c is where the peer is: resolving
 * it, roaming, moving.  This file is the object: its properties and
 * signals, the public API (what the outbox and the chat call) and the
 * connection test.  tincan-link-ipmsg.c is IP Messenger mode, which
 * uses none of the parts above but the socket, and a sender of its own
 * (tincan-ipmsg-sender.c).
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "tincan-link-internal.h"

#define TEST_TIMEOUT_SECONDS   3

G_DEFINE_QUARK (tincan-link-error-quark, tincan_link_error)

G_DEFINE_ENUM_TYPE (TincanIgnoredReason, tincan_ignored_reason,
                    G_DEFINE_ENUM_VALUE (TINCAN_IGNORED_NOT_TINCAN, "not-tincan"),
                    G_DEFINE_ENUM_VALUE (TINCAN_IGNORED_NOT_UTF8, "not-utf-8"),
                    G_DEFINE_ENUM_VALUE (TINCAN_IGNORED_CONTROL, "control"),
                    G_DEFINE_ENUM_VALUE (TINCAN_IGNORED_NOT_IPMSG, "not-ipmsg"))

static void tincan_link_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TincanLink, tincan_link, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      tincan_link_initable_iface_init))

enum {
  PROP_0,
  PROP_LOCAL_PORT,
  PROP_MODE,
  PROP_PRESENCE,
  PROP_PEER_NAME,
  PROP_PEER_KEY,
  PROP_REFUSED_KEY,
  PROP_ENCRYPTED,
  PROP_PORT,
  PROP_PEER_ADDRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  MESSAGE_RECEIVED,
  PEER_ERROR,
  DATAGRAM_IGNORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void finish_test (TincanLink *self, gint64 rtt, GError *error);

/* For the packet path, in tincan-link-packets.c */

void
tincan_link_set_presence (TincanLink     *self,
                          TincanPresence  presence)
{
  if (presence == TINCAN_PRESENCE_NOT_LISTENING && self->test != NULL)
    finish_test (self, -1, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                        _("Nothing is listening on port %u of that computer"),
                                        self->peer_port));

  if (tincan_presence_tracker_set (self->presence, presence))
    tincan_link_presence_changed (self);
}

void
tincan_link_presence_changed (TincanLink *self)
{
  if (tincan_presence_tracker_get (self->presence) == TINCAN_PRESENCE_ONLINE)
    tincan_link_unpark (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
}

void
tincan_link_set_peer_name (TincanLink *self,
                           const char *name)
{
  if (g_strcmp0 (self->peer_name, name) == 0)
    return;

  g_free (self->peer_name);
  self->peer_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_NAME]);
}

void
tincan_link_emit_message_received (TincanLink    *self,
                                   TincanMessage *message)
{
  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, message);
}

void
tincan_link_emit_peer_error (TincanLink   *self,
                             const GError *error)
{
  g_signal_emit (self, signals[PEER_ERROR], 0, error);
}

void
tincan_link_emit_datagram_ignored (TincanLink          *self,
                                   TincanIgnoredReason  reason,
                                   gsize                length)
{
  g_signal_emit (self, signals[DATAGRAM_IGNORED], 0, reason, (guint) length);
}

/* The peer answered: a connection test waiting for it is over. */
void
tincan_link_test_answered (TincanLink *self,
                           gint64      now)
{
  if (self->test != NULL)
    finish_test (self, now - self->test_started, NULL);
}

/* The connection test */

static void
finish_test (TincanLink *self,
             gint64      rtt,
             GError     *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->test);

  if (task == NULL)
    return;

  g_clear_handle_id (&self->test_timeout, g_source_remove);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, rtt);
}

/* The peer */

/* Where the peer is changed: the port's routes follow, and whoever
 * shows it is told.
 */
void
tincan_link_peer_address_changed (TincanLink *self)
{
  if (self->port != NULL)
    tincan_port_update_link (self->port, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_ADDRESS]);
}

/* GObject */

static gboolean
tincan_link_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  TincanLink *self = TINCAN_LINK (initable);

  if (self->socket != NULL)
    return TRUE;

  /* tincan_link_new(): a port for this link alone. */
  if (self->port == NULL)
    {
      self->port = tincan_port_new_private (self->local_port, error);
      if (self->port == NULL)
        return FALSE;
    }

  self->socket = tincan_udp_socket_new_sharing (tincan_port_get_socket (self->port), &self->stats);
  self->local_port = tincan_port_get_local_port (self->port);
  tincan_port_add_link (self->port, self, self->socket, self->session);

  tincan_link_attach_sources (self);

  return TRUE;
}

static void
tincan_link_initable_iface_init (GInitableIface *iface)
{
  iface->init = tincan_link_initable_init;
}

static void
tincan_link_dispose (GObject *object)
{
  TincanLink *self = TINCAN_LINK (object);

  g_cancellable_cancel (self->cancellable);
  finish_test (self, -1, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("The connection was closed")));
  tincan_link_finish_close (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The connection was closed")));

  if (self->port != NULL)
    {
      tincan_port_remove_link (self->port, self);
      g_clear_object (&self->port);
    }

  if (self->timer_source != NULL)
    {
      g_source_destroy (self->timer_source);
      g_clear_pointer (&self->timer_source, g_source_unref);
    }

  /* Whatever was still on its way will not get there through this link:
   * say so, so it can be retried on another.
   */
  tincan_sender_fail_all (self->sender, _("Stopped before the message was delivered"));
  tincan_ipmsg_sender_fail_all (self->ipmsg_sender, _("Stopped before the message was delivered"));
  for (guint i = 0; i < self->parked->len; i++)
    {
      tincan_message_set_waiting_for (g_ptr_array_index (self->parked, i), NULL);
      tincan_message_set_state (g_ptr_array_index (self->parked, i), TINCAN_MESSAGE_FAILED,
                                _("Stopped before the message was delivered"));
    }
  g_ptr_array_set_size (self->parked, 0);

  for (guint i = 0; i < self->plain_queue->len; i++)
    tincan_message_set_state (g_ptr_array_index (self->plain_queue, i), TINCAN_MESSAGE_FAILED,
                              _("Stopped before the message was sent"));
  g_ptr_array_set_size (self->plain_queue, 0);

  tincan_receiver_restart (self->receiver);
  tincan_link_forget_keys (self);

  if (self->trust_destroy != NULL)
    self->trust_destroy (self->trust_data);
  self->trust_func = NULL;
  self->trust_destroy = NULL;
  self->trust_data = NULL;

  G_OBJECT_CLASS (tincan_link_parent_class)->dispose (object);
}

static void
tincan_link_finalize (GObject *object)
{
  TincanLink *self = TINCAN_LINK (object);

  g_clear_pointer (&self->socket, tincan_udp_socket_free);
  g_clear_pointer (&self->sender, tincan_sender_free);
  tincan_link_ipmsg_finalize (self);
  g_clear_pointer (&self->receiver, tincan_receiver_free);
  g_clear_pointer (&self->probe, tincan_path_probe_free);
  g_clear_pointer (&self->presence, tincan_presence_tracker_free);
  g_clear_pointer (&self->seal, tincan_seal_free);
  g_clear_pointer (&self->sealed_buffers, g_free);
  g_clear_pointer (&self->open_buffer, g_free);
  sodium_memzero (self->static_private, sizeof self->static_private);
  g_clear_pointer (&self->goodbye, tincan_goodbye_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->plain_queue, g_ptr_array_unref);
  g_clear_pointer (&self->parked, g_ptr_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->filter_buffer, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->peer_host, g_free);
  g_clear_pointer (&self->peer_name, g_free);

  G_OBJECT_CLASS (tincan_link_parent_class)->finalize (object);
}

static void
tincan_link_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TincanLink *self = TINCAN_LINK (object);

  switch (prop_id)
    {
    case PROP_LOCAL_PORT:
      g_value_set_uint (value, self->local_port);
      break;

    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    case PROP_PRESENCE:
      g_value_set_enum (value, tincan_presence_tracker_get (self->presence));
      break;

    case PROP_PEER_NAME:
      g_value_set_string (value, self->peer_name);
      break;

    case PROP_PEER_KEY:
      g_value_take_boxed (value, self->has_peer_key
                                 ? g_bytes_new (self->peer_key, sizeof self->peer_key) : NULL);
      break;

    case PROP_REFUSED_KEY:
      g_value_take_boxed (value, self->has_refused_key
                                 ? g_bytes_new (self->refused_key, sizeof self->refused_key) : NULL);
      break;

    case PROP_ENCRYPTED:
      g_value_set_boolean (value, tincan_link_get_encrypted (self));
      break;

    case PROP_PORT:
      g_value_set_object (value, self->port);
      break;

    case PROP_PEER_ADDRESS:
      g_value_take_object (value, tincan_link_dup_peer_address (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_link_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TincanLink *self = TINCAN_LINK (object);

  switch (prop_id)
    {
    case PROP_LOCAL_PORT:
      self->local_port = g_value_get_uint (value);
      break;

    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;

    case PROP_PORT:
      self->port = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_link_class_init (TincanLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_link_dispose;
  object_class->finalize = tincan_link_finalize;
  object_class->get_property = tincan_link_get_property;
  object_class->set_property = tincan_link_set_property;

  properties[PROP_LOCAL_PORT] =
    g_param_spec_uint ("local-port", NULL, NULL,
                       0, G_MAXUINT16, TINCAN_DEFAULT_PORT,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       TINCAN_TYPE_MODE, TINCAN_MODE_RELIABLE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL,
                       TINCAN_TYPE_PRESENCE, TINCAN_PRESENCE_UNKNOWN,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PEER_NAME] =
    g_param_spec_string ("peer-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanLink:peer-key:
   *
   * The long-term public key of the peer at the other end of the keys
   * in use, as the trust function accepted it; %NULL before.
   */
  properties[PROP_PEER_KEY] =
    g_param_spec_boxed ("peer-key", NULL, NULL, G_TYPE_BYTES,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanLink:refused-key:
   *
   * The key of the last handshake the trust function refused, until a
   * handshake with a trusted key; %NULL if none.
   */
  properties[PROP_REFUSED_KEY] =
    g_param_spec_boxed ("refused-key", NULL, NULL, G_TYPE_BYTES,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ENCRYPTED] =
    g_param_spec_boolean ("encrypted", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanLink:port:
   *
   * The port the link reads and sends through: shared with other links
   * (tincan_link_new_on_port()), or its own (tincan_link_new()).
   */
  properties[PROP_PORT] =
    g_param_spec_object ("port", NULL, NULL, TINCAN_TYPE_PORT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanLink:peer-address:
   *
   * Where what the link sends goes: the peer's first resolved address,
   * or the one it last moved or roamed to.  %NULL before the peer's
   * address is known.
   */
  properties[PROP_PEER_ADDRESS] =
    g_param_spec_object ("peer-address", NULL, NULL, G_TYPE_INET_SOCKET_ADDRESS,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanLink::message-received:
   * @link: the link
   * @message: a message from the peer, complete, in the order sent
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);

  /**
   * TincanLink::peer-error:
   * @link: the link
   * @error: why the peer cannot be reached at all, such as a host name
   *   that does not resolve, or a peer that speaks another version of the
   *   protocol
   */
  signals[PEER_ERROR] =
    g_signal_new ("peer-error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * TincanLink::datagram-ignored:
   * @link: the link
   * @reason: a #TincanIgnoredReason
   * @length: the datagram's size in bytes
   *
   * A datagram came from the peer's address and is not a message: in Tin
   * Can mode one that is not a Tin Can packet, in plain mode one that is
   * not text.  It was dropped, unanswered, and counted.
   */
  signals[DATAGRAM_IGNORED] =
    g_signal_new ("datagram-ignored",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TINCAN_TYPE_IGNORED_REASON, G_TYPE_UINT);
}


static void
tincan_link_init (TincanLink *self)
{
  self->rand = g_rand_new ();
  do
    self->session = ((guint64) g_rand_int (self->rand) << 32) | g_rand_int (self->rand);
  while (self->session == 0);

  /* Until tincan_link_set_identity(): an identity for this run alone. */
  tincan_wire_random_identity (self->identity);

  self->cancellable = g_cancellable_new ();
  self->plain_queue = g_ptr_array_new_with_free_func (g_object_unref);
  self->parked = g_ptr_array_new_with_free_func (g_object_unref);
  self->local_port = TINCAN_DEFAULT_PORT;
  self->sender = tincan_sender_new (self->rand, &self->stats);
  self->receiver = tincan_receiver_new (&self->stats);
  self->probe = tincan_path_probe_new (self->rand);
  self->presence = tincan_presence_tracker_new (self->rand);

  /* Until tincan_link_set_static_key(): a key for this run alone. */
  self->seal = tincan_seal_new ();
  self->retry_deadline = G_MAXINT64;
  self->handshake_tokens = 10.0;
  self->handshake_tokens_time = g_get_monotonic_time ();
  self->sealed_buffers = g_malloc ((gsize) TINCAN_LINK_SEND_BATCH * TINCAN_WIRE_MAX_DATAGRAM);
  self->open_buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  tincan_noise_generate_keypair (self->static_private, self->static_public);
  self->goodbye = tincan_goodbye_new ();
  tincan_link_ipmsg_init (self);
}

/* Public API */

/**
 * tincan_link_new:
 * @local_port: the UDP port to listen on, or 0 for any free one
 * @mode: how to talk to the peer
 * @error: return location for a #GError, such as
 *   %G_IO_ERROR_ADDRESS_IN_USE
 *
 * Opens the socket and watches it on the thread-default main context.
 *
 * Returns: (transfer full): a new #TincanLink, or %NULL
 */
TincanLink *
tincan_link_new (guint16      local_port,
                 TincanMode   mode,
                 GError     **error)
{
  return g_initable_new (TINCAN_TYPE_LINK, NULL, error,
                         "local-port", (guint) local_port,
                         "mode", mode,
                         NULL);
}

/**
 * tincan_link_new_on_port:
 * @port: a #TincanPort
 * @mode: how to talk to the peer
 *
 * A link that reads and sends through @port, alongside its other links:
 * datagrams reach it by its session, or from its peer's addresses.
 *
 * Returns: (transfer full): a new #TincanLink
 */
TincanLink *
tincan_link_new_on_port (TincanPort *port,
                         TincanMode  mode)
{
  TincanLink *self;

  g_return_val_if_fail (TINCAN_IS_PORT (port), NULL);

  self = g_object_new (TINCAN_TYPE_LINK,
                       "port", port,
                       "mode", mode,
                       NULL);

  /* Cannot fail: the port is bound already. */
  g_initable_init (G_INITABLE (self), NULL, NULL);

  return self;
}

guint16
tincan_link_get_local_port (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->local_port;
}

TincanMode
tincan_link_get_mode (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), TINCAN_MODE_RELIABLE);

  return self->mode;
}

/**
 * tincan_link_set_display_name:
 * @self: a #TincanLink
 * @name: the name the peer shows for us, sent in every hello
 */
void
tincan_link_set_display_name (TincanLink *self,
                              const char *name)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (name == NULL || g_utf8_validate (name, -1, NULL));

  g_free (self->display_name);
  self->display_name = g_strdup (name);
}

/**
 * tincan_link_get_peer_name:
 * @self: a #TincanLink
 *
 * Returns: (nullable): the name from the peer's hello
 */
const char *
tincan_link_get_peer_name (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  return self->peer_name;
}

TincanPresence
tincan_link_get_presence (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), TINCAN_PRESENCE_UNKNOWN);

  return tincan_presence_tracker_get (self->presence);
}

/**
 * tincan_link_get_rtt:
 * @self: a #TincanLink
 *
 * Returns: the smoothed round-trip time in microseconds, or 0 before the
 *   first measurement
 */
gint64
tincan_link_get_rtt (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return tincan_sender_get_srtt (self->sender);
}

guint64
tincan_link_get_session_id (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->session;
}

static void
enqueue (TincanLink    *self,
         TincanMessage *message)
{
  gint64 now = g_get_monotonic_time ();

  if (self->mode == TINCAN_MODE_PLAIN)
    {
      g_ptr_array_add (self->plain_queue, g_object_ref (message));
      tincan_link_flush (self);
      return;
    }

  if (self->mode == TINCAN_MODE_IPMSG)
    {
      tincan_link_ipmsg_enqueue (self, message);
      return;
    }

  tincan_sender_add (self->sender, message, now);

  /* Offline or not met yet: say hello now rather than at the next retry. */
  if (tincan_link_has_peer (self) && tincan_presence_tracker_hurry (self->presence, now))
    tincan_link_send_hello (self);

  tincan_link_flush (self);
  tincan_link_schedule (self);
}

/**
 * tincan_link_send:
 * @self: a #TincanLink
 * @text: UTF-8 text, 1 byte to 1 MiB
 * @error: return location for a #TincanMessageError
 *
 * Queues @text for the peer.  Watch the message's #TincanMessage:state:
 * it ends delivered or failed (in plain mode: sent).  In IP Messenger
 * mode its #TincanMessage:n-parts says how many datagrams it takes.
 *
 * Returns: (transfer full): the message, or %NULL if @text cannot be sent
 */
TincanMessage *
tincan_link_send (TincanLink  *self,
                  const char  *text,
                  GError     **error)
{
  g_autoptr(TincanMessage) message = NULL;

  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!tincan_message_check_text (text, error))
    return NULL;

  message = tincan_message_new_outgoing (text, self->mode == TINCAN_MODE_PLAIN);
  enqueue (self, message);

  return g_steal_pointer (&message);
}

/**
 * tincan_link_send_message:
 * @self: a #TincanLink
 * @message: an outgoing message, queued or sent, that is in no link
 *
 * Queues a message made elsewhere: one that was stored before it was
 * sent, or one left over from a link that was closed.  Its ID is kept,
 * so a peer that already has it acknowledges it without showing it
 * again.
 */
void
tincan_link_send_message (TincanLink    *self,
                          TincanMessage *message)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));
  g_return_if_fail (tincan_message_get_outgoing (message));

  if (tincan_message_get_state (message) != TINCAN_MESSAGE_QUEUED)
    tincan_message_set_state (message, TINCAN_MESSAGE_QUEUED, NULL);

  enqueue (self, message);
}

/**
 * tincan_link_take_pending:
 * @self: a #TincanLink
 *
 * Takes back every message not delivered (in plain mode: not sent) yet,
 * leaving their states as they are.  For handing them to another link, or
 * for keeping them in the outbox when Tin Can quits: a link disposed with
 * messages still pending fails them.
 *
 * Returns: (transfer full) (element-type TincanMessage): oldest first
 */
GPtrArray *
tincan_link_take_pending (TincanLink *self)
{
  GPtrArray *pending = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (TINCAN_IS_LINK (self), pending);

  /* Oldest first: what waited for the peer was written before what the
   * sender has now.
   */
  tincan_link_take_parked (self, pending);
  g_ptr_array_extend_and_steal (pending, tincan_sender_take_all (self->sender));
  g_ptr_array_extend_and_steal (pending, tincan_ipmsg_sender_take_all (self->ipmsg_sender));

  /* Records belong to this link's files engine, which offers again on
   * the next one: they fail here rather than go with the messages.
   */
  for (guint i = pending->len; i > 0; i--)
    {
      TincanMessage *message = g_ptr_array_index (pending, i - 1);

      if (tincan_message_get_record (message) != NULL)
        {
          tincan_message_set_state (message, TINCAN_MESSAGE_FAILED, "");
          g_ptr_array_remove_index (pending, i - 1);
        }
    }

  for (guint i = 0; i < self->plain_queue->len; i++)
    g_ptr_array_add (pending, g_object_ref (g_ptr_array_index (self->plain_queue, i)));
  g_ptr_array_set_size (self->plain_queue, 0);

  tincan_link_schedule (self);

  return pending;
}

/**
 * tincan_link_set_identity:
 * @self: a #TincanLink
 * @identity: (array fixed-size=16): the installation's identity, not all
 *   zero
 *
 * Sets the identity sent in every hello.  A peer keys the messages it has
 * seen by it, so it must stay the same across restarts, and be set before
 * the peer is: a peer takes the identity of a session from its hellos.
 */
void
tincan_link_set_identity (TincanLink   *self,
                          const guint8 *identity)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (identity != NULL);
  g_return_if_fail (self->peer_host == NULL);
  g_return_if_fail (!tincan_wire_identity_is_zero (identity));

  memcpy (self->identity, identity, TINCAN_WIRE_IDENTITY_SIZE);
}

/* For the packet path: the keys or the trust in them changed. */
void
tincan_link_notify_keys (TincanLink *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_KEY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSED_KEY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCRYPTED]);
}

/**
 * tincan_link_set_keep_func:
 * @self: a #TincanLink
 * @func: (nullable): called with each complete message before it is
 *   acknowledged
 * @user_data: for @func
 *
 * With a keep function, a message from the peer is acknowledged only once
 * @func has kept it (stored it, say); if @func refuses it, the sender
 * sends it again later.  #TincanLink::message-received is emitted only
 * for messages @func calls new.
 */
void
tincan_link_set_keep_func (TincanLink         *self,
                           TincanLinkKeepFunc  func,
                           gpointer            user_data)
{
  g_return_if_fail (TINCAN_IS_LINK (self));

  self->keep_func = func;
  self->keep_data = user_data;
}

/**
 * tincan_link_set_record_func:
 * @self: a #TincanLink
 * @func: (nullable): called with each record from the peer before it is
 *   acknowledged
 * @user_data: for @func
 *
 * Takes records (docs/PROTOCOL.md, *Files*) from the peer, and says so
 * in the hellos from the next handshake on: set it before the peer.
 */
void
tincan_link_set_record_func (TincanLink           *self,
                             TincanLinkRecordFunc  func,
                             gpointer              user_data)
{
  g_return_if_fail (TINCAN_IS_LINK (self));

  self->record_func = func;
  self->record_data = user_data;
}

/**
 * tincan_link_get_peer_takes_records:
 * @self: a #TincanLink
 *
 * Returns: %TRUE if the peer's last hello said it takes records; one
 *   before them would show a record as garbled text, so none is sent to it
 */
gboolean
tincan_link_get_peer_takes_records (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), FALSE);

  return self->mode == TINCAN_MODE_RELIABLE
         && (self->peer_features & TINCAN_WIRE_FEATURE_RECORDS) != 0;
}

/**
 * tincan_link_send_record:
 * @self: a #TincanLink
 * @record: a record, 0x00 first, at most %TINCAN_WIRE_MAX_MESSAGE bytes
 *
 * Queues @record for the peer, reliably and in order with the messages.
 * The message is never stored: it ends delivered once the peer's record
 * function took it, or failed.  Records are not parked for a peer that
 * is away: they fail at the give-up time, and the files engine offers
 * again when the peer is back.
 *
 * Returns: (transfer full) (nullable): its message, or %NULL in plain
 *   and IP Messenger modes
 */
TincanMessage *
tincan_link_send_record (TincanLink *self,
                         GBytes     *record)
{
  g_autoptr(TincanMessage) message = NULL;
  gsize length;
  const guint8 *data;

  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);
  g_return_val_if_fail (record != NULL, NULL);

  data = g_bytes_get_data (record, &length);
  g_return_val_if_fail (length >= 2 && length <= TINCAN_WIRE_MAX_MESSAGE && data[0] == 0, NULL);

  if (self->mode != TINCAN_MODE_RELIABLE)
    return NULL;

  message = tincan_message_new_record (record);
  enqueue (self, message);

  return g_steal_pointer (&message);
}

/**
 * tincan_link_retry:
 * @self: a #TincanLink
 * @message: a failed message sent through @self
 * @error: return location for a #TincanLinkError
 *
 * Queues @message again, with a new give-up time.
 *
 * Returns: %TRUE if it was queued
 */
gboolean
tincan_link_retry (TincanLink     *self,
                   TincanMessage  *message,
                   GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  if (!tincan_message_get_outgoing (message)
      || tincan_message_get_state (message) != TINCAN_MESSAGE_FAILED)
    {
      g_set_error_literal (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_NOT_FAILED,
                           _("Only a message that failed can be sent again"));
      return FALSE;
    }

  tincan_message_set_state (message, TINCAN_MESSAGE_QUEUED, NULL);
  enqueue (self, message);

  return TRUE;
}

static gboolean
on_test_timeout_cb (gpointer user_data)
{
  TincanLink *self = TINCAN_LINK (user_data);

  self->test_timeout = 0;
  finish_test (self, -1,
               g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                            _("Nothing answered. Check that Tin Can runs on the other computer, and that its firewall lets UDP port %u in."),
                            self->peer_port));

  return G_SOURCE_REMOVE;
}

/**
 * tincan_link_test_async:
 * @self: a #TincanLink
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Says hello to the peer and waits up to three seconds for an answer.
 * Finish with tincan_link_test_finish().  A newer test replaces one still
 * waiting, which then fails with %G_IO_ERROR_CANCELLED.
 */
void
tincan_link_test_async (TincanLink          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TINCAN_IS_LINK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_link_test_async);

  if (self->mode != TINCAN_MODE_RELIABLE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Plain text has no answers to test with"));
      return;
    }

  if (!tincan_link_has_peer (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND,
                               "%s", tincan_link_failure_reason (self));
      return;
    }

  finish_test (self, -1, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("Another test started")));

  self->test = g_steal_pointer (&task);
  self->test_started = g_get_monotonic_time ();
  self->test_timeout = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, on_test_timeout_cb, self);

  /* A PING once keys are in use; before, a hello, as it is answered
   * whether or not the peer knows us yet.
   */
  if (tincan_link_is_established (self))
    tincan_link_send_ping (self);
  else
    tincan_link_send_hello (self);
}

/**
 * tincan_link_test_finish:
 * @self: a #TincanLink
 * @result: the result
 * @error: return location for a #GError: %G_IO_ERROR_TIMED_OUT when
 *   nothing answered, %G_IO_ERROR_CONNECTION_REFUSED when nothing listens
 *
 * Returns: the round trip in microseconds, or -1
 */
gint64
tincan_link_test_finish (TincanLink    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * tincan_link_get_n_pending:
 * @self: a #TincanLink
 *
 * Returns: how many messages are neither delivered nor failed yet
 */
guint
tincan_link_get_n_pending (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return tincan_sender_get_n_pending (self->sender) + self->plain_queue->len + self->parked->len
         + tincan_ipmsg_sender_get_n_pending (self->ipmsg_sender);
}

const TincanLinkStats *
tincan_link_get_stats (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  return &self->stats;
}


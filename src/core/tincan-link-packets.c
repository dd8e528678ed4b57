/* tincan-link-packets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link's packet path: what comes in (each datagram decoded and handed
 * to the part it is for, complete messages kept, then delivered), what
 * goes out (what the sender, the receiver, the path probe and the
 * presence tracker ask for, batched into one sendmmsg() where it can be),
 * and the one timer source, set to the earliest deadline of the parts.
 * The object, its properties, signals and public API are in
 * tincan-link.c.
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tincan-link-internal.h"

#define PLAIN_CHUNK            1024

/* Sending */

static void
send_failed (TincanLink   *self,
             const GError *error)
{
  self->stats.send_errors++;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    tincan_link_set_presence (self, TINCAN_PRESENCE_NOT_LISTENING);
  else
    g_debug ("Could not send: %s", error->message);

  /* Lost like any datagram: the timers bring it again. */
}

void
tincan_link_flush_batch (TincanLink *self)
{
  g_autoptr(GError) error = NULL;

  self->n_sealed = 0;
  if (!tincan_udp_socket_flush (self->socket, &error))
    send_failed (self, error);
}

/* Onto the socket: batched while the link batches, and while @head
 * fits in a batch's buffer.
 */
gboolean
tincan_link_transmit (TincanLink    *self,
                      const guint8  *head,
                      gsize          head_length,
                      const guint8  *tail,
                      gsize          tail_length,
                      GError       **error)
{
  if (self->batching && head_length <= TINCAN_WIRE_BASE_DATAGRAM)
    return tincan_udp_socket_queue (self->socket, head, head_length, tail, tail_length, error);

  tincan_link_flush_batch (self);

  return tincan_udp_socket_send (self->socket, head, head_length, tail, tail_length, error);
}

/* Tests only: whether the test filter lets a datagram (or, for a
 * sealed one, the packet before it is sealed) through.  It sees it
 * whole.
 */
gboolean
tincan_link_filter_passes (TincanLink   *self,
                           const guint8 *head,
                           gsize         head_length,
                           const guint8 *tail,
                           gsize         tail_length)
{
  if (self->filter == NULL)
    return TRUE;

  if (self->filter_buffer == NULL)
    self->filter_buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
  memcpy (self->filter_buffer, head, head_length);
  if (tail_length > 0)
    memcpy (self->filter_buffer + head_length, tail, tail_length);

  return self->filter (self, self->filter_buffer, head_length + tail_length, self->filter_data);
}

/* Sends @head followed by @tail as one datagram, as it is: plain text,
 * or a handshake message.  While batching, @tail must stay where it is
 * until the batch is flushed.  Returns FALSE, with @error set, if the
 * socket refused it there and then.
 */
gboolean
tincan_link_send_datagram_full (TincanLink    *self,
                                const guint8  *head,
                                gsize          head_length,
                                const guint8  *tail,
                                gsize          tail_length,
                                GError       **error)
{
  if (!tincan_link_has_peer (self) || !tincan_link_filter_passes (self, head, head_length, tail, tail_length))
    return TRUE;

  return tincan_link_transmit (self, head, head_length, tail, tail_length, error);
}

void
tincan_link_send_datagram (TincanLink   *self,
                           const guint8 *head,
                           gsize         head_length,
                           const guint8 *tail,
                           gsize         tail_length)
{
  g_autoptr(GError) error = NULL;

  if (!tincan_link_send_datagram_full (self, head, head_length, tail, tail_length, &error))
    send_failed (self, error);
}

/* From this session, to the peer's: every packet the parts ask for. */
static void
address_packet (TincanLink   *self,
                TincanPacket *packet)
{
  packet->sender_session = self->session;
  packet->receiver_session = self->peer_session;
}

/* Sealed, as every packet after the handshake. */
static void
send_packet (TincanLink   *self,
             TincanPacket *packet)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[TINCAN_WIRE_BASE_DATAGRAM];
  gsize length;

  address_packet (self, packet);
  length = tincan_wire_encode (packet, buffer, sizeof buffer);

  if (length > 0 && !tincan_link_send_sealed (self, buffer, length, NULL, 0, &error))
    send_failed (self, error);
}

static void
send_ping (TincanLink       *self,
           TincanPacketType  type,
           guint64           token)
{
  TincanPacket packet = { 0 };

  packet.type = type;
  packet.ping.token = token;
  send_packet (self, &packet);
}

/* A PING: key confirmation under new keys, or a question the peer
 * answers at once.
 */
void
tincan_link_send_ping (TincanLink *self)
{
  send_ping (self, TINCAN_PACKET_PING, g_get_monotonic_time ());
}

static void
send_ack (TincanLink *self)
{
  TincanPacket packet;

  tincan_receiver_build_ack (self->receiver, g_get_monotonic_time (), &packet);
  send_packet (self, &packet);
  self->stats.acks_sent++;
}

/* With @repeat_ack, to a peer that sent us DATA, what arrived once more
 * first: a goodbye's BYEs carry its last ACK, in case that was lost.
 */
void
tincan_link_send_bye (TincanLink *self,
                      gboolean    repeat_ack)
{
  TincanPacket packet = { 0 };

  if (repeat_ack && self->data_heard != 0)
    send_ack (self);

  packet.type = TINCAN_PACKET_BYE;
  send_packet (self, &packet);
}

/* A PING padded to the size being probed, or none if the search is over. */
static void
send_probe (TincanLink *self,
            gint64      now)
{
  gboolean online = tincan_presence_tracker_get (self->presence) == TINCAN_PRESENCE_ONLINE;
  guint64 token;
  guint size;

  if (!tincan_link_has_peer (self))
    {
      tincan_path_probe_stop (self->probe);
      return;
    }

  while ((size = tincan_path_probe_next (self->probe, now, online, &token)) > 0)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *buffer = g_malloc (size);
      TincanPacket packet = { 0 };
      gsize length;

      /* The probe is the sealed datagram: the PING inside is smaller. */
      packet.type = TINCAN_PACKET_PING;
      packet.ping.token = token;
      packet.ping.size = size - TINCAN_WIRE_SEAL_OVERHEAD;
      address_packet (self, &packet);
      length = tincan_wire_encode (&packet, buffer, size);

      if (!tincan_link_send_sealed (self, buffer, length, NULL, 0, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
            {
              /* Bigger than the interface here takes. */
              tincan_path_probe_too_big (self->probe);
              continue;
            }
          send_failed (self, error);
        }

      tincan_path_probe_sent (self->probe, now, tincan_sender_get_rto (self->sender));
      return;
    }
}

/* What the sender has for the peer, in batches of one sendmmsg() each. */
static void
flush_reliable (TincanLink *self)
{
  gint64 now = g_get_monotonic_time ();
  guint datagram_size = tincan_path_probe_get_datagram_size (self->probe);
  TincanPacket packets[TINCAN_LINK_SEND_BATCH];
  guint n;

  if (!tincan_link_has_peer (self) || !tincan_link_is_established (self))
    return;

  self->batching = TRUE;

  do
    {
      n = tincan_sender_next (self->sender, now, datagram_size, packets, G_N_ELEMENTS (packets));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GError) error = NULL;
          guint8 header[TINCAN_WIRE_DATA_HEADER_SIZE];

          address_packet (self, &packets[i]);
          if (!tincan_link_send_sealed (self, header, tincan_wire_encode_data_header (&packets[i], header),
                                        packets[i].data.payload, packets[i].data.payload_length, &error))
            send_failed (self, error);
        }
    }
  while (n == G_N_ELEMENTS (packets));

  self->batching = FALSE;
  tincan_link_flush_batch (self);
}

static void
send_plain (TincanLink    *self,
            TincanMessage *message)
{
  const char *text = tincan_message_get_text (message);
  const char *end = text + strlen (text);
  const char *start = text;

  while (start < end)
    {
      /* As many whole characters as fit in one datagram. */
      const char *cut = tincan_wire_utf8_cut (start, end, PLAIN_CHUNK);

      tincan_link_send_datagram (self, (const guint8 *) start, cut - start, NULL, 0);
      start = cut;
    }

  tincan_message_set_state (message, TINCAN_MESSAGE_SENT, NULL);
}

void
tincan_link_flush (TincanLink *self)
{
  if (self->mode == TINCAN_MODE_IPMSG)
    {
      tincan_link_ipmsg_flush (self);
      return;
    }

  if (self->mode == TINCAN_MODE_PLAIN)
    {
      if (!tincan_link_has_peer (self))
        return;

      for (guint i = 0; i < self->plain_queue->len; i++)
        send_plain (self, g_ptr_array_index (self->plain_queue, i));
      g_ptr_array_set_size (self->plain_queue, 0);
      return;
    }

  flush_reliable (self);
}

const char *
tincan_link_failure_reason (TincanLink *self)
{
  if (tincan_presence_tracker_get (self->presence) == TINCAN_PRESENCE_NOT_LISTENING)
    return _("The other computer is not listening on that port");

  if (!tincan_link_has_peer (self))
    return _("The other computer’s address could not be found");

  if (self->has_refused_key)
    return _("The other computer’s key has changed");

  if (self->peer_session == 0 && self->peer_version != 0)
    return _("The other computer runs a version of Tin Can that this one cannot talk to");

  if (self->peer_session == 0)
    return _("The other computer did not answer");

  return _("The other computer did not confirm the message in time");
}

/* Receiving */

/* The owner's keep function (the history), before a message is shown
 * and acknowledged.
 */
TincanKeepResult
tincan_link_keep (TincanLink    *self,
                  TincanMessage *message)
{
  if (self->keep_func == NULL)
    return TINCAN_KEEP_NEW;

  return self->keep_func (self, message, self->keep_data);
}

/* Complete messages, in order, each kept before it is acknowledged. */
static void
deliver_ready (TincanLink *self)
{
  TincanMessage *ready;

  while ((ready = tincan_receiver_next_ready (self->receiver, self->peer_identity)) != NULL)
    {
      g_autoptr(TincanMessage) message = ready;
      GBytes *record = tincan_message_get_record (message);
      TincanKeepResult result;

      /* A record is the files engine's, never text: never kept as a
       * message nor shown.  Without an engine it is taken and dropped,
       * so the sender is not stuck on it.
       */
      if (record != NULL)
        result = self->record_func != NULL
                 ? self->record_func (self, record, self->record_data)
                 : TINCAN_KEEP_DUPLICATE;
      else
        result = tincan_link_keep (self, message);

      if (result == TINCAN_KEEP_REFUSED)
        {
          /* Not kept, so not acknowledged: it is tried again when the
           * sender repeats the fragment.
           */
          self->stats.not_kept++;
          break;
        }

      tincan_receiver_pop_ready (self->receiver);

      if (record != NULL)
        continue;

      if (result == TINCAN_KEEP_DUPLICATE)
        self->stats.duplicates++;
      else
        tincan_link_emit_message_received (self, message);
    }
}

/* One side keeps an idle link alive, the one with the lower session ID. */
static gboolean
keeps_alive (TincanLink *self)
{
  return self->session < self->peer_session;
}

void
tincan_link_peer_session_changed (TincanLink *self,
                                  guint64     session)
{
  gboolean restarted = self->peer_session != 0;

  g_debug ("Peer session %016" G_GINT64_MODIFIER "x%s", session,
           restarted ? " (restarted)" : "");

  self->peer_session = session;
  self->peer_left = FALSE;
  self->data_heard = 0;
  tincan_receiver_restart (self->receiver);

  /* Maybe another computer now, on another path: probed once it shows
   * it hears us.
   */
  tincan_path_probe_reset (self->probe);

  /* Whatever it had received of ours died with its old session. */
  if (restarted)
    tincan_sender_new_epoch (self->sender);
}

void
tincan_link_heard_from_peer (TincanLink *self,
                             gint64      now)
{
  tincan_link_test_answered (self, now);

  if (tincan_presence_tracker_heard (self->presence, now, keeps_alive (self)))
    tincan_link_presence_changed (self);
}

/* The peer's HELLO, from a finished handshake. */
void
tincan_link_handle_hello (TincanLink         *self,
                          const TincanPacket *packet)
{
  tincan_wire_format_identity (packet->hello.identity, self->peer_identity);
  tincan_sender_set_peer_window (self->sender, packet->hello.receive_window);
  self->peer_version = 0;
  self->peer_features = packet->hello.features;

  tincan_link_set_peer_name (self, packet->hello.name);
}

/* The peer is leaving: offline, whatever it still answers while it
 * lingers, until a new handshake.  Nothing fails for it: what is not
 * delivered waits, as for any peer that went away.
 */
static void
handle_bye (TincanLink *self)
{
  self->peer_left = TRUE;
  tincan_link_set_presence (self, TINCAN_PRESENCE_OFFLINE);
}

/* A packet opened from a sealed one: from the peer's session, to ours. */
void
tincan_link_handle_packet (TincanLink         *self,
                           const TincanPacket *packet,
                           gsize               length)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->peer_left && packet->type != TINCAN_PACKET_BYE)
    tincan_link_heard_from_peer (self, now);

  /* Our session came back: the peer reads what we send. */
  tincan_path_probe_peer_hears_us (self->probe, now);

  switch (packet->type)
    {
    case TINCAN_PACKET_DATA:
      /* Even a duplicate: it is acknowledged, and keeps a goodbye waiting. */
      self->data_heard = now;
      tincan_goodbye_data_arrived (self->goodbye, now);
      if (tincan_receiver_handle_data (self->receiver, packet, length, now))
        deliver_ready (self);
      break;

    case TINCAN_PACKET_ACK:
      tincan_sender_handle_ack (self->sender, packet, now);
      break;

    case TINCAN_PACKET_PING:
      send_ping (self, TINCAN_PACKET_PONG, packet->ping.token);
      break;

    case TINCAN_PACKET_PONG:
      /* The answer to the probe out now, or to an earlier try of it. */
      tincan_path_probe_answered (self->probe, packet->ping.token, now);
      break;

    case TINCAN_PACKET_BYE:
      handle_bye (self);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
handle_plain (TincanLink   *self,
              const guint8 *data,
              gsize         length)
{
  g_autoptr(TincanMessage) message = NULL;
  TincanPlainVerdict verdict;

  /* In Tin Can mode nothing vouches for it: not a message at all. */
  if (self->mode == TINCAN_MODE_RELIABLE)
    {
      self->stats.not_tincan++;
      tincan_link_emit_datagram_ignored (self, TINCAN_IGNORED_NOT_TINCAN, length);
      return;
    }

  message = tincan_receiver_take_plain (self->receiver, self->session, data, length, &verdict);
  if (verdict == TINCAN_PLAIN_NOT_UTF8 || verdict == TINCAN_PLAIN_CONTROL)
    tincan_link_emit_datagram_ignored (self, verdict == TINCAN_PLAIN_NOT_UTF8
                                             ? TINCAN_IGNORED_NOT_UTF8 : TINCAN_IGNORED_CONTROL,
                                       length);
  if (message == NULL)
    return;

  /* Nothing will send it again: shown even if it could not be kept. */
  if (tincan_link_keep (self, message) == TINCAN_KEEP_REFUSED)
    self->stats.not_kept++;

  tincan_link_emit_message_received (self, message);
}

/* The peer speaks another version of the protocol: not an attack, and
 * not a network fault, but something its user can fix.  Said once per
 * version, not for every datagram.
 */
static void
other_version (TincanLink *self,
               guint8      version)
{
  g_autoptr(GError) error = NULL;

  self->stats.malformed++;
  if (self->peer_version == version)
    return;

  self->peer_version = version;
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       version < TINCAN_WIRE_VERSION
                       ? _("The other computer runs an older Tin Can (protocol %u, this one speaks %u): it needs updating")
                       : _("The other computer runs a newer Tin Can (protocol %u, this one speaks %u): this one needs updating"),
                       version, TINCAN_WIRE_VERSION);
  g_debug ("%s", error->message);
  tincan_link_emit_peer_error (self, error);
}

/* The packets that name our session, which any address may bring: the
 * handshake's last two messages and sealed packets authenticate
 * themselves (a peer that moved, or roams, sends them from its new
 * address).
 */
static gboolean
carries_our_session (TincanLink         *self,
                     const TincanPacket *packet)
{
  return (packet->type == TINCAN_PACKET_SEALED
          || packet->type == TINCAN_PACKET_HANDSHAKE_REPLY
          || packet->type == TINCAN_PACKET_HANDSHAKE_FINISH)
         && packet->receiver_session == self->session;
}

/**
 * tincan_link_port_receive:
 * @self: a link
 * @datagram: a datagram the port routed to it, by our session or by its
 *   address
 *
 * Decodes it and hands it to the part it is for.  What it asks for is
 * sent by tincan_link_port_answer(), after the batch.
 */
void
tincan_link_port_receive (TincanLink           *self,
                          const TincanDatagram *datagram)
{
  const guint8 *data = datagram->data;
  gsize length = datagram->length;
  gboolean from_peer;
  TincanPacket packet;
  TincanWireResult result;

  if (self->mode == TINCAN_MODE_IPMSG)
    {
      tincan_link_ipmsg_receive (self, datagram);
      return;
    }

  self->stats.datagrams_received++;

  from_peer = tincan_udp_socket_is_from_peer (self->socket, datagram->from, datagram->from_length);
  result = tincan_wire_decode (data, length, &packet);

  if (!from_peer
      && (result != TINCAN_WIRE_OK || self->mode != TINCAN_MODE_RELIABLE
          || !carries_our_session (self, &packet)))
    {
      self->stats.foreign++;
      return;
    }

  if (result == TINCAN_WIRE_NOT_TINCAN)
    handle_plain (self, data, length);
  else if (result == TINCAN_WIRE_BAD_VERSION)
    other_version (self, data[2]);
  else if (result != TINCAN_WIRE_OK)
    {
      g_debug ("Dropped a datagram: %s", tincan_wire_result_to_string (result));
      self->stats.malformed++;
    }
  else if (self->mode != TINCAN_MODE_RELIABLE)
    self->stats.foreign++;
  else if (packet.type == TINCAN_PACKET_SEALED)
    tincan_link_handle_sealed (self, &packet, datagram);
  else if (packet.type >= TINCAN_PACKET_HANDSHAKE_INIT)
    tincan_link_handle_handshake (self, &packet, data);
  else
    {
      /* A packet that travels only sealed, in the clear: forged, or
       * from a peer that cannot have finished a handshake.
       */
      self->stats.unsealed++;
    }
}

/* After a batch of input: the ACK it asked for, what the window now
 * lets out, and the timers.
 */
void
tincan_link_port_answer (TincanLink *self)
{
  g_object_ref (self);

  if (tincan_receiver_ack_pending (self->receiver))
    send_ack (self);

  tincan_link_flush (self);
  tincan_link_schedule (self);

  g_object_unref (self);
}

/* What we sent the peer met "port unreachable". */
void
tincan_link_port_refused (TincanLink *self)
{
  tincan_link_set_presence (self, TINCAN_PRESENCE_NOT_LISTENING);
}

/* Timers: one source, set to the earliest deadline of the parts. */

void
tincan_link_schedule (TincanLink *self)
{
  gint64 next = G_MAXINT64;
  gint64 probe = tincan_path_probe_get_deadline (self->probe);

  if (self->timer_source == NULL)
    return;

  if (self->mode == TINCAN_MODE_IPMSG)
    {
      self->timer_deadline = tincan_link_ipmsg_get_deadline (self);
      return;
    }

  if (!tincan_link_messages_wait (self))
    next = MIN (next, tincan_sender_get_deadline (self->sender));
  next = MIN (next, tincan_receiver_get_deadline (self->receiver));
  next = MIN (next, tincan_presence_tracker_get_deadline (self->presence));
  next = MIN (next, tincan_link_get_keys_deadline (self));
  next = MIN (next, tincan_goodbye_get_deadline (self->goodbye));
  next = MIN (next, tincan_link_get_waiting_deadline (self, g_get_monotonic_time ()));
  if (probe != 0)
    next = MIN (next, probe);

  self->timer_deadline = next;
}

static void
tick_presence (TincanLink *self,
               gint64      now)
{
  TincanPresenceActions actions;

  actions = tincan_presence_tracker_tick (self->presence, now, keeps_alive (self),
                                          tincan_sender_get_n_pending (self->sender) > 0
                                          || self->parked->len > 0);

  /* Leaving: no new hello. */
  if ((actions & TINCAN_PRESENCE_SEND_HELLO) && self->closing == NULL)
    tincan_link_send_hello (self);
  if (actions & TINCAN_PRESENCE_SEND_PING)
    send_ping (self, TINCAN_PACKET_PING, now);
  if (actions & TINCAN_PRESENCE_CHANGED)
    tincan_link_presence_changed (self);
}

static gboolean
on_timer_cb (gpointer user_data)
{
  TincanLink *self = TINCAN_LINK (user_data);
  gint64 now = g_get_monotonic_time ();
  gint64 probe;

  g_object_ref (self);

  if (self->mode == TINCAN_MODE_IPMSG)
    {
      tincan_link_ipmsg_tick (self, now);
      tincan_link_schedule (self);
      g_object_unref (self);
      return G_SOURCE_CONTINUE;
    }

  /* A peer whose key was refused is not silent: its messages wait until
   * the key is accepted, or not.
   */
  if (tincan_sender_has_expired (self->sender, now) && !tincan_link_messages_wait (self)
      && !tincan_link_park (self, now))
    tincan_sender_expire (self->sender, now, tincan_link_failure_reason (self));
  tincan_link_tick_waiting (self);

  tincan_link_tick_keys (self, now);

  /* Timeouts in a row at a size above the base: what is not delivered
   * is cut again to the base size, in a new epoch.
   */
  if (tincan_sender_check_timeout (self->sender, now)
      && tincan_path_probe_black_hole (self->probe, tincan_sender_get_backoff (self->sender), now))
    tincan_sender_new_epoch (self->sender);

  tick_presence (self, now);

  probe = tincan_path_probe_get_deadline (self->probe);
  if (probe != 0 && now >= probe)
    send_probe (self, now);

  tincan_receiver_expire (self->receiver, now);

  tincan_link_close_tick (self, now);

  tincan_link_flush (self);
  tincan_link_schedule (self);

  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

/* The timer source reads the link's next deadline each time the main loop
 * prepares to poll.  A ready time would do the same, but setting one
 * wakes the loop once more every time it changes, which an idle link
 * changing it for each keepalive would pay for.
 */
typedef struct
{
  GSource     source;
  TincanLink *link;
} TimerSource;

static gboolean
timer_prepare (GSource *source,
               gint    *timeout)
{
  TincanLink *self = ((TimerSource *) source)->link;
  gint64 now;

  if (self->timer_deadline == G_MAXINT64)
    {
      *timeout = -1;
      return FALSE;
    }

  now = g_source_get_time (source);
  if (now >= self->timer_deadline)
    {
      *timeout = 0;
      return TRUE;
    }

  *timeout = (gint) MIN ((self->timer_deadline - now + 999) / 1000, G_MAXINT);
  return FALSE;
}

static gboolean
timer_check (GSource *source)
{
  TincanLink *self = ((TimerSource *) source)->link;

  return self->timer_deadline != G_MAXINT64 && g_source_get_time (source) >= self->timer_deadline;
}

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  ((TimerSource *) source)->link->timer_deadline = G_MAXINT64;

  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  .prepare = timer_prepare,
  .check = timer_check,
  .dispatch = timer_dispatch,
};

/* Starts the timers on the thread-default main context; the port
 * watches the socket.
 */
void
tincan_link_attach_sources (TincanLink *self)
{
  self->timer_deadline = G_MAXINT64;
  self->timer_source = g_source_new (&timer_funcs, sizeof (TimerSource));
  ((TimerSource *) self->timer_source)->link = self;
  g_source_set_callback (self->timer_source, on_timer_cb, self, NULL);
  g_source_set_static_name (self->timer_source, "[tincan] timers");
  g_source_attach (self->timer_source, g_main_context_get_thread_default ());
}

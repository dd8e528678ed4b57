/* tincan-link-ipmsg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link in IP Messenger mode (docs/IPMSG.md): the same object, the
 * same API (send, retry, cancel, presence, the peer's name, close), so
 * that the conversation, the history and the notifications need
 * nothing of their own for it; only the datagrams differ.  Nothing is
 * encrypted and nothing vouches for who sent what.
 *
 * Only datagrams from the peer's address are read; the rest of the port
 * is someone else's business (the hub's, or nobody's on a private port),
 * and is counted as foreign.  From the peer:
 *
 *   SENDMSG    shown once: de-duplicated by its packet number for the
 *              peer's current run (a BR_ENTRY starts a new one, and
 *              iptux's numbers start again from 1), acknowledged with a
 *              RECVMSG when it asks (SENDCHECKOPT, not a broadcast),
 *              repeats too, as the RECVMSG may have been lost
 *   RECVMSG    the part in flight with that number is delivered
 *   BR_ENTRY   answered with ANSENTRY; online; its names
 *   ANSENTRY, BR_ABSENCE  online; its names
 *   BR_EXIT    offline: what is queued fails, saying so, and what is
 *              sent fails at once until the peer is heard again
 *
 * Anything else that parses is ignored; what does not parse, or whose
 * text is neither UTF-8 nor CP932, is dropped and counted.  At start
 * (the peer set) the link sends its peer a BR_ENTRY, so presence and
 * name are known; at close, a BR_EXIT.  No answer is bigger than what
 * it answers but a RECVMSG: an ANSENTRY leaves out what does not fit.
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tincan-ipmsg-packet.h"
#include "tincan-link-internal.h"

/* Packet numbers of the peer's SENDMSGs remembered, to show each once. */
#define SEEN_LIMIT 1024

/* ANSENTRY at most this often: a peer repeating BR_ENTRY gets one. */
#define ANSWER_INTERVAL (G_USEC_PER_SEC / 4)

void
tincan_link_ipmsg_init (TincanLink *self)
{
  self->ipmsg_sender = tincan_ipmsg_sender_new ();
  self->ipmsg_seen = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->ipmsg_seen_order);
}

void
tincan_link_ipmsg_finalize (TincanLink *self)
{
  g_clear_pointer (&self->ipmsg_sender, tincan_ipmsg_sender_free);
  g_clear_pointer (&self->ipmsg_seen, g_hash_table_unref);
  g_queue_clear (&self->ipmsg_seen_order);
}

static void
forget_seen (TincanLink *self)
{
  g_hash_table_remove_all (self->ipmsg_seen);
  g_queue_clear (&self->ipmsg_seen_order);
}

static gboolean
seen (TincanLink *self,
      guint32     packet_number)
{
  return g_hash_table_contains (self->ipmsg_seen, GUINT_TO_POINTER (packet_number));
}

static void
remember (TincanLink *self,
          guint32     packet_number)
{
  gpointer key = GUINT_TO_POINTER (packet_number);

  if (!g_hash_table_add (self->ipmsg_seen, key))
    return;

  g_queue_push_tail (&self->ipmsg_seen_order, key);
  if (g_queue_get_length (&self->ipmsg_seen_order) > SEEN_LIMIT)
    g_hash_table_remove (self->ipmsg_seen, g_queue_pop_head (&self->ipmsg_seen_order));
}

/* Our login and host names as the header has them. */
static const char *
user_name (void)
{
  return g_get_user_name ();
}

static const char *
host_name (void)
{
  return g_get_host_name ();
}

static const char *
nickname (TincanLink *self)
{
  return self->display_name != NULL && *self->display_name != '\0'
         ? self->display_name : g_get_user_name ();
}

/* The name to show for the peer in what we say about it. */
static const char *
peer_label (TincanLink *self)
{
  if (self->peer_name != NULL)
    return self->peer_name;
  if (self->peer_host != NULL)
    return self->peer_host;
  return _("The other computer");
}

static void
send_packet (TincanLink   *self,
             guint32       command,
             const guint8 *extra,
             gsize         extra_length,
             const guint8 *extra2,
             gsize         extra2_length)
{
  g_autoptr(GBytes) datagram = NULL;

  datagram = tincan_ipmsg_packet_format (tincan_ipmsg_next_packet_number (), user_name (), host_name (),
                                         command, extra, extra_length, extra2, extra2_length);
  if (datagram == NULL)
    return;

  tincan_link_send_datagram (self, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), NULL, 0);
}

/* BR_ENTRY or ANSENTRY with our names; an answer at most @limit bytes
 * (0: any size): tincan_ipmsg_entry_datagram().
 */
static void
send_entry (TincanLink *self,
            guint32     command,
            gsize       limit)
{
  g_autoptr(GBytes) datagram = NULL;
  TincanIpmsgEntry entry = {
    (char *) user_name (), (char *) host_name (), (char *) nickname (self), (char *) "",
  };

  datagram = tincan_ipmsg_entry_datagram (tincan_ipmsg_next_packet_number (), command, &entry, limit);
  if (datagram == NULL)
    return;

  tincan_link_send_datagram (self, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), NULL, 0);
}

/* The peer's address is known: a BR_ENTRY to it alone, so it answers
 * (presence, its name), and a new run of its packet numbers.
 */
void
tincan_link_ipmsg_start_talking (TincanLink *self)
{
  forget_seen (self);
  tincan_ipmsg_sender_set_gone (self->ipmsg_sender, NULL);
  self->ipmsg_answered = 0;

  /* Made for a stranger's message (TincanIpmsg::stranger-message): the
   * RECVMSG is the only answer it gets, no bigger than what it sent.
   */
  if (!tincan_port_get_peeking (self->port))
    send_entry (self, TINCAN_IPMSG_BR_ENTRY, 0);
}

/* Closing: a BR_EXIT to the peer alone. */
void
tincan_link_ipmsg_say_goodbye (TincanLink *self)
{
  if (tincan_link_has_peer (self))
    send_packet (self, TINCAN_IPMSG_BR_EXIT, NULL, 0, NULL, 0);
}

void
tincan_link_ipmsg_enqueue (TincanLink    *self,
                           TincanMessage *message)
{
  tincan_ipmsg_sender_add (self->ipmsg_sender, message);
  tincan_link_flush (self);
  tincan_link_schedule (self);
}

/* The parts due now: a first try, or a resend with the same number. */
void
tincan_link_ipmsg_flush (TincanLink *self)
{
  TincanIpmsgPart part;
  gint64 now = g_get_monotonic_time ();

  if (!tincan_link_has_peer (self))
    return;

  while (tincan_ipmsg_sender_next (self->ipmsg_sender, now, &part))
    {
      g_autoptr(GBytes) datagram = NULL;

      if (part.try > 1)
        self->stats.retransmissions++;

      datagram = tincan_ipmsg_packet_format (part.packet_number, user_name (), host_name (),
                                             TINCAN_IPMSG_SENDMSG | TINCAN_IPMSG_SENDCHECKOPT
                                             | TINCAN_IPMSG_UTF8OPT,
                                             (const guint8 *) part.text, part.length, NULL, 0);
      /* Cannot be: a part and our names fit with room to spare. */
      g_return_if_fail (datagram != NULL);

      tincan_link_send_datagram (self, g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram),
                                 NULL, 0);
    }
}

gint64
tincan_link_ipmsg_get_deadline (TincanLink *self)
{
  if (!tincan_link_has_peer (self))
    return G_MAXINT64;

  return tincan_ipmsg_sender_get_deadline (self->ipmsg_sender);
}

void
tincan_link_ipmsg_tick (TincanLink *self,
                        gint64      now)
{
  g_autofree char *reason = NULL;

  reason = g_strdup_printf (_("%s did not answer: IP Messenger may not be running there"),
                            peer_label (self));
  if (tincan_ipmsg_sender_check_timeout (self->ipmsg_sender, now, reason))
    tincan_link_set_presence (self, TINCAN_PRESENCE_OFFLINE);

  tincan_link_flush (self);
}

/* Anything from the peer but BR_EXIT: it is there. */
static void
heard (TincanLink *self)
{
  tincan_ipmsg_sender_set_gone (self->ipmsg_sender, NULL);
  tincan_link_set_presence (self, TINCAN_PRESENCE_ONLINE);
}

static void
take_names (TincanLink              *self,
            const TincanIpmsgPacket *packet)
{
  TincanIpmsgEntry entry;

  if (!tincan_ipmsg_entry_parse (packet, &entry))
    return;

  if (*entry.nickname != '\0')
    tincan_link_set_peer_name (self, entry.nickname);
  else
    {
      g_autofree char *name = g_strdup_printf ("%s@%s", entry.user, entry.host);

      tincan_link_set_peer_name (self, name);
    }

  tincan_ipmsg_entry_clear (&entry);
}

static void
handle_exit (TincanLink *self)
{
  g_autofree char *reason = g_strdup_printf (_("%s is offline"), peer_label (self));

  tincan_ipmsg_sender_set_gone (self->ipmsg_sender, reason);
  tincan_ipmsg_sender_fail_all (self->ipmsg_sender, reason);
  tincan_link_set_presence (self, TINCAN_PRESENCE_OFFLINE);
}

static void
send_recvmsg (TincanLink *self,
              guint32     packet_number)
{
  char number[16];

  g_snprintf (number, sizeof number, "%" G_GUINT32_FORMAT, packet_number);
  send_packet (self, TINCAN_IPMSG_RECVMSG, (const guint8 *) number, strlen (number), NULL, 0);
}

static void
handle_recvmsg (TincanLink              *self,
                const TincanIpmsgPacket *packet)
{
  gsize length;
  const guint8 *extra = g_bytes_get_data (packet->extra, &length);
  guint64 number = 0;

  if (length == 0 || length > 10)
    return;
  for (gsize i = 0; i < length; i++)
    {
      if (extra[i] < '0' || extra[i] > '9')
        return;
      number = number * 10 + (extra[i] - '0');
    }
  if (number > G_MAXUINT32)
    return;

  if (!tincan_ipmsg_sender_handle_recvmsg (self->ipmsg_sender, (guint32) number))
    self->stats.stale++;
}

static void
handle_sendmsg (TincanLink              *self,
                const TincanIpmsgPacket *packet,
                gsize                    datagram_length)
{
  gboolean wants_answer = (packet->command & TINCAN_IPMSG_SENDCHECKOPT) != 0
                          && (packet->command & TINCAN_IPMSG_BROADCASTOPT) == 0;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GString) lines = NULL;
  gsize length;
  const guint8 *extra = g_bytes_get_data (packet->extra, &length);
  TincanKeepResult result;

  if (seen (self, packet->packet_number))
    {
      /* Our RECVMSG was lost: it is said again, nothing is shown. */
      self->stats.duplicates++;
      if (wants_answer)
        send_recvmsg (self, packet->packet_number);
      return;
    }

  text = tincan_ipmsg_decode_text (extra, length);
  if (text == NULL)
    {
      /* Not acknowledged: the sender learns it did not get through. */
      self->stats.not_text++;
      tincan_link_emit_datagram_ignored (self, g_utf8_validate ((const char *) extra, length, NULL)
                                               ? TINCAN_IGNORED_CONTROL : TINCAN_IGNORED_NOT_UTF8,
                                         datagram_length);
      return;
    }

  /* Windows ends lines with CR LF.  Nothing else changes: the parts
   * of a long message, shown one after the other, read as it was
   * written.
   */
  lines = g_string_new (text);
  g_string_replace (lines, "\r\n", "\n", 0);

  /* Nothing to show (a file offered, with no words): taken all the same. */
  if (lines->len == 0)
    {
      remember (self, packet->packet_number);
      if (wants_answer)
        send_recvmsg (self, packet->packet_number);
      return;
    }

  id = g_strdup_printf ("ipmsg-%016" G_GINT64_MODIFIER "x-%" G_GUINT64_FORMAT,
                        self->session, ++self->ipmsg_received);
  message = tincan_message_take_incoming (id, NULL, 0, g_string_free (g_steal_pointer (&lines), FALSE), TRUE);
  self->stats.plain_received++;

  result = tincan_link_keep (self, message);
  if (result == TINCAN_KEEP_REFUSED)
    {
      self->stats.not_kept++;
      /* Not acknowledged: its sender sends it again.  Without a
       * RECVMSG asked for, nothing will: shown all the same.
       */
      if (wants_answer)
        return;
    }

  remember (self, packet->packet_number);
  if (wants_answer)
    send_recvmsg (self, packet->packet_number);

  if (result == TINCAN_KEEP_DUPLICATE)
    self->stats.duplicates++;
  else
    tincan_link_emit_message_received (self, message);
}

static void
handle_entry (TincanLink              *self,
              const TincanIpmsgPacket *packet,
              gsize                    datagram_length)
{
  gint64 now = g_get_monotonic_time ();

  /* A new run of the peer: its packet numbers may start again. */
  forget_seen (self);

  if (self->ipmsg_answered == 0 || now - self->ipmsg_answered >= ANSWER_INTERVAL)
    {
      self->ipmsg_answered = now;
      send_entry (self, TINCAN_IPMSG_ANSENTRY, datagram_length);
    }
}

/**
 * tincan_link_ipmsg_receive:
 * @self: a link in IP Messenger mode
 * @datagram: what the port routed to it
 *
 * Reads one datagram from the peer; anything from elsewhere is counted
 * and dropped.
 */
void
tincan_link_ipmsg_receive (TincanLink           *self,
                           const TincanDatagram *datagram)
{
  TincanIpmsgPacket packet;
  guint32 command;

  self->stats.datagrams_received++;

  if (!tincan_udp_socket_is_from_peer (self->socket, datagram->from, datagram->from_length))
    {
      self->stats.foreign++;
      return;
    }

  if (tincan_ipmsg_packet_parse (datagram->data, datagram->length, &packet) != TINCAN_IPMSG_PARSE_OK)
    {
      self->stats.malformed++;
      tincan_link_emit_datagram_ignored (self, TINCAN_IGNORED_NOT_IPMSG, datagram->length);
      return;
    }

  command = packet.command & TINCAN_IPMSG_COMMAND_MASK;
  if (command != TINCAN_IPMSG_BR_EXIT)
    heard (self);

  switch (command)
    {
    case TINCAN_IPMSG_SENDMSG:
      handle_sendmsg (self, &packet, datagram->length);
      break;

    case TINCAN_IPMSG_RECVMSG:
      handle_recvmsg (self, &packet);
      break;

    case TINCAN_IPMSG_BR_ENTRY:
      take_names (self, &packet);
      handle_entry (self, &packet, datagram->length);
      break;

    case TINCAN_IPMSG_ANSENTRY:
    case TINCAN_IPMSG_BR_ABSENCE:
      take_names (self, &packet);
      break;

    case TINCAN_IPMSG_BR_EXIT:
      handle_exit (self);
      break;

    default:
      /* READMSG, GETINFO, files, iptux's own: nothing Tin Can does. */
      break;
    }

  tincan_ipmsg_packet_clear (&packet);
}

gboolean
tincan_link_ipmsg_cancel (TincanLink    *self,
                          TincanMessage *message)
{
  if (!tincan_ipmsg_sender_cancel (self->ipmsg_sender, message))
    return FALSE;

  tincan_link_flush (self);
  tincan_link_schedule (self);
  return TRUE;
}

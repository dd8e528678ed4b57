/* tincan-ipmsg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IP Messenger's hub (docs/IPMSG.md): the one UDP port, 2425, that all
 * IPMsg conversations share, and who is on the network.  Every datagram
 * is shown to the hub before the port routes it to a conversation's link
 * (tincan_port_set_peek_func()):
 *
 *  - what is not IPMsg is dropped and counted, and so is anything from
 *    an address off the local IPv4 subnets (TincanLocalNet): nothing
 *    heard on the network may make Tin Can send there;
 *  - BR_ENTRY, ANSENTRY and BR_ABSENCE keep the list of users (at most
 *    MAX_USERS; other Tin Cans, whose version starts with "1_tincan",
 *    are found by Tin Can's own discovery and are not listed), BR_EXIT
 *    takes them off it;
 *  - a BR_ENTRY from an address no link is at is answered here with
 *    ANSENTRY (a link answers its own peer): unicast, at most once a
 *    second an address and ten a second in all (TincanAnswerLimit, as
 *    discovery), and never bigger than the BR_ENTRY, so a spoofed entry
 *    cannot make the hub an amplifier: the answer loses the UN:HN:NN:GN
 *    extension, then the group, then the nickname, or is not sent
 *    (tincan_ipmsg_entry_datagram());
 *  - a SENDMSG from an address no link is at is TincanIpmsg::stranger-
 *    message; a handler that makes a link there has the datagram routed
 *    to it.
 *
 * The hub says BR_ENTRY at start and whenever the network changes (at
 * most once a second), BR_ABSENCE when the nickname changes and BR_EXIT
 * at stop.
 */

#define G_LOG_DOMAIN "tincan-ipmsg"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-answer-limit.h"
#include "tincan-ipmsg-private.h"
#include "tincan-port-private.h"

/* Like the people found by discovery: a list a flood cannot grow. */
#define MAX_USERS          64
/* BR_ENTRY, at most this often. */
#define ENTRY_INTERVAL_MS  1000

struct _TincanIpmsg
{
  GObject            parent_instance;

  TincanPort        *port;
  guint16            port_number;
  TincanLocalNet    *local_net;
  TincanAnswerLimit *answer_limit;
  TincanAnswerLimit *stranger_limit;
  GPtrArray         *users;          /* TincanIpmsgUser, newest first */
  GPtrArray         *targets;        /* GInetSocketAddress; NULL: the real broadcasts */

  char              *user;
  char              *host;
  char              *nickname;
  gboolean           started;
  gint64             last_entry;     /* monotonic µs */
  guint              entry_timeout;

  TincanIpmsgStats   stats;
};

G_DEFINE_FINAL_TYPE (TincanIpmsg, tincan_ipmsg, G_TYPE_OBJECT)

enum {
  USER_FOUND,
  USER_CHANGED,
  USER_LEFT,
  STRANGER_MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* TincanIpmsgUser: each is allocated with room for the name shown,
 * made when first asked for.
 */

G_DEFINE_BOXED_TYPE (TincanIpmsgUser, tincan_ipmsg_user,
                     tincan_ipmsg_user_copy, tincan_ipmsg_user_free)

TincanIpmsgUser *
tincan_ipmsg_user_copy (const TincanIpmsgUser *user)
{
  TincanIpmsgUser *copy = g_new0 (TincanIpmsgUser, 1);

  copy->address = g_object_ref (user->address);
  copy->user = g_strdup (user->user);
  copy->host = g_strdup (user->host);
  copy->nickname = g_strdup (user->nickname);
  copy->name = g_strdup (user->name);
  copy->group = g_strdup (user->group);
  copy->version = g_strdup (user->version);
  copy->absent = user->absent;

  return copy;
}

static void
user_clear_names (TincanIpmsgUser *user)
{
  g_clear_pointer (&user->user, g_free);
  g_clear_pointer (&user->host, g_free);
  g_clear_pointer (&user->nickname, g_free);
  g_clear_pointer (&user->group, g_free);
  g_clear_pointer (&user->version, g_free);
  g_clear_pointer (&user->name, g_free);
}

void
tincan_ipmsg_user_free (TincanIpmsgUser *user)
{
  if (user == NULL)
    return;

  g_clear_object (&user->address);
  user_clear_names (user);
  g_free (user);
}

/* Sending */

static void
send_datagram (TincanIpmsg        *self,
               GInetSocketAddress *destination,
               GBytes             *datagram)
{
  g_autoptr(GError) error = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (datagram, &length);

  if (!tincan_port_send_to (self->port, destination, data, length, &error))
    g_debug ("Could not send to the network: %s", error->message);
}

/* An entry (BR_ENTRY, ANSENTRY, BR_ABSENCE, BR_EXIT) with our names,
 * at most @limit bytes (0: any size): tincan_ipmsg_entry_datagram().
 */
static GBytes *
format_entry (TincanIpmsg *self,
              guint32      command,
              gsize        limit)
{
  TincanIpmsgEntry entry = {
    .user = self->user,
    .host = self->host,
    .nickname = self->nickname,
    .group = (char *) "",
  };

  return tincan_ipmsg_entry_datagram (tincan_ipmsg_next_packet_number (), command, &entry, limit);
}

static void
broadcast (TincanIpmsg *self,
           guint32      command)
{
  g_autoptr(GBytes) datagram = format_entry (self, command, 0);

  if (self->targets != NULL)
    {
      for (guint i = 0; i < self->targets->len; i++)
        send_datagram (self, g_ptr_array_index (self->targets, i), datagram);
      return;
    }

  {
    g_autoptr(GInetAddress) everyone = g_inet_address_new_from_string ("255.255.255.255");
    g_autoptr(GSocketAddress) destination = g_inet_socket_address_new (everyone, self->port_number);
    GPtrArray *broadcasts = tincan_local_net_get_broadcasts (self->local_net);

    send_datagram (self, G_INET_SOCKET_ADDRESS (destination), datagram);

    /* 255.255.255.255 leaves by the default route's interface only. */
    for (guint i = 0; i < broadcasts->len; i++)
      {
        g_autoptr(GSocketAddress) subnet = NULL;

        subnet = g_inet_socket_address_new (g_ptr_array_index (broadcasts, i), self->port_number);
        send_datagram (self, G_INET_SOCKET_ADDRESS (subnet), datagram);
      }
  }
}

static void
send_entry_now (TincanIpmsg *self)
{
  self->last_entry = g_get_monotonic_time ();
  broadcast (self, TINCAN_IPMSG_BR_ENTRY);
}

static gboolean
on_entry_timeout_cb (gpointer user_data)
{
  TincanIpmsg *self = TINCAN_IPMSG (user_data);

  self->entry_timeout = 0;
  if (self->started)
    send_entry_now (self);

  return G_SOURCE_REMOVE;
}

/* BR_ENTRY, at most once a second: a burst of network changes is one. */
static void
send_entry (TincanIpmsg *self)
{
  gint64 since = (g_get_monotonic_time () - self->last_entry) / 1000;

  if (self->entry_timeout != 0)
    return;

  if (self->last_entry == 0 || since >= ENTRY_INTERVAL_MS)
    send_entry_now (self);
  else
    self->entry_timeout = g_timeout_add (ENTRY_INTERVAL_MS - since, on_entry_timeout_cb, self);
}

/* Answers a BR_ENTRY of @length bytes, if an answer fits in as many. */
static void
answer_entry (TincanIpmsg        *self,
              GInetSocketAddress *from,
              gsize               length)
{
  g_autoptr(GBytes) answer = format_entry (self, TINCAN_IPMSG_ANSENTRY, length);

  if (answer == NULL)
    {
      self->stats.answers_too_big++;
      return;
    }

  if (!tincan_answer_limit_allow (self->answer_limit, g_inet_socket_address_get_address (from),
                                  g_get_monotonic_time ()))
    {
      self->stats.answers_limited++;
      return;
    }

  self->stats.entries_answered++;
  send_datagram (self, from, answer);
}

/* The users */

static gint
find_user (TincanIpmsg        *self,
           GInetSocketAddress *address)
{
  TincanUdpEndpoint key, other;

  tincan_udp_endpoint_from_inet (&key, g_inet_socket_address_get_address (address),
                                 g_inet_socket_address_get_port (address));

  for (guint i = 0; i < self->users->len; i++)
    {
      TincanIpmsgUser *user = g_ptr_array_index (self->users, i);

      tincan_udp_endpoint_from_inet (&other, g_inet_socket_address_get_address (user->address),
                                     g_inet_socket_address_get_port (user->address));
      if (tincan_udp_endpoint_equal (&key, &other))
        return i;
    }

  return -1;
}

static void
update_user (TincanIpmsg             *self,
             GInetSocketAddress      *from,
             const TincanIpmsgPacket *packet)
{
  TincanIpmsgEntry entry = { 0 };
  TincanIpmsgUser *user;
  gboolean absent = (packet->command & TINCAN_IPMSG_ABSENCEOPT) != 0;
  gint index;

  if (!tincan_ipmsg_entry_parse (packet, &entry))
    {
      self->stats.malformed++;
      return;
    }

  index = find_user (self, from);
  if (index >= 0)
    {
      user = g_ptr_array_steal_index (self->users, index);
      g_ptr_array_insert (self->users, 0, user);

      if (g_strcmp0 (user->nickname, entry.nickname) == 0 && g_strcmp0 (user->group, entry.group) == 0
          && g_strcmp0 (user->user, entry.user) == 0 && g_strcmp0 (user->host, entry.host) == 0
          && g_strcmp0 (user->version, packet->version) == 0 && user->absent == absent)
        {
          tincan_ipmsg_entry_clear (&entry);
          return;
        }

      user_clear_names (user);
    }
  else
    {
      if (self->users->len >= MAX_USERS)
        {
          g_debug ("Already %u IP Messenger users: one more is not listed", MAX_USERS);
          tincan_ipmsg_entry_clear (&entry);
          return;
        }

      user = g_new0 (TincanIpmsgUser, 1);
      user->address = g_object_ref (from);
      g_ptr_array_insert (self->users, 0, user);
    }

  user->user = g_steal_pointer (&entry.user);
  user->host = g_steal_pointer (&entry.host);
  user->nickname = g_steal_pointer (&entry.nickname);
  user->name = *user->nickname != '\0' ? g_strdup (user->nickname)
               : g_strdup_printf ("%s@%s", user->user, user->host);
  user->group = g_steal_pointer (&entry.group);
  user->version = g_strdup (packet->version);
  user->absent = absent;
  tincan_ipmsg_entry_clear (&entry);

  g_signal_emit (self, signals[index >= 0 ? USER_CHANGED : USER_FOUND], 0, user);
}

static void
remove_user (TincanIpmsg        *self,
             GInetSocketAddress *from)
{
  gint index = find_user (self, from);

  if (index < 0)
    return;

  g_ptr_array_remove_index (self->users, index);
  g_signal_emit (self, signals[USER_LEFT], 0, from);
}

/* What comes in */

static gboolean
is_tincan (const TincanIpmsgPacket *packet)
{
  return g_str_has_prefix (packet->version, TINCAN_IPMSG_VERSION_PREFIX);
}

static void
handle_packet (TincanIpmsg             *self,
               TincanPort              *port,
               const TincanDatagram    *datagram,
               GInetSocketAddress      *from,
               const TincanIpmsgPacket *packet);

static gboolean
peek_cb (TincanPort           *port,
         const TincanDatagram *datagram,
         gpointer              user_data)
{
  TincanIpmsg *self = TINCAN_IPMSG (user_data);
  TincanIpmsgPacket packet = { 0 };
  g_autoptr(GInetSocketAddress) from = NULL;
  TincanUdpEndpoint endpoint;

  self->stats.datagrams++;

  if (tincan_ipmsg_packet_parse (datagram->data, datagram->length, &packet) != TINCAN_IPMSG_PARSE_OK
      || !tincan_udp_endpoint_from_sockaddr (&endpoint, datagram->from, datagram->from_length))
    {
      self->stats.malformed++;
      return FALSE;
    }

  from = tincan_udp_endpoint_to_address (&endpoint);
  if (!tincan_local_net_is_local (self->local_net, g_inet_socket_address_get_address (from)))
    {
      self->stats.off_subnet++;
      tincan_ipmsg_packet_clear (&packet);
      return FALSE;
    }

  handle_packet (self, port, datagram, from, &packet);
  tincan_ipmsg_packet_clear (&packet);

  return TRUE;
}

static gboolean
has_text (const TincanIpmsgPacket *packet)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (packet->extra, &length);
  g_autofree char *text = NULL;

  if (length == 0)
    return FALSE;

  text = tincan_ipmsg_decode_text (data, length);

  return text != NULL;
}

static void
handle_packet (TincanIpmsg             *self,
               TincanPort              *port,
               const TincanDatagram    *datagram,
               GInetSocketAddress      *from,
               const TincanIpmsgPacket *packet)
{
  switch (packet->command & TINCAN_IPMSG_COMMAND_MASK)
    {
    case TINCAN_IPMSG_BR_ENTRY:
    case TINCAN_IPMSG_ANSENTRY:
    case TINCAN_IPMSG_BR_ABSENCE:
      /* Ourselves, heard back, or another Tin Can. */
      if (is_tincan (packet))
        break;

      update_user (self, from, packet);
      if ((packet->command & TINCAN_IPMSG_COMMAND_MASK) == TINCAN_IPMSG_BR_ENTRY
          && self->started && !tincan_port_has_link_at (port, from))
        answer_entry (self, from, datagram->length);
      break;

    case TINCAN_IPMSG_BR_EXIT:
      remove_user (self, from);
      break;

    case TINCAN_IPMSG_SENDMSG:
      /* Another Tin Can's too (tincan-cli --ipmsg): a message is a
       * message, whoever wrote the program.
       */
      if (tincan_port_has_link_at (port, from))
        break;

      /* Only a message that would be shown may make a person: text that
       * cannot be read, or none (a file alone), is not a conversation,
       * and nobody answers automatically someone they never wrote to.
       */
      if (!has_text (packet) || (packet->command & TINCAN_IPMSG_AUTORETOPT) != 0)
        {
          self->stats.not_text++;
          break;
        }

      /* A signal may make a person: no more of them than of answers. */
      if (!tincan_answer_limit_allow (self->stranger_limit, g_inet_socket_address_get_address (from),
                                      g_get_monotonic_time ()))
        break;

      g_signal_emit (self, signals[STRANGER_MESSAGE], 0, from);
      break;

    default:
      break;
    }
}

static void
on_network_changed_cb (TincanIpmsg *self)
{
  if (self->started)
    send_entry (self);
}

/* GObject */

static void
tincan_ipmsg_dispose (GObject *object)
{
  TincanIpmsg *self = TINCAN_IPMSG (object);

  if (self->started)
    tincan_ipmsg_stop (self);

  g_clear_handle_id (&self->entry_timeout, g_source_remove);
  if (self->port != NULL)
    tincan_port_set_peek_func (self->port, NULL, NULL);
  if (self->local_net != NULL)
    g_signal_handlers_disconnect_by_data (self->local_net, self);
  g_clear_object (&self->port);
  g_clear_object (&self->local_net);

  G_OBJECT_CLASS (tincan_ipmsg_parent_class)->dispose (object);
}

static void
tincan_ipmsg_finalize (GObject *object)
{
  TincanIpmsg *self = TINCAN_IPMSG (object);

  g_clear_pointer (&self->answer_limit, tincan_answer_limit_free);
  g_clear_pointer (&self->stranger_limit, tincan_answer_limit_free);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->targets, g_ptr_array_unref);
  g_free (self->user);
  g_free (self->host);
  g_free (self->nickname);

  G_OBJECT_CLASS (tincan_ipmsg_parent_class)->finalize (object);
}

static void
tincan_ipmsg_class_init (TincanIpmsgClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_ipmsg_dispose;
  object_class->finalize = tincan_ipmsg_finalize;

  /**
   * TincanIpmsg::user-found:
   * @user: (transfer none): who
   *
   * Someone entered, or answered our BR_ENTRY.
   */
  signals[USER_FOUND] =
    g_signal_new ("user-found",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_IPMSG_USER | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * TincanIpmsg::user-changed:
   * @user: (transfer none): who, with their new name or absence
   */
  signals[USER_CHANGED] =
    g_signal_new ("user-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_IPMSG_USER | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * TincanIpmsg::user-left:
   * @address: where they were
   *
   * BR_EXIT: they quit.
   */
  signals[USER_LEFT] =
    g_signal_new ("user-left",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INET_SOCKET_ADDRESS);

  /**
   * TincanIpmsg::stranger-message:
   * @address: where it came from
   *
   * A SENDMSG from a local address no link is at.  A handler that makes
   * a link there (tincan_link_new_on_port() on tincan_ipmsg_get_port(),
   * mode %TINCAN_MODE_IPMSG) gets the message.  At most once a second
   * an address, ten a second in all.
   */
  signals[STRANGER_MESSAGE] =
    g_signal_new ("stranger-message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INET_SOCKET_ADDRESS);
}

static void
tincan_ipmsg_init (TincanIpmsg *self)
{
  self->answer_limit = tincan_answer_limit_new ();
  self->stranger_limit = tincan_answer_limit_new ();
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) tincan_ipmsg_user_free);
  self->user = g_strdup (g_get_user_name ());
  self->host = g_strdup (g_get_host_name ());
  self->nickname = g_strdup ("");
}

/**
 * tincan_ipmsg_new_full:
 * @address: (nullable): the IPv4 address to bind; %NULL for 0.0.0.0
 * @port: the UDP port
 * @local_net: (nullable): the local subnets; %NULL for this computer's
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the hub, bound, not started
 */
TincanIpmsg *
tincan_ipmsg_new_full (GInetAddress    *address,
                       guint16          port,
                       TincanLocalNet  *local_net,
                       GError         **error)
{
  g_autoptr(TincanIpmsg) self = g_object_new (TINCAN_TYPE_IPMSG, NULL);
  g_autoptr(GError) local_error = NULL;

  self->port = tincan_port_new_broadcast (address, port, &local_error);
  if (self->port == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("UDP port %u is in use by another program, such as iptux or IP Messenger"),
                     port);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self->port_number = tincan_port_get_local_port (self->port);
  tincan_port_set_peek_func (self->port, peek_cb, self);

  self->local_net = local_net != NULL ? g_object_ref (local_net) : tincan_local_net_new ();
  g_signal_connect_swapped (self->local_net, "changed", G_CALLBACK (on_network_changed_cb), self);

  return g_steal_pointer (&self);
}

/**
 * tincan_ipmsg_new:
 * @port: the UDP port: %TINCAN_IPMSG_PORT but in tests
 * @error: return location for a #GError; %G_IO_ERROR_ADDRESS_IN_USE says
 *   in words that another IPMsg program has the port
 *
 * Binds @port on every IPv4 address, broadcasts allowed.  Says nothing
 * until started.
 *
 * Returns: (transfer full) (nullable): the hub
 */
TincanIpmsg *
tincan_ipmsg_new (guint16   port,
                  GError  **error)
{
  return tincan_ipmsg_new_full (NULL, port, NULL, error);
}

/* Where broadcasts go in tests: see tincan-ipmsg-private.h. */
void
tincan_ipmsg_set_broadcast_targets (TincanIpmsg *self,
                                    GPtrArray   *targets)
{
  g_return_if_fail (TINCAN_IS_IPMSG (self));

  g_clear_pointer (&self->targets, g_ptr_array_unref);
  if (targets != NULL)
    self->targets = g_ptr_array_ref (targets);
}

/* Returns: (transfer none): the port the hub and its links share */
TincanPort *
tincan_ipmsg_get_port (TincanIpmsg *self)
{
  g_return_val_if_fail (TINCAN_IS_IPMSG (self), NULL);

  return self->port;
}

void
tincan_ipmsg_set_nickname (TincanIpmsg *self,
                           const char  *nickname)
{
  g_return_if_fail (TINCAN_IS_IPMSG (self));

  if (nickname == NULL)
    nickname = "";
  if (g_strcmp0 (self->nickname, nickname) == 0)
    return;

  g_free (self->nickname);
  self->nickname = g_strdup (nickname);

  if (self->started)
    broadcast (self, TINCAN_IPMSG_BR_ABSENCE);
}

void
tincan_ipmsg_start (TincanIpmsg *self)
{
  g_return_if_fail (TINCAN_IS_IPMSG (self));

  if (self->started)
    return;

  self->started = TRUE;
  send_entry (self);
}

void
tincan_ipmsg_stop (TincanIpmsg *self)
{
  g_return_if_fail (TINCAN_IS_IPMSG (self));

  if (!self->started)
    return;

  self->started = FALSE;
  g_clear_handle_id (&self->entry_timeout, g_source_remove);
  broadcast (self, TINCAN_IPMSG_BR_EXIT);
}

void
tincan_ipmsg_refresh (TincanIpmsg *self)
{
  g_return_if_fail (TINCAN_IS_IPMSG (self));

  if (self->started)
    send_entry (self);
}

/* Returns: (transfer none) (element-type TincanIpmsgUser): newest first */
GPtrArray *
tincan_ipmsg_list_users (TincanIpmsg *self)
{
  g_return_val_if_fail (TINCAN_IS_IPMSG (self), NULL);

  return self->users;
}

gboolean
tincan_ipmsg_is_local (TincanIpmsg  *self,
                       GInetAddress *address)
{
  g_return_val_if_fail (TINCAN_IS_IPMSG (self), FALSE);

  return tincan_local_net_is_local (self->local_net, address);
}

const TincanIpmsgStats *
tincan_ipmsg_get_stats (TincanIpmsg *self)
{
  g_return_val_if_fail (TINCAN_IS_IPMSG (self), NULL);

  return &self->stats;
}

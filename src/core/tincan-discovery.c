/* tincan-discovery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Finding people on the local link without a server or an Avahi daemon:
 * docs/PROTOCOL.md, "Discovery".  Two kinds of socket per address
 * family.  The listener is bound to the discovery port, shared (so that
 * several Tin Cans and tincan-cli on one computer can all listen), and
 * joined to the group on every interface that can multicast; it hears
 * announcements and queries.  The sender has a port of its own: it sends
 * announcements out of each interface in turn, with a TTL (hop limit)
 * of 1 so nothing leaves the link, and the unicast answers to queries.
 * Queries go out of the listener, from the discovery port, so that the
 * answers come back to a port a firewall lets in.
 *
 * Nothing here is kept about the people found: they are handed on in
 * "person-found" (TincanNearby keeps them, capped).  The only state is
 * fixed in size: when we last announced, and a small table that limits
 * answers.  A key in an announcement is a claim; the handshake proves it.
 *
 * Interfaces come and go, so the groups are joined again and an
 * announcement sent when GNetworkMonitor says the network changed.  A
 * computer where none of this works (no interface, no IPv6) is not an
 * error: discovery does what it can and says why with g_debug().
 */

#define G_LOG_DOMAIN "tincan-discovery"

#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "tincan-answer-limit.h"
#include "tincan-discovery.h"
#include "tincan-wire.h"

#define ANNOUNCE_INTERVAL_US G_USEC_PER_SEC
/* Per wake-up of a socket's source, so that a flood cannot hold the
 * main loop.
 */
#define MAX_READS            64
#define RECEIVE_BUFFER       512

typedef enum
{
  FAMILY_IPV4,
  FAMILY_IPV6,
  N_FAMILIES
} Family;

typedef struct
{
  GSocket *socket;
  GSource *source;
} Endpoint;

struct _TincanDiscovery
{
  GObject            parent_instance;

  guint8             key[TINCAN_ANNOUNCE_KEY_SIZE];
  guint16            chat_port;
  guint16            port;
  char              *display_name;
  gboolean           enabled;

  Endpoint           listeners[N_FAMILIES];
  Endpoint           senders[N_FAMILIES];
  GInetAddress      *groups[N_FAMILIES];

  TincanAnswerLimit *limit;
  gint64             last_announce;   /* monotonic µs; 0: never */
  guint              deferred_id;     /* an announcement asked for too soon */
  gboolean           query_pending;
  const guint8      *outgoing;        /* what send_out_cb() sends */
  gsize              outgoing_length;
  gboolean           outgoing_query;

  GNetworkMonitor   *monitor;
  gulong             network_changed_id;

  guint              refused[TINCAN_ANNOUNCE_N_RESULTS];
};

G_DEFINE_FINAL_TYPE (TincanDiscovery, tincan_discovery, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENABLED,
  PROP_DISPLAY_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PERSON_FOUND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void open_sockets (TincanDiscovery *self);

static void
endpoint_clear (Endpoint *endpoint)
{
  if (endpoint->source != NULL)
    g_source_destroy (endpoint->source);
  g_clear_pointer (&endpoint->source, g_source_unref);
  if (endpoint->socket != NULL)
    g_socket_close (endpoint->socket, NULL);
  g_clear_object (&endpoint->socket);
}

static void
close_sockets (TincanDiscovery *self)
{
  for (guint f = 0; f < N_FAMILIES; f++)
    {
      endpoint_clear (&self->listeners[f]);
      endpoint_clear (&self->senders[f]);
    }
  g_clear_handle_id (&self->deferred_id, g_source_remove);
  self->query_pending = FALSE;
}

static gboolean
is_open (TincanDiscovery *self)
{
  return self->senders[FAMILY_IPV4].socket != NULL || self->senders[FAMILY_IPV6].socket != NULL;
}

typedef void (*InterfaceFunc) (TincanDiscovery *self,
                               Family           family,
                               const char      *name,
                               guint            index);

/* Calls @func once for each interface that is up and can multicast, and
 * each family it has an address of.
 */
static void
foreach_interface (TincanDiscovery *self,
                   InterfaceFunc    func)
{
  struct ifaddrs *list = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (getifaddrs (&list) != 0)
    {
      g_debug ("Cannot list the network interfaces: %s", g_strerror (errno));
      return;
    }

  for (struct ifaddrs *entry = list; entry != NULL; entry = entry->ifa_next)
    {
      Family family;
      guint index;

      if (entry->ifa_addr == NULL
          || (entry->ifa_flags & IFF_UP) == 0
          || (entry->ifa_flags & IFF_MULTICAST) == 0)
        continue;

      if (entry->ifa_addr->sa_family == AF_INET)
        family = FAMILY_IPV4;
      else if (entry->ifa_addr->sa_family == AF_INET6)
        family = FAMILY_IPV6;
      else
        continue;

      /* An interface with two addresses of one family, once. */
      if (!g_hash_table_add (seen, g_strdup_printf ("%d %s", family, entry->ifa_name)))
        continue;

      index = if_nametoindex (entry->ifa_name);
      if (index != 0)
        func (self, family, entry->ifa_name, index);
    }

  freeifaddrs (list);
}

static void
join_cb (TincanDiscovery *self,
         Family           family,
         const char      *name,
         guint            index)
{
  g_autoptr(GError) error = NULL;
  GSocket *listener = self->listeners[family].socket;

  if (listener == NULL)
    return;

  /* Joined already, before the network changed: nothing to do. */
  if (!g_socket_join_multicast_group (listener, self->groups[family], FALSE, name, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    g_debug ("Cannot join the discovery group on %s: %s", name, error->message);
}

static void
join_groups (TincanDiscovery *self)
{
  foreach_interface (self, join_cb);
}

static gboolean
send_to (TincanDiscovery *self,
         GSocket         *socket,
         GSocketAddress  *address,
         const guint8    *datagram,
         gsize            length)
{
  g_autoptr(GError) error = NULL;

  if (g_socket_send_to (socket, address, (const char *) datagram, length, NULL, &error) < 0)
    {
      g_debug ("Cannot send a discovery packet: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

/* Sends self->outgoing out of one interface: the kernel would pick one
 * only.
 */
static void
send_out_cb (TincanDiscovery *self,
             Family           family,
             const char      *name,
             guint            index)
{
  GSocket *sender = self->senders[family].socket;
  g_autoptr(GSocketAddress) group = NULL;

  /* A query goes from the discovery port, so that the answers come back
   * to it: that is the port a firewall opens (data/firewalld), where an
   * answer to a port of our own would look unasked for.
   */
  if (self->outgoing_query && self->listeners[family].socket != NULL)
    sender = self->listeners[family].socket;

  if (sender == NULL)
    return;

  if (family == FAMILY_IPV4)
    {
      struct ip_mreqn request = { .imr_ifindex = index };

      if (setsockopt (g_socket_get_fd (sender), IPPROTO_IP, IP_MULTICAST_IF,
                      &request, sizeof request) != 0)
        {
          g_debug ("Cannot send out of %s: %s", name, g_strerror (errno));
          return;
        }
    }
  else
    {
      g_autoptr(GError) error = NULL;

      if (!g_socket_set_option (sender, IPPROTO_IPV6, IPV6_MULTICAST_IF, index, &error))
        {
          g_debug ("Cannot send out of %s: %s", name, error->message);
          return;
        }
    }

  group = g_inet_socket_address_new (self->groups[family], self->port);
  send_to (self, sender, group, self->outgoing, self->outgoing_length);
}

static void
send_everywhere (TincanDiscovery *self,
                 const guint8    *datagram,
                 gsize            length,
                 gboolean         query)
{
  self->outgoing = datagram;
  self->outgoing_length = length;
  self->outgoing_query = query;
  foreach_interface (self, send_out_cb);
  self->outgoing = NULL;
}

static gsize
encode_announcement (TincanDiscovery *self,
                     guint8          *buffer)
{
  return tincan_announce_encode (self->key, self->chat_port, TINCAN_WIRE_VERSION,
                                 self->display_name, buffer);
}

static void
announce_now (TincanDiscovery *self)
{
  guint8 datagram[TINCAN_ANNOUNCE_MAX_SIZE];
  gsize length;

  self->last_announce = g_get_monotonic_time ();

  if (self->query_pending)
    {
      guint8 query[TINCAN_ANNOUNCE_QUERY_SIZE];

      self->query_pending = FALSE;
      length = tincan_announce_encode_query (query);
      send_everywhere (self, query, length, TRUE);
    }

  length = encode_announcement (self, datagram);
  send_everywhere (self, datagram, length, FALSE);
}

static gboolean
deferred_cb (gpointer user_data)
{
  TincanDiscovery *self = user_data;

  self->deferred_id = 0;
  announce_now (self);

  return G_SOURCE_REMOVE;
}

static void
announce_soon (TincanDiscovery *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 next;

  if (!is_open (self) || self->deferred_id != 0)
    return;

  next = self->last_announce + ANNOUNCE_INTERVAL_US;
  if (self->last_announce == 0 || now >= next)
    {
      announce_now (self);
      return;
    }

  /* Not dropped: sent at the end of the second, with whatever the
   * display name is by then.
   */
  self->deferred_id = g_timeout_add ((next - now + 999) / 1000, deferred_cb, self);
}

static void
answer (TincanDiscovery *self,
        Family           family,
        GSocketAddress  *source)
{
  GSocket *sender = self->senders[family].socket;
  guint8 datagram[TINCAN_ANNOUNCE_MAX_SIZE];
  gsize length;

  if (sender == NULL)
    return;

  if (!tincan_answer_limit_allow (self->limit,
                                  g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (source)),
                                  g_get_monotonic_time ()))
    {
      g_debug ("Not answering a query: too many");
      return;
    }

  /* Never bigger than the query: the largest announcement is its size. */
  length = encode_announcement (self, datagram);
  g_assert (length <= TINCAN_ANNOUNCE_QUERY_SIZE);
  send_to (self, sender, source, datagram, length);
}

static void
handle_datagram (TincanDiscovery *self,
                 Family           family,
                 GSocketAddress  *source,
                 const guint8    *datagram,
                 gsize            length)
{
  TincanAnnouncement announcement;
  TincanAnnounceResult result;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GBytes) key = NULL;
  GInetSocketAddress *inet_source;

  if (!G_IS_INET_SOCKET_ADDRESS (source))
    return;
  inet_source = G_INET_SOCKET_ADDRESS (source);

  result = tincan_announce_decode (datagram, length, &announcement);
  if (result != TINCAN_ANNOUNCE_OK)
    {
      self->refused[result]++;
      g_debug ("Refused a discovery datagram of %" G_GSIZE_FORMAT " bytes: %s",
               length, tincan_announce_result_to_string (result));
      return;
    }

  if (announcement.kind == TINCAN_ANNOUNCE_KIND_QUERY)
    {
      answer (self, family, source);
      return;
    }

  /* Our own, back from the group (or another Tin Can of ours). */
  if (memcmp (announcement.key, self->key, sizeof self->key) == 0)
    return;

  /* A link-local IPv6 address means nothing without its interface. */
  address = g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                          "address", g_inet_socket_address_get_address (inet_source),
                          "port", (guint) announcement.chat_port,
                          "scope-id", family == FAMILY_IPV6
                                      ? g_inet_socket_address_get_scope_id (inet_source) : 0,
                          NULL);
  key = g_bytes_new (announcement.key, sizeof announcement.key);

  g_signal_emit (self, signals[PERSON_FOUND], 0,
                 announcement.name, key, address, (guint) announcement.protocol_version);
}

static gboolean
on_readable_cb (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  TincanDiscovery *self = user_data;
  g_autoptr(TincanDiscovery) hold = g_object_ref (self);
  Family family = g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6 ? FAMILY_IPV6 : FAMILY_IPV4;

  for (guint i = 0; i < MAX_READS; i++)
    {
      g_autoptr(GSocketAddress) source = NULL;
      g_autoptr(GError) error = NULL;
      guint8 buffer[RECEIVE_BUFFER];
      gssize length;

      /* A handler may have turned discovery off. */
      if (g_socket_is_closed (socket))
        return G_SOURCE_REMOVE;

      length = g_socket_receive_from (socket, &source, (char *) buffer, sizeof buffer, NULL, &error);
      if (length < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_debug ("Cannot receive a discovery packet: %s", error->message);
          break;
        }

      handle_datagram (self, family, source, buffer, length);
    }

  return G_SOURCE_CONTINUE;
}

static Endpoint
open_endpoint (TincanDiscovery *self,
               Family           family,
               guint16          port)
{
  GSocketFamily socket_family = family == FAMILY_IPV6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  Endpoint endpoint = { NULL, NULL };

  socket = g_socket_new (socket_family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (socket == NULL)
    {
      g_debug ("No %s socket for discovery: %s",
               family == FAMILY_IPV6 ? "IPv6" : "IPv4", error->message);
      return endpoint;
    }

  g_socket_set_blocking (socket, FALSE);

  /* One socket per family: IPv4 never comes in mapped on the IPv6 one. */
  if (family == FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);

  /* The listener's port is shared by every Tin Can on this computer. */
  if (port != 0)
    g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, NULL);

  any = g_inet_address_new_any (socket_family);
  address = g_inet_socket_address_new (any, port);
  if (!g_socket_bind (socket, address, port != 0, &error))
    {
      g_debug ("Cannot bind the %s discovery socket to port %u: %s",
               family == FAMILY_IPV6 ? "IPv6" : "IPv4", port, error->message);
      return endpoint;
    }

  /* One hop: neither an announcement nor an answer ever leaves the
   * link, even to a query with a forged distant source.  Looped back,
   * so two Tin Cans on one computer find each other.
   */
  g_socket_set_multicast_ttl (socket, 1);
  g_socket_set_ttl (socket, 1);
  g_socket_set_multicast_loopback (socket, TRUE);

  endpoint.socket = g_steal_pointer (&socket);
  endpoint.source = g_socket_create_source (endpoint.socket, G_IO_IN, NULL);
  g_source_set_callback (endpoint.source, G_SOURCE_FUNC (on_readable_cb), self, NULL);
  g_source_attach (endpoint.source, NULL);

  return endpoint;
}

static void
open_sockets (TincanDiscovery *self)
{
  if (is_open (self))
    return;

  for (guint f = 0; f < N_FAMILIES; f++)
    {
      self->listeners[f] = open_endpoint (self, f, self->port);
      self->senders[f] = open_endpoint (self, f, 0);
    }

  join_groups (self);
}

static void
on_network_changed_cb (GNetworkMonitor *monitor,
                       gboolean         available,
                       TincanDiscovery *self)
{
  if (!is_open (self))
    return;

  g_debug ("The network changed: joining and announcing again");
  join_groups (self);
  announce_soon (self);
}

static void
tincan_discovery_dispose (GObject *object)
{
  TincanDiscovery *self = TINCAN_DISCOVERY (object);

  close_sockets (self);
  g_clear_signal_handler (&self->network_changed_id, self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (tincan_discovery_parent_class)->dispose (object);
}

static void
tincan_discovery_finalize (GObject *object)
{
  TincanDiscovery *self = TINCAN_DISCOVERY (object);

  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->limit, tincan_answer_limit_free);
  for (guint f = 0; f < N_FAMILIES; f++)
    g_clear_object (&self->groups[f]);

  G_OBJECT_CLASS (tincan_discovery_parent_class)->finalize (object);
}

static void
tincan_discovery_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TincanDiscovery *self = TINCAN_DISCOVERY (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_discovery_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TincanDiscovery *self = TINCAN_DISCOVERY (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      tincan_discovery_set_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_DISPLAY_NAME:
      tincan_discovery_set_display_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_discovery_class_init (TincanDiscoveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_discovery_dispose;
  object_class->finalize = tincan_discovery_finalize;
  object_class->get_property = tincan_discovery_get_property;
  object_class->set_property = tincan_discovery_set_property;

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanDiscovery::person-found:
   * @self: the #TincanDiscovery
   * @name: the announced display name
   * @key: the announced identity key, 32 bytes: a claim only
   * @address: where the announcement came from, with the announced chat port
   * @version: the announced chat protocol version
   *
   * For each valid announcement or answer from someone else, every
   * time: telling a person already found from a new one is the
   * listener's business (TincanNearby).
   */
  signals[PERSON_FOUND] =
    g_signal_new ("person-found",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_BYTES, G_TYPE_INET_SOCKET_ADDRESS, G_TYPE_UINT);
}

static void
tincan_discovery_init (TincanDiscovery *self)
{
  self->enabled = TRUE;
  self->display_name = g_strdup ("");
  self->limit = tincan_answer_limit_new ();
  self->groups[FAMILY_IPV4] = g_inet_address_new_from_string (TINCAN_DISCOVERY_GROUP_IPV4);
  self->groups[FAMILY_IPV6] = g_inet_address_new_from_string (TINCAN_DISCOVERY_GROUP_IPV6);
}

/**
 * tincan_discovery_new:
 * @public_key: (array fixed-size=32): our identity key, to announce
 * @chat_port: the port our chat listens on, to announce
 * @discovery_port: the discovery port, or 0 for %TINCAN_DISCOVERY_PORT
 * @error: return location for a #GError
 *
 * Opens the sockets and starts listening; nothing is sent until
 * tincan_discovery_announce() or tincan_discovery_query(), so a caller
 * connects to #TincanDiscovery::person-found first.  A discovery port
 * in use is shared; a computer without multicast only finds nobody.
 *
 * Returns: (transfer full): a new #TincanDiscovery, or %NULL if not
 *   even one socket could be opened
 */
TincanDiscovery *
tincan_discovery_new (const guint8  *public_key,
                      guint16        chat_port,
                      guint16        discovery_port,
                      GError       **error)
{
  g_autoptr(TincanDiscovery) self = NULL;

  g_return_val_if_fail (public_key != NULL, NULL);
  g_return_val_if_fail (chat_port != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (TINCAN_TYPE_DISCOVERY, NULL);
  memcpy (self->key, public_key, sizeof self->key);
  self->chat_port = chat_port;
  self->port = discovery_port != 0 ? discovery_port : TINCAN_DISCOVERY_PORT;

  open_sockets (self);
  if (!is_open (self))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot open a socket to find people nearby");
      return NULL;
    }

  self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_changed_id = g_signal_connect (self->monitor, "network-changed",
                                               G_CALLBACK (on_network_changed_cb), self);

  return g_steal_pointer (&self);
}

gboolean
tincan_discovery_get_enabled (TincanDiscovery *self)
{
  g_return_val_if_fail (TINCAN_IS_DISCOVERY (self), FALSE);

  return self->enabled;
}

/**
 * tincan_discovery_set_enabled:
 * @self: a #TincanDiscovery
 * @enabled: whether to announce, answer and listen
 *
 * Off closes the sockets: some networks forbid multicast.  On opens
 * them again and announces.
 */
void
tincan_discovery_set_enabled (TincanDiscovery *self,
                              gboolean         enabled)
{
  g_return_if_fail (TINCAN_IS_DISCOVERY (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  if (enabled)
    {
      open_sockets (self);
      announce_soon (self);
    }
  else
    close_sockets (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

const char *
tincan_discovery_get_display_name (TincanDiscovery *self)
{
  g_return_val_if_fail (TINCAN_IS_DISCOVERY (self), NULL);

  return self->display_name;
}

/**
 * tincan_discovery_set_display_name:
 * @self: a #TincanDiscovery
 * @display_name: (nullable): the name to announce
 *
 * Announces again when the name changed, so people nearby see the new
 * one.
 */
void
tincan_discovery_set_display_name (TincanDiscovery *self,
                                   const char      *display_name)
{
  g_return_if_fail (TINCAN_IS_DISCOVERY (self));

  if (display_name == NULL)
    display_name = "";

  if (g_strcmp0 (self->display_name, display_name) == 0)
    return;

  g_free (self->display_name);
  self->display_name = g_strdup (display_name);

  if (self->enabled && self->last_announce != 0)
    announce_soon (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

/**
 * tincan_discovery_announce:
 * @self: a #TincanDiscovery
 *
 * Announces us on every interface.  Never more than once a second: a
 * request inside the second is sent at its end.
 */
void
tincan_discovery_announce (TincanDiscovery *self)
{
  g_return_if_fail (TINCAN_IS_DISCOVERY (self));

  if (self->enabled)
    announce_soon (self);
}

/**
 * tincan_discovery_query:
 * @self: a #TincanDiscovery
 *
 * Asks who is there, and announces us: everyone who hears answers by
 * unicast, and those who start later hear the announcement.  Limited
 * as tincan_discovery_announce() is.
 */
void
tincan_discovery_query (TincanDiscovery *self)
{
  g_return_if_fail (TINCAN_IS_DISCOVERY (self));

  if (!self->enabled)
    return;

  self->query_pending = TRUE;
  announce_soon (self);
}

/**
 * tincan_discovery_get_refused:
 * @self: a #TincanDiscovery
 * @why: a reason other than %TINCAN_ANNOUNCE_OK
 *
 * Returns: how many datagrams were refused for @why
 */
guint
tincan_discovery_get_refused (TincanDiscovery      *self,
                              TincanAnnounceResult  why)
{
  g_return_val_if_fail (TINCAN_IS_DISCOVERY (self), 0);
  g_return_val_if_fail (why < TINCAN_ANNOUNCE_N_RESULTS, 0);

  return self->refused[why];
}

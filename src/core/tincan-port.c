/* tincan-port.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One bound UDP socket for any number of links (docs/PROTOCOL.md, *One
 * socket, many peers*).  The port reads datagrams in batches and hands
 * each to one link: by the receiver session it carries (a sealed packet,
 * a second or third handshake message), whatever address it came from;
 * otherwise by its source address, the exact address and port first,
 * then the address alone (`nc -u` sends from any port).  A well-formed
 * first handshake message from an address no link has is only reported,
 * as TincanPort::stranger: nothing answers it here.  Anything else from
 * nobody's address is dropped and counted.
 *
 * One busy or hostile peer cannot stall the others: a dispatch reads at
 * most TINCAN_PORT_MAX_PER_DISPATCH datagrams (the rest wait in the
 * kernel for the next one), and each link gets at most its share of
 * them; a flooding peer's excess is dropped and counted.  After the batch
 * each link that got something answers once (ACKs, what its window lets
 * out, its timers).
 *
 * The links register themselves (tincan-port-private.h) and unregister
 * when disposed; the port holds no reference on them.  tincan_link_new()
 * makes a private port for its link alone, on which every datagram that
 * no route claims still goes to that link, which counts it as before.
 */

#define G_LOG_DOMAIN "tincan-port"

#include "config.h"

#include <string.h>

#include "tincan-port-private.h"
#include "tincan-wire.h"

/* TincanPort::stranger, at most: a spoofed first message costs a
 * signal, so it is rate-limited like the handshakes it may lead to.
 */
#define STRANGER_RATE   10.0
#define STRANGER_BURST  10.0

typedef struct
{
  TincanLink      *link;        /* not a reference: it removes itself */
  TincanUdpSocket *socket;      /* the link's, for its peer's addresses */
  guint64          session;
  GArray          *endpoints;   /* TincanUdpEndpoint: its routes, port 0 for the address alone */
  guint            handled;     /* in this dispatch */
  gboolean         touched;
} PortLink;

struct _TincanPort
{
  GObject           parent_instance;

  TincanUdpSocket  *socket;
  GSource          *source;
  TincanLinkStats   socket_stats;   /* what the socket counts: nothing a link needs */
  TincanPortStats   stats;
  gboolean          private;

  GHashTable       *links;          /* TincanLink → PortLink, owned */
  GHashTable       *by_session;     /* guint64 → PortLink */
  GHashTable       *by_endpoint;    /* TincanUdpEndpoint → PortLink */
  GHashTable       *by_host;        /* TincanUdpEndpoint, port 0 → PortLink */
  PortLink         *fallback;       /* a private port's link */
  TincanPortPeekFunc peek_func;     /* the IP Messenger hub's */
  gpointer          peek_data;
  GPtrArray        *touched;        /* TincanLink, referenced: to answer after the batch */

  double            stranger_tokens;
  gint64            stranger_tokens_time;
};

G_DEFINE_FINAL_TYPE (TincanPort, tincan_port, G_TYPE_OBJECT)

enum {
  STRANGER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
port_link_free (gpointer data)
{
  PortLink *entry = data;

  g_array_unref (entry->endpoints);
  g_free (entry);
}

/**
 * tincan_port_parse_session:
 * @datagram: a datagram as read
 * @length: its size
 * @session: (out): the receiver session it carries
 *
 * The packets that name their receiver's session (sealed ones, and the
 * handshake's REPLY and FINISH), read no further than their header: the
 * link they go to decodes them in full.
 *
 * Returns: %TRUE if @datagram is one, with a session that is not 0
 */
gboolean
tincan_port_parse_session (const guint8 *datagram,
                           gsize         length,
                           guint64      *session)
{
  gsize offset;
  guint64 value = 0;

  if (length < TINCAN_WIRE_HEADER_SIZE
      || datagram[0] != 'T' || datagram[1] != 'C' || datagram[2] != TINCAN_WIRE_VERSION)
    return FALSE;

  switch (datagram[3])
    {
    case TINCAN_PACKET_SEALED:
      offset = 6;
      break;

    case TINCAN_PACKET_HANDSHAKE_REPLY:
    case TINCAN_PACKET_HANDSHAKE_FINISH:
      offset = 14;
      break;

    default:
      return FALSE;
    }

  for (guint i = 0; i < 8; i++)
    value = (value << 8) | datagram[offset + i];

  *session = value;

  return value != 0;
}

/* Whether @datagram has a Tin Can header, of any version so far: text
 * that starts with "TC" has a printable third byte, never one of these.
 */
static gboolean
is_tincan (const guint8 *datagram,
           gsize         length)
{
  return length >= TINCAN_WIRE_HEADER_SIZE && datagram[0] == 'T' && datagram[1] == 'C'
         && datagram[2] >= 1 && datagram[2] <= 8;
}

/* The link whose peer is at @address: its address and port, or its
 * address alone.  The address alone is for plain text (`nc -u` sends from
 * any port, and plain text from a Tin Can peer's computer is worth a
 * word), so a Tin Can packet (@tincan) matches it only for a plain-text
 * link: a Tin Can peer sends from its port, and another port of a known
 * address is someone else, or them after a restart on another port, a
 * stranger until a handshake says who.
 */
static PortLink *
find_by_address (TincanPort            *self,
                 const struct sockaddr *address,
                 socklen_t              length,
                 gboolean               tincan,
                 TincanUdpEndpoint     *endpoint)
{
  PortLink *entry = NULL;

  if (tincan_udp_endpoint_from_sockaddr (endpoint, address, length))
    {
      TincanUdpEndpoint host = *endpoint;

      entry = g_hash_table_lookup (self->by_endpoint, endpoint);
      host.port = 0;
      if (entry == NULL)
        {
          entry = g_hash_table_lookup (self->by_host, &host);
          if (entry != NULL && tincan && tincan_link_get_mode (entry->link) != TINCAN_MODE_PLAIN)
            entry = NULL;
        }
    }

  return entry != NULL ? entry : self->fallback;
}

static gboolean
take_stranger_token (TincanPort *self)
{
  gint64 now = g_get_monotonic_time ();
  double elapsed = (now - self->stranger_tokens_time) / (double) G_USEC_PER_SEC;

  self->stranger_tokens = MIN (STRANGER_BURST, self->stranger_tokens + elapsed * STRANGER_RATE);
  self->stranger_tokens_time = now;

  if (self->stranger_tokens < 1.0)
    return FALSE;

  self->stranger_tokens -= 1.0;
  return TRUE;
}

/* From nobody's address: only a first handshake message is worth
 * telling the owner about, and even that is not answered.
 */
static void
handle_unknown (TincanPort              *self,
                const TincanDatagram    *datagram,
                const TincanUdpEndpoint *from)
{
  g_autoptr(GInetSocketAddress) address = NULL;
  TincanPacket packet;

  if (datagram->length != TINCAN_WIRE_HANDSHAKE_INIT_SIZE
      || tincan_wire_decode (datagram->data, datagram->length, &packet) != TINCAN_WIRE_OK
      || packet.type != TINCAN_PACKET_HANDSHAKE_INIT)
    {
      self->stats.unknown++;
      return;
    }

  if (!take_stranger_token (self))
    {
      self->stats.strangers_limited++;
      return;
    }

  self->stats.strangers++;
  address = tincan_udp_endpoint_to_address (from);
  g_signal_emit (self, signals[STRANGER], 0, address);
}

static void
route (TincanPort           *self,
       const TincanDatagram *datagram,
       guint                 share)
{
  PortLink *entry = NULL;
  TincanUdpEndpoint from = { 0 };
  guint64 session;

  self->stats.datagrams_received++;

  /* Before the look-up: the func may add a link for the sender, which
   * then gets the datagram.
   */
  if (self->peek_func != NULL && !self->peek_func (self, datagram, self->peek_data))
    return;

  if (tincan_port_parse_session (datagram->data, datagram->length, &session))
    entry = g_hash_table_lookup (self->by_session, &session);
  if (entry == NULL)
    entry = find_by_address (self, datagram->from, datagram->from_length,
                             is_tincan (datagram->data, datagram->length), &from);

  if (entry == NULL)
    {
      handle_unknown (self, datagram, &from);
      return;
    }

  if (entry->handled >= share)
    {
      self->stats.over_share++;
      return;
    }

  entry->handled++;
  if (!entry->touched)
    {
      entry->touched = TRUE;
      g_ptr_array_add (self->touched, g_object_ref (entry->link));
    }

  /* It may be gone after this, and so may the entry. */
  tincan_link_port_receive (entry->link, datagram);
}

/* After the batch: each link that got something answers, once. */
static void
answer_touched (TincanPort *self)
{
  for (guint i = 0; i < self->touched->len; i++)
    {
      TincanLink *link = g_ptr_array_index (self->touched, i);
      PortLink *entry = g_hash_table_lookup (self->links, link);

      if (entry == NULL)
        continue;

      entry->handled = 0;
      entry->touched = FALSE;
      tincan_link_port_answer (link);
    }

  g_ptr_array_set_size (self->touched, 0);
}

static gboolean
on_socket_ready_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  TincanPort *self = TINCAN_PORT (user_data);
  guint n_links = g_hash_table_size (self->links);
  guint share = MAX (TINCAN_PORT_MIN_SHARE, TINCAN_PORT_MAX_PER_DISPATCH / MAX (n_links, 1));
  guint read = 0;

  g_object_ref (self);

  if (condition & G_IO_ERR)
    tincan_udp_socket_drain_errors (self->socket);

  while (read < TINCAN_PORT_MAX_PER_DISPATCH)
    {
      const TincanDatagram *datagrams;
      guint n = tincan_udp_socket_receive (self->socket, &datagrams);

      for (guint i = 0; i < n; i++)
        route (self, &datagrams[i], share);

      read += n;
      if (n < TINCAN_UDP_SOCKET_RECEIVE_BATCH)
        break;
    }

  answer_touched (self);

  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

/* A datagram to @destination met "port unreachable": its link's peer is
 * not listening.
 */
static void
on_refused_cb (const struct sockaddr *destination,
               socklen_t              length,
               gpointer               user_data)
{
  TincanPort *self = TINCAN_PORT (user_data);
  TincanUdpEndpoint endpoint;
  PortLink *entry = find_by_address (self, destination, length, FALSE, &endpoint);

  if (entry != NULL)
    {
      g_autoptr(TincanLink) link = g_object_ref (entry->link);

      tincan_link_port_refused (link);
    }
}

/* GObject */

static void
tincan_port_dispose (GObject *object)
{
  TincanPort *self = TINCAN_PORT (object);

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }

  if (self->touched != NULL)
    g_ptr_array_set_size (self->touched, 0);

  G_OBJECT_CLASS (tincan_port_parent_class)->dispose (object);
}

static void
tincan_port_finalize (GObject *object)
{
  TincanPort *self = TINCAN_PORT (object);

  g_clear_pointer (&self->by_session, g_hash_table_unref);
  g_clear_pointer (&self->by_endpoint, g_hash_table_unref);
  g_clear_pointer (&self->by_host, g_hash_table_unref);
  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_pointer (&self->touched, g_ptr_array_unref);
  g_clear_pointer (&self->socket, tincan_udp_socket_free);

  G_OBJECT_CLASS (tincan_port_parent_class)->finalize (object);
}

static void
tincan_port_class_init (TincanPortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_port_dispose;
  object_class->finalize = tincan_port_finalize;

  /**
   * TincanPort::stranger:
   * @port: the port
   * @from: where it came from
   *
   * A well-formed first handshake message came from an address that is
   * no link's peer.  Nothing answered it: the owner may make a link for
   * @from (tincan_link_new_on_port(), tincan_link_set_peer()), which
   * answers the message's next try.  At most 10 a second; the rest are
   * counted in #TincanPortStats.
   */
  signals[STRANGER] =
    g_signal_new ("stranger",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INET_SOCKET_ADDRESS);
}

static void
tincan_port_init (TincanPort *self)
{
  self->links = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, port_link_free);
  self->by_session = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->by_endpoint = g_hash_table_new_full (tincan_udp_endpoint_hash, tincan_udp_endpoint_equal,
                                             g_free, NULL);
  self->by_host = g_hash_table_new_full (tincan_udp_endpoint_hash, tincan_udp_endpoint_equal,
                                         g_free, NULL);
  self->touched = g_ptr_array_new_with_free_func (g_object_unref);
  self->stranger_tokens = STRANGER_BURST;
  self->stranger_tokens_time = g_get_monotonic_time ();
}

static void
watch_socket (TincanPort *self)
{
  tincan_udp_socket_set_refused_func (self->socket, on_refused_cb, self);

  self->source = tincan_udp_socket_create_source (self->socket);
  g_source_set_callback (self->source, G_SOURCE_FUNC (on_socket_ready_cb), self, NULL);
  g_source_set_static_name (self->source, "[tincan] socket");
  /* Never re-entered (nothing here runs a nested loop), and a source that
   * cannot recurse has its descriptor taken out of the poll and put back
   * around each dispatch, which wakes the loop once more every time.
   */
  g_source_set_can_recurse (self->source, TRUE);
  g_source_attach (self->source, g_main_context_get_thread_default ());
}

/**
 * tincan_port_new:
 * @port: the UDP port to listen on, or 0 for any free one
 * @error: return location for a #GError, such as
 *   %G_IO_ERROR_ADDRESS_IN_USE
 *
 * Opens the socket and watches it on the thread-default main context.
 * Links join it with tincan_link_new_on_port().
 *
 * Returns: (transfer full): a new #TincanPort, or %NULL
 */
TincanPort *
tincan_port_new (guint16   port,
                 GError  **error)
{
  g_autoptr(TincanPort) self = g_object_new (TINCAN_TYPE_PORT, NULL);

  self->socket = tincan_udp_socket_new (port, &self->socket_stats, error);
  if (self->socket == NULL)
    return NULL;

  watch_socket (self);

  return g_steal_pointer (&self);
}

/**
 * tincan_port_new_broadcast:
 * @address: (nullable): the IPv4 address to bind; %NULL for 0.0.0.0, as
 *   all but tests want
 * @port: the UDP port to listen on, or 0 for any free one
 * @error: return location for a #GError, such as
 *   %G_IO_ERROR_ADDRESS_IN_USE
 *
 * A port for IP Messenger: IPv4 only, on 0.0.0.0 (where broadcasts
 * arrive), allowed to broadcast (tincan_port_send_to()).
 *
 * Returns: (transfer full): a new #TincanPort, or %NULL
 */
TincanPort *
tincan_port_new_broadcast (GInetAddress  *address,
                           guint16        port,
                           GError       **error)
{
  g_autoptr(TincanPort) self = g_object_new (TINCAN_TYPE_PORT, NULL);

  self->socket = tincan_udp_socket_new_broadcast (address, port, &self->socket_stats, error);
  if (self->socket == NULL)
    return NULL;

  watch_socket (self);

  return g_steal_pointer (&self);
}

/* A port for one link alone, tincan_link_new()'s: whatever no route
 * claims goes to that link.
 */
TincanPort *
tincan_port_new_private (guint16   port,
                         GError  **error)
{
  TincanPort *self = tincan_port_new (port, error);

  if (self != NULL)
    self->private = TRUE;

  return self;
}

guint16
tincan_port_get_local_port (TincanPort *self)
{
  g_return_val_if_fail (TINCAN_IS_PORT (self), 0);

  return tincan_udp_socket_get_local_port (self->socket);
}

/* Returns: how many links are on the port */
guint
tincan_port_get_n_links (TincanPort *self)
{
  g_return_val_if_fail (TINCAN_IS_PORT (self), 0);

  return g_hash_table_size (self->links);
}

const TincanPortStats *
tincan_port_get_stats (TincanPort *self)
{
  g_return_val_if_fail (TINCAN_IS_PORT (self), NULL);

  return &self->stats;
}

/**
 * tincan_port_has_link_at:
 * @self: a port
 * @address: an address and port
 *
 * Returns: whether a link's route takes datagrams from @address (its
 *   address and port, or its address alone)
 */
gboolean
tincan_port_has_link_at (TincanPort         *self,
                         GInetSocketAddress *address)
{
  TincanUdpEndpoint key;

  g_return_val_if_fail (TINCAN_IS_PORT (self), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);

  tincan_udp_endpoint_from_inet (&key, g_inet_socket_address_get_address (address),
                                 g_inet_socket_address_get_port (address));
  if (g_hash_table_contains (self->by_endpoint, &key))
    return TRUE;

  key.port = 0;
  return g_hash_table_contains (self->by_host, &key);
}

/**
 * tincan_port_send_to:
 * @self: a port
 * @destination: where to: anyone, a broadcast address too
 * @data: the datagram
 * @length: its size
 * @error: return location for a #GError
 *
 * Sends one datagram from the port, not through a link.
 *
 * Returns: %TRUE if it was sent
 */
gboolean
tincan_port_send_to (TincanPort          *self,
                     GInetSocketAddress  *destination,
                     const guint8        *data,
                     gsize                length,
                     GError             **error)
{
  g_return_val_if_fail (TINCAN_IS_PORT (self), FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (destination), FALSE);

  return tincan_udp_socket_send_to (self->socket, destination, data, length, error);
}

/* Shown every datagram before it is routed; after it returns, the
 * routes are looked up again, so a link it added gets the datagram.
 */
void
tincan_port_set_peek_func (TincanPort         *self,
                           TincanPortPeekFunc  func,
                           gpointer            user_data)
{
  self->peek_func = func;
  self->peek_data = user_data;
}

/* The bound socket: links share its descriptor to send. */
TincanUdpSocket *
tincan_port_get_socket (TincanPort *self)
{
  return self->socket;
}

/* The links: their routes */

static void
remove_route (TincanPort              *self,
              GHashTable              *table,
              PortLink                *entry,
              const TincanUdpEndpoint *key)
{
  GHashTableIter iter;
  PortLink *other;

  if (g_hash_table_lookup (table, key) != entry)
    return;

  g_hash_table_remove (table, key);

  /* Another link with the same route (two peers on one computer, say)
   * takes it over.
   */
  g_hash_table_iter_init (&iter, self->links);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &other))
    {
      if (other == entry)
        continue;

      for (guint i = 0; i < other->endpoints->len; i++)
        if (tincan_udp_endpoint_equal (&g_array_index (other->endpoints, TincanUdpEndpoint, i), key))
          {
            g_hash_table_insert (table, g_memdup2 (key, sizeof *key), other);
            return;
          }
    }
}

static void
remove_routes (TincanPort *self,
               PortLink   *entry)
{
  for (guint i = 0; i < entry->endpoints->len; i++)
    {
      TincanUdpEndpoint *key = &g_array_index (entry->endpoints, TincanUdpEndpoint, i);

      remove_route (self, key->port != 0 ? self->by_endpoint : self->by_host, entry, key);
    }

  g_array_set_size (entry->endpoints, 0);
}

static void
add_route (TincanPort              *self,
           PortLink                *entry,
           const TincanUdpEndpoint *key)
{
  GHashTable *table = key->port != 0 ? self->by_endpoint : self->by_host;

  g_array_append_val (entry->endpoints, *key);

  /* The first link with a route keeps it. */
  if (!g_hash_table_contains (table, key))
    g_hash_table_insert (table, g_memdup2 (key, sizeof *key), entry);
}

void
tincan_port_add_link (TincanPort      *self,
                      TincanLink      *link,
                      TincanUdpSocket *link_socket,
                      guint64          session)
{
  PortLink *entry = g_new0 (PortLink, 1);

  entry->link = link;
  entry->socket = link_socket;
  entry->session = session;
  entry->endpoints = g_array_new (FALSE, FALSE, sizeof (TincanUdpEndpoint));

  g_hash_table_insert (self->links, link, entry);
  g_hash_table_insert (self->by_session, &entry->session, entry);

  if (self->private && self->fallback == NULL)
    self->fallback = entry;

  tincan_port_update_link (self, link);
}

void
tincan_port_remove_link (TincanPort *self,
                         TincanLink *link)
{
  PortLink *entry = g_hash_table_lookup (self->links, link);

  if (entry == NULL)
    return;

  remove_routes (self, entry);
  if (g_hash_table_lookup (self->by_session, &entry->session) == entry)
    g_hash_table_remove (self->by_session, &entry->session);
  if (self->fallback == entry)
    self->fallback = NULL;

  g_hash_table_remove (self->links, link);
}

/* The link's peer addresses changed: its routes follow. */
void
tincan_port_update_link (TincanPort *self,
                         TincanLink *link)
{
  PortLink *entry = g_hash_table_lookup (self->links, link);
  g_autoptr(GInetSocketAddress) destination = NULL;
  GPtrArray *addresses;
  guint16 port = 0;

  if (entry == NULL)
    return;

  remove_routes (self, entry);

  addresses = tincan_udp_socket_get_peer_addresses (entry->socket);
  destination = tincan_udp_socket_dup_peer_destination (entry->socket);
  if (addresses == NULL)
    return;

  if (destination != NULL)
    port = g_inet_socket_address_get_port (destination);

  for (guint i = 0; i < addresses->len; i++)
    {
      TincanUdpEndpoint key;

      tincan_udp_endpoint_from_inet (&key, g_ptr_array_index (addresses, i), port);
      if (port != 0)
        add_route (self, entry, &key);

      key.port = 0;
      add_route (self, entry, &key);
    }
}

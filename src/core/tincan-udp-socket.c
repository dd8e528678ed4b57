/* tincan-udp-socket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link's UDP socket (docs/PROTOCOL.md, *Addresses* and *Path size*):
 * one non-blocking socket, dual-stack where the system has IPv6, with the
 * don't-fragment bit on every datagram.  Datagrams are read in batches
 * with recvmmsg() and written in batches with sendmmsg(); ICMP errors
 * (port unreachable, too big) are read off the error queue; and only
 * datagrams from the peer's addresses are let in.
 *
 * One socket is bound and read (a TincanPort's); each link on it has a
 * sharing one (tincan_udp_socket_new_sharing()) that writes through the
 * same descriptor with its own peer, its own send batch and its own
 * counters, and never reads.
 */

#define _GNU_SOURCE             /* recvmmsg() */
#define G_LOG_DOMAIN "tincan-udp-socket"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>

#include "tincan-udp-socket.h"
#include "tincan-wire.h"

#define MAX_DATAGRAM_RECEIVED  65536
#define RECEIVE_BATCH          TINCAN_UDP_SOCKET_RECEIVE_BATCH
#define SEND_BATCH             32
#define SOCKET_BUFFER_SIZE     (4 * 1024 * 1024)
#define MAX_RECEIVE_TRIES      64
/* Addresses a peer was heard from and let in, at most: see
 * tincan_udp_socket_move_peer().
 */
#define MAX_PEER_ADDRESSES     8

static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

struct _TincanUdpSocket
{
  GSocket          *socket;
  GSocketFamily     family;
  guint16           local_port;
  guint32           receive_window;     /* half of what SO_RCVBUF reports */
  TincanLinkStats  *stats;

  GPtrArray        *peer_addresses;     /* GInetAddress, as resolved or moved to */
  GSocketAddress   *peer_destination;
  TincanUdpEndpoint destination;        /* the same, as a key */

  TincanUdpSocketRefusedFunc refused_func;
  gpointer          refused_data;

  /* Receive buffers, allocated once; none in a sharing socket */
  struct mmsghdr    in_messages[RECEIVE_BATCH];
  struct iovec      in_vectors[RECEIVE_BATCH];
  struct sockaddr_storage in_addresses[RECEIVE_BATCH];
  TincanDatagram    in_datagrams[RECEIVE_BATCH];
  guint8           *in_buffers;

  /* Datagrams of one flush, sent with one sendmmsg() */
  guint             n_batched;
  guint8           *out_buffers;          /* a packet, or a DATA header, each */
  GOutputVector     out_vectors[2 * SEND_BATCH];  /* that, and a payload */
  GOutputMessage    out_messages[SEND_BATCH];
};

static GSocket *
open_socket (gboolean        ipv4_only,
             GSocketFamily  *family,
             GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  GSocket *socket = NULL;

  if (!ipv4_only)
    {
      socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
      if (socket != NULL && g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 0, NULL))
        {
          *family = G_SOCKET_FAMILY_IPV6;
          return socket;
        }
    }

  g_clear_object (&socket);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                         &local_error);
  if (socket == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not open a UDP socket: %s"), local_error->message);
      return NULL;
    }

  *family = G_SOCKET_FAMILY_IPV4;
  return socket;
}

static void
set_options (TincanUdpSocket *self)
{
  int granted;

  g_socket_set_blocking (self->socket, FALSE);

  /* Room for a full send window and its ACKs; the kernel caps these at
   * what it allows, which is fine.
   */
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER_SIZE, NULL);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER_SIZE, NULL);

  /* What it got, for the peer not to send more at once.  Linux reports
   * twice the room it keeps for data, the rest being its own overhead.
   */
  self->receive_window = TINCAN_WIRE_BASE_DATAGRAM;
  if (g_socket_get_option (self->socket, SOL_SOCKET, SO_RCVBUF, &granted, NULL))
    self->receive_window = MAX (granted / 2, TINCAN_WIRE_BASE_DATAGRAM);

  /* Never fragmented by IP: a datagram too big for the path is dropped
   * whole, which is what probing the path relies on.  "Probe" sets the
   * don't-fragment bit without applying the kernel's own guess at the path.
   */
  g_socket_set_option (self->socket, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE, NULL);
  if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE, NULL);
      g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_DONTFRAG, 1, NULL);
    }

  /* Port unreachable, reported for an unconnected socket too. */
  if (self->family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_RECVERR, 1, NULL);
  g_socket_set_option (self->socket, IPPROTO_IP, IP_RECVERR, 1, NULL);
}

static TincanUdpSocket *
udp_socket_new (GInetAddress     *address,
                guint16           port,
                gboolean          broadcast,
                TincanLinkStats  *stats,
                GError          **error)
{
  g_autoptr(TincanUdpSocket) self = g_new0 (TincanUdpSocket, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketAddress) bind_address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) any = NULL;

  self->stats = stats;
  self->local_port = port;

  self->in_buffers = g_malloc (RECEIVE_BATCH * MAX_DATAGRAM_RECEIVED);
  self->out_buffers = g_malloc (SEND_BATCH * TINCAN_WIRE_BASE_DATAGRAM);
  for (guint i = 0; i < RECEIVE_BATCH; i++)
    {
      self->in_vectors[i].iov_base = self->in_buffers + i * MAX_DATAGRAM_RECEIVED;
      self->in_vectors[i].iov_len = MAX_DATAGRAM_RECEIVED;
      self->in_messages[i].msg_hdr.msg_iov = &self->in_vectors[i];
      self->in_messages[i].msg_hdr.msg_iovlen = 1;
    }

  self->socket = open_socket (broadcast, &self->family, error);
  if (self->socket == NULL)
    return NULL;

  set_options (self);
  if (broadcast)
    {
      /* IP Messenger's datagrams are up to 8 KiB and are fragmented by
       * IP, as every IPMsg program expects: no path probing here.
       */
      g_socket_set_broadcast (self->socket, TRUE);
      g_socket_set_option (self->socket, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, NULL);
    }

  any = address != NULL ? g_object_ref (address) : g_inet_address_new_any (self->family);
  bind_address = g_inet_socket_address_new (any, port);

  if (!g_socket_bind (self->socket, bind_address, FALSE, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("UDP port %u is already in use by another program"), port);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not listen on UDP port %u: %s"), port, local_error->message);
      return NULL;
    }

  bound = g_socket_get_local_address (self->socket, NULL);
  if (bound != NULL)
    self->local_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return g_steal_pointer (&self);
}

/**
 * tincan_udp_socket_new:
 * @port: the UDP port to listen on, or 0 for any free one
 * @stats: the link's counters; not copied, must outlive the socket
 * @error: return location for a #GError, such as
 *   %G_IO_ERROR_ADDRESS_IN_USE
 *
 * Returns: (transfer full) (nullable): the socket, bound
 */
TincanUdpSocket *
tincan_udp_socket_new (guint16           port,
                       TincanLinkStats  *stats,
                       GError          **error)
{
  return udp_socket_new (NULL, port, FALSE, stats, error);
}

/**
 * tincan_udp_socket_new_broadcast:
 * @address: (nullable): an IPv4 address to bind, or %NULL for 0.0.0.0
 *   (tests bind loopback addresses)
 * @port: the UDP port to listen on, or 0 for any free one
 * @stats: the counters; not copied, must outlive the socket
 * @error: return location for a #GError
 *
 * A socket for IP Messenger: IPv4 only, bound on 0.0.0.0 (broadcasts
 * reach only a socket bound there), allowed to send broadcasts, and
 * whose datagrams IP may fragment.
 *
 * Returns: (transfer full) (nullable): the socket, bound
 */
TincanUdpSocket *
tincan_udp_socket_new_broadcast (GInetAddress     *address,
                                 guint16           port,
                                 TincanLinkStats  *stats,
                                 GError          **error)
{
  return udp_socket_new (address, port, TRUE, stats, error);
}

/**
 * tincan_udp_socket_new_sharing:
 * @owner: a bound socket
 * @stats: the counters of the link that sends through it; not copied
 *
 * A socket that sends through @owner's descriptor to a peer of its own,
 * with a send batch of its own.  It never reads: @owner does, for all.
 *
 * Returns: (transfer full): the socket
 */
TincanUdpSocket *
tincan_udp_socket_new_sharing (TincanUdpSocket *owner,
                               TincanLinkStats *stats)
{
  TincanUdpSocket *self = g_new0 (TincanUdpSocket, 1);

  self->socket = g_object_ref (owner->socket);
  self->family = owner->family;
  self->local_port = owner->local_port;
  self->receive_window = owner->receive_window;
  self->stats = stats;
  self->out_buffers = g_malloc (SEND_BATCH * TINCAN_WIRE_BASE_DATAGRAM);

  return self;
}

void
tincan_udp_socket_free (TincanUdpSocket *self)
{
  g_clear_object (&self->socket);
  g_clear_object (&self->peer_destination);
  g_clear_pointer (&self->peer_addresses, g_ptr_array_unref);
  g_free (self->in_buffers);
  g_free (self->out_buffers);
  g_free (self);
}

/* Returns: (transfer none): the socket itself, for its options */
GSocket *
tincan_udp_socket_get_gsocket (TincanUdpSocket *self)
{
  return self->socket;
}

guint16
tincan_udp_socket_get_local_port (TincanUdpSocket *self)
{
  return self->local_port;
}

/* What this side's socket holds, for the peer not to send more at once. */
guint32
tincan_udp_socket_get_receive_window (TincanUdpSocket *self)
{
  return self->receive_window;
}

/* A source for G_IO_IN and G_IO_ERR, its callback a GSocketSourceFunc. */
GSource *
tincan_udp_socket_create_source (TincanUdpSocket *self)
{
  return g_socket_create_source (self->socket, G_IO_IN | G_IO_ERR, NULL);
}

static GSocketAddress *
destination_for (TincanUdpSocket *self,
                 GInetAddress    *address,
                 guint16          port,
                 guint32          scope_id)
{
  g_autoptr(GInetAddress) mapped = NULL;

  if (self->family == G_SOCKET_FAMILY_IPV6
      && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      guint8 bytes[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      memcpy (bytes + 12, g_inet_address_to_bytes (address), 4);
      address = mapped = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
    }

  return g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                       "address", address,
                       "port", (guint) port,
                       "scope-id", scope_id,
                       NULL);
}

/**
 * tincan_udp_socket_set_peer:
 * @self: a socket
 * @addresses: (element-type GInetAddress) (nullable): the peer's
 *   addresses, as resolved; %NULL for none
 * @port: the peer's port
 *
 * Datagrams are sent to the first address this socket can reach, and let
 * in from any of them.
 */
void
tincan_udp_socket_set_peer (TincanUdpSocket *self,
                            GList           *addresses,
                            guint16          port)
{
  g_clear_pointer (&self->peer_addresses, g_ptr_array_unref);
  g_clear_object (&self->peer_destination);

  if (addresses == NULL)
    return;

  self->peer_addresses = g_ptr_array_new_with_free_func (g_object_unref);

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      GInetAddress *address = l->data;

      /* An IPv4-only socket cannot reach an IPv6 address. */
      if (self->family == G_SOCKET_FAMILY_IPV4
          && g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
        continue;

      g_ptr_array_add (self->peer_addresses, g_object_ref (address));
      if (self->peer_destination == NULL)
        {
          self->peer_destination = destination_for (self, address, port, 0);
          tincan_udp_endpoint_from_inet (&self->destination, address, port);
        }
    }
}

static gboolean
has_address (TincanUdpSocket *self,
             GInetAddress    *address)
{
  for (guint i = 0; i < self->peer_addresses->len; i++)
    if (g_inet_address_equal (g_ptr_array_index (self->peer_addresses, i), address))
      return TRUE;

  return FALSE;
}

/**
 * tincan_udp_socket_move_peer:
 * @self: a socket
 * @destination: where to send from now on, IPv4 as IPv4 (not mapped)
 * @keep_others: whether to go on letting in datagrams from the peer's
 *   other addresses
 *
 * Sends to @destination, and lets datagrams in from its address too.  With
 * @keep_others, the addresses the peer had stay, up to MAX_PEER_ADDRESSES
 * (the oldest goes first): a computer with two addresses is still one
 * peer.  Without, @destination's is the only one.
 */
void
tincan_udp_socket_move_peer (TincanUdpSocket    *self,
                             GInetSocketAddress *destination,
                             gboolean            keep_others)
{
  GInetAddress *address = g_inet_socket_address_get_address (destination);
  guint16 port = g_inet_socket_address_get_port (destination);
  guint32 scope_id = 0;

  /* An IPv4-only socket cannot reach an IPv6 address. */
  if (self->family == G_SOCKET_FAMILY_IPV4
      && g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return;

  if (!keep_others)
    g_clear_pointer (&self->peer_addresses, g_ptr_array_unref);
  if (self->peer_addresses == NULL)
    self->peer_addresses = g_ptr_array_new_with_free_func (g_object_unref);

  if (!has_address (self, address))
    {
      if (self->peer_addresses->len == MAX_PEER_ADDRESSES)
        g_ptr_array_remove_index (self->peer_addresses, 0);
      g_ptr_array_add (self->peer_addresses, g_object_ref (address));
    }

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    scope_id = g_inet_socket_address_get_scope_id (destination);

  g_clear_object (&self->peer_destination);
  self->peer_destination = destination_for (self, address, port, scope_id);
  tincan_udp_endpoint_from_inet (&self->destination, address, port);
  self->destination.scope_id = scope_id;
}

/* Returns: (transfer none) (element-type GInetAddress) (nullable): the
 * addresses datagrams are let in from
 */
GPtrArray *
tincan_udp_socket_get_peer_addresses (TincanUdpSocket *self)
{
  return self->peer_addresses;
}

/* Returns: (transfer full) (nullable): where datagrams go, IPv4 as IPv4 */
GInetSocketAddress *
tincan_udp_socket_dup_peer_destination (TincanUdpSocket *self)
{
  if (self->peer_destination == NULL)
    return NULL;

  return tincan_udp_endpoint_to_address (&self->destination);
}

/* Whether @address, port included, is where datagrams go. */
gboolean
tincan_udp_socket_is_peer_destination (TincanUdpSocket       *self,
                                       const struct sockaddr *address,
                                       socklen_t              length)
{
  TincanUdpEndpoint from;

  return self->peer_destination != NULL
         && tincan_udp_endpoint_from_sockaddr (&from, address, length)
         && tincan_udp_endpoint_equal (&from, &self->destination);
}

/* Whether the peer has an address this socket can send to. */
gboolean
tincan_udp_socket_has_peer (TincanUdpSocket *self)
{
  return self->peer_destination != NULL;
}

gboolean
tincan_udp_socket_is_from_peer (TincanUdpSocket       *self,
                                const struct sockaddr *address,
                                socklen_t              length)
{
  TincanUdpEndpoint from;

  if (self->peer_addresses == NULL || !tincan_udp_endpoint_from_sockaddr (&from, address, length))
    return FALSE;

  for (guint i = 0; i < self->peer_addresses->len; i++)
    {
      TincanUdpEndpoint peer;

      tincan_udp_endpoint_from_inet (&peer, g_ptr_array_index (self->peer_addresses, i), 0);
      if (memcmp (peer.bytes, from.bytes, sizeof peer.bytes) == 0)
        return TRUE;
    }

  return FALSE;
}

/**
 * tincan_udp_socket_flush:
 * @self: a socket
 * @error: return location for a #GError
 *
 * Sends what tincan_udp_socket_queue() gathered, in one system call.
 *
 * Returns: %FALSE if the socket refused them
 */
gboolean
tincan_udp_socket_flush (TincanUdpSocket  *self,
                         GError          **error)
{
  guint count = self->n_batched;
  int sent;

  if (count == 0)
    return TRUE;

  self->n_batched = 0;

  for (guint i = 0; i < count; i++)
    {
      self->out_messages[i].address = self->peer_destination;
      self->out_messages[i].vectors = &self->out_vectors[2 * i];
      self->out_messages[i].num_vectors = self->out_vectors[2 * i + 1].size > 0 ? 2 : 1;
      self->out_messages[i].bytes_sent = 0;
      self->out_messages[i].control_messages = NULL;
      self->out_messages[i].num_control_messages = 0;
    }

  sent = g_socket_send_messages (self->socket, self->out_messages, count, 0, NULL, error);
  if (sent < 0)
    return FALSE;

  self->stats->datagrams_sent += sent;

  return TRUE;
}

/**
 * tincan_udp_socket_queue:
 * @self: a socket with a peer
 * @head: a packet, or a DATA header: at most TINCAN_WIRE_BASE_DATAGRAM
 *   bytes, copied
 * @head_length: its size
 * @tail: (nullable): a fragment's payload, not copied: it must stay where
 *   it is until the batch is flushed
 * @tail_length: its size
 * @error: return location for a #GError
 *
 * Adds @head followed by @tail, as one datagram, to the batch, which is
 * sent when full or flushed.
 *
 * Returns: %FALSE if sending a full batch failed
 */
gboolean
tincan_udp_socket_queue (TincanUdpSocket  *self,
                         const guint8     *head,
                         gsize             head_length,
                         const guint8     *tail,
                         gsize             tail_length,
                         GError          **error)
{
  guint8 *buffer = self->out_buffers + (gsize) self->n_batched * TINCAN_WIRE_BASE_DATAGRAM;

  g_return_val_if_fail (head_length <= TINCAN_WIRE_BASE_DATAGRAM, FALSE);

  memcpy (buffer, head, head_length);
  self->out_vectors[2 * self->n_batched].buffer = buffer;
  self->out_vectors[2 * self->n_batched].size = head_length;
  self->out_vectors[2 * self->n_batched + 1].buffer = tail;
  self->out_vectors[2 * self->n_batched + 1].size = tail_length;

  if (++self->n_batched == SEND_BATCH)
    return tincan_udp_socket_flush (self, error);

  return TRUE;
}

/**
 * tincan_udp_socket_send:
 * @self: a socket with a peer
 * @head: the datagram's first bytes
 * @head_length: their number
 * @tail: (nullable): the rest, gathered without a copy
 * @tail_length: its size
 * @error: return location for a #GError, such as
 *   %G_IO_ERROR_MESSAGE_TOO_LARGE for a datagram the interface cannot send
 *
 * Sends one datagram now, not batched.
 *
 * Returns: %FALSE if the socket refused it
 */
gboolean
tincan_udp_socket_send (TincanUdpSocket  *self,
                        const guint8     *head,
                        gsize             head_length,
                        const guint8     *tail,
                        gsize             tail_length,
                        GError          **error)
{
  GOutputVector vectors[2] = { { head, head_length }, { tail, tail_length } };

  if (g_socket_send_message (self->socket, self->peer_destination, vectors, tail_length > 0 ? 2 : 1,
                             NULL, 0, 0, NULL, error) < 0)
    return FALSE;

  self->stats->datagrams_sent++;

  return TRUE;
}

/**
 * tincan_udp_socket_send_to:
 * @self: a socket
 * @destination: where to, IPv4 as IPv4: a broadcast address too
 * @data: the datagram
 * @length: its size
 * @error: return location for a #GError
 *
 * One datagram to anyone, not the peer: what IP Messenger's hub sends.
 *
 * Returns: %TRUE if it was sent
 */
gboolean
tincan_udp_socket_send_to (TincanUdpSocket    *self,
                           GInetSocketAddress *destination,
                           const guint8       *data,
                           gsize               length,
                           GError            **error)
{
  g_autoptr(GSocketAddress) to = NULL;

  to = destination_for (self, g_inet_socket_address_get_address (destination),
                        g_inet_socket_address_get_port (destination), 0);
  if (g_socket_send_to (self->socket, to, (const char *) data, length, NULL, error) < 0)
    return FALSE;

  self->stats->datagrams_sent++;

  return TRUE;
}

/**
 * tincan_udp_socket_drain_errors:
 * @self: a socket
 *
 * ICMP errors wait on the socket's error queue; they must be read, or the
 * socket stays readable for ever.  Only "port unreachable" means anything
 * here; a datagram too big for the path (a probe) also lands here, and is
 * taken care of by the probe's timeout.
 *
 * Each destination found unreachable goes to the refused function.
 *
 * Returns: %TRUE if a port was unreachable
 */
gboolean
tincan_udp_socket_drain_errors (TincanUdpSocket *self)
{
  int fd = g_socket_get_fd (self->socket);
  gboolean refused = FALSE;

  for (guint i = 0; i < 64; i++)
    {
      guint8 data[64];
      guint8 control[512];
      struct sockaddr_storage destination;
      struct iovec iov = { data, sizeof data };
      struct msghdr msg = { 0 };

      /* Where the datagram that met the error was going. */
      msg.msg_name = &destination;
      msg.msg_namelen = sizeof destination;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;

      if (recvmsg (fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        break;

      for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
        {
          struct sock_extended_err error;

          if (!((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_RECVERR)
                || (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_RECVERR))
              || cmsg->cmsg_len < CMSG_LEN (sizeof error))
            continue;

          memcpy (&error, CMSG_DATA (cmsg), sizeof error);
          if (error.ee_errno == ECONNREFUSED)
            {
              refused = TRUE;
              if (self->refused_func != NULL && msg.msg_namelen > 0)
                self->refused_func ((const struct sockaddr *) &destination, msg.msg_namelen,
                                    self->refused_data);
            }
          else
            g_debug ("Error queue: %s", g_strerror (error.ee_errno));
        }
    }

  return refused;
}

/**
 * tincan_udp_socket_receive:
 * @self: a socket
 * @datagrams: (out) (transfer none): the datagrams read, valid until the
 *   next call
 *
 * A port reported unreachable meanwhile goes to the refused function.
 * Reads up to a batch of datagrams, from anyone, without blocking.
 * recvmmsg() itself, not g_socket_receive_messages(): that one asks again
 * after a short batch, one more system call per wake-up, and makes an
 * object of every sender's address.
 *
 * Returns: how many were read; fewer than a batch means none are left
 */
guint
tincan_udp_socket_receive (TincanUdpSocket       *self,
                           const TincanDatagram **datagrams)
{
  int n = -1;

  g_return_val_if_fail (self->in_buffers != NULL, 0);

  *datagrams = self->in_datagrams;

  for (guint tries = 0; tries < MAX_RECEIVE_TRIES; tries++)
    {
      for (guint i = 0; i < RECEIVE_BATCH; i++)
        {
          self->in_messages[i].msg_hdr.msg_name = &self->in_addresses[i];
          self->in_messages[i].msg_hdr.msg_namelen = sizeof self->in_addresses[i];
          self->in_messages[i].msg_hdr.msg_control = NULL;
          self->in_messages[i].msg_hdr.msg_controllen = 0;
          self->in_messages[i].msg_hdr.msg_flags = 0;
        }

      n = recvmmsg (g_socket_get_fd (self->socket), self->in_messages, RECEIVE_BATCH, MSG_DONTWAIT, NULL);
      if (n >= 0)
        break;

      if (errno == EINTR)
        continue;
      if (errno == ECONNREFUSED)
        {
          /* An earlier datagram's "port unreachable", not this read's. */
          tincan_udp_socket_drain_errors (self);
          continue;
        }
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        g_debug ("Could not receive: %s", g_strerror (errno));
      return 0;
    }

  if (n < 0)
    return 0;

  for (int i = 0; i < n; i++)
    {
      self->in_datagrams[i].from = (const struct sockaddr *) &self->in_addresses[i];
      self->in_datagrams[i].from_length = self->in_messages[i].msg_hdr.msg_namelen;
      self->in_datagrams[i].data = self->in_vectors[i].iov_base;
      self->in_datagrams[i].length = self->in_messages[i].msg_len;
    }

  return n;
}

/**
 * tincan_udp_socket_set_refused_func:
 * @self: a socket that reads
 * @func: (nullable): called with each destination found unreachable
 * @user_data: for @func
 */
void
tincan_udp_socket_set_refused_func (TincanUdpSocket            *self,
                                    TincanUdpSocketRefusedFunc  func,
                                    gpointer                    user_data)
{
  self->refused_func = func;
  self->refused_data = user_data;
}

/* Endpoints: addresses as hash keys, so that an IPv4 sender is the same
 * whether it was resolved as IPv4 or read off a dual-stack socket as
 * ::ffff:a.b.c.d.
 */

gboolean
tincan_udp_endpoint_from_sockaddr (TincanUdpEndpoint     *endpoint,
                                   const struct sockaddr *address,
                                   socklen_t              length)
{
  memset (endpoint, 0, sizeof *endpoint);

  if (address->sa_family == AF_INET && length >= sizeof (struct sockaddr_in))
    {
      const struct sockaddr_in *in = (const struct sockaddr_in *) address;

      memcpy (endpoint->bytes, mapped_prefix, sizeof mapped_prefix);
      memcpy (endpoint->bytes + 12, &in->sin_addr, 4);
      endpoint->port = g_ntohs (in->sin_port);
      return TRUE;
    }

  if (address->sa_family == AF_INET6 && length >= sizeof (struct sockaddr_in6))
    {
      const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) address;

      memcpy (endpoint->bytes, &in6->sin6_addr, 16);
      endpoint->port = g_ntohs (in6->sin6_port);
      endpoint->scope_id = in6->sin6_scope_id;
      return TRUE;
    }

  return FALSE;
}

void
tincan_udp_endpoint_from_inet (TincanUdpEndpoint *endpoint,
                               GInetAddress      *address,
                               guint16            port)
{
  memset (endpoint, 0, sizeof *endpoint);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      memcpy (endpoint->bytes, mapped_prefix, sizeof mapped_prefix);
      memcpy (endpoint->bytes + 12, g_inet_address_to_bytes (address), 4);
    }
  else
    memcpy (endpoint->bytes, g_inet_address_to_bytes (address), 16);

  endpoint->port = port;
}

/* The scope is not part of the key: one address, one peer. */
guint
tincan_udp_endpoint_hash (gconstpointer key)
{
  const TincanUdpEndpoint *endpoint = key;
  guint hash = 5381 + endpoint->port;

  for (guint i = 0; i < sizeof endpoint->bytes; i++)
    hash = hash * 33 + endpoint->bytes[i];

  return hash;
}

gboolean
tincan_udp_endpoint_equal (gconstpointer a,
                           gconstpointer b)
{
  const TincanUdpEndpoint *x = a;
  const TincanUdpEndpoint *y = b;

  return x->port == y->port && memcmp (x->bytes, y->bytes, sizeof x->bytes) == 0;
}

/* Returns: (transfer full): @endpoint as an address, IPv4 as IPv4 */
GInetSocketAddress *
tincan_udp_endpoint_to_address (const TincanUdpEndpoint *endpoint)
{
  g_autoptr(GInetAddress) address = NULL;

  if (memcmp (endpoint->bytes, mapped_prefix, sizeof mapped_prefix) == 0)
    address = g_inet_address_new_from_bytes (endpoint->bytes + 12, G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_bytes (endpoint->bytes, G_SOCKET_FAMILY_IPV6);

  return G_INET_SOCKET_ADDRESS (g_object_new (G_TYPE_INET_SOCKET_ADDRESS,
                                              "address", address,
                                              "port", (guint) endpoint->port,
                                              "scope-id", endpoint->scope_id,
                                              NULL));
}

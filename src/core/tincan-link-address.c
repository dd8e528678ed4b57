/* tincan-link-address.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the peer is (docs/PROTOCOL.md, *Addresses* and *One socket, many
 * peers*): the address the link sends to and lets datagrams in from.
 * tincan_link_set_peer() starts over with a host resolved in the
 * background; two other ways keep the conversation.
 *
 * Roaming: a sealed packet that opened with the keys in use and is no
 * replay proves it came from the peer, wherever it came from; if that is
 * not where we send, the peer moved (a new network, a NAT that picked
 * another port), and we follow it there.  The addresses it had are still
 * let in, up to a few: a computer with two addresses is one peer.
 * Nothing else moves a link by itself: not a handshake message, not a
 * packet that did not open, not a replay.
 *
 * Moving on purpose: tincan_link_move(), for the owner that learnt from
 * elsewhere (an announcement, a handshake on another link with the same
 * key) that the person is at a new address.  Everything that is the
 * conversation stays (the outbox, the receive state, the name, the keys
 * until new ones come); what belonged to the old path goes.
 */

#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-link-internal.h"

/* The peer's address is known: say hello, and send what waits. */
void
tincan_link_start_talking (TincanLink *self)
{
  if (self->mode == TINCAN_MODE_RELIABLE)
    {
      tincan_link_send_hello (self);
      tincan_presence_tracker_start (self->presence, g_get_monotonic_time ());
    }
  else if (self->mode == TINCAN_MODE_IPMSG)
    tincan_link_ipmsg_start_talking (self);

  tincan_link_flush (self);
  tincan_link_schedule (self);
}

static void
on_resolved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TincanLink) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (addresses == NULL)
    {
      g_autoptr(GError) peer_error = NULL;

      peer_error = g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                                _("Could not find the computer “%s”: %s"),
                                self->peer_host, error->message);
      tincan_link_emit_peer_error (self, peer_error);
      return;
    }

  tincan_udp_socket_set_peer (self->socket, addresses, self->peer_port);
  g_resolver_free_addresses (addresses);
  tincan_link_peer_address_changed (self);

  if (!tincan_link_has_peer (self))
    {
      g_autoptr(GError) peer_error = NULL;

      peer_error = g_error_new (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                                _("“%s” has only IPv6 addresses, and this computer has no IPv6"),
                                self->peer_host);
      tincan_link_emit_peer_error (self, peer_error);
      return;
    }

  tincan_link_start_talking (self);
}

/**
 * tincan_link_set_peer:
 * @self: a #TincanLink
 * @host: an IP address or a host name, as checked by
 *   tincan_address_normalize_host()
 * @port: the peer's UDP port
 *
 * Resolves @host in the background; packets are then accepted from its
 * addresses only.  A name that does not resolve emits
 * #TincanLink::peer-error.
 */
void
tincan_link_set_peer (TincanLink *self,
                      const char *host,
                      guint16     port)
{
  g_autoptr(GInetAddress) literal = NULL;

  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (port > 0);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_free (self->peer_host);
  self->peer_host = g_strdup (host);
  self->peer_port = port;
  tincan_udp_socket_set_peer (self->socket, NULL, 0);
  tincan_link_peer_address_changed (self);
  tincan_link_forget_keys (self);
  self->peer_session = 0;
  self->peer_version = 0;
  self->peer_left = FALSE;
  self->data_heard = 0;
  tincan_path_probe_reset (self->probe);
  tincan_receiver_restart (self->receiver);
  tincan_sender_new_epoch (self->sender);
  tincan_link_set_presence (self, TINCAN_PRESENCE_UNKNOWN);

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      GList addresses = { literal, NULL, NULL };

      tincan_udp_socket_set_peer (self->socket, &addresses, port);
      tincan_link_peer_address_changed (self);
      tincan_link_start_talking (self);
    }
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      g_resolver_lookup_by_name_async (resolver, host, self->cancellable,
                                       on_resolved_cb, g_object_ref (self));
    }
}

/* A sealed packet from @from authenticated: the peer is there now. */
void
tincan_link_roam (TincanLink            *self,
                  const struct sockaddr *from,
                  socklen_t              from_length)
{
  g_autoptr(GInetSocketAddress) address = NULL;
  TincanUdpEndpoint endpoint;

  if (!tincan_udp_endpoint_from_sockaddr (&endpoint, from, from_length))
    return;

  address = tincan_udp_endpoint_to_address (&endpoint);
  if (g_log_get_debug_enabled ())
    {
      g_autofree char *text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

      g_debug ("The peer roamed to %s", text);
    }

  tincan_udp_socket_move_peer (self->socket, address, TRUE);
  self->stats.roamed++;

  /* Another path: its size is found again, from the base size. */
  tincan_path_probe_reset (self->probe);

  tincan_link_peer_address_changed (self);
}

/**
 * tincan_link_move:
 * @self: a #TincanLink with a peer
 * @address: where the peer is now
 *
 * Points the link at @address and lets datagrams in from it alone:
 * unlike tincan_link_set_peer(), it keeps what the link has for the
 * peer and from it (messages queued or not acknowledged yet, what was
 * received, the peer's name).  What belonged to the old path is reset
 * (the datagram size found, what was in flight, which is sent again in
 * a new epoch) and a new handshake starts, as the peer may have
 * restarted there.
 */
void
tincan_link_move (TincanLink         *self,
                  GInetSocketAddress *address)
{
  GInetAddress *host;

  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (G_IS_INET_SOCKET_ADDRESS (address));
  g_return_if_fail (g_inet_socket_address_get_port (address) > 0);

  /* A name still being resolved would put the old address back. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  host = g_inet_socket_address_get_address (address);
  g_free (self->peer_host);
  self->peer_host = g_inet_address_to_string (host);
  self->peer_port = g_inet_socket_address_get_port (address);

  tincan_udp_socket_move_peer (self->socket, address, FALSE);
  tincan_link_peer_address_changed (self);

  tincan_path_probe_reset (self->probe);
  tincan_sender_new_epoch (self->sender);
  self->peer_left = FALSE;
  tincan_link_set_presence (self, TINCAN_PRESENCE_UNKNOWN);

  if (!tincan_link_has_peer (self))
    return;

  if (self->mode == TINCAN_MODE_RELIABLE)
    {
      /* One under way was with the old address. */
      g_clear_pointer (&self->handshake, tincan_handshake_free);
      self->retry_deadline = G_MAXINT64;
    }

  tincan_link_start_talking (self);
}

/**
 * tincan_link_dup_peer_address:
 * @self: a #TincanLink
 *
 * Returns: (transfer full) (nullable): see #TincanLink:peer-address
 */
GInetSocketAddress *
tincan_link_dup_peer_address (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  if (self->socket == NULL)
    return NULL;

  return tincan_udp_socket_dup_peer_destination (self->socket);
}

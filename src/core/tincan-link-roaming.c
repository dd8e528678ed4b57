/* tincan-link-roaming.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the peer is (docs/PROTOCOL.md, *One socket, many peers*): the
 * address the link sends to, and the two ways it changes besides
 * tincan_link_set_peer(), which starts over.
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

#include "tincan-link-internal.h"

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

/* tincan-chat-person.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The person a chat is with, as the people hub makes one for each person
 * of the sidebar: the chat on the hub's port (one socket for everyone),
 * on the person's view of the history, with the hub's identity, talking
 * to the person's address in the person's mode.  The settings give the
 * display name and how long messages wait.
 */

#define G_LOG_DOMAIN "tincan-chat"

#include "config.h"

#include "tincan-chat-internal.h"

/**
 * tincan_chat_new_for_person:
 * @settings: the display name and the waiting limit
 * @store: the person's view of the history (tincan_store_open_person())
 * @identity: (nullable): this installation's identity; %NULL if it could
 *   not be loaded, which keeps Tin Can mode off
 * @identity_error: (nullable): why not, for #TincanChat:error
 * @person_id: the person's ID in the history
 *
 * The conversation starts when it has a port (tincan_chat_set_port())
 * and an address (tincan_chat_set_person_peer()).
 *
 * Returns: (transfer full): a new #TincanChat
 */
TincanChat *
tincan_chat_new_for_person (TincanSettings *settings,
                            TincanStore    *store,
                            TincanIdentity *identity,
                            const char     *identity_error,
                            gint64          person_id)
{
  TincanChat *self;

  g_return_val_if_fail (TINCAN_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (TINCAN_IS_STORE (store), NULL);
  g_return_val_if_fail (identity == NULL || TINCAN_IS_IDENTITY (identity), NULL);
  g_return_val_if_fail (person_id > 0, NULL);

  self = g_object_new (TINCAN_TYPE_CHAT,
                       "settings", settings,
                       "store", store,
                       "identity", identity,
                       "person-id", person_id,
                       NULL);
  self->identity_error = g_strdup (identity_error);

  return self;
}

/**
 * tincan_chat_set_port:
 * @self: a person's #TincanChat
 * @port: (nullable): the hub's port; %NULL when it could not be bound
 * @error: (nullable): why there is none, for #TincanChat:error
 *
 * A new port (the local port changed) makes a new link on it, which the
 * outbox goes to, as a change of the settings' port does.
 */
void
tincan_chat_set_port (TincanChat *self,
                      TincanPort *port,
                      const char *error)
{
  g_return_if_fail (TINCAN_IS_CHAT (self));

  g_set_object (&self->port, port);
  g_free (self->port_error);
  self->port_error = g_strdup (error);
  tincan_chat_apply (self);
}

/**
 * tincan_chat_set_ipmsg_port:
 * @self: a person's #TincanChat
 * @port: (nullable): the IP Messenger hub's port
 *   (tincan_ipmsg_get_port()); %NULL while IP Messenger is off
 * @error: (nullable): why it is off, for #TincanChat:error
 *
 * The port an IP Messenger user's conversation talks from: its link is
 * made there in %TINCAN_MODE_IPMSG.  Other modes use the hub's own port.
 */
void
tincan_chat_set_ipmsg_port (TincanChat *self,
                            TincanPort *port,
                            const char *error)
{
  g_return_if_fail (TINCAN_IS_CHAT (self));

  if (self->ipmsg_port == port && g_strcmp0 (self->ipmsg_error, error) == 0)
    return;

  g_set_object (&self->ipmsg_port, port);
  g_free (self->ipmsg_error);
  self->ipmsg_error = g_strdup (error);
  tincan_chat_apply (self);
}

/**
 * tincan_chat_set_person_peer:
 * @self: a person's #TincanChat
 * @host: their address or host name
 * @port: their UDP port
 * @mode: how to talk to them
 *
 * Where the person is, as added or as edited: a new address starts over
 * with them (a new handshake), keeping the outbox.
 */
void
tincan_chat_set_person_peer (TincanChat *self,
                             const char *host,
                             guint16     port,
                             TincanMode  mode)
{
  g_return_if_fail (TINCAN_IS_CHAT (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (port > 0);

  gboolean new_mode = self->person_mode != mode;

  g_free (self->person_host);
  self->person_host = g_strdup (host);
  self->person_port = port;
  self->person_mode = mode;
  tincan_chat_apply (self);
  if (new_mode)
    tincan_chat_notify_property (self, PROP_MODE);
}

/**
 * tincan_chat_move:
 * @self: a person's #TincanChat
 * @address: where the person is now
 *
 * The person was found somewhere else (an announcement, a handshake
 * from a new address): the link follows them there without starting
 * over (tincan_link_move()), and what waited for them goes.
 */
void
tincan_chat_move (TincanChat         *self,
                  GInetSocketAddress *address)
{
  g_autofree char *host = NULL;
  guint16 port;

  g_return_if_fail (TINCAN_IS_CHAT (self));
  g_return_if_fail (G_IS_INET_SOCKET_ADDRESS (address));

  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  port = g_inet_socket_address_get_port (address);

  g_free (self->person_host);
  self->person_host = g_strdup (host);
  self->person_port = port;

  if (self->link == NULL)
    {
      tincan_chat_apply (self);
      return;
    }

  /* The link keeps its state; only where it sends changes. */
  g_free (self->link_peer_host);
  self->link_peer_host = g_strdup (host);
  self->link_peer_port = port;
  tincan_link_move (self->link, address);
}

/**
 * tincan_chat_set_history_problem:
 * @self: a person's #TincanChat
 * @problem: (nullable): why the hub's history is only in memory
 *
 * The hub opened the history for everyone; if it could not, each
 * conversation says so, as a chat that opened its own does.
 */
void
tincan_chat_set_history_problem (TincanChat *self,
                                 const char *problem)
{
  g_return_if_fail (TINCAN_IS_CHAT (self));

  if (g_strcmp0 (self->open_problem, problem) == 0)
    return;

  g_free (self->open_problem);
  self->open_problem = g_strdup (problem);
  tincan_chat_notify_property (self, PROP_HISTORY_PROBLEM);
}

/**
 * tincan_chat_has_peer:
 * @self: a #TincanChat
 *
 * Returns: whether there is someone to talk to: the person's address is
 *   known
 */
gboolean
tincan_chat_has_peer (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  return self->person_host != NULL;
}

/**
 * tincan_chat_get_mode:
 * @self: a #TincanChat
 *
 * Returns: how the conversation talks: the person's mode
 */
TincanMode
tincan_chat_get_mode (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), TINCAN_MODE_RELIABLE);

  return self->person_mode;
}

/**
 * tincan_chat_use_plain_text:
 * @self: a #TincanChat
 *
 * Talks plain text from now on, keeping the address: the person's mode,
 * which the hub keeps (following #GObject::notify of "mode").
 */
void
tincan_chat_use_plain_text (TincanChat *self)
{
  g_return_if_fail (TINCAN_IS_CHAT (self));

  if (self->person_host == NULL || self->person_mode == TINCAN_MODE_PLAIN)
    return;

  self->person_mode = TINCAN_MODE_PLAIN;
  tincan_chat_apply (self);
  tincan_chat_notify_property (self, PROP_MODE);
}

/**
 * tincan_chat_reach_out:
 * @self: a person's #TincanChat
 *
 * The person was just seen on the network (their announcement): if they
 * are not online here, a handshake now, rather than at the next retry,
 * so what waits for them goes, or a changed key shows.  A key already
 * refused stays refused: that is for the person to decide.
 */
void
tincan_chat_reach_out (TincanChat *self)
{
  g_return_if_fail (TINCAN_IS_CHAT (self));

  if (self->link == NULL || tincan_link_get_mode (self->link) != TINCAN_MODE_RELIABLE
      || tincan_link_get_presence (self->link) == TINCAN_PRESENCE_ONLINE
      || tincan_link_get_refused_key (self->link) != NULL)
    return;

  tincan_link_renew_handshake (self->link);
}

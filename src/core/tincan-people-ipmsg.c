/* tincan-people-ipmsg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people hub and IP Messenger (docs/IPMSG.md): the IPMsg hub
 * (TincanIpmsg) runs while the ipmsg setting is on, with the settings'
 * name for its nickname, and its users are people like the others, in
 * mode TINCAN_MODE_IPMSG:
 *
 *  - a user who enters, or answers our BR_ENTRY, is someone nearby (at
 *    most TINCAN_PEOPLE_MAX_NEARBY, shared with those found by Tin Can's
 *    discovery) at their address, IP:2425, named by their nickname, else
 *    user@host; someone of the history there gets their conversation
 *    opened, whose link follows their presence;
 *  - BR_EXIT takes someone nearby off the list; a conversation stays,
 *    its link says they are offline;
 *  - a message from a stranger (TincanIpmsg::stranger-message) makes the
 *    person and their conversation at once, so its link is on the port
 *    before the port routes the message, which is then delivered and
 *    kept as any other.
 *
 * An IPMsg user is their address, never a key: someone met both by IP
 * Messenger and by Tin Can is two people, in two modes.
 */

#define G_LOG_DOMAIN "tincan-people"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-address.h"
#include "tincan-ipmsg-private.h"
#include "tincan-people-internal.h"
#include "tincan-people-private.h"

static TincanPerson *
find_user (TincanPeople       *self,
           GInetSocketAddress *address)
{
  g_autofree char *text = tincan_address_format_socket (address);
  GListModel *model = G_LIST_MODEL (self->people);

  for (guint i = 0, n = g_list_model_get_n_items (model); i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);

      if (tincan_person_get_mode (person) == TINCAN_MODE_IPMSG
          && g_strcmp0 (tincan_person_get_address (person), text) == 0)
        return person;
    }

  return NULL;
}

static void
on_user_found_cb (TincanPeople          *self,
                  const TincanIpmsgUser *user)
{
  const char *name = user->name;
  g_autofree char *address = NULL;
  g_autoptr(TincanPerson) person = NULL;
  TincanPerson *known = find_user (self, user->address);

  if (known != NULL)
    {
      if (tincan_person_get_nearby (known))
        g_object_set (known, "name", name, NULL);
      else if (tincan_person_get_chat (known) == NULL)
        tincan_people_ensure_chat (self, known);
      return;
    }

  /* Whoever sends entries decides how many people there are. */
  if (self->n_nearby >= TINCAN_PEOPLE_MAX_NEARBY)
    {
      g_debug ("Nearby is full: %s not listed", name);
      return;
    }

  address = tincan_address_format_socket (user->address);
  person = tincan_person_new (name, TINCAN_MODE_IPMSG);
  g_object_set (person, "nearby", TRUE, "address", address, NULL);
  g_list_store_insert_sorted (self->people, person, tincan_people_compare, NULL);
  self->n_nearby++;
}

static void
on_user_changed_cb (TincanPeople          *self,
                    const TincanIpmsgUser *user)
{
  TincanPerson *person = find_user (self, user->address);

  /* A conversation's name is its link's, which hears the same entry. */
  if (person != NULL && tincan_person_get_nearby (person))
    {
      g_object_set (person, "name", user->name, NULL);
      tincan_people_place (self, person);
    }
  else if (person == NULL)
    on_user_found_cb (self, user);
}

static void
on_user_left_cb (TincanPeople       *self,
                 GInetSocketAddress *address)
{
  TincanPerson *person = find_user (self, address);
  guint position;

  if (person == NULL || !tincan_person_get_nearby (person))
    return;

  if (g_list_store_find (self->people, person, &position))
    {
      g_list_store_remove (self->people, position);
      self->n_nearby--;
    }
}

static void
on_stranger_message_cb (TincanPeople       *self,
                        GInetSocketAddress *address)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  const char *name = NULL;
  TincanPerson *person = find_user (self, address);
  GPtrArray *users;

  if (person != NULL)
    {
      if (tincan_people_start_conversation (self, person, &error) == NULL)
        g_debug ("Could not open an IP Messenger conversation: %s", error->message);
      return;
    }

  users = tincan_ipmsg_list_users (self->ipmsg);
  for (guint i = 0; i < users->len; i++)
    {
      const TincanIpmsgUser *user = g_ptr_array_index (users, i);

      if (g_inet_socket_address_get_port (user->address) == g_inet_socket_address_get_port (address)
          && g_inet_address_equal (g_inet_socket_address_get_address (user->address),
                                   g_inet_socket_address_get_address (address)))
        name = user->name;
    }

  /* Anyone on the subnet can claim any address there: however fast
   * they do, they do not fill the history with people.
   */
  if (self->ipmsg_strangers >= TINCAN_PEOPLE_MAX_NEARBY)
    {
      g_debug ("IP Messenger: %u people were made by their first message this run; no more",
               self->ipmsg_strangers);
      return;
    }

  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  person = tincan_people_add_person (self, NULL, host, g_inet_socket_address_get_port (address),
                                     TINCAN_MODE_IPMSG, name, &error);
  if (person == NULL)
    {
      g_debug ("Could not add an IP Messenger user: %s", error->message);
      return;
    }

  self->ipmsg_strangers++;
  tincan_people_ensure_chat (self, person);
}

/* Every conversation learns the port, or why there is none. */
static void
give_chats_port (TincanPeople *self)
{
  GListModel *model = G_LIST_MODEL (self->people);
  TincanPort *port = self->ipmsg != NULL ? tincan_ipmsg_get_port (self->ipmsg) : NULL;
  const char *error = self->ipmsg_error != NULL ? self->ipmsg_error : _("IP Messenger is turned off");

  for (guint i = 0, n = g_list_model_get_n_items (model); i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);

      if (tincan_person_get_chat (person) != NULL)
        tincan_chat_set_ipmsg_port (tincan_person_get_chat (person), port, port ? NULL : error);
    }
}

/* IP Messenger users found nearby go with the hub. */
static void
forget_nearby_users (TincanPeople *self)
{
  GListModel *model = G_LIST_MODEL (self->people);

  for (guint i = g_list_model_get_n_items (model); i > 0; i--)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i - 1);

      if (tincan_person_get_nearby (person) && tincan_person_get_mode (person) == TINCAN_MODE_IPMSG)
        {
          g_list_store_remove (self->people, i - 1);
          self->n_nearby--;
        }
    }
}

static void
start (TincanPeople *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = tincan_settings_dup_effective_name (self->settings);

  self->ipmsg = tincan_ipmsg_new_full (self->ipmsg_address,
                                       self->ipmsg_port_number != 0 ? self->ipmsg_port_number
                                                                    : TINCAN_IPMSG_PORT,
                                       self->ipmsg_local_net, &error);
  if (self->ipmsg == NULL)
    {
      g_debug ("No IP Messenger: %s", error->message);
      tincan_people_set_ipmsg_error (self, error->message);
      give_chats_port (self);
      return;
    }

  if (self->ipmsg_targets != NULL)
    tincan_ipmsg_set_broadcast_targets (self->ipmsg, self->ipmsg_targets);
  g_signal_connect_object (self->ipmsg, "user-found",
                           G_CALLBACK (on_user_found_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ipmsg, "user-changed",
                           G_CALLBACK (on_user_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ipmsg, "user-left",
                           G_CALLBACK (on_user_left_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ipmsg, "stranger-message",
                           G_CALLBACK (on_stranger_message_cb), self, G_CONNECT_SWAPPED);

  tincan_people_set_ipmsg_error (self, NULL);
  give_chats_port (self);
  tincan_ipmsg_set_nickname (self->ipmsg, name);
  tincan_ipmsg_start (self->ipmsg);
}

/**
 * tincan_people_stop_ipmsg:
 *
 * BR_EXIT, and the hub goes: at quit, or when the setting goes off.
 */
void
tincan_people_stop_ipmsg (TincanPeople *self)
{
  if (self->ipmsg == NULL)
    return;

  tincan_ipmsg_stop (self->ipmsg);
  g_signal_handlers_disconnect_by_data (self->ipmsg, self);
  forget_nearby_users (self);
  g_clear_object (&self->ipmsg);
  give_chats_port (self);
}

/**
 * tincan_people_follow_ipmsg:
 *
 * Starts or stops IP Messenger as the settings say, and gives it the
 * settings' name.  A port another program holds is tried again at the
 * next change of the settings.
 */
void
tincan_people_follow_ipmsg (TincanPeople *self)
{
  gboolean wanted = tincan_settings_get_ipmsg (self->settings) && !self->closing;

  if (!wanted)
    {
      tincan_people_stop_ipmsg (self);
      tincan_people_set_ipmsg_error (self, NULL);
      return;
    }

  if (self->ipmsg == NULL)
    {
      start (self);
      return;
    }

  {
    g_autofree char *name = tincan_settings_dup_effective_name (self->settings);

    tincan_ipmsg_set_nickname (self->ipmsg, name);
  }
}

/* The port a new conversation's IPMsg link goes on. */
void
tincan_people_give_ipmsg_port (TincanPeople *self,
                               TincanChat   *chat)
{
  TincanPort *port = self->ipmsg != NULL ? tincan_ipmsg_get_port (self->ipmsg) : NULL;
  const char *error = self->ipmsg_error != NULL ? self->ipmsg_error : _("IP Messenger is turned off");

  tincan_chat_set_ipmsg_port (chat, port, port ? NULL : error);
}

/**
 * tincan_people_set_ipmsg_test_setup:
 * @self: a #TincanPeople, IP Messenger not started yet
 * @address: (nullable): the address to bind; %NULL for 0.0.0.0
 * @port: the port: 0 for 2425
 * @local_net: (nullable): the local subnets; %NULL for this computer's
 * @targets: (nullable) (element-type GInetSocketAddress): where
 *   broadcasts go; %NULL for the real ones
 *
 * For tests, before the ipmsg setting goes on: see
 * tincan-ipmsg-private.h.
 */
void
tincan_people_set_ipmsg_test_setup (TincanPeople   *self,
                                    GInetAddress   *address,
                                    guint16         port,
                                    TincanLocalNet *local_net,
                                    GPtrArray      *targets)
{
  g_return_if_fail (TINCAN_IS_PEOPLE (self));
  g_return_if_fail (self->ipmsg == NULL);

  g_set_object (&self->ipmsg_address, address);
  self->ipmsg_port_number = port;
  g_set_object (&self->ipmsg_local_net, local_net);
  g_clear_pointer (&self->ipmsg_targets, g_ptr_array_unref);
  if (targets != NULL)
    self->ipmsg_targets = g_ptr_array_ref (targets);
}

/* Returns: (transfer none) (nullable): the IPMsg hub, while it runs */
TincanIpmsg *
tincan_people_get_ipmsg (TincanPeople *self)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);

  return self->ipmsg;
}

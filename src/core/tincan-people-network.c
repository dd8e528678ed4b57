/* tincan-people-network.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people hub on the network: the one UDP port all conversations
 * share, discovery, handshakes from addresses nobody is known at, and
 * people who move.  A person is their key, wherever their computer is:
 *
 *  - An announcement from a person of the history at a new address moves
 *    their conversation there (tincan_chat_move()), outbox and all, unless
 *    they are online where they are (a computer with two addresses
 *    announces from both, and is one person).
 *  - An announcement of a key nobody has is someone nearby, listed (at
 *    most TINCAN_PEOPLE_MAX_NEARBY of them) until a conversation with
 *    them starts.  The key is only a claim: starting the conversation
 *    pins it, and their handshake must prove it.
 *  - An announcement of another key from a known person's address is
 *    not someone new: their conversation is started, and its handshake
 *    shows the key-changed bar if the key really changed.
 *  - A first handshake message from an address with no conversation is
 *    answered by a short-lived link that only learns the key (it trusts
 *    nothing, so nothing is shown or sent).  A known key moves that
 *    person's conversation there; someone nearby at that address gets
 *    their conversation started.  Nobody else is let in: a person must
 *    be added, or found nearby, first.
 */

#define G_LOG_DOMAIN "tincan-people"

#include "config.h"

#include <string.h>

#include "tincan-address.h"
#include "tincan-people-internal.h"
#include "tincan-wire.h"

/* How long a stranger's link waits for its handshake to finish. */
#define STRANGER_LIFETIME_MS 10000

/* Strangers: first handshake messages from addresses with no
 * conversation.
 */

typedef struct
{
  TincanPeople       *people;    /* not a reference: it forgets us first */
  GInetSocketAddress *address;
  guint8              key[TINCAN_IDENTITY_KEY_SIZE];
  gboolean            proven;
  guint               timeout;
} Stranger;

static void
stranger_free (gpointer data)
{
  Stranger *stranger = data;

  g_clear_handle_id (&stranger->timeout, g_source_remove);
  g_clear_object (&stranger->address);
  g_free (stranger);
}

static Stranger *
stranger_of (TincanLink *link)
{
  return g_object_get_data (G_OBJECT (link), "tincan-stranger");
}

static void
drop_stranger (TincanPeople *self,
               TincanLink   *link)
{
  /* The link may be in the middle of a callback: it goes at idle. */
  g_ptr_array_remove (self->strangers, link);
}

/* What the stranger's key says they are, once the link is out of the
 * way (it answers for their address, as their conversation is to).
 */
static gboolean
stranger_proven_cb (gpointer user_data)
{
  TincanLink *link = user_data;
  Stranger *stranger = stranger_of (link);
  TincanPeople *self = stranger->people;
  g_autoptr(GInetSocketAddress) address = g_object_ref (stranger->address);
  guint8 key[TINCAN_IDENTITY_KEY_SIZE];
  gint64 id;
  TincanPerson *person;

  memcpy (key, stranger->key, sizeof key);
  stranger->timeout = 0;
  drop_stranger (self, link);

  id = tincan_store_find_person_by_key (self->store, key, NULL);
  person = id != 0 ? tincan_people_find_by_id (self, id) : NULL;
  if (person != NULL)
    {
      TincanChat *chat = tincan_person_get_chat (person);

      /* Online where they are: another address of theirs, not a move. */
      if (chat == NULL || tincan_chat_get_presence (chat) != TINCAN_PRESENCE_ONLINE)
        tincan_people_move_person (self, person, address);
      return G_SOURCE_REMOVE;
    }

  person = tincan_people_find_by_address (self, address);
  if (person != NULL && tincan_person_get_nearby (person))
    {
      g_autoptr(GError) error = NULL;

      if (tincan_people_start_conversation (self, person, &error) == NULL)
        g_debug ("Could not start talking to someone nearby: %s", error->message);
      return G_SOURCE_REMOVE;
    }

  g_debug ("A stranger's handshake, from nobody known: ignored");
  return G_SOURCE_REMOVE;
}

/* Learns the key, trusts nothing. */
static gboolean
stranger_trust_cb (TincanLink   *link,
                   const guint8 *key,
                   gpointer      user_data)
{
  Stranger *stranger = stranger_of (link);

  if (stranger != NULL && !stranger->proven)
    {
      stranger->proven = TRUE;
      memcpy (stranger->key, key, sizeof stranger->key);
      g_clear_handle_id (&stranger->timeout, g_source_remove);
      stranger->timeout = g_idle_add_full (G_PRIORITY_DEFAULT, stranger_proven_cb,
                                           link, NULL);
    }

  return FALSE;
}

static gboolean
stranger_expired_cb (gpointer user_data)
{
  TincanLink *link = user_data;
  Stranger *stranger = stranger_of (link);

  stranger->timeout = 0;
  drop_stranger (stranger->people, link);

  return G_SOURCE_REMOVE;
}

static void
on_stranger_cb (TincanPeople       *self,
                GInetSocketAddress *address,
                TincanPort         *port)
{
  g_autoptr(TincanLink) link = NULL;
  g_autofree char *host = NULL;
  TincanPerson *person;
  Stranger *stranger;

  /* Someone whose conversation is not open yet: open it, and their
   * next try meets it.
   */
  person = tincan_people_find_by_address (self, address);
  if (person != NULL && !tincan_person_get_nearby (person))
    {
      if (tincan_person_get_chat (person) == NULL)
        tincan_people_ensure_chat (self, person);
      return;
    }

  if (self->identity == NULL || self->strangers->len >= TINCAN_PEOPLE_MAX_STRANGERS)
    return;

  for (guint i = 0; i < self->strangers->len; i++)
    {
      GInetSocketAddress *other = stranger_of (g_ptr_array_index (self->strangers, i))->address;

      /* Already being answered. */
      if (g_inet_socket_address_get_port (other) == g_inet_socket_address_get_port (address)
          && g_inet_address_equal (g_inet_socket_address_get_address (other),
                                   g_inet_socket_address_get_address (address)))
        return;
    }

  link = tincan_link_new_on_port (port, TINCAN_MODE_RELIABLE);
  stranger = g_new0 (Stranger, 1);
  stranger->people = self;
  stranger->address = g_object_ref (address);
  g_object_set_data_full (G_OBJECT (link), "tincan-stranger", stranger, stranger_free);
  stranger->timeout = g_timeout_add (STRANGER_LIFETIME_MS, stranger_expired_cb, link);

  tincan_link_set_identity (link, tincan_store_get_identity (self->store));
  tincan_link_set_static_key (link, tincan_identity_get_private_key (self->identity));
  tincan_link_set_trust_func (link, stranger_trust_cb, NULL, NULL);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  tincan_link_set_peer (link, host, g_inet_socket_address_get_port (address));

  g_ptr_array_add (self->strangers, g_steal_pointer (&link));
}

void
tincan_people_forget_strangers (TincanPeople *self)
{
  if (self->strangers != NULL)
    g_ptr_array_set_size (self->strangers, 0);
}

/* Discovery */

static void
add_nearby (TincanPeople       *self,
            const char         *name,
            GBytes             *key,
            const char         *address)
{
  g_autofree char *fingerprint = tincan_key_format_fingerprint (g_bytes_get_data (key, NULL));
  g_autoptr(TincanPerson) person = NULL;

  /* Whoever sends announcements decides how many people there are. */
  if (self->n_nearby >= TINCAN_PEOPLE_MAX_NEARBY)
    {
      g_debug ("Nearby is full: %s not listed", fingerprint);
      return;
    }

  person = tincan_person_new (name, TINCAN_MODE_RELIABLE);
  g_object_set (person,
                "nearby", TRUE,
                "fingerprint", fingerprint,
                "address", address,
                NULL);
  g_object_set_data_full (G_OBJECT (person), "tincan-announced-key",
                          g_bytes_ref (key), (GDestroyNotify) g_bytes_unref);
  g_list_store_insert_sorted (self->people, person, tincan_people_compare, NULL);
  self->n_nearby++;
}

static void
on_person_found_cb (TincanPeople       *self,
                    const char         *name,
                    GBytes             *key,
                    GInetSocketAddress *address,
                    guint               version,
                    TincanDiscovery    *discovery)
{
  const guint8 *key_data = g_bytes_get_data (key, NULL);
  g_autofree char *text = NULL;
  TincanPerson *person;
  gint64 id;

  if (g_bytes_get_size (key) != TINCAN_IDENTITY_KEY_SIZE || version != TINCAN_WIRE_VERSION)
    return;

  /* A link-local IPv6 address is no use without its interface, which an
   * address in the history cannot carry: the person's other addresses
   * stand for them.
   */
  if (g_inet_address_get_is_link_local (g_inet_socket_address_get_address (address)))
    return;

  id = tincan_store_find_person_by_key (self->store, key_data, NULL);
  person = id != 0 ? tincan_people_find_by_id (self, id) : NULL;
  if (person != NULL)
    {
      TincanChat *chat = tincan_person_get_chat (person);

      /* Online where they are: another address of the same computer. */
      if (chat != NULL && tincan_chat_get_presence (chat) == TINCAN_PRESENCE_ONLINE)
        return;

      tincan_people_move_person (self, person, address);
      return;
    }

  person = tincan_people_find_by_address (self, address);
  if (person != NULL && !tincan_person_get_nearby (person))
    {
      /* Someone known, announcing another key: their handshake shows
       * whether it really changed.
       */
      if (tincan_person_get_mode (person) == TINCAN_MODE_RELIABLE)
        tincan_chat_reach_out (tincan_people_ensure_chat (self, person));
      return;
    }

  /* Someone nearby: listed, or known already. */
  text = tincan_address_format_socket (address);
  person = tincan_people_find_by_key (self, key_data);
  if (person != NULL)
    {
      g_object_set (person, "name", name, "address", text, NULL);
      return;
    }

  add_nearby (self, name, key, text);
}

/**
 * tincan_people_follow_discovery:
 *
 * Starts or stops discovery as the settings say.
 */
void
tincan_people_follow_discovery (TincanPeople *self)
{
  gboolean wanted = tincan_settings_get_discovery (self->settings)
                    && self->identity != NULL && self->port != NULL;

  if (self->discovery == NULL && wanted)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = tincan_settings_dup_effective_name (self->settings);

      self->discovery = tincan_discovery_new (tincan_identity_get_public_key (self->identity),
                                              tincan_port_get_local_port (self->port), 0, &error);
      if (self->discovery == NULL)
        {
          g_debug ("No discovery: %s", error->message);
          return;
        }

      g_signal_connect_object (self->discovery, "person-found",
                               G_CALLBACK (on_person_found_cb), self, G_CONNECT_SWAPPED);
      tincan_discovery_set_display_name (self->discovery, name);
      /* Who is there, and here we are. */
      tincan_discovery_query (self->discovery);
      return;
    }

  if (self->discovery != NULL)
    {
      gboolean was = tincan_discovery_get_enabled (self->discovery);

      tincan_discovery_set_enabled (self->discovery, wanted);
      if (wanted && !was)
        tincan_discovery_query (self->discovery);
    }
}

/* The port */

/**
 * tincan_people_bind_port:
 *
 * Binds the settings' local port, or says why it cannot, and gives every
 * conversation the new port (its link is made again, its outbox kept).
 */
void
tincan_people_bind_port (TincanPeople *self)
{
  guint16 number = tincan_settings_get_local_port (self->settings);
  g_autoptr(TincanPort) port = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model = G_LIST_MODEL (self->people);
  guint n;

  tincan_people_forget_strangers (self);

  /* The old one goes first: the new one may want its number. */
  for (guint i = 0, n_people = g_list_model_get_n_items (model); i < n_people; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);

      if (tincan_person_get_chat (person) != NULL)
        tincan_chat_set_port (tincan_person_get_chat (person), NULL, NULL);
    }
  if (self->port != NULL)
    g_signal_handlers_disconnect_by_data (self->port, self);
  g_clear_object (&self->port);
  g_clear_pointer (&self->port_error, g_free);

  self->port_number = number;
  port = tincan_port_new (number, &error);
  if (port == NULL)
    {
      g_debug ("No port: %s", error->message);
      self->port_error = g_strdup (error->message);
    }
  else
    {
      self->port = g_steal_pointer (&port);
      g_signal_connect_object (self->port, "stranger",
                               G_CALLBACK (on_stranger_cb), self, G_CONNECT_SWAPPED);
    }

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);

      if (tincan_person_get_chat (person) != NULL)
        tincan_chat_set_port (tincan_person_get_chat (person), self->port, self->port_error);
    }

  /* Announcements carry the port. */
  g_clear_object (&self->discovery);
  tincan_people_follow_discovery (self);
}

/* tincan-people.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people hub: everyone the sidebar lists, as a GListModel of
 * TincanPerson, and the conversation (a TincanChat) with each.
 *
 * A person is their key, wherever their computer is (a plain-text
 * person, who has none, is their address).  The hub holds what they all
 * share: the history file (each conversation is a view of it), this
 * installation's identity, the one UDP port every conversation's link is
 * on, and discovery.  People come from the history at start-up, from the
 * settings' peer (the "Peer" dialog, as before there were several), from
 * "Add Person", and from discovery, as "nearby" until a conversation is
 * started with them.
 *
 * Conversations are made when they are needed, not at start-up, so a
 * long list of people costs a row each: when the person is opened, when
 * something waits to be sent to them, or when they are seen on the
 * network (their announcement, a handshake from them).
 *
 * A person's row is kept true here, not by the row: it follows the
 * chat's name, presence and fingerprint and the last message of its
 * history, and counts what arrived since the person was last looked at.
 *
 * tincan-people-network.c is the port, discovery, strangers and people
 * who move; this file is the object and the list.
 */

#define G_LOG_DOMAIN "tincan-people"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tincan-address.h"
#include "tincan-people-internal.h"

static void tincan_people_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TincanPeople, tincan_people, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tincan_people_list_model_init))

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_HISTORY_PATH,
  PROP_IDENTITY_PATH,
  PROP_IPMSG_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The model */

static GType
tincan_people_get_item_type (GListModel *model)
{
  return TINCAN_TYPE_PERSON;
}

static guint
tincan_people_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (TINCAN_PEOPLE (model)->people));
}

static gpointer
tincan_people_get_item (GListModel *model,
                        guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (TINCAN_PEOPLE (model)->people), position);
}

static void
tincan_people_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tincan_people_get_item_type;
  iface->get_n_items = tincan_people_get_n_items;
  iface->get_item = tincan_people_get_item;
}

static void
on_people_items_changed_cb (TincanPeople *self,
                            guint         position,
                            guint         removed,
                            guint         added)
{
  /* place() says it once, as a move. */
  if (self->moving)
    return;

  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* Conversations first, the latest message first; then the people
 * nearby, by name.
 */
int
tincan_people_compare (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  TincanPerson *first = (TincanPerson *) a;
  TincanPerson *second = (TincanPerson *) b;
  gboolean first_nearby = tincan_person_get_nearby (first);
  gboolean second_nearby = tincan_person_get_nearby (second);
  gint64 first_time, second_time;

  if (first_nearby != second_nearby)
    return first_nearby ? 1 : -1;

  if (first_nearby)
    return g_utf8_collate (tincan_person_get_name (first) ? tincan_person_get_name (first) : "",
                           tincan_person_get_name (second) ? tincan_person_get_name (second) : "");

  first_time = tincan_person_get_last_time (first);
  second_time = tincan_person_get_last_time (second);
  if (first_time != second_time)
    return first_time > second_time ? -1 : 1;

  return tincan_person_get_id (first) < tincan_person_get_id (second) ? -1 : 1;
}

/* People */

static TincanPerson *
person_from_store (const TincanStorePerson *stored)
{
  TincanPerson *person = tincan_person_new (stored->name, stored->mode);
  g_autofree char *fingerprint = NULL;
  g_autofree char *address = NULL;

  if (stored->has_key)
    fingerprint = tincan_key_format_fingerprint (stored->key);
  if (stored->host != NULL)
    address = tincan_address_format_peer (stored->host, stored->port);

  g_object_set (person,
                "id", stored->id,
                "fingerprint", fingerprint,
                "address", address,
                "last-text", stored->last_text,
                "last-time", stored->last_time,
                "last-outgoing", stored->last_outgoing,
                "unread", stored->unread,
                "n-waiting", stored->n_unfinished,
                NULL);

  /* Until someone is heard, the address stands for the name. */
  if (stored->name == NULL && address != NULL)
    g_object_set (person, "name", address, NULL);

  return person;
}

/**
 * tincan_people_add_person:
 *
 * Adds someone to the history and the list, or finds them there: by
 * @key, or with none by their address.
 *
 * Returns: (transfer none): the person, or %NULL with @error set
 */
TincanPerson *
tincan_people_add_person (TincanPeople  *self,
                          const guint8  *key,
                          const char    *host,
                          guint16        port,
                          TincanMode     mode,
                          const char    *name,
                          GError       **error)
{
  g_autofree char *address = tincan_address_format_peer (host, port);
  g_autofree char *fingerprint = key ? tincan_key_format_fingerprint (key) : NULL;
  TincanPerson *person;
  gint64 id;

  id = tincan_store_add_person (self->store, key, host, port, mode, name, error);
  if (id == 0)
    return NULL;

  person = tincan_people_find_by_id (self, id);
  if (person == NULL)
    {
      g_autoptr(TincanPerson) made = tincan_person_new (name != NULL ? name : address, mode);

      /* Whole before it is listed: a view may open their conversation
       * as soon as it sees them.
       */
      g_object_set (made, "id", id, "address", address, "fingerprint", fingerprint, NULL);
      g_list_store_insert_sorted (self->people, made, tincan_people_compare, NULL);
      return made;
    }

  g_object_set (person, "address", address, "mode", mode, NULL);
  if (fingerprint != NULL && tincan_person_get_fingerprint (person) == NULL)
    g_object_set (person, "fingerprint", fingerprint, NULL);

  return person;
}

/* The settings' peer is a person like the others: the one the "Peer"
 * dialog edits.  A new address there is the same conversation at a new
 * address, unless someone else already has it.
 */
static void
follow_settings (TincanPeople *self)
{
  const char *host = tincan_settings_get_peer_address (self->settings);
  guint16 port = tincan_settings_get_peer_port (self->settings);
  TincanMode mode = tincan_settings_get_mode (self->settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  TincanPerson *person = NULL;
  gint64 id;

  if (tincan_settings_get_local_port (self->settings) != self->port_number)
    tincan_people_bind_port (self);

  if (self->discovery != NULL)
    {
      g_autofree char *name = tincan_settings_dup_effective_name (self->settings);

      tincan_discovery_set_display_name (self->discovery, name);
    }
  tincan_people_follow_discovery (self);
  tincan_people_follow_ipmsg (self);

  if (!tincan_settings_get_has_peer (self->settings))
    return;

  address = tincan_address_format_peer (host, port);
  if (self->settings_person != NULL
      && g_strcmp0 (tincan_person_get_address (self->settings_person), address) == 0
      && tincan_person_get_mode (self->settings_person) == mode)
    return;

  id = tincan_store_find_person_by_address (self->store, host, port, mode, NULL);
  if (id != 0)
    person = tincan_people_find_by_id (self, id);

  if (person == NULL && self->settings_person != NULL)
    {
      /* The same person, somewhere else. */
      person = self->settings_person;
      if (!tincan_store_update_person (self->store, tincan_person_get_id (person), host, port,
                                       NULL, 0, &error))
        g_debug ("Could not keep the peer's new address: %s", error->message);
      g_object_set (person, "address", address, "mode", mode, NULL);
      if (tincan_person_get_chat (person) != NULL)
        tincan_chat_set_person_peer (tincan_person_get_chat (person), host, port, mode);
    }

  if (person == NULL)
    {
      person = tincan_people_add_person (self, NULL, host, port, mode, NULL, &error);
      if (person == NULL)
        {
          g_debug ("Could not add the settings' peer: %s", error->message);
          return;
        }
    }

  g_set_object (&self->settings_person, person);
  if (tincan_person_get_mode (person) != mode)
    {
      g_object_set (person, "mode", mode, NULL);
      if (!tincan_store_set_person_mode (self->store, tincan_person_get_id (person), mode, &error))
        g_debug ("Could not keep the peer's mode: %s", error->message);
    }

  /* As the dialog says: the same values change nothing. */
  tincan_chat_set_person_peer (tincan_people_ensure_chat (self, person), host, port, mode);
}

/* A history of one conversation, before there were several, has its
 * person with no address: the settings' peer is that person.
 */
static void
adopt_migrated_person (TincanPeople *self,
                       GPtrArray    *stored)
{
  for (guint i = 0; i < stored->len; i++)
    {
      TincanStorePerson *person = g_ptr_array_index (stored, i);

      if (person->host == NULL && tincan_settings_get_has_peer (self->settings))
        {
          g_autoptr(GError) error = NULL;

          if (tincan_store_update_person (self->store, person->id,
                                          tincan_settings_get_peer_address (self->settings),
                                          tincan_settings_get_peer_port (self->settings),
                                          NULL, 0, &error))
            {
              person->host = g_strdup (tincan_settings_get_peer_address (self->settings));
              person->port = tincan_settings_get_peer_port (self->settings);
            }
          else
            g_debug ("Could not give the first person an address: %s", error->message);
          return;
        }
    }
}

static void
open_store (TincanPeople *self)
{
  g_autofree char *default_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = self->history_path;

  if (path == NULL)
    path = default_path = tincan_store_dup_default_path ();

  self->store = tincan_store_new (path, &error);
  if (self->store == NULL)
    {
      g_debug ("Keeping the history in memory: %s", error->message);
      /* Translators: %s says why the history could not be opened */
      self->store_problem = g_strdup_printf (_("%s. Messages in this window will not be kept."),
                                             error->message);
      g_clear_error (&error);
      self->store = tincan_store_new (":memory:", &error);
      g_assert_no_error (error);
    }
}

static void
load_identity (TincanPeople *self)
{
  g_autofree char *default_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = self->identity_path;

  if (path == NULL)
    path = default_path = tincan_identity_dup_default_path ();

  self->identity = tincan_identity_load (path, &error);
  if (self->identity == NULL)
    {
      g_debug ("No identity: %s", error->message);
      /* Translators: %s says what is wrong with the identity file */
      self->identity_error = g_strdup_printf (_("%s. Tin Can messages cannot be sent without it; "
                                                "the file was left as it is."), error->message);
    }
}

static void
load_people (TincanPeople *self)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  stored = tincan_store_list_people (self->store, &error);
  if (stored == NULL)
    {
      g_debug ("Could not read the people: %s", error->message);
      return;
    }

  adopt_migrated_person (self, stored);

  for (guint i = 0; i < stored->len; i++)
    {
      const TincanStorePerson *one = g_ptr_array_index (stored, i);
      g_autoptr(TincanPerson) person = person_from_store (one);

      g_list_store_insert_sorted (self->people, person, tincan_people_compare, NULL);

      /* What waits for them goes as soon as they are there, files too. */
      if ((one->n_unfinished > 0 || one->n_transfers > 0) && one->host != NULL)
        tincan_people_ensure_chat (self, person);
    }
}

static void
tincan_people_constructed (GObject *object)
{
  TincanPeople *self = TINCAN_PEOPLE (object);

  G_OBJECT_CLASS (tincan_people_parent_class)->constructed (object);

  g_assert (TINCAN_IS_SETTINGS (self->settings));

  self->people = g_list_store_new (TINCAN_TYPE_PERSON);
  self->strangers = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect_object (self->people, "items-changed",
                           G_CALLBACK (on_people_items_changed_cb), self, G_CONNECT_SWAPPED);

  open_store (self);
  load_identity (self);
  tincan_people_bind_port (self);
  load_people (self);
  follow_settings (self);
  g_signal_connect_object (self->settings, "notify",
                           G_CALLBACK (follow_settings), self, G_CONNECT_SWAPPED);
}

static void
tincan_people_dispose (GObject *object)
{
  TincanPeople *self = TINCAN_PEOPLE (object);

  if (self->people != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->people));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (self->people), i);

          tincan_people_disconnect_person (self, person);
        }
      g_list_store_remove_all (self->people);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  tincan_people_stop_ipmsg (self);
  g_clear_pointer (&self->strangers, g_ptr_array_unref);
  g_clear_object (&self->people);
  g_clear_object (&self->ipmsg_address);
  g_clear_object (&self->ipmsg_local_net);
  g_clear_pointer (&self->ipmsg_targets, g_ptr_array_unref);
  g_clear_object (&self->settings_person);
  g_clear_object (&self->discovery);
  g_clear_object (&self->port);
  g_clear_object (&self->identity);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->download_dir);

  G_OBJECT_CLASS (tincan_people_parent_class)->dispose (object);
}

static void
tincan_people_finalize (GObject *object)
{
  TincanPeople *self = TINCAN_PEOPLE (object);

  g_free (self->history_path);
  g_free (self->identity_path);
  g_free (self->store_problem);
  g_free (self->identity_error);
  g_free (self->port_error);
  g_free (self->ipmsg_error);

  G_OBJECT_CLASS (tincan_people_parent_class)->finalize (object);
}

static void
tincan_people_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TincanPeople *self = TINCAN_PEOPLE (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_HISTORY_PATH:
      g_value_set_string (value, self->history_path);
      break;

    case PROP_IDENTITY_PATH:
      g_value_set_string (value, self->identity_path);
      break;

    case PROP_IPMSG_ERROR:
      g_value_set_string (value, self->ipmsg_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_people_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TincanPeople *self = TINCAN_PEOPLE (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_HISTORY_PATH:
      self->history_path = g_value_dup_string (value);
      break;

    case PROP_IDENTITY_PATH:
      self->identity_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_people_class_init (TincanPeopleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tincan_people_constructed;
  object_class->dispose = tincan_people_dispose;
  object_class->finalize = tincan_people_finalize;
  object_class->get_property = tincan_people_get_property;
  object_class->set_property = tincan_people_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, TINCAN_TYPE_SETTINGS, flags);
  /* NULL: the default history and identity files. */
  properties[PROP_HISTORY_PATH] =
    g_param_spec_string ("history-path", NULL, NULL, NULL, flags);
  properties[PROP_IDENTITY_PATH] =
    g_param_spec_string ("identity-path", NULL, NULL, NULL, flags);
  /* Why IP Messenger is not running although the setting is on. */
  properties[PROP_IPMSG_ERROR] =
    g_param_spec_string ("ipmsg-error", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_people_init (TincanPeople *self)
{
}

TincanPeople *
tincan_people_new (TincanSettings *settings,
                   const char     *history_path,
                   const char     *identity_path)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (settings), NULL);

  return g_object_new (TINCAN_TYPE_PEOPLE,
                       "settings", settings,
                       "history-path", history_path,
                       "identity-path", identity_path,
                       NULL);
}

TincanSettings *
tincan_people_get_settings (TincanPeople *self)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);

  return self->settings;
}

/**
 * tincan_people_get_ipmsg_error:
 * @self: a #TincanPeople
 *
 * Returns: (nullable): why IP Messenger is not running although
 *   #TincanSettings:ipmsg is on (such as its port being in use), or %NULL
 */
const char *
tincan_people_get_ipmsg_error (TincanPeople *self)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);

  return self->ipmsg_error;
}

/* For the IP Messenger hub's owner: says why it is not running. */
void
tincan_people_set_ipmsg_error (TincanPeople *self,
                               const char   *error)
{
  if (g_strcmp0 (self->ipmsg_error, error) == 0)
    return;

  g_free (self->ipmsg_error);
  self->ipmsg_error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IPMSG_ERROR]);
}

/**
 * tincan_people_get_first_chat:
 *
 * Returns: (transfer none) (nullable): the conversation with the
 *   settings' peer, %NULL while none is set up
 */
TincanChat *
tincan_people_get_first_chat (TincanPeople *self)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);

  return self->settings_person ? tincan_person_get_chat (self->settings_person) : NULL;
}

typedef gboolean (*PersonMatch) (TincanPerson *person,
                                 gconstpointer data);

static TincanPerson *
find (TincanPeople  *self,
      PersonMatch    match,
      gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (self->people);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);

      if (match (person, data))
        return person;
    }

  return NULL;
}

static gboolean
has_id (TincanPerson  *person,
        gconstpointer  data)
{
  return tincan_person_get_id (person) == *(const gint64 *) data;
}

static gboolean
has_chat (TincanPerson  *person,
          gconstpointer  data)
{
  return tincan_person_get_chat (person) == data;
}

static gboolean
has_address (TincanPerson  *person,
             gconstpointer  data)
{
  return g_strcmp0 (tincan_person_get_address (person), data) == 0;
}

static gboolean
has_fingerprint (TincanPerson  *person,
                 gconstpointer  data)
{
  return g_strcmp0 (tincan_person_get_fingerprint (person), data) == 0;
}

TincanPerson *
tincan_people_find_by_id (TincanPeople *self,
                          gint64        id)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);

  if (id <= 0)
    return NULL;

  return find (self, has_id, &id);
}

TincanPerson *
tincan_people_find_by_chat (TincanPeople *self,
                            TincanChat   *chat)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (TINCAN_IS_CHAT (chat), NULL);

  return find (self, has_chat, chat);
}

/* Whoever was last seen at @address (a person is not their address: a
 * hint to who sent something, that the handshake then proves or not).
 */
TincanPerson *
tincan_people_find_by_address (TincanPeople       *self,
                               GInetSocketAddress *address)
{
  g_autofree char *text = tincan_address_format_socket (address);

  return find (self, has_address, text);
}

TincanPerson *
tincan_people_find_by_key (TincanPeople *self,
                           const guint8 *key)
{
  g_autofree char *fingerprint = tincan_key_format_fingerprint (key);

  return find (self, has_fingerprint, fingerprint);
}

/**
 * tincan_people_add_by_address:
 *
 * The person at @host and @port, as "Add Person" adds them: someone new,
 * or the one already there.
 *
 * Returns: (transfer none): the person, or %NULL with @error set
 */
TincanPerson *
tincan_people_add_by_address (TincanPeople  *self,
                              const char    *host,
                              guint16        port,
                              TincanMode     mode,
                              GError       **error)
{
  g_autofree char *normalized = NULL;
  TincanPerson *person;

  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);

  normalized = tincan_address_normalize_host (host, error);
  if (normalized == NULL)
    return NULL;

  person = tincan_people_add_person (self, NULL, normalized, port, mode, NULL, error);
  if (person == NULL)
    return NULL;

  tincan_people_ensure_chat (self, person);

  return person;
}

/**
 * tincan_people_start_conversation:
 *
 * The conversation with @person: for someone nearby, they join the
 * history with the key they announced, which their handshake must then
 * prove.
 *
 * Returns: (transfer none): the conversation with @person, or %NULL with
 *   @error set
 */
TincanChat *
tincan_people_start_conversation (TincanPeople  *self,
                                  TincanPerson  *person,
                                  GError       **error)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (TINCAN_IS_PERSON (person), NULL);

  if (tincan_person_get_nearby (person))
    {
      GBytes *key = g_object_get_data (G_OBJECT (person), "tincan-announced-key");
      TincanMode mode = tincan_person_get_mode (person);
      g_autofree char *host = NULL;
      guint16 port = 0;
      gint64 id;

      /* An IP Messenger user has no key: they are their address. */
      g_assert (key != NULL || mode == TINCAN_MODE_IPMSG);
      if (!tincan_address_parse_peer (tincan_person_get_address (person), TINCAN_DEFAULT_PORT,
                                      &host, &port, error))
        return NULL;

      id = tincan_store_add_person (self->store, key != NULL ? g_bytes_get_data (key, NULL) : NULL,
                                    host, port, mode, tincan_person_get_name (person), error);
      if (id == 0)
        return NULL;

      self->n_nearby--;
      g_object_set (person, "id", id, "nearby", FALSE, NULL);
      tincan_people_place (self, person);
    }

  if (tincan_person_get_id (person) <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("This person is no longer on the list"));
      return NULL;
    }

  return tincan_people_ensure_chat (self, person);
}

/**
 * tincan_people_mark_read:
 *
 * Everything from @person so far has been seen: their unread count goes
 * to zero, here and in the history.
 */
void
tincan_people_mark_read (TincanPeople *self,
                         TincanPerson *person)
{
  TincanChat *chat;
  GListModel *messages;
  guint n;

  g_return_if_fail (TINCAN_IS_PEOPLE (self));
  g_return_if_fail (TINCAN_IS_PERSON (person));

  g_object_set (person, "unread", 0, NULL);

  chat = tincan_person_get_chat (person);
  if (chat == NULL)
    return;

  messages = tincan_chat_get_messages (chat);
  n = g_list_model_get_n_items (messages);
  if (n > 0)
    {
      g_autoptr(TincanMessage) last = g_list_model_get_item (messages, n - 1);
      g_autoptr(GError) error = NULL;

      if (tincan_message_get_store_id (last) > 0
          && !tincan_store_mark_read (self->store, tincan_person_get_id (person),
                                      tincan_message_get_store_id (last), &error))
        g_debug ("Could not keep what was read: %s", error->message);
    }
}

/* A person found somewhere else: their conversation follows them. */
void
tincan_people_move_person (TincanPeople       *self,
                           TincanPerson       *person,
                           GInetSocketAddress *address)
{
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
  guint16 port = g_inet_socket_address_get_port (address);
  g_autofree char *text = tincan_address_format_peer (host, port);
  TincanChat *chat;

  if (g_strcmp0 (tincan_person_get_address (person), text) == 0
      && tincan_person_get_chat (person) != NULL)
    {
      tincan_chat_reach_out (tincan_person_get_chat (person));
      return;
    }

  g_debug ("Person %" G_GINT64_FORMAT " is now at %s", tincan_person_get_id (person), text);
  g_object_set (person, "address", text, NULL);
  tincan_store_update_person (self->store, tincan_person_get_id (person), host, port, NULL, 0, NULL);

  chat = tincan_person_get_chat (person);
  if (chat == NULL)
    tincan_people_ensure_chat (self, person);
  else
    tincan_chat_move (chat, address);
}

static void
on_chat_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  guint *left = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!tincan_chat_close_finish (TINCAN_CHAT (object), result, &error))
    g_debug ("Goodbye: %s", error->message);

  if (--*left == 0)
    g_task_return_boolean (task, TRUE);
}

/**
 * tincan_people_close_async:
 *
 * Says goodbye to everyone with a conversation (tincan_chat_close_async()),
 * and stops announcing.
 */
void
tincan_people_close_async (TincanPeople        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GListModel *model;
  guint *left;
  guint n;

  g_return_if_fail (TINCAN_IS_PEOPLE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_people_close_async);
  left = g_new0 (guint, 1);
  *left = 1;
  g_task_set_task_data (task, left, g_free);

  if (self->discovery != NULL)
    tincan_discovery_set_enabled (self->discovery, FALSE);
  tincan_people_forget_strangers (self);
  /* BR_EXIT; the conversations' links say goodbye to their own peers. */
  self->closing = TRUE;
  if (self->ipmsg != NULL)
    tincan_ipmsg_stop (self->ipmsg);

  model = G_LIST_MODEL (self->people);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);
      TincanChat *chat = tincan_person_get_chat (person);

      if (chat == NULL)
        continue;

      ++*left;
      tincan_chat_close_async (chat, cancellable, on_chat_closed_cb, g_object_ref (task));
    }

  if (--*left == 0)
    g_task_return_boolean (task, TRUE);
}

gboolean
tincan_people_close_finish (TincanPeople  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

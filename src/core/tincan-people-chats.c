/* tincan-people-chats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people hub and each person's conversation: making it when it is
 * needed, keeping the person's row true to it (the name from their
 * hello, presence, the fingerprint, the last message, what is unread),
 * the order of the list, and a computer met twice becoming one person.
 * The rest of the hub is tincan-people.c and tincan-people-network.c.
 */

#define G_LOG_DOMAIN "tincan-people"

#include "config.h"

#include "tincan-address.h"
#include "tincan-people-internal.h"

/* Puts @person where the order says, if it is not there already.  A
 * move is one change of the model, not a removal and an insertion, so a
 * view's selection stays on them.
 */
void
tincan_people_place (TincanPeople *self,
                     TincanPerson *person)
{
  GListModel *model = G_LIST_MODEL (self->people);
  guint n = g_list_model_get_n_items (model);
  guint position, moved_to, first, last;

  if (!g_list_store_find (self->people, person, &position))
    {
      g_list_store_insert_sorted (self->people, person, tincan_people_compare, NULL);
      return;
    }

  if (position > 0)
    {
      g_autoptr(TincanPerson) before = g_list_model_get_item (model, position - 1);

      if (tincan_people_compare (before, person, NULL) > 0)
        goto move;
    }
  if (position + 1 < n)
    {
      g_autoptr(TincanPerson) after = g_list_model_get_item (model, position + 1);

      if (tincan_people_compare (person, after, NULL) > 0)
        goto move;
    }
  return;

move:
  self->moving = TRUE;
  g_object_ref (person);
  g_list_store_remove (self->people, position);
  moved_to = g_list_store_insert_sorted (self->people, person, tincan_people_compare, NULL);
  g_object_unref (person);
  self->moving = FALSE;

  first = MIN (position, moved_to);
  last = MAX (position, moved_to);
  g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
}

/* Following a conversation */

static void
follow_last_message (TincanPerson *person,
                     GListModel   *messages)
{
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(TincanMessage) last = NULL;
  g_autofree char *text = NULL;

  if (n == 0)
    return;

  last = g_list_model_get_item (messages, n - 1);
  /* A file shows as its name, marked as a file, as the history lists it. */
  if (tincan_message_get_transfer (last) != NULL)
    text = tincan_store_file_line (tincan_message_get_text (last));
  else
    text = tincan_store_first_line (tincan_message_get_text (last));
  g_object_set (person,
                "last-text", text,
                "last-time", tincan_message_get_time (last),
                "last-outgoing", tincan_message_get_outgoing (last),
                NULL);
}

typedef struct
{
  TincanPeople *people;   /* not a reference: the hub outlives its chats' signals */
  TincanPerson *person;
} Following;

static void
on_messages_changed_cb (Following  *following,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GListModel *messages)
{
  /* Only the end of the history can change the last message. */
  if (position + added < g_list_model_get_n_items (messages))
    return;

  follow_last_message (following->person, messages);
  tincan_people_place (following->people, following->person);
}

static void
on_message_received_cb (Following     *following,
                        TincanMessage *message)
{
  g_object_set (following->person, "unread", tincan_person_get_unread (following->person) + 1, NULL);
}

static void
follow_chat (TincanPerson *person,
             TincanChat   *chat)
{
  TincanLink *link = tincan_chat_get_link (chat);
  const char *name = link != NULL ? tincan_link_get_peer_name (link) : NULL;
  g_autofree char *fingerprint = tincan_chat_dup_peer_fingerprint (chat);

  g_object_freeze_notify (G_OBJECT (person));
  /* The name from their hello; until one came, the one known. */
  if (name != NULL && *name != '\0')
    g_object_set (person, "name", name, NULL);
  else if (tincan_person_get_name (person) == NULL)
    {
      g_autofree char *title = tincan_chat_dup_peer_title (chat);

      g_object_set (person, "name", title, NULL);
    }
  if (fingerprint != NULL)
    g_object_set (person, "fingerprint", fingerprint, NULL);
  g_object_set (person,
                "presence", tincan_chat_get_presence (chat),
                "n-waiting", tincan_chat_get_n_waiting (chat),
                NULL);
  g_object_thaw_notify (G_OBJECT (person));
}

static void
on_chat_notify_cb (Following  *following,
                   GParamSpec *pspec,
                   TincanChat *chat)
{
  TincanPeople *self = following->people;
  const char *old_name = tincan_person_get_name (following->person);
  g_autofree char *before = g_strdup (old_name);

  /* "Use Plain Text": the person is kept so. */
  if (g_str_equal (pspec->name, "mode")
      && tincan_chat_get_mode (chat) != tincan_person_get_mode (following->person))
    {
      g_autoptr(GError) error = NULL;

      g_object_set (following->person, "mode", tincan_chat_get_mode (chat), NULL);
      if (!tincan_store_set_person_mode (self->store, tincan_person_get_id (following->person),
                                         tincan_chat_get_mode (chat), &error))
        g_debug ("Could not keep the person's mode: %s", error->message);

      /* The settings' peer stays what the Peer dialog shows. */
      if (following->person == self->settings_person && tincan_settings_get_has_peer (self->settings))
        tincan_settings_save_peer (self->settings,
                                   tincan_settings_get_peer_address (self->settings),
                                   tincan_settings_get_peer_port (self->settings),
                                   tincan_settings_get_local_port (self->settings),
                                   tincan_chat_get_mode (chat));
    }

  follow_chat (following->person, chat);

  /* A name from a hello is kept for the next start. */
  if (g_strcmp0 (before, tincan_person_get_name (following->person)) != 0
      && tincan_person_get_id (following->person) > 0)
    tincan_store_update_person (self->store, tincan_person_get_id (following->person),
                                NULL, 0, tincan_person_get_name (following->person),
                                0, NULL);
}

typedef struct
{
  TincanPeople       *people;
  TincanPerson       *added;     /* by address, with no key */
  TincanPerson       *owner;     /* whose key their computer proved */
  GInetSocketAddress *address;
} Merge;

static void
merge_free (gpointer data)
{
  Merge *merge = data;

  g_object_unref (merge->people);
  g_object_unref (merge->added);
  g_object_unref (merge->owner);
  g_object_unref (merge->address);
  g_free (merge);
}

/* At idle: the link that found out is still in its handshake when told. */
static gboolean
merge_cb (gpointer data)
{
  Merge *merge = data;
  TincanPeople *self = merge->people;
  TincanChat *chat = tincan_person_get_chat (merge->added);
  guint n_messages = chat ? g_list_model_get_n_items (tincan_chat_get_messages (chat)) : 0;
  guint position;

  /* Their address is the owner's now: the added person lets go of it.
   * With nothing written to them, they were only ever the owner.
   */
  tincan_people_disconnect_person (self, merge->added);
  if (n_messages == 0 && g_list_store_find (self->people, merge->added, &position))
    {
      g_autoptr(GError) error = NULL;

      if (!tincan_store_remove_person (self->store, tincan_person_get_id (merge->added), &error))
        g_debug ("Could not remove a person met twice: %s", error->message);
      g_list_store_remove (self->people, position);
    }

  tincan_people_move_person (self, merge->owner, merge->address);

  return G_SOURCE_REMOVE;
}

static void
on_same_person_cb (Following  *following,
                   gint64      owner_id,
                   TincanChat *chat)
{
  TincanPeople *self = following->people;
  TincanPerson *owner = tincan_people_find_by_id (self, owner_id);
  TincanLink *link = tincan_chat_get_link (chat);
  g_autoptr(GInetSocketAddress) address = link ? tincan_link_dup_peer_address (link) : NULL;
  Merge *merge;

  /* Someone known, at the address this person was added by: they are
   * one person, and the conversation with them follows them here.
   */
  if (owner == NULL || address == NULL || owner == following->person)
    return;

  merge = g_new0 (Merge, 1);
  merge->people = g_object_ref (self);
  merge->added = g_object_ref (following->person);
  merge->owner = g_object_ref (owner);
  merge->address = g_steal_pointer (&address);
  g_idle_add_full (G_PRIORITY_DEFAULT, merge_cb, merge, merge_free);
}

static void
following_free (gpointer data,
                GClosure *closure)
{
  g_free (data);
}

static void
connect_following (TincanPeople *self,
                   TincanPerson *person,
                   gpointer      instance,
                   const char   *signal,
                   GCallback     callback)
{
  Following *following = g_new0 (Following, 1);

  following->people = self;
  following->person = person;
  g_signal_connect_data (instance, signal, callback, following, following_free,
                         G_CONNECT_SWAPPED);
}

/**
 * tincan_people_ensure_chat:
 *
 * The conversation with @person, made now if there was none.
 *
 * Returns: (transfer none): their chat
 */
TincanChat *
tincan_people_ensure_chat (TincanPeople *self,
                           TincanPerson *person)
{
  g_autoptr(TincanStore) view = NULL;
  g_autoptr(TincanChat) chat = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = tincan_person_get_id (person);
  const char *address = tincan_person_get_address (person);
  g_autofree char *host = NULL;
  guint16 port = 0;

  if (tincan_person_get_chat (person) != NULL)
    return tincan_person_get_chat (person);

  g_return_val_if_fail (id > 0, NULL);

  view = tincan_store_open_person (self->store, id);
  chat = tincan_chat_new_for_person (self->settings, view, self->identity,
                                     self->identity_error, id);

  connect_following (self, person, chat, "notify", G_CALLBACK (on_chat_notify_cb));
  connect_following (self, person, chat, "message-received", G_CALLBACK (on_message_received_cb));
  connect_following (self, person, chat, "same-person", G_CALLBACK (on_same_person_cb));
  connect_following (self, person, tincan_chat_get_messages (chat), "items-changed",
                     G_CALLBACK (on_messages_changed_cb));

  tincan_chat_set_history_problem (chat, self->store_problem);
  /* Before the port: the link it makes receives files at once. */
  tincan_chat_set_download_dir (chat, self->download_dir);
  g_object_set (person, "chat", chat, NULL);

  tincan_chat_set_port (chat, self->port, self->port_error);
  tincan_people_give_ipmsg_port (self, chat);
  if (address != NULL && tincan_address_parse_peer (address, TINCAN_DEFAULT_PORT, &host, &port, &error))
    tincan_chat_set_person_peer (chat, host, port, tincan_person_get_mode (person));
  else if (address != NULL)
    g_debug ("Person %" G_GINT64_FORMAT " has no usable address %s: %s", id, address, error->message);

  follow_chat (person, chat);
  follow_last_message (person, tincan_chat_get_messages (chat));

  return tincan_person_get_chat (person);
}

/**
 * tincan_people_set_download_dir:
 * @self: a #TincanPeople
 * @dir: (nullable): where every conversation saves the files it
 *   receives; %NULL for the XDG Downloads folder
 *
 * For tests, which keep what they receive in a folder of their own; the
 * app leaves it to the Downloads folder.
 */
void
tincan_people_set_download_dir (TincanPeople *self,
                                GFile        *dir)
{
  guint n;

  g_return_if_fail (TINCAN_IS_PEOPLE (self));
  g_return_if_fail (dir == NULL || G_IS_FILE (dir));

  g_set_object (&self->download_dir, dir);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->people));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (self->people), i);
      TincanChat *chat = tincan_person_get_chat (person);

      if (chat != NULL)
        tincan_chat_set_download_dir (chat, dir);
    }
}

/* Lets go of @person's conversation: it says goodbye as it goes. */
void
tincan_people_disconnect_person (TincanPeople *self,
                                 TincanPerson *person)
{
  TincanChat *chat = tincan_person_get_chat (person);

  if (chat == NULL)
    return;

  g_signal_handlers_disconnect_matched (chat, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        on_chat_notify_cb, NULL);
  g_signal_handlers_disconnect_matched (chat, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        on_message_received_cb, NULL);
  g_signal_handlers_disconnect_matched (chat, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        on_same_person_cb, NULL);
  g_signal_handlers_disconnect_matched (tincan_chat_get_messages (chat), G_SIGNAL_MATCH_FUNC,
                                        0, 0, NULL, on_messages_changed_cb, NULL);
  g_object_set (person, "chat", NULL, NULL);
}

/* tincan-people.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people hub: everyone the sidebar lists, as a GListModel of
 * TincanPerson, and the conversation (a TincanChat) with each.
 *
 * A person's row is kept true by the hub, not by the row: it follows the
 * chat's title, presence and fingerprint, and the last message of its
 * history, and counts what arrived since the person was last looked at.
 *
 * This first hub has the one conversation of the settings, as the app
 * had before the sidebar; the people of the history and of discovery
 * join it in later changes, behind the same API.
 */

#define G_LOG_DOMAIN "tincan-people"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-address.h"
#include "tincan-people.h"

/* The first line of a message, as the sidebar shows it. */
#define LAST_TEXT_CHARS 120

struct _TincanPeople
{
  GObject         parent_instance;

  TincanSettings *settings;
  char           *history_path;
  char           *identity_path;
  GListStore     *people;          /* of TincanPerson */
  TincanChat     *first_chat;
  TincanPerson   *first_person;
};

static void tincan_people_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TincanPeople, tincan_people, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tincan_people_list_model_init))

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_HISTORY_PATH,
  PROP_IDENTITY_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* The first line of @text, cut to what a sidebar row can show. */
static char *
first_line (const char *text)
{
  const char *end = strchr (text, '\n');
  g_autofree char *line = g_strndup (text, end != NULL ? (gsize) (end - text) : strlen (text));

  if (g_utf8_strlen (line, -1) > LAST_TEXT_CHARS)
    {
      char *cut = g_utf8_offset_to_pointer (line, LAST_TEXT_CHARS);

      *cut = '\0';
      return g_strconcat (line, "…", NULL);
    }

  return g_steal_pointer (&line);
}

static void
follow_last_message (TincanPerson *person,
                     GListModel   *messages)
{
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(TincanMessage) last = NULL;
  g_autofree char *text = NULL;

  if (n == 0)
    {
      g_object_set (person, "last-text", NULL, "last-time", (gint64) 0, NULL);
      return;
    }

  last = g_list_model_get_item (messages, n - 1);
  text = first_line (tincan_message_get_text (last));
  g_object_set (person,
                "last-text", text,
                "last-time", tincan_message_get_time (last),
                "last-outgoing", tincan_message_get_outgoing (last),
                NULL);
}

static void
on_messages_changed_cb (TincanPerson *person,
                        guint         position,
                        guint         removed,
                        guint         added,
                        GListModel   *messages)
{
  /* Only the end of the history can change the last message. */
  if (position + added >= g_list_model_get_n_items (messages))
    follow_last_message (person, messages);
}

static void
on_message_received_cb (TincanPerson  *person,
                        TincanMessage *message)
{
  g_object_set (person, "unread", tincan_person_get_unread (person) + 1, NULL);
}

static void
follow_chat (TincanPerson *person,
             TincanChat   *chat)
{
  g_autofree char *title = tincan_chat_dup_peer_title (chat);
  g_autofree char *fingerprint = tincan_chat_dup_peer_fingerprint (chat);

  g_object_set (person,
                "name", title,
                "presence", tincan_chat_get_presence (chat),
                "fingerprint", fingerprint,
                NULL);
}

static void
on_chat_notify_cb (TincanPerson *person,
                   GParamSpec   *pspec,
                   TincanChat   *chat)
{
  follow_chat (person, chat);
}

static void
follow_settings (TincanPeople *self)
{
  const char *host = tincan_settings_get_peer_address (self->settings);
  g_autofree char *address = NULL;

  if (tincan_settings_get_has_peer (self->settings))
    address = tincan_address_format_peer (host, tincan_settings_get_peer_port (self->settings));

  g_object_set (self->first_person,
                "address", address,
                "mode", tincan_settings_get_mode (self->settings),
                NULL);

  /* With no peer set up there is nobody to list. */
  if (tincan_settings_get_has_peer (self->settings)
      != (g_list_model_get_n_items (G_LIST_MODEL (self->people)) > 0))
    {
      if (tincan_settings_get_has_peer (self->settings))
        g_list_store_append (self->people, self->first_person);
      else
        g_list_store_remove_all (self->people);
    }
}

static void
tincan_people_constructed (GObject *object)
{
  TincanPeople *self = TINCAN_PEOPLE (object);
  GListModel *messages;

  G_OBJECT_CLASS (tincan_people_parent_class)->constructed (object);

  g_assert (TINCAN_IS_SETTINGS (self->settings));

  self->people = g_list_store_new (TINCAN_TYPE_PERSON);
  g_signal_connect_object (self->people, "items-changed",
                           G_CALLBACK (on_people_items_changed_cb), self, G_CONNECT_SWAPPED);

  self->first_chat = tincan_chat_new_full (self->settings, self->history_path, self->identity_path);
  self->first_person = tincan_person_new (NULL, TINCAN_MODE_RELIABLE);
  g_object_set (self->first_person, "id", (gint64) 1, "chat", self->first_chat, NULL);

  follow_chat (self->first_person, self->first_chat);
  g_signal_connect_object (self->first_chat, "notify",
                           G_CALLBACK (on_chat_notify_cb), self->first_person, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first_chat, "message-received",
                           G_CALLBACK (on_message_received_cb), self->first_person, G_CONNECT_SWAPPED);

  messages = tincan_chat_get_messages (self->first_chat);
  follow_last_message (self->first_person, messages);
  g_signal_connect_object (messages, "items-changed",
                           G_CALLBACK (on_messages_changed_cb), self->first_person, G_CONNECT_SWAPPED);

  follow_settings (self);
  g_signal_connect_object (self->settings, "notify",
                           G_CALLBACK (follow_settings), self, G_CONNECT_SWAPPED);
}

static void
tincan_people_dispose (GObject *object)
{
  TincanPeople *self = TINCAN_PEOPLE (object);

  if (self->people != NULL)
    g_list_store_remove_all (self->people);
  g_clear_object (&self->people);
  g_clear_object (&self->first_person);
  g_clear_object (&self->first_chat);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tincan_people_parent_class)->dispose (object);
}

static void
tincan_people_finalize (GObject *object)
{
  TincanPeople *self = TINCAN_PEOPLE (object);

  g_free (self->history_path);
  g_free (self->identity_path);

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

TincanChat *
tincan_people_get_first_chat (TincanPeople *self)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);

  return self->first_chat;
}

TincanPerson *
tincan_people_find_by_id (TincanPeople *self,
                          gint64        id)
{
  guint n;

  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->people));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (self->people), i);

      if (tincan_person_get_id (person) == id)
        return person;
    }

  return NULL;
}

TincanPerson *
tincan_people_find_by_chat (TincanPeople *self,
                            TincanChat   *chat)
{
  guint n;

  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (TINCAN_IS_CHAT (chat), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->people));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (self->people), i);

      if (tincan_person_get_chat (person) == chat)
        return person;
    }

  return NULL;
}

/**
 * tincan_people_add_by_address:
 *
 * The person at @host and @port, as the peer dialog adds them.  This
 * hub has one conversation, so that person is the settings' peer.
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

  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);

  normalized = tincan_address_normalize_host (host, error);
  if (normalized == NULL)
    return NULL;

  tincan_settings_save_peer (self->settings, normalized, port,
                             tincan_settings_get_local_port (self->settings), mode);

  return self->first_person;
}

/**
 * tincan_people_start_conversation:
 *
 * Returns: (transfer none): the conversation with @person, or %NULL with
 * @error set
 */
TincanChat *
tincan_people_start_conversation (TincanPeople  *self,
                                  TincanPerson  *person,
                                  GError       **error)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (self), NULL);
  g_return_val_if_fail (TINCAN_IS_PERSON (person), NULL);

  if (tincan_person_get_chat (person) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("A conversation with someone nearby cannot be started yet"));
      return NULL;
    }

  return tincan_person_get_chat (person);
}

void
tincan_people_mark_read (TincanPeople *self,
                         TincanPerson *person)
{
  g_return_if_fail (TINCAN_IS_PEOPLE (self));
  g_return_if_fail (TINCAN_IS_PERSON (person));

  g_object_set (person, "unread", 0, NULL);
}

static void
on_chat_closed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tincan_chat_close_finish (TINCAN_CHAT (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * tincan_people_close_async:
 *
 * Says goodbye to everyone (tincan_chat_close_async()).
 */
void
tincan_people_close_async (TincanPeople        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TINCAN_IS_PEOPLE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_people_close_async);
  tincan_chat_close_async (self->first_chat, cancellable, on_chat_closed_cb, g_steal_pointer (&task));
}

gboolean
tincan_people_close_finish (TincanPeople  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

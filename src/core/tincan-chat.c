/* tincan-chat.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The conversation with the peer in the settings: a TincanLink made from
 * TincanSettings and made again when they change, and every message sent
 * and received, in a GListModel for the window to show.
 *
 * A change that cannot be applied (the new port is in use) leaves the
 * link that was working in place and sets the error property; the next
 * change that works clears it.
 */

#define G_LOG_DOMAIN "tincan-chat"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tincan-address.h"
#include "tincan-chat.h"

struct _TincanChat
{
  GObject         parent_instance;

  TincanSettings *settings;
  TincanLink     *link;
  GListStore     *messages;
  char           *error;

  guint16         link_port;
  TincanMode      link_mode;
  char           *link_peer_host;
  guint16         link_peer_port;
  guint           apply_idle;
};

G_DEFINE_FINAL_TYPE (TincanChat, tincan_chat, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_MESSAGES,
  PROP_LINK,
  PROP_PRESENCE,
  PROP_PEER_TITLE,
  PROP_ERROR,
  N_PROPS
};

enum {
  MESSAGE_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_error (TincanChat *self,
           const char *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
on_message_received_cb (TincanChat    *self,
                        TincanMessage *message,
                        TincanLink    *link)
{
  g_list_store_append (self->messages, message);
  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, message);
}

static void
on_link_notify_cb (TincanChat *self,
                   GParamSpec *pspec,
                   TincanLink *link)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_TITLE]);
}

static void
on_peer_error_cb (TincanChat   *self,
                  const GError *error,
                  TincanLink   *link)
{
  set_error (self, error->message);
}

static void
tincan_chat_set_link (TincanChat *self,
                      TincanLink *link)
{
  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);

  g_set_object (&self->link, link);

  if (link != NULL)
    {
      g_signal_connect_object (link, "message-received",
                               G_CALLBACK (on_message_received_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "notify::presence",
                               G_CALLBACK (on_link_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "notify::peer-name",
                               G_CALLBACK (on_link_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (link, "peer-error",
                               G_CALLBACK (on_peer_error_cb), self, G_CONNECT_SWAPPED);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_TITLE]);
}

/* Makes the link match the settings.  A new socket only when the port or
 * the mode changed; otherwise the peer is just set again.
 */
static void
tincan_chat_apply (TincanChat *self)
{
  guint16 port = tincan_settings_get_local_port (self->settings);
  TincanMode mode = tincan_settings_get_mode (self->settings);
  g_autofree char *name = tincan_settings_dup_effective_name (self->settings);

  if (!tincan_settings_get_has_peer (self->settings))
    return;

  if (self->link == NULL || port != self->link_port || mode != self->link_mode)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TincanLink) link = NULL;

      /* The old socket goes first: the new one may want its port. */
      if (self->link != NULL && port == self->link_port)
        tincan_chat_set_link (self, NULL);

      link = tincan_link_new (port, mode, &error);
      if (link == NULL)
        {
          g_debug ("Could not apply the settings: %s", error->message);
          set_error (self, error->message);
          return;
        }

      self->link_port = port;
      self->link_mode = mode;
      g_clear_pointer (&self->link_peer_host, g_free);
      tincan_chat_set_link (self, link);
    }

  set_error (self, NULL);
  tincan_link_set_display_name (self->link, name);

  /* Setting the peer starts over with it (a new hello, a new epoch), so
   * only when it changed: a new name alone is not a new peer.
   */
  if (g_strcmp0 (self->link_peer_host, tincan_settings_get_peer_address (self->settings)) != 0
      || self->link_peer_port != tincan_settings_get_peer_port (self->settings))
    {
      g_free (self->link_peer_host);
      self->link_peer_host = g_strdup (tincan_settings_get_peer_address (self->settings));
      self->link_peer_port = tincan_settings_get_peer_port (self->settings);
      tincan_link_set_peer (self->link, self->link_peer_host, self->link_peer_port);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_TITLE]);
}

static gboolean
apply_idle_cb (gpointer user_data)
{
  TincanChat *self = user_data;

  self->apply_idle = 0;
  tincan_chat_apply (self);

  return G_SOURCE_REMOVE;
}

static void
on_settings_notify_cb (TincanChat *self,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  /* Saving the dialog changes several properties at once; apply them
   * together, once.
   */
  if (self->apply_idle == 0)
    self->apply_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_idle_cb, self, NULL);
}

static void
tincan_chat_constructed (GObject *object)
{
  TincanChat *self = TINCAN_CHAT (object);

  G_OBJECT_CLASS (tincan_chat_parent_class)->constructed (object);

  g_assert (TINCAN_IS_SETTINGS (self->settings));

  g_signal_connect_object (self->settings, "notify",
                           G_CALLBACK (on_settings_notify_cb), self, G_CONNECT_SWAPPED);

  tincan_chat_apply (self);
}

static void
tincan_chat_dispose (GObject *object)
{
  TincanChat *self = TINCAN_CHAT (object);

  g_clear_handle_id (&self->apply_idle, g_source_remove);
  tincan_chat_set_link (self, NULL);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tincan_chat_parent_class)->dispose (object);
}

static void
tincan_chat_finalize (GObject *object)
{
  TincanChat *self = TINCAN_CHAT (object);

  g_clear_object (&self->messages);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->link_peer_host, g_free);

  G_OBJECT_CLASS (tincan_chat_parent_class)->finalize (object);
}

static void
tincan_chat_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TincanChat *self = TINCAN_CHAT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;

    case PROP_LINK:
      g_value_set_object (value, self->link);
      break;

    case PROP_PRESENCE:
      g_value_set_enum (value, tincan_chat_get_presence (self));
      break;

    case PROP_PEER_TITLE:
      g_value_take_string (value, tincan_chat_dup_peer_title (self));
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_chat_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TincanChat *self = TINCAN_CHAT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_chat_class_init (TincanChatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = tincan_chat_constructed;
  object_class->dispose = tincan_chat_dispose;
  object_class->finalize = tincan_chat_finalize;
  object_class->get_property = tincan_chat_get_property;
  object_class->set_property = tincan_chat_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, TINCAN_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL, G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_LINK] =
    g_param_spec_object ("link", NULL, NULL, TINCAN_TYPE_LINK,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL, TINCAN_TYPE_PRESENCE, TINCAN_PRESENCE_UNKNOWN,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PEER_TITLE] =
    g_param_spec_string ("peer-title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanChat::message-received:
   * @chat: the chat
   * @message: a message from the peer, already in the model
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);
}

static void
tincan_chat_init (TincanChat *self)
{
  self->messages = g_list_store_new (TINCAN_TYPE_MESSAGE);
}

/**
 * tincan_chat_new:
 * @settings: where the peer, the ports and the mode come from
 *
 * Returns: (transfer full): a new #TincanChat, already talking if a peer
 *   is set
 */
TincanChat *
tincan_chat_new (TincanSettings *settings)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (settings), NULL);

  return g_object_new (TINCAN_TYPE_CHAT, "settings", settings, NULL);
}

/**
 * tincan_chat_get_messages:
 * @self: a #TincanChat
 *
 * Returns: (transfer none): every #TincanMessage, oldest first
 */
GListModel *
tincan_chat_get_messages (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return G_LIST_MODEL (self->messages);
}

/**
 * tincan_chat_get_link:
 * @self: a #TincanChat
 *
 * Returns: (transfer none) (nullable): the link, when one is open
 */
TincanLink *
tincan_chat_get_link (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return self->link;
}

TincanPresence
tincan_chat_get_presence (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), TINCAN_PRESENCE_UNKNOWN);

  return self->link ? tincan_link_get_presence (self->link) : TINCAN_PRESENCE_UNKNOWN;
}

/**
 * tincan_chat_dup_peer_title:
 * @self: a #TincanChat
 *
 * Returns: (transfer full) (nullable): the peer's name from its hello, or
 *   its address and port
 */
char *
tincan_chat_dup_peer_title (TincanChat *self)
{
  const char *name;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  name = self->link ? tincan_link_get_peer_name (self->link) : NULL;
  if (name != NULL && name[0] != '\0')
    return g_strdup (name);

  if (!tincan_settings_get_has_peer (self->settings))
    return NULL;

  return tincan_address_format_peer (tincan_settings_get_peer_address (self->settings),
                                     tincan_settings_get_peer_port (self->settings));
}

/**
 * tincan_chat_get_error:
 * @self: a #TincanChat
 *
 * Returns: (nullable): why the settings could not be applied, for a
 *   person to read
 */
const char *
tincan_chat_get_error (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  return self->error;
}

/**
 * tincan_chat_send:
 * @self: a #TincanChat
 * @text: the message
 * @error: return location for a #GError
 *
 * Returns: (transfer none) (nullable): the message, added to the model
 */
TincanMessage *
tincan_chat_send (TincanChat  *self,
                  const char  *text,
                  GError     **error)
{
  g_autoptr(TincanMessage) message = NULL;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (self->link == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           self->error ? self->error : _("No peer is set up"));
      return NULL;
    }

  message = tincan_link_send (self->link, text, error);
  if (message == NULL)
    return NULL;

  g_list_store_append (self->messages, message);

  return message;
}

/**
 * tincan_chat_retry:
 * @self: a #TincanChat
 * @message: a failed message from the model
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @message was queued again
 */
gboolean
tincan_chat_retry (TincanChat     *self,
                   TincanMessage  *message,
                   GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  if (self->link == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           self->error ? self->error : _("No peer is set up"));
      return FALSE;
    }

  return tincan_link_retry (self->link, message, error);
}

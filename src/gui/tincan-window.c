/* tincan-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window.  With no peer set up it welcomes the person and offers
 * the peer dialog; with a peer it shows the conversation, in a
 * TincanConversationView.  What is the window's own: its size, and
 * notifications for messages that come while it is not looked at.
 */

#define G_LOG_DOMAIN "tincan-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-conversation-view.h"
#include "tincan-window.h"

struct _TincanWindow
{
  AdwApplicationWindow    parent_instance;

  TincanSettings         *settings;
  TincanChat             *chat;

  GtkStack               *stack;
  AdwWindowTitle         *window_title;
  AdwStatusPage          *welcome_page;
  TincanConversationView *conversation_view;
};

G_DEFINE_FINAL_TYPE (TincanWindow, tincan_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CHAT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tincan_window_update (TincanWindow *self)
{
  gtk_stack_set_visible_child_name (self->stack,
                                    tincan_settings_get_has_peer (self->settings)
                                    ? "conversation" : "welcome");
}

static void
on_state_changed_cb (TincanWindow *self)
{
  tincan_window_update (self);
}

/* Notifications */

static void
on_message_received_cb (TincanWindow  *self,
                        TincanMessage *message,
                        TincanChat    *chat)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (application == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  title = tincan_chat_dup_peer_title (chat);
  /* The start of it: g_utf8_substring() must not be asked past the end. */
  body = g_utf8_substring (tincan_message_get_text (message), 0,
                           MIN (g_utf8_strlen (tincan_message_get_text (message), 800), 200));

  notification = g_notification_new (title ? title : _("Tin Can"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.present");
  g_application_send_notification (application, "new-message", notification);
}

static void
on_is_active_cb (TincanWindow *self)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (application != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    g_application_withdraw_notification (application, "new-message");
}

/* For tests/bench: with TINCAN_REPORT_FIRST_FRAME set, one line on
 * stderr once the first frame is painted, so start-up can be timed from
 * outside.
 */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   TincanWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, self);
  g_printerr ("tincan: first frame\n");
}

static void
on_map_cb (TincanWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  g_signal_handlers_disconnect_by_func (self, on_map_cb, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint_cb), self, 0);
}

/* GObject */

static void
tincan_window_save_state (TincanWindow *self)
{
  GSettings *settings = tincan_settings_get_gsettings (self->settings);
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width, height;

  g_settings_set_boolean (settings, "window-maximized", maximized);

  if (maximized)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
}

static gboolean
tincan_window_close_request (GtkWindow *window)
{
  tincan_window_save_state (TINCAN_WINDOW (window));

  return GTK_WINDOW_CLASS (tincan_window_parent_class)->close_request (window);
}

static void
tincan_window_constructed (GObject *object)
{
  TincanWindow *self = TINCAN_WINDOW (object);
  GSettings *gsettings;

  G_OBJECT_CLASS (tincan_window_parent_class)->constructed (object);

  g_assert (TINCAN_IS_SETTINGS (self->settings));
  g_assert (TINCAN_IS_CHAT (self->chat));

  g_signal_connect_object (self->settings, "notify::has-peer",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat, "message-received",
                           G_CALLBACK (on_message_received_cb), self, G_CONNECT_SWAPPED);

  tincan_conversation_view_set_settings (self->conversation_view, self->settings);
  tincan_conversation_view_set_chat (self->conversation_view, self->chat);

  gsettings = tincan_settings_get_gsettings (self->settings);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (gsettings, "window-width"),
                               g_settings_get_int (gsettings, "window-height"));
  if (g_settings_get_boolean (gsettings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  tincan_window_update (self);

  /* A person can just start typing. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->conversation_view));
}

static void
tincan_window_dispose (GObject *object)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_WINDOW);
  g_clear_object (&self->chat);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tincan_window_parent_class)->dispose (object);
}

static void
tincan_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CHAT:
      g_value_set_object (value, self->chat);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_CHAT:
      self->chat = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_window_class_init (TincanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tincan_window_constructed;
  object_class->dispose = tincan_window_dispose;
  object_class->get_property = tincan_window_get_property;
  object_class->set_property = tincan_window_set_property;

  window_class->close_request = tincan_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         TINCAN_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CHAT] =
    g_param_spec_object ("chat", NULL, NULL,
                         TINCAN_TYPE_CHAT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TINCAN_TYPE_CONVERSATION_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tincan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, conversation_view);
}

static void
tincan_window_init (TincanWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_cb), NULL);

  if (g_getenv ("TINCAN_REPORT_FIRST_FRAME") != NULL)
    g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

TincanWindow *
tincan_window_new (TincanApplication *application)
{
  g_return_val_if_fail (TINCAN_IS_APPLICATION (application), NULL);

  return g_object_new (TINCAN_TYPE_WINDOW,
                       "application", application,
                       "settings", tincan_application_get_settings (application),
                       "chat", tincan_application_get_chat (application),
                       NULL);
}

/* tincan-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window.  With no peer set up it welcomes the person and offers
 * the peer dialog; with a peer it says whom Tin Can talks to and how.
 */

#define G_LOG_DOMAIN "tincan-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-address.h"
#include "tincan-window.h"

struct _TincanWindow
{
  AdwApplicationWindow  parent_instance;

  TincanSettings       *settings;

  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  AdwStatusPage        *welcome_page;
  AdwStatusPage        *peer_page;
};

G_DEFINE_FINAL_TYPE (TincanWindow, tincan_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tincan_window_update (TincanWindow *self)
{
  g_autofree char *peer = NULL;
  g_autofree char *description = NULL;
  const char *mode;

  if (!tincan_settings_get_has_peer (self->settings))
    {
      adw_window_title_set_subtitle (self->window_title, _("No peer set up"));
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      return;
    }

  peer = tincan_address_format_peer (tincan_settings_get_peer_address (self->settings),
                                     tincan_settings_get_peer_port (self->settings));

  if (tincan_settings_get_mode (self->settings) == TINCAN_MODE_PLAIN)
    mode = _("Plain text");
  else
    mode = _("Tin Can");

  if (tincan_settings_get_overridden (self->settings))
    /* Translators: the first %s is a mode ("Tin Can" or "Plain text"), %u a UDP port */
    description = g_strdup_printf (_("%s mode, using your UDP port %u. Set on the command line for this run."),
                                   mode, tincan_settings_get_local_port (self->settings));
  else
    /* Translators: the first %s is a mode ("Tin Can" or "Plain text"), %u a UDP port */
    description = g_strdup_printf (_("%s mode, using your UDP port %u."),
                                   mode, tincan_settings_get_local_port (self->settings));

  adw_window_title_set_subtitle (self->window_title, peer);
  adw_status_page_set_title (self->peer_page, peer);
  adw_status_page_set_description (self->peer_page, description);
  gtk_stack_set_visible_child_name (self->stack, "peer");
}

static void
on_settings_notify_cb (TincanWindow *self,
                       GParamSpec   *pspec,
                       gpointer      user_data)
{
  tincan_window_update (self);
}

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

  g_signal_connect_object (self->settings, "notify",
                           G_CALLBACK (on_settings_notify_cb), self,
                           G_CONNECT_SWAPPED);

  gsettings = tincan_settings_get_gsettings (self->settings);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (gsettings, "window-width"),
                               g_settings_get_int (gsettings, "window-height"));
  if (g_settings_get_boolean (gsettings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  tincan_window_update (self);
}

static void
tincan_window_dispose (GObject *object)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_WINDOW);
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

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         TINCAN_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  window_class->close_request = tincan_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tincan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, peer_page);
}

static void
tincan_window_init (TincanWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

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
                       NULL);
}

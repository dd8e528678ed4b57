/* tincan-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application object: command-line options, app-wide actions, the
 * one TincanSettings that every window shares and the people hub
 * (TincanPeople), which holds a conversation with each person.
 *
 * A run started with --peer or --port is a separate instance rather than a
 * second window of one already running: it listens on its own port, which
 * is what two Tin Cans on one computer need.
 *
 * When its last window goes, it says goodbye to the peer before it quits
 * (tincan_people_close_async()), holding on, with no window, for the few
 * seconds that may take.
 */

#define G_LOG_DOMAIN "tincan-application"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-address.h"
#include "tincan-application.h"
#include "tincan-peer-dialog.h"
#include "tincan-window.h"

struct _TincanApplication
{
  AdwApplication  parent_instance;

  TincanSettings *settings;
  TincanPeople   *people;

  char           *override_address;
  guint16         override_peer_port;
  guint16         override_local_port;
  gboolean        no_discovery;
  char           *history_path;
  char           *identity_path;

  gboolean        saying_goodbye;
  gboolean        quitting;         /* once the goodbye is over */
  gboolean        shut_down;        /* the main loop is over: no goodbye now */
};

G_DEFINE_FINAL_TYPE (TincanApplication, tincan_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "peer", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Chat with HOST for this run, on PORT or the default port"), N_("HOST[:PORT]") },
  { "port", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Listen on this UDP port for this run"), N_("PORT") },
  { "history", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the history in FILE for this run"), N_("FILE") },
  { "identity", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Use the identity key in FILE for this run"), N_("FILE") },
  { "no-discovery", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Neither announce this computer nor look for people nearby, for this run"), NULL },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

TincanApplication *
tincan_application_new (void)
{
  return g_object_new (TINCAN_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * tincan_application_set_history_path:
 * @self: a #TincanApplication
 * @path: (nullable): the history database, as `--history` sets it
 *
 * Only before the application starts.
 */
void
tincan_application_set_history_path (TincanApplication *self,
                                     const char        *path)
{
  g_return_if_fail (TINCAN_IS_APPLICATION (self));
  g_return_if_fail (self->people == NULL);

  g_free (self->history_path);
  self->history_path = g_strdup (path);
}

/**
 * tincan_application_set_identity_path:
 * @self: a #TincanApplication
 * @path: (nullable): the identity file, as `--identity` sets it
 *
 * Only before the application starts.
 */
void
tincan_application_set_identity_path (TincanApplication *self,
                                      const char        *path)
{
  g_return_if_fail (TINCAN_IS_APPLICATION (self));
  g_return_if_fail (self->people == NULL);

  g_free (self->identity_path);
  self->identity_path = g_strdup (path);
}

/**
 * tincan_application_get_settings:
 * @self: a #TincanApplication
 *
 * Returns: (transfer none) (nullable): the settings, from startup on
 */
TincanSettings *
tincan_application_get_settings (TincanApplication *self)
{
  g_return_val_if_fail (TINCAN_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * tincan_application_get_people:
 * @self: a #TincanApplication
 *
 * Returns: (transfer none) (nullable): everyone to chat with, from startup on
 */
TincanPeople *
tincan_application_get_people (TincanApplication *self)
{
  g_return_val_if_fail (TINCAN_IS_APPLICATION (self), NULL);

  return self->people;
}

/**
 * tincan_application_get_chat:
 * @self: a #TincanApplication
 *
 * Returns: (transfer none) (nullable): the conversation with the person of
 *   the settings (tincan_people_get_first_chat()), from startup on
 */
TincanChat *
tincan_application_get_chat (TincanApplication *self)
{
  g_return_val_if_fail (TINCAN_IS_APPLICATION (self), NULL);

  return self->people != NULL ? tincan_people_get_first_chat (self->people) : NULL;
}

static int
tincan_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  TincanApplication *self = TINCAN_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  const char *peer = NULL;
  const char *port = NULL;
  const char *history = NULL;
  const char *identity = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (g_variant_dict_lookup (options, "peer", "&s", &peer))
    {
      g_autofree char *host = NULL;
      guint16 peer_port = 0;

      if (!tincan_address_parse_peer (peer, TINCAN_DEFAULT_PORT, &host, &peer_port, &error))
        {
          g_printerr ("tincan: --peer: %s\n", error->message);
          return 2;
        }

      g_free (self->override_address);
      self->override_address = g_steal_pointer (&host);
      self->override_peer_port = peer_port;
    }

  if (g_variant_dict_lookup (options, "port", "&s", &port))
    {
      if (!tincan_address_parse_port (port, &self->override_local_port, &error))
        {
          g_printerr ("tincan: --port: %s\n", error->message);
          return 2;
        }
    }

  if (g_variant_dict_contains (options, "no-discovery"))
    self->no_discovery = TRUE;

  if (g_variant_dict_lookup (options, "history", "^&ay", &history))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (history);

      g_free (self->history_path);
      self->history_path = g_file_get_path (file);
    }

  if (g_variant_dict_lookup (options, "identity", "^&ay", &identity))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (identity);

      g_free (self->identity_path);
      self->identity_path = g_file_get_path (file);
    }

  /* Its own port, history or identity: another Tin Can, not another
   * window of this one.
   */
  if (self->override_address != NULL || self->override_local_port != 0 || history != NULL
      || identity != NULL)
    {
      GApplicationFlags flags = g_application_get_flags (application);

      g_application_set_flags (application, flags | G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
tincan_application_show_peer_dialog (TincanApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  TincanPeerDialog *dialog;

  dialog = tincan_peer_dialog_new (self->settings, tincan_people_get_first_chat (self->people),
                                   self->people);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), window);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
preferences_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  tincan_application_show_peer_dialog (TINCAN_APPLICATION (user_data));
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TincanApplication *self = TINCAN_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = {
    "The Tin Can developers",
    NULL
  };

  adw_show_about_window (window,
                         "application-name", _("Tin Can"),
                         "application-icon", BASE_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Chat directly with another computer, with no server in between."),
                         "developer-name", _("The Tin Can developers"),
                         "developers", developers,
                         "copyright", "© 2026 The Tin Can developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/tincan/tincan",
                         "issue-url", "https://github.com/tincan/tincan/issues",
                         /* Translators: Replace "translator-credits" with your names, one name per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
shortcuts_activated_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TincanApplication *self = TINCAN_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/tincan-shortcuts-window.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (shortcuts, window);
  gtk_window_present (shortcuts);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  TincanApplication *self = TINCAN_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing rather than quitting outright lets each window save its state. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }

  /* The last window closing started a goodbye: quit when it is over. */
  if (self->saying_goodbye)
    self->quitting = TRUE;
  else
    g_application_quit (G_APPLICATION (self));
}

static void
present_activated_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

/* A notification's way back to the person it named. */
static void
open_person_activated_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  TincanApplication *self = TINCAN_APPLICATION (user_data);
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.open-person", "x",
                                g_variant_get_int64 (parameter));
}

static const GActionEntry app_entries[] = {
  { "present", present_activated_cb },
  { "open-person", open_person_activated_cb, "x" },
  { "preferences", preferences_activated_cb },
  { "about", about_activated_cb },
  { "shortcuts", shortcuts_activated_cb },
  { "quit", quit_activated_cb },
};

static void
tincan_application_startup (GApplication *application)
{
  TincanApplication *self = TINCAN_APPLICATION (application);
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (tincan_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APP_ID);

  self->settings = tincan_settings_new (NULL);

  if (self->override_address != NULL)
    tincan_settings_override_peer (self->settings, self->override_address,
                                   self->override_peer_port);

  if (self->override_local_port != 0)
    tincan_settings_override_local_port (self->settings, self->override_local_port);

  if (self->no_discovery)
    tincan_settings_override_no_discovery (self->settings);

  self->people = tincan_people_new (self->settings, self->history_path, self->identity_path);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts",
                                         shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}

static void
tincan_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (tincan_window_new (TINCAN_APPLICATION (application)));

  gtk_window_present (window);
}

static void
on_goodbye_said_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TincanApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tincan_people_close_finish (TINCAN_PEOPLE (object), result, &error))
    g_debug ("The goodbye was cut short: %s", error->message);

  self->saying_goodbye = FALSE;
  g_application_release (G_APPLICATION (self));

  if (self->quitting)
    g_application_quit (G_APPLICATION (self));
}

/* The last window is going, and the app with it: each peer is told, and
 * acknowledgements it may still be missing are sent again, before the
 * process ends.
 */
static void
tincan_application_window_removed (GtkApplication *application,
                                   GtkWindow      *window)
{
  TincanApplication *self = TINCAN_APPLICATION (application);
  GList *windows = gtk_application_get_windows (application);

  if (self->people != NULL && !self->saying_goodbye && !self->shut_down
      && windows != NULL && windows->data == window && windows->next == NULL)
    {
      self->saying_goodbye = TRUE;
      g_application_hold (G_APPLICATION (self));
      tincan_people_close_async (self->people, NULL, on_goodbye_said_cb, g_object_ref (self));
    }

  GTK_APPLICATION_CLASS (tincan_application_parent_class)->window_removed (application, window);
}

static void
tincan_application_shutdown (GApplication *application)
{
  TINCAN_APPLICATION (application)->shut_down = TRUE;

  G_APPLICATION_CLASS (tincan_application_parent_class)->shutdown (application);
}

static void
tincan_application_dispose (GObject *object)
{
  TincanApplication *self = TINCAN_APPLICATION (object);

  g_clear_object (&self->people);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->override_address, g_free);
  g_clear_pointer (&self->history_path, g_free);
  g_clear_pointer (&self->identity_path, g_free);

  G_OBJECT_CLASS (tincan_application_parent_class)->dispose (object);
}

static void
tincan_application_class_init (TincanApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = tincan_application_dispose;

  app_class->handle_local_options = tincan_application_handle_local_options;
  app_class->startup = tincan_application_startup;
  app_class->activate = tincan_application_activate;
  app_class->shutdown = tincan_application_shutdown;

  gtk_app_class->window_removed = tincan_application_window_removed;
}

static void
tincan_application_init (TincanApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Chat directly with another computer."));
}

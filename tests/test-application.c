/* test-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The application's actions, their accelerators and its command line,
 * run as main() runs it, under Xvfb.  Every test starts from default
 * settings in the memory GSettings backend.
 */

#include "config.h"

#include <adwaita.h>

#include "tincan-gui-test-utils.h"
#include "tincan-test-utils.h"
#include "tincan-window.h"

static void
actions_and_accels (TincanApplication *app)
{
  static const struct {
    const char *action;
    const char *accel;
  } expected[] = {
    { "preferences", "<Control>comma" },
    { "shortcuts", "<Control>question" },
    { "quit", "<Control>q" },
    { "about", NULL },
  };
  GtkWindow *about;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *detailed = g_strconcat ("app.", expected[i].action, NULL);
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    detailed);

      g_test_message ("%s", detailed);
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), expected[i].action));
      g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), expected[i].action));

      if (expected[i].accel != NULL)
        g_assert_true (g_strv_contains ((const char * const *) accels, expected[i].accel));
      else
        g_assert_cmpuint (g_strv_length (accels), ==, 0);
    }

  /* About shows the version and the license. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW)));
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Tin Can");
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_GPL_3_0);
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW)));
}

static void
test_actions_and_accels (void)
{
  reset_settings ();
  run_app (NULL, actions_and_accels);
}

static void
peer_option_overrides_settings (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanSettings *settings = tincan_application_get_settings (app);
  g_autoptr(GSettings) gsettings = g_settings_new (BASE_ID);
  g_autofree char *stored = g_settings_get_string (gsettings, "peer-address");
  g_autofree char *header = NULL;

  /* A run with its own peer and port is an instance of its own. */
  g_assert_true (g_application_get_flags (G_APPLICATION (app)) & G_APPLICATION_NON_UNIQUE);

  /* This run uses the command line's peer and port... */
  g_assert_true (tincan_settings_get_overridden (settings));
  g_assert_cmpstr (tincan_settings_get_peer_address (settings), ==, "::1");
  g_assert_cmpuint (tincan_settings_get_peer_port (settings), ==, 4100);
  g_assert_cmpuint (tincan_settings_get_local_port (settings), ==, 4101);

  header = header_text (window);
  g_assert_true (g_str_has_prefix (header, "[::1]:4100 · "));

  /* ...and the saved settings are untouched. */
  g_assert_cmpstr (stored, ==, "saved.example");
  g_assert_cmpint (g_settings_get_int (gsettings, "peer-port"), ==, 5000);
  g_assert_cmpint (g_settings_get_int (gsettings, "local-port"), ==, 5001);
}

static void
saved_peer_without_options (TincanApplication *app)
{
  TincanSettings *settings = tincan_application_get_settings (app);

  g_assert_false (g_application_get_flags (G_APPLICATION (app)) & G_APPLICATION_NON_UNIQUE);
  g_assert_false (tincan_settings_get_overridden (settings));
  g_assert_cmpstr (tincan_settings_get_peer_address (settings), ==, "saved.example");
  g_assert_cmpuint (tincan_settings_get_peer_port (settings), ==, 5000);
}

static void
test_peer_option_overrides_settings (void)
{
  static const char *args[] = { "--peer", "[::1]:4100", "--port", "4101", NULL };
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);

  reset_settings ();
  g_settings_set_string (settings, "peer-address", "saved.example");
  g_settings_set_int (settings, "peer-port", 5000);
  g_settings_set_int (settings, "local-port", 5001);

  run_app (args, peer_option_overrides_settings);

  /* The next run without options is back to what was saved. */
  run_app (NULL, saved_peer_without_options);
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/application/actions-and-accels", test_actions_and_accels);
  g_test_add_func ("/application/peer-option-overrides-settings",
                   test_peer_option_overrides_settings);

  return g_test_run ();
}

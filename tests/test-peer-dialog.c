/* test-peer-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The peer dialog, opened from the real application under Xvfb: what it
 * refuses, what it saves, and that nothing invalid reaches GSettings.
 * Every test starts from default settings in the memory GSettings
 * backend.  (Its connection test and its port check need a peer and a
 * busy port: they are in test-window.c, with the conversation.)
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tincan-gui-test-utils.h"
#include "tincan-people-internal.h"
#include "tincan-test-utils.h"
#include "tincan-window.h"

/* No key the peer dialog edits holds a value of its own.  (The window's
 * size is saved when it closes, which is fine.)
 */
static void
assert_nothing_saved (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  const char *peer_keys[] = {
    "display-name", "peer-address", "peer-port", "local-port", "mode",
  };

  for (guint i = 0; i < G_N_ELEMENTS (peer_keys); i++)
    {
      g_autoptr(GVariant) value = g_settings_get_user_value (settings, peer_keys[i]);

      if (value != NULL)
        g_error ("“%s” was saved", peer_keys[i]);
    }
}

static void
dialog_rejects_bad_input (TincanApplication *app)
{
  TincanPeerDialog *dialog;
  GtkWidget *save_button;

  dialog = open_peer_dialog (app);
  save_button = child (dialog, TINCAN_TYPE_PEER_DIALOG, "save_button");

  /* An empty first-run form is not an error yet, but cannot be saved. */
  assert_field_ok (dialog, "address_row", "address_error");
  g_assert_false (gtk_widget_get_sensitive (save_button));

  set_field (dialog, "address_row", "bad host!");
  assert_field_error (dialog, "address_row", "address_error",
                      "“bad host!” is not an IP address or a host name");
  g_assert_false (gtk_widget_get_sensitive (save_button));

  set_field (dialog, "address_row", "999.1.1.1");
  assert_field_error (dialog, "address_row", "address_error", "not a valid IPv4 address");

  /* Fixing the address takes its message away; a bad port brings one. */
  set_field (dialog, "address_row", "127.0.0.2");
  assert_field_ok (dialog, "address_row", "address_error");
  g_assert_true (gtk_widget_get_sensitive (save_button));

  set_field (dialog, "peer_port_row", "70000");
  assert_field_error (dialog, "peer_port_row", "peer_port_error",
                      "The port must be a number from 1 to 65535");
  g_assert_false (gtk_widget_get_sensitive (save_button));

  set_field (dialog, "peer_port_row", "4000");
  set_field (dialog, "local_port_row", "0");
  assert_field_ok (dialog, "peer_port_row", "peer_port_error");
  assert_field_error (dialog, "local_port_row", "local_port_error",
                      "The port must be a number from 1 to 65535");

  /* Save, by action and by Enter in a field: neither stores anything,
   * and the dialog stays open with its message.
   */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "peer.save", NULL);
  g_signal_emit_by_name (child (dialog, TINCAN_TYPE_PEER_DIALOG, "local_port_row"),
                         "entry-activated");
  assert_nothing_saved ();
  g_assert_true (find_toplevel (TINCAN_TYPE_PEER_DIALOG) == (gpointer) dialog);
  assert_field_error (dialog, "local_port_row", "local_port_error", "from 1 to 65535");

  /* Cancel leaves the settings as they were. */
  set_field (dialog, "local_port_row", "4001");
  g_assert_true (gtk_widget_get_sensitive (save_button));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL);
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (TINCAN_TYPE_WINDOW)));
  g_assert_null (find_toplevel (TINCAN_TYPE_PEER_DIALOG));
  assert_nothing_saved ();
}

static void
test_dialog_rejects_bad_input (void)
{
  reset_settings ();
  run_app (NULL, dialog_rejects_bad_input);
  assert_nothing_saved ();
}

static void
dialog_saves_valid_input (TincanApplication *app)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autofree char *address = NULL;
  g_autofree char *name = NULL;
  TincanPeerDialog *dialog;
  GtkWindow *window;
  g_autofree char *header = NULL;
  GtkWidget *chat_page;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  dialog = open_peer_dialog (app);

  set_field (dialog, "address_row", " [::1] ");
  set_field (dialog, "peer_port_row", "4000");
  set_field (dialog, "local_port_row", "4001");
  set_field (dialog, "name_row", "Ada");
  adw_combo_row_set_selected (child (dialog, TINCAN_TYPE_PEER_DIALOG, "mode_row"),
                              TINCAN_MODE_PLAIN);

  /* Enter in a field saves, as the Save button does. */
  g_signal_emit_by_name (child (dialog, TINCAN_TYPE_PEER_DIALOG, "address_row"),
                         "entry-activated");
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));

  address = g_settings_get_string (settings, "peer-address");
  name = g_settings_get_string (settings, "display-name");
  g_assert_cmpstr (address, ==, "::1");
  g_assert_cmpint (g_settings_get_int (settings, "peer-port"), ==, 4000);
  g_assert_cmpint (g_settings_get_int (settings, "local-port"), ==, 4001);
  g_assert_cmpint (g_settings_get_enum (settings, "mode"), ==, TINCAN_MODE_PLAIN);
  g_assert_cmpstr (name, ==, "Ada");

  /* The window follows at once: the conversation, with the peer. */
  chat_page = view_child (window, "chat_page");
  g_assert_true (tincan_test_wait_for (is_mapped, chat_page));
  header = header_text (window);
  g_assert_cmpstr (header, ==, "[::1]:4000 · Plain text");

  /* Opened again, the dialog shows what was saved. */
  dialog = open_peer_dialog (app);
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "address_row")),
                   ==, "::1");
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "peer_port_row")),
                   ==, "4000");
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "name_row")),
                   ==, "Ada");
  g_assert_cmpuint (adw_combo_row_get_selected (child (dialog, TINCAN_TYPE_PEER_DIALOG, "mode_row")),
                    ==, TINCAN_MODE_PLAIN);
}

static void
test_dialog_saves_valid_input (void)
{
  reset_settings ();
  run_app (NULL, dialog_saves_valid_input);
}

/* The hint names the firewall files Tin Can installs (data/firewalld,
 * data/ufw), as commands a person can type.
 */
static void
dialog_names_firewall_commands (TincanApplication *app)
{
  TincanPeerDialog *dialog = open_peer_dialog (app);
  AdwPreferencesGroup *group = child (dialog, TINCAN_TYPE_PEER_DIALOG, "addresses_group");
  const char *hint = adw_preferences_group_get_description (group);

  g_assert_nonnull (strstr (hint, "firewall-cmd --add-service=tincan"));
  g_assert_nonnull (strstr (hint, "ufw allow tincan"));
}

static void
test_dialog_names_firewall_commands (void)
{
  reset_settings ();
  run_app (NULL, dialog_names_firewall_commands);
}

/* The People group takes effect at once, without Save: discovery on and
 * off, and how long messages wait.  (The app runs with --no-discovery,
 * so only the setting changes here, nothing is announced, and the switch
 * is insensitive, saying why: set by the test, it still stores.)
 */
static void
dialog_sets_people_preferences (TincanApplication *app)
{
  TincanPeerDialog *dialog = open_peer_dialog (app);
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  GtkSwitch *discovery = child (dialog, TINCAN_TYPE_PEER_DIALOG, "discovery_switch");
  GtkSpinButton *waiting = child (dialog, TINCAN_TYPE_PEER_DIALOG, "waiting_spin");

  g_assert_false (gtk_switch_get_active (discovery));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (waiting), ==, 7);
  /* This run has discovery off whatever is stored, and says so. */
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (discovery)));

  gtk_switch_set_active (discovery, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "discovery"));
  gtk_switch_set_active (discovery, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "discovery"));

  gtk_spin_button_set_value (waiting, 3);
  g_assert_cmpint (g_settings_get_int (settings, "waiting-days"), ==, 3);
  g_assert_cmpuint (tincan_settings_get_waiting_days (tincan_application_get_settings (app)), ==, 3);
  g_assert_true (find_toplevel (TINCAN_TYPE_PEER_DIALOG) == (gpointer) dialog);
}

static void
test_dialog_sets_people_preferences (void)
{
  reset_settings ();
  run_app (NULL, dialog_sets_people_preferences);
}

/* Files up to the limit are saved without asking; the spin button is
 * the setting, at once, and 0 (ask for every file) is a value of it.
 */
static void
dialog_sets_accept_files_limit (TincanApplication *app)
{
  TincanPeerDialog *dialog = open_peer_dialog (app);
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  TincanSettings *mirror = tincan_application_get_settings (app);
  GtkSpinButton *spin = child (dialog, TINCAN_TYPE_PEER_DIALOG, "accept_files_spin");
  AdwActionRow *row = ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (spin),
                                                               ADW_TYPE_ACTION_ROW));

  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 100);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "At 0, every file asks"));

  gtk_spin_button_set_value (spin, 2048);
  g_assert_cmpint (g_settings_get_int (settings, "accept-files-mib"), ==, 2048);
  g_assert_cmpuint (tincan_settings_get_accept_files_mib (mirror), ==, 2048);

  gtk_spin_button_set_value (spin, 0);
  g_assert_cmpint (g_settings_get_int (settings, "accept-files-mib"), ==, 0);

  /* A tebibyte (1048576 MiB) is the most. */
  gtk_spin_button_set_value (spin, 5000000);
  g_assert_cmpint (g_settings_get_int (settings, "accept-files-mib"), ==, 1048576);
}

static void
test_dialog_sets_accept_files_limit (void)
{
  reset_settings ();
  run_app (NULL, dialog_sets_accept_files_limit);
}

/* Opened again, the dialog shows what is stored. */
static void
dialog_shows_accept_files_limit (TincanApplication *app)
{
  TincanPeerDialog *dialog = open_peer_dialog (app);
  GtkSpinButton *spin = child (dialog, TINCAN_TYPE_PEER_DIALOG, "accept_files_spin");

  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 7);
}

static void
test_dialog_shows_accept_files_limit (void)
{
  g_autoptr(GSettings) settings = NULL;

  reset_settings ();
  settings = g_settings_new (BASE_ID);
  g_settings_set_int (settings, "accept-files-mib", 7);
  run_app (NULL, dialog_shows_accept_files_limit);
}

static const char *
row_subtitle (gpointer widget)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
}

/* The IP Messenger switch: off for a --no-discovery run, saying why, as
 * the discovery switch is.  Then, in a dialog on settings with no such
 * override (the app's own still has it, so its hub stays off whatever is
 * stored), the switch is the setting, at once, and the row says why IP
 * Messenger is not running when the hub says so.
 */
static void
dialog_sets_ipmsg (TincanApplication *app)
{
  TincanPeerDialog *dialog = open_peer_dialog (app);
  g_autoptr(GSettings) gsettings = g_settings_new (BASE_ID);
  g_autoptr(TincanSettings) settings = tincan_settings_new (gsettings);
  TincanPeople *people = tincan_application_get_people (app);
  GtkSwitch *ipmsg_switch = child (dialog, TINCAN_TYPE_PEER_DIALOG, "ipmsg_switch");
  GtkWidget *row = child (dialog, TINCAN_TYPE_PEER_DIALOG, "ipmsg_row");
  const char *busy = "UDP port 2425 is in use by another program, such as iptux or IP Messenger";

  g_assert_false (gtk_switch_get_active (ipmsg_switch));
  g_assert_false (gtk_widget_is_sensitive (row));
  g_assert_cmpstr (row_subtitle (row), ==,
                   "Off for this run: Tin Can was started with --no-discovery.");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));

  dialog = tincan_peer_dialog_new (settings, NULL, people);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (tincan_test_wait_for (is_mapped, dialog));
  ipmsg_switch = child (dialog, TINCAN_TYPE_PEER_DIALOG, "ipmsg_switch");
  row = child (dialog, TINCAN_TYPE_PEER_DIALOG, "ipmsg_row");
  g_assert_true (gtk_widget_is_sensitive (row));
  g_assert_false (gtk_switch_get_active (ipmsg_switch));
  g_assert_cmpstr (row_subtitle (row), ==,
                   "Chat with IP Messenger and iptux users on this network. Not encrypted.");

  gtk_switch_set_active (ipmsg_switch, TRUE);
  g_assert_true (g_settings_get_boolean (gsettings, "ipmsg"));
  g_assert_true (tincan_settings_get_ipmsg (settings));
  g_assert_false (tincan_settings_get_ipmsg (tincan_application_get_settings (app)));

  /* The hub could not start it: the row says why, as an error. */
  tincan_people_set_ipmsg_error (people, busy);
  g_assert_cmpstr (row_subtitle (row), ==, busy);
  g_assert_true (gtk_widget_has_css_class (row, "ipmsg-error"));

  /* Turned off, there is nothing to explain. */
  gtk_switch_set_active (ipmsg_switch, FALSE);
  g_assert_false (g_settings_get_boolean (gsettings, "ipmsg"));
  g_assert_cmpstr (row_subtitle (row), ==,
                   "Chat with IP Messenger and iptux users on this network. Not encrypted.");
  g_assert_false (gtk_widget_has_css_class (row, "ipmsg-error"));

  tincan_people_set_ipmsg_error (people, NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_dialog_sets_ipmsg (void)
{
  reset_settings ();
  run_app (NULL, dialog_sets_ipmsg);
}

/* The third mode: choosing it puts IP Messenger's port in the port field
 * (unless one was typed), says what it is, and is saved as "ipmsg".
 */
static void
dialog_saves_ipmsg_mode (TincanApplication *app)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autofree char *mode = NULL;
  TincanPeerDialog *dialog = open_peer_dialog (app);
  AdwComboRow *mode_row = child (dialog, TINCAN_TYPE_PEER_DIALOG, "mode_row");
  GtkWidget *plain_row = child (dialog, TINCAN_TYPE_PEER_DIALOG, "plain_row");

  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (mode_row)), ==, 3);
  set_field (dialog, "address_row", "127.0.0.2");
  adw_combo_row_set_selected (mode_row, 2);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (mode_row)), ==,
                   "IP Messenger");
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "peer_port_row")),
                   ==, "2425");
  g_assert_cmpstr (row_subtitle (mode_row), ==,
                   "For IP Messenger and iptux users on this network. Not encrypted.");
  g_assert_true (gtk_widget_get_visible (plain_row));
  g_assert_cmpstr (row_subtitle (plain_row), ==,
                   "IP Messenger sends text as it is: anyone on the way can read it or change it.");

  /* Back to Tin Can: its port again, since none was typed. */
  adw_combo_row_set_selected (mode_row, TINCAN_MODE_RELIABLE);
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "peer_port_row")),
                   !=, "2425");
  /* A port typed by the person stays. */
  set_field (dialog, "peer_port_row", "2426");
  adw_combo_row_set_selected (mode_row, TINCAN_MODE_IPMSG);
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "peer_port_row")),
                   ==, "2426");

  gtk_widget_activate_action (GTK_WIDGET (dialog), "peer.save", NULL);
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));
  mode = g_settings_get_string (settings, "mode");
  g_assert_cmpstr (mode, ==, "ipmsg");
  g_assert_cmpint (g_settings_get_enum (settings, "mode"), ==, TINCAN_MODE_IPMSG);
  g_assert_cmpint (g_settings_get_int (settings, "peer-port"), ==, 2426);

  /* Opened again, it is the one chosen. */
  dialog = open_peer_dialog (app);
  g_assert_cmpuint (adw_combo_row_get_selected (child (dialog, TINCAN_TYPE_PEER_DIALOG, "mode_row")),
                    ==, TINCAN_MODE_IPMSG);
}

static void
test_dialog_saves_ipmsg_mode (void)
{
  reset_settings ();
  run_app (NULL, dialog_saves_ipmsg_mode);
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/peer-dialog/rejects-bad-input", test_dialog_rejects_bad_input);
  g_test_add_func ("/peer-dialog/saves-valid-input", test_dialog_saves_valid_input);
  g_test_add_func ("/peer-dialog/firewall-hint", test_dialog_names_firewall_commands);
  g_test_add_func ("/peer-dialog/people-preferences", test_dialog_sets_people_preferences);
  g_test_add_func ("/peer-dialog/accept-files-limit", test_dialog_sets_accept_files_limit);
  g_test_add_func ("/peer-dialog/accept-files-limit-shown", test_dialog_shows_accept_files_limit);
  g_test_add_func ("/peer-dialog/ipmsg-switch", test_dialog_sets_ipmsg);
  g_test_add_func ("/peer-dialog/ipmsg-mode", test_dialog_saves_ipmsg_mode);

  return g_test_run ();
}

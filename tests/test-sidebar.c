/* test-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sidebar of people as a person meets it, under Xvfb, in the real
 * application: the rows, the unread count, the keyboard ways between
 * people, adding a person by address, and the narrow window where the
 * leaflet folds to one pane.  Written for any number of people: where
 * the hub has only the one conversation of the settings, the tests use
 * that one.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tincan-application.h"
#include "tincan-conversation-view.h"
#include "tincan-gui-test-utils.h"
#include "tincan-link-private.h"
#include "tincan-peer-dialog.h"
#include "tincan-person-row.h"
#include "tincan-test-utils.h"
#include "tincan-window.h"
#include "tincan-window-test-utils.h"

static TincanPerson *
grace (TincanApplication *app)
{
  TincanPerson *person = tincan_people_find_by_chat (tincan_application_get_people (app),
                                                     tincan_application_get_chat (app));

  g_assert_nonnull (person);

  return person;
}

static const char *
row_text (GtkWidget  *row,
          const char *name)
{
  return gtk_label_get_text (child (row, TINCAN_TYPE_PERSON_ROW, name));
}

typedef struct
{
  GtkWindow    *window;
  TincanPerson *person;
  const char   *name;
  const char   *text;
} RowWait;

static gboolean
row_says (gpointer data)
{
  RowWait *wait = data;
  GtkWidget *row = find_person_row (wait->window, wait->person);

  return row != NULL
         && g_strcmp0 (row_text (row, wait->name), wait->text) == 0;
}

static void
wait_row (GtkWindow    *window,
          TincanPerson *person,
          const char   *name,
          const char   *text)
{
  RowWait wait = { window, person, name, text };

  if (!tincan_test_wait_for (row_says, &wait))
    {
      GtkWidget *row = find_person_row (window, person);

      g_error ("The row's %s says “%s”, not “%s”", name,
               row ? row_text (row, name) : "(no row)", text);
    }
}

static gboolean
is_unread (gpointer person)
{
  return tincan_person_get_unread (person) > 0;
}

/* The person, with their name and what they last said, and when. */
static void
sidebar_shows_person (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanPerson *person = grace (app);
  RowQuery mine = { window, "first line\nsecond line", "Delivered" };
  GtkWidget *row;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tincan_application_get_people (app))),
                    >=, 1);
  g_assert_true (selected_person (window) == person);
  /* Wide: both panes, and no way back needed. */
  g_assert_false (adw_leaflet_get_folded (child (window, TINCAN_TYPE_WINDOW, "leaflet")));
  g_assert_true (is_mapped (child (window, TINCAN_TYPE_WINDOW, "people_view")));
  g_assert_true (is_mapped (conversation_view (window)));
  g_assert_false (gtk_widget_get_visible (view_child (window, "back_button")));

  wait_subtitle (window, "Grace · Online");
  wait_row (window, person, "name_label", "Grace");
  row = find_person_row (window, person);
  g_assert_true (gtk_widget_has_css_class (child (row, TINCAN_TYPE_PERSON_ROW, "presence_dot"),
                                           "online"));

  /* One's own message: its first line, as one's own. */
  type_and_send (window, mine.text);
  g_assert_true (tincan_test_wait_for (row_shown, &mine));
  wait_row (window, person, "last_label", "You: first line");

  /* Theirs, while it is in view: no count. */
  g_object_unref (tincan_link_send (peer.link, "an answer", NULL));
  wait_row (window, person, "last_label", "an answer");
  row = find_person_row (window, person);
  g_assert_cmpstr (row_text (row, "time_label"), !=, "");
  if (gtk_window_is_active (window))
    {
      g_assert_cmpuint (tincan_person_get_unread (person), ==, 0);
      g_assert_false (gtk_widget_get_visible (child (row, TINCAN_TYPE_PERSON_ROW, "unread_label")));
    }
}

static void
test_sidebar_shows_person (void)
{
  peer_open ();
  run_app (NULL, sidebar_shows_person);
  peer_close ();
}

/* Ctrl+1…9 and Alt+Up/Down move between people; Ctrl+N adds one, in the
 * peer dialog's add form, and shows them.
 */
static void
keyboard_and_add_person (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GListModel *people = G_LIST_MODEL (tincan_application_get_people (app));
  GtkListView *list = child (window, TINCAN_TYPE_WINDOW, "people_view");
  GtkSelectionModel *selection = gtk_list_view_get_model (list);
  g_autoptr(TincanPerson) first = g_list_model_get_item (people, 0);
  g_autofree char *port = g_strdup_printf ("%u", peer.peer_port + 1);
  g_autofree char *address = g_strdup_printf ("127.0.0.2:%u", peer.peer_port + 1);
  TincanPeerDialog *dialog;
  TincanPerson *added;

  g_assert_true (selected_person (window) == first);

  /* Nothing selected: Ctrl+1 selects the first person. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (selection), GTK_INVALID_LIST_POSITION);
  g_assert_null (selected_person (window));
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>1"));
  g_assert_true (selected_person (window) == first);

  if (g_list_model_get_n_items (people) >= 2)
    {
      g_autoptr(TincanPerson) second = g_list_model_get_item (people, 1);

      g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Alt>Down"));
      g_assert_true (selected_person (window) == second);
      g_assert_true (tincan_conversation_view_get_chat (TINCAN_CONVERSATION_VIEW (conversation_view (window)))
                     == tincan_person_get_chat (second));
      g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Alt>Up"));
      g_assert_true (selected_person (window) == first);
      g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>2"));
      g_assert_true (selected_person (window) == second);
      g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>1"));
    }
  else
    {
      /* The only one: neither way leaves them. */
      g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Alt>Down"));
      g_assert_true (selected_person (window) == first);
      g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Alt>Up"));
      g_assert_true (selected_person (window) == first);
      g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>9"));
      g_assert_true (selected_person (window) == first);
    }
  g_assert_true (tincan_conversation_view_get_chat (TINCAN_CONVERSATION_VIEW (conversation_view (window)))
                 == tincan_person_get_chat (first));

  /* Ctrl+N: the add form, with only what adding needs. */
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>n"));
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (TINCAN_TYPE_PEER_DIALOG)));
  dialog = find_toplevel (TINCAN_TYPE_PEER_DIALOG);
  g_assert_true (tincan_test_wait_for (is_mapped, dialog));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Add Person");
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "address_row")), ==, "");
  g_assert_true (is_mapped (child (dialog, TINCAN_TYPE_PEER_DIALOG, "mode_row")));
  g_assert_false (is_mapped (child (dialog, TINCAN_TYPE_PEER_DIALOG, "name_row")));
  g_assert_false (is_mapped (child (dialog, TINCAN_TYPE_PEER_DIALOG, "local_port_row")));

  /* A wrong address is said there, and nothing is added. */
  set_field (dialog, "address_row", "not an address!");
  assert_field_error (dialog, "address_row", "address_error", "");
  g_assert_false (gtk_widget_get_sensitive (child (dialog, TINCAN_TYPE_PEER_DIALOG, "save_button")));

  set_field (dialog, "address_row", "127.0.0.2");
  set_field (dialog, "peer_port_row", port);
  g_signal_emit_by_name (child (dialog, TINCAN_TYPE_PEER_DIALOG, "address_row"), "entry-activated");
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));

  /* The person at that address is in the sidebar, and shown. */
  added = selected_person (window);
  g_assert_nonnull (added);
  g_assert_cmpstr (tincan_person_get_address (added), ==, address);
  g_assert_true (is_mapped (find_person_row (window, added)));
  g_assert_true (tincan_conversation_view_get_chat (TINCAN_CONVERSATION_VIEW (conversation_view (window)))
                 == tincan_person_get_chat (added));
  /* Someone new, beside the first, already being talked to: the view
   * opened the conversation as the person appeared, address and all.
   */
  g_assert_true (added != first);
  g_assert_cmpuint (g_list_model_get_n_items (people), ==, 2);
  g_assert_true (tincan_chat_has_link (tincan_person_get_chat (added)));
}

/* The very first person, added from the welcome page: the window shows
 * them the moment they are listed, and their conversation must already
 * know where they are.
 */
static void
first_person_added (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GListModel *people = G_LIST_MODEL (tincan_application_get_people (app));
  g_autofree char *port = g_strdup_printf ("%u", peer.peer_port);
  TincanPeerDialog *dialog;
  TincanPerson *added;

  g_assert_cmpuint (g_list_model_get_n_items (people), ==, 0);
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>n"));
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (TINCAN_TYPE_PEER_DIALOG)));
  dialog = find_toplevel (TINCAN_TYPE_PEER_DIALOG);
  g_assert_true (tincan_test_wait_for (is_mapped, dialog));
  set_field (dialog, "address_row", "127.0.0.1");
  set_field (dialog, "peer_port_row", port);
  g_signal_emit_by_name (child (dialog, TINCAN_TYPE_PEER_DIALOG, "address_row"), "entry-activated");
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));

  g_assert_cmpuint (g_list_model_get_n_items (people), ==, 1);
  added = selected_person (window);
  g_assert_nonnull (added);
  g_assert_true (tincan_chat_has_link (tincan_person_get_chat (added)));
  wait_subtitle (window, "Grace · Online");
}

static void
test_first_person_added (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);

  /* The peer, and no one set up: only the app's port kept. */
  peer_open ();
  g_settings_reset (settings, "peer-address");
  g_settings_reset (settings, "peer-port");
  run_app (NULL, first_person_added);
  peer_close ();
}

static void
test_keyboard_and_add_person (void)
{
  peer_open ();
  run_app (NULL, keyboard_and_add_person);
  peer_close ();
}

/* Ctrl+N, in IP Messenger mode: its port is offered, and the person
 * added is an IP Messenger user, marked so in the sidebar, and their
 * conversation's header says it is not encrypted.  (The port typed is
 * one nobody uses on loopback, so nothing answers; IP Messenger itself
 * is off, as in every test.)
 */
static void
add_ipmsg_person (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autofree char *port = g_strdup_printf ("%u", tincan_test_unused_port ());
  TincanPeerDialog *dialog;
  AdwComboRow *mode_row;
  TincanPerson *added;
  GtkWidget *attach;

  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>n"));
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (TINCAN_TYPE_PEER_DIALOG)));
  dialog = find_toplevel (TINCAN_TYPE_PEER_DIALOG);
  g_assert_true (tincan_test_wait_for (is_mapped, dialog));
  mode_row = child (dialog, TINCAN_TYPE_PEER_DIALOG, "mode_row");
  adw_combo_row_set_selected (mode_row, TINCAN_MODE_IPMSG);
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "peer_port_row")),
                   ==, "2425");

  set_field (dialog, "address_row", "127.0.0.2");
  set_field (dialog, "peer_port_row", port);
  g_signal_emit_by_name (child (dialog, TINCAN_TYPE_PEER_DIALOG, "address_row"), "entry-activated");
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));

  added = selected_person (window);
  g_assert_nonnull (added);
  g_assert_cmpint (tincan_person_get_mode (added), ==, TINCAN_MODE_IPMSG);
  wait_row (window, added, "last_label", "IP Messenger · not encrypted");

  g_assert_true (g_str_has_prefix (adw_window_title_get_subtitle (view_child (window, "window_title")),
                                   "IP Messenger · "));
  g_assert_cmpstr (gtk_label_get_text (view_child (window, "encryption_label")), ==, "Not encrypted");
  attach = child (view_child (window, "compose_box"), TINCAN_TYPE_COMPOSE_BOX, "attach_button");
  g_assert_false (gtk_widget_is_sensitive (attach));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (attach), ==,
                   "IP Messenger users cannot be sent files by Tin Can");
}

static void
test_add_ipmsg_person (void)
{
  reset_settings ();
  run_app (NULL, add_ipmsg_person);
}

/* A narrow window folds the leaflet to the sidebar: a message there is
 * counted unread; selecting the person shows the conversation, with a
 * way back, and the count goes.
 */
static void
narrow_window_folds (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  AdwLeaflet *leaflet = child (window, TINCAN_TYPE_WINDOW, "leaflet");
  GtkWidget *content = child (window, TINCAN_TYPE_WINDOW, "content_stack");
  GtkWidget *back = view_child (window, "back_button");
  TincanPerson *person = grace (app);
  GtkWidget *row;

  g_assert_true (tincan_test_wait_for (is_mapped, child (window, TINCAN_TYPE_WINDOW, "people_view")));
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) != content);

  wait_subtitle (window, "Grace · Online");
  g_object_unref (tincan_link_send (peer.link, "while you were away", NULL));
  g_assert_true (tincan_test_wait_for (is_unread, person));
  wait_row (window, person, "unread_label", "1");
  row = find_person_row (window, person);
  g_assert_true (gtk_widget_get_visible (child (row, TINCAN_TYPE_PERSON_ROW, "unread_label")));
  g_assert_true (gtk_widget_has_css_class (child (row, TINCAN_TYPE_PERSON_ROW, "name_label"),
                                           "heading"));

  /* Selecting shows the conversation, with the way back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-person", "x",
                              tincan_person_get_id (person));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == content);
  g_assert_true (tincan_test_wait_for (is_mapped, back));
  g_assert_true (tincan_test_wait_for (is_mapped, view_child (window, "compose_box")));
  if (gtk_window_is_active (window))
    {
      g_assert_cmpuint (tincan_person_get_unread (person), ==, 0);
      g_assert_false (gtk_widget_get_visible (child (row, TINCAN_TYPE_PERSON_ROW, "unread_label")));
    }
  else
    g_test_message ("The window is not active; the count is not checked");

  /* And back to the sidebar. */
  g_assert_true (gtk_widget_activate_action (back, "win.back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) != content);
  g_assert_true (tincan_test_wait_for (is_mapped, child (window, TINCAN_TYPE_WINDOW, "people_view")));
}

static void
test_narrow_window_folds (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);

  peer_open ();
  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 600);
  run_app (NULL, narrow_window_folds);
  peer_close ();
}

/* Today the time of day; before, the date. */
static void
test_row_time (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) now = g_date_time_new (utc, 2026, 11, 30, 14, 5, 0);
  g_autoptr(GDateTime) earlier = g_date_time_new (utc, 2026, 11, 30, 9, 7, 0);
  g_autoptr(GDateTime) yesterday = g_date_time_new (utc, 2026, 11, 29, 23, 59, 0);
  g_autoptr(GDateTime) last_year = g_date_time_new (utc, 2025, 11, 30, 9, 7, 0);
  g_autofree char *today_text = NULL;
  g_autofree char *yesterday_text = NULL;
  g_autofree char *last_year_text = NULL;

  today_text = tincan_person_row_format_time (g_date_time_to_unix (earlier) * G_USEC_PER_SEC, now);
  yesterday_text = tincan_person_row_format_time (g_date_time_to_unix (yesterday) * G_USEC_PER_SEC,
                                                  now);
  last_year_text = tincan_person_row_format_time (g_date_time_to_unix (last_year) * G_USEC_PER_SEC,
                                                  now);

  g_assert_cmpstr (today_text, ==, "09:07");
  /* C.UTF-8's date: 11/29/26. */
  g_assert_cmpstr (yesterday_text, ==, "11/29/26");
  g_assert_cmpstr (last_year_text, ==, "11/30/25");
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  start_notification_server ();

  g_test_add_func ("/sidebar/row-time", test_row_time);
  g_test_add_func ("/sidebar/shows-person", test_sidebar_shows_person);
  g_test_add_func ("/sidebar/keyboard-and-add-person", test_keyboard_and_add_person);
  g_test_add_func ("/sidebar/first-person-added", test_first_person_added);
  g_test_add_func ("/sidebar/add-ipmsg-person", test_add_ipmsg_person);
  g_test_add_func ("/sidebar/narrow-window-folds", test_narrow_window_folds);

  return g_test_run ();
}

/* test-window-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window and its history (docs/HACKING.md, *History*): what was said
 * is there after a restart and what was on its way is sent once; a long
 * history opens as fast as a short one and scrolls back; a damaged file
 * is moved aside, one in use or on a full disk is said so, and nothing
 * typed is lost.  The other computer is a TincanLink in this process.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tincan-application.h"
#include "tincan-gui-test-utils.h"
#include "tincan-history.h"
#include "tincan-store-private.h"
#include "tincan-link-private.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"
#include "tincan-message-row.h"
#include "tincan-peer-dialog.h"
#include "tincan-window.h"
#include "tincan-window-test-utils.h"

/* History */

static gboolean
n_items_is (gpointer data)
{
  gpointer *args = data;

  return g_list_model_get_n_items (args[0]) == GPOINTER_TO_UINT (args[1]);
}

static void
wait_n_items (GListModel *model,
              guint       n)
{
  gpointer args[2] = { model, GUINT_TO_POINTER (n) };

  if (!tincan_test_wait_for (n_items_is, args))
    g_error ("%u messages shown, not %u", g_list_model_get_n_items (model), n);
}

static void
history_first_run (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanLink *link = tincan_chat_get_link (tincan_application_get_chat (app));
  RowQuery mine = { window, "kept for later", "Delivered" };
  RowQuery theirs = { window, "and an answer", NULL };
  RowQuery waiting = { window, "waits for the next start", "Sending…" };
  g_autoptr(TincanMessage) answer = NULL;

  wait_subtitle (window, "Grace · Online");
  type_and_send (window, mine.text);
  g_assert_true (tincan_test_wait_for (row_shown, &mine));
  answer = tincan_link_send (peer.link, theirs.text, NULL);
  g_assert_true (tincan_test_wait_for (row_shown, &theirs));

  /* The network goes: this one is still on its way when Tin Can quits. */
  tincan_link_set_filter (link, drop_everything, NULL);
  type_and_send (window, waiting.text);
  g_assert_true (tincan_test_wait_for (row_shown, &waiting));
  tincan_test_run_for (300);
  g_assert_true (row_shown (&waiting));
  g_assert_cmpuint (peer.received->len, ==, 1);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

static gboolean
message_dialog_shown (gpointer unused)
{
  return find_message_dialog () != NULL;
}

static gboolean
message_dialog_closed (gpointer unused)
{
  return find_message_dialog () == NULL;
}

static void
history_second_run (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanChat *chat = tincan_application_get_chat (app);
  GListModel *messages = tincan_chat_get_messages (chat);
  RowQuery mine = { window, "kept for later", "Delivered" };
  RowQuery theirs = { window, "and an answer", NULL };
  RowQuery resent = { window, "waits for the next start", "Delivered" };
  RowQuery later = { window, "after the restart", "Delivered" };

  /* The conversation as it was, and the outbox sent on: once. */
  g_assert_true (tincan_test_wait_for (row_shown, &mine));
  g_assert_true (tincan_test_wait_for (row_shown, &theirs));
  g_assert_true (tincan_test_wait_for (row_shown, &resent));
  g_assert_true (tincan_test_wait_for_length (peer.received, 2));
  g_assert_cmpstr (g_ptr_array_index (peer.received, 1), ==, resent.text);
  type_and_send (window, later.text);
  g_assert_true (tincan_test_wait_for (row_shown, &later));
  g_assert_true (tincan_test_wait_for_length (peer.received, 3));
  tincan_test_run_for (200);
  g_assert_cmpuint (peer.received->len, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 4);

  /* Search finds the older match first, then wraps round. */
  gtk_widget_activate_action (conversation_view (window), "chat.search", NULL);
  g_assert_true (gtk_search_bar_get_search_mode (view_child (window, "search_bar")));
  gtk_editable_set_text (view_child (window, "search_entry"), "answer");
  g_signal_emit_by_name (view_child (window, "search_entry"), "activate");
  g_assert_cmpuint (gtk_single_selection_get_selected (
                      GTK_SINGLE_SELECTION (gtk_list_view_get_model (view_child (window, "list_view")))), ==, 1);
  gtk_editable_set_text (view_child (window, "search_entry"), "no such words");
  g_signal_emit_by_name (view_child (window, "search_entry"), "activate");
  g_assert_true (gtk_widget_has_css_class (view_child (window, "search_entry"), "error"));
  gtk_search_bar_set_search_mode (view_child (window, "search_bar"), FALSE);

  /* Clear History asks first; Cancel keeps everything. */
  gtk_widget_activate_action (conversation_view (window), "chat.clear-history", NULL);
  g_assert_true (tincan_test_wait_for (message_dialog_shown, NULL));
  adw_message_dialog_response (find_message_dialog (), "cancel");
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 4);

  /* A click on a response also closes the dialog; response() alone not. */
  gtk_window_destroy (GTK_WINDOW (find_message_dialog ()));
  g_assert_true (tincan_test_wait_for (message_dialog_closed, NULL));

  gtk_widget_activate_action (conversation_view (window), "chat.clear-history", NULL);
  g_assert_true (tincan_test_wait_for (message_dialog_shown, NULL));
  adw_message_dialog_response (find_message_dialog (), "clear");
  wait_n_items (messages, 0);
  gtk_window_destroy (GTK_WINDOW (find_message_dialog ()));
}

static void
test_history_kept_across_restart (void)
{
  use_fixed_history ();
  peer_open ();
  run_app (NULL, history_first_run);
  run_app (NULL, history_second_run);
  peer_close ();
  drop_fixed_history ();
}

static void
history_large (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanHistory *history = TINCAN_HISTORY (tincan_chat_get_messages (tincan_application_get_chat (app)));
  TincanStore *store = tincan_history_get_store (history);
  RowQuery newest = { window, "message 99999", NULL };
  RowQuery found = { window, "message 12345", NULL };
  GtkSearchEntry *search = view_child (window, "search_entry");
  GtkSingleSelection *selection;

  /* The newest at the bottom, with a few pages read, not the history. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 100000);
  g_assert_true (tincan_test_wait_for (row_shown, &newest));
  g_test_message ("%" G_GUINT64_FORMAT " rows read, %u held, to show the newest",
                  tincan_store_get_rows_read (store), tincan_history_get_n_loaded (history));
  g_assert_cmpuint (tincan_store_get_rows_read (store), <=,
                    TINCAN_HISTORY_PAGE_SIZE * TINCAN_HISTORY_MAX_PAGES);
  g_assert_cmpuint (tincan_history_get_n_loaded (history), <=,
                    TINCAN_HISTORY_PAGE_SIZE * TINCAN_HISTORY_MAX_PAGES);

  /* The list starts with the newest hundred only. */
  selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (view_child (window, "list_view")));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 100);

  /* Search jumps there, and shows it selected: the older messages join
   * the list for it.
   */
  gtk_widget_activate_action (conversation_view (window), "chat.search", NULL);
  gtk_editable_set_text (GTK_EDITABLE (search), "message 12345");
  g_signal_emit_by_name (search, "activate");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), ==, 100000);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 12345);
  g_assert_true (tincan_test_wait_for (row_shown, &found));
  g_assert_cmpuint (tincan_history_get_n_loaded (history), <=,
                    TINCAN_HISTORY_PAGE_SIZE * TINCAN_HISTORY_MAX_PAGES);
}

static gboolean
scrollable (gpointer adjustment)
{
  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment)
         && gtk_adjustment_get_page_size (adjustment) > 0;
}

static gboolean
list_has_all (gpointer selection)
{
  return g_list_model_get_n_items (selection) == 100000;
}

/* Scrolled to the top of the newest hundred, the list takes in the rest,
 * keeping the rows on screen where they were.
 */
static void
history_large_scrolled_up (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GListModel *shown;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (view_child (window, "list_view"));
  RowQuery newest = { window, "message 99999", NULL };
  RowQuery top = { window, "message 99900", NULL };

  /* The leaflet maps its panes once it has given them their place. */
  g_assert_true (tincan_test_wait_for (is_mapped, view_child (window, "list_view")));
  shown = G_LIST_MODEL (gtk_list_view_get_model (view_child (window, "list_view")));
  g_assert_true (tincan_test_wait_for (row_shown, &newest));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 100);

  g_assert_true (tincan_test_wait_for (scrollable, adjustment));
  gtk_adjustment_set_value (adjustment, 0);
  g_assert_true (tincan_test_wait_for (row_shown, &top));
  g_assert_true (tincan_test_wait_for (list_has_all, shown));
  g_assert_true (tincan_test_wait_for (row_shown, &top));
}

static void
test_history_large (void)
{
  g_autoptr(GError) error = NULL;
  TincanStore *store;
  const char *history;

  history = use_fixed_history ();
  store = tincan_store_new (history, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  tincan_test_fill_history (history, 100000);

  peer_open ();
  run_app (NULL, history_large_scrolled_up);
  run_app (NULL, history_large);
  peer_close ();
  drop_fixed_history ();
}

static void
history_moved_aside (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkLabel *label = view_child (window, "moved_aside_label");
  const char *aside = tincan_chat_get_moved_aside (tincan_application_get_chat (app));
  g_autofree char *garbage = NULL;

  g_assert_nonnull (aside);
  g_assert_true (revealed (view_child (window, "moved_aside_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_text (label), aside));
  g_assert_true (g_file_get_contents (aside, &garbage, NULL, NULL));
  g_assert_cmpstr (garbage, ==, "this is not a database, and it never was one.");

  /* A new history works at once. */
  wait_subtitle (window, "Grace · Online");
  type_and_send (window, "after the damage");
  g_assert_true (tincan_test_wait_for_length (peer.received, 1));
  g_assert_cmpuint (tincan_store_get_count (tincan_history_get_store (
                      TINCAN_HISTORY (tincan_chat_get_messages (tincan_application_get_chat (app))))),
                    ==, 1);
}

static void
test_history_damaged (void)
{
  const char *history;

  history = use_fixed_history ();
  g_assert_true (g_file_set_contents (history, "this is not a database, and it never was one.",
                                      -1, NULL));
  peer_open ();
  run_app (NULL, history_moved_aside);
  peer_close ();
  drop_fixed_history ();
}

static void
history_in_use (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkLabel *label = view_child (window, "error_label");
  RowQuery sent = { window, "not kept, still sent", "Delivered" };

  g_assert_true (revealed (view_child (window, "error_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "is open in another Tin Can"));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "will not be kept"));
  g_assert_false (gtk_widget_get_visible (view_child (window, "error_settings_button")));

  wait_subtitle (window, "Grace · Online");
  type_and_send (window, sent.text);
  g_assert_true (tincan_test_wait_for (row_shown, &sent));

  /* Still not kept: the bar stays. */
  g_assert_true (revealed (view_child (window, "error_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "will not be kept"));
}

static void
history_full_disk (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanHistory *history = TINCAN_HISTORY (tincan_chat_get_messages (tincan_application_get_chat (app)));
  TincanStore *store = tincan_history_get_store (history);
  GtkWidget *revealer = view_child (window, "error_revealer");
  g_autofree char *big = g_strnfill (300000, 'z');
  char *text;
  RowQuery small = { window, "before the disk filled", "Delivered" };

  wait_subtitle (window, "Grace · Online");
  type_and_send (window, small.text);
  g_assert_true (tincan_test_wait_for (row_shown, &small));

  /* No room for another page: the big message stays in the box, the
   * bar says why, and nothing reached the peer.
   */
  tincan_store_set_max_pages (store, 1);
  type_and_send (window, big);
  g_assert_true (g_str_equal ((text = compose_text (compose_box (window))), big));
  g_free (text);
  g_assert_true (tincan_test_wait_for (revealed, revealer));
  g_assert_cmpstr (gtk_label_get_text (view_child (window, "error_label")), ==,
                   "The disk is full, so the history cannot be saved");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 1);
  tincan_test_run_for (200);
  g_assert_cmpuint (peer.received->len, ==, 1);

  /* Room again: Enter sends it, and the bar goes. */
  tincan_store_set_max_pages (store, 1000000);
  g_assert_true (press_key (compose_box (window), GDK_KEY_Return, 0));
  g_assert_cmpstr ((text = compose_text (compose_box (window))), ==, "");
  g_free (text);
  g_assert_true (tincan_test_wait_for (hidden, revealer));
  g_assert_true (tincan_test_wait_for_length (peer.received, 2));
  g_assert_true (g_str_equal (g_ptr_array_index (peer.received, 1), big));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (history)), ==, 2);
  g_assert_cmpuint (tincan_store_get_count (store), ==, 2);
}

static void
test_history_full_disk (void)
{
  peer_open ();
  run_app (NULL, history_full_disk);
  peer_close ();
}

static void
test_history_in_use (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) other = NULL;
  const char *history;

  history = use_fixed_history ();
  other = tincan_store_new (history, &error);
  g_assert_no_error (error);
  peer_open ();
  run_app (NULL, history_in_use);
  peer_close ();
  g_clear_object (&other);
  drop_fixed_history ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  start_notification_server ();

  g_test_add_func ("/history/kept-across-restart", test_history_kept_across_restart);
  g_test_add_func ("/history/large", test_history_large);
  g_test_add_func ("/history/damaged", test_history_damaged);
  g_test_add_func ("/history/in-use", test_history_in_use);
  g_test_add_func ("/history/full-disk", test_history_full_disk);

  return g_test_run ();
}

/* test-ipmsg-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window says of IP Messenger users, widget by widget under
 * Xvfb, with no application and no network: a message row sent in
 * parts, or not delivered; a person row in the sidebar; and the header
 * and attach button of a conversation in IP Messenger mode, whose chat
 * has no port (so it sends nothing, anywhere).
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tincan-conversation-view.h"
#include "tincan-gui-test-utils.h"
#include "tincan-message-row.h"
#include "tincan-person-row.h"
#include "tincan-store.h"
#include "tincan-test-utils.h"

/* @widget in a window of its own, on screen. */
static GtkWindow *
show_in_window (GtkWidget *widget)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 640, 480);
  gtk_window_set_child (window, widget);
  gtk_window_present (window);
  g_assert_true (tincan_test_wait_for (is_mapped, widget));

  return window;
}

static const char *
label_text (gpointer    widget,
            GType       type,
            const char *name)
{
  return gtk_label_get_text (child (widget, type, name));
}

static gboolean
shown (gpointer    widget,
       GType       type,
       const char *name)
{
  return gtk_widget_get_visible (GTK_WIDGET (child (widget, type, name)));
}

/* A long text went as two IPMsg messages: the row says so once it is
 * delivered, and not before; one part is just "Delivered".
 */
static void
test_message_row_parts (void)
{
  g_autoptr(TincanMessage) message = tincan_message_new_outgoing ("a long text", FALSE);
  g_autoptr(TincanMessage) short_one = tincan_message_new_outgoing ("short", FALSE);
  GtkWidget *row = tincan_message_row_new ();
  GtkWindow *window = show_in_window (row);

  tincan_message_set_n_parts (message, 2);
  tincan_message_row_set_message (TINCAN_MESSAGE_ROW (row), message);
  g_assert_cmpstr (label_text (row, TINCAN_TYPE_MESSAGE_ROW, "state_label"), ==, "Sending…");

  tincan_message_set_state (message, TINCAN_MESSAGE_DELIVERED, NULL);
  g_assert_cmpstr (label_text (row, TINCAN_TYPE_MESSAGE_ROW, "state_label"), ==,
                   "Delivered · sent in 2 parts");
  g_assert_false (shown (row, TINCAN_TYPE_MESSAGE_ROW, "retry_button"));

  /* The count can come after the state: the row follows it. */
  tincan_message_set_n_parts (message, 3);
  g_assert_cmpstr (label_text (row, TINCAN_TYPE_MESSAGE_ROW, "state_label"), ==,
                   "Delivered · sent in 3 parts");

  /* A recycled row, given a message that fit in one. */
  tincan_message_set_state (short_one, TINCAN_MESSAGE_DELIVERED, NULL);
  tincan_message_row_set_message (TINCAN_MESSAGE_ROW (row), short_one);
  g_assert_cmpstr (label_text (row, TINCAN_TYPE_MESSAGE_ROW, "state_label"), ==, "Delivered");

  gtk_window_destroy (window);
}

/* Not delivered, in parts or not: the reason, and Retry. */
static void
test_message_row_failed_parts (void)
{
  g_autoptr(TincanMessage) message = tincan_message_new_outgoing ("a long text", FALSE);
  GtkWidget *row = tincan_message_row_new ();
  GtkWindow *window = show_in_window (row);
  GtkWidget *state;

  tincan_message_set_n_parts (message, 2);
  tincan_message_set_state (message, TINCAN_MESSAGE_FAILED, "No answer after 5 tries");
  tincan_message_row_set_message (TINCAN_MESSAGE_ROW (row), message);

  state = child (row, TINCAN_TYPE_MESSAGE_ROW, "state_label");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (state)), ==, "Not delivered");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (state), ==, "No answer after 5 tries");
  g_assert_true (gtk_widget_has_css_class (state, "error"));
  g_assert_true (shown (row, TINCAN_TYPE_MESSAGE_ROW, "retry_button"));

  gtk_window_destroy (window);
}

/* Nearby, an IP Messenger user is marked where a Tin Can user is
 * "Nearby"; with a conversation, the mark stays under the last message.
 */
static void
test_person_row (void)
{
  g_autoptr(TincanPerson) ipmsg = tincan_person_new ("Taro", TINCAN_MODE_IPMSG);
  g_autoptr(TincanPerson) nearby = tincan_person_new ("Grace", TINCAN_MODE_RELIABLE);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *ipmsg_row = tincan_person_row_new ();
  GtkWidget *nearby_row = tincan_person_row_new ();
  GtkWindow *window;
  g_autofree char *folder = g_dir_make_tmp ("tincan-ipmsg-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(GSettings) gsettings = g_settings_new (BASE_ID);
  g_autoptr(TincanSettings) settings = tincan_settings_new (gsettings);
  g_autoptr(TincanChat) chat = NULL;

  gtk_box_append (GTK_BOX (box), ipmsg_row);
  gtk_box_append (GTK_BOX (box), nearby_row);
  window = show_in_window (box);

  g_object_set (ipmsg, "nearby", TRUE, "address", "192.168.1.20:2425", NULL);
  g_object_set (nearby, "nearby", TRUE, NULL);
  tincan_person_row_set_person (TINCAN_PERSON_ROW (ipmsg_row), ipmsg);
  tincan_person_row_set_person (TINCAN_PERSON_ROW (nearby_row), nearby);

  g_assert_cmpstr (label_text (ipmsg_row, TINCAN_TYPE_PERSON_ROW, "name_label"), ==, "Taro");
  g_assert_cmpstr (label_text (ipmsg_row, TINCAN_TYPE_PERSON_ROW, "last_label"), ==,
                   "IP Messenger · not encrypted");
  g_assert_false (shown (ipmsg_row, TINCAN_TYPE_PERSON_ROW, "kind_label"));
  g_assert_cmpstr (label_text (nearby_row, TINCAN_TYPE_PERSON_ROW, "last_label"), ==, "Nearby");
  g_assert_false (shown (nearby_row, TINCAN_TYPE_PERSON_ROW, "kind_label"));

  /* A conversation, and something said in it. */
  store = tincan_store_new (path, &error);
  g_assert_no_error (error);
  chat = tincan_chat_new_for_person (settings, store, NULL, NULL, 1);
  g_object_set (ipmsg, "chat", chat, "last-text", "こんにちは", NULL);
  g_assert_cmpstr (label_text (ipmsg_row, TINCAN_TYPE_PERSON_ROW, "last_label"), ==, "こんにちは");
  g_assert_true (shown (ipmsg_row, TINCAN_TYPE_PERSON_ROW, "kind_label"));
  g_assert_cmpstr (label_text (ipmsg_row, TINCAN_TYPE_PERSON_ROW, "kind_label"), ==,
                   "IP Messenger · not encrypted");

  /* A Tin Can person never has the mark. */
  g_object_set (nearby, "chat", chat, "last-text", "hello", NULL);
  g_assert_cmpstr (label_text (nearby_row, TINCAN_TYPE_PERSON_ROW, "last_label"), ==, "hello");
  g_assert_false (shown (nearby_row, TINCAN_TYPE_PERSON_ROW, "kind_label"));

  gtk_window_destroy (window);
  g_object_set (ipmsg, "chat", NULL, NULL);
  g_object_set (nearby, "chat", NULL, NULL);
  g_clear_object (&chat);
  g_clear_object (&store);
  tincan_test_remove_tree (folder);
}

/* The header of an IP Messenger conversation: not encrypted, with no
 * key to verify, and no files to attach, saying why.  Plain text and Tin
 * Can mode, for comparison, in the same view.
 */
static void
test_conversation_header (void)
{
  g_autofree char *folder = g_dir_make_tmp ("tincan-ipmsg-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(GSettings) gsettings = g_settings_new (BASE_ID);
  g_autoptr(TincanSettings) settings = tincan_settings_new (gsettings);
  g_autoptr(TincanChat) chat = NULL;
  GtkWidget *view = tincan_conversation_view_new ();
  GtkWindow *window;
  GtkWidget *attach;
  GtkWidget *encryption_box;
  AdwWindowTitle *title;

  store = tincan_store_new (path, &error);
  g_assert_no_error (error);
  chat = tincan_chat_new_for_person (settings, store, NULL, NULL, 1);
  tincan_chat_set_person_peer (chat, "192.168.1.20", TINCAN_IPMSG_PORT, TINCAN_MODE_IPMSG);

  tincan_conversation_view_set_settings (TINCAN_CONVERSATION_VIEW (view), settings);
  tincan_conversation_view_set_chat (TINCAN_CONVERSATION_VIEW (view), chat);
  window = show_in_window (view);

  title = child (view, TINCAN_TYPE_CONVERSATION_VIEW, "window_title");
  encryption_box = child (view, TINCAN_TYPE_CONVERSATION_VIEW, "encryption_box");
  g_assert_true (g_str_has_prefix (adw_window_title_get_subtitle (title), "IP Messenger · "));
  g_assert_true (gtk_widget_get_visible (encryption_box));
  g_assert_cmpstr (label_text (view, TINCAN_TYPE_CONVERSATION_VIEW, "encryption_label"), ==,
                   "Not encrypted");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (encryption_box), "IP Messenger"));
  g_assert_false (shown (view, TINCAN_TYPE_CONVERSATION_VIEW, "verified_image"));
  g_assert_false (gtk_revealer_get_reveal_child (child (view, TINCAN_TYPE_CONVERSATION_VIEW,
                                                        "key_changed_revealer")));
  g_assert_false (gtk_revealer_get_reveal_child (child (view, TINCAN_TYPE_CONVERSATION_VIEW,
                                                        "plain_revealer")));

  attach = child (child (view, TINCAN_TYPE_CONVERSATION_VIEW, "compose_box"),
                  TINCAN_TYPE_COMPOSE_BOX, "attach_button");
  g_assert_false (gtk_widget_is_sensitive (attach));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (attach), ==,
                   "IP Messenger users cannot be sent files by Tin Can");

  /* Plain text: the same mark, its own subtitle, no IPMsg words. */
  tincan_chat_set_person_peer (chat, "192.168.1.20", 4000, TINCAN_MODE_PLAIN);
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Plain text");
  g_assert_cmpstr (label_text (view, TINCAN_TYPE_CONVERSATION_VIEW, "encryption_label"), ==,
                   "Not encrypted");
  g_assert_null (gtk_widget_get_tooltip_text (encryption_box));
  g_assert_false (gtk_widget_is_sensitive (attach));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (attach), ==, "Send Files");

  tincan_conversation_view_set_chat (TINCAN_CONVERSATION_VIEW (view), NULL);
  gtk_window_destroy (window);
  g_clear_object (&chat);
  g_clear_object (&store);
  tincan_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  reset_settings ();

  g_test_add_func ("/ipmsg-window/message-row-parts", test_message_row_parts);
  g_test_add_func ("/ipmsg-window/message-row-failed-parts", test_message_row_failed_parts);
  g_test_add_func ("/ipmsg-window/person-row", test_person_row);
  g_test_add_func ("/ipmsg-window/conversation-header", test_conversation_header);

  return g_test_run ();
}

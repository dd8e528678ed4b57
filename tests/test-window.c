/* test-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window as a person meets it, under Xvfb, in the real application:
 * the welcome page, the conversation with a peer on loopback, and the
 * history.  Every test starts from default settings in the memory
 * GSettings backend.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <sys/stat.h>

#include "tincan-application.h"
#include "tincan-gui-test-utils.h"
#include "tincan-history.h"
#include "tincan-identity.h"
#include "tincan-store-private.h"
#include "tincan-link-private.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"
#include "tincan-message-row.h"
#include "tincan-peer-dialog.h"
#include "tincan-person-row.h"
#include "tincan-conversation-view.h"
#include "tincan-window.h"
#include "tincan-window-test-utils.h"

static void wait_encryption (GtkWindow  *window,
                             const char *text);

static void
welcome_without_peer (TincanApplication *app)
{
  GtkWindow *window;
  GtkStack *stack;
  AdwStatusPage *welcome;
  AdwWindowTitle *title;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_cmpstr (gtk_window_get_title (window), ==, "Tin Can");

  stack = child (window, TINCAN_TYPE_WINDOW, "stack");
  welcome = child (window, TINCAN_TYPE_WINDOW, "welcome_page");
  title = child (window, TINCAN_TYPE_WINDOW, "window_title");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "welcome");
  g_assert_true (tincan_test_wait_for (is_mapped, welcome));
  g_assert_cmpstr (adw_status_page_get_title (welcome), ==, "Welcome to Tin Can");
  g_assert_nonnull (strstr (adw_status_page_get_description (welcome), "no server"));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "No peer set up");

  /* Its button opens the peer dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL));
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (TINCAN_TYPE_PEER_DIALOG)));
}

static void
test_welcome_without_peer (void)
{
  reset_settings ();
  run_app (NULL, welcome_without_peer);
}



typedef struct
{
  GtkLabel   *label;
  const char *text;
} LabelQuery;

static gboolean
label_has (gpointer data)
{
  LabelQuery *query = data;

  return strstr (gtk_label_get_label (query->label), query->text) != NULL;
}

/* The chat's link is the new one, made for plain text. */
static gboolean
speaks_plain (gpointer chat)
{
  TincanLink *link = tincan_chat_get_link (chat);

  return link != NULL && tincan_link_get_mode (link) == TINCAN_MODE_PLAIN;
}

static gboolean
is_active (gpointer window)
{
  return gtk_window_is_active (window);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static gboolean
is_inactive (gpointer window)
{
  return !gtk_window_is_active (window);
}

static gboolean
has_notification (gpointer unused)
{
  return notifications->len > 0;
}

static void
chat_both_ways (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *compose = child (compose_box (window), TINCAN_TYPE_COMPOSE_BOX, "text_view");
  GtkWidget *placeholder = child (compose_box (window), TINCAN_TYPE_COMPOSE_BOX, "placeholder");
  GListModel *messages = tincan_chat_get_messages (tincan_application_get_chat (app));
  RowQuery mine = { window, "  hello, Grace\nsecond line", "Delivered" };
  RowQuery theirs = { window, "hello, app", NULL };
  GtkWidget *decoy;
  char *text;

  /* The message box has the keyboard from the start, and says what it is
   * for while it is empty.
   */
  g_assert_true (gtk_widget_is_focus (compose));
  g_assert_true (gtk_widget_get_visible (placeholder));
  set_compose_text (compose_box (window), "x");
  g_assert_false (gtk_widget_get_visible (placeholder));
  set_compose_text (compose_box (window), "");
  g_assert_true (gtk_widget_get_visible (placeholder));

  assert_compose_grows (compose_box (window));

  /* Shift+Enter and Ctrl+Enter are left to the text view: a new line. */
  g_assert_false (press_key (compose_box (window), GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_false (press_key (compose_box (window), GDK_KEY_KP_Enter, GDK_CONTROL_MASK));
  g_assert_false (press_key (compose_box (window), GDK_KEY_a, 0));

  wait_subtitle (window, "Grace · Online");
  g_assert_false (gtk_revealer_get_reveal_child (view_child (window, "plain_revealer")));

  /* Typed, with a pasted second line: sent as it is. */
  type_and_send (window, mine.text);
  g_assert_true (tincan_test_wait_for_length (peer.received, 1));
  g_assert_cmpstr (g_ptr_array_index (peer.received, 0), ==, mine.text);
  g_assert_cmpstr ((text = compose_text (compose_box (window))), ==, "");
  g_free (text);
  g_assert_true (tincan_test_wait_for (row_shown, &mine));

  /* Blank is not a message. */
  type_and_send (window, "  \n ");
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 1);
  g_assert_cmpstr ((text = compose_text (compose_box (window))), ==, "  \n ");
  g_free (text);
  set_compose_text (compose_box (window), "");

  /* Another window has the focus: the peer's message appears as a row
   * of its own, and as a notification.
   */
  decoy = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (decoy));
  g_assert_true (tincan_test_wait_for (is_inactive, window));
  g_ptr_array_set_size (notifications, 0);
  g_object_unref (tincan_link_send (peer.link, theirs.text, NULL));
  g_assert_true (tincan_test_wait_for (row_shown, &theirs));
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  g_assert_true (tincan_test_wait_for (has_notification, NULL));
  g_assert_cmpstr (((Notification *) g_ptr_array_index (notifications, 0))->id, ==, "new-message");
  g_assert_cmpstr (((Notification *) g_ptr_array_index (notifications, 0))->title, ==, "Grace");
  g_assert_cmpstr (((Notification *) g_ptr_array_index (notifications, 0))->body, ==, theirs.text);

  /* The sidebar counts it as unread while nobody looks; the notification
   * leads back to the person it names, and the count goes.
   */
  {
    Notification *n = g_ptr_array_index (notifications, 0);
    TincanPerson *grace = tincan_people_find_by_chat (tincan_application_get_people (app),
                                                      tincan_application_get_chat (app));
    GtkWidget *row = find_person_row (window, grace);

    g_assert_nonnull (row);
    g_assert_cmpuint (tincan_person_get_unread (grace), ==, 1);
    g_assert_true (gtk_widget_get_visible (child (row, TINCAN_TYPE_PERSON_ROW, "unread_label")));
    g_assert_cmpstr (gtk_label_get_text (child (row, TINCAN_TYPE_PERSON_ROW, "unread_label")), ==, "1");
    g_assert_cmpstr (gtk_label_get_text (child (row, TINCAN_TYPE_PERSON_ROW, "name_label")), ==, "Grace");
    g_assert_cmpstr (gtk_label_get_text (child (row, TINCAN_TYPE_PERSON_ROW, "last_label")), ==,
                     theirs.text);

    g_assert_cmpstr (n->action, ==, "app.open-person");
    g_assert_nonnull (n->target);
    g_assert_cmpint (g_variant_get_int64 (n->target), ==, tincan_person_get_id (grace));
    g_action_group_activate_action (G_ACTION_GROUP (app), "open-person", n->target);
    g_assert_true (selected_person (window) == grace);
    g_assert_true (tincan_conversation_view_get_chat (TINCAN_CONVERSATION_VIEW (conversation_view (window)))
                   == tincan_application_get_chat (app));
  }

  /* Ours again: messages raise no notification.  Without a window
   * manager the X server may move the focus on its own; the check counts
   * only if the window stayed active throughout.
   */
  gtk_window_destroy (GTK_WINDOW (decoy));
  gtk_window_present (window);
  g_assert_true (tincan_test_wait_for (is_active, window));
  {
    TincanPerson *grace = tincan_people_find_by_chat (tincan_application_get_people (app),
                                                      tincan_application_get_chat (app));

    /* Seen now: read. */
    g_assert_cmpuint (tincan_person_get_unread (grace), ==, 0);
    g_assert_false (gtk_widget_get_visible (child (find_person_row (window, grace),
                                                   TINCAN_TYPE_PERSON_ROW, "unread_label")));
  }
  tincan_test_run_for (300);
  {
    RowQuery later = { window, "seen it here", NULL };
    guint focus_changes = 0;
    gulong handler = g_signal_connect_swapped (window, "notify::is-active",
                                               G_CALLBACK (count_cb), &focus_changes);

    g_ptr_array_set_size (notifications, 0);
    g_object_unref (tincan_link_send (peer.link, later.text, NULL));
    g_assert_true (tincan_test_wait_for (row_shown, &later));
    tincan_test_run_for (300);
    g_signal_handler_disconnect (window, handler);

    if (focus_changes == 0 && gtk_window_is_active (window))
      g_assert_cmpuint (notifications->len, ==, 0);
    else
      g_test_message ("The focus moved during the check; not counted");
  }

  /* Plain text from the peer's address is not a message in Tin Can mode:
   * nothing vouches for it.  The window counts what it ignored and offers
   * to speak plain text, where it is shown, as unverified.
   */
  {
    g_autoptr(GSocket) netcat = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                              G_SOCKET_PROTOCOL_UDP, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) to = g_inet_socket_address_new (loopback, peer.app_port);
    g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
    RowQuery plain = { window, "from netcat", "Unverified" };
    RowQuery any = { window, "from netcat", NULL };
    GtkWidget *plain_revealer = view_child (window, "plain_revealer");
    GtkLabel *plain_label = view_child (window, "plain_label");
    LabelQuery three = { plain_label, "3 messages that are not Tin Can were ignored." };
    guint n_messages = g_list_model_get_n_items (messages);

    g_assert_cmpint (g_socket_send_to (netcat, to, "from netcat\n", 12, NULL, NULL), ==, 12);
    g_assert_true (tincan_test_wait_for (revealed, plain_revealer));
    g_assert_nonnull (strstr (gtk_label_get_label (plain_label),
                              "1 message that is not Tin Can was ignored."));
    for (guint i = 0; i < 2; i++)
      g_assert_cmpint (g_socket_send_to (netcat, to, "from netcat\n", 12, NULL, NULL), ==, 12);
    g_assert_true (tincan_test_wait_for (label_has, &three));
    g_assert_null (find_row (&any));
    g_assert_cmpuint (g_list_model_get_n_items (messages), ==, n_messages);

    g_signal_emit_by_name (view_child (window, "use_plain_button"), "clicked");
    g_assert_cmpint (g_settings_get_enum (settings, "mode"), ==, TINCAN_MODE_PLAIN);
    g_assert_true (tincan_test_wait_for (hidden, plain_revealer));
    wait_subtitle (window, "· Plain text");
    g_assert_true (tincan_test_wait_for (speaks_plain, tincan_application_get_chat (app)));

    g_assert_cmpint (g_socket_send_to (netcat, to, "from netcat\n", 12, NULL, NULL), ==, 12);
    g_assert_true (tincan_test_wait_for (row_shown, &plain));
    g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (plain_revealer)));
    wait_encryption (window, "Not encrypted");
    g_assert_false (gtk_widget_get_visible (view_child (window, "verified_image")));
  }
}

static void
test_chat_both_ways (void)
{
  peer_open ();
  run_app (NULL, chat_both_ways);
  peer_close ();
}


static void
chat_failed_and_retry (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanLink *link = tincan_chat_get_link (tincan_application_get_chat (app));
  RowQuery waiting = { window, "are you there?", "Waiting for Grace" };
  RowQuery failed = { window, "are you there?", "Not delivered" };
  RowQuery delivered = { window, "are you there?", "Delivered" };
  GtkWidget *row, *retry, *cancel;

  wait_subtitle (window, "Grace · Online");

  /* Nothing the app sends gets out: at the give-up time the message
   * waits for Grace, it does not fail.
   */
  tincan_link_set_give_up_time (link, 1 * G_USEC_PER_SEC);
  tincan_link_set_filter (link, drop_everything, NULL);
  type_and_send (window, failed.text);

  g_assert_true (tincan_test_wait_for (row_shown, &waiting));
  row = find_row (&waiting);
  cancel = child (row, TINCAN_TYPE_MESSAGE_ROW, "cancel_button");
  retry = child (row, TINCAN_TYPE_MESSAGE_ROW, "retry_button");
  g_assert_true (gtk_widget_get_mapped (cancel));
  g_assert_false (gtk_widget_get_visible (retry));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (child (row, TINCAN_TYPE_MESSAGE_ROW, "state_label")),
                   ==, "It goes by itself when they are back");

  /* Cancelled, it fails, and says so. */
  g_signal_emit_by_name (cancel, "clicked");
  g_assert_true (tincan_test_wait_for (row_shown, &failed));
  row = find_row (&failed);
  retry = child (row, TINCAN_TYPE_MESSAGE_ROW, "retry_button");
  g_assert_true (gtk_widget_get_mapped (retry));
  g_assert_false (gtk_widget_get_visible (child (row, TINCAN_TYPE_MESSAGE_ROW, "cancel_button")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (child (row, TINCAN_TYPE_MESSAGE_ROW, "state_label")),
                   ==, "Cancelled");
  g_assert_cmpuint (peer.received->len, ==, 0);

  /* The network is back; Retry delivers it, once. */
  tincan_link_set_filter (link, NULL, NULL);
  tincan_link_set_give_up_time (link, 20 * G_USEC_PER_SEC);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_true (tincan_test_wait_for (row_shown, &delivered));
  g_assert_true (tincan_test_wait_for_length (peer.received, 1));
  g_assert_cmpstr (g_ptr_array_index (peer.received, 0), ==, failed.text);
  g_assert_false (gtk_widget_get_visible (child (find_row (&delivered), TINCAN_TYPE_MESSAGE_ROW,
                                                 "retry_button")));

  /* The peer goes away: the next message finds nobody listening. */
  g_clear_object (&peer.link);
  type_and_send (window, "still there?");
  wait_subtitle (window, "· Not listening");
}

static gboolean
subtitle_starts_with (gpointer data)
{
  gpointer *args = data;
  const char *subtitle = adw_action_row_get_subtitle (args[0]);

  return subtitle != NULL && g_str_has_prefix (subtitle, args[1]);
}

static void
test_and_expect (TincanPeerDialog *dialog,
                 const char       *prefix)
{
  gpointer args[2] = { child (dialog, TINCAN_TYPE_PEER_DIALOG, "test_row"), (gpointer) prefix };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "peer.test", NULL));
  if (!tincan_test_wait_for (subtitle_starts_with, args))
    g_error ("The test said “%s”, not “%s…”", adw_action_row_get_subtitle (args[0]), prefix);
}

static void
chat_test_connection (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanPeerDialog *dialog;
  GtkWidget *test_button;

  wait_subtitle (window, "Grace · Online");
  dialog = open_peer_dialog (app);
  test_button = child (dialog, TINCAN_TYPE_PEER_DIALOG, "test_button");

  test_and_expect (dialog, "Tin Can answered in ");

  /* The peer's firewall drops everything. */
  tincan_link_set_filter (peer.link, drop_everything, NULL);
  test_and_expect (dialog, "Nothing answered. Check that Tin Can runs on the other computer");
  tincan_link_set_filter (peer.link, NULL, NULL);

  /* Nobody there at all. */
  g_clear_object (&peer.link);
  test_and_expect (dialog, "Nothing is listening on port ");

  /* Unsaved changes cannot be tested through the running link. */
  set_field (dialog, "peer_port_row", "9");
  g_assert_false (gtk_widget_get_sensitive (test_button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (test_button), ==, "Save the changes to test them");
}

static void
test_chat_test_connection (void)
{
  peer_open ();
  run_app (NULL, chat_test_connection);
  peer_close ();
}

static gboolean
peer_link_online (gpointer unused)
{
  return tincan_link_get_presence (peer.link) == TINCAN_PRESENCE_ONLINE;
}

static GtkWidget *
newest_row (GtkWindow *window)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *newest = NULL;
  gint64 newest_time = 0;

  collect_rows (view_child (window, "list_view"), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      TincanMessage *message = tincan_message_row_get_message (g_ptr_array_index (rows, i));

      if (message != NULL && gtk_widget_get_mapped (g_ptr_array_index (rows, i))
          && tincan_message_get_time (message) >= newest_time)
        {
          newest_time = tincan_message_get_time (message);
          newest = g_ptr_array_index (rows, i);
        }
    }

  return newest;
}

static gboolean
n_messages_is (gpointer data)
{
  gpointer *args = data;

  return g_list_model_get_n_items (args[0]) >= GPOINTER_TO_UINT (args[1]);
}

static void
chat_long_message_and_scrolling (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GListModel *messages = tincan_chat_get_messages (tincan_application_get_chat (app));
  GtkScrolledWindow *scroller = view_child (window, "scroller");
  GtkWidget *new_messages = view_child (window, "new_messages_button");
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  g_autofree char *long_text = g_strnfill (TINCAN_MESSAGE_ROW_INLINE_CHARS - 500, 'w');
  gpointer count[2] = { messages, NULL };
  GtkWidget *row, *more;
  GtkLabel *label;

  wait_subtitle (window, "Grace · Online");
  g_assert_true (tincan_test_wait_for (peer_link_online, NULL));

  /* A long message shows its start, and all of it on request. */
  g_object_unref (tincan_link_send (peer.link, long_text, NULL));
  count[1] = GUINT_TO_POINTER (1);
  g_assert_true (tincan_test_wait_for (n_messages_is, count));
  tincan_test_run_for (200);
  row = newest_row (window);
  g_assert_nonnull (row);
  more = child (row, TINCAN_TYPE_MESSAGE_ROW, "more_button");
  label = child (row, TINCAN_TYPE_MESSAGE_ROW, "text_label");
  g_assert_true (gtk_widget_get_visible (more));
  g_assert_cmpuint (g_utf8_strlen (gtk_label_get_text (label), -1), ==, 1201);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (more), TRUE);
  g_assert_cmpstr (gtk_label_get_text (label), ==, long_text);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (more), FALSE);

  /* Enough to scroll; the list follows while at the bottom. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);

      g_object_unref (tincan_link_send (peer.link, text, NULL));
    }
  count[1] = GUINT_TO_POINTER (41);
  g_assert_true (tincan_test_wait_for (n_messages_is, count));
  tincan_test_run_for (300);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment),
                     >=, gtk_adjustment_get_upper (adjustment) - 8);
  g_assert_false (gtk_widget_get_visible (new_messages));

  /* Scrolled up to read: a new message does not move the view, and a
   * button offers the way down.
   */
  gtk_adjustment_set_value (adjustment, 0);
  tincan_test_run_for (100);
  g_object_unref (tincan_link_send (peer.link, "while you were reading", NULL));
  count[1] = GUINT_TO_POINTER (42);
  g_assert_true (tincan_test_wait_for (n_messages_is, count));
  tincan_test_run_for (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
  g_assert_true (gtk_widget_get_visible (new_messages));

  g_signal_emit_by_name (new_messages, "clicked");
  tincan_test_run_for (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment),
                     >=, gtk_adjustment_get_upper (adjustment) - 8);
  g_assert_false (gtk_widget_get_visible (new_messages));
}

static void
test_chat_long_message_and_scrolling (void)
{
  peer_open ();
  run_app (NULL, chat_long_message_and_scrolling);
  peer_close ();
}

static void
test_chat_failed_and_retry (void)
{
  peer_open ();
  run_app (NULL, chat_failed_and_retry);
  peer_close ();
}

static void
chat_port_in_use (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *revealer = view_child (window, "error_revealer");
  GtkLabel *label = view_child (window, "error_label");
  g_autofree char *expected = g_strdup_printf ("UDP port %u is already in use by another program",
                                               peer.app_port);
  g_autofree char *port_text = NULL;
  TincanPeerDialog *dialog;
  TincanLink *link;
  guint16 free_port;

  g_assert_true (tincan_test_wait_for (revealed, revealer));
  g_assert_cmpstr (gtk_label_get_text (label), ==, expected);

  /* Long text fits in the message box, up to a message's mebibyte; more
   * is refused whole, with a reason, not cut.
   */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (child (compose_box (window),
                                                             TINCAN_TYPE_COMPOSE_BOX, "text_view"));
    GtkWidget *box = child (compose_box (window), TINCAN_TYPE_COMPOSE_BOX, "scroller");
    g_autofree char *long_text = g_strnfill (70000, 'l');
    g_autofree char *most = g_strnfill (TINCAN_WIRE_MAX_MESSAGE - 2, 'm');
    g_autofree char *typed = NULL;

    gtk_text_buffer_insert_at_cursor (buffer, long_text, -1);
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 70000);
    set_compose_text (compose_box (window), "");

    gtk_text_buffer_insert_at_cursor (buffer, most, -1);
    gtk_text_buffer_insert_at_cursor (buffer, "é", -1);      /* 2 bytes: exactly 1 MiB */
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, TINCAN_WIRE_MAX_MESSAGE - 1);
    g_assert_false (gtk_widget_has_css_class (box, "error"));
    gtk_text_buffer_insert_at_cursor (buffer, "!", -1);      /* one byte more */
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, TINCAN_WIRE_MAX_MESSAGE - 1);
    g_assert_true (gtk_widget_has_css_class (box, "error"));
    set_compose_text (compose_box (window), "");

    /* What was typed stays typed. */
    type_and_send (window, "anyone?");
    typed = compose_text (compose_box (window));
    g_assert_cmpstr (typed, ==, "anyone?");
  }

  /* The dialog will not save a port in use either, and says why. */
  dialog = open_peer_dialog (app);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "peer.save", NULL);
  assert_field_error (dialog, "local_port_row", "local_port_error", expected);
  g_assert_true (find_toplevel (TINCAN_TYPE_PEER_DIALOG) == (gpointer) dialog);

  /* A free port: saved, applied at once, and the error is gone. */
  free_port = tincan_test_unused_port ();
  port_text = g_strdup_printf ("%u", free_port);
  set_field (dialog, "local_port_row", port_text);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "peer.save", NULL);
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));
  g_assert_true (tincan_test_wait_for (hidden, revealer));
  link = tincan_chat_get_link (tincan_application_get_chat (app));
  g_assert_nonnull (link);
  g_assert_cmpuint (tincan_link_get_local_port (link), ==, free_port);
}

static void
test_chat_port_in_use (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanLink) squatter = NULL;

  peer_open ();
  squatter = tincan_link_new (peer.app_port, TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);

  run_app (NULL, chat_port_in_use);
  peer_close ();
}

/* A peer on an older Tin Can: every datagram it sends says version 2. */
static gboolean
speak_version_2 (TincanLink   *link,
                 const guint8 *datagram,
                 gsize         length,
                 gpointer      user_data)
{
  static guint8 old[TINCAN_WIRE_MAX_DATAGRAM];

  memcpy (old, datagram, length);
  old[2] = 2;
  tincan_link_send_raw (link, old, length);

  return FALSE;
}

static void
chat_other_version (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *revealer = view_child (window, "error_revealer");
  GtkLabel *label = view_child (window, "error_label");
  g_autofree char *expected = g_strdup_printf ("The other computer runs an older Tin Can "
                                               "(protocol 2, this one speaks %u): it needs updating",
                                               TINCAN_WIRE_VERSION);

  g_assert_true (tincan_test_wait_for (revealed, revealer));
  g_assert_cmpstr (gtk_label_get_text (label), ==,
                   "The other computer runs an older Tin Can (protocol 2, this one speaks "
                   G_STRINGIFY (TINCAN_WIRE_VERSION) "): it needs updating");
  g_assert_cmpuint (tincan_chat_get_presence (tincan_application_get_chat (app)), !=, TINCAN_PRESENCE_ONLINE);

  /* It is updated: its next hello is heard, and the bar goes. */
  tincan_link_set_filter (peer.link, NULL, NULL);
  wait_subtitle (window, "Grace · Online");
  g_assert_true (tincan_test_wait_for (hidden, revealer));
}

static void
test_chat_other_version (void)
{
  peer_open ();
  tincan_link_set_filter (peer.link, speak_version_2, NULL);
  run_app (NULL, chat_other_version);
  peer_close ();
}

static gint64 quit_started;

static void
chat_goodbye_on_quit (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  RowQuery theirs = { window, "see you", NULL };

  wait_subtitle (window, "Grace · Online");
  g_object_unref (tincan_link_send (peer.link, theirs.text, NULL));
  g_assert_true (tincan_test_wait_for (row_shown, &theirs));
  g_assert_cmpint (tincan_link_get_presence (peer.link), ==, TINCAN_PRESENCE_ONLINE);

  quit_started = g_get_monotonic_time ();
}

/* Quitting says goodbye: the peer shows the app offline at once, and the
 * app, having received a message, lingers a while, windowless, in case
 * its last acknowledgement was lost.
 */
static void
test_chat_goodbye_on_quit (void)
{
  gint64 took;

  peer_open ();
  run_app (NULL, chat_goodbye_on_quit);
  took = g_get_monotonic_time () - quit_started;

  g_assert_cmpint (tincan_link_get_presence (peer.link), ==, TINCAN_PRESENCE_OFFLINE);
  g_assert_cmpint (took, >=, TINCAN_LINK_LINGER_MS * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (took, <, 5 * TINCAN_LINK_LINGER_MS * G_TIME_SPAN_MILLISECOND);
  peer_close ();
}

static void
test_markup_is_text (void)
{
  g_autofree char *plain = tincan_message_markup ("<b>not bold</b> & co");
  g_autofree char *link = tincan_message_markup ("see https://example.org/a?b=1&c=2. ok");

  g_assert_cmpstr (plain, ==, "&lt;b&gt;not bold&lt;/b&gt; &amp; co");
  g_assert_cmpstr (link, ==,
                   "see <a href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a>. ok");
}

/* End-to-end encryption: trust on first use, a changed key, verifying */

static gboolean
label_says (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (gtk_label_get_text (args[0]), args[1]) == 0;
}

static void
wait_label (GtkLabel   *label,
            const char *text)
{
  gpointer args[2] = { label, (gpointer) text };

  if (!tincan_test_wait_for (label_says, args))
    g_error ("The label says “%s”, not “%s”", gtk_label_get_text (label), text);
}

static void
wait_encryption (GtkWindow  *window,
                 const char *text)
{
  wait_label (view_child (window, "encryption_label"), text);
}

static gboolean
is_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

/* The key the app pinned for the test's peer, the person at its
 * address, from its history on disk.
 */
static gboolean
pinned_key (const char *history,
            guint8     *key,
            gboolean   *verified)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) store = tincan_store_new (history, &error);
  gboolean found;
  gint64 id;

  g_assert_no_error (error);
  id = tincan_store_find_person_by_address (store, "127.0.0.1", peer.peer_port,
                                            TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  found = tincan_store_get_person_key (store, id, key, verified, &error);
  g_assert_no_error (error);

  return found;
}

/* The app's own public key, from the identity file next to @history. */
static TincanIdentity *
app_identity (const char *history)
{
  g_autofree char *folder = g_path_get_dirname (history);
  g_autofree char *path = g_build_filename (folder, "identity", NULL);
  g_autoptr(GError) error = NULL;
  TincanIdentity *identity = tincan_identity_load (path, &error);

  g_assert_no_error (error);
  g_assert_false (tincan_identity_get_created (identity));

  return identity;
}

static const char *tofu_history;

static void
chat_trust_on_first_use (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanChat *chat = tincan_application_get_chat (app);
  g_autoptr(TincanIdentity) identity = app_identity (tofu_history);
  g_autofree char *expected = NULL;
  g_autofree char *number = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *peer_fingerprint = NULL;
  g_autofree char *expected_peer = NULL;

  wait_subtitle (window, "Grace · Online");
  wait_encryption (window, "Encrypted");
  g_assert_true (tincan_chat_get_encrypted (chat));
  g_assert_false (tincan_chat_get_key_changed (chat));
  g_assert_false (tincan_chat_get_verified (chat));
  g_assert_false (gtk_widget_get_visible (view_child (window, "verified_image")));

  /* Both sides work out the same safety number. */
  expected = tincan_key_format_safety_number (tincan_link_get_public_key (peer.link),
                                              tincan_identity_get_public_key (identity));
  number = tincan_chat_dup_safety_number (chat);
  g_assert_cmpstr (number, ==, expected);
  fingerprint = tincan_identity_dup_fingerprint (identity);
  g_assert_cmpstr (tincan_chat_get_own_fingerprint (chat), ==, fingerprint);
  peer_fingerprint = tincan_chat_dup_peer_fingerprint (chat);
  expected_peer = tincan_key_format_fingerprint (tincan_link_get_public_key (peer.link));
  g_assert_cmpstr (peer_fingerprint, ==, expected_peer);
  /* The app holds the history: the pinned key is read after the run. */
}

static void
test_chat_trust_on_first_use (void)
{
  guint8 key[TINCAN_IDENTITY_KEY_SIZE];
  gboolean verified = TRUE;

  tofu_history = use_fixed_history ();
  peer_open ();
  run_app (NULL, chat_trust_on_first_use);

  g_assert_true (pinned_key (tofu_history, key, &verified));
  g_assert_cmpmem (key, sizeof key, tincan_link_get_public_key (peer.link), TINCAN_IDENTITY_KEY_SIZE);
  g_assert_false (verified);

  peer_close ();
  drop_fixed_history ();
}

static const char *changed_history;

static gboolean
has_message_dialog (gpointer unused)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
chat_key_changed (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanChat *chat = tincan_application_get_chat (app);
  GtkWidget *bar = view_child (window, "key_changed_revealer");
  g_autoptr(TincanIdentity) identity = app_identity (changed_history);
  RowQuery impostor = { window, "it is me, honest", NULL };
  RowQuery waiting = { window, "is that you?", "Sending…" };
  RowQuery delivered = { window, "is that you?", "Delivered" };
  g_autofree char *new_number = NULL;
  TincanPeerDialog *dialog;
  AdwMessageDialog *confirm;

  wait_subtitle (window, "Grace · Online");
  wait_encryption (window, "Encrypted");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));

  /* Another Tin Can, with another identity, answers on the same address. */
  peer_replace (NULL);
  g_assert_true (tincan_test_wait_for (revealed, bar));
  g_assert_true (tincan_chat_get_key_changed (chat));
  new_number = tincan_key_format_safety_number (tincan_link_get_public_key (peer.link),
                                                tincan_identity_get_public_key (identity));
  {
    g_autofree char *number = tincan_chat_dup_new_safety_number (chat);

    g_assert_cmpstr (number, ==, new_number);
  }

  /* Nothing from it is shown, and nothing is sent to it: what is typed
   * waits.
   */
  g_object_unref (tincan_link_send (peer.link, impostor.text, NULL));
  type_and_send (window, waiting.text);
  tincan_test_run_for (1500);
  g_assert_null (find_row (&impostor));
  g_assert_nonnull (find_row (&waiting));
  g_assert_cmpuint (peer.received->len, ==, 0);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (bar)));

  /* Compare Safety Numbers opens the peer dialog, showing the new one. */
  g_signal_emit_by_name (view_child (window, "compare_button"), "clicked");
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type,
                                       GSIZE_TO_POINTER (TINCAN_TYPE_PEER_DIALOG)));
  dialog = find_toplevel (TINCAN_TYPE_PEER_DIALOG);
  g_assert_true (tincan_test_wait_for (is_mapped, child (dialog, TINCAN_TYPE_PEER_DIALOG,
                                                         "safety_number_label")));
  g_assert_cmpstr (gtk_label_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "safety_number_title")),
                   ==, "New Safety Number");
  {
    g_autofree char *shown = g_strdup (gtk_label_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG,
                                                                  "safety_number_label")));

    g_strdelimit (shown, "\n", ' ');
    g_assert_cmpstr (shown, ==, new_number);
  }
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (tincan_test_wait_for (dialog_closed, NULL));

  /* Accept New Key asks first; Cancel changes nothing. */
  g_signal_emit_by_name (view_child (window, "accept_key_button"), "clicked");
  g_assert_true (tincan_test_wait_for (has_message_dialog, NULL));
  confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (confirm, "cancel");
  tincan_test_run_for (300);
  g_assert_true (tincan_chat_get_key_changed (chat));

  g_signal_emit_by_name (view_child (window, "accept_key_button"), "clicked");
  g_assert_true (tincan_test_wait_for (has_message_dialog, NULL));
  confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (confirm, "accept");

  /* Accepted: what waited goes both ways, once. */
  g_assert_true (tincan_test_wait_for (hidden, bar));
  g_assert_true (tincan_test_wait_for (row_shown, &delivered));
  g_assert_true (tincan_test_wait_for (row_shown, &impostor));
  g_assert_true (tincan_test_wait_for_length (peer.received, 1));
  g_assert_cmpstr (g_ptr_array_index (peer.received, 0), ==, waiting.text);
  wait_encryption (window, "Encrypted");
  g_assert_false (tincan_chat_get_verified (chat));
}

static void
test_chat_key_changed (void)
{
  guint8 key[TINCAN_IDENTITY_KEY_SIZE];
  gboolean verified = TRUE;

  changed_history = use_fixed_history ();
  peer_open ();
  run_app (NULL, chat_key_changed);

  /* The new key is pinned in place of the old, not verified. */
  g_assert_true (pinned_key (changed_history, key, &verified));
  g_assert_cmpmem (key, sizeof key, tincan_link_get_public_key (peer.link), TINCAN_IDENTITY_KEY_SIZE);
  g_assert_false (verified);

  peer_close ();
  drop_fixed_history ();
}

static const guint8 grace_key[TINCAN_IDENTITY_KEY_SIZE] = {
  0x48, 0x21, 0x9a, 0x07, 0x5e, 0xc3, 0x11, 0x6d, 0x90, 0x3f, 0xb2, 0x44, 0x7a, 0x18, 0xe5, 0x2c,
  0x61, 0xd9, 0x03, 0x8b, 0x37, 0xf0, 0x5a, 0xc6, 0x29, 0x84, 0x1e, 0x73, 0xbd, 0x06, 0x95, 0x52,
};

static void
chat_mark_verified (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanChat *chat = tincan_application_get_chat (app);
  GtkWidget *mark = view_child (window, "verified_image");
  TincanPeerDialog *dialog;
  GtkButton *button;
  g_autofree char *number = NULL;
  g_autofree char *shown = NULL;

  wait_subtitle (window, "Grace · Online");
  wait_encryption (window, "Encrypted");
  g_assert_false (gtk_widget_get_visible (mark));

  dialog = open_peer_dialog (app);
  button = child (dialog, TINCAN_TYPE_PEER_DIALOG, "verify_button");
  g_assert_cmpstr (gtk_label_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "own_fingerprint_label")),
                   ==, tincan_chat_get_own_fingerprint (chat));
  g_assert_false (gtk_widget_get_visible (child (dialog, TINCAN_TYPE_PEER_DIALOG, "plain_row")));

  /* In groups of five, four to a line. */
  number = tincan_chat_dup_safety_number (chat);
  shown = g_strdup (gtk_label_get_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, "safety_number_label")));
  g_assert_cmpuint (strlen (shown), ==, 12 * 5 + 11);
  g_assert_cmpint (shown[23], ==, '\n');
  g_assert_true (gtk_label_get_selectable (child (dialog, TINCAN_TYPE_PEER_DIALOG, "safety_number_label")));
  g_strdelimit (shown, "\n", ' ');
  g_assert_cmpstr (shown, ==, number);

  g_assert_cmpstr (gtk_button_get_label (button), ==, "_Mark as Verified");
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (tincan_test_wait_for (is_visible, mark));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (mark), ==, "Verified");
  g_assert_true (tincan_chat_get_verified (chat));
  g_assert_cmpstr (gtk_button_get_label (button), ==, "Verified");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (button)));

  gtk_window_close (GTK_WINDOW (dialog));
}

static void
chat_still_verified (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  wait_subtitle (window, "Grace · Online");
  wait_encryption (window, "Encrypted");
  g_assert_true (tincan_test_wait_for (is_visible, view_child (window, "verified_image")));
}

static void
test_chat_mark_verified (void)
{
  const char *history = use_fixed_history ();
  guint8 key[TINCAN_IDENTITY_KEY_SIZE];
  gboolean verified = FALSE;
  guint16 port;

  peer_open ();
  port = peer.peer_port;
  peer_replace (grace_key);
  run_app (NULL, chat_mark_verified);
  peer_close ();

  /* On the disk, */
  g_assert_true (pinned_key (history, key, &verified));
  g_assert_true (verified);

  /* and the next time Grace answers, with the same key. */
  peer_open_full (grace_key, port);
  run_app (NULL, chat_still_verified);
  peer_close ();

  drop_fixed_history ();
}

static void
chat_damaged_identity (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *revealer = view_child (window, "error_revealer");
  GtkLabel *label = view_child (window, "error_label");

  g_assert_true (tincan_test_wait_for (revealed, revealer));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "identity"));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "left as it is"));
  g_assert_cmpstr (gtk_label_get_text (view_child (window, "encryption_label")),
                   ==, "Not encrypted");
  g_assert_false (tincan_chat_has_link (tincan_application_get_chat (app)));
}

static void
test_chat_damaged_identity (void)
{
  const char *history = use_fixed_history ();
  g_autofree char *folder = g_path_get_dirname (history);
  g_autofree char *path = g_build_filename (folder, "identity", NULL);
  g_autofree char *after = NULL;
  const char *garbage = "tincan-identity 1\nprivate nonsense\n";
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, garbage, -1, &error));
  g_assert_no_error (error);
  g_assert_no_errno (chmod (path, 0600));

  peer_open ();
  run_app (NULL, chat_damaged_identity);
  peer_close ();

  /* Nothing overwrote it. */
  g_assert_true (g_file_get_contents (path, &after, NULL, &error));
  g_assert_cmpstr (after, ==, garbage);

  drop_fixed_history ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  start_notification_server ();

  g_test_add_func ("/window/welcome-without-peer", test_welcome_without_peer);
  g_test_add_func ("/chat/both-ways", test_chat_both_ways);
  g_test_add_func ("/chat/failed-and-retry", test_chat_failed_and_retry);
  g_test_add_func ("/chat/port-in-use", test_chat_port_in_use);
  g_test_add_func ("/chat/other-version", test_chat_other_version);
  g_test_add_func ("/chat/test-connection", test_chat_test_connection);
  g_test_add_func ("/chat/long-message-and-scrolling", test_chat_long_message_and_scrolling);
  g_test_add_func ("/chat/markup-is-text", test_markup_is_text);
  g_test_add_func ("/chat/trust-on-first-use", test_chat_trust_on_first_use);
  g_test_add_func ("/chat/key-changed", test_chat_key_changed);
  g_test_add_func ("/chat/mark-verified", test_chat_mark_verified);
  g_test_add_func ("/chat/damaged-identity", test_chat_damaged_identity);
  g_test_add_func ("/chat/goodbye-on-quit", test_chat_goodbye_on_quit);

  return g_test_run ();
}

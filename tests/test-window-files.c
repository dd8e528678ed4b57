/* test-window-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files in the window, under Xvfb, in the real application with a peer
 * on loopback: the attach button only where files can go, files dropped
 * on the conversation or pasted into the message box each sent, what
 * could not be sent said in a toast, file rows in the conversation with
 * their buttons acting on the chat, Show in Folder through the file
 * manager's D-Bus interface, and the notification naming the file.
 *
 * The transfers here are set up by the test: moving bytes is the files
 * engine's, tested on its own and end to end in test-files-end-to-end.c.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tincan-application.h"
#include "tincan-chat-internal.h"
#include "tincan-conversation-files.h"
#include "tincan-conversation-view.h"
#include "tincan-file-row.h"
#include "tincan-gui-test-utils.h"
#include "tincan-test-utils.h"
#include "tincan-window-test-utils.h"

#define ID_OUT "0123456789abcdef0123456789abcdef"
#define ID_IN  "fedcba9876543210fedcba9876543210"

/* What the view asked of the chat, through the functions the test gave
 * it in place of the chat's own.
 */
static GPtrArray  *sent;        /* char *: each file's base name */
static TincanChat *sent_to;
static GPtrArray  *asked;       /* char *: "accept ID", "cancel ID" */
static GPtrArray  *made;        /* TincanMessage: what record_send_file() returned */

static TincanMessage *
record_send_file (TincanChat  *chat,
                  GFile       *file,
                  GError     **error)
{
  g_autoptr(TincanTransfer) transfer = NULL;
  TincanMessage *message;
  g_autofree char *name = g_file_get_basename (file);

  g_ptr_array_add (sent, g_strdup (name));
  sent_to = chat;

  transfer = tincan_transfer_new (ID_OUT, TRUE, name, 10);
  message = tincan_message_new_outgoing (name, FALSE);
  tincan_message_set_transfer (message, transfer);
  /* (transfer none), as the chat's: the model keeps it. */
  g_ptr_array_add (made, message);
  return message;
}

static gboolean
record_accept_file (TincanChat     *chat,
                    TincanMessage  *message,
                    GError        **error)
{
  g_ptr_array_add (asked, g_strconcat ("accept ",
                                       tincan_transfer_get_id (tincan_message_get_transfer (message)),
                                       NULL));
  return TRUE;
}

static gboolean
record_cancel_file (TincanChat     *chat,
                    TincanMessage  *message,
                    GError        **error)
{
  g_ptr_array_add (asked, g_strconcat ("cancel ",
                                       tincan_transfer_get_id (tincan_message_get_transfer (message)),
                                       NULL));
  return TRUE;
}

static const TincanConversationFilesFuncs recording = {
  record_send_file, record_accept_file, record_cancel_file,
};

static TincanMessage *
refuse_send_file (TincanChat  *chat,
                  GFile       *file,
                  GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "refused by the test");
  return NULL;
}

static gboolean
refuse_file (TincanChat     *chat,
             TincanMessage  *message,
             GError        **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "refused by the test");
  return FALSE;
}

static const TincanConversationFilesFuncs refusing = {
  refuse_send_file, refuse_file, refuse_file,
};

/* The file manager, as org.freedesktop.FileManager1 on the test's bus. */
static GPtrArray *shown_items;  /* char *: each URI ShowItems was given */

static void
file_manager_method_cb (GDBusConnection       *connection,
                        const char            *sender,
                        const char            *object_path,
                        const char            *interface_name,
                        const char            *method_name,
                        GVariant              *parameters,
                        GDBusMethodInvocation *invocation,
                        gpointer               user_data)
{
  if (g_str_equal (method_name, "ShowItems"))
    {
      g_autofree const char **uris = NULL;

      g_variant_get (parameters, "(^a&s&s)", &uris, NULL);
      for (guint i = 0; uris[i] != NULL; i++)
        g_ptr_array_add (shown_items, g_strdup (uris[i]));
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_file_manager (void)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.FileManager1'>"
    "<method name='ShowItems'><arg type='as' direction='in'/>"
    "<arg type='s' direction='in'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { file_manager_method_cb };

  shown_items = g_ptr_array_new_with_free_func (g_free);
  own_fake_service (xml, "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1", &vtable);
}

/* Looking at the window */

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GtkWindow  *window;
  const char *text;
} ToastQuery;

/* A toast saying @text is on screen. */
static gboolean
toast_shown (gpointer data)
{
  ToastQuery *query = data;

  return find_label (view_child (query->window, "toast_overlay"), query->text) != NULL;
}

static void
assert_toast (GtkWindow  *window,
              const char *text)
{
  ToastQuery query = { window, text };

  if (!tincan_test_wait_for (toast_shown, &query))
    g_error ("No toast says “%s”", text);
}

static void
collect_file_rows (GtkWidget *widget,
                   GPtrArray *rows)
{
  if (TINCAN_IS_FILE_ROW (widget))
    g_ptr_array_add (rows, widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_file_rows (c, rows);
}

typedef struct
{
  GtkWindow  *window;
  const char *name;
  const char *state;   /* what its state label says, or NULL for any */
} FileQuery;

static GtkWidget *
find_file_row (FileQuery *query)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_file_rows (view_child (query->window, "list_view"), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      GtkLabel *name = child (row, TINCAN_TYPE_FILE_ROW, "name_label");
      GtkLabel *state = child (row, TINCAN_TYPE_FILE_ROW, "state_label");

      if (tincan_file_row_get_message (TINCAN_FILE_ROW (row)) == NULL
          || !gtk_widget_get_mapped (row)
          || g_strcmp0 (gtk_label_get_label (name), query->name) != 0)
        continue;

      if (query->state == NULL || g_strcmp0 (gtk_label_get_label (state), query->state) == 0)
        return row;
    }

  return NULL;
}

static gboolean
file_row_shown (gpointer query)
{
  return find_file_row (query) != NULL;
}

static GtkWidget *
wait_file_row (GtkWindow  *window,
               const char *name,
               const char *state)
{
  FileQuery query = { window, name, state };

  if (!tincan_test_wait_for (file_row_shown, &query))
    g_error ("No row for %s saying “%s”", name, state ? state : "anything");

  return find_file_row (&query);
}

static GtkWidget *
attach_button (GtkWindow *window)
{
  return child (compose_box (window), TINCAN_TYPE_COMPOSE_BOX, "attach_button");
}

static gboolean
is_sensitive (gpointer widget)
{
  return gtk_widget_is_sensitive (widget);
}

static gboolean
is_insensitive (gpointer widget)
{
  return !gtk_widget_is_sensitive (widget);
}

static GtkDropTarget *
drop_target (GtkWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view_child (window, "chat_page"));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  g_error ("Nothing takes files dropped on the conversation");
}

/* A GdkFileList of files in /tmp, which need not exist. */
static GSList *
file_list (const char *first,
           ...)
{
  GSList *files = NULL;
  va_list args;

  va_start (args, first);
  for (const char *name = first; name != NULL; name = va_arg (args, const char *))
    {
      g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

      files = g_slist_append (files, g_file_new_for_path (path));
    }
  va_end (args);

  return files;
}

/* As GTK delivers a drop of files on the conversation. */
static gboolean
drop_files (GtkWindow *window,
            GSList    *files)
{
  GtkDropTarget *target = drop_target (window);
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  g_assert_true (gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (target),
                                                    GDK_TYPE_FILE_LIST));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 100.0, 100.0, &handled);
  g_value_unset (&value);

  return handled;
}

/* The attach button */

static void
attach_needs_peer (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *button = attach_button (window);

  wait_subtitle (window, "Grace · Online");
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Send Files");
  g_assert_true (tincan_test_wait_for (is_sensitive, button));

  /* Plain text has no files. */
  tincan_chat_use_plain_text (tincan_application_get_chat (app));
  wait_subtitle (window, "· Plain text");
  g_assert_true (tincan_test_wait_for (is_insensitive, button));
}

static void
test_attach_needs_peer (void)
{
  peer_open ();
  run_app (NULL, attach_needs_peer);
  peer_close ();
}

static void
attach_without_peer (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_false (gtk_widget_is_sensitive (attach_button (window)));
  /* Nothing to send to: the action does nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (conversation_view (window)),
                                             "chat.attach", NULL));
  g_assert_false (has_toplevel_of_type (GSIZE_TO_POINTER (GTK_TYPE_FILE_CHOOSER_DIALOG)));
}

static void
test_attach_without_peer (void)
{
  reset_settings ();
  run_app (NULL, attach_without_peer);
}

/* Dropping and pasting */

static void
drop_sends_each (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GSList *two = file_list ("a.txt", "b.png", NULL);
  GSList *one = file_list ("c.pdf", NULL);
  GSList *missing = file_list ("tincan-test-no-such-file.pdf", NULL);

  wait_subtitle (window, "Grace · Online");

  /* Each file, in order, to the conversation shown. */
  tincan_conversation_files_set_funcs (&recording);
  g_assert_true (drop_files (window, two));
  g_assert_cmpuint (sent->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (sent, 0), ==, "a.txt");
  g_assert_cmpstr (g_ptr_array_index (sent, 1), ==, "b.png");
  g_assert_true (sent_to == tincan_application_get_chat (app));

  /* The chat's own answer for a file that is not there (on a branch
   * without the files engine, its placeholder's "not yet").
   */
  tincan_conversation_files_set_funcs (NULL);
  g_assert_true (drop_files (window, missing));
  assert_toast (window, "tincan-test-no-such-file.pdf not sent: ");

  /* What the chat refuses is said, naming the file. */
  tincan_conversation_files_set_funcs (&refusing);
  g_assert_true (drop_files (window, one));
  assert_toast (window, "c.pdf not sent: refused by the test");
  g_assert_true (drop_files (window, two));
  assert_toast (window, "a.txt not sent: refused by the test, and 1 more file");
  g_assert_cmpuint (sent->len, ==, 2);

  g_slist_free_full (two, g_object_unref);
  g_slist_free_full (one, g_object_unref);
  g_slist_free_full (missing, g_object_unref);
}

static void
test_drop_sends_each (void)
{
  peer_open ();
  g_ptr_array_set_size (sent, 0);
  run_app (NULL, drop_sends_each);
  tincan_conversation_files_set_funcs (NULL);
  peer_close ();
}

static gboolean
sent_one (gpointer unused)
{
  return sent->len == 1;
}

static gboolean
compose_says (gpointer data)
{
  gpointer *args = data;
  g_autofree char *text = compose_text (args[0]);

  return g_strcmp0 (text, args[1]) == 0;
}

/* Ctrl+V with files on the clipboard sends them; with text, the text
 * is pasted as ever.
 */
static void
paste_sends_files (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *view = child (compose_box (window), TINCAN_TYPE_COMPOSE_BOX, "text_view");
  GdkClipboard *clipboard = gtk_widget_get_clipboard (view);
  GSList *files = file_list ("pasted.odt", NULL);
  GValue value = G_VALUE_INIT;
  gpointer args[2] = { compose_box (window), (gpointer) "pasted words" };
  g_autofree char *text = NULL;

  wait_subtitle (window, "Grace · Online");
  tincan_conversation_files_set_funcs (&recording);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  gdk_clipboard_set_value (clipboard, &value);
  g_value_unset (&value);
  g_slist_free_full (files, g_object_unref);

  g_signal_emit_by_name (view, "paste-clipboard");
  g_assert_true (tincan_test_wait_for (sent_one, NULL));
  g_assert_cmpstr (g_ptr_array_index (sent, 0), ==, "pasted.odt");
  text = compose_text (compose_box (window));
  g_assert_cmpstr (text, ==, "");

  gdk_clipboard_set_text (clipboard, "pasted words");
  g_signal_emit_by_name (view, "paste-clipboard");
  g_assert_true (tincan_test_wait_for (compose_says, args));
  g_assert_cmpuint (sent->len, ==, 1);
}

static void
test_paste_sends_files (void)
{
  peer_open ();
  g_ptr_array_set_size (sent, 0);
  run_app (NULL, paste_sends_files);
  tincan_conversation_files_set_funcs (NULL);
  peer_close ();
}

/* Rows */

static TincanMessage *
add_file (TincanChat *chat,
          const char *id,
          gboolean    outgoing,
          const char *name,
          guint64     size)
{
  g_autoptr(TincanTransfer) transfer = tincan_transfer_new (id, outgoing, name, size);
  TincanMessage *message;

  if (outgoing)
    message = tincan_message_new_outgoing (name, FALSE);
  else
    message = tincan_message_new_incoming ("file-message", "Grace", 7, name, FALSE);
  tincan_message_set_transfer (message, transfer);
  /* Unsaved: the history shows it, the store never has it. */
  tincan_history_append (chat->history, message);

  return message;
}

static void
click (GtkWidget  *row,
       const char *button)
{
  GtkWidget *widget = child (row, TINCAN_TYPE_FILE_ROW, button);

  g_assert_true (gtk_widget_get_visible (widget));
  g_signal_emit_by_name (widget, "clicked");
}

static gboolean
shown_one_item (gpointer unused)
{
  return shown_items->len == 1;
}

static void
file_rows_act (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanChat *chat = tincan_application_get_chat (app);
  g_autoptr(TincanMessage) outgoing = NULL;
  g_autoptr(TincanMessage) incoming = NULL;
  g_autoptr(GFile) saved = NULL;
  g_autofree char *saved_uri = NULL;
  GtkWidget *row;

  wait_subtitle (window, "Grace · Online");
  type_and_send (window, "a message first");

  /* Among messages, in rows of their own, on their sides. */
  outgoing = add_file (chat, ID_OUT, TRUE, "slides.odp", 5000000);
  row = wait_file_row (window, "slides.odp", "Waiting for Grace to accept");
  g_assert_cmpint (gtk_widget_get_halign (child (row, TINCAN_TYPE_FILE_ROW, "bubble")), ==,
                   GTK_ALIGN_END);

  /* Cancel goes to the chat, for this file; from the keyboard too. */
  tincan_conversation_files_set_funcs (&recording);
  {
    GtkWidget *cancel = child (row, TINCAN_TYPE_FILE_ROW, "cancel_button");

    g_assert_true (gtk_widget_grab_focus (cancel));
    g_assert_true (gtk_widget_has_focus (cancel));
    /* As Space or Enter: the button shows itself pressed, then acts. */
    g_assert_true (gtk_widget_activate (cancel));
  }
  g_assert_true (tincan_test_wait_for_length (asked, 1));
  g_assert_cmpstr (g_ptr_array_index (asked, 0), ==, "cancel " ID_OUT);

  /* What the chat cannot do, it says. */
  tincan_conversation_files_set_funcs (&refusing);
  click (row, "cancel_button");
  assert_toast (window, "refused by the test");
  tincan_conversation_files_set_funcs (&recording);

  /* It follows its transfer. */
  tincan_transfer_set_state (tincan_message_get_transfer (outgoing), TINCAN_TRANSFER_MOVING, NULL);
  tincan_transfer_set_offset (tincan_message_get_transfer (outgoing), 2500000, G_USEC_PER_SEC);
  row = wait_file_row (window, "slides.odp", "Sending…");
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (child (row, TINCAN_TYPE_FILE_ROW,
                                                                        "progress_bar")),
                                  0.5, 0.001);
  tincan_transfer_set_state (tincan_message_get_transfer (outgoing), TINCAN_TRANSFER_DONE, NULL);
  row = wait_file_row (window, "slides.odp", "Delivered");

  /* Done with: nothing left to cancel, even by the action. */
  g_assert_false (gtk_widget_get_visible (child (row, TINCAN_TYPE_FILE_ROW, "cancel_button")));
  g_assert_true (gtk_widget_activate_action (row, "chat.cancel-file", "s", ID_OUT));
  g_assert_cmpuint (asked->len, ==, 1);

  incoming = add_file (chat, ID_IN, FALSE, "photo.jpg", 300000000);
  row = wait_file_row (window, "photo.jpg", "Larger than you accept without asking");
  g_assert_cmpint (gtk_widget_get_halign (child (row, TINCAN_TYPE_FILE_ROW, "bubble")), ==,
                   GTK_ALIGN_START);
  click (row, "accept_button");
  g_assert_cmpstr (g_ptr_array_index (asked, asked->len - 1), ==, "accept " ID_IN);
  click (row, "decline_button");
  g_assert_cmpstr (g_ptr_array_index (asked, asked->len - 1), ==, "cancel " ID_IN);
  g_assert_cmpuint (asked->len, ==, 3);
  tincan_conversation_files_set_funcs (NULL);

  /* Saved: Show in Folder asks the file manager to select it. */
  saved = g_file_new_for_path ("/tmp/tincan-test-Downloads/photo.jpg");
  saved_uri = g_file_get_uri (saved);
  tincan_transfer_set_file (tincan_message_get_transfer (incoming), saved);
  tincan_transfer_set_state (tincan_message_get_transfer (incoming), TINCAN_TRANSFER_DONE, NULL);
  row = wait_file_row (window, "photo.jpg", "Saved");
  g_assert_true (gtk_widget_get_visible (child (row, TINCAN_TYPE_FILE_ROW, "open_button")));
  click (row, "show_button");
  g_assert_true (tincan_test_wait_for (shown_one_item, NULL));
  g_assert_cmpstr (g_ptr_array_index (shown_items, 0), ==, saved_uri);

  /* The same through the action, as the keyboard reaches it. */
  g_assert_true (gtk_widget_activate_action (row, "chat.show-file", "s", ID_IN));
  g_assert_true (tincan_test_wait_for_length (shown_items, 2));
  /* Not a file of this conversation: nothing happens. */
  g_assert_true (gtk_widget_activate_action (row, "chat.show-file", "s", "nothing"));

  g_assert_true (tincan_conversation_files_find (tincan_chat_get_messages (chat), ID_IN) == incoming);
  g_assert_null (tincan_conversation_files_find (tincan_chat_get_messages (chat), "nothing"));
}

static void
test_file_rows_act (void)
{
  peer_open ();
  g_ptr_array_set_size (shown_items, 0);
  g_ptr_array_set_size (asked, 0);
  run_app (NULL, file_rows_act);
  tincan_conversation_files_set_funcs (NULL);
  peer_close ();
}

/* Notifications */

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
file_notifies (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  TincanChat *chat = tincan_application_get_chat (app);
  g_autoptr(TincanMessage) message = NULL;
  GtkWidget *decoy;
  Notification *n;

  wait_subtitle (window, "Grace · Online");

  decoy = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (decoy));
  g_assert_true (tincan_test_wait_for (is_inactive, window));
  g_ptr_array_set_size (notifications, 0);

  message = add_file (chat, ID_IN, FALSE, "report.pdf", 20000);
  g_signal_emit_by_name (chat, "message-received", message);
  g_assert_true (tincan_test_wait_for (has_notification, NULL));
  n = g_ptr_array_index (notifications, 0);
  g_assert_cmpstr (n->title, ==, "Grace");
  g_assert_cmpstr (n->body, ==, "Grace sent report.pdf");

  gtk_window_destroy (GTK_WINDOW (decoy));
}

static void
test_file_notifies (void)
{
  peer_open ();
  run_app (NULL, file_notifies);
  peer_close ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  start_notification_server ();
  start_file_manager ();
  sent = g_ptr_array_new_with_free_func (g_free);
  asked = g_ptr_array_new_with_free_func (g_free);
  made = g_ptr_array_new_with_free_func (g_object_unref);

  g_test_add_func ("/files/attach-needs-peer", test_attach_needs_peer);
  g_test_add_func ("/files/attach-without-peer", test_attach_without_peer);
  g_test_add_func ("/files/drop-sends-each", test_drop_sends_each);
  g_test_add_func ("/files/paste-sends-files", test_paste_sends_files);
  g_test_add_func ("/files/rows-act", test_file_rows_act);
  g_test_add_func ("/files/notifies", test_file_notifies);

  status = g_test_run ();
  g_ptr_array_unref (made);
  g_ptr_array_unref (asked);
  g_ptr_array_unref (sent);

  return status;
}

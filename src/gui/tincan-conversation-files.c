/* tincan-conversation-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files in the conversation view: sending them (dropped on the
 * conversation, pasted into the message box, or chosen with the attach
 * button) and the chat.*-file actions of the file rows (accept, cancel,
 * open, show in the folder).  The view owns all of it; this part only
 * reaches it through the chat it shows and the toasts it shows.
 *
 * Each file becomes a transfer of its own: one that cannot be sent (a
 * folder, plain text) does not keep the others back.  Opening a file and
 * showing it go through GTK's URI launcher and the file manager's D-Bus
 * interface, both of which work from inside the Flatpak.
 */

#define G_LOG_DOMAIN "tincan-conversation-view"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-conversation-files.h"

static const TincanConversationFilesFuncs chat_funcs = {
  tincan_chat_send_file,
  tincan_chat_accept_file,
  tincan_chat_cancel_file,
};

static const TincanConversationFilesFuncs *funcs = &chat_funcs;

/**
 * tincan_conversation_files_set_funcs:
 * @test_funcs: (nullable): what sends, accepts and cancels a file, or
 *   %NULL for the chat's own
 *
 * For tests: what the files dropped, pasted or attached, and the rows'
 * buttons, ask for.
 */
void
tincan_conversation_files_set_funcs (const TincanConversationFilesFuncs *test_funcs)
{
  funcs = test_funcs != NULL ? test_funcs : &chat_funcs;
}

/**
 * tincan_conversation_view_send_files:
 * @self: a #TincanConversationView
 * @files: (element-type GFile): the files, in order
 *
 * Sends each file as a transfer of its own to the conversation shown,
 * and says in a toast what could not be sent and why.
 *
 * Returns: how many were sent
 */
guint
tincan_conversation_view_send_files (TincanConversationView *self,
                                     GSList                 *files)
{
  TincanChat *chat = tincan_conversation_view_get_chat (self);
  g_autofree char *first_error = NULL;
  guint n_sent = 0;
  guint n_failed = 0;

  if (chat == NULL)
    return 0;

  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autoptr(GError) error = NULL;

      /* The message is the chat's, in its model. */
      if (funcs->send_file (chat, l->data, &error) != NULL)
        {
          n_sent++;
          continue;
        }

      if (n_failed++ == 0)
        {
          g_autofree char *name = g_file_get_basename (l->data);

          /* Translators: a file that was not sent, and why */
          first_error = g_strdup_printf (_("%s not sent: %s"), name, error->message);
        }
    }

  if (n_failed == 1)
    tincan_conversation_view_show_toast (self, first_error);
  else if (n_failed > 1)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says what became of the first of several files */
      text = g_strdup_printf (ngettext ("%s, and %u more file", "%s, and %u more files",
                                        n_failed - 1),
                              first_error, n_failed - 1);
      tincan_conversation_view_show_toast (self, text);
    }

  /* One's own file is always worth seeing. */
  if (n_sent > 0)
    tincan_conversation_view_scroll_to_end (self);

  return n_sent;
}

/* Dropping */

static gboolean
on_drop_cb (GtkDropTarget          *target,
            const GValue           *value,
            double                  x,
            double                  y,
            TincanConversationView *self)
{
  GSList *files = g_value_get_boxed (value);

  if (files == NULL)
    return FALSE;

  tincan_conversation_view_send_files (self, files);
  return TRUE;
}

static void
on_current_drop_cb (GtkDropTarget *target,
                    GParamSpec    *pspec,
                    GtkWidget     *hint)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (hint),
                                 gtk_drop_target_get_current_drop (target) != NULL);
}

static void
on_files_pasted_cb (TincanConversationView *self,
                    GSList                 *files)
{
  tincan_conversation_view_send_files (self, files);
}

/**
 * tincan_conversation_files_init:
 * @self: a #TincanConversationView
 * @area: the widget files are dropped on
 * @hint: a #GtkRevealer shown while files are dragged over @area
 * @box: the message box, which files are pasted into
 *
 * Sends the files dropped on @area or pasted into @box.
 */
void
tincan_conversation_files_init (TincanConversationView *self,
                                GtkWidget              *area,
                                GtkWidget              *hint,
                                TincanComposeBox       *box)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop_cb), self, 0);
  g_signal_connect_object (target, "notify::current-drop",
                           G_CALLBACK (on_current_drop_cb), hint, 0);
  gtk_widget_add_controller (area, GTK_EVENT_CONTROLLER (target));

  g_signal_connect_object (box, "files-pasted",
                           G_CALLBACK (on_files_pasted_cb), self, G_CONNECT_SWAPPED);
}

/* Attaching */

static void
on_chooser_response_cb (GtkNativeDialog        *chooser,
                        int                     response,
                        TincanConversationView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) chosen = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      GSList *files = NULL;

      for (guint i = g_list_model_get_n_items (chosen); i > 0; i--)
        files = g_slist_prepend (files, g_list_model_get_item (chosen, i - 1));
      tincan_conversation_view_send_files (self, files);
      g_slist_free_full (files, g_object_unref);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
attach_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  GtkFileChooserNative *chooser;

  /* The portal's chooser inside the Flatpak: the files it gives are the
   * ones the person chose, readable though the sandbox is not.
   */
  chooser = gtk_file_chooser_native_new (_("Send Files"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Send"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The rows' actions */

/**
 * tincan_conversation_files_find:
 * @messages: (element-type TincanMessage): a conversation
 * @id: a transfer's ID
 *
 * Returns: (transfer none) (nullable): the message of that transfer
 */
TincanMessage *
tincan_conversation_files_find (GListModel *messages,
                                const char *id)
{
  /* Newest first: the files acted on are mostly recent. */
  for (guint i = g_list_model_get_n_items (messages); i > 0; i--)
    {
      g_autoptr(TincanMessage) message = g_list_model_get_item (messages, i - 1);
      TincanTransfer *transfer = tincan_message_get_transfer (message);

      if (transfer != NULL && g_strcmp0 (tincan_transfer_get_id (transfer), id) == 0)
        return message;
    }

  return NULL;
}

static TincanMessage *
find_message (TincanConversationView *self,
              GVariant               *parameter)
{
  TincanChat *chat = tincan_conversation_view_get_chat (self);

  if (chat == NULL)
    return NULL;

  return tincan_conversation_files_find (tincan_chat_get_messages (chat),
                                         g_variant_get_string (parameter, NULL));
}

static void
accept_file_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  TincanMessage *message = find_message (self, parameter);
  g_autoptr(GError) error = NULL;

  if (message != NULL
      && !funcs->accept_file (tincan_conversation_view_get_chat (self), message, &error))
    tincan_conversation_view_show_toast (self, error->message);
}

static void
cancel_file_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  TincanMessage *message = find_message (self, parameter);
  g_autoptr(GError) error = NULL;

  if (message != NULL
      && !tincan_transfer_is_finished (tincan_message_get_transfer (message))
      && !funcs->cancel_file (tincan_conversation_view_get_chat (self), message, &error))
    tincan_conversation_view_show_toast (self, error->message);
}

/* A received file, once it is saved under its own name. */
static GFile *
saved_file (TincanConversationView *self,
            GVariant               *parameter)
{
  TincanMessage *message = find_message (self, parameter);
  TincanTransfer *transfer;

  if (message == NULL)
    return NULL;

  transfer = tincan_message_get_transfer (message);
  if (tincan_transfer_get_state (transfer) != TINCAN_TRANSFER_DONE)
    return NULL;

  return tincan_transfer_get_file (transfer);
}

static void
on_shown_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TincanConversationView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    tincan_conversation_view_show_toast (self, error->message);
}

static void
show_uri (TincanConversationView *self,
          GFile                  *file)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *uri = g_file_get_uri (file);

  if (!GTK_IS_WINDOW (root))
    return;

  gtk_show_uri_full (GTK_WINDOW (root), uri, GDK_CURRENT_TIME, NULL,
                     on_shown_cb, g_object_ref (self));
}

static void
open_file_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  GFile *file = saved_file (self, parameter);

  if (file != NULL)
    show_uri (self, file);
}

typedef struct
{
  TincanConversationView *view;
  GFile                  *file;
} ShowData;

static void
show_data_free (ShowData *data)
{
  g_object_unref (data->view);
  g_object_unref (data->file);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShowData, show_data_free)

/* Without a file manager that selects it, its folder is opened instead. */
static void
on_show_items_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ShowData) data = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (data->file);

      g_debug ("No file manager to show the file in: %s", error->message);
      if (folder != NULL)
        show_uri (data->view, folder);
    }
}

static void
show_file_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  GFile *file = saved_file (self, parameter);
  GtkRoot *root;
  GtkApplication *application;
  GDBusConnection *bus;
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };
  ShowData *data;

  if (file == NULL)
    return;

  data = g_new0 (ShowData, 1);
  data->view = g_object_ref (self);
  data->file = g_object_ref (file);

  root = gtk_widget_get_root (widget);
  application = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  bus = application != NULL ? g_application_get_dbus_connection (G_APPLICATION (application)) : NULL;
  if (bus == NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (file);

      if (folder != NULL)
        show_uri (self, folder);
      show_data_free (data);
      return;
    }

  uri = g_file_get_uri (file);
  uris[0] = uri;
  g_dbus_connection_call (bus,
                          "org.freedesktop.FileManager1",
                          "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1",
                          "ShowItems",
                          g_variant_new ("(^ass)", uris, ""),
                          NULL,
                          G_DBUS_CALL_FLAGS_NONE,
                          -1,
                          NULL,
                          on_show_items_cb,
                          data);
}

/**
 * tincan_conversation_files_class_init:
 * @widget_class: the view's class
 *
 * Installs the actions on files: chat.attach, and the rows' own
 * chat.accept-file, chat.cancel-file, chat.open-file and
 * chat.show-file, each named by the transfer's ID.
 */
void
tincan_conversation_files_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "chat.attach", NULL, attach_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.accept-file", "s",
                                   accept_file_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.cancel-file", "s",
                                   cancel_file_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.open-file", "s", open_file_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.show-file", "s", show_file_activated_cb);
}

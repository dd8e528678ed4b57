/* tincan-conversation-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One conversation, with a header of its own: the messages, each with
 * what became of it, the bars that say what is wrong, the search, and a
 * TincanComposeBox to write the next one in.  The window shows it beside
 * the sidebar and gives it the chat of the person selected there; each
 * new chat rebinds all of it, so one view serves every person.
 *
 * The list follows new messages while it is scrolled to the bottom; when
 * the person has scrolled up to read, it stays put and offers a button to
 * the new ones instead.
 */

#define G_LOG_DOMAIN "tincan-conversation-view"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-compose-box.h"
#include "tincan-conversation-files.h"
#include "tincan-conversation-view.h"
#include "tincan-file-row.h"
#include "tincan-message-row.h"

/* How close to the end counts as "at the bottom", in pixels. */
#define BOTTOM_SLACK 8

/* How many of the newest messages the list has at first; the older ones
 * join it when it is scrolled to the top, or a search goes there.
 */
#define SHOWN_FIRST 100

struct _TincanConversationView
{
  AdwBin                parent_instance;

  TincanSettings       *settings;
  TincanChat           *chat;
  gboolean              stick_to_bottom;
  gboolean              show_back_button;

  AdwToastOverlay      *toast_overlay;
  GtkWidget            *back_button;
  AdwWindowTitle       *window_title;
  GtkWidget            *encryption_box;
  GtkImage             *encryption_image;
  GtkLabel             *encryption_label;
  GtkWidget            *verified_image;
  GtkWidget            *search_button;
  GtkRevealer          *key_changed_revealer;
  GtkWidget            *compare_button;
  GtkWidget            *accept_key_button;
  GtkStack             *stack;
  GtkWidget            *chat_page;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  GtkWidget            *error_settings_button;
  GtkRevealer          *moved_aside_revealer;
  GtkLabel             *moved_aside_label;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkSliceListModel    *shown;
  GtkSingleSelection   *selection;
  guint                 show_all_idle;
  GtkRevealer          *plain_revealer;
  GtkLabel             *plain_label;
  GtkWidget            *use_plain_button;
  GtkScrolledWindow    *scroller;
  GtkListView          *list_view;
  GtkWidget            *new_messages_button;
  GtkWidget            *drop_hint;
  TincanComposeBox     *compose_box;
};

G_DEFINE_FINAL_TYPE (TincanConversationView, tincan_conversation_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CHAT,
  PROP_SHOW_BACK_BUTTON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
presence_label (TincanPresence presence)
{
  switch (presence)
    {
    case TINCAN_PRESENCE_ONLINE:
      return _("Online");

    case TINCAN_PRESENCE_OFFLINE:
      return _("Offline");

    case TINCAN_PRESENCE_NOT_LISTENING:
      return _("Not listening");

    case TINCAN_PRESENCE_UNKNOWN:
    default:
      return _("Waiting for an answer");
    }
}

static gboolean
has_peer (TincanConversationView *self)
{
  return self->chat != NULL && tincan_chat_has_peer (self->chat);
}

/* Plainly, in the header: whether anyone on the way could read along,
 * and whether a person checked the key.
 */
static void
tincan_conversation_view_update_encryption (TincanConversationView *self)
{
  gboolean encrypted = self->chat != NULL && tincan_chat_get_encrypted (self->chat);
  gboolean changed = self->chat != NULL && tincan_chat_get_key_changed (self->chat);

  gtk_widget_set_visible (self->encryption_box, has_peer (self));
  gtk_image_set_from_icon_name (self->encryption_image,
                                encrypted ? "channel-secure-symbolic" : "channel-insecure-symbolic");
  gtk_label_set_label (self->encryption_label, encrypted ? _("Encrypted") : _("Not encrypted"));
  /* IP Messenger has no encryption to turn on: say why it is not. */
  gtk_widget_set_tooltip_text (self->encryption_box,
                               self->chat != NULL
                               && tincan_chat_get_mode (self->chat) == TINCAN_MODE_IPMSG
                               ? _("IP Messenger sends text as it is: anyone on the way can read it or change it.")
                               : NULL);
  /* The key in use is the verified one, but the peer now answers with
   * another: no reassurance until that is settled.
   */
  gtk_widget_set_visible (self->verified_image,
                          encrypted && !changed && tincan_chat_get_verified (self->chat));
  gtk_revealer_set_reveal_child (self->key_changed_revealer, has_peer (self) && changed);
}

static void
tincan_conversation_view_update (TincanConversationView *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *error;
  TincanMode mode;
  gboolean plain;
  guint n_ignored;

  tincan_conversation_view_update_encryption (self);
  gtk_widget_set_visible (self->search_button, self->chat != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.search", self->chat != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.clear-history", self->chat != NULL);
  /* Only Tin Can mode has files. */
  mode = self->chat != NULL ? tincan_chat_get_mode (self->chat) : TINCAN_MODE_RELIABLE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.attach",
                                 has_peer (self) && mode == TINCAN_MODE_RELIABLE);
  tincan_compose_box_set_attach_tooltip (self->compose_box,
                                         has_peer (self) && mode == TINCAN_MODE_IPMSG
                                         ? _("IP Messenger users cannot be sent files by Tin Can")
                                         : NULL);

  if (!has_peer (self))
    {
      adw_window_title_set_title (self->window_title, _("Tin Can"));
      adw_window_title_set_subtitle (self->window_title,
                                     self->chat != NULL ? _("No peer set up") : NULL);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* The person above, what can be said of them below. */
  title = tincan_chat_dup_peer_title (self->chat);
  plain = mode == TINCAN_MODE_PLAIN;
  if (mode == TINCAN_MODE_IPMSG)
    /* Translators: %s is the presence, as "Online" */
    subtitle = g_strdup_printf (_("IP Messenger · %s"),
                                presence_label (tincan_chat_get_presence (self->chat)));
  adw_window_title_set_title (self->window_title, title ? title : "");
  adw_window_title_set_subtitle (self->window_title,
                                 subtitle != NULL ? subtitle
                                 : plain ? _("Plain text")
                                 : presence_label (tincan_chat_get_presence (self->chat)));

  /* A peer sending what is not Tin Can likely speaks plain text.  (An IP
   * Messenger conversation is not Tin Can either, and never was.)
   */
  n_ignored = tincan_chat_get_n_ignored (self->chat);
  if (n_ignored > 0 && mode == TINCAN_MODE_RELIABLE)
    {
      g_autofree char *ignored = NULL;

      ignored = g_strdup_printf (ngettext ("%u message that is not Tin Can was ignored. The other computer may be sending plain text.",
                                           "%u messages that are not Tin Can were ignored. The other computer may be sending plain text.",
                                           n_ignored),
                                 n_ignored);
      gtk_label_set_label (self->plain_label, ignored);
    }
  gtk_revealer_set_reveal_child (self->plain_revealer,
                                 n_ignored > 0 && mode == TINCAN_MODE_RELIABLE);

  /* The link's problem first: without a link, nothing is sent at all. */
  error = tincan_chat_get_error (self->chat);
  gtk_widget_set_visible (self->error_settings_button, error != NULL);
  if (error == NULL)
    error = tincan_chat_get_history_problem (self->chat);
  if (error != NULL)
    gtk_label_set_label (self->error_label, error);
  gtk_revealer_set_reveal_child (self->error_revealer, error != NULL);

  gtk_stack_set_visible_child_name (self->stack, "chat");
}

static void
on_state_changed_cb (TincanConversationView *self)
{
  tincan_conversation_view_update (self);
}

/* Scrolling */

static GtkAdjustment *
vadjustment (TincanConversationView *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}

static gboolean
at_bottom (TincanConversationView *self)
{
  GtkAdjustment *adjustment = vadjustment (self);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - BOTTOM_SLACK;
}

static void
scroll_to_bottom (TincanConversationView *self)
{
  GtkAdjustment *adjustment = vadjustment (self);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->shown));

  /* The list places its rows from an anchor item: in a long history the
   * end of the adjustment alone is only an estimate of where that is.
   */
  if (n_items > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                n_items - 1);

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment)
                            - gtk_adjustment_get_page_size (adjustment));
}

static void
on_adjustment_changed_cb (TincanConversationView *self,
                          GtkAdjustment          *adjustment)
{
  /* The content grew or the window was resized. */
  if (self->stick_to_bottom)
    scroll_to_bottom (self);
}

static void
show_all (TincanConversationView *self)
{
  gtk_slice_list_model_set_offset (self->shown, 0);
}

static gboolean
show_all_idle_cb (gpointer user_data)
{
  TincanConversationView *self = user_data;
  guint top = gtk_slice_list_model_get_offset (self->shown);

  self->show_all_idle = 0;
  show_all (self);

  /* The row that was at the top stays in view. */
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", top);

  return G_SOURCE_REMOVE;
}

static void
on_adjustment_value_changed_cb (TincanConversationView *self,
                                GtkAdjustment          *adjustment)
{
  self->stick_to_bottom = at_bottom (self);
  if (self->stick_to_bottom)
    gtk_widget_set_visible (self->new_messages_button, FALSE);

  /* Near the top of what the list has: the older messages join it, above
   * the rows on screen, which stay where they are.
   */
  if (gtk_slice_list_model_get_offset (self->shown) > 0 && self->show_all_idle == 0
      && gtk_adjustment_get_value (adjustment) <= gtk_adjustment_get_page_size (adjustment))
    self->show_all_idle = g_idle_add (show_all_idle_cb, self);
}

static void
on_new_messages_button_clicked_cb (TincanConversationView *self)
{
  self->stick_to_bottom = TRUE;
  scroll_to_bottom (self);
  gtk_widget_set_visible (self->new_messages_button, FALSE);
}

static void
on_items_changed_cb (TincanConversationView *self,
                     guint                   position,
                     guint                   removed,
                     guint                   added,
                     GListModel             *model)
{
  if (added > 0 && !self->stick_to_bottom)
    gtk_widget_set_visible (self->new_messages_button, TRUE);

  /* Cleared: what is left may be fewer than the slice skipped. */
  if (removed > 0)
    show_all (self);
}

/* The model goes in when the list is first shown, with the newest row
 * as its anchor: set any earlier, the list lays out the oldest rows first,
 * and reads them, only to leave them at once.
 */
static void
on_list_view_map_cb (TincanConversationView *self)
{
  if (gtk_list_view_get_model (self->list_view) != NULL)
    return;

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  scroll_to_bottom (self);
}

/* Sending */

static void
show_toast (TincanConversationView *self,
            const char             *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/* For tincan-conversation-files.c */
void
tincan_conversation_view_show_toast (TincanConversationView *self,
                                     const char             *text)
{
  show_toast (self, text);
}

/* One's own file is always worth seeing. */
void
tincan_conversation_view_scroll_to_end (TincanConversationView *self)
{
  self->stick_to_bottom = TRUE;
  scroll_to_bottom (self);
}

static void
on_compose_box_send_cb (TincanConversationView *self,
                        const char             *text,
                        TincanComposeBox       *box)
{
  g_autoptr(GError) error = NULL;

  if (self->chat == NULL)
    return;

  if (tincan_chat_send (self->chat, text, &error) == NULL)
    {
      /* It stays in the box, to be shortened or sent later. */
      tincan_compose_box_set_error (box, TRUE);
      show_toast (self, error->message);
      return;
    }

  tincan_compose_box_clear (box);
  gtk_widget_grab_focus (GTK_WIDGET (box));

  /* One's own message is always worth seeing. */
  self->stick_to_bottom = TRUE;
  scroll_to_bottom (self);
}

/* A message is at most what the chat sends: text that would make the box
 * hold more is refused whole, with a reason, rather than cut.
 */
static void
on_compose_box_text_refused_cb (TincanConversationView *self)
{
  g_autofree char *message = NULL;

  if (self->chat == NULL)
    return;

  /* Translators: %d is 1048576 */
  message = g_strdup_printf (_("Not added: a message holds up to 1 MiB (%d bytes)"),
                             (int) tincan_chat_get_max_message_size (self->chat));
  show_toast (self, message);
}

typedef gboolean (*MessageAction) (TincanChat     *chat,
                                   TincanMessage  *message,
                                   GError        **error);

/* Retry and Cancel: a message of the conversation, named by its ID. */
static void
act_on_message (GtkWidget     *widget,
                GVariant      *parameter,
                MessageAction  action)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  TincanMessage *message;
  g_autoptr(GError) error = NULL;

  if (self->chat == NULL)
    return;

  message = tincan_chat_find_outgoing (self->chat, id);
  if (message != NULL && !action (self->chat, message, &error))
    show_toast (self, error->message);
}

static void
retry_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  act_on_message (widget, parameter, tincan_chat_retry);
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  act_on_message (widget, parameter, tincan_chat_cancel);
}

/* History */

static void
on_accept_key_response_cb (AdwMessageDialog       *dialog,
                           const char             *response,
                           TincanConversationView *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "accept") != 0 || self->chat == NULL)
    return;

  if (!tincan_chat_accept_new_key (self->chat, &error))
    show_toast (self, error->message);
}

static void
accept_new_key_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       _("Accept the New Key?"),
                                                       _("Do this only if the safety numbers on both "
                                                         "computers are the same, or you know Tin Can "
                                                         "was installed again there. Messages that "
                                                         "waited will then be sent.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "accept", _("_Accept New Key"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "accept", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_accept_key_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_moved_aside_close_clicked_cb (TincanConversationView *self)
{
  gtk_revealer_set_reveal_child (self->moved_aside_revealer, FALSE);
}

static void
on_clear_response_cb (AdwMessageDialog       *dialog,
                      const char             *response,
                      TincanConversationView *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "clear") != 0 || self->chat == NULL)
    return;

  if (!tincan_chat_clear_history (self->chat, &error))
    show_toast (self, error->message);
}

static void
clear_history_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Clear History?"),
                                                       _("Every message in this conversation will be "
                                                         "deleted from this computer. Messages still "
                                                         "being sent are kept until they are delivered.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "clear", _("_Clear"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "clear", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_clear_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Search */

static void
search_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* @position is in the whole history. */
static void
show_search_result (TincanConversationView *self,
                    guint                   position)
{
  if (position < gtk_slice_list_model_get_offset (self->shown))
    show_all (self);
  position -= gtk_slice_list_model_get_offset (self->shown);

  self->stick_to_bottom = FALSE;
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/* Each search goes to the next older match, and from the oldest back to
 * the newest.
 */
static void
on_search_next_cb (TincanConversationView *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint selected = gtk_single_selection_get_selected (self->selection);
  g_autoptr(GError) error = NULL;
  guint n_items;
  int found;

  if (query[0] == '\0' || self->chat == NULL)
    return;

  n_items = g_list_model_get_n_items (tincan_chat_get_messages (self->chat));

  if (selected != GTK_INVALID_LIST_POSITION)
    selected += gtk_slice_list_model_get_offset (self->shown);

  found = tincan_chat_find (self->chat, query, MIN (selected, n_items), &error);
  if (found < 0 && error == NULL && selected != GTK_INVALID_LIST_POSITION)
    found = tincan_chat_find (self->chat, query, n_items, &error);

  if (error != NULL)
    show_toast (self, error->message);

  if (found < 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  show_search_result (self, found);
}

static void
on_search_changed_cb (TincanConversationView *self)
{
  /* A new query starts from the newest message again. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  on_search_next_cb (self);
}

static void
on_search_stopped_cb (TincanConversationView *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_search_mode_cb (TincanConversationView *self)
{
  if (gtk_search_bar_get_search_mode (self->search_bar))
    return;

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_widget_grab_focus (GTK_WIDGET (self->compose_box));
}

static void
use_plain_text_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);

  if (self->chat != NULL)
    tincan_chat_use_plain_text (self->chat);
}

/* The list */

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  gtk_list_item_set_child (item, tincan_message_row_new ());
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
}

/* A file's row is another widget: a recycled row is replaced only when
 * the kind of message it shows changes.
 */
static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    TincanConversationView   *self)
{
  TincanMessage *message = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);

  if (tincan_message_get_transfer (message) != NULL)
    {
      g_autofree char *peer = self->chat ? tincan_chat_dup_peer_title (self->chat) : NULL;

      if (!TINCAN_IS_FILE_ROW (row))
        gtk_list_item_set_child (item, row = tincan_file_row_new ());
      tincan_file_row_set_peer_name (TINCAN_FILE_ROW (row), peer);
      tincan_file_row_set_message (TINCAN_FILE_ROW (row), message);
      return;
    }

  if (!TINCAN_IS_MESSAGE_ROW (row))
    gtk_list_item_set_child (item, row = tincan_message_row_new ());
  tincan_message_row_set_message (TINCAN_MESSAGE_ROW (row), message);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (TINCAN_IS_FILE_ROW (row))
    tincan_file_row_set_message (TINCAN_FILE_ROW (row), NULL);
  else
    tincan_message_row_set_message (TINCAN_MESSAGE_ROW (row), NULL);
}

/* The chat */

static void
tincan_conversation_view_unbind (TincanConversationView *self)
{
  if (self->chat == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->chat, self);
  g_signal_handlers_disconnect_by_data (tincan_chat_get_messages (self->chat), self);
  g_clear_handle_id (&self->show_all_idle, g_source_remove);
  g_clear_object (&self->chat);
}

static void
tincan_conversation_view_bind (TincanConversationView *self,
                               TincanChat             *chat)
{
  GListModel *messages;
  const char *moved_aside;
  guint n_items;

  self->chat = g_object_ref (chat);
  g_signal_connect_object (chat, "notify",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);

  messages = tincan_chat_get_messages (chat);
  n_items = g_list_model_get_n_items (messages);
  gtk_slice_list_model_set_model (self->shown, messages);
  gtk_slice_list_model_set_offset (self->shown, n_items > SHOWN_FIRST ? n_items - SHOWN_FIRST : 0);
  g_signal_connect_object (messages, "items-changed",
                           G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);
  tincan_compose_box_set_max_bytes (self->compose_box, tincan_chat_get_max_message_size (chat));

  moved_aside = tincan_chat_get_moved_aside (chat);
  if (moved_aside != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is a file name */
      text = g_strdup_printf (_("The history was damaged. It was moved to “%s”, and a new one "
                                "was started."), moved_aside);
      gtk_label_set_label (self->moved_aside_label, text);
    }
  gtk_revealer_set_reveal_child (self->moved_aside_revealer, moved_aside != NULL);
}

/**
 * tincan_conversation_view_set_chat:
 * @self: a #TincanConversationView
 * @chat: (nullable): the conversation to show, or %NULL for none
 *
 * Everything follows: the messages, the bars, the header, the limits of
 * the message box.  A search and a half-written message are left behind
 * with the conversation they were for.
 */
void
tincan_conversation_view_set_chat (TincanConversationView *self,
                                   TincanChat             *chat)
{
  g_return_if_fail (TINCAN_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (chat == NULL || TINCAN_IS_CHAT (chat));

  if (self->chat == chat)
    return;

  tincan_conversation_view_unbind (self);
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  tincan_compose_box_clear (self->compose_box);
  tincan_compose_box_set_error (self->compose_box, FALSE);
  gtk_widget_set_visible (self->new_messages_button, FALSE);
  self->stick_to_bottom = TRUE;

  if (chat != NULL)
    tincan_conversation_view_bind (self, chat);
  else
    gtk_slice_list_model_set_model (self->shown, NULL);

  tincan_conversation_view_update (self);

  /* Shown already: the newest message, as when it was first shown. */
  if (gtk_list_view_get_model (self->list_view) != NULL)
    scroll_to_bottom (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAT]);
}

/**
 * tincan_conversation_view_get_chat:
 * @self: a #TincanConversationView
 *
 * Returns: (transfer none) (nullable): the conversation shown
 */
TincanChat *
tincan_conversation_view_get_chat (TincanConversationView *self)
{
  g_return_val_if_fail (TINCAN_IS_CONVERSATION_VIEW (self), NULL);

  return self->chat;
}

/**
 * tincan_conversation_view_set_settings:
 * @self: a #TincanConversationView
 * @settings: (nullable): the settings the conversations follow
 */
void
tincan_conversation_view_set_settings (TincanConversationView *self,
                                       TincanSettings         *settings)
{
  g_return_if_fail (TINCAN_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (settings == NULL || TINCAN_IS_SETTINGS (settings));

  if (self->settings == settings)
    return;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    g_signal_connect_object (settings, "notify",
                             G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);

  tincan_conversation_view_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTINGS]);
}

/* GObject */

/* A person can just start typing. */
static gboolean
tincan_conversation_view_grab_focus (GtkWidget *widget)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (widget);

  if (self->chat != NULL)
    return gtk_widget_grab_focus (GTK_WIDGET (self->compose_box));

  return GTK_WIDGET_CLASS (tincan_conversation_view_parent_class)->grab_focus (widget);
}

static void
tincan_conversation_view_dispose (GObject *object)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (object);

  tincan_conversation_view_unbind (self);
  /* The template's one child is the bin's, which AdwBin unparents. */
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->selection);
  g_clear_object (&self->shown);

  G_OBJECT_CLASS (tincan_conversation_view_parent_class)->dispose (object);
}

static void
tincan_conversation_view_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CHAT:
      g_value_set_object (value, self->chat);
      break;

    case PROP_SHOW_BACK_BUTTON:
      g_value_set_boolean (value, self->show_back_button);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_conversation_view_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  TincanConversationView *self = TINCAN_CONVERSATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      tincan_conversation_view_set_settings (self, g_value_get_object (value));
      break;

    case PROP_CHAT:
      tincan_conversation_view_set_chat (self, g_value_get_object (value));
      break;

    case PROP_SHOW_BACK_BUTTON:
      if (self->show_back_button != g_value_get_boolean (value))
        {
          self->show_back_button = g_value_get_boolean (value);
          gtk_widget_set_visible (self->back_button, self->show_back_button);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_conversation_view_class_init (TincanConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_conversation_view_dispose;
  object_class->get_property = tincan_conversation_view_get_property;
  object_class->set_property = tincan_conversation_view_set_property;

  widget_class->grab_focus = tincan_conversation_view_grab_focus;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         TINCAN_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CHAT] =
    g_param_spec_object ("chat", NULL, NULL,
                         TINCAN_TYPE_CHAT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* In a folded leaflet: the way back to the sidebar (win.back). */
  properties[PROP_SHOW_BACK_BUTTON] =
    g_param_spec_boolean ("show-back-button", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TINCAN_TYPE_COMPOSE_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tincan-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, back_button);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, encryption_box);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, encryption_image);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, encryption_label);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, verified_image);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, search_button);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, key_changed_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, compare_button);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, accept_key_button);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, stack);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, chat_page);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, error_label);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, error_settings_button);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, moved_aside_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, moved_aside_label);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, plain_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, plain_label);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, use_plain_button);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, scroller);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, list_view);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, new_messages_button);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, drop_hint);
  gtk_widget_class_bind_template_child (widget_class, TincanConversationView, compose_box);
  gtk_widget_class_bind_template_callback (widget_class, on_new_messages_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_moved_aside_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stopped_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compose_box_send_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compose_box_text_refused_cb);

  /* On the view, so they act on the conversation it shows. */
  gtk_widget_class_install_action (widget_class, "chat.retry", "s", retry_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.cancel", "s", cancel_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.use-plain-text", NULL,
                                   use_plain_text_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.clear-history", NULL,
                                   clear_history_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.search", NULL, search_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.accept-new-key", NULL,
                                   accept_new_key_activated_cb);
  tincan_conversation_files_class_init (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "chat.search", NULL);
}

static void
tincan_conversation_view_init (TincanConversationView *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkAdjustment *adjustment;

  self->stick_to_bottom = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Selected is the search result; people cannot select rows. */
  self->shown = gtk_slice_list_model_new (NULL, 0, G_MAXUINT);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (on_search_mode_cb), self, G_CONNECT_SWAPPED);

  adjustment = vadjustment (self);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (on_adjustment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (on_adjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->list_view, "map", G_CALLBACK (on_list_view_map_cb), self);
  tincan_conversation_files_init (self, self->chat_page, self->drop_hint, self->compose_box);

  tincan_conversation_view_update (self);
}

GtkWidget *
tincan_conversation_view_new (void)
{
  return g_object_new (TINCAN_TYPE_CONVERSATION_VIEW, NULL);
}

/* tincan-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window.  With no peer set up it welcomes the person and offers
 * the peer dialog; with a peer it is the conversation: the messages, each
 * with what became of it, and a TincanComposeBox to write the next one in.
 *
 * The list follows new messages while it is scrolled to the bottom; when
 * the person has scrolled up to read, it stays put and offers a button to
 * the new ones instead.
 */

#define G_LOG_DOMAIN "tincan-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-compose-box.h"
#include "tincan-message-row.h"
#include "tincan-window.h"

/* How close to the end counts as "at the bottom", in pixels. */
#define BOTTOM_SLACK 8

/* How many of the newest messages the list has at first; the older ones
 * join it when it is scrolled to the top, or a search goes there.
 */
#define SHOWN_FIRST 100

struct _TincanWindow
{
  AdwApplicationWindow  parent_instance;

  TincanSettings       *settings;
  TincanChat           *chat;
  gboolean              stick_to_bottom;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkWidget            *encryption_box;
  GtkImage             *encryption_image;
  GtkLabel             *encryption_label;
  GtkWidget            *verified_image;
  GtkRevealer          *key_changed_revealer;
  GtkWidget            *compare_button;
  GtkWidget            *accept_key_button;
  GtkStack             *stack;
  AdwStatusPage        *welcome_page;
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
  TincanComposeBox     *compose_box;
};

G_DEFINE_FINAL_TYPE (TincanWindow, tincan_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CHAT,
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

/* Plainly, in the header: whether anyone on the way could read along,
 * and whether a person checked the key.
 */
static void
tincan_window_update_encryption (TincanWindow *self)
{
  gboolean has_peer = tincan_settings_get_has_peer (self->settings);
  gboolean encrypted = tincan_chat_get_encrypted (self->chat);
  gboolean changed = tincan_chat_get_key_changed (self->chat);

  gtk_widget_set_visible (self->encryption_box, has_peer);
  gtk_image_set_from_icon_name (self->encryption_image,
                                encrypted ? "channel-secure-symbolic" : "channel-insecure-symbolic");
  gtk_label_set_label (self->encryption_label, encrypted ? _("Encrypted") : _("Not encrypted"));
  /* The key in use is the verified one, but the peer now answers with
   * another: no reassurance until that is settled.
   */
  gtk_widget_set_visible (self->verified_image,
                          encrypted && !changed && tincan_chat_get_verified (self->chat));
  gtk_revealer_set_reveal_child (self->key_changed_revealer, has_peer && changed);
}

static void
tincan_window_update (TincanWindow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *error;
  guint n_ignored;

  tincan_window_update_encryption (self);

  if (!tincan_settings_get_has_peer (self->settings))
    {
      adw_window_title_set_subtitle (self->window_title, _("No peer set up"));
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      return;
    }

  title = tincan_chat_dup_peer_title (self->chat);
  if (tincan_settings_get_mode (self->settings) == TINCAN_MODE_PLAIN)
    /* Translators: the peer's name or address, and "Plain text" */
    subtitle = g_strdup_printf (_("%s · Plain text"), title ? title : "");
  else
    /* Translators: the peer's name or address, and its presence, such as "Online" */
    subtitle = g_strdup_printf (_("%s · %s"), title ? title : "",
                                presence_label (tincan_chat_get_presence (self->chat)));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  /* A peer sending what is not Tin Can likely speaks plain text. */
  n_ignored = tincan_chat_get_n_ignored (self->chat);
  if (n_ignored > 0 && tincan_settings_get_mode (self->settings) == TINCAN_MODE_RELIABLE)
    {
      g_autofree char *ignored = NULL;

      ignored = g_strdup_printf (ngettext ("%u message that is not Tin Can was ignored. The other computer may be sending plain text.",
                                           "%u messages that are not Tin Can were ignored. The other computer may be sending plain text.",
                                           n_ignored),
                                 n_ignored);
      gtk_label_set_label (self->plain_label, ignored);
    }
  gtk_revealer_set_reveal_child (self->plain_revealer,
                                 n_ignored > 0
                                 && tincan_settings_get_mode (self->settings) == TINCAN_MODE_RELIABLE);

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
on_state_changed_cb (TincanWindow *self)
{
  tincan_window_update (self);
}

/* Scrolling */

static GtkAdjustment *
vadjustment (TincanWindow *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}

static gboolean
at_bottom (TincanWindow *self)
{
  GtkAdjustment *adjustment = vadjustment (self);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - BOTTOM_SLACK;
}

static void
scroll_to_bottom (TincanWindow *self)
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
on_adjustment_changed_cb (TincanWindow  *self,
                          GtkAdjustment *adjustment)
{
  /* The content grew or the window was resized. */
  if (self->stick_to_bottom)
    scroll_to_bottom (self);
}

static void
show_all (TincanWindow *self)
{
  gtk_slice_list_model_set_offset (self->shown, 0);
}

static gboolean
show_all_idle_cb (gpointer user_data)
{
  TincanWindow *self = user_data;
  guint top = gtk_slice_list_model_get_offset (self->shown);

  self->show_all_idle = 0;
  show_all (self);

  /* The row that was at the top stays in view. */
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", top);

  return G_SOURCE_REMOVE;
}

static void
on_adjustment_value_changed_cb (TincanWindow  *self,
                                GtkAdjustment *adjustment)
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
on_new_messages_button_clicked_cb (TincanWindow *self)
{
  self->stick_to_bottom = TRUE;
  scroll_to_bottom (self);
  gtk_widget_set_visible (self->new_messages_button, FALSE);
}

static void
on_items_changed_cb (TincanWindow *self,
                     guint         position,
                     guint         removed,
                     guint         added,
                     GListModel   *model)
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
on_list_view_map_cb (TincanWindow *self)
{
  if (gtk_list_view_get_model (self->list_view) != NULL)
    return;

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  scroll_to_bottom (self);
}

/* Sending */

static void
show_toast (TincanWindow *self,
            const char   *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
on_compose_box_send_cb (TincanWindow     *self,
                        const char       *text,
                        TincanComposeBox *box)
{
  g_autoptr(GError) error = NULL;

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
on_compose_box_text_refused_cb (TincanWindow *self)
{
  g_autofree char *message = NULL;

  /* Translators: %d is 1048576 */
  message = g_strdup_printf (_("Not added: a message holds up to 1 MiB (%d bytes)"),
                             (int) tincan_chat_get_max_message_size (self->chat));
  show_toast (self, message);
}

static void
retry_activated_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  TincanMessage *message = tincan_chat_find_outgoing (self->chat, id);
  g_autoptr(GError) error = NULL;

  if (message != NULL && !tincan_chat_retry (self->chat, message, &error))
    show_toast (self, error->message);
}

static void
cancel_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  TincanMessage *message = tincan_chat_find_outgoing (self->chat, id);
  g_autoptr(GError) error = NULL;

  if (message != NULL && !tincan_chat_cancel (self->chat, message, &error))
    show_toast (self, error->message);
}

/* History */

static void
on_accept_key_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           TincanWindow     *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "accept") != 0)
    return;

  if (!tincan_chat_accept_new_key (self->chat, &error))
    show_toast (self, error->message);
}

static void
accept_new_key_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
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
on_moved_aside_close_clicked_cb (TincanWindow *self)
{
  gtk_revealer_set_reveal_child (self->moved_aside_revealer, FALSE);
}

static void
on_clear_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      TincanWindow     *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "clear") != 0)
    return;

  if (!tincan_chat_clear_history (self->chat, &error))
    show_toast (self, error->message);
}

static void
clear_history_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Clear History?"),
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
  TincanWindow *self = TINCAN_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* @position is in the whole history. */
static void
show_search_result (TincanWindow *self,
                    guint         position)
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
on_search_next_cb (TincanWindow *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n_items = g_list_model_get_n_items (tincan_chat_get_messages (self->chat));
  guint selected = gtk_single_selection_get_selected (self->selection);
  g_autoptr(GError) error = NULL;
  int found;

  if (query[0] == '\0')
    return;

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
on_search_changed_cb (TincanWindow *self)
{
  /* A new query starts from the newest message again. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  on_search_next_cb (self);
}

static void
on_search_stopped_cb (TincanWindow *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_search_mode_cb (TincanWindow *self)
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
  TincanWindow *self = TINCAN_WINDOW (widget);

  tincan_settings_save_peer (self->settings,
                             tincan_settings_get_peer_address (self->settings),
                             tincan_settings_get_peer_port (self->settings),
                             tincan_settings_get_local_port (self->settings),
                             TINCAN_MODE_PLAIN);
}

/* Notifications */

static void
on_message_received_cb (TincanWindow  *self,
                        TincanMessage *message,
                        TincanChat    *chat)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (application == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  title = tincan_chat_dup_peer_title (chat);
  /* The start of it: g_utf8_substring() must not be asked past the end. */
  body = g_utf8_substring (tincan_message_get_text (message), 0,
                           MIN (g_utf8_strlen (tincan_message_get_text (message), 800), 200));

  notification = g_notification_new (title ? title : _("Tin Can"));
  g_notification_set_body (notification, body);
  g_notification_set_default_action (notification, "app.present");
  g_application_send_notification (application, "new-message", notification);
}

static void
on_is_active_cb (TincanWindow *self)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (application != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    g_application_withdraw_notification (application, "new-message");
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

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  tincan_message_row_set_message (TINCAN_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                  gtk_list_item_get_item (item));
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  tincan_message_row_set_message (TINCAN_MESSAGE_ROW (gtk_list_item_get_child (item)), NULL);
}

/* For tests/bench: with TINCAN_REPORT_FIRST_FRAME set, one line on
 * stderr once the first frame is painted, so start-up can be timed from
 * outside.
 */
static void
on_after_paint_cb (GdkFrameClock *clock,
                   TincanWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, self);
  g_printerr ("tincan: first frame\n");
}

static void
on_map_cb (TincanWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  g_signal_handlers_disconnect_by_func (self, on_map_cb, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint_cb), self, 0);
}

/* GObject */

static void
tincan_window_save_state (TincanWindow *self)
{
  GSettings *settings = tincan_settings_get_gsettings (self->settings);
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width, height;

  g_settings_set_boolean (settings, "window-maximized", maximized);

  if (maximized)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
}

static gboolean
tincan_window_close_request (GtkWindow *window)
{
  tincan_window_save_state (TINCAN_WINDOW (window));

  return GTK_WINDOW_CLASS (tincan_window_parent_class)->close_request (window);
}

static void
tincan_window_constructed (GObject *object)
{
  TincanWindow *self = TINCAN_WINDOW (object);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GListModel *messages;
  const char *moved_aside;
  guint n_items;
  GSettings *gsettings;

  G_OBJECT_CLASS (tincan_window_parent_class)->constructed (object);

  g_assert (TINCAN_IS_SETTINGS (self->settings));
  g_assert (TINCAN_IS_CHAT (self->chat));

  g_signal_connect_object (self->settings, "notify",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat, "notify",
                           G_CALLBACK (on_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->chat, "message-received",
                           G_CALLBACK (on_message_received_cb), self, G_CONNECT_SWAPPED);

  messages = tincan_chat_get_messages (self->chat);
  /* Selected is the search result; people cannot select rows. */
  n_items = g_list_model_get_n_items (messages);
  self->shown = gtk_slice_list_model_new (g_object_ref (messages),
                                          n_items > SHOWN_FIRST ? n_items - SHOWN_FIRST : 0,
                                          G_MAXUINT);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  tincan_compose_box_set_max_bytes (self->compose_box,
                                    tincan_chat_get_max_message_size (self->chat));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (on_search_mode_cb), self, G_CONNECT_SWAPPED);

  moved_aside = tincan_chat_get_moved_aside (self->chat);
  if (moved_aside != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is a file name */
      text = g_strdup_printf (_("The history was damaged. It was moved to “%s”, and a new one "
                                "was started."), moved_aside);
      gtk_label_set_label (self->moved_aside_label, text);
      gtk_revealer_set_reveal_child (self->moved_aside_revealer, TRUE);
    }
  g_signal_connect_object (messages, "items-changed",
                           G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);

  gsettings = tincan_settings_get_gsettings (self->settings);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (gsettings, "window-width"),
                               g_settings_get_int (gsettings, "window-height"));
  if (g_settings_get_boolean (gsettings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  tincan_window_update (self);

  /* A person can just start typing. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->compose_box));
}

static void
tincan_window_dispose (GObject *object)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_WINDOW);
  g_clear_object (&self->chat);
  g_clear_object (&self->settings);
  g_clear_handle_id (&self->show_all_idle, g_source_remove);
  g_clear_object (&self->selection);
  g_clear_object (&self->shown);

  G_OBJECT_CLASS (tincan_window_parent_class)->dispose (object);
}

static void
tincan_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CHAT:
      g_value_set_object (value, self->chat);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_CHAT:
      self->chat = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_window_class_init (TincanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tincan_window_constructed;
  object_class->dispose = tincan_window_dispose;
  object_class->get_property = tincan_window_get_property;
  object_class->set_property = tincan_window_set_property;

  window_class->close_request = tincan_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         TINCAN_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CHAT] =
    g_param_spec_object ("chat", NULL, NULL,
                         TINCAN_TYPE_CHAT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TINCAN_TYPE_COMPOSE_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tincan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, encryption_box);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, encryption_image);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, encryption_label);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, verified_image);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, key_changed_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, compare_button);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, accept_key_button);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, chat_page);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, error_settings_button);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, moved_aside_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, moved_aside_label);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, plain_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, plain_label);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, use_plain_button);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, new_messages_button);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, compose_box);
  gtk_widget_class_bind_template_callback (widget_class, on_new_messages_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_moved_aside_close_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stopped_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compose_box_send_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_compose_box_text_refused_cb);

  gtk_widget_class_install_action (widget_class, "chat.retry", "s", retry_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.cancel", "s", cancel_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.use-plain-text", NULL,
                                   use_plain_text_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.clear-history", NULL,
                                   clear_history_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.search", NULL, search_activated_cb);
  gtk_widget_class_install_action (widget_class, "chat.accept-new-key", NULL,
                                   accept_new_key_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "chat.search", NULL);
}

static void
tincan_window_init (TincanWindow *self)
{
  GtkAdjustment *adjustment;

  self->stick_to_bottom = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  adjustment = vadjustment (self);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (on_adjustment_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (on_adjustment_value_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_cb), NULL);
  g_signal_connect_swapped (self->list_view, "map", G_CALLBACK (on_list_view_map_cb), self);

  if (g_getenv ("TINCAN_REPORT_FIRST_FRAME") != NULL)
    g_signal_connect (self, "map", G_CALLBACK (on_map_cb), NULL);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

TincanWindow *
tincan_window_new (TincanApplication *application)
{
  g_return_val_if_fail (TINCAN_IS_APPLICATION (application), NULL);

  return g_object_new (TINCAN_TYPE_WINDOW,
                       "application", application,
                       "settings", tincan_application_get_settings (application),
                       "chat", tincan_application_get_chat (application),
                       NULL);
}

/* tincan-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window: a sidebar of people (TincanPeople, each a
 * TincanPersonRow) beside the conversation with the one selected (a
 * TincanConversationView), in an AdwLeaflet that folds to one pane on a
 * narrow window.  With nobody at all it welcomes the person and offers
 * to add someone by address.
 *
 * The sidebar's selection is the person shown.  The hub may reorder its
 * list as messages come (most recent first), so the window remembers
 * whom it shows and keeps them selected wherever they move.
 *
 * What else is the window's own: its size, the keyboard ways between
 * people, and notifications for messages that come while it is not
 * looked at, which bring back the person they name (app.open-person).
 */

#define G_LOG_DOMAIN "tincan-window"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-conversation-view.h"
#include "tincan-peer-dialog.h"
#include "tincan-person-row.h"
#include "tincan-window.h"

struct _TincanWindow
{
  AdwApplicationWindow    parent_instance;

  TincanPeople           *people;
  TincanPerson           *person;         /* the one shown */
  GtkSingleSelection     *selection;
  GHashTable             *chats;          /* TincanChat whose messages notify */
  gboolean                selecting;      /* the window, not a person, selects */

  GtkStack               *stack;
  AdwWindowTitle         *window_title;
  AdwStatusPage          *welcome_page;
  AdwLeaflet             *leaflet;
  GtkListView            *people_view;
  GtkStack               *content_stack;
  TincanConversationView *conversation_view;
  AdwWindowTitle         *nearby_title;
  AdwStatusPage          *nearby_page;
};

G_DEFINE_FINAL_TYPE (TincanWindow, tincan_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PEOPLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
person_position (TincanWindow *self,
                 TincanPerson *person)
{
  GListModel *model = G_LIST_MODEL (self->people);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; person != NULL && i < n; i++)
    {
      g_autoptr(TincanPerson) item = g_list_model_get_item (model, i);

      if (item == person)
        return i;
    }

  return GTK_INVALID_LIST_POSITION;
}

/* Read once they are in view: the window looked at, the person shown,
 * and not hidden behind the sidebar of a folded leaflet.
 */
static void
tincan_window_mark_read (TincanWindow *self)
{
  if (self->person == NULL || !gtk_window_is_active (GTK_WINDOW (self))
      || tincan_person_get_unread (self->person) == 0)
    return;

  if (adw_leaflet_get_folded (self->leaflet)
      && adw_leaflet_get_visible_child (self->leaflet) != GTK_WIDGET (self->content_stack))
    return;

  tincan_people_mark_read (self->people, self->person);
}

static void tincan_window_follow_chats (TincanWindow *self);

static void
on_person_notify_cb (TincanWindow *self,
                     GParamSpec   *pspec,
                     TincanPerson *person)
{
  if (g_str_equal (pspec->name, "unread"))
    tincan_window_mark_read (self);
  else if (g_str_equal (pspec->name, "chat") || g_str_equal (pspec->name, "name"))
    {
      /* A nearby person's conversation started, here or elsewhere. */
      TincanChat *chat = tincan_person_get_chat (person);

      tincan_window_follow_chats (self);
      tincan_conversation_view_set_chat (self->conversation_view, chat);
      gtk_stack_set_visible_child_name (self->content_stack, chat != NULL ? "conversation" : "nearby");
      adw_window_title_set_title (self->nearby_title, tincan_person_get_name (person));
      adw_status_page_set_title (self->nearby_page, tincan_person_get_name (person));
    }
}

static void
tincan_window_show_person (TincanWindow *self,
                           TincanPerson *person)
{
  if (self->person == person)
    return;

  if (self->person != NULL)
    g_signal_handlers_disconnect_by_data (self->person, self);
  g_set_object (&self->person, person);

  if (person == NULL)
    {
      tincan_conversation_view_set_chat (self->conversation_view, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "conversation");
      return;
    }

  /* Someone of the history: their conversation opens when they are. */
  if (tincan_person_get_chat (person) == NULL && !tincan_person_get_nearby (person))
    tincan_people_start_conversation (self->people, person, NULL);

  g_signal_connect_object (person, "notify",
                           G_CALLBACK (on_person_notify_cb), self, G_CONNECT_SWAPPED);
  on_person_notify_cb (self, g_object_class_find_property (G_OBJECT_GET_CLASS (person), "chat"),
                       person);
  tincan_window_mark_read (self);
}

/* Selects @person in the sidebar and shows them; a person's choice (not
 * the window's own) also turns a folded leaflet to the conversation.
 */
static void
tincan_window_select (TincanWindow *self,
                      TincanPerson *person,
                      gboolean      navigate)
{
  guint position = person_position (self, person);

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = FALSE;
  tincan_window_show_person (self, person);

  if (navigate)
    {
      adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
      tincan_window_mark_read (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->conversation_view));
    }
}

static void
on_selected_cb (TincanWindow *self)
{
  TincanPerson *person = gtk_single_selection_get_selected_item (self->selection);

  /* Gone from the list for a moment, as it is reordered: the window puts
   * the selection back when it has settled.
   */
  if (person == NULL || self->selecting)
    return;

  tincan_window_select (self, person, person != self->person);
}

/* Notifications */

static void
on_message_received_cb (TincanWindow  *self,
                        TincanMessage *message,
                        TincanChat    *chat)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  TincanPerson *person = tincan_people_find_by_chat (self->people, chat);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (application == NULL || gtk_window_is_active (GTK_WINDOW (self)))
    return;

  if (person != NULL && tincan_person_get_name (person) != NULL)
    title = g_strdup (tincan_person_get_name (person));
  else
    title = tincan_chat_dup_peer_title (chat);
  if (tincan_message_get_transfer (message) != NULL)
    /* Translators: a notification; %s is a person's name, then a file's */
    body = g_strdup_printf (_("%s sent %s"), title ? title : _("Someone"),
                            tincan_transfer_get_name (tincan_message_get_transfer (message)));
  else
    /* The start of it: g_utf8_substring() must not be asked past the end. */
    body = g_utf8_substring (tincan_message_get_text (message), 0,
                             MIN (g_utf8_strlen (tincan_message_get_text (message), 800), 200));

  notification = g_notification_new (title ? title : _("Tin Can"));
  g_notification_set_body (notification, body);
  if (person != NULL)
    g_notification_set_default_action_and_target (notification, "app.open-person", "x",
                                                  tincan_person_get_id (person));
  else
    g_notification_set_default_action (notification, "app.present");
  g_application_send_notification (application, "new-message", notification);
}

static void
on_is_active_cb (TincanWindow *self)
{
  GApplication *application = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (application != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    g_application_withdraw_notification (application, "new-message");

  tincan_window_mark_read (self);
}

/* Each conversation's messages, whoever it is with, once. */
static void
tincan_window_follow_chats (TincanWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->people);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);
      TincanChat *chat = tincan_person_get_chat (person);

      if (chat == NULL || g_hash_table_contains (self->chats, chat))
        continue;

      g_hash_table_add (self->chats, g_object_ref (chat));
      g_signal_connect_object (chat, "message-received",
                               G_CALLBACK (on_message_received_cb), self, G_CONNECT_SWAPPED);
    }
}

/* The people */

static void
on_people_changed_cb (TincanWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->people));
  gboolean welcome = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "welcome") == 0;
  g_autoptr(TincanPerson) first = NULL;

  tincan_window_follow_chats (self);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "people" : "welcome");

  if (n == 0)
    {
      tincan_window_show_person (self, NULL);
      return;
    }

  /* Whoever was shown stays, wherever the list put them. */
  if (person_position (self, self->person) != GTK_INVALID_LIST_POSITION)
    {
      tincan_window_select (self, self->person, FALSE);
      return;
    }

  first = g_list_model_get_item (G_LIST_MODEL (self->people), 0);
  tincan_window_select (self, first, FALSE);

  /* The first person, just added: the next thing is to write to them. */
  if (welcome)
    gtk_widget_grab_focus (GTK_WIDGET (self->conversation_view));
}

static void
on_person_items_changed_cb (TincanWindow *self,
                            guint         position,
                            guint         removed,
                            guint         added,
                            GListModel   *model)
{
  on_people_changed_cb (self);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  gtk_list_item_set_child (item, tincan_person_row_new ());
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  tincan_person_row_set_person (TINCAN_PERSON_ROW (gtk_list_item_get_child (item)),
                                gtk_list_item_get_item (item));
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  tincan_person_row_set_person (TINCAN_PERSON_ROW (gtk_list_item_get_child (item)), NULL);
}

/* Actions */

static void
add_person_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  TincanPeerDialog *dialog = tincan_peer_dialog_new_add (self->people);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_person_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  TincanPerson *person = tincan_people_find_by_id (self->people, g_variant_get_int64 (parameter));

  if (person != NULL)
    tincan_window_select (self, person, TRUE);
}

static void
select_nth (TincanWindow *self,
            guint         position)
{
  g_autoptr(TincanPerson) person = NULL;

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->people)))
    return;

  person = g_list_model_get_item (G_LIST_MODEL (self->people), position);
  tincan_window_select (self, person, TRUE);
}

static void
select_person_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  select_nth (TINCAN_WINDOW (widget), g_variant_get_uint32 (parameter));
}

static void
next_person_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  guint position = person_position (self, self->person);

  if (position != GTK_INVALID_LIST_POSITION)
    select_nth (self, position + 1);
}

static void
previous_person_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  guint position = person_position (self, self->person);

  if (position != GTK_INVALID_LIST_POSITION && position > 0)
    select_nth (self, position - 1);
}

static void
back_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
start_conversation_activated_cb (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  /* Once started, the person's chat is set, and the conversation shown. */
  if (self->person == NULL
      || tincan_people_start_conversation (self->people, self->person, &error) != NULL)
    return;

  /* Said where the person looks, in place of the invitation. */
  adw_status_page_set_description (self->nearby_page, error->message);
}

static void
on_leaflet_visible_child_cb (TincanWindow *self)
{
  tincan_window_mark_read (self);
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
  GSettings *settings = tincan_settings_get_gsettings (tincan_people_get_settings (self->people));
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
  TincanSettings *settings;
  GSettings *gsettings;

  G_OBJECT_CLASS (tincan_window_parent_class)->constructed (object);

  g_assert (TINCAN_IS_PEOPLE (self->people));
  settings = tincan_people_get_settings (self->people);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->people)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->people_view, factory);
  gtk_list_view_set_model (self->people_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selected_cb), self, G_CONNECT_SWAPPED);
  /* After the selection's own handler: the list has settled by then. */
  g_signal_connect_object (self->people, "items-changed",
                           G_CALLBACK (on_person_items_changed_cb), self, G_CONNECT_SWAPPED);

  tincan_conversation_view_set_settings (self->conversation_view, settings);
  on_people_changed_cb (self);

  gsettings = tincan_settings_get_gsettings (settings);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (gsettings, "window-width"),
                               g_settings_get_int (gsettings, "window-height"));
  if (g_settings_get_boolean (gsettings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* A person can just start typing. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->conversation_view));
}

static void
tincan_window_dispose (GObject *object)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  if (self->person != NULL)
    g_signal_handlers_disconnect_by_data (self->person, self);
  g_clear_object (&self->person);
  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->chats, g_hash_table_unref);
  g_clear_object (&self->people);

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
    case PROP_PEOPLE:
      g_value_set_object (value, self->people);
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
    case PROP_PEOPLE:
      self->people = g_value_dup_object (value);
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

  properties[PROP_PEOPLE] =
    g_param_spec_object ("people", NULL, NULL,
                         TINCAN_TYPE_PEOPLE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TINCAN_TYPE_CONVERSATION_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/tincan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, people_view);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, conversation_view);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, nearby_title);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, nearby_page);

  gtk_widget_class_install_action (widget_class, "win.add-person", NULL, add_person_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.open-person", "x", open_person_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.select-person", "u",
                                   select_person_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.next-person", NULL, next_person_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.previous-person", NULL,
                                   previous_person_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.start-conversation", NULL,
                                   start_conversation_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-person", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK,
                                       "win.next-person", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK,
                                       "win.previous-person", NULL);
  for (guint i = 0; i < 9; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.select-person", "u", i);
}

static void
tincan_window_init (TincanWindow *self)
{
  self->chats = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_cb), NULL);
  g_signal_connect_object (self->leaflet, "notify::visible-child",
                           G_CALLBACK (on_leaflet_visible_child_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::folded",
                           G_CALLBACK (on_leaflet_visible_child_cb), self, G_CONNECT_SWAPPED);

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
                       "people", tincan_application_get_people (application),
                       NULL);
}

/* tincan-window-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tincan-gui-test-utils.h"
#include "tincan-message-row.h"
#include "tincan-person-row.h"
#include "tincan-test-utils.h"
#include "tincan-window.h"
#include "tincan-window-test-utils.h"

/* A stand-in for the desktop's notification server: org.gtk.Notifications
 * on the test's private session bus, keeping what it is sent.  With it,
 * GLib picks its "gtk" notification backend, as on GNOME.
 */

GPtrArray *notifications;

static void
notification_free (gpointer data)
{
  Notification *n = data;

  g_free (n->id);
  g_free (n->title);
  g_free (n->body);
  g_free (n->action);
  g_clear_pointer (&n->target, g_variant_unref);
  g_free (n);
}

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  if (g_str_equal (method_name, "AddNotification"))
    {
      g_autoptr(GVariant) data = NULL;
      Notification *n = g_new0 (Notification, 1);

      g_variant_get (parameters, "(&ss@a{sv})", NULL, &n->id, &data);
      g_variant_lookup (data, "title", "s", &n->title);
      g_variant_lookup (data, "body", "s", &n->body);
      g_variant_lookup (data, "default-action", "s", &n->action);
      n->target = g_variant_lookup_value (data, "default-action-target", NULL);
      g_ptr_array_add (notifications, n);
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* A stand-in for a desktop service on the test's session bus: the one
 * interface in @xml at @path, answered by @vtable, under the bus name
 * @name (4: DBUS_NAME_FLAG_DO_NOT_QUEUE).
 */
void
own_fake_service (const char                 *xml,
                  const char                 *path,
                  const char                 *name,
                  const GDBusInterfaceVTable *vtable)
{
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, NULL);
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;

  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, path, info->interfaces[0], vtable, NULL, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", name, 4),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

void
start_notification_server (void)
{
  static const char xml[] =
    "<node><interface name='org.gtk.Notifications'>"
    "<method name='AddNotification'><arg type='s' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='a{sv}' direction='in'/></method>"
    "<method name='RemoveNotification'><arg type='s' direction='in'/>"
    "<arg type='s' direction='in'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { notifications_method_cb };

  notifications = g_ptr_array_new_with_free_func (notification_free);
  own_fake_service (xml, "/org/gtk/Notifications", "org.gtk.Notifications", &vtable);
}

Peer peer;

static void
on_peer_received_cb (TincanLink    *link,
                     TincanMessage *message,
                     gpointer       user_data)
{
  g_ptr_array_add (peer.received, g_strdup (tincan_message_get_text (message)));
}

/* The peer's link on @port (0 for any), proving @private_key (%NULL for
 * a key of its own) in its handshakes.
 */
static void
peer_link_open (const guint8 *private_key,
                guint16       port)
{
  g_autoptr(GError) error = NULL;

  peer.link = tincan_link_new (port, TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  peer.peer_port = tincan_link_get_local_port (peer.link);
  if (private_key != NULL)
    tincan_link_set_static_key (peer.link, private_key);
  tincan_link_set_display_name (peer.link, "Grace");
  g_signal_connect (peer.link, "message-received", G_CALLBACK (on_peer_received_cb), NULL);
  tincan_link_set_peer (peer.link, "127.0.0.1", peer.app_port);
}

/* A peer on loopback, and settings that point the app at it. */
void
peer_open (void)
{
  peer_open_full (NULL, 0);
}

/* Like peer_open(), with @private_key as its identity (%NULL for a new
 * one) and on @port (0 for any free one).
 */
void
peer_open_full (const guint8 *private_key,
                guint16       port)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);

  reset_settings ();
  peer.app_port = tincan_test_unused_port ();
  peer.received = g_ptr_array_new_with_free_func (g_free);
  peer_link_open (private_key, port);

  g_settings_set_string (settings, "peer-address", "127.0.0.1");
  g_settings_set_int (settings, "peer-port", peer.peer_port);
  g_settings_set_int (settings, "local-port", peer.app_port);
}

/* Another Tin Can on the peer's address, with @private_key (%NULL for a
 * new one): a reinstall, or someone in between.
 */
void
peer_replace (const guint8 *private_key)
{
  guint16 port = peer.peer_port;

  g_clear_object (&peer.link);
  peer_link_open (private_key, port);
}

void
peer_close (void)
{
  g_clear_object (&peer.link);
  g_clear_pointer (&peer.received, g_ptr_array_unref);
}

void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (TINCAN_IS_MESSAGE_ROW (widget))
    g_ptr_array_add (rows, widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_rows (c, rows);
}

/* The row a person sees for @text: mapped, with that text on screen. */
GtkWidget *
find_row (RowQuery *query)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (view_child (query->window, "list_view"), rows);

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      TincanMessage *message = tincan_message_row_get_message (TINCAN_MESSAGE_ROW (row));
      GtkLabel *text_label = child (row, TINCAN_TYPE_MESSAGE_ROW, "text_label");
      GtkLabel *state_label = child (row, TINCAN_TYPE_MESSAGE_ROW, "state_label");

      if (message == NULL || !gtk_widget_get_mapped (row)
          || g_strcmp0 (gtk_label_get_text (text_label), query->text) != 0)
        continue;

      if (query->state == NULL || g_strcmp0 (gtk_label_get_text (state_label), query->state) == 0)
        return row;
    }

  return NULL;
}

gboolean
row_shown (gpointer query)
{
  return find_row (query) != NULL;
}

static gboolean
subtitle_ends_with (gpointer data)
{
  gpointer *args = data;
  g_autofree char *header = header_text (args[0]);

  return g_str_has_suffix (header, args[1]);
}

void
wait_subtitle (GtkWindow  *window,
               const char *suffix)
{
  gpointer args[2] = { window, (gpointer) suffix };

  if (!tincan_test_wait_for (subtitle_ends_with, args))
    {
      g_autofree char *header = header_text (window);

      g_error ("The header says “%s”, not “…%s”", header, suffix);
    }
}

/* The window's message box. */
TincanComposeBox *
compose_box (GtkWindow *window)
{
  return view_child (window, "compose_box");
}

void
type_and_send (GtkWindow  *window,
               const char *text)
{
  set_compose_text (compose_box (window), text);
  g_assert_true (press_key (compose_box (window), GDK_KEY_Return, 0));
}

/* The sidebar's row for @person, mapped on screen. */
GtkWidget *
find_person_row (GtkWindow    *window,
                 TincanPerson *person)
{
  GtkWidget *list = child (window, TINCAN_TYPE_WINDOW, "people_view");
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, list);
  while (stack->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

      if (TINCAN_IS_PERSON_ROW (widget)
          && tincan_person_row_get_person (TINCAN_PERSON_ROW (widget)) == person
          && gtk_widget_get_mapped (widget))
        return widget;

      for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }

  return NULL;
}

/* Whom the sidebar has selected. */
TincanPerson *
selected_person (GtkWindow *window)
{
  GtkListView *list = child (window, TINCAN_TYPE_WINDOW, "people_view");

  return gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (gtk_list_view_get_model (list)));
}

/* What a key press of @accelerator does on @widget's own shortcuts (the
 * class's bindings), as GTK would run it; %FALSE if no shortcut has it.
 */
gboolean
activate_shortcut (GtkWidget  *widget,
                   const char *accelerator)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);

  g_assert_nonnull (wanted);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }

  return FALSE;
}

gboolean
revealed (gpointer revealer)
{
  return gtk_revealer_get_reveal_child (revealer) && gtk_widget_get_mapped (revealer);
}

gboolean
hidden (gpointer revealer)
{
  return !gtk_revealer_get_reveal_child (revealer);
}


gboolean
drop_everything (TincanLink   *link,
                 const guint8 *datagram,
                 gsize         length,
                 gpointer      user_data)
{
  return FALSE;
}

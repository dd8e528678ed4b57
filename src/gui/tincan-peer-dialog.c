/* tincan-peer-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The peer dialog: whom to chat with, on which ports, in which mode, and
 * the addresses of this computer to read out to the other person.
 * In Tin Can mode it also shows this computer's fingerprint and the
 * safety number both computers show, to compare aloud, and marks the
 * peer's key verified when they match.
 *
 * Each field is checked as it is typed.  A field shows its error once the
 * person has edited it (an empty form on first run is not shouted at), and
 * Save stays disabled while any field is wrong, so nothing invalid ever
 * reaches GSettings.
 *
 * Made with tincan_peer_dialog_new_add(), it is the same form for adding
 * a person by address: only address, port and mode, given to the people
 * hub, and the window then shows that person (win.open-person).
 *
 * The mode combo's rows are TincanMode's values in order (Tin Can, Plain
 * text, IP Messenger): selected_mode() is the one place that reads it.
 */

#define G_LOG_DOMAIN "tincan-peer-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-address.h"
#include "tincan-peer-dialog.h"

#define MAX_NAME_LENGTH 64

struct _TincanPeerDialog
{
  AdwWindow            parent_instance;

  TincanSettings      *settings;
  TincanChat          *chat;
  TincanPeople        *people;         /* adding a person */
  TincanPeople        *hub;            /* the running one: whether IP Messenger runs */

  GtkButton           *save_button;
  AdwEntryRow         *address_row;
  AdwEntryRow         *peer_port_row;
  AdwComboRow         *mode_row;
  AdwActionRow        *test_row;
  GtkWidget           *test_button;
  GtkWidget           *you_group;
  GtkWidget           *people_group;
  GtkSwitch           *discovery_switch;
  AdwActionRow        *ipmsg_row;
  GtkSwitch           *ipmsg_switch;
  GtkSpinButton       *waiting_spin;
  GtkSpinButton       *accept_files_spin;
  GtkWidget           *encryption_group;
  GCancellable        *test_cancellable;
  AdwEntryRow         *name_row;
  AdwEntryRow         *local_port_row;
  GtkLabel            *address_error;
  GtkLabel            *peer_port_error;
  GtkLabel            *name_error;
  GtkLabel            *local_port_error;
  AdwPreferencesGroup *addresses_group;
  AdwToastOverlay     *toast_overlay;
  GtkWidget           *plain_row;
  GtkWidget           *own_key_row;
  GtkLabel            *own_fingerprint_label;
  GtkWidget           *safety_number_row;
  GtkLabel            *safety_number_title;
  GtkLabel            *safety_number_hint;
  GtkLabel            *safety_number_label;
  GtkButton           *verify_button;

  GPtrArray           *address_rows;

  gboolean             loading;
  gboolean             address_edited;
  gboolean             peer_port_edited;
  gboolean             name_edited;
  gboolean             local_port_edited;
};

G_DEFINE_FINAL_TYPE (TincanPeerDialog, tincan_peer_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CHAT,
  PROP_PEOPLE,
  PROP_HUB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Shows @error (or hides the message when it is %NULL) under the row's
 * group, and marks the row itself, when the person has touched the field.
 */
static void
show_field_error (AdwEntryRow  *row,
                  GtkLabel     *label,
                  const GError *error,
                  gboolean      edited)
{
  gboolean visible = error != NULL && edited;

  if (visible)
    {
      gtk_label_set_label (label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");

  gtk_widget_set_visible (GTK_WIDGET (label), visible);
}

static gboolean
validate_name (const char  *text,
               GError     **error)
{
  if (g_utf8_strlen (text, -1) > MAX_NAME_LENGTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   ngettext ("The name can have at most %d character",
                             "The name can have at most %d characters",
                             MAX_NAME_LENGTH),
                   MAX_NAME_LENGTH);
      return FALSE;
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The name cannot contain control characters"));
          return FALSE;
        }
    }

  return TRUE;
}

/* Four groups of five digits a line, as people read them out. */
static char *
format_safety_number (const char *number)
{
  g_auto(GStrv) groups = g_strsplit (number, " ", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (text, i % 4 == 0 ? '\n' : ' ');
      g_string_append (text, groups[i]);
    }

  return g_string_free (text, FALSE);
}

static TincanMode
selected_mode (TincanPeerDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->mode_row);

  return selected <= TINCAN_MODE_IPMSG ? (TincanMode) selected : TINCAN_MODE_RELIABLE;
}

/* What the chosen mode means for privacy, and the keys that make it. */
static void
tincan_peer_dialog_update_keys (TincanPeerDialog *self)
{
  TincanMode mode = selected_mode (self);
  gboolean plain = mode != TINCAN_MODE_RELIABLE;
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;
  gboolean changed = FALSE;
  gboolean verified = FALSE;
  const char *own = NULL;

  if (self->chat != NULL)
    {
      own = tincan_chat_get_own_fingerprint (self->chat);
      changed = tincan_chat_get_key_changed (self->chat);
      verified = tincan_chat_get_verified (self->chat);
      number = changed ? tincan_chat_dup_new_safety_number (self->chat)
                       : tincan_chat_dup_safety_number (self->chat);
    }

  gtk_widget_set_visible (self->plain_row, plain);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->plain_row),
                               mode == TINCAN_MODE_IPMSG
                               ? _("IP Messenger sends text as it is: anyone on the way can read it or change it.")
                               : _("Plain text goes over the network as it is: anyone on the way can read it or change it."));
  gtk_widget_set_visible (self->own_key_row, !plain && own != NULL);
  gtk_widget_set_visible (self->safety_number_row, !plain && own != NULL);
  if (plain || own == NULL)
    return;

  gtk_label_set_label (self->own_fingerprint_label, own);

  if (changed)
    {
      gtk_label_set_label (self->safety_number_title, _("New Safety Number"));
      gtk_label_set_label (self->safety_number_hint,
                           _("The other computer’s key changed. Compare this number with the one "
                             "the other computer shows before accepting the new key."));
    }
  else if (number != NULL)
    {
      gtk_label_set_label (self->safety_number_title, _("Safety Number"));
      gtk_label_set_label (self->safety_number_hint,
                           _("Compare it with the one the other computer shows, in person or "
                             "on a call. If they are the same, nobody is in between."));
    }
  else
    {
      gtk_label_set_label (self->safety_number_title, _("Safety Number"));
      gtk_label_set_label (self->safety_number_hint,
                           _("Shown once the other computer answers."));
    }

  if (number != NULL)
    text = format_safety_number (number);
  gtk_label_set_label (self->safety_number_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->safety_number_label), text != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->verify_button), number != NULL && !changed);
  gtk_button_set_label (self->verify_button, verified ? _("Verified") : _("_Mark as Verified"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.mark-verified",
                                 number != NULL && !changed && !verified);
}

static void
mark_verified_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (self->chat == NULL)
    return;

  if (!tincan_chat_mark_verified (self->chat, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

static void
tincan_peer_dialog_update_addresses (TincanPeerDialog *self)
{
  const char *port_text = gtk_editable_get_text (GTK_EDITABLE (self->local_port_row));
  g_autofree char *subtitle = NULL;
  guint16 port;

  if (tincan_address_parse_port (port_text, &port, NULL))
    /* Translators: %u is a UDP port number */
    subtitle = g_strdup_printf (_("UDP port %u"), port);

  for (guint i = 0; i < self->address_rows->len; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->address_rows, i);

      adw_action_row_set_subtitle (row, subtitle ? subtitle : "");
    }
}

/* The test speaks through the running link, so it tests what is saved:
 * with changes in the fields, they must be saved first.
 */
static void
tincan_peer_dialog_update_test (TincanPeerDialog *self,
                                const char       *host,
                                guint16           local_port)
{
  guint16 peer_port = 0;
  gboolean unchanged;
  gboolean has_link = self->chat != NULL && tincan_chat_has_link (self->chat);

  tincan_address_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->peer_port_row)),
                             &peer_port, NULL);

  unchanged = host != NULL
              && g_strcmp0 (host, tincan_settings_get_peer_address (self->settings)) == 0
              && peer_port == tincan_settings_get_peer_port (self->settings)
              && local_port == tincan_settings_get_local_port (self->settings)
              && selected_mode (self) == tincan_settings_get_mode (self->settings);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.test",
                                 has_link && unchanged
                                 && tincan_settings_get_mode (self->settings) == TINCAN_MODE_RELIABLE);
  gtk_widget_set_tooltip_text (self->test_button,
                               unchanged ? NULL : _("Save the changes to test them"));
}

static void
on_test_finished_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  TincanPeerDialog *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 rtt;

  rtt = tincan_chat_test_connection_finish (TINCAN_CHAT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = TINCAN_PEER_DIALOG (user_data);
  gtk_widget_set_sensitive (self->test_button, TRUE);

  if (error != NULL)
    {
      adw_action_row_set_subtitle (self->test_row, error->message);
      return;
    }

  /* Translators: %.1f is a round-trip time in milliseconds */
  text = g_strdup_printf (_("Tin Can answered in %.1f ms"), rtt / 1000.0);
  adw_action_row_set_subtitle (self->test_row, text);
}

static void
test_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (widget);

  if (self->chat == NULL || !tincan_chat_has_link (self->chat))
    return;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  self->test_cancellable = g_cancellable_new ();

  adw_action_row_set_subtitle (self->test_row, _("Testing…"));
  gtk_widget_set_sensitive (self->test_button, FALSE);
  tincan_chat_test_connection_async (self->chat, self->test_cancellable,
                                     on_test_finished_cb, self);
}

/* Checks every field, shows the messages of the edited ones, and enables
 * Save only when all are valid.
 */
static gboolean
tincan_peer_dialog_validate (TincanPeerDialog *self)
{
  g_autoptr(GError) address_error = NULL;
  g_autoptr(GError) peer_port_error = NULL;
  g_autoptr(GError) name_error = NULL;
  g_autoptr(GError) local_port_error = NULL;
  g_autofree char *host = NULL;
  guint16 port;
  gboolean valid;

  host = tincan_address_normalize_host (gtk_editable_get_text (GTK_EDITABLE (self->address_row)),
                                        &address_error);
  tincan_address_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->peer_port_row)),
                             &port, &peer_port_error);
  validate_name (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), &name_error);
  port = 0;
  tincan_address_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->local_port_row)),
                             &port, &local_port_error);

  show_field_error (self->address_row, self->address_error, address_error, self->address_edited);
  show_field_error (self->peer_port_row, self->peer_port_error, peer_port_error,
                    self->peer_port_edited);
  show_field_error (self->name_row, self->name_error, name_error, self->name_edited);
  show_field_error (self->local_port_row, self->local_port_error, local_port_error,
                    self->local_port_edited);

  valid = !address_error && !peer_port_error && !name_error && !local_port_error;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "peer.save", valid);
  tincan_peer_dialog_update_test (self, host, port);

  return valid;
}

static void
on_address_row_changed_cb (TincanPeerDialog *self)
{
  self->address_edited |= !self->loading;
  tincan_peer_dialog_validate (self);
}

static void
on_peer_port_row_changed_cb (TincanPeerDialog *self)
{
  self->peer_port_edited |= !self->loading;
  tincan_peer_dialog_validate (self);
}

static void
on_name_row_changed_cb (TincanPeerDialog *self)
{
  self->name_edited |= !self->loading;
  tincan_peer_dialog_validate (self);
}

static void
on_local_port_row_changed_cb (TincanPeerDialog *self)
{
  self->local_port_edited |= !self->loading;
  tincan_peer_dialog_validate (self);
  tincan_peer_dialog_update_addresses (self);
}

/* IP Messenger users are on its port: choosing the mode puts it in the
 * port field, unless the person typed a port of their own.
 */
static void
tincan_peer_dialog_suggest_port (TincanPeerDialog *self)
{
  g_autofree char *text = NULL;
  guint16 port = TINCAN_DEFAULT_PORT;

  if (self->peer_port_edited)
    return;

  if (selected_mode (self) == TINCAN_MODE_IPMSG)
    port = TINCAN_IPMSG_PORT;
  else if (self->people == NULL && tincan_settings_get_mode (self->settings) != TINCAN_MODE_IPMSG)
    port = tincan_settings_get_peer_port (self->settings);

  text = g_strdup_printf ("%u", port);
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->peer_port_row), text);
  self->loading = FALSE;
}

static void
on_mode_row_selected_cb (TincanPeerDialog *self)
{
  const char *subtitle;

  if (!self->loading)
    {
      tincan_peer_dialog_suggest_port (self);
      tincan_peer_dialog_validate (self);
    }

  switch (selected_mode (self))
    {
    case TINCAN_MODE_PLAIN:
      subtitle = _("Raw text, for netcat and simple scripts");
      break;

    case TINCAN_MODE_IPMSG:
      subtitle = _("For IP Messenger and iptux users on this network. Not encrypted.");
      break;

    case TINCAN_MODE_RELIABLE:
    default:
      subtitle = _("Reliable, and shows what was delivered");
      break;
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->mode_row), subtitle);

  tincan_peer_dialog_update_keys (self);
}

/* These three take effect at once, as switches do, without Save. */
static void
on_discovery_switch_active_cb (TincanPeerDialog *self)
{
  if (!self->loading)
    tincan_settings_set_discovery (self->settings, gtk_switch_get_active (self->discovery_switch));
}

static void
on_ipmsg_switch_active_cb (TincanPeerDialog *self)
{
  if (!self->loading)
    tincan_settings_set_ipmsg (self->settings, gtk_switch_get_active (self->ipmsg_switch));
}

/* Off for the run, or on but not running: the row says why. */
static void
tincan_peer_dialog_update_ipmsg (TincanPeerDialog *self)
{
  const char *error = self->hub != NULL ? tincan_people_get_ipmsg_error (self->hub) : NULL;
  gboolean overridden = tincan_settings_get_no_discovery_override (self->settings);

  gtk_widget_set_sensitive (GTK_WIDGET (self->ipmsg_row), !overridden);
  if (overridden)
    adw_action_row_set_subtitle (self->ipmsg_row,
                                 _("Off for this run: Tin Can was started with --no-discovery."));
  else if (error != NULL && tincan_settings_get_ipmsg (self->settings))
    adw_action_row_set_subtitle (self->ipmsg_row, error);
  else
    adw_action_row_set_subtitle (self->ipmsg_row,
                                 _("Chat with IP Messenger and iptux users on this network. "
                                   "Not encrypted."));

  if (error != NULL && !overridden && tincan_settings_get_ipmsg (self->settings))
    gtk_widget_add_css_class (GTK_WIDGET (self->ipmsg_row), "ipmsg-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->ipmsg_row), "ipmsg-error");
}

static void
on_waiting_spin_changed_cb (TincanPeerDialog *self)
{
  if (!self->loading)
    tincan_settings_set_waiting_days (self->settings,
                                      (guint) gtk_spin_button_get_value_as_int (self->waiting_spin));
}

static void
on_accept_files_spin_changed_cb (TincanPeerDialog *self)
{
  if (!self->loading)
    tincan_settings_set_accept_files_mib (self->settings,
                                          (guint) gtk_spin_button_get_value_as_int (self->accept_files_spin));
}

static void
on_row_entry_activated_cb (TincanPeerDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "peer.save", NULL);
}

static void
save_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (widget);
  g_autofree char *host = NULL;
  guint16 peer_port = 0;
  guint16 local_port = 0;
  TincanMode mode;

  /* The action is disabled while a field is wrong; this is the last line,
   * should it be activated anyway.  Every message is shown from here on.
   */
  self->address_edited = self->peer_port_edited = TRUE;
  self->name_edited = self->local_port_edited = TRUE;
  if (!tincan_peer_dialog_validate (self))
    return;

  host = tincan_address_normalize_host (gtk_editable_get_text (GTK_EDITABLE (self->address_row)),
                                        NULL);
  if (host == NULL
      || !tincan_address_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->peer_port_row)),
                                     &peer_port, NULL)
      || !tincan_address_parse_port (gtk_editable_get_text (GTK_EDITABLE (self->local_port_row)),
                                     &local_port, NULL))
    g_return_if_reached ();

  mode = selected_mode (self);

  /* A port another program holds would leave the chat where it is; say
   * so here, where it can be changed, and keep the dialog open.
   */
  if (self->chat != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!tincan_chat_check_port (self->chat, local_port, mode, &error))
        {
          show_field_error (self->local_port_row, self->local_port_error, error, TRUE);
          return;
        }
    }

  if (self->people != NULL)
    {
      g_autoptr(GError) error = NULL;
      TincanPerson *person;
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

      person = tincan_people_add_by_address (self->people, host, peer_port, mode, &error);
      if (person == NULL)
        {
          show_field_error (self->address_row, self->address_error, error, TRUE);
          return;
        }

      g_debug ("Added %s:%u", host, peer_port);
      if (parent != NULL)
        gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-person", "x",
                                    tincan_person_get_id (person));
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  g_debug ("Saving peer %s:%u, local port %u", host, peer_port, local_port);

  tincan_settings_set_display_name (self->settings,
                                    gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  tincan_settings_save_peer (self->settings, host, peer_port, local_port, mode);

  gtk_window_close (GTK_WINDOW (self));
}

static void
on_copy_button_clicked_cb (GtkButton *button,
                           gpointer   user_data)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (user_data);
  const char *address = g_object_get_data (G_OBJECT (button), "address");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), address);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Address copied")));
}

static void
tincan_peer_dialog_fill_addresses (TincanPeerDialog *self)
{
  g_auto(GStrv) addresses = tincan_address_list_local ();

  if (addresses[0] == NULL)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No network address"));
      adw_action_row_set_subtitle (row, _("This computer is not connected to a network"));
      adw_preferences_group_add (self->addresses_group, GTK_WIDGET (row));
      return;
    }

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), addresses[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title_selectable (ADW_PREFERENCES_ROW (row), TRUE);

      g_object_set_data_full (G_OBJECT (copy), "address", g_strdup (addresses[i]), g_free);
      gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (copy, _("Copy Address"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (copy),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy Address"),
                                      -1);
      gtk_widget_add_css_class (copy, "flat");
      g_signal_connect_object (copy, "clicked", G_CALLBACK (on_copy_button_clicked_cb), self, 0);
      adw_action_row_add_suffix (row, copy);

      adw_preferences_group_add (self->addresses_group, GTK_WIDGET (row));
      g_ptr_array_add (self->address_rows, row);
    }
}

static void
tincan_peer_dialog_load (TincanPeerDialog *self)
{
  g_autofree char *name = tincan_settings_dup_effective_name (self->settings);
  g_autofree char *peer_port = g_strdup_printf ("%u", tincan_settings_get_peer_port (self->settings));
  g_autofree char *local_port = g_strdup_printf ("%u", tincan_settings_get_local_port (self->settings));

  self->loading = TRUE;

  /* Someone new: nothing of the settings' peer. */
  if (self->people != NULL)
    {
      g_free (peer_port);
      peer_port = g_strdup_printf ("%u", TINCAN_DEFAULT_PORT);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->address_row),
                         self->people == NULL ? tincan_settings_get_peer_address (self->settings) : "");
  gtk_editable_set_text (GTK_EDITABLE (self->peer_port_row), peer_port);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (self->local_port_row), local_port);
  adw_combo_row_set_selected (self->mode_row,
                              self->people == NULL ? tincan_settings_get_mode (self->settings)
                                                   : TINCAN_MODE_RELIABLE);
  gtk_switch_set_active (self->discovery_switch, tincan_settings_get_discovery (self->settings));
  /* Off for this run (--no-discovery): the switch could not change it. */
  if (tincan_settings_get_no_discovery_override (self->settings))
    {
      GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (self->discovery_switch), ADW_TYPE_ACTION_ROW);

      gtk_widget_set_sensitive (row, FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Off for this run: Tin Can was started with --no-discovery."));
    }
  gtk_switch_set_active (self->ipmsg_switch, tincan_settings_get_ipmsg (self->settings));
  tincan_peer_dialog_update_ipmsg (self);
  gtk_spin_button_set_value (self->waiting_spin, tincan_settings_get_waiting_days (self->settings));
  gtk_spin_button_set_value (self->accept_files_spin,
                             tincan_settings_get_accept_files_mib (self->settings));

  self->loading = FALSE;

  on_mode_row_selected_cb (self);
  tincan_peer_dialog_update_addresses (self);
  tincan_peer_dialog_validate (self);
}

static void
tincan_peer_dialog_constructed (GObject *object)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (object);

  G_OBJECT_CLASS (tincan_peer_dialog_parent_class)->constructed (object);

  if (self->people != NULL)
    {
      g_assert (self->settings == NULL);
      self->settings = g_object_ref (tincan_people_get_settings (self->people));
      gtk_window_set_title (GTK_WINDOW (self), _("Add Person"));
      gtk_button_set_label (self->save_button, _("_Add"));
      gtk_window_set_default_size (GTK_WINDOW (self), 480, -1);
      gtk_widget_set_visible (GTK_WIDGET (self->test_row), FALSE);
      gtk_widget_set_visible (self->you_group, FALSE);
      gtk_widget_set_visible (self->people_group, FALSE);
      gtk_widget_set_visible (self->encryption_group, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->addresses_group), FALSE);
    }

  tincan_peer_dialog_fill_addresses (self);
  tincan_peer_dialog_load (self);

  if (self->chat != NULL)
    g_signal_connect_object (self->chat, "notify",
                             G_CALLBACK (tincan_peer_dialog_update_keys), self,
                             G_CONNECT_SWAPPED);
  if (self->hub != NULL)
    g_signal_connect_object (self->hub, "notify::ipmsg-error",
                             G_CALLBACK (tincan_peer_dialog_update_ipmsg), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "notify::ipmsg",
                           G_CALLBACK (tincan_peer_dialog_update_ipmsg), self,
                           G_CONNECT_SWAPPED);
  tincan_peer_dialog_update_keys (self);

  /* Typing should go where it is needed: the address on first run. */
  gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
}

static void
tincan_peer_dialog_dispose (GObject *object)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_PEER_DIALOG);
  g_clear_pointer (&self->address_rows, g_ptr_array_unref);
  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->chat);
  g_clear_object (&self->people);
  g_clear_object (&self->hub);

  G_OBJECT_CLASS (tincan_peer_dialog_parent_class)->dispose (object);
}

static void
tincan_peer_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CHAT:
      g_value_set_object (value, self->chat);
      break;

    case PROP_PEOPLE:
      g_value_set_object (value, self->people);
      break;

    case PROP_HUB:
      g_value_set_object (value, self->hub);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_peer_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TincanPeerDialog *self = TINCAN_PEER_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_CHAT:
      self->chat = g_value_dup_object (value);
      break;

    case PROP_PEOPLE:
      self->people = g_value_dup_object (value);
      break;

    case PROP_HUB:
      self->hub = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_peer_dialog_class_init (TincanPeerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tincan_peer_dialog_constructed;
  object_class->dispose = tincan_peer_dialog_dispose;
  object_class->get_property = tincan_peer_dialog_get_property;
  object_class->set_property = tincan_peer_dialog_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         TINCAN_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CHAT] =
    g_param_spec_object ("chat", NULL, NULL,
                         TINCAN_TYPE_CHAT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PEOPLE] =
    g_param_spec_object ("people", NULL, NULL,
                         TINCAN_TYPE_PEOPLE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /* The preferences' people hub, which says why IP Messenger is not
   * running; not the one a person is added to (#TincanPeerDialog:people).
   */
  properties[PROP_HUB] =
    g_param_spec_object ("hub", NULL, NULL,
                         TINCAN_TYPE_PEOPLE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tincan-peer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, peer_port_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, test_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, you_group);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, people_group);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, discovery_switch);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, ipmsg_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, ipmsg_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_ipmsg_switch_active_cb);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, waiting_spin);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, accept_files_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_discovery_switch_active_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_waiting_spin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_files_spin_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, encryption_group);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, local_port_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, address_error);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, peer_port_error);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, local_port_error);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, addresses_group);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, plain_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, own_key_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, own_fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, safety_number_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, safety_number_title);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, safety_number_hint);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, safety_number_label);
  gtk_widget_class_bind_template_child (widget_class, TincanPeerDialog, verify_button);
  gtk_widget_class_bind_template_callback (widget_class, on_address_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_peer_port_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_local_port_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_mode_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "peer.save", NULL, save_activated_cb);
  gtk_widget_class_install_action (widget_class, "peer.test", NULL, test_activated_cb);
  gtk_widget_class_install_action (widget_class, "peer.mark-verified", NULL,
                                   mark_verified_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tincan_peer_dialog_init (TincanPeerDialog *self)
{
  self->address_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * tincan_peer_dialog_new:
 * @settings: the settings to edit
 * @chat: (nullable): the running chat, whose port is not "in use"
 * @hub: (nullable): the running people hub, which says whether IP
 *   Messenger could start
 *
 * Returns: (transfer full): a new #TincanPeerDialog
 */
TincanPeerDialog *
tincan_peer_dialog_new (TincanSettings *settings,
                        TincanChat     *chat,
                        TincanPeople   *hub)
{
  g_return_val_if_fail (TINCAN_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (chat == NULL || TINCAN_IS_CHAT (chat), NULL);
  g_return_val_if_fail (hub == NULL || TINCAN_IS_PEOPLE (hub), NULL);

  return g_object_new (TINCAN_TYPE_PEER_DIALOG,
                       "settings", settings,
                       "chat", chat,
                       "hub", hub,
                       NULL);
}

/**
 * tincan_peer_dialog_new_add:
 * @people: the people to add someone to
 *
 * The form for adding a person by address: address, port and mode.
 *
 * Returns: (transfer full): a new #TincanPeerDialog
 */
TincanPeerDialog *
tincan_peer_dialog_new_add (TincanPeople *people)
{
  g_return_val_if_fail (TINCAN_IS_PEOPLE (people), NULL);

  return g_object_new (TINCAN_TYPE_PEER_DIALOG,
                       "people", people,
                       NULL);
}

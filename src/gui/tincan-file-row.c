/* tincan-file-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file in the conversation: its icon, name and size in a bubble on the
 * side of whoever sent it, how far it got while it moves, and what can be
 * done with it now (Accept, Decline, Open, Show in Folder, Cancel).
 *
 * The row only shows the message's TincanTransfer, which the files engine
 * keeps up to date; its buttons ask the conversation view to act, through
 * the chat.*-file actions named by the transfer's ID, so a recycled row
 * never acts on a file it no longer shows.
 */

#define G_LOG_DOMAIN "tincan-file-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-file-row.h"

struct _TincanFileRow
{
  GtkWidget       parent_instance;

  TincanMessage  *message;
  TincanTransfer *transfer;
  char           *peer_name;

  GtkWidget      *bubble;
  GtkImage       *icon;
  GtkLabel       *name_label;
  GtkLabel       *detail_label;
  GtkProgressBar *progress_bar;
  GtkWidget      *accept_button;
  GtkWidget      *decline_button;
  GtkWidget      *open_button;
  GtkWidget      *show_button;
  GtkWidget      *cancel_button;
  GtkLabel       *time_label;
  GtkLabel       *state_label;
};

G_DEFINE_FINAL_TYPE (TincanFileRow, tincan_file_row, GTK_TYPE_WIDGET)

/**
 * tincan_file_row_format_time_left:
 * @seconds: seconds, at least 0
 *
 * Returns: (transfer full): how long that is, roughly, as the row says
 *   it: "20 s left", "3 min left", "2 h 5 min left"
 */
char *
tincan_file_row_format_time_left (gint64 seconds)
{
  if (seconds < 60)
    /* Translators: time left in a file transfer, in seconds */
    return g_strdup_printf (_("%d s left"), (int) seconds);

  if (seconds < 3600)
    /* Translators: time left in a file transfer, in minutes */
    return g_strdup_printf (_("%d min left"), (int) ((seconds + 30) / 60));

  /* Translators: time left in a file transfer, in hours and minutes */
  return g_strdup_printf (_("%d h %d min left"),
                          (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

/**
 * tincan_file_row_format_progress:
 * @transfer: a #TincanTransfer
 *
 * Returns: (transfer full): "12.3 MB of 100 MB · 4.5 MB/s · 20 s left",
 *   the speed and the time left only once they are known
 */
char *
tincan_file_row_format_progress (TincanTransfer *transfer)
{
  g_autofree char *done = g_format_size (tincan_transfer_get_offset (transfer));
  g_autofree char *size = g_format_size (tincan_transfer_get_size (transfer));
  guint64 speed = tincan_transfer_get_speed (transfer);
  gint64 left = tincan_transfer_get_seconds_left (transfer);
  GString *text = g_string_new (NULL);

  /* Translators: bytes of a file so far, "12.3 MB of 100 MB" */
  g_string_printf (text, _("%s of %s"), done, size);

  if (speed > 0 && tincan_transfer_get_state (transfer) == TINCAN_TRANSFER_MOVING)
    {
      g_autofree char *rate = g_format_size (speed);

      /* Translators: a speed, "4.5 MB/s" */
      g_string_append (text, " · ");
      g_string_append_printf (text, _("%s/s"), rate);

      if (left >= 0)
        {
          g_autofree char *time_left = tincan_file_row_format_time_left (left);

          g_string_append (text, " · ");
          g_string_append (text, time_left);
        }
    }

  return g_string_free (text, FALSE);
}

static void
activate_file_action (TincanFileRow *self,
                      const char    *action)
{
  if (self->transfer != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), action, "s",
                                tincan_transfer_get_id (self->transfer));
}

static void
on_accept_button_clicked_cb (TincanFileRow *self)
{
  activate_file_action (self, "chat.accept-file");
}

/* Decline is a Cancel before the first byte. */
static void
on_cancel_button_clicked_cb (TincanFileRow *self)
{
  activate_file_action (self, "chat.cancel-file");
}

static void
on_open_button_clicked_cb (TincanFileRow *self)
{
  activate_file_action (self, "chat.open-file");
}

static void
on_show_button_clicked_cb (TincanFileRow *self)
{
  activate_file_action (self, "chat.show-file");
}

static const char *
peer_name (TincanFileRow *self)
{
  const char *waiting = tincan_transfer_get_waiting_for (self->transfer);

  if (waiting != NULL && waiting[0] != '\0')
    return waiting;
  if (self->peer_name != NULL && self->peer_name[0] != '\0')
    return self->peer_name;

  /* Whole sentences without a name, rather than a phrase to put in one. */
  return NULL;
}

/* A button's name for a screen reader says which file it acts on. */
static void
label_button (GtkWidget *button,
              char      *text)
{
  g_autofree char *label = text;

  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
tincan_file_row_update (TincanFileRow *self)
{
  TincanTransfer *transfer = self->transfer;
  TincanTransferState state = tincan_transfer_get_state (transfer);
  gboolean outgoing = tincan_transfer_get_outgoing (transfer);
  const char *name = tincan_transfer_get_name (transfer);
  guint64 size = tincan_transfer_get_size (transfer);
  g_autofree char *state_text = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *time_text = NULL;
  gboolean progress = FALSE;
  gboolean failed = FALSE;

  switch (state)
    {
    case TINCAN_TRANSFER_OFFERED:
      if (outgoing)
        /* Translators: %s is the name of the person the file is for */
        state_text = peer_name (self) != NULL
                     ? g_strdup_printf (_("Waiting for %s to accept"), peer_name (self))
                     : g_strdup (_("Waiting for the other computer to accept"));
      else
        state_text = g_strdup (_("Larger than you accept without asking"));
      break;

    case TINCAN_TRANSFER_MOVING:
      progress = TRUE;
      detail = tincan_file_row_format_progress (transfer);
      state_text = g_strdup (outgoing ? _("Sending…") : _("Receiving…"));
      break;

    case TINCAN_TRANSFER_PAUSED:
      progress = TRUE;
      detail = tincan_file_row_format_progress (transfer);
      /* Translators: %s is the name of the person who is away */
      state_text = peer_name (self) != NULL
                   ? g_strdup_printf (_("Paused, waiting for %s"), peer_name (self))
                   : g_strdup (_("Paused, waiting for the other computer"));
      break;

    case TINCAN_TRANSFER_VERIFYING:
      progress = TRUE;
      state_text = g_strdup (_("Checking…"));
      break;

    case TINCAN_TRANSFER_DONE:
      /* As a delivered message says it. */
      state_text = g_strdup (outgoing ? _("Delivered") : _("Saved"));
      break;

    case TINCAN_TRANSFER_FAILED:
      failed = TRUE;
      if (tincan_transfer_get_error (transfer) != NULL)
        state_text = g_strdup (tincan_transfer_get_error (transfer));
      else
        state_text = g_strdup (outgoing ? _("Not delivered") : _("Not received"));
      break;

    case TINCAN_TRANSFER_CANCELLED:
    default:
      /* The engine says who cancelled, when it knows. */
      if (tincan_transfer_get_error (transfer) != NULL)
        state_text = g_strdup (tincan_transfer_get_error (transfer));
      else
        state_text = g_strdup (_("Cancelled"));
      break;
    }

  if (detail == NULL)
    detail = g_format_size (size);

  gtk_label_set_label (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), progress);
  if (state == TINCAN_TRANSFER_VERIFYING)
    gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  else if (progress)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   size == 0 ? 0.0
                                             : (double) tincan_transfer_get_offset (transfer) / size);

  gtk_widget_set_visible (self->accept_button, !outgoing && state == TINCAN_TRANSFER_OFFERED);
  gtk_widget_set_visible (self->decline_button, !outgoing && state == TINCAN_TRANSFER_OFFERED);
  gtk_widget_set_visible (self->cancel_button,
                          !tincan_transfer_is_finished (transfer)
                          && !(!outgoing && state == TINCAN_TRANSFER_OFFERED));
  /* Only once it is there under its own name. */
  gtk_widget_set_visible (self->open_button,
                          !outgoing && state == TINCAN_TRANSFER_DONE
                          && tincan_transfer_get_file (transfer) != NULL);
  gtk_widget_set_visible (self->show_button, gtk_widget_get_visible (self->open_button));

  gtk_label_set_label (self->state_label, state_text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label),
                               failed ? tincan_transfer_get_error (transfer) : NULL);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");

  time = g_date_time_new_from_unix_local (tincan_message_get_time (self->message) / G_USEC_PER_SEC);
  time_text = g_date_time_format (time, "%H:%M");
  gtk_label_set_label (self->time_label, time_text);

  /* Read out as "sender, time, file name, size, state". */
  accessible = g_strdup_printf ("%s, %s, %s, %s, %s",
                                outgoing ? _("You") : _("Peer"),
                                time_text, name, detail, state_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
on_transfer_notify_cb (TincanFileRow *self)
{
  tincan_file_row_update (self);
}

static void
tincan_file_row_dispose (GObject *object)
{
  TincanFileRow *self = TINCAN_FILE_ROW (object);

  tincan_file_row_set_message (self, NULL);
  g_clear_pointer (&self->peer_name, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_FILE_ROW);

  G_OBJECT_CLASS (tincan_file_row_parent_class)->dispose (object);
}

static void
tincan_file_row_class_init (TincanFileRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_file_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "filerow");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tincan-file-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, icon);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, accept_button);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, decline_button);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, show_button);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, TincanFileRow, state_label);
  gtk_widget_class_bind_template_callback (widget_class, on_accept_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_button_clicked_cb);
}

static void
tincan_file_row_init (TincanFileRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tincan_file_row_new (void)
{
  return g_object_new (TINCAN_TYPE_FILE_ROW, NULL);
}

/**
 * tincan_file_row_get_message:
 * @self: a #TincanFileRow
 *
 * Returns: (transfer none) (nullable): the message shown
 */
TincanMessage *
tincan_file_row_get_message (TincanFileRow *self)
{
  g_return_val_if_fail (TINCAN_IS_FILE_ROW (self), NULL);

  return self->message;
}

/**
 * tincan_file_row_set_peer_name:
 * @self: a #TincanFileRow
 * @name: (nullable): whom the conversation is with, for "Waiting for
 *   NAME to accept" when the transfer does not say
 */
void
tincan_file_row_set_peer_name (TincanFileRow *self,
                               const char    *name)
{
  g_return_if_fail (TINCAN_IS_FILE_ROW (self));

  if (g_strcmp0 (self->peer_name, name) == 0)
    return;

  g_free (self->peer_name);
  self->peer_name = g_strdup (name);
  if (self->transfer != NULL)
    tincan_file_row_update (self);
}

/**
 * tincan_file_row_set_message:
 * @self: a #TincanFileRow
 * @message: (nullable): a message with a transfer, or %NULL
 *
 * Shows @message's file, and follows its transfer until another message
 * is set.
 */
void
tincan_file_row_set_message (TincanFileRow *self,
                             TincanMessage *message)
{
  gboolean outgoing;
  g_autoptr(GIcon) icon = NULL;
  const char *name;
  static const char * const followed[] = {
    "notify::offset", "notify::state", "notify::error", "notify::waiting-for", "notify::file",
  };

  g_return_if_fail (TINCAN_IS_FILE_ROW (self));
  g_return_if_fail (message == NULL || TINCAN_IS_MESSAGE (message));
  g_return_if_fail (message == NULL || tincan_message_get_transfer (message) != NULL);

  if (self->message == message)
    return;

  if (self->transfer != NULL)
    g_signal_handlers_disconnect_by_data (self->transfer, self);
  g_clear_object (&self->transfer);
  g_set_object (&self->message, message);

  if (message == NULL)
    return;

  self->transfer = g_object_ref (tincan_message_get_transfer (message));
  outgoing = tincan_transfer_get_outgoing (self->transfer);
  name = tincan_transfer_get_name (self->transfer);

  gtk_widget_set_halign (self->bubble, outgoing ? GTK_ALIGN_END : GTK_ALIGN_START);
  if (outgoing)
    {
      gtk_widget_add_css_class (self->bubble, "outgoing");
      gtk_widget_remove_css_class (self->bubble, "incoming");
    }
  else
    {
      gtk_widget_add_css_class (self->bubble, "incoming");
      gtk_widget_remove_css_class (self->bubble, "outgoing");
    }

  if (tincan_transfer_get_content_type (self->transfer) != NULL)
    icon = g_content_type_get_symbolic_icon (tincan_transfer_get_content_type (self->transfer));
  else
    icon = g_themed_icon_new ("text-x-generic-symbolic");
  gtk_image_set_from_gicon (self->icon, icon);
  gtk_label_set_label (self->name_label, name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), name);

  /* Translators: a button's name for screen readers; %s is a file name */
  label_button (self->accept_button, g_strdup_printf (_("Accept %s"), name));
  /* Translators: a button's name for screen readers; %s is a file name */
  label_button (self->decline_button, g_strdup_printf (_("Decline %s"), name));
  /* Translators: a button's name for screen readers; %s is a file name */
  label_button (self->open_button, g_strdup_printf (_("Open %s"), name));
  /* Translators: a button's name for screen readers; %s is a file name */
  label_button (self->show_button, g_strdup_printf (_("Show %s in its folder"), name));
  /* Translators: a button's name for screen readers; %s is a file name */
  label_button (self->cancel_button, g_strdup_printf (_("Cancel %s"), name));

  tincan_file_row_update (self);

  /* Speed and time left are notified with the offset. */
  for (guint i = 0; i < G_N_ELEMENTS (followed); i++)
    g_signal_connect_object (self->transfer, followed[i],
                             G_CALLBACK (on_transfer_notify_cb), self, G_CONNECT_SWAPPED);
}

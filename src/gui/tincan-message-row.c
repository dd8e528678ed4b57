/* tincan-message-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One message in the conversation: a bubble on the right for our own, on
 * the left for the peer's, with the time and, for our own, what became of
 * it.  Rows are recycled by the list view, so everything here follows the
 * message it is given and lets go of the previous one.
 *
 * Text is never taken as markup: it is escaped, and only web addresses
 * found in it are turned into links.
 */

#define G_LOG_DOMAIN "tincan-message-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-conversation-view.h"
#include "tincan-message-row.h"
#include "tincan-text-window.h"

/* Characters shown before "Show More"; a megabyte in one label is slow
 * to lay out, and nobody reads it in one go.
 */
#define PREVIEW_CHARS 1200

struct _TincanMessageRow
{
  GtkWidget       parent_instance;

  TincanMessage  *message;
  char           *sender;

  GtkWidget      *bubble;
  GtkLabel       *text_label;
  GtkToggleButton *more_button;
  GtkWidget      *open_button;
  GtkLabel       *time_label;
  GtkLabel       *state_label;
  GtkWidget      *retry_button;
  GtkWidget      *cancel_button;
};

G_DEFINE_FINAL_TYPE (TincanMessageRow, tincan_message_row, GTK_TYPE_WIDGET)

/**
 * tincan_message_markup:
 * @text: a message's text
 *
 * Returns: (transfer full): Pango markup showing @text as it is, with
 *   http and https addresses as links
 */
char *
tincan_message_markup (const char *text)
{
  static GRegex *url_regex;
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup = g_string_new (NULL);
  const char *done = text;

  if (g_once_init_enter (&url_regex))
    g_once_init_leave (&url_regex,
                       g_regex_new ("https?://[^\\s<>\"]+[^\\s<>\".,;:!?)\\]'}]",
                                    G_REGEX_OPTIMIZE, 0, NULL));

  g_regex_match (url_regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      g_autofree char *before = NULL;
      g_autofree char *url = NULL;

      g_match_info_fetch_pos (match, 0, &start, &end);
      before = g_markup_escape_text (done, text + start - done);
      url = g_markup_escape_text (text + start, end - start);
      g_string_append (markup, before);
      g_string_append_printf (markup, "<a href=\"%s\">%s</a>", url, url);
      done = text + end;
      g_match_info_next (match, NULL);
    }

  {
    g_autofree char *rest = g_markup_escape_text (done, -1);

    g_string_append (markup, rest);
  }

  return g_string_free (markup, FALSE);
}

/* How many characters @text has, counted up to a little past
 * TINCAN_MESSAGE_ROW_INLINE_CHARS: a mebibyte need not be counted to
 * know it is too long.
 */
static glong
count_chars (const char *text)
{
  return g_utf8_strlen (text, strnlen (text, (gsize) TINCAN_MESSAGE_ROW_INLINE_CHARS * 4 + 4));
}

static void
tincan_message_row_show_text (TincanMessageRow *self)
{
  const char *text = tincan_message_get_text (self->message);
  glong n_chars = count_chars (text);
  gboolean too_long = n_chars > TINCAN_MESSAGE_ROW_INLINE_CHARS;
  gboolean expanded = gtk_toggle_button_get_active (self->more_button) && !too_long;
  g_autofree char *markup = NULL;

  if (n_chars > PREVIEW_CHARS && !expanded)
    {
      g_autofree char *preview = g_utf8_substring (text, 0, PREVIEW_CHARS);
      g_autofree char *shown = g_strconcat (preview, "…", NULL);

      markup = tincan_message_markup (shown);
    }
  else
    markup = tincan_message_markup (text);

  /* Past the limit it is a document: a window of its own lays it out
   * a paragraph at a time, where one label would stall the main loop.
   */
  gtk_widget_set_visible (GTK_WIDGET (self->more_button), n_chars > PREVIEW_CHARS && !too_long);
  gtk_widget_set_visible (self->open_button, too_long);
  gtk_button_set_label (GTK_BUTTON (self->more_button),
                        expanded ? _("Show Less") : _("Show More"));
  gtk_label_set_markup (self->text_label, markup);
}

static void
on_more_button_toggled_cb (TincanMessageRow *self)
{
  if (self->message != NULL)
    tincan_message_row_show_text (self);
}

static void
on_open_button_clicked_cb (TincanMessageRow *self)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (self), TINCAN_TYPE_CONVERSATION_VIEW);
  TincanChat *chat = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
  GtkApplication *app = parent ? gtk_window_get_application (parent) : NULL;
  g_autofree char *person = NULL;
  GtkWidget *window;

  if (self->message == NULL)
    return;

  /* One window per message: Open again brings it back. */
  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    if (TINCAN_IS_TEXT_WINDOW (l->data)
        && tincan_text_window_get_message (l->data) == self->message)
      {
        gtk_window_present (l->data);
        return;
      }

  if (view != NULL)
    chat = tincan_conversation_view_get_chat (TINCAN_CONVERSATION_VIEW (view));
  if (chat != NULL)
    person = tincan_chat_dup_peer_title (chat);
  window = tincan_text_window_new (parent, self->message, person);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_retry_button_clicked_cb (TincanMessageRow *self)
{
  if (self->message != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "chat.retry", "s",
                                tincan_message_get_id (self->message));
}

static void
on_cancel_button_clicked_cb (TincanMessageRow *self)
{
  if (self->message != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "chat.cancel", "s",
                                tincan_message_get_id (self->message));
}

static void
tincan_message_row_update_state (TincanMessageRow *self)
{
  TincanMessage *message = self->message;
  const char *state = "";
  const char *tooltip = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *delivered = NULL;
  gboolean failed = FALSE;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *spoken = NULL;

  switch (tincan_message_get_state (message))
    {
    case TINCAN_MESSAGE_QUEUED:
      if (tincan_message_get_waiting_for (message) != NULL)
        {
          /* Translators: %s is the name of the person who is away */
          state = waiting = g_strdup_printf (_("Waiting for %s"),
                                             tincan_message_get_waiting_for (message));
          tooltip = _("It goes by itself when they are back");
        }
      else
        {
          state = _("Sending…");
          tooltip = _("Waiting for the other computer");
        }
      break;

    case TINCAN_MESSAGE_SENT:
      if (tincan_message_get_plain (message))
        {
          state = _("Sent");
          tooltip = _("Sent as plain text, without a delivery receipt");
        }
      else
        state = _("Sending…");
      break;

    case TINCAN_MESSAGE_DELIVERED:
      /* IP Messenger: a long text went as several messages, which the
       * other side may show one by one.
       */
      if (tincan_message_get_n_parts (message) > 1)
        {
          guint n_parts = tincan_message_get_n_parts (message);

          state = delivered = g_strdup_printf (ngettext ("Delivered · sent in %u part",
                                                         "Delivered · sent in %u parts",
                                                         n_parts),
                                               n_parts);
          tooltip = _("IP Messenger and iptux read at most about 8,000 bytes at a time");
        }
      else
        state = _("Delivered");
      break;

    case TINCAN_MESSAGE_FAILED:
      state = _("Not delivered");
      tooltip = tincan_message_get_failure_reason (message);
      failed = TRUE;
      break;

    case TINCAN_MESSAGE_RECEIVED:
    default:
      if (tincan_message_get_plain (message))
        {
          state = _("Unverified");
          tooltip = _("Not encrypted: nothing vouches for who sent it");
        }
      break;
    }

  gtk_label_set_label (self->state_label, state);
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), state[0] != '\0');
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), tooltip);
  gtk_widget_set_visible (self->retry_button, failed);
  gtk_widget_set_visible (self->cancel_button, waiting != NULL);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");

  time = g_date_time_new_from_unix_local (tincan_message_get_time (message) / G_USEC_PER_SEC);
  time_text = g_date_time_format (time, "%H:%M");
  gtk_label_set_label (self->time_label, time_text);

  /* Read out as "sender, time, state, text": the start of a long text,
   * as it shows, not a second copy of all of it.
   */
  if (count_chars (tincan_message_get_text (message)) > PREVIEW_CHARS)
    spoken = g_utf8_substring (tincan_message_get_text (message), 0, PREVIEW_CHARS);
  accessible = g_strdup_printf ("%s, %s, %s%s%s",
                                self->sender ? self->sender : "",
                                time_text, state, state[0] ? ", " : "",
                                spoken ? spoken : tincan_message_get_text (message));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
on_message_state_cb (TincanMessageRow *self)
{
  tincan_message_row_update_state (self);
}

static void
tincan_message_row_dispose (GObject *object)
{
  TincanMessageRow *self = TINCAN_MESSAGE_ROW (object);

  tincan_message_row_set_message (self, NULL);
  g_clear_pointer (&self->sender, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (tincan_message_row_parent_class)->dispose (object);
}

static void
tincan_message_row_class_init (TincanMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_message_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tincan-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, more_button);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_more_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_button_clicked_cb);
}

static void
tincan_message_row_init (TincanMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tincan_message_row_new (void)
{
  return g_object_new (TINCAN_TYPE_MESSAGE_ROW, NULL);
}

/**
 * tincan_message_row_get_message:
 * @self: a #TincanMessageRow
 *
 * Returns: (transfer none) (nullable): the message shown
 */
TincanMessage *
tincan_message_row_get_message (TincanMessageRow *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

/**
 * tincan_message_row_set_message:
 * @self: a #TincanMessageRow
 * @message: (nullable): the message to show
 */
void
tincan_message_row_set_message (TincanMessageRow *self,
                                TincanMessage    *message)
{
  gboolean outgoing;

  g_return_if_fail (TINCAN_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || TINCAN_IS_MESSAGE (message));

  if (self->message == message)
    return;

  if (self->message != NULL)
    g_signal_handlers_disconnect_by_data (self->message, self);
  g_set_object (&self->message, message);

  if (message == NULL)
    return;

  outgoing = tincan_message_get_outgoing (message);
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

  g_free (self->sender);
  self->sender = g_strdup (outgoing ? _("You") : _("Peer"));

  gtk_toggle_button_set_active (self->more_button, FALSE);
  tincan_message_row_show_text (self);
  tincan_message_row_update_state (self);

  g_signal_connect_object (message, "notify::state",
                           G_CALLBACK (on_message_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (message, "notify::waiting-for",
                           G_CALLBACK (on_message_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (message, "notify::n-parts",
                           G_CALLBACK (on_message_state_cb), self, G_CONNECT_SWAPPED);
}

/* tincan-compose-box.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The box the next message is written in, with its Send button.  Enter
 * sends; Shift+Enter (or Ctrl+Enter) starts a new line.  The box grows
 * with its text to about eight lines, then scrolls.
 *
 * It knows nothing of the chat: it emits ::send with the text, and the
 * window decides what becomes of it; the text stays until the window
 * clears it, so a message that could not be sent is not lost.  Text that
 * would make it hold more than #TincanComposeBox:max-bytes is refused
 * whole, never cut, and ::text-refused lets the window say why.
 *
 * Files pasted into it are not text: ::files-pasted hands them to the
 * window, which sends them.  Its attach button is the chat.attach
 * action of whatever holds the box.
 */

#define G_LOG_DOMAIN "tincan-compose-box"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tincan-compose-box.h"

/* The box is as tall as its text up to this, about eight lines, then
 * scrolls.
 */
#define MAX_HEIGHT 160

struct _TincanComposeBox
{
  GtkWidget          parent_instance;

  guint              max_bytes;
  gboolean           error;
  guint              resize_idle;

  GtkScrolledWindow *scroller;
  GtkTextView       *text_view;
  GtkWidget         *placeholder;
  GtkWidget         *attach_button;
  GtkWidget         *send_button;
};

G_DEFINE_FINAL_TYPE (TincanComposeBox, tincan_compose_box, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MAX_BYTES,
  PROP_ERROR,
  N_PROPS
};

enum {
  SEND,
  TEXT_REFUSED,
  FILES_PASTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
dup_text (TincanComposeBox *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
send_activated_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TincanComposeBox *self = TINCAN_COMPOSE_BOX (widget);
  g_autofree char *text = dup_text (self);
  g_autofree char *stripped = NULL;

  /* Blank is not a message; it stays in the box, as typed. */
  stripped = g_strstrip (g_strdup (text));
  if (stripped[0] == '\0')
    return;

  /* Sent as typed: leading spaces and line breaks are the person's. */
  g_signal_emit (self, signals[SEND], 0, text);
}

/* Counting bytes means reading the whole box, so that is done only once
 * it could be near the limit: a character is at most four bytes.
 */
static void
on_insert_text_cb (GtkTextBuffer    *buffer,
                   GtkTextIter      *location,
                   const char       *text,
                   int               length,
                   TincanComposeBox *self)
{
  gsize have;

  if (self->max_bytes == 0)
    return;

  if (length < 0)
    length = strlen (text);

  have = gtk_text_buffer_get_char_count (buffer);
  if (4 * have + length > self->max_bytes)
    {
      GtkTextIter start, end;
      g_autofree char *current = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      current = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      have = strlen (current);
    }
  else
    have = 0;

  if (have + length <= self->max_bytes)
    return;

  g_signal_stop_emission_by_name (buffer, "insert-text");
  tincan_compose_box_set_error (self, TRUE);
  g_signal_emit (self, signals[TEXT_REFUSED], 0);
}

/* Sized here rather than by the scrolled window: GTK 4.8's text view asks
 * for its new height a step late when a line wraps, and the box then
 * showed its text scrolled by a line.  Measured once the view has laid
 * out its text, in an idle.
 */
static gboolean
resize_cb (gpointer data)
{
  TincanComposeBox *self = data;
  int width = gtk_widget_get_width (GTK_WIDGET (self->text_view));
  int natural = 0;

  self->resize_idle = 0;
  if (width <= 0)
    return G_SOURCE_REMOVE;

  gtk_widget_measure (GTK_WIDGET (self->text_view), GTK_ORIENTATION_VERTICAL, width,
                      NULL, &natural, NULL, NULL);
  /* All of it fits: from the top, whatever the view scrolled to while
   * it was smaller.
   */
  if (natural <= MAX_HEIGHT)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  natural = MIN (natural, MAX_HEIGHT);
  if (natural != gtk_scrolled_window_get_min_content_height (self->scroller))
    gtk_scrolled_window_set_min_content_height (self->scroller, natural);

  return G_SOURCE_REMOVE;
}

static void
on_changed_cb (TincanComposeBox *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  gtk_widget_set_visible (self->placeholder, gtk_text_buffer_get_char_count (buffer) == 0);

  if (self->resize_idle == 0)
    self->resize_idle = g_idle_add_full (G_PRIORITY_LOW, resize_cb, self, NULL);
}

/* Files only when every one of them is a file here: a list of web
 * addresses copied from a browser is text to paste.
 */
static gboolean
all_local (const GSList *files)
{
  if (files == NULL)
    return FALSE;

  for (const GSList *l = files; l != NULL; l = l->next)
    if (!g_file_is_native (l->data))
      return FALSE;

  return TRUE;
}

static void
on_files_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(TincanComposeBox) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);
  if (value != NULL && all_local (g_value_get_boxed (value)))
    {
      g_signal_emit (self, signals[FILES_PASTED], 0, g_value_get_boxed (value));
      return;
    }

  if (error != NULL)
    g_debug ("Pasting as text, the files could not be read: %s", error->message);

  /* What the text view would have done. */
  gtk_text_buffer_paste_clipboard (gtk_text_view_get_buffer (self->text_view),
                                   GDK_CLIPBOARD (source), NULL,
                                   gtk_text_view_get_editable (self->text_view));
}

/* Ctrl+V, or Paste in the text's menu. */
static void
on_paste_clipboard_cb (GtkTextView      *view,
                       TincanComposeBox *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));

  if (!gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (clipboard),
                                          GDK_TYPE_FILE_LIST))
    return;

  g_signal_stop_emission_by_name (view, "paste-clipboard");
  gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, NULL,
                                  on_files_read_cb, g_object_ref (self));
}

/* In the capture phase, before the text view inserts a new line. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   TincanComposeBox      *self)
{
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;

  if (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK))
    return FALSE;

  gtk_widget_activate_action (GTK_WIDGET (self), "compose.send", NULL);
  return TRUE;
}

/* The keyboard goes to the text, not to the Send button. */
static gboolean
tincan_compose_box_grab_focus (GtkWidget *widget)
{
  TincanComposeBox *self = TINCAN_COMPOSE_BOX (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

static void
tincan_compose_box_dispose (GObject *object)
{
  TincanComposeBox *self = TINCAN_COMPOSE_BOX (object);
  GtkWidget *child;

  g_clear_handle_id (&self->resize_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_COMPOSE_BOX);

  /* The template unparents only the children it binds. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tincan_compose_box_parent_class)->dispose (object);
}

static void
tincan_compose_box_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TincanComposeBox *self = TINCAN_COMPOSE_BOX (object);

  switch (prop_id)
    {
    case PROP_MAX_BYTES:
      g_value_set_uint (value, self->max_bytes);
      break;

    case PROP_ERROR:
      g_value_set_boolean (value, self->error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_compose_box_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TincanComposeBox *self = TINCAN_COMPOSE_BOX (object);

  switch (prop_id)
    {
    case PROP_MAX_BYTES:
      tincan_compose_box_set_max_bytes (self, g_value_get_uint (value));
      break;

    case PROP_ERROR:
      tincan_compose_box_set_error (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_compose_box_class_init (TincanComposeBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_compose_box_dispose;
  object_class->get_property = tincan_compose_box_get_property;
  object_class->set_property = tincan_compose_box_set_property;

  widget_class->grab_focus = tincan_compose_box_grab_focus;

  /**
   * TincanComposeBox:max-bytes:
   *
   * The most UTF-8 the box holds, in bytes; 0 for no limit.
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint ("max-bytes", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TincanComposeBox:error:
   *
   * Whether the box is marked as holding text that could not be added
   * or sent.
   */
  properties[PROP_ERROR] =
    g_param_spec_boolean ("error", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanComposeBox::send:
   * @box: the box
   * @text: what it holds, as typed; never blank
   *
   * Enter, or the Send button.  The text stays in the box: clear it with
   * tincan_compose_box_clear() once it is sent.
   */
  signals[SEND] =
    g_signal_new ("send",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  /* Up to a mebibyte: lent to the handlers, not copied. */
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * TincanComposeBox::text-refused:
   * @box: the box
   *
   * Text was not added, none of it: the box would have held more than
   * #TincanComposeBox:max-bytes.
   */
  signals[TEXT_REFUSED] =
    g_signal_new ("text-refused",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * TincanComposeBox::files-pasted:
   * @box: the box
   * @files: (element-type GFile): the files, a #GdkFileList
   *
   * Files were pasted into the box: they are not added to its text.
   */
  signals[FILES_PASTED] =
    g_signal_new ("files-pasted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, GDK_TYPE_FILE_LIST | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_css_name (widget_class, "composebox");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tincan-compose-box.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanComposeBox, scroller);
  gtk_widget_class_bind_template_child (widget_class, TincanComposeBox, text_view);
  gtk_widget_class_bind_template_child (widget_class, TincanComposeBox, placeholder);
  gtk_widget_class_bind_template_child (widget_class, TincanComposeBox, attach_button);
  gtk_widget_class_bind_template_child (widget_class, TincanComposeBox, send_button);

  gtk_widget_class_install_action (widget_class, "compose.send", NULL, send_activated_cb);
}

static void
tincan_compose_box_init (TincanComposeBox *self)
{
  GtkTextBuffer *buffer;
  GtkEventController *key;

  gtk_widget_init_template (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (self->text_view);
  g_signal_connect_object (buffer, "insert-text",
                           G_CALLBACK (on_insert_text_cb), self, 0);
  g_signal_connect_object (buffer, "changed",
                           G_CALLBACK (on_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->text_view, "paste-clipboard",
                           G_CALLBACK (on_paste_clipboard_cb), self, 0);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect_object (key, "key-pressed", G_CALLBACK (on_key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), key);
}

/**
 * tincan_compose_box_new:
 *
 * Returns: (transfer full): a new, empty #TincanComposeBox, without a
 *   limit
 */
GtkWidget *
tincan_compose_box_new (void)
{
  return g_object_new (TINCAN_TYPE_COMPOSE_BOX, NULL);
}

/**
 * tincan_compose_box_get_max_bytes:
 * @self: a #TincanComposeBox
 *
 * Returns: the most UTF-8 the box holds, in bytes; 0 for no limit
 */
guint
tincan_compose_box_get_max_bytes (TincanComposeBox *self)
{
  g_return_val_if_fail (TINCAN_IS_COMPOSE_BOX (self), 0);

  return self->max_bytes;
}

/**
 * tincan_compose_box_set_max_bytes:
 * @self: a #TincanComposeBox
 * @max_bytes: the most UTF-8 the box may hold, in bytes; 0 for no limit
 *
 * Applies to text added from now on: what the box holds is not cut.
 */
void
tincan_compose_box_set_max_bytes (TincanComposeBox *self,
                                  guint             max_bytes)
{
  g_return_if_fail (TINCAN_IS_COMPOSE_BOX (self));

  if (self->max_bytes == max_bytes)
    return;

  self->max_bytes = max_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_BYTES]);
}

/**
 * tincan_compose_box_get_error:
 * @self: a #TincanComposeBox
 *
 * Returns: whether the box is marked as holding text that could not be
 *   added or sent
 */
gboolean
tincan_compose_box_get_error (TincanComposeBox *self)
{
  g_return_val_if_fail (TINCAN_IS_COMPOSE_BOX (self), FALSE);

  return self->error;
}

/**
 * tincan_compose_box_set_error:
 * @self: a #TincanComposeBox
 * @error: whether to mark the box
 *
 * Marks the box, in the error colour, until tincan_compose_box_clear():
 * the box does it itself when it refuses text; the window when the text
 * could not be sent.
 */
void
tincan_compose_box_set_error (TincanComposeBox *self,
                              gboolean          error)
{
  g_return_if_fail (TINCAN_IS_COMPOSE_BOX (self));

  error = !!error;
  if (self->error == error)
    return;

  self->error = error;
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->scroller), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->scroller), "error");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * tincan_compose_box_clear:
 * @self: a #TincanComposeBox
 *
 * Empties the box and takes its error mark away: the text was sent.
 */
void
tincan_compose_box_clear (TincanComposeBox *self)
{
  g_return_if_fail (TINCAN_IS_COMPOSE_BOX (self));

  tincan_compose_box_set_error (self, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
}

/**
 * tincan_compose_box_set_attach_tooltip:
 * @self: a #TincanComposeBox
 * @tooltip: (nullable): what the attach button says, or %NULL for its own
 *   "Send Files"
 *
 * When the conversation cannot have files, the button says why.
 */
void
tincan_compose_box_set_attach_tooltip (TincanComposeBox *self,
                                       const char       *tooltip)
{
  g_return_if_fail (TINCAN_IS_COMPOSE_BOX (self));

  gtk_widget_set_tooltip_text (self->attach_button, tooltip != NULL ? tooltip : _("Send Files"));
  if (tooltip != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->attach_button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->attach_button),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

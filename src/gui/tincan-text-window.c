/* tincan-text-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message too long to lay out in its bubble, shown as the document it
 * is: a read-only text view to scroll, select and copy, Ctrl+F to find
 * in it, and Save As….
 *
 * Two things keep a mebibyte from stalling the main loop, which the link
 * shares.  The buffer is filled from an idle, a slice at a time.  And no
 * paragraph is longer than MAX_PARAGRAPH_CHARS: GtkTextView lays out a
 * paragraph in one PangoLayout, and one of a mebibyte takes seconds and
 * hundreds of megabytes.  A longer one is broken for display at a
 * sentence's end or a space, which becomes the line break (so the buffer
 * has as many characters as the message); only where there is no space
 * at all is a line break added, and its place remembered.  What is
 * copied and saved is always the message's own text, never the buffer's.
 *
 * The window holds the message, and with it the one copy of the text;
 * the buffer is the second, which GtkTextView cannot do without.
 */

#define G_LOG_DOMAIN "tincan-text-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tincan-text-window.h"

/* About 20 ms of layout per paragraph on a slow machine (see
 * tests/bench, text_view_*), and long enough that a break every this
 * many characters is rare in prose.
 */
#define MAX_PARAGRAPH_CHARS 2048

/* Bytes put into the buffer per idle; a few milliseconds.  The first
 * screenful goes in at once, and no more: the window's first frame lays
 * out what it has.
 */
#define LOAD_BYTES (64 * 1024)
#define FIRST_LOAD_BYTES (8 * 1024)

/* Characters searched per idle: 7 ms to 30 ms, the more matches the
 * longer.
 */
#define SEARCH_CHARS (64 * 1024)

/* Beyond this, matches are counted but no longer highlighted: each one
 * is two toggles in the buffer.
 */
#define MAX_HIGHLIGHTS 1000

struct _TincanTextWindow
{
  AdwWindow             parent_instance;

  TincanMessage        *message;
  char                 *person;
  const char           *loaded_to;     /* in the message's text */
  guint                 n_chars;       /* put into the buffer so far */
  GArray               *added_breaks;  /* guint: buffer offsets of added line breaks */
  guint                 load_id;
  guint                 search_id;
  int                   search_offset;  /* where the search goes on */
  int                   search_from;    /* where the reader was */
  guint                 n_matches;
  gint64                search_us;
  gboolean              match_selected;
  GtkFileChooserNative *chooser;

  AdwWindowTitle       *window_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkLabel             *matches_label;
  AdwToastOverlay      *toast_overlay;
  GtkScrolledWindow    *scroller;
  GtkTextView          *text_view;
  GtkTextTag           *match_tag;
  GtkTextTag           *current_tag;   /* the match selected */
};

G_DEFINE_FINAL_TYPE (TincanTextWindow, tincan_text_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkTextBuffer *
buffer (TincanTextWindow *self)
{
  return gtk_text_view_get_buffer (self->text_view);
}

static gboolean
is_space (gunichar c)
{
  return c == ' ' || c == '\t';
}

/* About @budget more bytes of the text into the buffer, its long
 * paragraphs broken.  Returns whether there is more.
 */
static gboolean
tincan_text_window_load_some (TincanTextWindow *self,
                              gsize             budget)
{
  g_autoptr(GString) chunk = g_string_sized_new (budget + budget / MAX_PARAGRAPH_CHARS + 8);
  const char *p = self->loaded_to;
  GtkTextIter end;

  while (*p != '\0' && chunk->len < budget)
    {
      const char *q = p;
      const char *space = NULL;    /* the last one seen */
      const char *sentence = NULL; /* the last space after . ! or ? */
      guint n = 0;
      gunichar previous = 0;

      /* One paragraph, or MAX_PARAGRAPH_CHARS of one. */
      while (*q != '\0' && *q != '\n' && n < MAX_PARAGRAPH_CHARS)
        {
          gunichar c = g_utf8_get_char (q);

          if (is_space (c))
            {
              space = q;
              if (previous == '.' || previous == '!' || previous == '?')
                sentence = q;
            }
          previous = c;
          q = g_utf8_next_char (q);
          n++;
        }

      if (*q == '\0' || *q == '\n')
        {
          if (*q == '\n')
            {
              q++;
              n++;
            }
          g_string_append_len (chunk, p, q - p);
          self->n_chars += n;
          p = q;
          continue;
        }

      /* Too long: the break goes at a sentence's end in the second half,
       * or the last space, in place of that space.
       */
      if (sentence != NULL && g_utf8_pointer_to_offset (p, sentence) > MAX_PARAGRAPH_CHARS / 2)
        space = sentence;
      if (space != NULL)
        {
          g_string_append_len (chunk, p, space - p);
          g_string_append_c (chunk, '\n');
          self->n_chars += g_utf8_pointer_to_offset (p, space) + 1;
          p = space + 1;
        }
      else
        {
          g_string_append_len (chunk, p, q - p);
          g_string_append_c (chunk, '\n');
          self->n_chars += n;
          g_array_append_val (self->added_breaks, self->n_chars);
          self->n_chars++;
          p = q;
        }
    }

  self->loaded_to = p;
  gtk_text_buffer_get_end_iter (buffer (self), &end);
  gtk_text_buffer_insert (buffer (self), &end, chunk->str, chunk->len);

  return *p != '\0';
}

static void on_search_changed_cb (TincanTextWindow *self);

static gboolean
load_cb (gpointer data)
{
  TincanTextWindow *self = data;
  GtkTextIter start;

  if (tincan_text_window_load_some (self, LOAD_BYTES))
    return G_SOURCE_CONTINUE;

  self->load_id = 0;
  gtk_text_buffer_get_start_iter (buffer (self), &start);
  gtk_text_buffer_place_cursor (buffer (self), &start);
  g_debug ("%u characters shown, %u line breaks added", self->n_chars, self->added_breaks->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);

  /* A search typed while it loaded now sees all of it. */
  if (gtk_search_bar_get_search_mode (self->search_bar))
    on_search_changed_cb (self);

  return G_SOURCE_REMOVE;
}

/* The message's own text between two places in the buffer. */
static char *
original_text (TincanTextWindow *self,
               guint             start,
               guint             end)
{
  const char *text = tincan_message_get_text (self->message);
  const char *from, *to;
  guint added_before_start = 0, added_before_end = 0;

  for (guint i = 0; i < self->added_breaks->len; i++)
    {
      guint added = g_array_index (self->added_breaks, guint, i);

      added_before_start += added < start;
      added_before_end += added < end;
    }
  start -= added_before_start;
  end -= added_before_end;

  from = g_utf8_offset_to_pointer (text, start);
  to = g_utf8_offset_to_pointer (from, end - start);

  return g_strndup (from, to - from);
}

static void
on_copy_clipboard_cb (TincanTextWindow *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  g_signal_stop_emission_by_name (self->text_view, "copy-clipboard");
  if (!gtk_text_buffer_get_selection_bounds (buffer (self), &start, &end))
    return;

  text = original_text (self,
                        gtk_text_iter_get_offset (&start),
                        gtk_text_iter_get_offset (&end));
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self->text_view)), text);
}

/* Find */

static void
select_match (TincanTextWindow  *self,
              const GtkTextIter *start,
              const GtkTextIter *end)
{
  int offsets[2] = { gtk_text_iter_get_offset (start), gtk_text_iter_get_offset (end) };
  GtkTextIter from, to;

  /* The selection is faint while the entry has the focus; the match
   * selected stands out among the others.
   */
  gtk_text_buffer_get_bounds (buffer (self), &from, &to);
  gtk_text_buffer_remove_tag (buffer (self), self->current_tag, &from, &to);
  gtk_text_buffer_get_iter_at_offset (buffer (self), &from, offsets[0]);
  gtk_text_buffer_get_iter_at_offset (buffer (self), &to, offsets[1]);
  gtk_text_buffer_apply_tag (buffer (self), self->current_tag, &from, &to);
  gtk_text_buffer_select_range (buffer (self), &from, &to);
  gtk_text_view_scroll_to_mark (self->text_view, gtk_text_buffer_get_insert (buffer (self)),
                                0.2, FALSE, 0, 0);
}

/* Selects the next match after the selection (or the previous one before
 * it), going round at the end.
 */
static gboolean
find (TincanTextWindow *self,
      gboolean          forward)
{
  const char *needle = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GtkTextSearchFlags flags = GTK_TEXT_SEARCH_CASE_INSENSITIVE;
  GtkTextIter start, end, match_start, match_end;
  gboolean found;

  if (needle[0] == '\0')
    return FALSE;

  gtk_text_buffer_get_selection_bounds (buffer (self), &start, &end);
  if (forward)
    {
      found = gtk_text_iter_forward_search (&end, needle, flags, &match_start, &match_end, NULL);
      if (!found)
        {
          gtk_text_buffer_get_start_iter (buffer (self), &start);
          found = gtk_text_iter_forward_search (&start, needle, flags, &match_start, &match_end, NULL);
        }
    }
  else
    {
      found = gtk_text_iter_backward_search (&start, needle, flags, &match_start, &match_end, NULL);
      if (!found)
        {
          gtk_text_buffer_get_end_iter (buffer (self), &end);
          found = gtk_text_iter_backward_search (&end, needle, flags, &match_start, &match_end, NULL);
        }
    }

  if (found)
    select_match (self, &match_start, &match_end);

  return found;
}

/* Counts and highlights the matches from search_offset on, about
 * SEARCH_CHARS at a time: a case-insensitive search of a mebibyte takes
 * hundreds of milliseconds at once.  A match never spans lines (the entry
 * has no line breaks), so each slice ends at a line's end.
 */
static gboolean
search_cb (gpointer data)
{
  TincanTextWindow *self = data;
  const char *needle = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GtkTextIter start, limit, match_start, match_end;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *count = NULL;
  gboolean done;
  int first_after = -1;
  gint64 t0 = g_get_monotonic_time ();

  gtk_text_buffer_get_iter_at_offset (buffer (self), &start, self->search_offset);
  gtk_text_buffer_get_iter_at_offset (buffer (self), &limit, self->search_offset + SEARCH_CHARS);
  if (!gtk_text_iter_ends_line (&limit))
    gtk_text_iter_forward_to_line_end (&limit);
  done = gtk_text_iter_is_end (&limit);

  /* Found first, highlighted after: a tag changes the buffer, which
   * would leave the search's iterators behind.
   */
  while (gtk_text_iter_forward_search (&start, needle, GTK_TEXT_SEARCH_CASE_INSENSITIVE,
                                       &match_start, &match_end, &limit))
    {
      if (first_after < 0 && gtk_text_iter_get_offset (&match_start) >= self->search_from)
        first_after = gtk_text_iter_get_offset (&match_start);
      if (self->n_matches++ < MAX_HIGHLIGHTS)
        {
          int offsets[2] = { gtk_text_iter_get_offset (&match_start),
                             gtk_text_iter_get_offset (&match_end) };

          g_array_append_vals (found, offsets, 2);
        }
      start = match_end;
    }
  self->search_offset = gtk_text_iter_get_offset (&limit);

  for (guint i = 0; i < found->len; i += 2)
    {
      gtk_text_buffer_get_iter_at_offset (buffer (self), &match_start,
                                          g_array_index (found, int, i));
      gtk_text_buffer_get_iter_at_offset (buffer (self), &match_end,
                                          g_array_index (found, int, i + 1));
      gtk_text_buffer_apply_tag (buffer (self), self->match_tag, &match_start, &match_end);
    }

  /* The first match from where the reader is, as soon as it is found. */
  if (!self->match_selected && first_after >= 0)
    {
      gtk_text_buffer_get_iter_at_offset (buffer (self), &start, first_after);
      gtk_text_buffer_place_cursor (buffer (self), &start);
      self->match_selected = find (self, TRUE);
    }

  self->search_us += g_get_monotonic_time () - t0;
  if (!done)
    return G_SOURCE_CONTINUE;

  self->search_id = 0;
  g_debug ("%u matches, %.1f ms of searching", self->n_matches, self->search_us / 1000.0);
  if (self->n_matches == 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
      gtk_label_set_label (self->matches_label, _("No results"));
      return G_SOURCE_REMOVE;
    }

  count = g_strdup_printf (ngettext ("%u match", "%u matches", self->n_matches), self->n_matches);
  gtk_label_set_label (self->matches_label, count);
  /* Only before the reader, then: the first of them. */
  if (!self->match_selected)
    {
      gtk_text_buffer_get_start_iter (buffer (self), &start);
      gtk_text_buffer_place_cursor (buffer (self), &start);
      self->match_selected = find (self, TRUE);
    }

  return G_SOURCE_REMOVE;
}

static void
on_search_changed_cb (TincanTextWindow *self)
{
  const char *needle = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GtkTextIter start, end;

  g_clear_handle_id (&self->search_id, g_source_remove);
  gtk_text_buffer_get_bounds (buffer (self), &start, &end);
  gtk_text_buffer_remove_tag (buffer (self), self->match_tag, &start, &end);
  gtk_text_buffer_remove_tag (buffer (self), self->current_tag, &start, &end);
  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  gtk_label_set_label (self->matches_label, NULL);
  if (needle[0] == '\0')
    return;

  gtk_text_buffer_get_selection_bounds (buffer (self), &start, &end);
  self->search_from = gtk_text_iter_get_offset (&start);
  self->search_offset = 0;
  self->n_matches = 0;
  self->search_us = 0;
  self->match_selected = FALSE;
  self->search_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, search_cb, self, NULL);
}

static void
on_search_activate_cb (TincanTextWindow *self)
{
  find (self, TRUE);
}

static void
on_search_next_match_cb (TincanTextWindow *self)
{
  find (self, TRUE);
}

static void
on_search_previous_match_cb (TincanTextWindow *self)
{
  find (self, FALSE);
}

/* Shift+Enter in the entry goes back, as Enter goes on. */
static gboolean
on_search_key_pressed_cb (GtkEventControllerKey *controller,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          TincanTextWindow      *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
      && (state & GDK_SHIFT_MASK) != 0)
    {
      find (self, FALSE);
      return TRUE;
    }

  return FALSE;
}

static void
search_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TincanTextWindow *self = TINCAN_TEXT_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
find_next_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  find (TINCAN_TEXT_WINDOW (widget), TRUE);
}

static void
find_previous_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  find (TINCAN_TEXT_WINDOW (widget), FALSE);
}

static void
on_search_mode_cb (TincanTextWindow *self)
{
  GtkTextIter start, end;

  if (gtk_search_bar_get_search_mode (self->search_bar))
    return;

  g_clear_handle_id (&self->search_id, g_source_remove);
  gtk_text_buffer_get_bounds (buffer (self), &start, &end);
  gtk_text_buffer_remove_tag (buffer (self), self->match_tag, &start, &end);
  gtk_text_buffer_remove_tag (buffer (self), self->current_tag, &start, &end);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

/* Save As… */

static void
replaced_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * tincan_text_window_save_async:
 * @self: a #TincanTextWindow
 * @file: where to write
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is written or failed
 * @user_data: for @callback
 *
 * Writes the message's text, byte for byte, to @file, replacing it.
 * Save As… does this with the file chosen.
 */
void
tincan_text_window_save_async (TincanTextWindow    *self,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  const char *text;

  g_return_if_fail (TINCAN_IS_TEXT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_text_window_save_async);
  /* The text is the message's: it lives as long as the task holds it. */
  g_task_set_task_data (task, g_object_ref (self->message), g_object_unref);
  text = tincan_message_get_text (self->message);
  g_file_replace_contents_async (file, text, strlen (text), NULL, FALSE,
                                 G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                 replaced_cb, task);
}

/**
 * tincan_text_window_save_finish:
 * @self: a #TincanTextWindow
 * @result: the result given to the callback
 * @error: where the reason goes
 *
 * Returns: whether the text was written
 */
gboolean
tincan_text_window_save_finish (TincanTextWindow  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  TincanTextWindow *self = TINCAN_TEXT_WINDOW (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (tincan_text_window_save_finish (self, result, &error))
    text = g_strdup (_("Saved"));
  else
    /* Translators: %s says why, as the system put it */
    text = g_strdup_printf (_("Could not save: %s"), error->message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
on_chooser_response_cb (TincanTextWindow *self,
                        int               response)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  g_clear_object (&self->chooser);
  if (file != NULL)
    tincan_text_window_save_async (self, file, NULL, saved_cb, NULL);
}

static void
save_as_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TincanTextWindow *self = TINCAN_TEXT_WINDOW (widget);
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;

  /* GTK 4.8 has no GtkFileDialog. */
  self->chooser = gtk_file_chooser_native_new (_("Save As"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Translators: the file name offered; %s is the title, such as "Message from Grace" */
  name = g_strdup_printf (_("%s.txt"), adw_window_title_get_title (self->window_title));
  g_strdelimit (name, "/", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_swapped (self->chooser, "response",
                            G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
tincan_text_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TincanTextWindow *self = TINCAN_TEXT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, tincan_text_window_get_loaded (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_text_window_dispose (GObject *object)
{
  TincanTextWindow *self = TINCAN_TEXT_WINDOW (object);

  g_clear_handle_id (&self->load_id, g_source_remove);
  g_clear_handle_id (&self->search_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_TEXT_WINDOW);

  G_OBJECT_CLASS (tincan_text_window_parent_class)->dispose (object);
}

static void
tincan_text_window_finalize (GObject *object)
{
  TincanTextWindow *self = TINCAN_TEXT_WINDOW (object);

  g_clear_object (&self->message);
  g_clear_pointer (&self->person, g_free);
  g_clear_pointer (&self->added_breaks, g_array_unref);

  G_OBJECT_CLASS (tincan_text_window_parent_class)->finalize (object);
}

static void
tincan_text_window_class_init (TincanTextWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tincan_text_window_get_property;
  object_class->dispose = tincan_text_window_dispose;
  object_class->finalize = tincan_text_window_finalize;

  /**
   * TincanTextWindow:loaded:
   *
   * Whether all of the text is in the view.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tincan-text-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanTextWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanTextWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TincanTextWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TincanTextWindow, matches_label);
  gtk_widget_class_bind_template_child (widget_class, TincanTextWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TincanTextWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, TincanTextWindow, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_previous_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clipboard_cb);

  gtk_widget_class_install_action (widget_class, "text.search", NULL, search_activated_cb);
  gtk_widget_class_install_action (widget_class, "text.find-next", NULL, find_next_activated_cb);
  gtk_widget_class_install_action (widget_class, "text.find-previous", NULL,
                                   find_previous_activated_cb);
  gtk_widget_class_install_action (widget_class, "text.save-as", NULL, save_as_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "text.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK,
                                       "text.find-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "text.find-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "text.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tincan_text_window_init (TincanTextWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->added_breaks = g_array_new (FALSE, FALSE, sizeof (guint));
  /* Adwaita's yellow and orange, see-through, read on light and dark
   * alike.
   */
  self->match_tag = gtk_text_buffer_create_tag (buffer (self), "match",
                                                "background", "rgba(246, 211, 45, 0.45)",
                                                NULL);
  self->current_tag = gtk_text_buffer_create_tag (buffer (self), "current-match",
                                                  "background", "rgba(255, 120, 0, 0.6)",
                                                  NULL);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (on_search_mode_cb), self, G_CONNECT_SWAPPED);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}

/**
 * tincan_text_window_new:
 * @parent: (nullable): the window it belongs to
 * @message: the message to show
 * @person: (nullable): whom it is from or to, for the title
 *
 * Returns: (transfer none): a new window showing all of @message's text,
 *   which fills in from an idle (see #TincanTextWindow:loaded)
 */
GtkWidget *
tincan_text_window_new (GtkWindow     *parent,
                        TincanMessage *message,
                        const char    *person)
{
  TincanTextWindow *self;
  g_autofree char *title = NULL;
  g_autofree char *size = NULL;
  g_autofree char *when = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GDateTime) time = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), NULL);

  self = g_object_new (TINCAN_TYPE_TEXT_WINDOW,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->message = g_object_ref (message);
  self->person = g_strdup (person ? person : _("Peer"));
  self->loaded_to = tincan_message_get_text (message);

  if (tincan_message_get_outgoing (message))
    /* Translators: %s is the person's name */
    title = g_strdup_printf (_("Message to %s"), self->person);
  else
    /* Translators: %s is the person's name */
    title = g_strdup_printf (_("Message from %s"), self->person);
  size = g_format_size (strlen (self->loaded_to));
  time = g_date_time_new_from_unix_local (tincan_message_get_time (message) / G_USEC_PER_SEC);
  when = g_date_time_format (time, "%x %H:%M");
  /* Translators: the size of a message, then when it was sent, as "1.0 MB · 30/11/2026 14:05" */
  subtitle = g_strdup_printf (_("%s · %s"), size, when);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  /* The first screenful at once, the rest as the main loop allows. */
  if (tincan_text_window_load_some (self, FIRST_LOAD_BYTES))
    self->load_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, load_cb, self, NULL);
  else
    load_cb (self);

  return GTK_WIDGET (self);
}

/**
 * tincan_text_window_get_message:
 * @self: a #TincanTextWindow
 *
 * Returns: (transfer none): the message shown
 */
TincanMessage *
tincan_text_window_get_message (TincanTextWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_TEXT_WINDOW (self), NULL);

  return self->message;
}

/**
 * tincan_text_window_get_loaded:
 * @self: a #TincanTextWindow
 *
 * Returns: whether all of the text is in the view
 */
gboolean
tincan_text_window_get_loaded (TincanTextWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_TEXT_WINDOW (self), FALSE);

  return self->load_id == 0 && self->loaded_to != NULL && *self->loaded_to == '\0';
}


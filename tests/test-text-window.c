/* test-text-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Long text is a document too: past the inline limit a message's row
 * offers Open instead of Show More, and the window it opens has the whole
 * text, finds in it, copies and saves exactly what was sent.  The other
 * computer is a TincanLink in this process.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tincan-application.h"
#include "tincan-gui-test-utils.h"
#include "tincan-link-private.h"
#include "tincan-message-row.h"
#include "tincan-test-utils.h"
#include "tincan-text-window.h"
#include "tincan-window-test-utils.h"

/* Words, in lines of about @line_chars characters (0 for one paragraph),
 * to @size bytes, ending with @last.
 */
static char *
make_text (gsize       size,
           guint       line_chars,
           const char *last)
{
  static const char *words[] = { "lorem", "ipsum", "dolor", "sit", "amet,", "consectetur",
                                 "adipiscing", "elit.", "sed", "do", "eiusmod", "tempor" };
  GString *text = g_string_sized_new (size + 64);
  guint column = 0;

  for (guint i = 0; text->len + strlen (last) + 16 < size; i++)
    {
      const char *word = words[(i * 5 + i / 12) % G_N_ELEMENTS (words)];

      g_string_append (text, word);
      column += strlen (word) + 1;
      if (line_chars > 0 && column > line_chars)
        {
          g_string_append_c (text, '\n');
          column = 0;
        }
      else
        g_string_append_c (text, ' ');
    }
  g_string_append (text, last);
  while (text->len < size)
    g_string_append_c (text, '.');

  return g_string_free (text, FALSE);
}

static TincanMessage *
incoming (const char *text)
{
  return tincan_message_new_incoming ("0123456789abcdef", NULL, 1, text, FALSE);
}

static gboolean
loaded (gpointer window)
{
  return tincan_text_window_get_loaded (window);
}

static GtkTextBuffer *
text_buffer (TincanTextWindow *window)
{
  return gtk_text_view_get_buffer (child (window, TINCAN_TYPE_TEXT_WINDOW, "text_view"));
}

static TincanTextWindow *
open_window (TincanMessage *message)
{
  TincanTextWindow *window = TINCAN_TEXT_WINDOW (tincan_text_window_new (NULL, message, "Grace"));

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tincan_test_wait_for (loaded, window));

  return window;
}

static char *
clipboard_text (GtkWidget *widget)
{
  GdkContentProvider *content = gdk_clipboard_get_content (gtk_widget_get_clipboard (widget));
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));

  return g_value_dup_string (&value);
}

/* The window's copy of the text, as the view has it, and as it is
 * copied: a paragraph of a mebibyte is broken for display at spaces,
 * where a space was, and a run with no space at all gets line breaks
 * of its own, which copying leaves out.
 */
static void
check_copy (const char *text,
            gboolean    same_count)
{
  g_autoptr(TincanMessage) message = incoming (text);
  TincanTextWindow *window = open_window (message);
  GtkTextBuffer *buffer = text_buffer (window);
  GtkWidget *view = child (window, TINCAN_TYPE_TEXT_WINDOW, "text_view");
  GtkTextIter start, end;
  g_autofree char *copied = NULL;
  g_autofree char *middle = NULL;
  glong n_chars = g_utf8_strlen (text, -1);

  if (same_count)
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, n_chars);
  else
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), >, n_chars);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_select_range (buffer, &start, &end);
  g_signal_emit_by_name (view, "copy-clipboard");
  copied = clipboard_text (view);
  g_assert_cmpuint (strlen (copied), ==, strlen (text));
  g_assert_true (strcmp (copied, text) == 0);
  g_clear_pointer (&copied, g_free);

  /* A part from the middle, across several breaks. */
  gtk_text_buffer_get_iter_at_offset (buffer, &start, 100000);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, 130000);
  gtk_text_buffer_select_range (buffer, &start, &end);
  g_signal_emit_by_name (view, "copy-clipboard");
  copied = clipboard_text (view);
  if (same_count)
    {
      middle = g_utf8_substring (text, 100000, 130000);
      g_assert_cmpstr (copied, ==, middle);
    }
  else
    {
      /* Less the added breaks, one each MAX_PARAGRAPH_CHARS or more. */
      g_assert_cmpint (g_utf8_strlen (copied, -1), >=, 29970);
      g_assert_cmpint (g_utf8_strlen (copied, -1), <, 30000);
      g_assert_null (strchr (copied, '\n'));
      g_assert_nonnull (strstr (text, copied));
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_text_paragraph (void)
{
  g_autofree char *text = make_text (1024 * 1024, 0, "zanzibar");

  check_copy (text, TRUE);
}

static void
test_text_lines (void)
{
  g_autofree char *text = make_text (1024 * 1024, 60, "zanzibar");

  check_copy (text, TRUE);
}

static void
test_text_no_spaces (void)
{
  /* Not ASCII either: offsets are characters, not bytes. */
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 200000; i++)
    g_string_append (text, i % 3 ? "é" : "w");
  check_copy (text->str, FALSE);
  g_string_free (text, TRUE);
}

static gboolean
label_says (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (gtk_label_get_text (args[0]), args[1]) == 0;
}

static gboolean
has_selection (gpointer buffer)
{
  return gtk_text_buffer_get_has_selection (buffer);
}

static gboolean
many_matches (gpointer label)
{
  return g_str_has_suffix (gtk_label_get_text (label), " matches");
}

static gboolean
scrolled_down (gpointer adjustment)
{
  return gtk_adjustment_get_value (adjustment) > gtk_adjustment_get_upper (adjustment) / 2;
}

static void
test_text_find (void)
{
  g_autofree char *text = make_text (1024 * 1024, 60, "zanzibar");
  g_autoptr(TincanMessage) message = incoming (text);
  TincanTextWindow *window = open_window (message);
  GtkTextBuffer *buffer = text_buffer (window);
  GtkSearchBar *bar = child (window, TINCAN_TYPE_TEXT_WINDOW, "search_bar");
  GtkEditable *entry = child (window, TINCAN_TYPE_TEXT_WINDOW, "search_entry");
  GtkLabel *matches = child (window, TINCAN_TYPE_TEXT_WINDOW, "matches_label");
  GtkScrolledWindow *scroller = child (window, TINCAN_TYPE_TEXT_WINDOW, "scroller");
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  gpointer says[2] = { matches, NULL };
  GtkTextIter start, end;
  g_autofree char *selected = NULL;
  gint64 started;
  int first;

  g_assert_false (gtk_search_bar_get_search_mode (bar));
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>f"));
  g_assert_true (gtk_search_bar_get_search_mode (bar));

  /* A word once, near the end: found, selected and scrolled to. */
  started = g_get_monotonic_time ();
  gtk_editable_set_text (entry, "Zanzibar");
  says[1] = (gpointer) "1 match";
  g_assert_true (tincan_test_wait_for (label_says, says));
  g_test_message ("searching 1 MiB took %.0f ms (with the entry's delay)",
                  (g_get_monotonic_time () - started) / 1000.0);
  g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &start, &end));
  selected = gtk_text_iter_get_text (&start, &end);
  g_assert_cmpstr (selected, ==, "zanzibar");
  g_assert_cmpint (gtk_text_iter_get_offset (&start), >, gtk_text_buffer_get_char_count (buffer) - 100);
  g_assert_true (tincan_test_wait_for (scrolled_down, adjustment));

  /* Many matches: next and previous go round. */
  started = g_get_monotonic_time ();
  gtk_editable_set_text (entry, "consectetur");
  g_assert_true (tincan_test_wait_for (many_matches, matches));
  g_test_message ("%s took %.0f ms", gtk_label_get_text (matches),
                  (g_get_monotonic_time () - started) / 1000.0);
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  first = gtk_text_iter_get_offset (&start);
  g_assert_cmpint (first, <, 200);
  /* Enter goes on to the next. */
  g_signal_emit_by_name (entry, "activate");
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  g_assert_cmpint (gtk_text_iter_get_offset (&start), >, first);
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control><Shift>g"));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  g_assert_cmpint (gtk_text_iter_get_offset (&start), ==, first);
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control><Shift>g"));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  g_assert_cmpint (gtk_text_iter_get_offset (&start), >, gtk_text_buffer_get_char_count (buffer) - 2000);
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "<Control>g"));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  g_assert_cmpint (gtk_text_iter_get_offset (&start), <, 200);

  /* From where the reader is, past the highlighted thousand. */
  gtk_text_buffer_get_iter_at_offset (buffer, &start, 500000);
  gtk_text_buffer_place_cursor (buffer, &start);
  g_assert_false (gtk_text_buffer_get_has_selection (buffer));
  gtk_editable_set_text (entry, "Consectetur");
  g_assert_true (tincan_test_wait_for (has_selection, buffer));
  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  g_assert_cmpint (gtk_text_iter_get_offset (&start), >=, 500000);
  g_assert_cmpint (gtk_text_iter_get_offset (&start), <, 500200);

  /* Nothing found is said so. */
  gtk_editable_set_text (entry, "xylophone");
  says[1] = (gpointer) "No results";
  g_assert_true (tincan_test_wait_for (label_says, says));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));

  /* Escape in the entry closes the bar, then Escape closes the window. */
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_false (gtk_search_bar_get_search_mode (bar));
  g_assert_true (activate_shortcut (GTK_WIDGET (window), "Escape"));
  g_assert_null (find_toplevel (TINCAN_TYPE_TEXT_WINDOW));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      data)
{
  GError **error = data;

  if (!tincan_text_window_save_finish (TINCAN_TEXT_WINDOW (object), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "saved");
}

static gboolean
is_set (gpointer pointer)
{
  return *(gpointer *) pointer != NULL;
}

static void
test_text_save (void)
{
  g_autofree char *text = make_text (1024 * 1024, 0, "zanzibar");
  g_autoptr(TincanMessage) message = incoming (text);
  TincanTextWindow *window = open_window (message);
  g_autofree char *folder = g_dir_make_tmp ("tincan-text-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "message.txt", NULL);
  g_autofree char *missing = g_build_filename (folder, "no-such-folder", "message.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) nowhere = g_file_new_for_path (missing);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  gsize length;

  /* Over something already there, byte for byte. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  tincan_text_window_save_async (window, file, NULL, saved_cb, &error);
  g_assert_true (tincan_test_wait_for (is_set, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NONE);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &written, &length, NULL));
  g_assert_cmpuint (length, ==, strlen (text));
  g_assert_true (memcmp (written, text, length) == 0);

  /* Where it cannot go: an error, not a crash. */
  tincan_text_window_save_async (window, nowhere, NULL, saved_cb, &error);
  g_assert_true (tincan_test_wait_for (is_set, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  gtk_window_destroy (GTK_WINDOW (window));
  tincan_test_remove_tree (folder);
}

/* In the app: the row's Open and Show More. */

static gboolean
peer_link_online (gpointer unused)
{
  return tincan_link_get_presence (peer.link) == TINCAN_PRESENCE_ONLINE;
}

static gboolean
has_text_window (gpointer unused)
{
  return find_toplevel (TINCAN_TYPE_TEXT_WINDOW) != NULL;
}

static GtkWidget *
row_with_prefix (GtkWindow  *window,
                 const char *prefix)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (view_child (window, "list_view"), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      TincanMessage *message = tincan_message_row_get_message (g_ptr_array_index (rows, i));

      if (message != NULL && g_str_has_prefix (tincan_message_get_text (message), prefix))
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

static gboolean
row_has_prefix (gpointer data)
{
  gpointer *args = data;

  return row_with_prefix (args[0], args[1]) != NULL;
}

static void
row_open (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autofree char *long_text = make_text (1024 * 1024, 60, "zanzibar");
  g_autofree char *short_text = make_text (TINCAN_MESSAGE_ROW_INLINE_CHARS - 500, 0, "end");
  g_autofree char *title = NULL;
  gpointer args[2] = { window, NULL };
  TincanTextWindow *text_window;
  GtkWidget *row, *more, *open;
  GtkLabel *label;
  gint64 started;
  double open_ms;

  wait_subtitle (window, "Grace · Online");
  g_assert_true (tincan_test_wait_for (peer_link_online, NULL));

  /* Under the limit: Show More lays it all out in the bubble. */
  memcpy (short_text, "short", 5);
  g_object_unref (tincan_link_send (peer.link, short_text, NULL));
  args[1] = (gpointer) "short";
  g_assert_true (tincan_test_wait_for (row_has_prefix, args));
  row = row_with_prefix (window, "short");
  more = child (row, TINCAN_TYPE_MESSAGE_ROW, "more_button");
  open = child (row, TINCAN_TYPE_MESSAGE_ROW, "open_button");
  label = child (row, TINCAN_TYPE_MESSAGE_ROW, "text_label");
  g_assert_true (gtk_widget_get_visible (more));
  g_assert_false (gtk_widget_get_visible (open));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (more), TRUE);
  g_assert_cmpstr (gtk_label_get_text (label), ==, short_text);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (more), FALSE);

  /* Over it: only its start in the bubble, and Open. */
  memcpy (long_text, "long!", 5);
  g_object_unref (tincan_link_send (peer.link, long_text, NULL));
  args[1] = (gpointer) "long!";
  g_assert_true (tincan_test_wait_for (row_has_prefix, args));
  tincan_test_run_for (200);
  row = row_with_prefix (window, "long!");
  more = child (row, TINCAN_TYPE_MESSAGE_ROW, "more_button");
  open = child (row, TINCAN_TYPE_MESSAGE_ROW, "open_button");
  label = child (row, TINCAN_TYPE_MESSAGE_ROW, "text_label");
  g_assert_false (gtk_widget_get_visible (more));
  g_assert_true (gtk_widget_get_visible (open));
  g_assert_cmpint (g_utf8_strlen (gtk_label_get_text (label), -1), ==, 1201);

  /* Open: a window of its own, all of the text in it, in bounded time. */
  started = g_get_monotonic_time ();
  g_signal_emit_by_name (open, "clicked");
  g_assert_true (tincan_test_wait_for (has_text_window, NULL));
  text_window = find_toplevel (TINCAN_TYPE_TEXT_WINDOW);
  g_assert_true (tincan_test_wait_for (loaded, text_window));
  open_ms = (g_get_monotonic_time () - started) / 1000.0;
  g_test_message ("a 1 MiB message's window opened and filled in %.0f ms", open_ms);
  g_assert_cmpfloat (open_ms, <, 10000);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (text_window)) == window);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (text_window)), ==, "Message from Grace");
  g_assert_cmpint (gtk_text_buffer_get_char_count (text_buffer (text_window)),
                   ==, g_utf8_strlen (long_text, -1));

  /* Open again brings the same window back. */
  g_signal_emit_by_name (open, "clicked");
  tincan_test_run_for (100);
  g_assert_true (find_toplevel (TINCAN_TYPE_TEXT_WINDOW) == text_window);

  /* Ctrl+W closes it. */
  g_assert_true (activate_shortcut (GTK_WIDGET (text_window), "<Control>w"));
  g_assert_null (find_toplevel (TINCAN_TYPE_TEXT_WINDOW));
  title = g_strdup (gtk_window_get_title (window));
  g_assert_nonnull (title);
}

static void
test_text_row_open (void)
{
  peer_open ();
  run_app (NULL, row_open);
  peer_close ();
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  adw_init ();
  start_notification_server ();

  g_test_add_func ("/text/paragraph", test_text_paragraph);
  g_test_add_func ("/text/lines", test_text_lines);
  g_test_add_func ("/text/no-spaces", test_text_no_spaces);
  g_test_add_func ("/text/find", test_text_find);
  g_test_add_func ("/text/save", test_text_save);
  g_test_add_func ("/text/row-open", test_text_row_open);

  return g_test_run ();
}

/* test-compose-box.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message box on its own, in a window of its own under Xvfb, with no
 * application and no chat: what Enter and Shift+Enter do, what it sends
 * and what it refuses, and how tall it grows.
 *
 * A key press is given first to the box's key controller in the capture
 * phase, and then, if that one left it, to the text view's own, as GTK
 * would deliver it.
 */

#include "config.h"

#include <adwaita.h>

#include "tincan-compose-box.h"
#include "tincan-gui-test-utils.h"
#include "tincan-test-utils.h"

typedef struct
{
  GtkWindow        *window;
  TincanComposeBox *box;
  GPtrArray        *sent;       /* char *: each ::send's text */
  guint             refused;    /* ::text-refused emissions */
} Fixture;

static void
on_send_cb (TincanComposeBox *box,
            const char       *text,
            Fixture          *fixture)
{
  g_ptr_array_add (fixture->sent, g_strdup (text));
}

static void
on_text_refused_cb (TincanComposeBox *box,
                    Fixture          *fixture)
{
  fixture->refused++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->sent = g_ptr_array_new_with_free_func (g_free);
  fixture->box = TINCAN_COMPOSE_BOX (tincan_compose_box_new ());
  g_signal_connect (fixture->box, "send", G_CALLBACK (on_send_cb), fixture);
  g_signal_connect (fixture->box, "text-refused", G_CALLBACK (on_text_refused_cb), fixture);

  /* As wide as the app's narrowest window. */
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 360, -1);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->box));
  gtk_window_present (fixture->window);
  g_assert_true (tincan_test_wait_for (is_mapped, fixture->box));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Nothing of the box outlives it, whatever it was doing. */
  g_object_ref (fixture->box);
  gtk_window_destroy (fixture->window);
  g_assert_finalize_object (fixture->box);
  g_clear_pointer (&fixture->sent, g_ptr_array_unref);
}

static GtkTextBuffer *
buffer (Fixture *fixture)
{
  return gtk_text_view_get_buffer (child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "text_view"));
}

/* Text added where the cursor is, as typing or pasting adds it. */
static void
insert (Fixture    *fixture,
        const char *text)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer (fixture), &end);
  gtk_text_buffer_place_cursor (buffer (fixture), &end);
  gtk_text_buffer_insert_interactive_at_cursor (buffer (fixture), text, -1, TRUE);
}

static void
assert_text (Fixture    *fixture,
             const char *expected)
{
  g_autofree char *text = compose_text (fixture->box);

  g_assert_cmpstr (text, ==, expected);
}

/* The key as GTK delivers it: the box's capture-phase controller first,
 * then, unless that took it, the text view's own controller.
 */
static void
type_key (Fixture         *fixture,
          guint            keyval,
          GdkModifierType  state)
{
  GtkWidget *view = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "text_view");
  g_autoptr(GListModel) controllers = NULL;
  gboolean handled = FALSE;

  if (press_key (fixture->box, keyval, state))
    return;

  controllers = gtk_widget_observe_controllers (view);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller)
          && gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller))
             == GTK_PHASE_BUBBLE)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          return;
        }
    }

  g_assert_not_reached ();
}

static void
test_enter_sends (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *typed = "  hello, Grace\nsecond line ";
  GtkWidget *send_button = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "send_button");

  /* Sent as typed, spaces and line breaks too; the box keeps it until
   * it is cleared, so what could not be sent is not lost.
   */
  set_compose_text (fixture->box, typed);
  g_assert_true (press_key (fixture->box, GDK_KEY_Return, 0));
  g_assert_cmpuint (fixture->sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->sent, 0), ==, typed);
  assert_text (fixture, typed);

  /* The keypad's Enter, and the Send button, send too. */
  g_assert_true (press_key (fixture->box, GDK_KEY_KP_Enter, 0));
  g_assert_true (press_key (fixture->box, GDK_KEY_ISO_Enter, 0));
  g_signal_emit_by_name (send_button, "clicked");
  g_assert_cmpuint (fixture->sent->len, ==, 4);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpstr (g_ptr_array_index (fixture->sent, i), ==, typed);

  /* Other keys are the text view's. */
  g_assert_false (press_key (fixture->box, GDK_KEY_a, 0));
  g_assert_false (press_key (fixture->box, GDK_KEY_Tab, 0));

  tincan_compose_box_clear (fixture->box);
  assert_text (fixture, "");
  g_assert_cmpuint (fixture->sent->len, ==, 4);
}

static void
test_shift_enter_new_line (Fixture       *fixture,
                           gconstpointer  data)
{
  insert (fixture, "first");

  /* Shift+Enter and Ctrl+Enter reach the text view, which starts a new
   * line; nothing is sent.
   */
  g_assert_false (press_key (fixture->box, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_false (press_key (fixture->box, GDK_KEY_KP_Enter, GDK_CONTROL_MASK));
  type_key (fixture, GDK_KEY_Return, GDK_SHIFT_MASK);
  assert_text (fixture, "first\n");
  insert (fixture, "second");
  type_key (fixture, GDK_KEY_Return, GDK_CONTROL_MASK);
  insert (fixture, "third");
  assert_text (fixture, "first\nsecond\nthird");
  g_assert_cmpuint (fixture->sent->len, ==, 0);

  /* Enter alone sends all of it, and adds no line of its own. */
  type_key (fixture, GDK_KEY_Return, 0);
  g_assert_cmpuint (fixture->sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->sent, 0), ==, "first\nsecond\nthird");
  assert_text (fixture, "first\nsecond\nthird");
}

static void
test_blank_not_sent (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *blanks[] = { "", " ", "  \n ", "\t\n\n" };
  GtkWidget *send_button = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "send_button");

  /* Enter is still taken, so it adds no line; the blank stays as it is. */
  for (guint i = 0; i < G_N_ELEMENTS (blanks); i++)
    {
      g_autofree char *escaped = g_strescape (blanks[i], NULL);

      g_test_message ("“%s”", escaped);
      set_compose_text (fixture->box, blanks[i]);
      type_key (fixture, GDK_KEY_Return, 0);
      g_signal_emit_by_name (send_button, "clicked");
      assert_text (fixture, blanks[i]);
    }

  g_assert_cmpuint (fixture->sent->len, ==, 0);

  /* Anything else around the blanks is a message. */
  set_compose_text (fixture->box, " \n.\n ");
  type_key (fixture, GDK_KEY_Return, 0);
  g_assert_cmpuint (fixture->sent->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->sent, 0), ==, " \n.\n ");
}

/* The box's height for @n_lines, once it has measured them. */
static int
height_for (Fixture *fixture,
            guint    n_lines)
{
  GtkScrolledWindow *scroller = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "scroller");
  g_autoptr(GString) text = g_string_new ("line 1");

  for (guint i = 2; i <= n_lines; i++)
    g_string_append_printf (text, "\nline %u", i);
  set_compose_text (fixture->box, text->str);
  tincan_test_run_for (200);

  return gtk_scrolled_window_get_min_content_height (scroller);
}

static gboolean
scrolls (gpointer scroller)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scroller);

  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment);
}

static void
test_grows_to_a_cap (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkScrolledWindow *scroller = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "scroller");
  int one, two, cap;

  /* What the window's test checks: it grows, to a limit, and back. */
  assert_compose_grows (fixture->box);

  /* A line more is a line taller, while it fits... */
  one = height_for (fixture, 1);
  two = height_for (fixture, 2);
  g_assert_cmpint (two, >, one);
  g_assert_cmpint (height_for (fixture, 3), ==, one + 2 * (two - one));
  g_assert_false (scrolls (scroller));

  /* ...up to about eight lines; then it stays that tall and scrolls. */
  cap = height_for (fixture, 40);
  g_test_message ("one line %d, two %d, the cap %d pixels", one, two, cap);
  g_assert_cmpint (cap, ==, 160);
  g_assert_cmpint (cap, >=, one + 6 * (two - one));
  g_assert_cmpint (cap, <, one + 9 * (two - one));
  g_assert_cmpint (height_for (fixture, 200), ==, cap);
  g_assert_true (tincan_test_wait_for (scrolls, scroller));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (scroller)), <=, cap + 2);

  g_assert_cmpint (height_for (fixture, 1), ==, one);
}

static void
test_refuses_long_text_whole (Fixture       *fixture,
                              gconstpointer  data)
{
  GtkWidget *scroller = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "scroller");

  /* Ten bytes: "12345678" and "abc" would be eleven; none of "abc" goes
   * in, not even the part that would fit.
   */
  tincan_compose_box_set_max_bytes (fixture->box, 10);
  g_assert_cmpuint (tincan_compose_box_get_max_bytes (fixture->box), ==, 10);
  insert (fixture, "12345678");
  g_assert_false (tincan_compose_box_get_error (fixture->box));
  insert (fixture, "abc");
  assert_text (fixture, "12345678");
  g_assert_cmpuint (fixture->refused, ==, 1);
  g_assert_true (tincan_compose_box_get_error (fixture->box));
  g_assert_true (gtk_widget_has_css_class (scroller, "error"));

  /* Bytes, not characters: "é" is two, which makes exactly ten. */
  insert (fixture, "é");
  assert_text (fixture, "12345678é");
  insert (fixture, "!");
  assert_text (fixture, "12345678é");
  g_assert_cmpuint (fixture->refused, ==, 2);

  /* Sending it is the window's business; clearing takes the mark away. */
  tincan_compose_box_clear (fixture->box);
  assert_text (fixture, "");
  g_assert_false (tincan_compose_box_get_error (fixture->box));
  g_assert_false (gtk_widget_has_css_class (scroller, "error"));

  /* Far from the limit the box does not count bytes; near it, it does:
   * ten "€" are ten characters and thirty bytes.
   */
  tincan_compose_box_set_max_bytes (fixture->box, 40);
  insert (fixture, "€€€€€€€€€€");
  insert (fixture, "123456789");
  insert (fixture, "€");
  assert_text (fixture, "€€€€€€€€€€123456789");
  g_assert_cmpuint (fixture->refused, ==, 3);
  insert (fixture, "0");
  assert_text (fixture, "€€€€€€€€€€1234567890");
  g_assert_cmpuint (fixture->refused, ==, 3);

  /* A message's mebibyte, as the window has it: exactly that fits. */
  tincan_compose_box_clear (fixture->box);
  tincan_compose_box_set_max_bytes (fixture->box, 1024 * 1024);
  {
    g_autofree char *most = g_strnfill (1024 * 1024 - 2, 'm');

    insert (fixture, most);
    insert (fixture, "é");
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer (fixture)), ==, 1024 * 1024 - 1);
    g_assert_false (tincan_compose_box_get_error (fixture->box));
    insert (fixture, "!");
    g_assert_cmpint (gtk_text_buffer_get_char_count (buffer (fixture)), ==, 1024 * 1024 - 1);
    g_assert_true (tincan_compose_box_get_error (fixture->box));
    g_assert_cmpuint (fixture->refused, ==, 4);
  }

  /* No limit. */
  tincan_compose_box_clear (fixture->box);
  tincan_compose_box_set_max_bytes (fixture->box, 0);
  insert (fixture, "no limit at all, more than ten bytes");
  assert_text (fixture, "no limit at all, more than ten bytes");
  g_assert_cmpuint (fixture->refused, ==, 4);
  g_assert_cmpuint (fixture->sent->len, ==, 0);
}

static void
test_focus_and_placeholder (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *view = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "text_view");
  GtkWidget *placeholder = child (fixture->box, TINCAN_TYPE_COMPOSE_BOX, "placeholder");

  /* The keyboard goes to the text, not the Send button. */
  gtk_window_set_focus (fixture->window, NULL);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (fixture->box)));
  g_assert_true (gtk_widget_is_focus (view));

  g_assert_true (gtk_widget_get_visible (placeholder));
  insert (fixture, "x");
  g_assert_false (gtk_widget_get_visible (placeholder));
  tincan_compose_box_clear (fixture->box);
  g_assert_true (gtk_widget_get_visible (placeholder));
}

static void
add_test (const char *path,
          void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  /* The app's own style, as AdwApplication would load it: the box's
   * padding and its error mark.
   */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  add_test ("/compose-box/enter-sends", test_enter_sends);
  add_test ("/compose-box/shift-enter-new-line", test_shift_enter_new_line);
  add_test ("/compose-box/blank-not-sent", test_blank_not_sent);
  add_test ("/compose-box/grows-to-a-cap", test_grows_to_a_cap);
  add_test ("/compose-box/refuses-long-text-whole", test_refuses_long_text_whole);
  add_test ("/compose-box/focus-and-placeholder", test_focus_and_placeholder);

  return g_test_run ();
}

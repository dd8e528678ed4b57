/* test-file-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file's row on its own, in a window of its own under Xvfb, with no
 * application and no chat: in each state of a TincanTransfer set up by
 * the test, what it says and which buttons it offers, that it follows
 * the transfer as it changes, and which chat.*-file action each button
 * asks for.
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "tincan-file-row.h"
#include "tincan-gui-test-utils.h"
#include "tincan-test-utils.h"

#define ID "0123456789abcdef0123456789abcdef"
#define MB G_GUINT64_CONSTANT (1000000)

typedef struct
{
  GtkWindow          *window;
  TincanFileRow      *row;
  TincanMessage      *message;
  TincanTransfer     *transfer;
  GSimpleActionGroup *actions;
  GPtrArray          *activated;   /* char *: "action ID" */
  GPtrArray          *texts;       /* char *: what text() returned */
} Fixture;

static void
on_action_activated_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        Fixture       *fixture)
{
  g_ptr_array_add (fixture->activated,
                   g_strdup_printf ("%s %s", g_action_get_name (G_ACTION (action)),
                                    g_variant_get_string (parameter, NULL)));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const names[] = { "accept-file", "cancel-file", "open-file", "show-file" };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  fixture->activated = g_ptr_array_new_with_free_func (g_free);
  fixture->texts = g_ptr_array_new_with_free_func (g_free);
  fixture->actions = g_simple_action_group_new ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (names[i], G_VARIANT_TYPE_STRING);

      g_signal_connect (action, "activate", G_CALLBACK (on_action_activated_cb), fixture);
      g_action_map_add_action (G_ACTION_MAP (fixture->actions), G_ACTION (action));
    }
  /* As the conversation view has them. */
  gtk_widget_insert_action_group (box, "chat", G_ACTION_GROUP (fixture->actions));

  fixture->row = TINCAN_FILE_ROW (tincan_file_row_new ());
  tincan_file_row_set_peer_name (fixture->row, "Grace");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->row));

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 480, -1);
  gtk_window_set_child (fixture->window, box);
  gtk_window_present (fixture->window);
  g_assert_true (tincan_test_wait_for (is_mapped, fixture->row));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_ref (fixture->row);
  gtk_window_destroy (fixture->window);
  g_assert_finalize_object (fixture->row);
  /* The row let go of them. */
  if (fixture->message != NULL)
    g_assert_finalize_object (fixture->message);
  if (fixture->transfer != NULL)
    g_assert_finalize_object (fixture->transfer);
  g_clear_object (&fixture->actions);
  g_clear_pointer (&fixture->activated, g_ptr_array_unref);
  g_clear_pointer (&fixture->texts, g_ptr_array_unref);
}

/* A file message as the chat makes one, shown in the row. */
static void
show (Fixture    *fixture,
      gboolean    outgoing,
      const char *name,
      guint64     size)
{
  fixture->transfer = tincan_transfer_new (ID, outgoing, name, size);
  if (outgoing)
    fixture->message = tincan_message_new_outgoing (name, FALSE);
  else
    fixture->message = tincan_message_new_incoming ("m1", "Grace", 1, name, FALSE);
  tincan_message_set_transfer (fixture->message, fixture->transfer);
  tincan_file_row_set_message (fixture->row, fixture->message);
  g_assert_true (tincan_file_row_get_message (fixture->row) == fixture->message);
}

/* A label's text, with g_format_size()'s no-break spaces as spaces. */
static const char *
text (Fixture    *fixture,
      const char *name)
{
  const char *label = gtk_label_get_label (child (fixture->row, TINCAN_TYPE_FILE_ROW, name));
  g_auto(GStrv) parts = g_strsplit (label, "\u00a0", -1);
  char *plain = g_strjoinv (" ", parts);

  g_ptr_array_add (fixture->texts, plain);
  return plain;
}

static gboolean
shown (Fixture    *fixture,
       const char *name)
{
  return gtk_widget_get_visible (child (fixture->row, TINCAN_TYPE_FILE_ROW, name));
}

/* Exactly these buttons, by the names of the template's children. */
static void
assert_buttons (Fixture    *fixture,
                const char *expected)
{
  static const char * const buttons[] = {
    "accept_button", "decline_button", "open_button", "show_button", "cancel_button",
  };
  g_auto(GStrv) wanted = g_strsplit (expected, " ", -1);

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      gboolean want = g_strv_contains ((const char * const *) wanted, buttons[i]);

      if (shown (fixture, buttons[i]) != want)
        g_error ("%s should be %s", buttons[i], want ? "shown" : "hidden");
    }
}

static void
click (Fixture    *fixture,
       const char *button)
{
  GtkWidget *widget = child (fixture->row, TINCAN_TYPE_FILE_ROW, button);

  /* A person can reach it with the keyboard. */
  g_assert_true (gtk_widget_get_focusable (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_signal_emit_by_name (widget, "clicked");
}

static void
assert_activated (Fixture    *fixture,
                  const char *expected)
{
  g_assert_cmpuint (fixture->activated->len, >, 0);
  g_assert_cmpstr (g_ptr_array_index (fixture->activated, fixture->activated->len - 1), ==,
                   expected);
}

static void
test_outgoing_offered (Fixture       *fixture,
                       gconstpointer  data)
{
  GIcon *icon;

  show (fixture, TRUE, "report.pdf", 2 * MB);

  g_assert_cmpstr (text (fixture, "name_label"), ==, "report.pdf");
  g_assert_cmpstr (text (fixture, "detail_label"), ==, "2.0 MB");
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Waiting for Grace to accept");
  g_assert_false (shown (fixture, "progress_bar"));
  assert_buttons (fixture, "cancel_button");

  /* The type's own symbolic icon, from the name. */
  icon = gtk_image_get_gicon (child (fixture->row, TINCAN_TYPE_FILE_ROW, "icon"));
  g_assert_true (G_IS_THEMED_ICON (icon));
  g_assert_true (g_str_has_suffix (g_themed_icon_get_names (G_THEMED_ICON (icon))[0], "-symbolic"));
  g_assert_nonnull (strstr (g_themed_icon_get_names (G_THEMED_ICON (icon))[0], "pdf"));

  /* Without the person's name, in so many words. */
  tincan_file_row_set_peer_name (fixture->row, NULL);
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Waiting for the other computer to accept");
  tincan_file_row_set_peer_name (fixture->row, "Grace");

  /* On the right, as one's own messages are. */
  g_assert_cmpint (gtk_widget_get_halign (child (fixture->row, TINCAN_TYPE_FILE_ROW, "bubble")),
                   ==, GTK_ALIGN_END);

  click (fixture, "cancel_button");
  assert_activated (fixture, "cancel-file " ID);
}

static void
test_incoming_offered (Fixture       *fixture,
                       gconstpointer  data)
{
  show (fixture, FALSE, "holiday.mkv", 3200 * MB);

  g_assert_cmpstr (text (fixture, "detail_label"), ==, "3.2 GB");
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Larger than you accept without asking");
  assert_buttons (fixture, "accept_button decline_button");
  g_assert_cmpint (gtk_widget_get_halign (child (fixture->row, TINCAN_TYPE_FILE_ROW, "bubble")),
                   ==, GTK_ALIGN_START);

  click (fixture, "accept_button");
  assert_activated (fixture, "accept-file " ID);
  click (fixture, "decline_button");
  assert_activated (fixture, "cancel-file " ID);
  g_assert_cmpuint (fixture->activated->len, ==, 2);
}

/* The row follows the transfer: progress, then speed and time left once
 * there is a speed.
 */
static void
test_moving (Fixture       *fixture,
             gconstpointer  data)
{
  gint64 start = 10 * G_USEC_PER_SEC;
  GtkProgressBar *bar;
  const char *detail;

  show (fixture, TRUE, "big.iso", 100 * MB);
  bar = child (fixture->row, TINCAN_TYPE_FILE_ROW, "progress_bar");

  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_MOVING, NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_cmpstr (text (fixture, "detail_label"), ==, "0 bytes of 100.0 MB");
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Sending…");
  assert_buttons (fixture, "cancel_button");

  tincan_transfer_set_offset (fixture->transfer, 1 * MB, start);
  g_assert_cmpstr (text (fixture, "detail_label"), ==, "1.0 MB of 100.0 MB");

  /* 4.5 MB in one second. */
  tincan_transfer_set_offset (fixture->transfer, 5500000, start + G_USEC_PER_SEC);
  detail = text (fixture, "detail_label");
  g_assert_true (g_str_has_prefix (detail, "5.5 MB of 100.0 MB · 4.5 MB/s · "));
  g_assert_true (g_str_has_suffix (detail, " s left"));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (bar), 0.055, 0.001);

  click (fixture, "cancel_button");
  assert_activated (fixture, "cancel-file " ID);
}

static void
test_paused (Fixture       *fixture,
             gconstpointer  data)
{
  show (fixture, FALSE, "big.iso", 100 * MB);
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_MOVING, NULL);
  tincan_transfer_set_offset (fixture->transfer, 1 * MB, G_USEC_PER_SEC);
  tincan_transfer_set_offset (fixture->transfer, 40 * MB, 2 * G_USEC_PER_SEC);

  tincan_transfer_set_waiting_for (fixture->transfer, "Grace Hopper");
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_PAUSED, NULL);
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Paused, waiting for Grace Hopper");
  /* Nothing moves: no speed. */
  g_assert_cmpstr (text (fixture, "detail_label"), ==, "40.0 MB of 100.0 MB");
  g_assert_true (shown (fixture, "progress_bar"));
  assert_buttons (fixture, "cancel_button");
}

static void
test_verifying (Fixture       *fixture,
                gconstpointer  data)
{
  show (fixture, FALSE, "big.iso", 100 * MB);
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_MOVING, NULL);
  tincan_transfer_set_offset (fixture->transfer, 100 * MB, G_USEC_PER_SEC);
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_VERIFYING, NULL);

  g_assert_cmpstr (text (fixture, "state_label"), ==, "Checking…");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (child (fixture->row, TINCAN_TYPE_FILE_ROW,
                                                           "progress_bar")), ==, 1.0);
  assert_buttons (fixture, "cancel_button");
}

static void
test_outgoing_done (Fixture       *fixture,
                    gconstpointer  data)
{
  show (fixture, TRUE, "notes.txt", 1234);
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_MOVING, NULL);
  tincan_transfer_set_offset (fixture->transfer, 1234, G_USEC_PER_SEC);
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_DONE, NULL);

  g_assert_cmpstr (text (fixture, "state_label"), ==, "Delivered");
  g_assert_cmpstr (text (fixture, "detail_label"), ==, "1.2 kB");
  g_assert_false (shown (fixture, "progress_bar"));
  assert_buttons (fixture, "");
}

/* Open and Show in Folder only once it is saved under its own name. */
static void
test_incoming_done (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GFile) saved = g_file_new_for_path ("/tmp/Downloads/notes.txt");

  show (fixture, FALSE, "notes.txt", 1234);
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_DONE, NULL);
  assert_buttons (fixture, "");

  tincan_transfer_set_file (fixture->transfer, saved);
  assert_buttons (fixture, "open_button show_button");
  g_assert_false (gtk_widget_has_css_class (child (fixture->row, TINCAN_TYPE_FILE_ROW, "state_label"),
                                            "error"));

  click (fixture, "open_button");
  assert_activated (fixture, "open-file " ID);
  click (fixture, "show_button");
  assert_activated (fixture, "show-file " ID);
}

static void
test_failed (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *state;

  show (fixture, TRUE, "big.iso", 100 * MB);
  state = child (fixture->row, TINCAN_TYPE_FILE_ROW, "state_label");
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_MOVING, NULL);
  g_assert_false (gtk_widget_has_css_class (state, "error"));

  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_FAILED,
                             "The other computer’s disk is full");
  g_assert_cmpstr (text (fixture, "state_label"), ==, "The other computer’s disk is full");
  g_assert_true (gtk_widget_has_css_class (state, "error"));
  g_assert_false (shown (fixture, "progress_bar"));
  assert_buttons (fixture, "");
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  show (fixture, FALSE, "big.iso", 100 * MB);
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_CANCELLED, NULL);
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Cancelled");
  assert_buttons (fixture, "");

  /* Who, when the engine says. */
  tincan_transfer_set_state (fixture->transfer, TINCAN_TRANSFER_CANCELLED, "Cancelled by Grace");
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Cancelled by Grace");
  g_assert_false (gtk_widget_has_css_class (child (fixture->row, TINCAN_TYPE_FILE_ROW, "state_label"),
                                            "error"));
}

/* A recycled row shows the next file, and no longer follows the last. */
static void
test_recycled (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(TincanTransfer) other = tincan_transfer_new ("ffffffffffffffffffffffffffffffff",
                                                         TRUE, "other.png", 10);
  g_autoptr(TincanMessage) message = tincan_message_new_outgoing ("other.png", FALSE);
  TincanTransfer *first;

  show (fixture, FALSE, "first.txt", 5);
  first = g_steal_pointer (&fixture->transfer);

  tincan_message_set_transfer (message, other);
  tincan_file_row_set_message (fixture->row, message);
  g_assert_cmpstr (text (fixture, "name_label"), ==, "other.png");
  g_assert_finalize_object (g_steal_pointer (&fixture->message));

  tincan_transfer_set_state (first, TINCAN_TRANSFER_FAILED, "gone");
  g_assert_cmpstr (text (fixture, "state_label"), ==, "Waiting for Grace to accept");

  click (fixture, "cancel_button");
  assert_activated (fixture, "cancel-file ffffffffffffffffffffffffffffffff");

  tincan_file_row_set_message (fixture->row, NULL);
  g_assert_finalize_object (first);
}

/* A long name is cut in its middle, so its end (the type) shows. */
static void
test_long_name (Fixture       *fixture,
                gconstpointer  data)
{
  GtkLabel *name = child (fixture->row, TINCAN_TYPE_FILE_ROW, "name_label");
  g_autofree char *long_name = g_strnfill (300, 'x');
  g_autofree char *file_name = g_strconcat (long_name, ".tar.gz", NULL);

  show (fixture, TRUE, file_name, 10);
  g_assert_cmpint (gtk_label_get_ellipsize (name), ==, PANGO_ELLIPSIZE_MIDDLE);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (name)), ==, file_name);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), <, 1000);
}

static void
test_time_left (void)
{
  g_autofree char *seconds = tincan_file_row_format_time_left (20);
  g_autofree char *minutes = tincan_file_row_format_time_left (150);
  g_autofree char *hours = tincan_file_row_format_time_left (7500);

  g_assert_cmpstr (seconds, ==, "20 s left");
  g_assert_cmpstr (minutes, ==, "3 min left");
  g_assert_cmpstr (hours, ==, "2 h 5 min left");
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/file-row/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("outgoing-offered", test_outgoing_offered);
  ADD ("incoming-offered", test_incoming_offered);
  ADD ("moving", test_moving);
  ADD ("paused", test_paused);
  ADD ("verifying", test_verifying);
  ADD ("outgoing-done", test_outgoing_done);
  ADD ("incoming-done", test_incoming_done);
  ADD ("failed", test_failed);
  ADD ("cancelled", test_cancelled);
  ADD ("recycled", test_recycled);
  ADD ("long-name", test_long_name);
  g_test_add_func ("/file-row/time-left", test_time_left);

  return g_test_run ();
}

/* tincan-gui-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "tincan-conversation-view.h"
#include "tincan-gui-test-utils.h"
#include "tincan-test-utils.h"
#include "tincan-window.h"

static const char *settings_keys[] = {
  "display-name", "peer-address", "peer-port", "local-port", "mode",
  "window-width", "window-height", "window-maximized", "waiting-days",
};

void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);

  for (guint i = 0; i < G_N_ELEMENTS (settings_keys); i++)
    g_settings_reset (settings, settings_keys[i]);

  /* The tests talk on loopback: nothing is announced on the machine's
   * own network.
   */
  g_settings_set_boolean (settings, "discovery", FALSE);
  g_settings_set_boolean (settings, "ipmsg", FALSE);
}

gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static gboolean
no_toplevels (gpointer unused)
{
  g_autoptr(GListModel) toplevels = G_LIST_MODEL (g_object_ref (gtk_window_get_toplevels ()));

  return g_list_model_get_n_items (toplevels) == 0;
}

gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

gboolean
has_toplevel_of_type (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

gpointer
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);

  return object;
}

/* The conversation the window shows, where the chat.* actions are. */
GtkWidget *
conversation_view (gpointer window)
{
  return child (window, TINCAN_TYPE_WINDOW, "conversation_view");
}

/* A part of it. */
gpointer
view_child (gpointer    window,
            const char *name)
{
  return child (conversation_view (window), TINCAN_TYPE_CONVERSATION_VIEW, name);
}

/* The conversation's header as it reads: "Grace · Online". */
char *
header_text (gpointer window)
{
  AdwWindowTitle *title = view_child (window, "window_title");
  const char *subtitle = adw_window_title_get_subtitle (title);

  if (subtitle == NULL || subtitle[0] == '\0')
    return g_strdup (adw_window_title_get_title (title));

  return g_strdup_printf ("%s · %s", adw_window_title_get_title (title), subtitle);
}

typedef struct
{
  TincanApplication *app;
  AppTestFunc        func;
  gboolean           ran;
} RunData;

static void
destroy_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (window);
    }
}

static gboolean
run_test_cb (gpointer user_data)
{
  RunData *data = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (data->app));

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return G_SOURCE_CONTINUE;

  g_assert_true (TINCAN_IS_WINDOW (window));

  /* The leaflet maps its panes only once it has placed them: a wide
   * window is on screen when the conversation is too.
   */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (child (window, TINCAN_TYPE_WINDOW, "stack")),
                 "people") == 0
      && !adw_leaflet_get_folded (child (window, TINCAN_TYPE_WINDOW, "leaflet"))
      && !gtk_widget_get_mapped (conversation_view (window)))
    return G_SOURCE_CONTINUE;

  data->func (data->app);
  data->ran = TRUE;

  g_action_group_activate_action (G_ACTION_GROUP (data->app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
watchdog_cb (gpointer user_data)
{
  g_error ("The test did not finish within the time limit");

  return G_SOURCE_REMOVE;
}

/* A history the test chose, kept from one run to the next; otherwise each
 * run has a new one.
 */
static char *fixed_history;

/* Returns: where the history is, until drop_fixed_history(); a file that
 * does not exist yet
 */
const char *
use_fixed_history (void)
{
  g_autofree char *folder = g_dir_make_tmp ("tincan-window-XXXXXX", NULL);

  g_assert_nonnull (folder);
  g_assert_null (fixed_history);
  fixed_history = g_build_filename (folder, "history.db", NULL);

  return fixed_history;
}

void
drop_fixed_history (void)
{
  g_autofree char *folder = g_path_get_dirname (fixed_history);

  tincan_test_remove_tree (folder);
  g_clear_pointer (&fixed_history, g_free);
}

/* Runs the application as main() does, with @args after "tincan", and
 * calls @func once its window is on screen; then quits, and checks that
 * the application shut down and was freed.
 */
void
run_app (const char * const *args,
         AppTestFunc          func)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  RunData data = { 0 };
  g_autofree char *history_folder = NULL;
  g_autofree char *history = NULL;
  g_autofree char *identity = NULL;
  guint check, watchdog;
  int status;

  g_ptr_array_add (argv, (char *) "tincan");
  /* Loopback only: nothing announced on the machine's network, whatever
   * a test does to the discovery setting.
   */
  g_ptr_array_add (argv, (char *) "--no-discovery");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  data.app = tincan_application_new ();
  data.func = func;
  if (fixed_history == NULL)
    {
      history_folder = g_dir_make_tmp ("tincan-window-XXXXXX", NULL);
      g_assert_nonnull (history_folder);
      history = g_build_filename (history_folder, "history.db", NULL);
    }
  tincan_application_set_history_path (data.app, fixed_history ? fixed_history : history);
  /* Its identity goes with its history: a run with a fixed history is
   * the same installation again.
   */
  {
    g_autofree char *folder = g_path_get_dirname (fixed_history ? fixed_history : history);

    identity = g_build_filename (folder, "identity", NULL);
  }
  tincan_application_set_identity_path (data.app, identity);
  check = g_timeout_add (20, run_test_cb, &data);
  watchdog = g_timeout_add_seconds (30, watchdog_cb, NULL);

  status = g_application_run (G_APPLICATION (data.app), argv->len - 1, (char **) argv->pdata);

  g_source_remove (watchdog);
  if (!data.ran)
    g_source_remove (check);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (data.ran);

  /* Quit leaves no window of the application's own. */
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (data.app)));
  destroy_toplevels ();
  g_assert_true (tincan_test_wait_for (no_toplevels, NULL));
  g_assert_finalize_object (data.app);
  if (history_folder != NULL)
    tincan_test_remove_tree (history_folder);
}

TincanPeerDialog *
open_peer_dialog (TincanApplication *app)
{
  TincanPeerDialog *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (tincan_test_wait_for (has_toplevel_of_type, GSIZE_TO_POINTER (TINCAN_TYPE_PEER_DIALOG)));
  dialog = find_toplevel (TINCAN_TYPE_PEER_DIALOG);
  g_assert_true (tincan_test_wait_for (is_mapped, dialog));

  return dialog;
}

void
set_field (TincanPeerDialog *dialog,
           const char       *name,
           const char       *text)
{
  gtk_editable_set_text (child (dialog, TINCAN_TYPE_PEER_DIALOG, name), text);
}

/* The message is shown, mapped on screen, and says @expected. */
void
assert_field_error (TincanPeerDialog *dialog,
                    const char       *row_name,
                    const char       *label_name,
                    const char       *expected)
{
  GtkLabel *label = child (dialog, TINCAN_TYPE_PEER_DIALOG, label_name);
  GtkWidget *row = child (dialog, TINCAN_TYPE_PEER_DIALOG, row_name);

  g_assert_true (tincan_test_wait_for (is_mapped, label));
  g_assert_nonnull (strstr (gtk_label_get_label (label), expected));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
}

void
assert_field_ok (TincanPeerDialog *dialog,
                 const char       *row_name,
                 const char       *label_name)
{
  GtkWidget *label = child (dialog, TINCAN_TYPE_PEER_DIALOG, label_name);
  GtkWidget *row = child (dialog, TINCAN_TYPE_PEER_DIALOG, row_name);

  g_assert_false (gtk_widget_get_visible (label));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
}

gboolean
dialog_closed (gpointer unused)
{
  return find_toplevel (TINCAN_TYPE_PEER_DIALOG) == NULL;
}

/* The message box's text. */
char *
compose_text (TincanComposeBox *box)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (child (box, TINCAN_TYPE_COMPOSE_BOX, "text_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

void
set_compose_text (TincanComposeBox *box,
                  const char       *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (child (box, TINCAN_TYPE_COMPOSE_BOX, "text_view")),
                            text, -1);
}

static gboolean
compose_height_above (gpointer data)
{
  gpointer *args = data;

  return gtk_scrolled_window_get_min_content_height (args[0]) > GPOINTER_TO_INT (args[1]);
}

/* The box grows with its text, to a limit, and shrinks back. */
void
assert_compose_grows (TincanComposeBox *box)
{
  GtkScrolledWindow *scroller = child (box, TINCAN_TYPE_COMPOSE_BOX, "scroller");
  g_autoptr(GString) many = g_string_new ("0");
  int one, four;
  gpointer args[2] = { scroller, NULL };

  set_compose_text (box, "one line");
  tincan_test_run_for (100);
  one = gtk_scrolled_window_get_min_content_height (scroller);

  set_compose_text (box, "one\ntwo\nthree\nfour");
  args[1] = GINT_TO_POINTER (one);
  g_assert_true (tincan_test_wait_for (compose_height_above, args));
  four = gtk_scrolled_window_get_min_content_height (scroller);

  for (guint i = 1; i < 50; i++)
    g_string_append_printf (many, "\n%u", i);
  set_compose_text (box, many->str);
  args[1] = GINT_TO_POINTER (four);
  g_assert_true (tincan_test_wait_for (compose_height_above, args));
  g_assert_cmpint (gtk_scrolled_window_get_min_content_height (scroller), <=, 160);

  set_compose_text (box, "");
  tincan_test_run_for (100);
  g_assert_cmpint (gtk_scrolled_window_get_min_content_height (scroller), ==, one);
}

/* A key press as the message box's own key controller sees it (the one
 * in the capture phase, before the text view's); returns whether it took
 * the key.
 */
gboolean
press_key (TincanComposeBox *box,
           guint             keyval,
           GdkModifierType   state)
{
  GtkWidget *compose = child (box, TINCAN_TYPE_COMPOSE_BOX, "text_view");
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (compose);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller)
          && gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller))
             == GTK_PHASE_CAPTURE)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          return handled;
        }
    }

  g_assert_not_reached ();
}


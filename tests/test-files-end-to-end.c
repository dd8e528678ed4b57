/* test-files-end-to-end.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file sent as a person sends one, all the way: dropped on the
 * conversation in the real application, under Xvfb, to a tincan-cli
 * --receive-dir on loopback.  Its row shows the transfer moving, then
 * "Delivered", and the other side has the same bytes.
 *
 * This needs the files engine (TincanFiles, tincan-cli --receive-dir and
 * the chat's tincan_chat_send_file()): until that is there it fails, on
 * purpose, and says where.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tincan-application.h"
#include "tincan-conversation-view.h"
#include "tincan-file-row.h"
#include "tincan-gui-test-utils.h"
#include "tincan-test-utils.h"
#include "tincan-window-test-utils.h"

/* Big enough to be seen moving on loopback, small enough for the time
 * the test has.
 */
#define FILE_SIZE (16 * 1024 * 1024)
#define FILE_NAME "holiday-photos.tar"

static char *folder;
static char *source_path;
static char *received_dir;
static guint16 cli_port;
static GSubprocess *cli;

static void
write_source (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  g_autofree guint32 *data = g_new (guint32, FILE_SIZE / 4);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < FILE_SIZE / 4; i++)
    data[i] = g_rand_int (rand);
  g_assert_true (g_file_set_contents (source_path, (const char *) data, FILE_SIZE, &error));
  g_assert_no_error (error);
}

static GtkWidget *
find_file_row (GtkWidget *widget)
{
  if (TINCAN_IS_FILE_ROW (widget) && gtk_widget_get_mapped (widget)
      && tincan_file_row_get_message (TINCAN_FILE_ROW (widget)) != NULL
      && g_strcmp0 (gtk_label_get_label (child (widget, TINCAN_TYPE_FILE_ROW, "name_label")),
                    FILE_NAME) == 0)
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_file_row (c);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
file_row_shown (gpointer window)
{
  return find_file_row (view_child (window, "list_view")) != NULL;
}

static gboolean
cli_exited (void)
{
  return g_subprocess_get_identifier (cli) == NULL;
}

static gboolean
online_or_cli_exited (gpointer window)
{
  g_autofree char *header = header_text (window);

  return g_str_has_suffix (header, "Grace · Online") || cli_exited ();
}

static GtkDropTarget *
drop_target (GtkWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view_child (window, "chat_page"));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  g_error ("Nothing takes files dropped on the conversation");
}

static void
drop_and_deliver (TincanApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GListModel *messages = tincan_chat_get_messages (tincan_application_get_chat (app));
  guint n_before = g_list_model_get_n_items (messages);
  g_autoptr(GFile) source = g_file_new_for_path (source_path);
  GSList files = { source, NULL };
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;
  gboolean saw_progress = FALSE;
  gboolean delivered = FALSE;
  gint64 deadline;
  g_autofree char *received_path = NULL;
  g_autofree char *sent_bytes = NULL;
  g_autofree char *received_bytes = NULL;
  gsize sent_length, received_length;

  /* A tincan-cli without the files engine refuses --receive-dir. */
  tincan_test_wait_for (online_or_cli_exited, window);
  if (cli_exited ())
    g_error ("tincan-cli exited: has it --receive-dir (the files engine)?");
  wait_subtitle (window, "Grace · Online");

  /* As GTK delivers the drop. */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, &files);
  g_signal_emit_by_name (drop_target (window), "drop", &value, 100.0, 100.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);

  /* It is in the conversation at once, as a file. */
  if (g_list_model_get_n_items (messages) != n_before + 1)
    g_error ("The dropped file was not sent: is the files engine merged?");
  g_assert_true (tincan_test_wait_for (file_row_shown, window));

  /* Watched as a person would: the bar part way, then "Delivered". */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!delivered && g_get_monotonic_time () < deadline)
    {
      GtkWidget *row = find_file_row (view_child (window, "list_view"));

      if (row != NULL)
        {
          GtkProgressBar *bar = child (row, TINCAN_TYPE_FILE_ROW, "progress_bar");
          const char *state = gtk_label_get_label (child (row, TINCAN_TYPE_FILE_ROW, "state_label"));
          double fraction = gtk_progress_bar_get_fraction (bar);

          if (gtk_widget_get_visible (GTK_WIDGET (bar)) && fraction > 0 && fraction < 1)
            saw_progress = TRUE;
          delivered = g_strcmp0 (state, "Delivered") == 0;
        }

      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }

  g_assert_true (saw_progress);
  g_assert_true (delivered);

  /* The same bytes on the other side, under the file's own name. */
  received_path = g_build_filename (received_dir, FILE_NAME, NULL);
  g_assert_true (g_file_get_contents (source_path, &sent_bytes, &sent_length, NULL));
  g_assert_true (g_file_get_contents (received_path, &received_bytes, &received_length, NULL));
  g_assert_cmpuint (received_length, ==, sent_length);
  g_assert_true (memcmp (received_bytes, sent_bytes, sent_length) == 0);
}

static void
test_drop_see_progress_delivered (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *receive = NULL;
  g_autofree char *app = NULL;
  guint16 app_port;

  reset_settings ();
  folder = g_dir_make_tmp ("tincan-files-XXXXXX", NULL);
  g_assert_nonnull (folder);
  source_path = g_build_filename (folder, FILE_NAME, NULL);
  received_dir = g_build_filename (folder, "received", NULL);
  g_assert_cmpint (g_mkdir (received_dir, 0700), ==, 0);
  write_source ();

  app_port = tincan_test_unused_port ();
  cli_port = tincan_test_unused_port ();
  settings = g_settings_new (BASE_ID);
  g_settings_set_string (settings, "peer-address", "127.0.0.1");
  g_settings_set_int (settings, "peer-port", cli_port);
  g_settings_set_int (settings, "local-port", app_port);

  /* The other computer, on loopback only; its stdin stays open so it
   * stays until the test ends it.
   */
  identity = g_build_filename (folder, "peer-identity", NULL);
  listen = g_strdup_printf ("--listen=%u", cli_port);
  receive = g_strdup_printf ("--receive-dir=%s", received_dir);
  app = g_strdup_printf ("127.0.0.1:%u", app_port);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  cli = g_subprocess_launcher_spawn (launcher, &error,
                                     g_getenv ("TINCAN_CLI_BIN"),
                                     "--no-discovery", "--name=Grace", "--json",
                                     "--timeout=60",
                                     "--identity", identity,
                                     listen, receive, app, NULL);
  g_assert_no_error (error);

  run_app (NULL, drop_and_deliver);

  g_subprocess_force_exit (cli);
  g_subprocess_wait (cli, NULL, NULL);
  g_clear_object (&cli);
  tincan_test_remove_tree (folder);
  g_clear_pointer (&folder, g_free);
  g_clear_pointer (&source_path, g_free);
  g_clear_pointer (&received_dir, g_free);
}

int
main (int   argc,
      char *argv[])
{
  gtk_disable_setlocale ();
  g_test_init (&argc, &argv, NULL);
  start_notification_server ();

  g_test_add_func ("/files/drop-see-progress-delivered", test_drop_see_progress_delivered);

  return g_test_run ();
}

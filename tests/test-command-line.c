/* test-command-line.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tincan executable's options, run as a person would run them: help,
 * version, and a bad value exiting with status 2 and one line of error.
 * And tincan-cli's identity options: --fingerprint on a new, an existing
 * and a damaged identity file, and --identity.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

/* Runs the program named by the environment variable @bin_variable,
 * with XDG_DATA_HOME set to @data_home if not %NULL.
 */
static void
run_va (Result     *result,
        const char *bin_variable,
        const char *data_home,
        const char *first_arg,
        va_list     ap)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *bin = g_getenv (bin_variable);

  g_assert_nonnull (bin);

  g_ptr_array_add (args, (char *) bin);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* English messages, and no display: options are handled before GTK
   * starts, so a bad value must fail without one.
   */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  if (data_home != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
}

static void
run_tincan (Result     *result,
            const char *first_arg,
            ...)
{
  va_list ap;

  va_start (ap, first_arg);
  run_va (result, "TINCAN_BIN", NULL, first_arg, ap);
  va_end (ap);
}

static void
run_cli (Result     *result,
         const char *data_home,
         const char *first_arg,
         ...)
{
  va_list ap;

  va_start (ap, first_arg);
  run_va (result, "TINCAN_CLI_BIN", data_home, first_arg, ap);
  va_end (ap);
}

static guint
count_lines (const char *text)
{
  guint lines = 0;

  for (const char *p = text; *p != '\0'; p++)
    lines += *p == '\n';

  return lines;
}

static void
test_help (void)
{
  g_auto(Result) result = { 0 };

  run_tincan (&result, "--help", NULL);

  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "--peer=HOST[:PORT]"));
  g_assert_nonnull (strstr (result.out, "--port=PORT"));
  g_assert_nonnull (strstr (result.out, "--version"));
}

static void
test_version (void)
{
  g_auto(Result) result = { 0 };

  run_tincan (&result, "--version", NULL);

  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "Tin Can " PACKAGE_VERSION "\n");
}

static void
test_bad_values (void)
{
  static const struct {
    const char *option;
    const char *value;
    const char *message;
  } cases[] = {
    { "--peer", "bad host!", "tincan: --peer: “bad host!” is not an IP address or a host name\n" },
    { "--peer", "999.1.1.1:4000", "tincan: --peer: “999.1.1.1” is not a valid IPv4 address\n" },
    { "--peer", "peer.example:0", "tincan: --peer: The port must be a number from 1 to 65535\n" },
    { "--peer", "[::1]:70000", "tincan: --peer: The port must be a number from 1 to 65535\n" },
    { "--peer", "", "tincan: --peer: Enter the other computer’s address\n" },
    { "--port", "70000", "tincan: --port: The port must be a number from 1 to 65535\n" },
    { "--port", "0", "tincan: --port: The port must be a number from 1 to 65535\n" },
    { "--port", "two", "tincan: --port: The port must be a number from 1 to 65535\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Result) result = { 0 };

      g_test_message ("%s “%s”", cases[i].option, cases[i].value);
      run_tincan (&result, cases[i].option, cases[i].value, NULL);

      g_assert_cmpint (result.status, ==, 2);
      g_assert_cmpuint (count_lines (result.err), ==, 1);
      g_assert_cmpstr (result.err, ==, cases[i].message);
      g_assert_cmpstr (result.out, ==, "");
    }
}

static guint
get_mode (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);

  return buf.st_mode & 07777;
}

static void
assert_fingerprint (const char *text)
{
  g_assert_true (g_regex_match_simple ("^([0-9a-f]{4} ){7}[0-9a-f]{4}\n$", text, 0, 0));
}

static void
test_cli_fingerprint (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("tincan-cli-identity-XXXXXX", &error);
  g_autofree char *one = NULL;
  g_autofree char *one_folder = NULL;
  g_autofree char *one_parent = NULL;
  g_autofree char *other = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *contents_again = NULL;
  g_autofree char *first = NULL;
  g_auto(Result) result = { 0 };

  g_assert_no_error (error);
  one_parent = g_build_filename (folder, "one", NULL);
  one_folder = g_build_filename (one_parent, "tincan", NULL);
  one = g_build_filename (one_folder, "identity", NULL);
  other = g_build_filename (folder, "other", NULL);

  run_cli (&result, NULL, "--help", NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "--identity=PATH"));
  g_assert_nonnull (strstr (result.out, "--fingerprint"));
  result_clear (&result);

  /* Made on the first run, with its folders, private. */
  run_cli (&result, NULL, "--identity", one, "--fingerprint", NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.err, ==, "");
  assert_fingerprint (result.out);
  first = g_steal_pointer (&result.out);
  result_clear (&result);
  g_assert_cmpuint (get_mode (one), ==, 0600);
  g_assert_cmpuint (get_mode (one_folder), ==, 0700);
  g_assert_cmpuint (get_mode (one_parent), ==, 0700);
  g_assert_true (g_file_get_contents (one, &contents, NULL, NULL));

  /* The same the next time, from the same file. */
  run_cli (&result, NULL, "--fingerprint", "--identity", one, NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, first);
  result_clear (&result);
  g_assert_true (g_file_get_contents (one, &contents_again, NULL, NULL));
  g_assert_cmpstr (contents_again, ==, contents);

  /* Another file is another identity. */
  run_cli (&result, NULL, "--identity", other, "--fingerprint", NULL);
  g_assert_cmpint (result.status, ==, 0);
  assert_fingerprint (result.out);
  g_assert_cmpstr (result.out, !=, first);
  result_clear (&result);
  g_assert_cmpuint (get_mode (other), ==, 0600);

  /* It prints and exits; a PEER is a mistake. */
  run_cli (&result, NULL, "--identity", one, "--fingerprint", "127.0.0.1:2323", NULL);
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.err, ==, "tincan-cli: --fingerprint takes no PEER\n");
  g_assert_cmpstr (result.out, ==, "");

  g_assert_cmpint (g_remove (one), ==, 0);
  g_assert_cmpint (g_rmdir (one_folder), ==, 0);
  g_assert_cmpint (g_rmdir (one_parent), ==, 0);
  g_assert_cmpint (g_remove (other), ==, 0);
  g_assert_cmpint (g_rmdir (folder), ==, 0);
}

/* Without --identity, the app's own file in XDG_DATA_HOME. */
static void
test_cli_default_identity (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("tincan-cli-identity-XXXXXX", &error);
  g_autofree char *tincan_folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *first = NULL;
  g_auto(Result) result = { 0 };

  g_assert_no_error (error);
  tincan_folder = g_build_filename (folder, "tincan", NULL);
  path = g_build_filename (tincan_folder, "identity", NULL);

  run_cli (&result, folder, "--fingerprint", NULL);
  g_assert_cmpint (result.status, ==, 0);
  assert_fingerprint (result.out);
  first = g_steal_pointer (&result.out);
  result_clear (&result);
  g_assert_cmpuint (get_mode (path), ==, 0600);
  g_assert_cmpuint (get_mode (tincan_folder), ==, 0700);

  run_cli (&result, NULL, "--identity", path, "--fingerprint", NULL);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, first);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (tincan_folder), ==, 0);
  g_assert_cmpint (g_rmdir (folder), ==, 0);
}

/* A damaged identity is one line naming the file, and the file stays. */
static void
test_cli_damaged_identity (void)
{
  static const char damaged[] = "tincan-identity 1\nprivate 0123\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("tincan-cli-identity-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  g_auto(Result) result = { 0 };

  g_assert_no_error (error);
  path = g_build_filename (folder, "identity", NULL);
  g_assert_true (g_file_set_contents (path, damaged, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  expected = g_strdup_printf ("tincan-cli: Your identity key “%s” is damaged: "
                              "its keys are missing or not valid\n", path);

  run_cli (&result, NULL, "--identity", path, "--fingerprint", NULL);
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpuint (count_lines (result.err), ==, 1);
  g_assert_cmpstr (result.err, ==, expected);
  g_assert_cmpstr (result.out, ==, "");
  result_clear (&result);

  /* Chatting needs it too: a set-up error.  Nothing is sent. */
  run_cli (&result, NULL, "--identity", path, "--send", "hello", "127.0.0.1:9", NULL);
  g_assert_cmpint (result.status, ==, 2);
  g_assert_cmpstr (result.err, ==, expected);
  g_assert_cmpstr (result.out, ==, "");

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, damaged);
  g_assert_cmpuint (get_mode (path), ==, 0600);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (folder), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/command-line/help", test_help);
  g_test_add_func ("/command-line/version", test_version);
  g_test_add_func ("/command-line/bad-values", test_bad_values);
  g_test_add_func ("/command-line/cli-fingerprint", test_cli_fingerprint);
  g_test_add_func ("/command-line/cli-default-identity", test_cli_default_identity);
  g_test_add_func ("/command-line/cli-damaged-identity", test_cli_damaged_identity);

  return g_test_run ();
}

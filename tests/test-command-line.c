/* test-command-line.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tincan executable's options, run as a person would run them: help,
 * version, and a bad value exiting with status 2 and one line of error.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

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

static void
run_tincan (Result     *result,
            const char *first_arg,
            ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *bin = g_getenv ("TINCAN_BIN");
  va_list ap;

  g_assert_nonnull (bin);

  g_ptr_array_add (args, (char *) bin);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
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

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/command-line/help", test_help);
  g_test_add_func ("/command-line/version", test_version);
  g_test_add_func ("/command-line/bad-values", test_bad_values);

  return g_test_run ();
}

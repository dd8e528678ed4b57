/* test-identity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanIdentity on real files in a temporary folder: made once with
 * private modes and read back the same, the file's format, RFC 7748's
 * keys, damaged files reported and never replaced, a file others could
 * read made private, several processes making one at once, the default
 * path; and the fingerprint and safety number against values worked out
 * here from crypto_generichash() directly (and once, by hand, with
 * Python's hashlib).
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tincan-identity.h"
#include "tincan-test-utils.h"

/* RFC 7748, section 6.1: Alice's and Bob's X25519 key pairs. */
#define ALICE_PRIVATE "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define ALICE_PUBLIC  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define BOB_PRIVATE   "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define BOB_PUBLIC    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"

/* Worked out once from this code, and the same from Python's hashlib. */
#define ALICE_FINGERPRINT "daeb f8d8 7ef3 7332 2e04 9e00 c606 4822"
#define BOB_FINGERPRINT   "ae15 c9b6 bf5b 9584 73aa 2f5b 6d86 0c98"
#define ALICE_BOB_SAFETY_NUMBER \
  "84584 83155 44633 77588 59964 23258 01757 75944 60460 14644 32283 26266"

typedef struct
{
  char *folder;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp ("tincan-identity-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->folder, "data", "tincan", "identity", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
  g_free (fixture->path);
}

static void
key_from_hex (const char *hex,
              guint8     *key)
{
  size_t length = 0;

  g_assert_cmpint (sodium_hex2bin (key, TINCAN_IDENTITY_KEY_SIZE, hex, strlen (hex),
                                   NULL, &length, NULL), ==, 0);
  g_assert_cmpuint (length, ==, TINCAN_IDENTITY_KEY_SIZE);
}

static char *
key_to_hex (const guint8 *key)
{
  char hex[2 * TINCAN_IDENTITY_KEY_SIZE + 1];

  return g_strdup (sodium_bin2hex (hex, sizeof hex, key, TINCAN_IDENTITY_KEY_SIZE));
}

static TincanIdentity *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  TincanIdentity *identity = tincan_identity_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (identity);

  return identity;
}

static guint
get_mode (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);

  return buf.st_mode & 07777;
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length,
            guint       mode)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
test_created_once (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(TincanIdentity) first = NULL;
  g_autoptr(TincanIdentity) again = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *parent = g_path_get_dirname (folder);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *fingerprint_again = NULL;
  guint8 derived[TINCAN_IDENTITY_KEY_SIZE];
  guint8 zero[TINCAN_IDENTITY_KEY_SIZE] = { 0 };

  /* Neither folder exists yet. */
  g_assert_false (g_file_test (parent, G_FILE_TEST_EXISTS));

  first = load (fixture->path);
  g_assert_true (tincan_identity_get_created (first));
  g_assert_cmpstr (tincan_identity_get_path (first), ==, fixture->path);
  g_assert_cmpuint (get_mode (fixture->path), ==, 0600);
  g_assert_cmpuint (get_mode (folder), ==, 0700);
  g_assert_cmpuint (get_mode (parent), ==, 0700);

  /* A real key pair: the public key is the private key's. */
  g_assert_true (memcmp (tincan_identity_get_private_key (first), zero, sizeof zero) != 0);
  g_assert_cmpint (crypto_scalarmult_base (derived, tincan_identity_get_private_key (first)), ==, 0);
  g_assert_cmpmem (tincan_identity_get_public_key (first), TINCAN_IDENTITY_KEY_SIZE,
                   derived, sizeof derived);

  /* Nothing but the file is left in the folder. */
  {
    g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);

    g_assert_cmpstr (g_dir_read_name (dir), ==, "identity");
    g_assert_null (g_dir_read_name (dir));
  }

  g_assert_true (g_file_get_contents (fixture->path, &before, NULL, NULL));

  /* Read back, not made again. */
  again = load (fixture->path);
  g_assert_false (tincan_identity_get_created (again));
  g_assert_cmpmem (tincan_identity_get_public_key (again), TINCAN_IDENTITY_KEY_SIZE,
                   tincan_identity_get_public_key (first), TINCAN_IDENTITY_KEY_SIZE);
  g_assert_cmpmem (tincan_identity_get_private_key (again), TINCAN_IDENTITY_KEY_SIZE,
                   tincan_identity_get_private_key (first), TINCAN_IDENTITY_KEY_SIZE);
  fingerprint = tincan_identity_dup_fingerprint (first);
  fingerprint_again = tincan_identity_dup_fingerprint (again);
  g_assert_cmpstr (fingerprint, ==, fingerprint_again);

  g_assert_true (g_file_get_contents (fixture->path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (get_mode (fixture->path), ==, 0600);
}

static void
test_file_format (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(TincanIdentity) identity = load (fixture->path);
  g_autofree char *contents = NULL;
  g_autofree char *private_hex = key_to_hex (tincan_identity_get_private_key (identity));
  g_autofree char *public_hex = key_to_hex (tincan_identity_get_public_key (identity));
  g_autofree char *expected = NULL;

  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  expected = g_strdup_printf ("tincan-identity 1\nprivate %s\npublic %s\n", private_hex, public_hex);
  g_assert_cmpstr (contents, ==, expected);
}

static void
test_two_files_differ (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *other_path = g_build_filename (fixture->folder, "other", NULL);
  g_autoptr(TincanIdentity) one = load (fixture->path);
  g_autoptr(TincanIdentity) other = load (other_path);
  g_autofree char *one_fingerprint = tincan_identity_dup_fingerprint (one);
  g_autofree char *other_fingerprint = tincan_identity_dup_fingerprint (other);

  g_assert_true (memcmp (tincan_identity_get_public_key (one),
                         tincan_identity_get_public_key (other), TINCAN_IDENTITY_KEY_SIZE) != 0);
  g_assert_cmpstr (one_fingerprint, !=, other_fingerprint);
}

/* A file written by hand with RFC 7748's keys is read as they are. */
static void
test_known_keys (Fixture       *fixture,
                 gconstpointer  user_data)
{
  static const char *contents[] = {
    "tincan-identity 1\nprivate " ALICE_PRIVATE "\npublic " ALICE_PUBLIC "\n",
    /* No last newline, capital hex digits: still the same file. */
    "tincan-identity 1\nprivate 77076D0A7318A57D3C16C17251B26645DF4C2F87EBC0992AB177FBA51DB92C2A\n"
    "public " ALICE_PUBLIC,
  };

  for (guint i = 0; i < G_N_ELEMENTS (contents); i++)
    {
      g_autoptr(TincanIdentity) identity = NULL;
      g_autofree char *fingerprint = NULL;
      guint8 private_key[TINCAN_IDENTITY_KEY_SIZE];
      guint8 public_key[TINCAN_IDENTITY_KEY_SIZE];

      write_file (fixture->path, contents[i], -1, 0600);
      identity = load (fixture->path);
      g_assert_false (tincan_identity_get_created (identity));

      key_from_hex (ALICE_PRIVATE, private_key);
      key_from_hex (ALICE_PUBLIC, public_key);
      g_assert_cmpmem (tincan_identity_get_private_key (identity), TINCAN_IDENTITY_KEY_SIZE,
                       private_key, sizeof private_key);
      g_assert_cmpmem (tincan_identity_get_public_key (identity), TINCAN_IDENTITY_KEY_SIZE,
                       public_key, sizeof public_key);
      fingerprint = tincan_identity_dup_fingerprint (identity);
      g_assert_cmpstr (fingerprint, ==, ALICE_FINGERPRINT);
    }
}

static void
test_damaged (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *large = g_strnfill (5000, 'x');
  g_autofree char *large_valid = g_strdup_printf ("tincan-identity 1\nprivate " ALICE_PRIVATE
                                                  "\npublic " ALICE_PUBLIC "\n%s", large);
  const struct {
    const char *contents;
    int         code;
    const char *why;
  } cases[] = {
    { "", TINCAN_IDENTITY_ERROR_DAMAGED, "not a Tin Can identity file" },
    { "\n", TINCAN_IDENTITY_ERROR_DAMAGED, "not a Tin Can identity file" },
    { "ssh-ed25519 AAAA\n", TINCAN_IDENTITY_ERROR_DAMAGED, "not a Tin Can identity file" },
    { "tincan-identity\nprivate " ALICE_PRIVATE "\npublic " ALICE_PUBLIC "\n",
      TINCAN_IDENTITY_ERROR_DAMAGED, "not a Tin Can identity file" },
    { "tincan-identity one\nprivate " ALICE_PRIVATE "\npublic " ALICE_PUBLIC "\n",
      TINCAN_IDENTITY_ERROR_DAMAGED, "not a Tin Can identity file" },
    { "tincan-identity 0\nprivate " ALICE_PRIVATE "\npublic " ALICE_PUBLIC "\n",
      TINCAN_IDENTITY_ERROR_DAMAGED, "not a Tin Can identity file" },
    { "tincan-identity 2\nsomething else entirely\n", TINCAN_IDENTITY_ERROR_NEWER, "newer Tin Can" },
    /* Half a file, as a crash might have left it (it never does). */
    { "tincan-identity 1\n", TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    { "tincan-identity 1\nprivate 77076d0a7318a57d3c16", TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    { "tincan-identity 1\nprivate " ALICE_PRIVATE "\n", TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    { "tincan-identity 1\nprivate " ALICE_PRIVATE "\npublic 8520f0", TINCAN_IDENTITY_ERROR_DAMAGED,
      "not valid" },
    /* A key one digit short, one long, not hex. */
    { "tincan-identity 1\nprivate 77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2"
      "\npublic " ALICE_PUBLIC "\n", TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    { "tincan-identity 1\nprivate " ALICE_PRIVATE "a\npublic " ALICE_PUBLIC "\n",
      TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    { "tincan-identity 1\nprivate 77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2g"
      "\npublic " ALICE_PUBLIC "\n", TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    { "tincan-identity 1\nprivate " ALICE_PRIVATE "\npublic " ALICE_PUBLIC "\nmore\n",
      TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    { "tincan-identity 1\npublic " ALICE_PUBLIC "\nprivate " ALICE_PRIVATE "\n",
      TINCAN_IDENTITY_ERROR_DAMAGED, "not valid" },
    /* Both keys well formed, but not one pair. */
    { "tincan-identity 1\nprivate " ALICE_PRIVATE "\npublic " BOB_PUBLIC "\n",
      TINCAN_IDENTITY_ERROR_DAMAGED, "does not match" },
    { large_valid, TINCAN_IDENTITY_ERROR_DAMAGED, "too large" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TincanIdentity) identity = NULL;
      g_autofree char *after = NULL;

      /* Readable by others or not, a damaged file is not changed. */
      guint mode = i % 2 == 0 ? 0600 : 0644;

      g_test_message ("case %u", i);
      write_file (fixture->path, cases[i].contents, -1, mode);

      identity = tincan_identity_load (fixture->path, &error);
      g_assert_null (identity);
      g_assert_error (error, TINCAN_IDENTITY_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, fixture->path));
      g_assert_nonnull (strstr (error->message, cases[i].why));
      /* Nothing of the key is in what may be shown to a person. */
      g_assert_null (strstr (error->message, ALICE_PRIVATE));

      /* Left exactly as it was. */
      g_assert_true (g_file_get_contents (fixture->path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, cases[i].contents);
      g_assert_cmpuint (get_mode (fixture->path), ==, mode);
    }
}

static void
test_not_a_file (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanIdentity) identity = NULL;
  g_autofree char *inside_file = NULL;

  /* A folder where the file should be. */
  g_assert_cmpint (g_mkdir_with_parents (fixture->path, 0700), ==, 0);
  identity = tincan_identity_load (fixture->path, &error);
  g_assert_null (identity);
  g_assert_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_IS_DIR));
  g_clear_error (&error);

  /* A pipe, which nobody writes to. */
  g_assert_cmpint (g_rmdir (fixture->path), ==, 0);
  g_assert_cmpint (mkfifo (fixture->path, 0600), ==, 0);
  identity = tincan_identity_load (fixture->path, &error);
  g_assert_null (identity);
  g_assert_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_DAMAGED);
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (fixture->path), ==, 0);

  /* A path through a file cannot be read, nor made (root or not). */
  write_file (fixture->path, "not a folder", -1, 0600);
  inside_file = g_build_filename (fixture->path, "identity", NULL);
  identity = tincan_identity_load (inside_file, &error);
  g_assert_null (identity);
  g_assert_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, inside_file));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOTDIR)));
}

static void
test_unsaved (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanIdentity) identity = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *target = NULL;
  g_autoptr(GDir) dir = NULL;

  /* Not there, and nowhere it could be made (not even by root). */
  identity = tincan_identity_load ("/proc/self/tincan/identity", &error);
  g_assert_null (identity);
  g_assert_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "“/proc/self/tincan/identity” could not be saved"));
  g_clear_error (&error);

  /* A link to nowhere is in the way of a new file, and stays as it is. */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (symlink ("nowhere", fixture->path), ==, 0);
  identity = tincan_identity_load (fixture->path, &error);
  g_assert_null (identity);
  g_assert_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, fixture->path));
  target = g_file_read_link (fixture->path, NULL);
  g_assert_cmpstr (target, ==, "nowhere");

  /* The temporary file went. */
  dir = g_dir_open (folder, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "identity");
  g_assert_null (g_dir_read_name (dir));
}

/* Made private, with a warning, and read. */
static void
test_readable_by_others (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(TincanIdentity) identity = NULL;
  g_autofree char *contents = NULL;
  static const guint modes[] = { 0644, 0640, 0604, 0660 };

  contents = g_strdup ("tincan-identity 1\nprivate " ALICE_PRIVATE "\npublic " ALICE_PUBLIC "\n");

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_clear_object (&identity);
      write_file (fixture->path, contents, -1, modes[i]);
      g_assert_cmpuint (get_mode (fixture->path), ==, modes[i]);

      g_test_expect_message ("tincan-identity", G_LOG_LEVEL_WARNING, "*readable by other users*");
      identity = load (fixture->path);
      g_test_assert_expected_messages ();
      g_assert_cmpuint (get_mode (fixture->path), ==, 0600);
    }

  /* Once private, no more warnings (they would be fatal here). */
  g_clear_object (&identity);
  identity = load (fixture->path);
  g_assert_false (tincan_identity_get_created (identity));
}

/* Several processes finding no file at once agree on the one made. */
static void
test_made_at_once (Fixture       *fixture,
                   gconstpointer  user_data)
{
  enum { N_PROCESSES = 8 };
  g_autoptr(TincanIdentity) identity = NULL;
  g_autofree char *expected = NULL;
  pid_t pids[N_PROCESSES];
  int results[N_PROCESSES];
  char lines[N_PROCESSES][2 * TINCAN_IDENTITY_KEY_SIZE + 3];
  int start[2];
  guint created = 0;

  g_assert_cmpint (pipe (start), ==, 0);

  for (guint i = 0; i < N_PROCESSES; i++)
    {
      int result[2];

      g_assert_cmpint (pipe (result), ==, 0);
      pids[i] = fork ();
      g_assert_cmpint (pids[i], >=, 0);
      if (pids[i] == 0)
        {
          TincanIdentity *mine;
          char go;
          char line[2 * TINCAN_IDENTITY_KEY_SIZE + 3];

          close (start[1]);
          close (result[0]);
          /* All wait here until the parent lets them go together. */
          if (read (start[0], &go, 1) != 0)
            _exit (3);
          mine = tincan_identity_load (fixture->path, NULL);
          if (mine == NULL)
            _exit (2);
          sodium_bin2hex (line + 1, sizeof line - 1, tincan_identity_get_public_key (mine),
                          TINCAN_IDENTITY_KEY_SIZE);
          line[0] = tincan_identity_get_created (mine) ? '+' : '=';
          line[sizeof line - 1] = '\n';
          _exit (write (result[1], line, sizeof line) == sizeof line ? 0 : 1);
        }
      close (result[1]);
      results[i] = result[0];
    }

  /* Go. */
  close (start[0]);
  close (start[1]);

  for (guint i = 0; i < N_PROCESSES; i++)
    {
      int status = 0;

      g_assert_cmpint (read (results[i], lines[i], sizeof lines[i]), ==, sizeof lines[i]);
      close (results[i]);
      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
      lines[i][sizeof lines[i] - 1] = '\0';
    }

  /* One made it; all have the key that is in the file now. */
  identity = load (fixture->path);
  g_assert_false (tincan_identity_get_created (identity));
  expected = key_to_hex (tincan_identity_get_public_key (identity));
  for (guint i = 0; i < N_PROCESSES; i++)
    {
      g_assert_cmpstr (lines[i] + 1, ==, expected);
      created += lines[i][0] == '+';
    }
  g_assert_cmpuint (created, ==, 1);
}

/* In a subprocess, so XDG_DATA_HOME is read fresh. */
static void
test_default_path (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *data_home = g_build_filename (fixture->folder, "data", NULL);
  g_autofree char *expected = g_build_filename (data_home, "tincan", "identity", NULL);
  g_autofree char *folder = g_path_get_dirname (expected);

  if (g_test_subprocess ())
    {
      g_autoptr(TincanIdentity) identity = NULL;
      g_autofree char *path = tincan_identity_dup_default_path ();
      g_autofree char *wanted = g_build_filename (g_getenv ("XDG_DATA_HOME"), "tincan", "identity", NULL);

      g_assert_cmpstr (path, ==, wanted);
      identity = load (path);
      g_assert_true (tincan_identity_get_created (identity));
      return;
    }

  g_assert_true (g_setenv ("XDG_DATA_HOME", data_home, TRUE));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (get_mode (expected), ==, 0600);
  g_assert_cmpuint (get_mode (folder), ==, 0700);
}

/* The fingerprint worked out in a few lines, from its definition. */
static char *
fingerprint_by_hand (const guint8 *key)
{
  static const char domain[] = "Tin Can fingerprint v1";
  guint8 input[sizeof domain - 1 + TINCAN_IDENTITY_KEY_SIZE];
  guint8 digest[16];
  GString *text = g_string_new (NULL);

  memcpy (input, domain, sizeof domain - 1);
  memcpy (input + sizeof domain - 1, key, TINCAN_IDENTITY_KEY_SIZE);
  g_assert_cmpint (crypto_generichash (digest, sizeof digest, input, sizeof input, NULL, 0), ==, 0);
  for (guint i = 0; i < sizeof digest; i += 2)
    g_string_append_printf (text, "%s%02x%02x", i > 0 ? " " : "", digest[i], digest[i + 1]);

  return g_string_free (text, FALSE);
}

static char *
safety_number_by_hand (const guint8 *a,
                       const guint8 *b)
{
  static const char domain[] = "Tin Can safety number v1";
  guint8 input[sizeof domain - 1 + 2 * TINCAN_IDENTITY_KEY_SIZE];
  guint8 digest[60];
  gboolean a_first = memcmp (a, b, TINCAN_IDENTITY_KEY_SIZE) <= 0;
  GString *text = g_string_new (NULL);

  memcpy (input, domain, sizeof domain - 1);
  memcpy (input + sizeof domain - 1, a_first ? a : b, TINCAN_IDENTITY_KEY_SIZE);
  memcpy (input + sizeof domain - 1 + TINCAN_IDENTITY_KEY_SIZE, a_first ? b : a, TINCAN_IDENTITY_KEY_SIZE);
  g_assert_cmpint (crypto_generichash (digest, sizeof digest, input, sizeof input, NULL, 0), ==, 0);
  for (guint i = 0; i < sizeof digest; i += 5)
    {
      guint64 n = ((guint64) digest[i] << 32) | ((guint64) digest[i + 1] << 24)
                  | ((guint64) digest[i + 2] << 16) | ((guint64) digest[i + 3] << 8) | digest[i + 4];

      g_string_append_printf (text, "%s%05" G_GUINT64_FORMAT, i > 0 ? " " : "", n % 100000);
    }

  return g_string_free (text, FALSE);
}

static void
test_fingerprint (void)
{
  guint8 alice[TINCAN_IDENTITY_KEY_SIZE];
  guint8 bob[TINCAN_IDENTITY_KEY_SIZE];
  guint8 zero[TINCAN_IDENTITY_KEY_SIZE] = { 0 };
  g_autofree char *alice_fingerprint = NULL;
  g_autofree char *bob_fingerprint = NULL;
  g_autofree char *zero_fingerprint = NULL;
  g_autofree char *by_hand = NULL;

  if (sodium_init () < 0)
    g_error ("sodium_init failed");

  key_from_hex (ALICE_PUBLIC, alice);
  key_from_hex (BOB_PUBLIC, bob);

  alice_fingerprint = tincan_key_format_fingerprint (alice);
  bob_fingerprint = tincan_key_format_fingerprint (bob);
  g_assert_cmpstr (alice_fingerprint, ==, ALICE_FINGERPRINT);
  g_assert_cmpstr (bob_fingerprint, ==, BOB_FINGERPRINT);

  by_hand = fingerprint_by_hand (alice);
  g_assert_cmpstr (alice_fingerprint, ==, by_hand);
  g_clear_pointer (&by_hand, g_free);
  by_hand = fingerprint_by_hand (bob);
  g_assert_cmpstr (bob_fingerprint, ==, by_hand);
  g_clear_pointer (&by_hand, g_free);

  zero_fingerprint = tincan_key_format_fingerprint (zero);
  by_hand = fingerprint_by_hand (zero);
  g_assert_cmpstr (zero_fingerprint, ==, by_hand);

  /* 8 groups of 4 lowercase hex digits. */
  g_assert_cmpuint (strlen (alice_fingerprint), ==, 8 * 4 + 7);
  for (guint i = 0; alice_fingerprint[i] != '\0'; i++)
    {
      if (i % 5 == 4)
        g_assert_cmpint (alice_fingerprint[i], ==, ' ');
      else
        g_assert_true (g_ascii_isdigit (alice_fingerprint[i])
                       || (alice_fingerprint[i] >= 'a' && alice_fingerprint[i] <= 'f'));
    }
}

static void
test_safety_number (void)
{
  guint8 alice[TINCAN_IDENTITY_KEY_SIZE];
  guint8 bob[TINCAN_IDENTITY_KEY_SIZE];
  guint8 mallory[TINCAN_IDENTITY_KEY_SIZE];
  g_autofree char *alice_bob = NULL;
  g_autofree char *bob_alice = NULL;
  g_autofree char *alice_mallory = NULL;
  g_autofree char *alice_alice = NULL;
  g_autofree char *by_hand = NULL;

  if (sodium_init () < 0)
    g_error ("sodium_init failed");

  key_from_hex (ALICE_PUBLIC, alice);
  key_from_hex (BOB_PUBLIC, bob);
  memcpy (mallory, bob, sizeof mallory);
  mallory[31] ^= 0x01;

  alice_bob = tincan_key_format_safety_number (alice, bob);
  bob_alice = tincan_key_format_safety_number (bob, alice);
  g_assert_cmpstr (alice_bob, ==, ALICE_BOB_SAFETY_NUMBER);
  g_assert_cmpstr (bob_alice, ==, alice_bob);

  /* Worked out by hand in both orders: the sort is the hand's too. */
  by_hand = safety_number_by_hand (alice, bob);
  g_assert_cmpstr (alice_bob, ==, by_hand);
  g_clear_pointer (&by_hand, g_free);
  by_hand = safety_number_by_hand (bob, alice);
  g_assert_cmpstr (alice_bob, ==, by_hand);
  g_clear_pointer (&by_hand, g_free);

  /* One bit of one key changes it. */
  alice_mallory = tincan_key_format_safety_number (alice, mallory);
  g_assert_cmpstr (alice_mallory, !=, alice_bob);
  by_hand = safety_number_by_hand (mallory, alice);
  g_assert_cmpstr (alice_mallory, ==, by_hand);
  g_clear_pointer (&by_hand, g_free);

  alice_alice = tincan_key_format_safety_number (alice, alice);
  by_hand = safety_number_by_hand (alice, alice);
  g_assert_cmpstr (alice_alice, ==, by_hand);

  /* 12 groups of 5 decimal digits. */
  g_assert_cmpuint (strlen (alice_bob), ==, 12 * 5 + 11);
  for (guint i = 0; alice_bob[i] != '\0'; i++)
    {
      if (i % 6 == 5)
        g_assert_cmpint (alice_bob[i], ==, ' ');
      else
        g_assert_true (g_ascii_isdigit (alice_bob[i]));
    }
}

static void
test_matches (void)
{
  guint8 alice[TINCAN_IDENTITY_KEY_SIZE];
  guint8 bob[TINCAN_IDENTITY_KEY_SIZE];
  guint8 mallory[TINCAN_IDENTITY_KEY_SIZE];
  static const char *matching[] = {
    BOB_FINGERPRINT,
    "ae15c9b6bf5b958473aa2f5b6d860c98",
    "AE15-C9B6-BF5B-9584-73AA-2F5B-6D86-0C98",
    "  ae15 c9b6\tbf5b 9584\n73aa 2f5b 6d86 0c98  ",
    ALICE_BOB_SAFETY_NUMBER,
    "845848315544633775885996423258017577594460460146443228326266",
    "84584-83155-44633-77588-59964-23258-01757-75944-60460-14644-32283-26266",
  };
  static const char *not_matching[] = {
    "",
    "   ",
    "-",
    /* Our own fingerprint says nothing about theirs. */
    ALICE_FINGERPRINT,
    /* One digit wrong, one missing, one more. */
    "ae15 c9b6 bf5b 9584 73aa 2f5b 6d86 0c99",
    "ae15 c9b6 bf5b 9584 73aa 2f5b 6d86 0c9",
    "ae15 c9b6 bf5b 9584 73aa 2f5b 6d86 0c980",
    "84584 83155 44633 77588 59964 23258 01757 75944 60460 14644 32283 26267",
    "84584 83155 44633 77588 59964 23258 01757 75944 60460 14644 32283",
    /* Both at once is neither. */
    BOB_FINGERPRINT " " ALICE_BOB_SAFETY_NUMBER,
  };

  key_from_hex (ALICE_PUBLIC, alice);
  key_from_hex (BOB_PUBLIC, bob);
  memcpy (mallory, bob, sizeof mallory);
  mallory[0] ^= 0x80;

  for (guint i = 0; i < G_N_ELEMENTS (matching); i++)
    {
      g_test_message ("“%s”", matching[i]);
      g_assert_true (tincan_key_matches (matching[i], alice, bob));
      /* Another key in the peer's place matches neither. */
      g_assert_false (tincan_key_matches (matching[i], alice, mallory));
    }

  for (guint i = 0; i < G_N_ELEMENTS (not_matching); i++)
    {
      g_test_message ("“%s”", not_matching[i]);
      g_assert_false (tincan_key_matches (not_matching[i], alice, bob));
    }

  /* Bob's side of the same check. */
  g_assert_true (tincan_key_matches (ALICE_FINGERPRINT, bob, alice));
  g_assert_true (tincan_key_matches (ALICE_BOB_SAFETY_NUMBER, bob, alice));
  g_assert_false (tincan_key_matches (BOB_FINGERPRINT, bob, alice));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/identity/created-once", test_created_once);
  ADD ("/identity/file-format", test_file_format);
  ADD ("/identity/two-files-differ", test_two_files_differ);
  ADD ("/identity/known-keys", test_known_keys);
  ADD ("/identity/damaged", test_damaged);
  ADD ("/identity/not-a-file", test_not_a_file);
  ADD ("/identity/unsaved", test_unsaved);
  ADD ("/identity/readable-by-others", test_readable_by_others);
  ADD ("/identity/made-at-once", test_made_at_once);
  ADD ("/identity/default-path", test_default_path);
  g_test_add_func ("/identity/fingerprint", test_fingerprint);
  g_test_add_func ("/identity/safety-number", test_safety_number);
  g_test_add_func ("/identity/matches", test_matches);

#undef ADD

  return g_test_run ();
}

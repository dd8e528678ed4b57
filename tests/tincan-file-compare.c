/* tincan-file-compare.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* SEEK_DATA, SEEK_HOLE */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tincan-file-compare.h"

#define MIB (1024 * 1024)

/**
 * tincan_test_make_file:
 * @folder: where
 * @name: its name
 * @size: its size
 * @sparse: zeros with a few bytes set (a hole, on any file system that
 *   has them), rather than random bytes from @rand
 * @rand: for the random bytes
 *
 * Returns: (transfer full): its path
 */
char *
tincan_test_make_file (const char *folder,
                       const char *name,
                       guint64     size,
                       gboolean    sparse,
                       GRand      *rand)
{
  char *path = g_build_filename (folder, name, NULL);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_autofree guint8 *buffer = g_malloc (MIB);

  g_assert_cmpint (fd, >=, 0);

  if (sparse)
    {
      const guint64 marks[] = { 0, G_GUINT64_CONSTANT (1) << 32, size / 2 + 12345, size - 7 };

      g_assert_cmpint (ftruncate (fd, size), ==, 0);
      for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
        g_assert_cmpint (pwrite (fd, "tincan!", 7, marks[i]), ==, 7);
    }
  else
    {
      for (guint64 done = 0; done < size;)
        {
          gsize n = MIN (size - done, MIB);

          for (gsize i = 0; i < n; i += 4)
            {
              guint32 word = g_rand_int (rand);

              memcpy (buffer + i, &word, MIN (4, n - i));
            }
          g_assert_cmpint (write (fd, buffer, n), ==, (gssize) n);
          done += n;
        }
    }

  g_assert_cmpint (close (fd), ==, 0);

  return path;
}

/* The BLAKE2b-256 of the whole file, in hex, computed here, not by the
 * engine.
 */
char *
tincan_test_hash_file (const char *path)
{
  crypto_generichash_state state;
  guint8 hash[32];
  g_autofree guint8 *buffer = g_malloc (MIB);
  GString *hex = g_string_new (NULL);
  int fd = g_open (path, O_RDONLY, 0);
  gssize n;

  g_assert_cmpint (fd, >=, 0);
  crypto_generichash_init (&state, NULL, 0, sizeof hash);
  while ((n = read (fd, buffer, MIB)) > 0)
    crypto_generichash_update (&state, buffer, n);
  g_assert_cmpint (n, ==, 0);
  close (fd);
  crypto_generichash_final (&state, hash, sizeof hash);

  for (guint i = 0; i < sizeof hash; i++)
    g_string_append_printf (hex, "%02x", hash[i]);

  return g_string_free (hex, FALSE);
}

/* Compares [offset, offset + length) of two open files. */
static void
assert_same_range (int     a,
                   int     b,
                   guint64 offset,
                   guint64 length)
{
  g_autofree guint8 *x = g_malloc (MIB);
  g_autofree guint8 *y = g_malloc (MIB);

  while (length > 0)
    {
      gsize n = MIN (length, MIB);

      g_assert_cmpint (pread (a, x, n, offset), ==, (gssize) n);
      g_assert_cmpint (pread (b, y, n, offset), ==, (gssize) n);
      g_assert_true (memcmp (x, y, n) == 0);
      offset += n;
      length -= n;
    }
}

/* Compares the data of @from at every extent that holds data in
 * @from: what is outside them reads as zeros in @from, and is compared
 * the other way round.
 */
static void
assert_extents_match (int     from,
                      int     other,
                      guint64 size)
{
  off_t data = 0;

  while ((guint64) data < size && (data = lseek (from, data, SEEK_DATA)) >= 0)
    {
      off_t hole = lseek (from, data, SEEK_HOLE);

      g_assert_cmpint (hole, >, data);
      assert_same_range (from, other, data, MIN ((guint64) hole, size) - data);
      data = hole;
    }
}

/* Byte for byte, without reading every zero of a sparse file. */
void
tincan_test_assert_same_file (const char *a,
                              const char *b)
{
  struct stat sa, sb;
  int fa = g_open (a, O_RDONLY, 0);
  int fb = g_open (b, O_RDONLY, 0);

  g_assert_cmpint (fa, >=, 0);
  g_assert_cmpint (fb, >=, 0);
  g_assert_cmpint (fstat (fa, &sa), ==, 0);
  g_assert_cmpint (fstat (fb, &sb), ==, 0);
  g_assert_cmpint (sa.st_size, ==, sb.st_size);

  assert_extents_match (fa, fb, sa.st_size);
  assert_extents_match (fb, fa, sb.st_size);

  close (fa);
  close (fb);
}

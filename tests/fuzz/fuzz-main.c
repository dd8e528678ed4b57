/* fuzz-main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Without libFuzzer (a GCC build), a fuzz target runs once over each file
 * of its corpus: the seeds, and any input that once found a bug, stay
 * tested in every build.
 */

#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
main (int   argc,
      char *argv[])
{
  guint runs = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("fuzz: cannot open %s\n", argv[i]);
          return 1;
        }

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, NULL))
            return 1;

          LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
          runs++;
        }
    }

  g_print ("%u inputs run\n", runs);

  return runs > 0 ? 0 : 1;
}

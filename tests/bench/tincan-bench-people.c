/* tincan-bench-people.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's share of start-up with many people: opening the history and
 * listing its people (each with the last message, unread and unsent
 * counts), with 50 people of 2,000 messages each against one person of
 * 100.  The two alternate, after a first run of each that warms the page
 * cache, so both meet the same machine.  Ten messages of each person are
 * unread, as after a while away.  Alongside the time, the memory SQLite
 * holds once the list is read: what the page cache took to make it.
 */

#define G_LOG_DOMAIN "tincan-bench"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "tincan-bench-people.h"
#include "tincan-bench-utils.h"
#include "tincan-store.h"
#include "tincan-test-utils.h"

#define UNREAD 10

static char *
make_history (const char *folder,
              guint       n_people,
              guint       n_messages)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("people-%ux%u.db", n_people, n_messages);
  char *path = g_build_filename (folder, name, NULL);
  g_autoptr(TincanStore) store = tincan_store_new (path, &error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (store == NULL)
    g_error ("%s: %s", path, error->message);

  for (guint i = 0; i < n_people; i++)
    {
      g_autofree char *person_name = g_strdup_printf ("Person %u", i);
      guint8 key[32];
      gint64 id;

      memset (key, 0, sizeof key);
      memcpy (key, &i, sizeof i);
      id = tincan_store_add_person (store, key, "192.0.2.1", 2323 + i, TINCAN_MODE_RELIABLE,
                                    person_name, &error);
      if (id == 0)
        g_error ("%s: %s", path, error->message);
      g_array_append_val (ids, id);
    }
  g_clear_object (&store);

  /* Person by person, so each one's messages have consecutive IDs. */
  for (guint i = 0; i < n_people; i++)
    tincan_test_fill_person (path, g_array_index (ids, gint64, i), n_messages);

  store = tincan_store_new (path, &error);
  if (store == NULL)
    g_error ("%s: %s", path, error->message);
  for (guint i = 0; i < n_people; i++)
    {
      gint64 last = (gint64) (i + 1) * n_messages;

      if (!tincan_store_mark_read (store, g_array_index (ids, gint64, i), last - UNREAD, &error))
        g_error ("%s: %s", path, error->message);
    }

  return path;
}

/* Opens @path and lists its people; returns the milliseconds taken and
 * sets @kb to SQLite's memory in use just after.
 */
static double
open_and_list (const char *path,
               guint       n_people,
               double     *kb)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(GPtrArray) people = NULL;
  double start = tincan_bench_now_us ();
  double ms;

  store = tincan_store_new (path, &error);
  if (store != NULL)
    people = tincan_store_list_people (store, &error);
  if (people == NULL)
    g_error ("%s: %s", path, error->message);
  ms = (tincan_bench_now_us () - start) / 1000;
  *kb = sqlite3_memory_used () / 1024.0;

  if (people->len != n_people
      || ((TincanStorePerson *) g_ptr_array_index (people, 0))->unread != UNREAD)
    g_error ("%s: %u people listed, not %u with %u unread each", path, people->len, n_people, UNREAD);

  return ms;
}

void
tincan_bench_people_run (TincanBenchPeople *runs,
                         guint              repeats)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("tincan-bench-people-XXXXXX", &error);
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  double ms, kb;

  if (folder == NULL)
    g_error ("%s", error->message);

  small = make_history (folder, 1, 100);
  large = make_history (folder, 50, 2000);

  runs->small_ms = g_array_new (FALSE, FALSE, sizeof (double));
  runs->large_ms = g_array_new (FALSE, FALSE, sizeof (double));
  runs->small_kb = g_array_new (FALSE, FALSE, sizeof (double));
  runs->large_kb = g_array_new (FALSE, FALSE, sizeof (double));

  open_and_list (small, 1, &kb);
  open_and_list (large, 50, &kb);
  for (guint i = 0; i < 4 * repeats + 1; i++)
    {
      ms = open_and_list (small, 1, &kb);
      g_array_append_val (runs->small_ms, ms);
      g_array_append_val (runs->small_kb, kb);
      ms = open_and_list (large, 50, &kb);
      g_array_append_val (runs->large_ms, ms);
      g_array_append_val (runs->large_kb, kb);
    }

  tincan_test_remove_tree (folder);
}

void
tincan_bench_people_clear (TincanBenchPeople *runs)
{
  g_clear_pointer (&runs->small_ms, g_array_unref);
  g_clear_pointer (&runs->large_ms, g_array_unref);
  g_clear_pointer (&runs->small_kb, g_array_unref);
  g_clear_pointer (&runs->large_kb, g_array_unref);
}

/* tincan-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tincan-test-utils.h"

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * tincan_test_wait_for:
 * @condition: checked after every main-loop iteration
 * @data: for @condition
 *
 * Runs the main loop until @condition holds, for at most
 * %TINCAN_TEST_WAIT_LIMIT.
 *
 * Returns: whether @condition held in time
 */
gboolean
tincan_test_wait_for (gboolean (*condition) (gpointer),
                      gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + TINCAN_TEST_WAIT_LIMIT;
  guint wake = g_timeout_add (10, wake_cb, NULL);
  gboolean met;

  while (!(met = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);

  return met;
}

typedef struct
{
  GPtrArray *array;
  guint      n;
} Length;

static gboolean
has_length (gpointer data)
{
  Length *length = data;

  return length->array->len >= length->n;
}

/**
 * tincan_test_wait_for_length:
 * @array: an array something adds to, such as messages received
 * @n: how many it should hold
 *
 * Runs the main loop until @array holds at least @n items, or for at most
 * %TINCAN_TEST_WAIT_LIMIT.
 *
 * Returns: whether it did in time
 */
gboolean
tincan_test_wait_for_length (GPtrArray *array,
                             guint      n)
{
  Length length = { array, n };

  return tincan_test_wait_for (has_length, &length);
}

/**
 * tincan_test_run_for:
 * @ms: how long
 *
 * Runs the main loop for @ms milliseconds.
 */
void
tincan_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  guint wake = g_timeout_add (5, wake_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);
}

/**
 * tincan_test_unused_port:
 *
 * Returns: a loopback UDP port that nothing listens on
 */
guint16
tincan_test_unused_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);

  /* Closed when this returns: nobody listens there now. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

typedef struct
{
  TincanLink *link;
  GBytes     *datagram;
} Held;

static gboolean
release_cb (gpointer user_data)
{
  Held *held = user_data;
  gsize length;
  const guint8 *data = g_bytes_get_data (held->datagram, &length);

  tincan_link_send_raw (held->link, data, length);

  return G_SOURCE_REMOVE;
}

static void
held_free (gpointer data)
{
  Held *held = data;

  g_object_unref (held->link);
  g_bytes_unref (held->datagram);
  g_free (held);
}

/**
 * tincan_test_send_later:
 * @link: the link that would have sent it
 * @datagram: a copy is kept
 * @length: its length
 * @ms: how long to hold it back
 *
 * Sends @datagram through @link after @ms milliseconds, past its filter:
 * a datagram that arrives late, after others sent after it.
 */
void
tincan_test_send_later (TincanLink   *link,
                        const guint8 *datagram,
                        gsize         length,
                        guint         ms)
{
  Held *held = g_new0 (Held, 1);

  held->link = g_object_ref (link);
  held->datagram = g_bytes_new (datagram, length);
  g_timeout_add_full (G_PRIORITY_DEFAULT, ms, release_cb, held, held_free);
}

/* Deletes @path and everything under it: for the tests' own temporary
 * folders only.
 */
void
tincan_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          tincan_test_remove_tree (child);
        }
    }
  g_remove (path);
}

/* Fills a history made by TincanStore, and closed, with @n received
 * messages "message <i>", in one transaction: the store's own add()
 * would sync each one to the disk.
 */
void
tincan_test_fill_history (const char *path,
                          guint       n)
{
  tincan_test_fill_person (path, 0, n);
}

/* Writes @n incoming messages to @person's conversation (0: the first
 * person, made if there is none) straight into the file, in one
 * transaction: a store must not have it open.
 */
void
tincan_test_fill_person (const char *path,
                         gint64      person,
                         guint       n)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  if (person == 0)
    {
      g_assert_cmpint (sqlite3_exec (db, "INSERT INTO people (mode) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM people)",
                                     NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT min(id) FROM people", -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      person = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO messages (uid, sender, outgoing, plain,"
                                           " time, state, text, person) VALUES (?, ?, 0, 0, ?, 4, ?, ?)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      sqlite3_bind_int64 (stmt, 1, i + 1);
      sqlite3_bind_text (stmt, 2, "0123456789abcdef0123456789abcdef", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, 1000 + i);
      sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 5, person);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

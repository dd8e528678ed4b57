/* tincan-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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

/* test-link-path.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two TincanLinks over loopback finding the datagram size their path
 * carries (docs/PROTOCOL.md, *Path size*): the largest on loopback, over
 * IPv4 and IPv6; a narrower one when a filter drops what Ethernet would
 * not carry; and back to the base size when the path narrows later.
 * Every wait is bounded.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tincan-link-pair.h"
#include "tincan-link-private.h"
#include "tincan-test-utils.h"
#include "tincan-wire.h"

typedef struct
{
  End   *end;
  guint  size;
} SizeWait;

static gboolean
has_datagram_size (gpointer data)
{
  SizeWait *wait = data;

  return tincan_link_get_datagram_size (wait->end->link) == wait->size;
}

static void
wait_datagram_size (End   *end,
                    guint  size)
{
  SizeWait wait = { end, size };

  g_assert_true (tincan_test_wait_for (has_datagram_size, &wait));
}

static void
send_and_check (End   *from,
                End   *to,
                gsize  length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strnfill (length, 'q');
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  guint before = to->received->len;

  text[length / 2] = '!';
  g_ptr_array_add (sent, tincan_link_send (from->link, text, &error));
  g_assert_no_error (error);
  g_assert_true (tincan_test_wait_for (all_finished, sent));
  g_assert_cmpint (tincan_message_get_state (g_ptr_array_index (sent, 0)), ==, TINCAN_MESSAGE_DELIVERED);
  wait_received (to, before + 1);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (to->received, before)), ==, text);
}

/* On loopback, probing finds the largest datagram, and a mebibyte goes
 * in 17 of them rather than 945.
 */
static void
test_path_probing (Fixture       *fixture,
                   gconstpointer  user_data)
{
  guint64 sent_before;

  wait_datagram_size (&fixture->a, TINCAN_WIRE_MAX_DATAGRAM);
  wait_datagram_size (&fixture->b, TINCAN_WIRE_MAX_DATAGRAM);

  sent_before = tincan_link_get_stats (fixture->a.link)->datagrams_sent;
  send_and_check (&fixture->a, &fixture->b, TINCAN_WIRE_MAX_MESSAGE);
  g_assert_cmpuint (tincan_link_get_stats (fixture->a.link)->datagrams_sent - sent_before, <, 40);
  g_assert_cmpuint (tincan_link_get_stats (fixture->a.link)->retransmissions, ==, 0);

  send_and_check (&fixture->b, &fixture->a, 100000);
}

/* A path that drops what Ethernet would not carry: big probes go
 * unanswered, and DATA never goes bigger than what was answered.
 */
typedef struct
{
  guint limit;
  guint dropped_data;
  guint dropped_probes;
} Path;

static gboolean
narrow_path (TincanLink   *link,
             const guint8 *datagram,
             gsize         length,
             gpointer      user_data)
{
  Path *path = user_data;

  if (length <= path->limit)
    return TRUE;

  if (datagram[3] == TINCAN_PACKET_DATA)
    path->dropped_data++;
  else
    path->dropped_probes++;

  return FALSE;
}

static void
test_path_narrow (Fixture       *fixture,
                  gconstpointer  user_data)
{
  Path a_path = { 1500, 0, 0 }, b_path = { 1500, 0, 0 };

  tincan_link_set_filter (fixture->a.link, narrow_path, &a_path);
  tincan_link_set_filter (fixture->b.link, narrow_path, &b_path);

  wait_datagram_size (&fixture->a, 1452);
  wait_datagram_size (&fixture->b, 1452);
  g_assert_cmpuint (a_path.dropped_probes, ==, 2 * 3);

  send_and_check (&fixture->a, &fixture->b, 300000);
  send_and_check (&fixture->b, &fixture->a, 5000);
  g_assert_cmpuint (a_path.dropped_data + b_path.dropped_data, ==, 0);

  tincan_link_set_filter (fixture->a.link, NULL, NULL);
  tincan_link_set_filter (fixture->b.link, NULL, NULL);
}

/* The path narrows after probing (a route changed): big DATA vanishes.
 * Two timeouts in a row bring the sender back to the base size, in a new
 * epoch, and the message still arrives, once; probing then finds the
 * narrower size.
 */
static void
test_path_black_hole (Fixture       *fixture,
                      gconstpointer  user_data)
{
  Path path = { 1500, 0, 0 };

  wait_datagram_size (&fixture->a, TINCAN_WIRE_MAX_DATAGRAM);

  tincan_link_set_filter (fixture->a.link, narrow_path, &path);
  send_and_check (&fixture->a, &fixture->b, 300000);
  g_assert_cmpuint (path.dropped_data, >, 0);
  g_assert_cmpuint (fixture->b.received->len, ==, 1);

  wait_datagram_size (&fixture->a, 1452);
  send_and_check (&fixture->a, &fixture->b, 300000);
  g_assert_cmpuint (fixture->b.received->len, ==, 2);

  tincan_link_set_filter (fixture->a.link, NULL, NULL);
}

/* Over IPv6 loopback: the peer's address is recognised (not taken as a
 * stranger), and probing finds the largest size there too.
 */
static void
test_ipv6 (void)
{
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                                           G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  Fixture fixture = { 0 };

  if (probe == NULL || !g_socket_bind (probe, any_port, FALSE, NULL))
    {
      g_test_skip ("No IPv6 loopback here");
      return;
    }

  end_open (&fixture.a, 0, "Ada");
  end_open (&fixture.b, 0, "Grace");
  tincan_link_set_peer (fixture.a.link, "::1", tincan_link_get_local_port (fixture.b.link));
  tincan_link_set_peer (fixture.b.link, "::1", tincan_link_get_local_port (fixture.a.link));

  g_assert_true (tincan_test_wait_for (both_online, &fixture));
  wait_datagram_size (&fixture.a, TINCAN_WIRE_MAX_DATAGRAM);
  send_and_check (&fixture.a, &fixture.b, 200000);
  send_and_check (&fixture.b, &fixture.a, 10);
  g_assert_cmpuint (tincan_link_get_stats (fixture.a.link)->foreign, ==, 0);

  fixture_tear_down (&fixture, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/link/path/probing", test_path_probing);
  ADD ("/link/path/narrow", test_path_narrow);
  ADD ("/link/path/black-hole", test_path_black_hole);
#undef ADD
  g_test_add_func ("/link/ipv6", test_ipv6);

  return g_test_run ();
}

/* test-local-net.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which addresses IP Messenger may make Tin Can answer: its own
 * subnets' computers and loopback, never a broadcast, network, multicast,
 * IPv6 or far address.
 */

#include "config.h"

#include "tincan-local-net.h"

static gboolean
is_local (TincanLocalNet *net,
          const char     *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  g_assert_nonnull (address);

  return tincan_local_net_is_local (net, address);
}

static void
test_fake_interfaces (void)
{
  const TincanLocalInterface interfaces[] = {
    { "127.0.0.1", 8, NULL },
    { "192.168.1.20", 24, "192.168.1.255" },
    { "10.5.0.7", 16, "10.5.255.255" },
    { "172.16.9.1", 32, NULL },    /* point-to-point */
  };
  g_autoptr(TincanLocalNet) net = tincan_local_net_new_for_interfaces (interfaces,
                                                                       G_N_ELEMENTS (interfaces));
  GPtrArray *broadcasts = tincan_local_net_get_broadcasts (net);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_true (is_local (net, "127.0.0.1"));
  g_assert_true (is_local (net, "127.0.0.2"));
  g_assert_true (is_local (net, "192.168.1.1"));
  g_assert_true (is_local (net, "192.168.1.254"));
  g_assert_true (is_local (net, "10.5.200.3"));
  g_assert_true (is_local (net, "172.16.9.1"));

  /* Everyone at once, or nobody. */
  g_assert_false (is_local (net, "192.168.1.255"));
  g_assert_false (is_local (net, "192.168.1.0"));
  g_assert_false (is_local (net, "10.5.255.255"));
  g_assert_false (is_local (net, "255.255.255.255"));
  g_assert_false (is_local (net, "0.0.0.0"));
  g_assert_false (is_local (net, "224.0.0.1"));

  /* Elsewhere. */
  g_assert_false (is_local (net, "192.168.2.1"));
  g_assert_false (is_local (net, "10.6.0.1"));
  g_assert_false (is_local (net, "172.16.9.2"));
  g_assert_false (is_local (net, "8.8.8.8"));
  g_assert_false (is_local (net, "::1"));
  g_assert_false (is_local (net, "fe80::1"));

  g_assert_cmpuint (broadcasts->len, ==, 2);
  first = g_inet_address_to_string (g_ptr_array_index (broadcasts, 0));
  second = g_inet_address_to_string (g_ptr_array_index (broadcasts, 1));
  g_assert_cmpstr (first, ==, "192.168.1.255");
  g_assert_cmpstr (second, ==, "10.5.255.255");

  /* A fixed list stays as it is. */
  tincan_local_net_refresh (net);
  g_assert_cmpuint (tincan_local_net_get_broadcasts (net)->len, ==, 2);
  g_assert_true (is_local (net, "10.5.200.3"));
}

/* This computer's own interfaces: loopback is always there. */
static void
test_real_interfaces (void)
{
  g_autoptr(TincanLocalNet) net = tincan_local_net_new ();

  g_assert_true (is_local (net, "127.0.0.1"));
  g_assert_true (is_local (net, "127.0.0.2"));
  g_assert_false (is_local (net, "255.255.255.255"));
  g_assert_false (is_local (net, "::1"));

  for (guint i = 0; i < tincan_local_net_get_broadcasts (net)->len; i++)
    g_assert_false (tincan_local_net_is_local (net, g_ptr_array_index (tincan_local_net_get_broadcasts (net), i)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/local-net/fake-interfaces", test_fake_interfaces);
  g_test_add_func ("/local-net/real-interfaces", test_real_interfaces);

  return g_test_run ();
}

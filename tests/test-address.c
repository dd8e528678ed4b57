/* test-address.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the peer dialog and the command line accept as an address and a
 * port, and the messages for what they refuse.
 */

#include "config.h"

#include <gio/gio.h>

#include "tincan-address.h"

static void
test_host_accepts_literals_and_names (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { "192.168.1.5", "192.168.1.5" },
    { "127.0.0.1", "127.0.0.1" },
    { "::1", "::1" },
    { "[::1]", "::1" },
    { "fe80::1", "fe80::1" },
    { "2001:db8::42", "2001:db8::42" },
    { "localhost", "localhost" },
    { "my-pc", "my-pc" },
    { "my-pc.local.", "my-pc.local." },
    { "  padded.example  ", "padded.example" },
    { "1password.example", "1password.example" },
    { "bücher.example", "xn--bcher-kva.example" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = tincan_address_normalize_host (cases[i].input, &error);

      g_test_message ("%s", cases[i].input);
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, cases[i].expected);
    }
}

static void
test_host_refuses_garbage (void)
{
  g_autofree char *too_long_label = g_strnfill (64, 'a');
  g_autofree char *too_long_name = NULL;
  g_autofree char *label = g_strnfill (63, 'b');
  const struct {
    const char *input;
    int code;
    const char *message_part;
  } cases[] = {
    { "", TINCAN_ADDRESS_ERROR_EMPTY, "Enter the other computer" },
    { "   ", TINCAN_ADDRESS_ERROR_EMPTY, "Enter the other computer" },
    { "bad host!", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not an IP address or a host name" },
    { "-leading", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not an IP address or a host name" },
    { "trailing-", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not an IP address or a host name" },
    { "a..b", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not an IP address or a host name" },
    { "under_score", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not an IP address or a host name" },
    { "999.1.1.1", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not a valid IPv4 address" },
    { "1.2.3", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not a valid IPv4 address" },
    { "::g", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not a valid IPv6 address" },
    { "1:2:3:4:5:6:7:8:9", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not a valid IPv6 address" },
    { "[localhost]", TINCAN_ADDRESS_ERROR_INVALID_HOST, "not an IP address or a host name" },
    { too_long_label, TINCAN_ADDRESS_ERROR_INVALID_HOST, "not an IP address or a host name" },
  };

  too_long_name = g_strjoin (".", label, label, label, label, NULL);
  g_assert_cmpuint (strlen (too_long_name), >, 253);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = tincan_address_normalize_host (cases[i].input, &error);

      g_test_message ("“%s”", cases[i].input);
      g_assert_null (host);
      g_assert_error (error, TINCAN_ADDRESS_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *host = tincan_address_normalize_host (too_long_name, &error);

    g_assert_null (host);
    g_assert_error (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_INVALID_HOST);
  }

  {
    /* Not UTF-8 at all: refused, not crashed on. */
    g_autoptr(GError) error = NULL;
    g_autofree char *host = tincan_address_normalize_host ("\xff\xfe.example", &error);

    g_assert_null (host);
    g_assert_error (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_INVALID_HOST);
  }
}

static void
test_port_range (void)
{
  static const struct {
    const char *input;
    gboolean valid;
    guint16 expected;
  } cases[] = {
    { "1", TRUE, 1 },
    { "2323", TRUE, 2323 },
    { "65535", TRUE, 65535 },
    { " 80 ", TRUE, 80 },
    { "0", FALSE, 0 },
    { "65536", FALSE, 0 },
    { "70000", FALSE, 0 },
    { "-1", FALSE, 0 },
    { "+5", FALSE, 0 },
    { "12a", FALSE, 0 },
    { "abc", FALSE, 0 },
    { "", FALSE, 0 },
    { "99999999999999999999999", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      guint16 port = 7;
      gboolean ok = tincan_address_parse_port (cases[i].input, &port, &error);

      g_test_message ("“%s”", cases[i].input);
      g_assert_cmpint (ok, ==, cases[i].valid);

      if (cases[i].valid)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (port, ==, cases[i].expected);
        }
      else
        {
          g_assert_error (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_INVALID_PORT);
          g_assert_cmpstr (error->message, ==, "The port must be a number from 1 to 65535");
          g_assert_cmpuint (port, ==, 7);
        }
    }
}

static void
test_peer_forms (void)
{
  static const struct {
    const char *input;
    const char *host;
    guint16 port;
  } cases[] = {
    { "peer.example", "peer.example", 2323 },
    { "peer.example:4000", "peer.example", 4000 },
    { "192.168.1.5", "192.168.1.5", 2323 },
    { "192.168.1.5:1", "192.168.1.5", 1 },
    { "::1", "::1", 2323 },
    { "fe80::1:2", "fe80::1:2", 2323 },
    { "[::1]", "::1", 2323 },
    { "[::1]:65535", "::1", 65535 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_test_message ("%s", cases[i].input);
      g_assert_true (tincan_address_parse_peer (cases[i].input, 2323, &host, &port, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (host, ==, cases[i].host);
      g_assert_cmpuint (port, ==, cases[i].port);
    }
}

static void
test_peer_refused (void)
{
  static const struct {
    const char *input;
    int code;
  } cases[] = {
    { "", TINCAN_ADDRESS_ERROR_EMPTY },
    { ":4000", TINCAN_ADDRESS_ERROR_EMPTY },
    { "bad host!", TINCAN_ADDRESS_ERROR_INVALID_HOST },
    { "bad host!:4000", TINCAN_ADDRESS_ERROR_INVALID_HOST },
    { "peer.example:", TINCAN_ADDRESS_ERROR_INVALID_PORT },
    { "peer.example:0", TINCAN_ADDRESS_ERROR_INVALID_PORT },
    { "peer.example:70000", TINCAN_ADDRESS_ERROR_INVALID_PORT },
    { "peer.example:http", TINCAN_ADDRESS_ERROR_INVALID_PORT },
    { "[::1]:", TINCAN_ADDRESS_ERROR_INVALID_PORT },
    { "[::1]:99999", TINCAN_ADDRESS_ERROR_INVALID_PORT },
    { "[::1", TINCAN_ADDRESS_ERROR_INVALID_HOST },
    { "[peer.example]:4000", TINCAN_ADDRESS_ERROR_INVALID_HOST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_test_message ("“%s”", cases[i].input);
      g_assert_false (tincan_address_parse_peer (cases[i].input, 2323, &host, &port, &error));
      g_assert_error (error, TINCAN_ADDRESS_ERROR, cases[i].code);
      g_assert_null (host);
      g_assert_cmpuint (port, ==, 0);
    }
}

static void
test_format_peer (void)
{
  g_autofree char *v4 = tincan_address_format_peer ("192.168.1.5", 2323);
  g_autofree char *v6 = tincan_address_format_peer ("::1", 4000);
  g_autofree char *name = tincan_address_format_peer ("peer.example", 1);

  g_assert_cmpstr (v4, ==, "192.168.1.5:2323");
  g_assert_cmpstr (v6, ==, "[::1]:4000");
  g_assert_cmpstr (name, ==, "peer.example:1");
}

/* Where a datagram came from, written as a peer is. */
static void
test_format_socket (void)
{
  g_autoptr(GSocketAddress) v4 = g_inet_socket_address_new_from_string ("10.0.0.7", 2324);
  g_autoptr(GSocketAddress) v6 = g_inet_socket_address_new_from_string ("fd00::2", 2323);
  g_autofree char *v4_text = tincan_address_format_socket (G_INET_SOCKET_ADDRESS (v4));
  g_autofree char *v6_text = tincan_address_format_socket (G_INET_SOCKET_ADDRESS (v6));

  g_assert_cmpstr (v4_text, ==, "10.0.0.7:2324");
  g_assert_cmpstr (v6_text, ==, "[fd00::2]:2323");
}

static void
test_format_round_trips (void)
{
  const char *hosts[] = { "10.0.0.1", "::1", "2001:db8::42", "peer.example" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autofree char *text = tincan_address_format_peer (hosts[i], 4242);
      g_autofree char *host = NULL;
      guint16 port = 0;

      g_assert_true (tincan_address_parse_peer (text, 2323, &host, &port, NULL));
      g_assert_cmpstr (host, ==, hosts[i]);
      g_assert_cmpuint (port, ==, 4242);
    }
}

static void
test_local_addresses (void)
{
  g_auto(GStrv) addresses = tincan_address_list_local ();

  g_assert (addresses != NULL);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (addresses[i]);

      g_test_message ("%s", addresses[i]);
      g_assert_nonnull (address);
      g_assert_false (g_inet_address_get_is_loopback (address));
      g_assert_false (g_inet_address_get_is_link_local (address));

      /* Listed once each. */
      for (guint j = i + 1; addresses[j] != NULL; j++)
        g_assert_cmpstr (addresses[i], !=, addresses[j]);

      /* IPv4 before IPv6: the likelier one to be read out comes first. */
      if (i > 0 && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
        {
          g_autoptr(GInetAddress) previous = g_inet_address_new_from_string (addresses[i - 1]);

          g_assert_cmpint (g_inet_address_get_family (previous), ==, G_SOCKET_FAMILY_IPV4);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/host/accepted", test_host_accepts_literals_and_names);
  g_test_add_func ("/address/host/refused", test_host_refuses_garbage);
  g_test_add_func ("/address/port/range", test_port_range);
  g_test_add_func ("/address/peer/forms", test_peer_forms);
  g_test_add_func ("/address/peer/refused", test_peer_refused);
  g_test_add_func ("/address/peer/format", test_format_peer);
  g_test_add_func ("/address/peer/format-socket", test_format_socket);
  g_test_add_func ("/address/peer/round-trip", test_format_round_trips);
  g_test_add_func ("/address/local", test_local_addresses);

  return g_test_run ();
}

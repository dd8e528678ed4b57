/* test-nearby.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The table of people found: one person per key however many addresses
 * they come from, and a flood of random keys that never grows it past
 * its cap, forgetting the one seen longest ago.
 */

#include "config.h"

#include <string.h>

#include "tincan-nearby.h"

#define SECOND G_USEC_PER_SEC

static GBytes *
make_key (guint seed)
{
  guint8 key[32];

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (seed >> (8 * (i % 4))) + i;

  return g_bytes_new (key, sizeof key);
}

static GInetSocketAddress *
make_address (const char *text,
              guint16     port)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
}

static void
test_one_person (void)
{
  g_autoptr(TincanNearby) nearby = tincan_nearby_new ();
  g_autoptr(GBytes) key = make_key (1);
  g_autoptr(GInetSocketAddress) v4 = make_address ("10.23.0.2", 2323);
  g_autoptr(GInetSocketAddress) v6 = make_address ("fd23::2", 2323);
  const TincanNearbyPerson *person;
  g_autofree char *first = NULL;

  g_assert_true (tincan_nearby_add (nearby, "Ada", key, v4, 4, 1 * SECOND));
  /* The same computer on another address, or again: the same person. */
  g_assert_false (tincan_nearby_add (nearby, "Ada", key, v6, 4, 2 * SECOND));
  g_assert_false (tincan_nearby_add (nearby, "Ada L.", key, v4, 4, 3 * SECOND));
  g_assert_cmpuint (tincan_nearby_get_n_people (nearby), ==, 1);

  person = tincan_nearby_lookup (nearby, g_bytes_get_data (key, NULL));
  g_assert_nonnull (person);
  g_assert_true (person == tincan_nearby_get_person (nearby, 0));
  g_assert_cmpstr (person->name, ==, "Ada L.");
  g_assert_cmpuint (person->n_addresses, ==, 2);
  first = g_inet_address_to_string (g_inet_socket_address_get_address (person->addresses[0]));
  g_assert_cmpstr (first, ==, "10.23.0.2");
  g_assert_cmpuint (person->port, ==, 2323);
  g_assert_cmpuint (person->version, ==, 4);
  g_assert_cmpint (person->last_seen, ==, 3 * SECOND);
}

static void
test_address_cap (void)
{
  g_autoptr(TincanNearby) nearby = tincan_nearby_new ();
  g_autoptr(GBytes) key = make_key (2);
  const TincanNearbyPerson *person;

  /* One key from 100 addresses: 4 kept, the newest. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("10.23.1.%u", i);
      g_autoptr(GInetSocketAddress) address = make_address (text, 2323);

      tincan_nearby_add (nearby, "Bob", key, address, 4, i);
    }

  person = tincan_nearby_lookup (nearby, g_bytes_get_data (key, NULL));
  g_assert_cmpuint (person->n_addresses, ==, TINCAN_NEARBY_MAX_ADDRESSES);
  for (guint i = 0; i < TINCAN_NEARBY_MAX_ADDRESSES; i++)
    {
      g_autofree char *text = g_inet_address_to_string (g_inet_socket_address_get_address (person->addresses[i]));
      g_autofree char *expected = g_strdup_printf ("10.23.1.%u", 99 - i);

      g_assert_cmpstr (text, ==, expected);
    }
}

static void
test_flood (void)
{
  g_autoptr(TincanNearby) nearby = tincan_nearby_new ();
  g_autoptr(GBytes) friend = make_key (0xf00d);
  g_autoptr(GInetSocketAddress) friend_address = make_address ("10.23.0.3", 2323);
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  guint added = 0;

  tincan_nearby_add (nearby, "Friend", friend, friend_address, 4, 0);

  for (guint i = 0; i < 1000; i++)
    {
      guint8 bytes[32];
      g_autoptr(GBytes) key = NULL;
      g_autoptr(GInetSocketAddress) address = make_address ("10.23.0.66", 1 + i);

      for (guint b = 0; b < sizeof bytes; b++)
        bytes[b] = g_rand_int_range (rand, 0, 256);
      key = g_bytes_new (bytes, sizeof bytes);

      if (tincan_nearby_add (nearby, "Forged", key, address, 4, (i + 1) * 1000))
        added++;
      g_assert_cmpuint (tincan_nearby_get_n_people (nearby), <=, TINCAN_NEARBY_MAX_PEOPLE);

      /* The friend announces now and then, and so stays. */
      if (i % 50 == 0)
        tincan_nearby_add (nearby, "Friend", friend, friend_address, 4, (i + 1) * 1000);
    }

  g_assert_cmpuint (added, ==, 1000);
  g_assert_cmpuint (tincan_nearby_get_n_people (nearby), ==, TINCAN_NEARBY_MAX_PEOPLE);
  g_assert_nonnull (tincan_nearby_lookup (nearby, g_bytes_get_data (friend, NULL)));

  /* The least recently seen went first: all that is left of the flood
   * came in its last 63 announcements.
   */
  for (guint i = 0; i < tincan_nearby_get_n_people (nearby); i++)
    {
      const TincanNearbyPerson *person = tincan_nearby_get_person (nearby, i);

      if (g_strcmp0 (person->name, "Forged") == 0)
        g_assert_cmpint (person->last_seen, >, (1000 - TINCAN_NEARBY_MAX_PEOPLE + 1) * 1000);
    }

  /* Those who stopped announcing are forgotten. */
  g_assert_cmpuint (tincan_nearby_forget_older (nearby, 999 * 1000), ==, TINCAN_NEARBY_MAX_PEOPLE - 2);
  g_assert_cmpuint (tincan_nearby_get_n_people (nearby), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/nearby/one-person", test_one_person);
  g_test_add_func ("/nearby/address-cap", test_address_cap);
  g_test_add_func ("/nearby/flood", test_flood);

  return g_test_run ();
}

/* tincan-nearby.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people discovery found, by identity key: a name, up to four
 * addresses (one computer on two networks is one person), the chat port
 * and protocol version they announced.  A flood of forged announcements
 * with random keys must not grow it, so it holds at most
 * TINCAN_NEARBY_MAX_PEOPLE and the one seen longest ago makes room for a
 * newcomer.  Sixty-four entries are searched in a line: no index to keep.
 *
 * Everything here is a claim; the handshake proves the key.
 */

#define G_LOG_DOMAIN "tincan-nearby"

#include "config.h"

#include <string.h>

#include "tincan-nearby.h"

struct _TincanNearby
{
  GObject    parent_instance;

  GPtrArray *people;   /* of TincanNearbyPerson */
};

G_DEFINE_FINAL_TYPE (TincanNearby, tincan_nearby, G_TYPE_OBJECT)

static void
person_free (TincanNearbyPerson *person)
{
  g_free (person->name);
  for (guint i = 0; i < person->n_addresses; i++)
    g_object_unref (person->addresses[i]);
  g_free (person);
}

static void
tincan_nearby_finalize (GObject *object)
{
  TincanNearby *self = TINCAN_NEARBY (object);

  g_clear_pointer (&self->people, g_ptr_array_unref);

  G_OBJECT_CLASS (tincan_nearby_parent_class)->finalize (object);
}

static void
tincan_nearby_class_init (TincanNearbyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tincan_nearby_finalize;
}

static void
tincan_nearby_init (TincanNearby *self)
{
  self->people = g_ptr_array_new_full (TINCAN_NEARBY_MAX_PEOPLE, (GDestroyNotify) person_free);
}

TincanNearby *
tincan_nearby_new (void)
{
  return g_object_new (TINCAN_TYPE_NEARBY, NULL);
}

static gint
find_person (TincanNearby *self,
             const guint8 *key)
{
  for (guint i = 0; i < self->people->len; i++)
    {
      TincanNearbyPerson *person = g_ptr_array_index (self->people, i);

      if (memcmp (person->key, key, sizeof person->key) == 0)
        return i;
    }

  return -1;
}

static gboolean
same_address (GInetSocketAddress *a,
              GInetSocketAddress *b)
{
  GInetAddress *address = g_inet_socket_address_get_address (a);

  if (!g_inet_address_equal (address, g_inet_socket_address_get_address (b))
      || g_inet_socket_address_get_port (a) != g_inet_socket_address_get_port (b))
    return FALSE;

  /* fe80::1 on one interface is not fe80::1 on another. */
  return g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6
         || g_inet_socket_address_get_scope_id (a) == g_inet_socket_address_get_scope_id (b);
}

/* Moves @address to the front, adding it if new; the oldest one falls
 * off the end when all four places are taken.
 */
static void
remember_address (TincanNearbyPerson *person,
                  GInetSocketAddress *address)
{
  GInetSocketAddress *kept = NULL;
  guint at;

  for (at = 0; at < person->n_addresses; at++)
    if (same_address (person->addresses[at], address))
      break;

  if (at < person->n_addresses)
    kept = person->addresses[at];
  else if (person->n_addresses < TINCAN_NEARBY_MAX_ADDRESSES)
    person->n_addresses++;
  else
    g_object_unref (person->addresses[--at]);

  if (kept == NULL)
    kept = g_object_ref (address);

  memmove (person->addresses + 1, person->addresses, at * sizeof person->addresses[0]);
  person->addresses[0] = kept;
}

/**
 * tincan_nearby_add:
 * @self: a #TincanNearby
 * @name: the announced name
 * @key: the announced identity key, 32 bytes
 * @address: where the announcement came from, with the announced chat port
 * @version: the announced protocol version
 * @now: the monotonic time, in µs
 *
 * Adds a person, or updates what is known of them.  When the table is
 * full, the person seen longest ago is forgotten to make room.
 *
 * Returns: %TRUE if the person was not in the table
 */
gboolean
tincan_nearby_add (TincanNearby       *self,
                   const char         *name,
                   GBytes             *key,
                   GInetSocketAddress *address,
                   guint               version,
                   gint64              now)
{
  TincanNearbyPerson *person;
  gboolean added = FALSE;
  gint index;

  g_return_val_if_fail (TINCAN_IS_NEARBY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (key != NULL && g_bytes_get_size (key) == sizeof person->key, FALSE);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);

  index = find_person (self, g_bytes_get_data (key, NULL));
  if (index >= 0)
    person = g_ptr_array_index (self->people, index);
  else
    {
      if (self->people->len >= TINCAN_NEARBY_MAX_PEOPLE)
        {
          guint oldest = 0;

          for (guint i = 1; i < self->people->len; i++)
            if (((TincanNearbyPerson *) g_ptr_array_index (self->people, i))->last_seen
                < ((TincanNearbyPerson *) g_ptr_array_index (self->people, oldest))->last_seen)
              oldest = i;
          g_ptr_array_remove_index_fast (self->people, oldest);
        }

      person = g_new0 (TincanNearbyPerson, 1);
      memcpy (person->key, g_bytes_get_data (key, NULL), sizeof person->key);
      g_ptr_array_add (self->people, person);
      added = TRUE;
    }

  if (g_strcmp0 (person->name, name) != 0)
    {
      g_free (person->name);
      person->name = g_strdup (name);
    }
  remember_address (person, address);
  person->port = g_inet_socket_address_get_port (address);
  person->version = version;
  person->last_seen = now;

  return added;
}

guint
tincan_nearby_get_n_people (TincanNearby *self)
{
  g_return_val_if_fail (TINCAN_IS_NEARBY (self), 0);

  return self->people->len;
}

/**
 * tincan_nearby_get_person:
 * @self: a #TincanNearby
 * @index: from 0 to tincan_nearby_get_n_people() - 1
 *
 * The order is not meaningful, and changes when someone is forgotten.
 *
 * Returns: (transfer none): the person, valid until the table changes
 */
const TincanNearbyPerson *
tincan_nearby_get_person (TincanNearby *self,
                          guint         index)
{
  g_return_val_if_fail (TINCAN_IS_NEARBY (self), NULL);
  g_return_val_if_fail (index < self->people->len, NULL);

  return g_ptr_array_index (self->people, index);
}

/**
 * tincan_nearby_lookup:
 * @self: a #TincanNearby
 * @key: (array fixed-size=32): an identity key
 *
 * Returns: (transfer none) (nullable): the person who announced @key,
 *   valid until the table changes
 */
const TincanNearbyPerson *
tincan_nearby_lookup (TincanNearby *self,
                      const guint8 *key)
{
  gint index;

  g_return_val_if_fail (TINCAN_IS_NEARBY (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  index = find_person (self, key);

  return index >= 0 ? g_ptr_array_index (self->people, index) : NULL;
}

/**
 * tincan_nearby_forget_older:
 * @self: a #TincanNearby
 * @before: a monotonic time, in µs
 *
 * Forgets everyone last seen before @before: people who left the
 * network stop announcing.
 *
 * Returns: how many were forgotten
 */
guint
tincan_nearby_forget_older (TincanNearby *self,
                            gint64        before)
{
  guint forgotten = 0;

  g_return_val_if_fail (TINCAN_IS_NEARBY (self), 0);

  for (guint i = self->people->len; i > 0; i--)
    if (((TincanNearbyPerson *) g_ptr_array_index (self->people, i - 1))->last_seen < before)
      {
        g_ptr_array_remove_index_fast (self->people, i - 1);
        forgotten++;
      }

  return forgotten;
}

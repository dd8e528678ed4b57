/* tincan-nearby.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whoever sends announcements decides how many "people" there are, so
 * the table is capped, and so is each person's list of addresses.
 */
#define TINCAN_NEARBY_MAX_PEOPLE    64
#define TINCAN_NEARBY_MAX_ADDRESSES 4

typedef struct
{
  guint8              key[32];
  char               *name;
  /* Each with the announced chat port; the most recently seen first. */
  GInetSocketAddress *addresses[TINCAN_NEARBY_MAX_ADDRESSES];
  guint               n_addresses;
  guint16             port;
  guint               version;
  gint64              last_seen;   /* monotonic µs */
} TincanNearbyPerson;

#define TINCAN_TYPE_NEARBY (tincan_nearby_get_type ())

G_DECLARE_FINAL_TYPE (TincanNearby, tincan_nearby, TINCAN, NEARBY, GObject)

TincanNearby             *tincan_nearby_new          (void);
gboolean                  tincan_nearby_add          (TincanNearby       *self,
                                                      const char         *name,
                                                      GBytes             *key,
                                                      GInetSocketAddress *address,
                                                      guint               version,
                                                      gint64              now);
guint                     tincan_nearby_get_n_people (TincanNearby       *self);
const TincanNearbyPerson *tincan_nearby_get_person   (TincanNearby       *self,
                                                      guint               index);
const TincanNearbyPerson *tincan_nearby_lookup       (TincanNearby       *self,
                                                      const guint8       *key);
guint                     tincan_nearby_forget_older (TincanNearby       *self,
                                                      gint64              before);

G_END_DECLS

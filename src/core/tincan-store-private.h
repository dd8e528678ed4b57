/* tincan-store-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seams for tests only.
 */

#pragma once

#include "tincan-store.h"

G_BEGIN_DECLS

void        tincan_store_set_max_pages    (TincanStore *self,
                                           guint        max_pages);
const char *tincan_store_get_people_query (void);

G_END_DECLS

/* tincan-discovery.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-announce.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_DISCOVERY (tincan_discovery_get_type ())

G_DECLARE_FINAL_TYPE (TincanDiscovery, tincan_discovery, TINCAN, DISCOVERY, GObject)

TincanDiscovery *tincan_discovery_new              (const guint8         *public_key,
                                                    guint16               chat_port,
                                                    guint16               discovery_port,
                                                    GError              **error);
gboolean         tincan_discovery_get_enabled      (TincanDiscovery      *self);
void             tincan_discovery_set_enabled      (TincanDiscovery      *self,
                                                    gboolean              enabled);
const char      *tincan_discovery_get_display_name (TincanDiscovery      *self);
void             tincan_discovery_set_display_name (TincanDiscovery      *self,
                                                    const char           *display_name);
void             tincan_discovery_announce         (TincanDiscovery      *self);
void             tincan_discovery_query            (TincanDiscovery      *self);
guint            tincan_discovery_get_refused      (TincanDiscovery      *self,
                                                    TincanAnnounceResult  why);

G_END_DECLS

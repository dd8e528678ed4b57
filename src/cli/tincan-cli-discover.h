/* tincan-cli-discover.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-discovery.h"
#include "tincan-identity.h"

G_BEGIN_DECLS

/* How long a PEER given by fingerprint is looked for, without -t. */
#define TINCAN_CLI_LOOKUP_SECONDS   5
/* How long --discover listens, without -t. */
#define TINCAN_CLI_DISCOVER_SECONDS 3

gboolean         tincan_cli_is_fingerprint (const char       *text);
TincanDiscovery *tincan_cli_discovery_new  (TincanIdentity   *identity,
                                            const char       *name,
                                            guint16           chat_port);
int              tincan_cli_discover       (TincanIdentity   *identity,
                                            const char       *name,
                                            guint16           chat_port,
                                            guint             seconds,
                                            gboolean          json);
gboolean         tincan_cli_look_up        (TincanDiscovery  *discovery,
                                            const char       *fingerprint,
                                            guint             seconds,
                                            char            **host,
                                            guint16          *port);

G_END_DECLS

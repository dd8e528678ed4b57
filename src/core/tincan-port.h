/* tincan-port.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_PORT (tincan_port_get_type ())

G_DECLARE_FINAL_TYPE (TincanPort, tincan_port, TINCAN, PORT, GObject)

/* What the port dropped before any link saw it, and why. */
typedef struct
{
  guint64 datagrams_received;
  guint64 unknown;             /* from no link's peer, and not a first handshake message: dropped */
  guint64 over_share;          /* past a link's share of one dispatch: dropped */
  guint64 strangers;           /* first handshake messages from no link's peer: signalled */
  guint64 strangers_limited;   /* the same, past the signal's rate limit: dropped */
} TincanPortStats;

TincanPort            *tincan_port_new            (guint16      port,
                                                   GError     **error);
guint16                tincan_port_get_local_port (TincanPort  *self);
guint                  tincan_port_get_n_links    (TincanPort  *self);
const TincanPortStats *tincan_port_get_stats      (TincanPort  *self);

G_END_DECLS

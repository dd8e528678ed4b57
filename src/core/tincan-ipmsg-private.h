/* tincan-ipmsg-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests: a hub on a loopback address, with its own idea of the local
 * network and of where a broadcast goes.  Loopback has no broadcast, so a
 * test names the other hubs' (unicast) addresses as its broadcast
 * targets; and the real 255.255.255.255 would reach the real network,
 * which no test may send to.
 */

#pragma once

#include "tincan-ipmsg.h"
#include "tincan-local-net.h"

G_BEGIN_DECLS

/* @address: %NULL for 0.0.0.0; @local_net: %NULL for this computer's. */
TincanIpmsg *tincan_ipmsg_new_full              (GInetAddress    *address,
                                                 guint16          port,
                                                 TincanLocalNet  *local_net,
                                                 GError         **error);
/* Where "broadcasts" go instead of 255.255.255.255 and the interfaces'
 * broadcast addresses: GInetSocketAddress, port included.
 */
void         tincan_ipmsg_set_broadcast_targets (TincanIpmsg     *self,
                                                 GPtrArray       *targets);

G_END_DECLS

/* tincan-local-net.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_LOCAL_NET (tincan_local_net_get_type ())

G_DECLARE_FINAL_TYPE (TincanLocalNet, tincan_local_net, TINCAN, LOCAL_NET, GObject)

/* One IPv4 interface address, for tincan_local_net_new_for_interfaces(). */
typedef struct
{
  const char *address;     /* "192.168.1.20" */
  guint       prefix;      /* 24 */
  const char *broadcast;   /* "192.168.1.255", or NULL: none (loopback, point-to-point) */
} TincanLocalInterface;

TincanLocalNet *tincan_local_net_new                (void);
TincanLocalNet *tincan_local_net_new_for_interfaces (const TincanLocalInterface *interfaces,
                                                     guint                       n_interfaces);
gboolean        tincan_local_net_is_local           (TincanLocalNet             *self,
                                                     GInetAddress               *address);
GPtrArray      *tincan_local_net_get_broadcasts     (TincanLocalNet             *self);
void            tincan_local_net_refresh            (TincanLocalNet             *self);

/* Signals:
 *   changed: the interfaces changed (read again), or the network did
 */

G_END_DECLS

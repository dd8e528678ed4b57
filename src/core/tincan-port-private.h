/* tincan-port-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Between a port and the links on it, and for the fuzzer: nothing else
 * includes this.
 */

#pragma once

#include "tincan-link.h"
#include "tincan-port.h"
#include "tincan-udp-socket.h"

G_BEGIN_DECLS

/* Links on a port share the whole dispatch, but each has at least this
 * many of its datagrams handled per dispatch (and at most the dispatch
 * divided among them, if that is more).
 */
#define TINCAN_PORT_MAX_PER_DISPATCH 256
#define TINCAN_PORT_MIN_SHARE        64

TincanPort      *tincan_port_new_private       (guint16             port,
                                                GError            **error);
TincanPort      *tincan_port_new_broadcast     (GInetAddress       *address,
                                                guint16             port,
                                                GError            **error);
gboolean         tincan_port_has_link_at       (TincanPort         *self,
                                                GInetSocketAddress *address);
gboolean         tincan_port_send_to           (TincanPort         *self,
                                                GInetSocketAddress *destination,
                                                const guint8       *data,
                                                gsize               length,
                                                GError            **error);
TincanUdpSocket *tincan_port_get_socket        (TincanPort         *self);
void             tincan_port_add_link          (TincanPort         *self,
                                                TincanLink         *link,
                                                TincanUdpSocket    *link_socket,
                                                guint64             session);
void             tincan_port_remove_link       (TincanPort         *self,
                                                TincanLink         *link);
void             tincan_port_update_link       (TincanPort         *self,
                                                TincanLink         *link);
/* Shown every datagram before it is routed (the IP Messenger hub, on
 * its port): %FALSE drops it.  May add a link for its sender.
 */
typedef gboolean (*TincanPortPeekFunc) (TincanPort           *port,
                                        const TincanDatagram *datagram,
                                        gpointer              user_data);
void             tincan_port_set_peek_func     (TincanPort         *self,
                                                TincanPortPeekFunc  func,
                                                gpointer            user_data);
gboolean         tincan_port_parse_session     (const guint8       *datagram,
                                                gsize               length,
                                                guint64            *session);

/* In tincan-link-packets.c: what the port hands the link it routed to */
void             tincan_link_port_receive      (TincanLink           *self,
                                                const TincanDatagram *datagram);
void             tincan_link_port_answer       (TincanLink           *self);
void             tincan_link_port_refused      (TincanLink           *self);

G_END_DECLS

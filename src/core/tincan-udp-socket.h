/* tincan-udp-socket.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

#include "tincan-link-stats.h"

G_BEGIN_DECLS

/* Datagrams read by one call of tincan_udp_socket_receive(), at most. */
#define TINCAN_UDP_SOCKET_RECEIVE_BATCH 16

typedef struct
{
  const struct sockaddr *from;
  socklen_t              from_length;
  const guint8          *data;
  gsize                  length;
} TincanDatagram;

typedef struct _TincanUdpSocket TincanUdpSocket;

TincanUdpSocket *tincan_udp_socket_new                (guint16                port,
                                                       TincanLinkStats       *stats,
                                                       GError               **error);
void             tincan_udp_socket_free               (TincanUdpSocket       *self);
guint16          tincan_udp_socket_get_local_port     (TincanUdpSocket       *self);
guint32          tincan_udp_socket_get_receive_window (TincanUdpSocket       *self);
GSource         *tincan_udp_socket_create_source      (TincanUdpSocket       *self);
void             tincan_udp_socket_set_peer           (TincanUdpSocket       *self,
                                                       GList                 *addresses,
                                                       guint16                port);
gboolean         tincan_udp_socket_has_peer           (TincanUdpSocket       *self);
gboolean         tincan_udp_socket_is_from_peer       (TincanUdpSocket       *self,
                                                       const struct sockaddr *address,
                                                       socklen_t              length);
gboolean         tincan_udp_socket_send               (TincanUdpSocket       *self,
                                                       const guint8          *head,
                                                       gsize                  head_length,
                                                       const guint8          *tail,
                                                       gsize                  tail_length,
                                                       GError               **error);
gboolean         tincan_udp_socket_queue              (TincanUdpSocket       *self,
                                                       const guint8          *head,
                                                       gsize                  head_length,
                                                       const guint8          *tail,
                                                       gsize                  tail_length,
                                                       GError               **error);
gboolean         tincan_udp_socket_flush              (TincanUdpSocket       *self,
                                                       GError               **error);
guint            tincan_udp_socket_receive            (TincanUdpSocket       *self,
                                                       const TincanDatagram **datagrams,
                                                       gboolean              *refused);
gboolean         tincan_udp_socket_drain_errors       (TincanUdpSocket       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanUdpSocket, tincan_udp_socket_free)

G_END_DECLS

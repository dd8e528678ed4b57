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

/* Called for each datagram the error queue says nothing listened for:
 * @destination is where it was sent.
 */
typedef void (*TincanUdpSocketRefusedFunc) (const struct sockaddr *destination,
                                            socklen_t              length,
                                            gpointer               user_data);

/* An address as a key: IPv4 as an IPv4-mapped IPv6 address. */
typedef struct
{
  guint8  bytes[16];
  guint16 port;
  guint32 scope_id;   /* of a link-local IPv6 address; not part of the key */
} TincanUdpEndpoint;

TincanUdpSocket *tincan_udp_socket_new                (guint16                port,
                                                       TincanLinkStats       *stats,
                                                       GError               **error);
TincanUdpSocket *tincan_udp_socket_new_broadcast      (GInetAddress          *address,
                                                       guint16                port,
                                                       TincanLinkStats       *stats,
                                                       GError               **error);
TincanUdpSocket *tincan_udp_socket_new_sharing        (TincanUdpSocket       *owner,
                                                       TincanLinkStats       *stats);
void             tincan_udp_socket_free               (TincanUdpSocket       *self);
GSocket         *tincan_udp_socket_get_gsocket        (TincanUdpSocket       *self);
guint16          tincan_udp_socket_get_local_port     (TincanUdpSocket       *self);
guint32          tincan_udp_socket_get_receive_window (TincanUdpSocket       *self);
GSource         *tincan_udp_socket_create_source      (TincanUdpSocket       *self);
void             tincan_udp_socket_set_peer           (TincanUdpSocket       *self,
                                                       GList                 *addresses,
                                                       guint16                port);
void             tincan_udp_socket_move_peer          (TincanUdpSocket       *self,
                                                       GInetSocketAddress    *destination,
                                                       gboolean               keep_others);
gboolean         tincan_udp_socket_has_peer           (TincanUdpSocket       *self);
GPtrArray       *tincan_udp_socket_get_peer_addresses (TincanUdpSocket       *self);
GInetSocketAddress *tincan_udp_socket_dup_peer_destination (TincanUdpSocket  *self);
gboolean         tincan_udp_socket_is_peer_destination (TincanUdpSocket      *self,
                                                       const struct sockaddr *address,
                                                       socklen_t              length);
gboolean         tincan_udp_socket_is_from_peer       (TincanUdpSocket       *self,
                                                       const struct sockaddr *address,
                                                       socklen_t              length);
gboolean         tincan_udp_socket_send               (TincanUdpSocket       *self,
                                                       const guint8          *head,
                                                       gsize                  head_length,
                                                       const guint8          *tail,
                                                       gsize                  tail_length,
                                                       GError               **error);
gboolean         tincan_udp_socket_send_to            (TincanUdpSocket       *self,
                                                       GInetSocketAddress    *destination,
                                                       const guint8          *data,
                                                       gsize                  length,
                                                       GError               **error);
gboolean         tincan_udp_socket_queue              (TincanUdpSocket       *self,
                                                       const guint8          *head,
                                                       gsize                  head_length,
                                                       const guint8          *tail,
                                                       gsize                  tail_length,
                                                       GError               **error);
gboolean         tincan_udp_socket_flush              (TincanUdpSocket       *self,
                                                       GError               **error);
void             tincan_udp_socket_set_refused_func   (TincanUdpSocket            *self,
                                                       TincanUdpSocketRefusedFunc  func,
                                                       gpointer                    user_data);
guint            tincan_udp_socket_receive            (TincanUdpSocket       *self,
                                                       const TincanDatagram **datagrams);
gboolean         tincan_udp_socket_drain_errors       (TincanUdpSocket       *self);

gboolean         tincan_udp_endpoint_from_sockaddr    (TincanUdpEndpoint     *endpoint,
                                                       const struct sockaddr *address,
                                                       socklen_t              length);
void             tincan_udp_endpoint_from_inet        (TincanUdpEndpoint     *endpoint,
                                                       GInetAddress          *address,
                                                       guint16                port);
guint            tincan_udp_endpoint_hash             (gconstpointer          endpoint);
gboolean         tincan_udp_endpoint_equal            (gconstpointer          a,
                                                       gconstpointer          b);
GInetSocketAddress *tincan_udp_endpoint_to_address    (const TincanUdpEndpoint *endpoint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanUdpSocket, tincan_udp_socket_free)

G_END_DECLS

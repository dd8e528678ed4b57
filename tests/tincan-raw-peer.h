/* tincan-raw-peer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plain UDP socket on a loopback address that speaks protocol version
 * 4 itself, with the core's TincanHandshake and TincanSeal but none of
 * the link's rules: the tests use it as a peer, a stranger, an attacker
 * or a middle-man.
 */

#pragma once

#include <gio/gio.h>

#include "tincan-handshake.h"
#include "tincan-link.h"
#include "tincan-seal.h"

G_BEGIN_DECLS

typedef struct _TincanRawPeer TincanRawPeer;

TincanRawPeer *tincan_raw_peer_new            (const char     *address);
void           tincan_raw_peer_free           (TincanRawPeer  *self);
guint16        tincan_raw_peer_get_port       (TincanRawPeer  *self);
const guint8  *tincan_raw_peer_get_public_key (TincanRawPeer  *self);
guint64        tincan_raw_peer_get_session    (TincanRawPeer  *self);
guint64        tincan_raw_peer_get_peer_session (TincanRawPeer *self);
void           tincan_raw_peer_send           (TincanRawPeer  *self,
                                               guint16         port,
                                               const guint8   *datagram,
                                               gsize           length);
GPtrArray     *tincan_raw_peer_collect        (TincanRawPeer  *self,
                                               guint           ms);
gsize          tincan_raw_peer_make_init      (TincanRawPeer  *self,
                                               guint8         *datagram);
gboolean       tincan_raw_peer_connect        (TincanRawPeer  *self,
                                               guint16         port,
                                               guint           ms);
gboolean       tincan_raw_peer_answer         (TincanRawPeer  *self,
                                               guint16         port,
                                               const guint8   *datagram,
                                               gsize           length);
gsize          tincan_raw_peer_seal           (TincanRawPeer  *self,
                                               TincanPacket   *packet,
                                               guint8         *datagram,
                                               gsize           size);
gboolean       tincan_raw_peer_open           (TincanRawPeer  *self,
                                               const guint8   *datagram,
                                               gsize           length,
                                               guint8         *buffer,
                                               TincanPacket   *inner);
gsize          tincan_raw_peer_make_data      (TincanRawPeer  *self,
                                               guint32         packet_number,
                                               const char     *text,
                                               guint8         *datagram,
                                               gsize           size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanRawPeer, tincan_raw_peer_free)

G_END_DECLS

/* tincan-handshake.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One Tin Can handshake: Noise XX carried in the three handshake
 * packets, each side's HELLO inside the second and third.  No socket,
 * no clock: the link sends what it makes and hands it what comes.
 */

#pragma once

#include <glib.h>

#include "tincan-noise.h"
#include "tincan-wire.h"

G_BEGIN_DECLS

#define TINCAN_HANDSHAKE_PROTOCOL "Noise_XX_25519_ChaChaPoly_BLAKE2b"

typedef struct _TincanHandshake TincanHandshake;

TincanHandshake *tincan_handshake_new_initiator  (const guint8       *static_private,
                                                  guint64             session,
                                                  guint64             peer_session);
TincanHandshake *tincan_handshake_new_responder  (const guint8       *static_private,
                                                  guint64             session,
                                                  const TincanPacket *init,
                                                  const guint8       *datagram,
                                                  const TincanPacket *hello);
gboolean         tincan_handshake_read_reply     (TincanHandshake    *self,
                                                  const TincanPacket *reply,
                                                  TincanPacket       *peer_hello);
gboolean         tincan_handshake_finish         (TincanHandshake    *self,
                                                  const TincanPacket *hello);
gboolean         tincan_handshake_read_finish    (TincanHandshake    *self,
                                                  const TincanPacket *finish,
                                                  TincanPacket       *peer_hello);
const guint8    *tincan_handshake_get_datagram   (TincanHandshake    *self,
                                                  gsize              *length);
gboolean         tincan_handshake_is_initiator   (TincanHandshake    *self);
gboolean         tincan_handshake_is_finished    (TincanHandshake    *self);
guint64          tincan_handshake_get_peer_session (TincanHandshake  *self);
const guint8    *tincan_handshake_get_peer_key   (TincanHandshake    *self);
const guint8    *tincan_handshake_get_hash       (TincanHandshake    *self);
void             tincan_handshake_split          (TincanHandshake    *self,
                                                  TincanNoiseCipher  *send,
                                                  TincanNoiseCipher  *receive);
void             tincan_handshake_free           (TincanHandshake    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanHandshake, tincan_handshake_free)

G_END_DECLS

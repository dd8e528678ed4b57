/* tincan-receiver.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tincan-link-stats.h"
#include "tincan-message.h"
#include "tincan-wire.h"

G_BEGIN_DECLS

typedef struct _TincanReceiver TincanReceiver;

/* What a plain-text datagram turned out to be. */
typedef enum
{
  TINCAN_PLAIN_TEXT,       /* a message */
  TINCAN_PLAIN_EMPTY,      /* nothing but a line ending */
  TINCAN_PLAIN_NOT_UTF8,   /* not text: dropped and counted */
  TINCAN_PLAIN_CONTROL,    /* control characters: dropped and counted */
} TincanPlainVerdict;

TincanReceiver *tincan_receiver_new          (TincanLinkStats    *stats);
void            tincan_receiver_free         (TincanReceiver     *self);
void            tincan_receiver_restart      (TincanReceiver     *self);
gboolean        tincan_receiver_handle_data  (TincanReceiver     *self,
                                              const TincanPacket *packet,
                                              gsize               length,
                                              gint64              now);
TincanMessage  *tincan_receiver_next_ready   (TincanReceiver     *self,
                                              const char         *peer_identity);
void            tincan_receiver_pop_ready    (TincanReceiver     *self);
gboolean        tincan_receiver_ack_pending  (TincanReceiver     *self);
void            tincan_receiver_build_ack    (TincanReceiver     *self,
                                              gint64              now,
                                              TincanPacket       *packet);
TincanMessage  *tincan_receiver_take_plain   (TincanReceiver     *self,
                                              guint64             session,
                                              const guint8       *data,
                                              gsize               length,
                                              TincanPlainVerdict *verdict);
void            tincan_receiver_expire       (TincanReceiver     *self,
                                              gint64              now);
gint64          tincan_receiver_get_deadline (TincanReceiver     *self);
void            tincan_receiver_describe     (TincanReceiver     *self,
                                              GString            *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanReceiver, tincan_receiver_free)

G_END_DECLS

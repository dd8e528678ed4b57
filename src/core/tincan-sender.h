/* tincan-sender.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tincan-link-stats.h"
#include "tincan-message.h"
#include "tincan-wire.h"

G_BEGIN_DECLS

typedef struct _TincanSender TincanSender;

TincanSender *tincan_sender_new              (GRand              *rand,
                                              TincanLinkStats    *stats);
void          tincan_sender_free             (TincanSender       *self);
void          tincan_sender_set_give_up_time (TincanSender       *self,
                                              gint64              usec);
void          tincan_sender_set_peer_window  (TincanSender       *self,
                                              guint32             bytes);
void          tincan_sender_add              (TincanSender       *self,
                                              TincanMessage      *message,
                                              gint64              now);
guint         tincan_sender_next             (TincanSender       *self,
                                              gint64              now,
                                              guint               datagram_size,
                                              TincanPacket       *packets,
                                              guint               n_packets);
gboolean      tincan_sender_handle_ack       (TincanSender       *self,
                                              const TincanPacket *packet,
                                              gint64              now);
gboolean      tincan_sender_check_timeout    (TincanSender       *self,
                                              gint64              now);
gboolean      tincan_sender_has_expired      (TincanSender       *self,
                                              gint64              now);
void          tincan_sender_expire           (TincanSender       *self,
                                              gint64              now,
                                              const char         *reason);
void          tincan_sender_new_epoch        (TincanSender       *self);
GPtrArray    *tincan_sender_take_all         (TincanSender       *self);
void          tincan_sender_fail_all         (TincanSender       *self,
                                              const char         *reason);
gint64        tincan_sender_get_deadline     (TincanSender       *self);
guint         tincan_sender_get_n_pending    (TincanSender       *self);
guint32       tincan_sender_get_epoch        (TincanSender       *self);
guint         tincan_sender_get_in_flight    (TincanSender       *self);
guint         tincan_sender_get_cwnd         (TincanSender       *self);
guint         tincan_sender_get_backoff      (TincanSender       *self);
gint64        tincan_sender_get_rto          (TincanSender       *self);
gint64        tincan_sender_get_srtt         (TincanSender       *self);
void          tincan_sender_describe         (TincanSender       *self,
                                              GString            *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanSender, tincan_sender_free)

G_END_DECLS

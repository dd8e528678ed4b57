/* tincan-ipmsg-sender.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "tincan-message.h"

G_BEGIN_DECLS

/* A part is sent again this long after its last try, and fails (with
 * the message) this long after its last one.
 */
#define TINCAN_IPMSG_RESEND_INTERVAL (1 * G_USEC_PER_SEC)
#define TINCAN_IPMSG_TRIES           5

typedef struct _TincanIpmsgSender TincanIpmsgSender;

/* One SENDMSG to send now: @text (not NUL-terminated) stays valid until
 * the next call into the sender.
 */
typedef struct
{
  guint32     packet_number;
  const char *text;
  gsize       length;
  guint       index;     /* of the message's parts, from 0 */
  guint       try;       /* 1 the first time */
} TincanIpmsgPart;

TincanIpmsgSender *tincan_ipmsg_sender_new            (void);
void               tincan_ipmsg_sender_free           (TincanIpmsgSender *self);
void               tincan_ipmsg_sender_add            (TincanIpmsgSender *self,
                                                       TincanMessage     *message);
gboolean           tincan_ipmsg_sender_next           (TincanIpmsgSender *self,
                                                       gint64             now,
                                                       TincanIpmsgPart   *part);
gboolean           tincan_ipmsg_sender_handle_recvmsg (TincanIpmsgSender *self,
                                                       guint32            packet_number);
gboolean           tincan_ipmsg_sender_check_timeout  (TincanIpmsgSender *self,
                                                       gint64             now,
                                                       const char        *reason);
gint64             tincan_ipmsg_sender_get_deadline   (TincanIpmsgSender *self);
void               tincan_ipmsg_sender_set_gone       (TincanIpmsgSender *self,
                                                       const char        *reason);
gboolean           tincan_ipmsg_sender_cancel         (TincanIpmsgSender *self,
                                                       TincanMessage     *message);
GPtrArray         *tincan_ipmsg_sender_take_all       (TincanIpmsgSender *self);
void               tincan_ipmsg_sender_fail_all       (TincanIpmsgSender *self,
                                                       const char        *reason);
guint              tincan_ipmsg_sender_get_n_pending  (TincanIpmsgSender *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanIpmsgSender, tincan_ipmsg_sender_free)

G_END_DECLS

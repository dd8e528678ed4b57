/* tincan-message.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "tincan-transfer.h"

G_BEGIN_DECLS

#define TINCAN_MESSAGE_ERROR (tincan_message_error_quark ())

typedef enum
{
  TINCAN_MESSAGE_ERROR_EMPTY,
  TINCAN_MESSAGE_ERROR_TOO_LARGE,
  TINCAN_MESSAGE_ERROR_NOT_UTF8,
} TincanMessageError;

GQuark tincan_message_error_quark (void);

typedef enum
{
  TINCAN_MESSAGE_QUEUED,     /* waiting for the peer or for room to send */
  TINCAN_MESSAGE_SENT,       /* on the wire, not all acknowledged yet */
  TINCAN_MESSAGE_DELIVERED,  /* every fragment acknowledged */
  TINCAN_MESSAGE_FAILED,     /* given up on; see failure-reason */
  TINCAN_MESSAGE_RECEIVED,   /* from the peer */
} TincanMessageState;

#define TINCAN_TYPE_MESSAGE_STATE (tincan_message_state_get_type ())
GType tincan_message_state_get_type (void);

#define TINCAN_TYPE_MESSAGE (tincan_message_get_type ())

G_DECLARE_FINAL_TYPE (TincanMessage, tincan_message, TINCAN, MESSAGE, GObject)

gboolean            tincan_message_check_text         (const char         *text,
                                                       GError            **error);
TincanMessage      *tincan_message_new_outgoing       (const char         *text,
                                                       gboolean            plain);
TincanMessage      *tincan_message_new_incoming       (const char         *id,
                                                       const char         *sender,
                                                       guint64             uid,
                                                       const char         *text,
                                                       gboolean            plain);
TincanMessage      *tincan_message_take_incoming      (const char         *id,
                                                       const char         *sender,
                                                       guint64             uid,
                                                       char               *text,
                                                       gboolean            plain);
TincanMessage      *tincan_message_new_record         (GBytes             *record);
TincanMessage      *tincan_message_take_incoming_record (const char       *id,
                                                       const char         *sender,
                                                       guint64             uid,
                                                       GBytes             *record);
GBytes             *tincan_message_get_record         (TincanMessage      *self);
TincanMessage      *tincan_message_new_stored         (gint64              store_id,
                                                       guint64             uid,
                                                       const char         *sender,
                                                       const char         *text,
                                                       gboolean            outgoing,
                                                       gboolean            plain,
                                                       gint64              time,
                                                       TincanMessageState  state,
                                                       const char         *failure_reason);
const char         *tincan_message_get_id             (TincanMessage      *self);
guint64             tincan_message_get_uid            (TincanMessage      *self);
const char         *tincan_message_get_sender         (TincanMessage      *self);
gint64              tincan_message_get_store_id       (TincanMessage      *self);
void                tincan_message_set_store_id       (TincanMessage      *self,
                                                       gint64              store_id);
const char         *tincan_message_get_text           (TincanMessage      *self);
gboolean            tincan_message_get_outgoing       (TincanMessage      *self);
gboolean            tincan_message_get_plain          (TincanMessage      *self);
gint64              tincan_message_get_time           (TincanMessage      *self);
TincanMessageState  tincan_message_get_state          (TincanMessage      *self);
const char         *tincan_message_get_failure_reason (TincanMessage      *self);
void                tincan_message_set_state          (TincanMessage      *self,
                                                       TincanMessageState  state,
                                                       const char         *failure_reason);
/* IP Messenger: how many datagrams the text went in (1 if it fit). */
guint               tincan_message_get_n_parts        (TincanMessage      *self);
void                tincan_message_set_n_parts        (TincanMessage      *self,
                                                       guint               n_parts);
const char         *tincan_message_get_waiting_for    (TincanMessage      *self);
void                tincan_message_set_waiting_for    (TincanMessage      *self,
                                                       const char         *name);
TincanTransfer     *tincan_message_get_transfer       (TincanMessage      *self);
void                tincan_message_set_transfer       (TincanMessage      *self,
                                                       TincanTransfer     *transfer);

G_END_DECLS

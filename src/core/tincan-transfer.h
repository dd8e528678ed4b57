/* tincan-transfer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TINCAN_TRANSFER_OFFERED,    /* outgoing: waiting for the peer to take it;
                               * incoming: waiting for this person to accept */
  TINCAN_TRANSFER_MOVING,     /* bytes are going */
  TINCAN_TRANSFER_PAUSED,     /* the peer is away: see waiting-for */
  TINCAN_TRANSFER_VERIFYING,  /* every byte is there, the hash is being checked */
  TINCAN_TRANSFER_DONE,       /* outgoing: delivered and verified; incoming: saved at path */
  TINCAN_TRANSFER_FAILED,     /* see error; nothing partial is kept under the final name */
  TINCAN_TRANSFER_CANCELLED,  /* by either side; see error for who */
} TincanTransferState;

#define TINCAN_TYPE_TRANSFER_STATE (tincan_transfer_state_get_type ())
GType tincan_transfer_state_get_type (void);

#define TINCAN_TYPE_TRANSFER (tincan_transfer_get_type ())

G_DECLARE_FINAL_TYPE (TincanTransfer, tincan_transfer, TINCAN, TRANSFER, GObject)

TincanTransfer      *tincan_transfer_new              (const char          *id,
                                                       gboolean             outgoing,
                                                       const char          *name,
                                                       guint64              size);
const char          *tincan_transfer_get_id           (TincanTransfer      *self);
gboolean             tincan_transfer_get_outgoing     (TincanTransfer      *self);
const char          *tincan_transfer_get_name         (TincanTransfer      *self);
guint64              tincan_transfer_get_size         (TincanTransfer      *self);
const char          *tincan_transfer_get_content_type (TincanTransfer      *self);
GFile               *tincan_transfer_get_file         (TincanTransfer      *self);
void                 tincan_transfer_set_file         (TincanTransfer      *self,
                                                       GFile               *file);
guint64              tincan_transfer_get_offset       (TincanTransfer      *self);
void                 tincan_transfer_set_offset       (TincanTransfer      *self,
                                                       guint64              offset,
                                                       gint64               now);
guint64              tincan_transfer_get_speed        (TincanTransfer      *self);
gint64               tincan_transfer_get_seconds_left (TincanTransfer      *self);
TincanTransferState  tincan_transfer_get_state        (TincanTransfer      *self);
const char          *tincan_transfer_get_error        (TincanTransfer      *self);
void                 tincan_transfer_set_state        (TincanTransfer      *self,
                                                       TincanTransferState  state,
                                                       const char          *error);
const char          *tincan_transfer_get_waiting_for  (TincanTransfer      *self);
void                 tincan_transfer_set_waiting_for  (TincanTransfer      *self,
                                                       const char          *name);
const char          *tincan_transfer_get_hash         (TincanTransfer      *self);
void                 tincan_transfer_set_hash         (TincanTransfer      *self,
                                                       const char          *hash);
gboolean             tincan_transfer_is_finished      (TincanTransfer      *self);

G_END_DECLS

/* tincan-outbox.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-link.h"
#include "tincan-message.h"
#include "tincan-store.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_OUTBOX (tincan_outbox_get_type ())

G_DECLARE_FINAL_TYPE (TincanOutbox, tincan_outbox, TINCAN, OUTBOX, GObject)

TincanOutbox  *tincan_outbox_new            (TincanStore    *store);
TincanStore   *tincan_outbox_get_store      (TincanOutbox   *self);
gboolean       tincan_outbox_load           (TincanOutbox   *self,
                                             GError        **error);
void           tincan_outbox_attach         (TincanOutbox   *self,
                                             TincanLink     *link);
void           tincan_outbox_resume         (TincanOutbox   *self);
void           tincan_outbox_detach         (TincanOutbox   *self);
TincanMessage *tincan_outbox_send           (TincanOutbox   *self,
                                             const char     *text,
                                             GError        **error);
gboolean       tincan_outbox_retry          (TincanOutbox   *self,
                                             TincanMessage  *message,
                                             GError        **error);
TincanMessage *tincan_outbox_find           (TincanOutbox   *self,
                                             const char     *id);
guint          tincan_outbox_get_n_messages (TincanOutbox   *self);
void           tincan_outbox_forget_failed  (TincanOutbox   *self);

G_END_DECLS

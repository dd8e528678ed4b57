/* tincan-history.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-message.h"
#include "tincan-store.h"

G_BEGIN_DECLS

#define TINCAN_HISTORY_PAGE_SIZE 64
#define TINCAN_HISTORY_MAX_PAGES 8

#define TINCAN_TYPE_HISTORY (tincan_history_get_type ())

G_DECLARE_FINAL_TYPE (TincanHistory, tincan_history, TINCAN, HISTORY, GObject)

TincanHistory *tincan_history_new          (TincanStore    *store);
TincanStore   *tincan_history_get_store    (TincanHistory  *self);
void           tincan_history_append       (TincanHistory  *self,
                                            TincanMessage  *message);
void           tincan_history_pin          (TincanHistory  *self,
                                            TincanMessage  *message);
void           tincan_history_unpin        (TincanHistory  *self,
                                            TincanMessage  *message);
guint          tincan_history_get_n_loaded (TincanHistory  *self);
int            tincan_history_find         (TincanHistory  *self,
                                            const char     *query,
                                            guint           before,
                                            GError        **error);
gboolean       tincan_history_clear        (TincanHistory  *self,
                                            GError        **error);

G_END_DECLS

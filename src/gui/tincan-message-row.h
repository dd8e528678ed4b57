/* tincan-message-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-message.h"

G_BEGIN_DECLS

/* The most characters "Show More" lays out in the bubble; a longer text
 * is offered in a window of its own (tincan-text-window.c).  Measured:
 * see text_label_* in tests/bench.
 */
#define TINCAN_MESSAGE_ROW_INLINE_CHARS 3000

#define TINCAN_TYPE_MESSAGE_ROW (tincan_message_row_get_type ())

G_DECLARE_FINAL_TYPE (TincanMessageRow, tincan_message_row, TINCAN, MESSAGE_ROW, GtkWidget)

GtkWidget     *tincan_message_row_new         (void);
TincanMessage *tincan_message_row_get_message (TincanMessageRow *self);
void           tincan_message_row_set_message (TincanMessageRow *self,
                                               TincanMessage    *message);
char          *tincan_message_markup          (const char       *text);

G_END_DECLS

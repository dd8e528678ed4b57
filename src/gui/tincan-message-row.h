/* tincan-message-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-message.h"

G_BEGIN_DECLS

/* The most characters "Show More" lays out in the bubble; a longer text
 * is offered in a window of its own (tincan-text-window.c).  Pango takes
 * about 8.5 µs of CPU a character in a bubble's label on the machine it
 * was measured on, 17 ms here, and twice that when the machine is busy;
 * painting comes on top and the whole must stay under 50 ms (see
 * text_label_* in tests/bench).
 */
#define TINCAN_MESSAGE_ROW_INLINE_CHARS 2000

#define TINCAN_TYPE_MESSAGE_ROW (tincan_message_row_get_type ())

G_DECLARE_FINAL_TYPE (TincanMessageRow, tincan_message_row, TINCAN, MESSAGE_ROW, GtkWidget)

GtkWidget     *tincan_message_row_new         (void);
TincanMessage *tincan_message_row_get_message (TincanMessageRow *self);
void           tincan_message_row_set_message (TincanMessageRow *self,
                                               TincanMessage    *message);
char          *tincan_message_markup          (const char       *text);

G_END_DECLS

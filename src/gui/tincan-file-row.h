/* tincan-file-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-message.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_FILE_ROW (tincan_file_row_get_type ())

G_DECLARE_FINAL_TYPE (TincanFileRow, tincan_file_row, TINCAN, FILE_ROW, GtkWidget)

GtkWidget     *tincan_file_row_new               (void);
TincanMessage *tincan_file_row_get_message       (TincanFileRow  *self);
void           tincan_file_row_set_message       (TincanFileRow  *self,
                                                  TincanMessage  *message);
void           tincan_file_row_set_peer_name     (TincanFileRow  *self,
                                                  const char     *name);
char          *tincan_file_row_format_progress   (TincanTransfer *transfer);
char          *tincan_file_row_format_time_left  (gint64          seconds);

G_END_DECLS

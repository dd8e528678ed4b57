/* tincan-text-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-message.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_TEXT_WINDOW (tincan_text_window_get_type ())

G_DECLARE_FINAL_TYPE (TincanTextWindow, tincan_text_window, TINCAN, TEXT_WINDOW, AdwWindow)

GtkWidget     *tincan_text_window_new         (GtkWindow           *parent,
                                               TincanMessage       *message,
                                               const char          *person);
TincanMessage *tincan_text_window_get_message (TincanTextWindow    *self);
gboolean       tincan_text_window_get_loaded  (TincanTextWindow    *self);
void           tincan_text_window_save_async  (TincanTextWindow    *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       tincan_text_window_save_finish (TincanTextWindow    *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS

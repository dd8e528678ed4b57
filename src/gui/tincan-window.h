/* tincan-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-application.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_WINDOW (tincan_window_get_type ())

G_DECLARE_FINAL_TYPE (TincanWindow, tincan_window, TINCAN, WINDOW, AdwApplicationWindow)

TincanWindow *tincan_window_new (TincanApplication *application);

G_END_DECLS

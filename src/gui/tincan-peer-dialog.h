/* tincan-peer-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-chat.h"
#include "tincan-people.h"
#include "tincan-settings.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_PEER_DIALOG (tincan_peer_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TincanPeerDialog, tincan_peer_dialog, TINCAN, PEER_DIALOG, AdwWindow)

TincanPeerDialog *tincan_peer_dialog_new     (TincanSettings *settings,
                                              TincanChat     *chat,
                                              TincanPeople   *hub);
TincanPeerDialog *tincan_peer_dialog_new_add (TincanPeople   *people);

G_END_DECLS

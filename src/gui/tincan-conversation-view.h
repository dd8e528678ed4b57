/* tincan-conversation-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-chat.h"
#include "tincan-settings.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_CONVERSATION_VIEW (tincan_conversation_view_get_type ())

G_DECLARE_FINAL_TYPE (TincanConversationView, tincan_conversation_view, TINCAN, CONVERSATION_VIEW, AdwBin)

GtkWidget  *tincan_conversation_view_new          (void);
TincanChat *tincan_conversation_view_get_chat     (TincanConversationView *self);
void        tincan_conversation_view_set_chat     (TincanConversationView *self,
                                                   TincanChat             *chat);
void        tincan_conversation_view_set_settings (TincanConversationView *self,
                                                   TincanSettings         *settings);

G_END_DECLS

/* tincan-conversation-files.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The conversation view's files: tincan-conversation-files.c, a part of
 * the view, and what it needs of the view.
 */

#pragma once

#include <adwaita.h>

#include "tincan-compose-box.h"
#include "tincan-conversation-view.h"

G_BEGIN_DECLS

/* What the view asks of the chat; tests put their own in its place. */
typedef struct
{
  TincanMessage *(*send_file)   (TincanChat     *chat,
                                 GFile          *file,
                                 GError        **error);
  gboolean       (*accept_file) (TincanChat     *chat,
                                 TincanMessage  *message,
                                 GError        **error);
  gboolean       (*cancel_file) (TincanChat     *chat,
                                 TincanMessage  *message,
                                 GError        **error);
} TincanConversationFilesFuncs;

/* tincan-conversation-files.c */
void           tincan_conversation_files_class_init      (GtkWidgetClass         *widget_class);
void           tincan_conversation_files_init            (TincanConversationView *self,
                                                          GtkWidget              *area,
                                                          GtkWidget              *hint,
                                                          TincanComposeBox       *box);
TincanMessage *tincan_conversation_files_find            (GListModel             *messages,
                                                          const char             *id);
void           tincan_conversation_files_set_funcs       (const TincanConversationFilesFuncs *funcs);
guint          tincan_conversation_view_send_files       (TincanConversationView *self,
                                                          GSList                 *files);

/* tincan-conversation-view.c */
void           tincan_conversation_view_show_toast       (TincanConversationView *self,
                                                          const char             *text);
void           tincan_conversation_view_scroll_to_end    (TincanConversationView *self);

G_END_DECLS

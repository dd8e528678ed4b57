/* tincan-chat.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-identity.h"
#include "tincan-link.h"
#include "tincan-port.h"
#include "tincan-settings.h"
#include "tincan-store.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_CHAT (tincan_chat_get_type ())

G_DECLARE_FINAL_TYPE (TincanChat, tincan_chat, TINCAN, CHAT, GObject)

/* A person's conversation, for the people hub: tincan-chat-person.c */
TincanChat     *tincan_chat_new_for_person (TincanSettings  *settings,
                                            TincanStore     *store,
                                            TincanIdentity  *identity,
                                            const char      *identity_error,
                                            gint64           person_id);
void            tincan_chat_set_port       (TincanChat      *self,
                                            TincanPort      *port,
                                            const char      *error);
void            tincan_chat_set_ipmsg_port (TincanChat      *self,
                                            TincanPort      *port,
                                            const char      *error);
void            tincan_chat_set_person_peer (TincanChat     *self,
                                            const char      *host,
                                            guint16          port,
                                            TincanMode       mode);
void            tincan_chat_move           (TincanChat      *self,
                                            GInetSocketAddress *address);
void            tincan_chat_set_history_problem (TincanChat *self,
                                            const char      *problem);
gboolean        tincan_chat_has_peer       (TincanChat      *self);
TincanMode      tincan_chat_get_mode       (TincanChat      *self);
void            tincan_chat_use_plain_text (TincanChat      *self);
void            tincan_chat_reach_out      (TincanChat      *self);
guint           tincan_chat_get_n_waiting  (TincanChat      *self);

GListModel     *tincan_chat_get_messages   (TincanChat      *self);
TincanLink     *tincan_chat_get_link       (TincanChat      *self);
TincanPresence  tincan_chat_get_presence   (TincanChat      *self);
char           *tincan_chat_dup_peer_title (TincanChat      *self);
const char     *tincan_chat_get_error      (TincanChat      *self);
const char     *tincan_chat_get_history_problem (TincanChat *self);
const char     *tincan_chat_get_moved_aside (TincanChat     *self);
guint           tincan_chat_get_n_ignored  (TincanChat      *self);
TincanMessage  *tincan_chat_find_outgoing  (TincanChat      *self,
                                            const char      *id);
int             tincan_chat_find           (TincanChat      *self,
                                            const char      *query,
                                            guint            before,
                                            GError         **error);
gboolean        tincan_chat_clear_history  (TincanChat      *self,
                                            GError         **error);
TincanMessage  *tincan_chat_send           (TincanChat      *self,
                                            const char      *text,
                                            GError         **error);
gboolean        tincan_chat_retry          (TincanChat      *self,
                                            TincanMessage   *message,
                                            GError         **error);
gboolean        tincan_chat_cancel         (TincanChat      *self,
                                            TincanMessage   *message,
                                            GError         **error);

/* Files: tincan-chat-files.c */
TincanMessage  *tincan_chat_send_file      (TincanChat      *self,
                                            GFile           *file,
                                            GError         **error);
gboolean        tincan_chat_accept_file    (TincanChat      *self,
                                            TincanMessage   *message,
                                            GError         **error);
gboolean        tincan_chat_cancel_file    (TincanChat      *self,
                                            TincanMessage   *message,
                                            GError         **error);
GFile          *tincan_chat_get_download_dir (TincanChat    *self);
void            tincan_chat_set_download_dir (TincanChat    *self,
                                            GFile           *dir);

/* What the window and its dialogs need of the link, so that they never
 * hold one themselves.
 */
gboolean        tincan_chat_has_link       (TincanChat      *self);
void            tincan_chat_test_connection_async  (TincanChat          *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gint64          tincan_chat_test_connection_finish (TincanChat      *self,
                                                    GAsyncResult    *result,
                                                    GError         **error);
gboolean        tincan_chat_check_port     (TincanChat      *self,
                                            guint16          port,
                                            TincanMode       mode,
                                            GError         **error);
gsize           tincan_chat_get_max_message_size (TincanChat *self);

/* End-to-end encryption: the keys, and trusting them. */
const char     *tincan_chat_get_own_fingerprint   (TincanChat      *self);
char           *tincan_chat_dup_peer_fingerprint  (TincanChat      *self);
char           *tincan_chat_dup_safety_number     (TincanChat      *self);
gboolean        tincan_chat_get_verified          (TincanChat      *self);
gboolean        tincan_chat_get_encrypted         (TincanChat      *self);
gboolean        tincan_chat_get_key_changed       (TincanChat      *self);
char           *tincan_chat_dup_new_safety_number (TincanChat      *self);
gboolean        tincan_chat_mark_verified         (TincanChat      *self,
                                                   GError         **error);
gboolean        tincan_chat_accept_new_key        (TincanChat      *self,
                                                   GError         **error);
void            tincan_chat_close_async    (TincanChat          *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean        tincan_chat_close_finish   (TincanChat      *self,
                                            GAsyncResult    *result,
                                            GError         **error);

G_END_DECLS

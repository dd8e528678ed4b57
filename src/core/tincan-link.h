/* tincan-link.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-link-stats.h"
#include "tincan-message.h"
#include "tincan-port.h"
#include "tincan-presence.h"
#include "tincan-settings.h"

G_BEGIN_DECLS

#define TINCAN_LINK_ERROR (tincan_link_error_quark ())

typedef enum
{
  TINCAN_LINK_ERROR_NOT_FAILED,
  TINCAN_LINK_ERROR_NOT_WAITING,
} TincanLinkError;

GQuark tincan_link_error_quark (void);

#define TINCAN_TYPE_LINK (tincan_link_get_type ())

G_DECLARE_FINAL_TYPE (TincanLink, tincan_link, TINCAN, LINK, GObject)

/* How long tincan-cli and the app linger when they close, in
 * milliseconds: see tincan_link_close_async().
 */
#define TINCAN_LINK_LINGER_MS 2000

typedef enum
{
  TINCAN_KEEP_NEW,        /* kept: acknowledge it and show it */
  TINCAN_KEEP_DUPLICATE,  /* kept before: acknowledge it, show nothing */
  TINCAN_KEEP_REFUSED,    /* could not be kept: do not acknowledge it */
} TincanKeepResult;

/* Why a datagram from the peer's address was not taken as a message. */
typedef enum
{
  TINCAN_IGNORED_NOT_TINCAN,  /* Tin Can mode: not a Tin Can packet, so nothing vouches for it */
  TINCAN_IGNORED_NOT_UTF8,    /* plain mode: not UTF-8 */
  TINCAN_IGNORED_CONTROL,     /* plain mode: control characters other than tab, CR and LF */
  TINCAN_IGNORED_NOT_IPMSG,   /* IP Messenger mode: not an IP Messenger datagram */
} TincanIgnoredReason;

#define TINCAN_TYPE_IGNORED_REASON (tincan_ignored_reason_get_type ())
GType tincan_ignored_reason_get_type (void);

typedef TincanKeepResult (*TincanLinkKeepFunc) (TincanLink    *link,
                                                TincanMessage *message,
                                                gpointer       user_data);

/* Called with each record (docs/PROTOCOL.md, *Files*) from the peer, in
 * order, before it is acknowledged: %TINCAN_KEEP_NEW or
 * %TINCAN_KEEP_DUPLICATE acknowledge it, %TINCAN_KEEP_REFUSED has the
 * peer send it again later.
 */
typedef TincanKeepResult (*TincanLinkRecordFunc) (TincanLink *link,
                                                  GBytes     *record,
                                                  gpointer    user_data);

/* Whether to talk to a peer that proved it holds @peer_key (32 bytes,
 * its long-term X25519 public key).  Called for every handshake.
 */
typedef gboolean (*TincanLinkTrustFunc) (TincanLink   *link,
                                         const guint8 *peer_key,
                                         gpointer      user_data);

TincanLink            *tincan_link_new              (guint16          local_port,
                                                     TincanMode       mode,
                                                     GError         **error);
TincanLink            *tincan_link_new_on_port      (TincanPort      *port,
                                                     TincanMode       mode);
guint16                tincan_link_get_local_port   (TincanLink      *self);
TincanMode             tincan_link_get_mode         (TincanLink      *self);
void                   tincan_link_set_display_name (TincanLink      *self,
                                                     const char      *name);
void                   tincan_link_set_peer         (TincanLink      *self,
                                                     const char      *host,
                                                     guint16          port);
void                   tincan_link_move             (TincanLink      *self,
                                                     GInetSocketAddress *address);
GInetSocketAddress    *tincan_link_dup_peer_address (TincanLink      *self);
const char            *tincan_link_get_peer_name    (TincanLink      *self);
TincanPresence         tincan_link_get_presence     (TincanLink      *self);
gint64                 tincan_link_get_rtt          (TincanLink      *self);
guint64                tincan_link_get_session_id   (TincanLink      *self);
void                   tincan_link_set_identity     (TincanLink      *self,
                                                     const guint8    *identity);
void                   tincan_link_set_keep_func    (TincanLink         *self,
                                                     TincanLinkKeepFunc  func,
                                                     gpointer            user_data);
TincanMessage         *tincan_link_send             (TincanLink      *self,
                                                     const char      *text,
                                                     GError         **error);
void                   tincan_link_send_message     (TincanLink      *self,
                                                     TincanMessage   *message);
GPtrArray             *tincan_link_take_pending     (TincanLink      *self);
gboolean               tincan_link_retry            (TincanLink      *self,
                                                     TincanMessage   *message,
                                                     GError         **error);
guint                  tincan_link_get_n_pending    (TincanLink      *self);
void                   tincan_link_test_async       (TincanLink          *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gint64                 tincan_link_test_finish      (TincanLink      *self,
                                                     GAsyncResult    *result,
                                                     GError         **error);
void                   tincan_link_close_async      (TincanLink          *self,
                                                     guint                linger_ms,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean               tincan_link_close_finish     (TincanLink      *self,
                                                     GAsyncResult    *result,
                                                     GError         **error);
const TincanLinkStats *tincan_link_get_stats        (TincanLink      *self);
void                   tincan_link_set_static_key   (TincanLink      *self,
                                                     const guint8    *private_key);
const guint8          *tincan_link_get_public_key   (TincanLink      *self);
void                   tincan_link_set_trust_func   (TincanLink          *self,
                                                     TincanLinkTrustFunc  func,
                                                     gpointer             user_data,
                                                     GDestroyNotify       destroy);
const guint8          *tincan_link_get_peer_key     (TincanLink      *self);
const guint8          *tincan_link_get_refused_key  (TincanLink      *self);
gboolean               tincan_link_get_encrypted    (TincanLink      *self);
void                   tincan_link_renew_handshake  (TincanLink      *self);
void                   tincan_link_set_waiting_limit (TincanLink     *self,
                                                     gint64           usec);
guint                  tincan_link_get_n_waiting    (TincanLink      *self);
gboolean               tincan_link_cancel           (TincanLink      *self,
                                                     TincanMessage   *message,
                                                     GError         **error);
void                   tincan_link_set_record_func  (TincanLink           *self,
                                                     TincanLinkRecordFunc  func,
                                                     gpointer              user_data);
TincanMessage         *tincan_link_send_record      (TincanLink      *self,
                                                     GBytes          *record);
gboolean               tincan_link_get_peer_takes_records (TincanLink *self);

G_END_DECLS

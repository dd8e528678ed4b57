/* tincan-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-message.h"

G_BEGIN_DECLS

#define TINCAN_STORE_ERROR (tincan_store_error_quark ())

typedef enum
{
  TINCAN_STORE_ERROR_FAILED,
  TINCAN_STORE_ERROR_FULL,        /* the disk is full */
  TINCAN_STORE_ERROR_READ_ONLY,   /* the file or its folder cannot be written */
  TINCAN_STORE_ERROR_IN_USE,      /* another Tin Can has it open */
  TINCAN_STORE_ERROR_CORRUPT,     /* found broken while in use */
} TincanStoreError;

GQuark tincan_store_error_quark (void);

/* What became of a message from the peer given to tincan_store_keep(). */
typedef enum
{
  TINCAN_STORE_KEPT_NEW,        /* stored now */
  TINCAN_STORE_KEPT_DUPLICATE,  /* its sender and ID were stored before */
  TINCAN_STORE_NOT_KEPT,        /* not stored: #TincanStore::write-failed said why */
} TincanStoreKeep;

/* What tincan_store_trust_peer_key() made of a peer's key. */
typedef enum
{
  TINCAN_STORE_KEY_PINNED,    /* the key pinned for the peer: trusted */
  TINCAN_STORE_KEY_FIRST,     /* the first key seen for the peer: trusted, and pinned now */
  TINCAN_STORE_KEY_REFUSED,   /* another key is pinned, or the pinned one cannot be read */
} TincanStoreKeyTrust;

#define TINCAN_STORE_SCHEMA_VERSION 3

#define TINCAN_TYPE_STORE (tincan_store_get_type ())

G_DECLARE_FINAL_TYPE (TincanStore, tincan_store, TINCAN, STORE, GObject)

TincanStore   *tincan_store_new                (const char     *path,
                                                GError        **error);
char          *tincan_store_dup_default_path   (void);
const char    *tincan_store_get_path           (TincanStore    *self);
const char    *tincan_store_get_moved_aside    (TincanStore    *self);
const guint8  *tincan_store_get_identity       (TincanStore    *self);
gboolean       tincan_store_get_has_fts        (TincanStore    *self);
guint          tincan_store_get_count          (TincanStore    *self);
guint64        tincan_store_get_rows_read      (TincanStore    *self);
gboolean       tincan_store_add                (TincanStore    *self,
                                                TincanMessage  *message,
                                                gboolean       *duplicate,
                                                GError        **error);
gboolean       tincan_store_save_state         (TincanStore    *self,
                                                TincanMessage  *message,
                                                GError        **error);
GPtrArray     *tincan_store_load               (TincanStore    *self,
                                                guint           position,
                                                guint           n_items,
                                                GError        **error);
GPtrArray     *tincan_store_load_unfinished    (TincanStore    *self,
                                                GError        **error);
gint64         tincan_store_find               (TincanStore    *self,
                                                const char     *query,
                                                gint64          before_id,
                                                GError        **error);
guint          tincan_store_get_position       (TincanStore    *self,
                                                gint64          id);
gboolean       tincan_store_clear              (TincanStore    *self,
                                                GError        **error);
TincanStoreKeep tincan_store_keep              (TincanStore    *self,
                                                TincanMessage  *message);
void           tincan_store_follow             (TincanStore    *self,
                                                TincanMessage  *message);
TincanMessage *tincan_store_write              (TincanStore    *self,
                                                const char     *text,
                                                gboolean        plain,
                                                GError        **error);
gboolean       tincan_store_get_peer_key       (TincanStore    *self,
                                                const char     *peer,
                                                guint8         *key,
                                                gboolean       *verified,
                                                GError        **error);
gboolean       tincan_store_pin_peer_key       (TincanStore    *self,
                                                const char     *peer,
                                                const guint8   *key,
                                                gboolean        verified,
                                                GError        **error);
TincanStoreKeyTrust tincan_store_trust_peer_key (TincanStore   *self,
                                                const char     *peer,
                                                const guint8   *key,
                                                gboolean       *verified,
                                                GError        **error);

G_END_DECLS

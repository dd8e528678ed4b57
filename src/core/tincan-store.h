/* tincan-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-message.h"
#include "tincan-settings.h"

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

/* What tincan_store_trust_peer_key() made of a peer's key, and
 * tincan_store_trust_person_key() of a person's.
 */
typedef enum
{
  TINCAN_STORE_KEY_PINNED,    /* the key pinned for the peer: trusted */
  TINCAN_STORE_KEY_FIRST,     /* the first key seen for the peer: trusted, and pinned now */
  TINCAN_STORE_KEY_REFUSED,   /* another key is pinned, or the pinned one cannot be read */
} TincanStoreKeyTrust;

#define TINCAN_STORE_SCHEMA_VERSION 5

#define TINCAN_STORE_PERSON_KEY_SIZE 32
#define TINCAN_STORE_PERSON_TEXT_CHARS 120

/* One person as tincan_store_list_people() sees them: who they are and
 * what a list of conversations shows.  A person is their identity key;
 * one with no key (plain text, or not met yet) is their address.
 */
typedef struct
{
  gint64      id;
  gboolean    has_key;
  guint8      key[TINCAN_STORE_PERSON_KEY_SIZE];
  char       *host;           /* nullable: not known yet */
  guint16     port;
  TincanMode  mode;
  char       *name;           /* nullable */
  gboolean    verified;
  gint64      first_seen;     /* microseconds since the epoch, 0 if not known */
  gint64      last_seen;      /* the same */
  char       *last_text;      /* nullable: the last message's first line, at most
                               * TINCAN_STORE_PERSON_TEXT_CHARS characters */
  gint64      last_time;      /* the last message's time, 0 if none */
  gboolean    last_outgoing;
  guint       unread;         /* messages from them after read_up_to */
  guint       n_unfinished;   /* messages to them not delivered yet: their outbox */
  guint       n_transfers;    /* files to or from them not finished yet */
} TincanStorePerson;

#define TINCAN_TYPE_STORE_PERSON (tincan_store_person_get_type ())

GType              tincan_store_person_get_type (void) G_GNUC_CONST;
TincanStorePerson *tincan_store_person_copy     (const TincanStorePerson *person);
void               tincan_store_person_free     (TincanStorePerson       *person);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanStorePerson, tincan_store_person_free)

#define TINCAN_TYPE_STORE (tincan_store_get_type ())

G_DECLARE_FINAL_TYPE (TincanStore, tincan_store, TINCAN, STORE, GObject)

/* A TincanStore is one conversation of the history file.
 *
 * tincan_store_new() opens the file and returns the root store, whose
 * message functions (add, save_state, load, load_unfinished, find,
 * get_position, get_count, clear, keep, write, follow) are the FIRST
 * person's: the one a single-conversation history was migrated to, or in
 * a new file the first one added, or one made with the first message.  A
 * caller that knows one conversation keeps working unchanged.
 *
 * tincan_store_open_person() returns a view: a store on the same SQLite
 * connection (one per file: it holds an exclusive lock) whose message
 * functions are that person's.  The connection lives as long as the root
 * store or any view does.
 *
 * Whether a received message is new is decided for the whole file, by
 * its sender and ID: one message is stored once, whichever view keeps it.
 *
 * The people functions (list, add, find, update, keys, mark_read,
 * remove) and the peer_keys ones are about the file, and work the same
 * on the root store and on any view.
 */

TincanStore   *tincan_store_new                (const char     *path,
                                                GError        **error);
char          *tincan_store_first_line         (const char     *text);
TincanStore   *tincan_store_open_person        (TincanStore    *self,
                                                gint64          person_id);
gint64         tincan_store_get_person         (TincanStore    *self);
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

/* Files: tincan-store-files.c */
TincanMessage *tincan_store_add_transfer       (TincanStore    *self,
                                                TincanTransfer *transfer,
                                                GError        **error);
gboolean       tincan_store_save_transfer      (TincanStore    *self,
                                                TincanMessage  *message,
                                                GError        **error);
void           tincan_store_follow_transfer    (TincanStore    *self,
                                                TincanMessage  *message);
GPtrArray     *tincan_store_load_transfers     (TincanStore    *self,
                                                GError        **error);
char          *tincan_store_dup_person_name    (TincanStore    *self);
char          *tincan_store_file_line          (const char     *name);

GPtrArray     *tincan_store_list_people        (TincanStore    *self,
                                                GError        **error);
gint64         tincan_store_add_person         (TincanStore    *self,
                                                const guint8   *key,
                                                const char     *host,
                                                guint16         port,
                                                TincanMode      mode,
                                                const char     *name,
                                                GError        **error);
gint64         tincan_store_find_person_by_key (TincanStore    *self,
                                                const guint8   *key,
                                                GError        **error);
gint64         tincan_store_find_person_by_address (TincanStore *self,
                                                const char     *host,
                                                guint16         port,
                                                TincanMode      mode,
                                                GError        **error);
gboolean       tincan_store_update_person      (TincanStore    *self,
                                                gint64          id,
                                                const char     *host,
                                                guint16         port,
                                                const char     *name,
                                                gint64          last_seen,
                                                GError        **error);
TincanStoreKeyTrust tincan_store_trust_person_key (TincanStore *self,
                                                gint64          id,
                                                const guint8   *key,
                                                gboolean       *verified,
                                                GError        **error);
gboolean       tincan_store_set_person_mode    (TincanStore    *self,
                                                gint64          id,
                                                TincanMode      mode,
                                                GError        **error);
gboolean       tincan_store_get_person_key     (TincanStore    *self,
                                                gint64          id,
                                                guint8         *key,
                                                gboolean       *verified,
                                                GError        **error);
gboolean       tincan_store_set_person_key     (TincanStore    *self,
                                                gint64          id,
                                                const guint8   *key,
                                                gboolean        verified,
                                                GError        **error);
gboolean       tincan_store_mark_read          (TincanStore    *self,
                                                gint64          person_id,
                                                gint64          up_to_message_id,
                                                GError        **error);
gboolean       tincan_store_remove_person      (TincanStore    *self,
                                                gint64          id,
                                                GError        **error);

G_END_DECLS

/* tincan-store-internal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's instance and its SQLite helpers, shared by tincan-store.c
 * (the object, a conversation's reads and writes), tincan-store-people.c
 * (the people and their keys) and tincan-store-db.c (opening the file, the
 * schema and its migrations), and nothing else.
 *
 * There is one SQLite connection per file (it holds an exclusive lock),
 * so the root store and every view made by tincan_store_open_person()
 * share one TincanStoreDb, reference-counted: the last of them to go
 * closes the file.
 */

#pragma once

#include <sqlite3.h>

#include "tincan-store.h"
#include "tincan-wire.h"

G_BEGIN_DECLS

typedef struct
{
  char       *path;
  char       *moved_aside;
  sqlite3    *db;
  GHashTable *statements;   /* const char *sql → sqlite3_stmt */
  guint8      identity[TINCAN_WIRE_IDENTITY_SIZE];
  gboolean    has_fts;
  GHashTable *counts;       /* person ID → messages, for each conversation counted so far */
  gint64      first_person; /* the root store's conversation; 0 until there is one */
} TincanStoreDb;

struct _TincanStore
{
  GObject        parent_instance;

  TincanStoreDb *shared;
  gint64         person;    /* 0 in the root store: it follows shared->first_person */
  guint64        rows_read;
};

/* A message and, for a file row, its transfer: what
 * tincan_store_read_rows() reads, from TINCAN_STORE_MESSAGE_TABLES.
 */
#define TINCAN_STORE_MESSAGE_COLUMNS \
  "m.id, m.uid, m.sender, m.outgoing, m.plain, m.time, m.state, m.reason, m.text," \
  " t.tid, t.outgoing, t.name, t.size, t.path, t.state, t.error, t.hash, t.bytes_done"
#define TINCAN_STORE_MESSAGE_TABLES \
  "messages AS m LEFT JOIN transfers AS t ON t.message = m.id"

void          tincan_store_set_sqlite_error (GError      **error,
                                             const char   *path,
                                             int           code,
                                             int           system_errno,
                                             const char   *detail);
gboolean      tincan_store_fail             (TincanStore  *self,
                                             int           code,
                                             GError      **error);
gboolean      tincan_store_exec             (TincanStore  *self,
                                             const char   *sql,
                                             GError      **error);
void          tincan_store_rollback         (TincanStore  *self);
sqlite3_stmt *tincan_store_statement        (TincanStore  *self,
                                             const char   *sql,
                                             GError      **error);
gint64        tincan_store_query_int        (TincanStore  *self,
                                             const char   *sql,
                                             gint64        arg,
                                             gboolean     *ok,
                                             GError      **error);
gboolean      tincan_store_run              (TincanStore  *self,
                                             const char   *sql,
                                             gint64        arg,
                                             GError      **error);
gint64        tincan_store_query_int2       (TincanStore  *self,
                                             const char   *sql,
                                             gint64        arg1,
                                             gint64        arg2,
                                             gboolean     *ok,
                                             GError      **error);
TincanStoreDb *tincan_store_db_new          (const char   *path);
TincanStoreDb *tincan_store_db_ref          (TincanStoreDb *shared);
void          tincan_store_db_unref         (TincanStoreDb *shared);
gboolean      tincan_store_open_database    (TincanStore  *self,
                                             GError      **error);
void          tincan_store_close_database   (TincanStore  *self);
gint64        tincan_store_scope            (TincanStore  *self);
void          tincan_store_set_count        (TincanStore  *self,
                                             gint64        person,
                                             guint         count);
void          tincan_store_forget_count     (TincanStore  *self,
                                             gint64        person);
char         *tincan_store_move_aside       (const char   *path,
                                             GError      **error);
GPtrArray    *tincan_store_read_rows        (TincanStore  *self,
                                             sqlite3_stmt *stmt,
                                             GError      **error);

/* tincan-store-files.c: the transfer of a row read with
 * TINCAN_STORE_MESSAGE_COLUMNS from @column on; NULL for a message that
 * is not a file.
 */
TincanTransfer *tincan_store_transfer_from_row (sqlite3_stmt *stmt,
                                                int           column);

G_END_DECLS

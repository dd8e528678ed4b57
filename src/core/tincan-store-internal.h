/* tincan-store-internal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's instance and its SQLite helpers, shared by tincan-store.c
 * (the object, reads and writes) and tincan-store-db.c (opening the file,
 * the schema and its migrations), and nothing else.
 */

#pragma once

#include <sqlite3.h>

#include "tincan-store.h"
#include "tincan-wire.h"

G_BEGIN_DECLS

struct _TincanStore
{
  GObject     parent_instance;

  char       *path;
  char       *moved_aside;
  sqlite3    *db;
  GHashTable *statements;   /* const char *sql → sqlite3_stmt */
  guint8      identity[TINCAN_WIRE_IDENTITY_SIZE];
  gboolean    has_fts;
  guint       count;
  guint64     rows_read;
};

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
gboolean      tincan_store_open_database    (TincanStore  *self,
                                             GError      **error);
void          tincan_store_close_database   (TincanStore  *self);
char         *tincan_store_move_aside       (const char   *path,
                                             GError      **error);

G_END_DECLS

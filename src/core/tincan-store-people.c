/* tincan-store-people.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people of the history, and their keys: who each conversation is
 * with, trust on first use of their identity keys, and the list of
 * conversations with what it shows of each (last message, unread count,
 * outbox), read in one query that touches only the people and, for each,
 * a few entries of the indexes that start with the person.  Also the
 * peer_keys of version 3 (a key per "host:port"), kept for the callers
 * that still use them.
 *
 * These work on any store, the root or a view: they are about the file.
 */

#define G_LOG_DOMAIN "tincan-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tincan-identity.h"
#include "tincan-store-internal.h"
#include "tincan-store-private.h"

G_STATIC_ASSERT (TINCAN_STORE_PERSON_KEY_SIZE == TINCAN_IDENTITY_KEY_SIZE);

G_DEFINE_BOXED_TYPE (TincanStorePerson, tincan_store_person, tincan_store_person_copy, tincan_store_person_free)

TincanStorePerson *
tincan_store_person_copy (const TincanStorePerson *person)
{
  TincanStorePerson *copy;

  g_return_val_if_fail (person != NULL, NULL);

  copy = g_memdup2 (person, sizeof *person);
  copy->host = g_strdup (person->host);
  copy->name = g_strdup (person->name);
  copy->last_text = g_strdup (person->last_text);

  return copy;
}

void
tincan_store_person_free (TincanStorePerson *person)
{
  if (person == NULL)
    return;

  g_free (person->host);
  g_free (person->name);
  g_free (person->last_text);
  g_free (person);
}

static gboolean
no_such_person (TincanStore  *self,
                gint64        id,
                GError      **error)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FAILED,
               _("The history “%s” has no person %s"), self->shared->path, number);

  return FALSE;
}

/* Each person costs a few index steps: the last message's ID and the
 * unread count (what came after read_up_to) from messages_person, which
 * covers both, the outbox from the partial index messages_unfinished,
 * then the last message's own row, and whether it is a file (its
 * transfer, by the same ID).  The files not finished are counted from
 * the few rows of the partial index transfers_unfinished, each one's
 * person read by its message's ID: never from a conversation.
 * test-store-people checks the plan.
 */
static const char list_people_sql[] =
  "SELECT p.id, p.key, p.host, p.port, p.mode, p.name, p.verified,"
  "  p.first_seen, p.last_seen, substr (m.text, 1, ?), m.time, m.outgoing,"
  "  (SELECT count(*) FROM messages"
  "   WHERE person = p.id AND outgoing = 0 AND id > p.read_up_to),"
  "  (SELECT count(*) FROM messages"
  "   WHERE person = p.id AND outgoing = 1 AND state IN (0, 1, 3)"
  "   AND (plain = 0 OR state <> 1)),"
  "  (SELECT count(*) FROM transfers WHERE message = m.id),"
  "  (SELECT count(*) FROM transfers AS t WHERE t.state IN (0, 1, 2, 3)"
  "   AND (SELECT person FROM messages WHERE id = t.message) = p.id)"
  " FROM people AS p"
  " LEFT JOIN messages AS m"
  "  ON m.id = (SELECT max(id) FROM messages WHERE person = p.id)"
  " ORDER BY m.id DESC, p.id";

/* For tests: the query behind tincan_store_list_people(), to see its plan. */
const char *
tincan_store_get_people_query (void)
{
  return list_people_sql;
}

/**
 * tincan_store_first_line:
 * @text: (nullable): a message's text
 *
 * What a person's row shows of their last message: the first line of
 * @text, at most TINCAN_STORE_PERSON_TEXT_CHARS characters of it, made
 * valid UTF-8.  The list of people reads it so (SQLite gives it one
 * character more than that at most, so a longer line is known to be
 * cut), and so does the hub for a message that just came.
 *
 * Returns: (transfer full) (nullable): that line, %NULL for %NULL
 */
char *
tincan_store_first_line (const char *text)
{
  const char *end;
  glong n_chars;

  if (text == NULL)
    return NULL;

  end = strchr (text, '\n');
  if (end == NULL)
    end = text + strlen (text);

  if (!g_utf8_validate (text, end - text, NULL))
    return g_utf8_make_valid (text, end - text);

  n_chars = g_utf8_strlen (text, end - text);
  if (n_chars > TINCAN_STORE_PERSON_TEXT_CHARS)
    end = g_utf8_offset_to_pointer (text, TINCAN_STORE_PERSON_TEXT_CHARS);

  return g_strndup (text, end - text);
}

static TincanStorePerson *
person_from_row (sqlite3_stmt *stmt)
{
  TincanStorePerson *person = g_new0 (TincanStorePerson, 1);
  gint64 mode = sqlite3_column_int64 (stmt, 4);

  person->id = sqlite3_column_int64 (stmt, 0);
  /* A damaged key is no key here; trusting the person says it is damaged. */
  person->has_key = sqlite3_column_type (stmt, 1) == SQLITE_BLOB
                    && sqlite3_column_bytes (stmt, 1) == TINCAN_STORE_PERSON_KEY_SIZE;
  if (person->has_key)
    memcpy (person->key, sqlite3_column_blob (stmt, 1), TINCAN_STORE_PERSON_KEY_SIZE);
  person->host = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  person->port = (guint16) CLAMP (sqlite3_column_int64 (stmt, 3), 0, G_MAXUINT16);
  person->mode = mode == TINCAN_MODE_PLAIN || mode == TINCAN_MODE_IPMSG ? mode : TINCAN_MODE_RELIABLE;
  person->name = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  person->verified = person->has_key && sqlite3_column_int64 (stmt, 6) == 1;
  person->first_seen = sqlite3_column_int64 (stmt, 7);
  person->last_seen = sqlite3_column_int64 (stmt, 8);
  /* A file shows as its name, marked as a file. */
  if (sqlite3_column_int64 (stmt, 14) > 0)
    person->last_text = tincan_store_file_line ((const char *) sqlite3_column_text (stmt, 9));
  else
    person->last_text = tincan_store_first_line ((const char *) sqlite3_column_text (stmt, 9));
  person->last_time = sqlite3_column_int64 (stmt, 10);
  person->last_outgoing = sqlite3_column_int (stmt, 11) != 0;
  person->unread = (guint) sqlite3_column_int64 (stmt, 12);
  person->n_unfinished = (guint) sqlite3_column_int64 (stmt, 13);
  person->n_transfers = (guint) sqlite3_column_int64 (stmt, 15);

  return person;
}

/**
 * tincan_store_list_people:
 * @self: a #TincanStore
 * @error: return location for a #TincanStoreError
 *
 * Everyone in the history, with what a list of conversations shows of
 * each.  One query: the last message, the unread count and the outbox of
 * each person come from the indexes on (person, id), so the cost follows
 * the number of people (and of unread and unsent messages), not the
 * length of their conversations.
 *
 * Returns: (transfer full) (element-type TincanStorePerson): the people,
 *   the most recent conversation first, then those with no messages, the
 *   oldest added first
 */
GPtrArray *
tincan_store_list_people (TincanStore  *self,
                          GError      **error)
{
  g_autoptr(GPtrArray) people = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), NULL);

  stmt = tincan_store_statement (self, list_people_sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, TINCAN_STORE_PERSON_TEXT_CHARS + 1);
  people = g_ptr_array_new_with_free_func ((GDestroyNotify) tincan_store_person_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (people, person_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&people);
}

/* Steps @stmt, bound, for the one ID it selects: the ID, 0 for no row,
 * or -1 with @error set.
 */
static gint64
step_id (TincanStore   *self,
         sqlite3_stmt  *stmt,
         GError       **error)
{
  gint64 id = 0;
  int rc;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      return -1;
    }

  return id;
}

static gint64
find_by_key (TincanStore   *self,
             const guint8  *key,
             GError       **error)
{
  sqlite3_stmt *stmt = tincan_store_statement (self, "SELECT id FROM people WHERE key = ?", error);

  if (stmt == NULL)
    return -1;

  sqlite3_bind_blob (stmt, 1, key, TINCAN_STORE_PERSON_KEY_SIZE, SQLITE_STATIC);
  return step_id (self, stmt, error);
}

/* A person with no key is their address, whatever their mode, but an
 * IP Messenger user, who is someone else than whoever talks plain text or
 * Tin Can at the same address (IPMsg has a port of its own, so it is
 * only ever the same computer).
 */
static gint64
find_by_address (TincanStore   *self,
                 const char    *host,
                 guint16        port,
                 gboolean       keyless,
                 TincanMode     mode,
                 GError       **error)
{
  sqlite3_stmt *stmt;

  G_STATIC_ASSERT (TINCAN_MODE_IPMSG == 2);

  if (keyless)
    stmt = tincan_store_statement (self, "SELECT id FROM people WHERE key IS NULL AND host = ? AND port = ?"
                                         " AND (mode = 2) = (?3 = 2)",
                                   error);
  else
    stmt = tincan_store_statement (self, "SELECT id FROM people WHERE host = ? AND port = ? AND mode = ?"
                                         " ORDER BY coalesce (last_seen, first_seen, 0) DESC, id LIMIT 1",
                                   error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_text (stmt, 1, host, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, port);
  sqlite3_bind_int (stmt, 3, mode);
  return step_id (self, stmt, error);
}

/**
 * tincan_store_add_person:
 * @self: a #TincanStore
 * @key: (nullable) (array fixed-size=32): their identity key; %NULL for a
 *   plain-text person, or one whose key is not known yet
 * @host: (nullable): their address
 * @port: its port, 0 if not known
 * @mode: how to talk to them
 * @name: (nullable): what to call them
 * @error: return location for a #TincanStoreError
 *
 * Adds a person, or finds them: a person is their key, or with no key
 * their address (@host and @port).  Someone found is updated with the
 * address, mode and name given (what is %NULL or 0 stays as it was).
 * A key-less person who turns out to have a key (the handshake showed
 * it) is given it with tincan_store_trust_person_key(), not by adding
 * them again, which would make a second person.
 *
 * Returns: their ID, or 0 with @error set
 */
gint64
tincan_store_add_person (TincanStore   *self,
                         const guint8  *key,
                         const char    *host,
                         guint16        port,
                         TincanMode     mode,
                         const char    *name,
                         GError       **error)
{
  sqlite3_stmt *stmt;
  gint64 id;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);
  g_return_val_if_fail (key != NULL || host != NULL, 0);

  if (!tincan_store_exec (self, "BEGIN IMMEDIATE", error))
    return 0;

  if (key != NULL)
    id = find_by_key (self, key, error);
  else
    id = find_by_address (self, host, port, TRUE, mode, error);
  if (id < 0)
    goto failed;

  if (id > 0)
    stmt = tincan_store_statement (self,
                                   "UPDATE people SET host = coalesce (?1, host), port = coalesce (?2, port),"
                                   " mode = ?3, name = coalesce (?4, name) WHERE id = ?5", error);
  else
    stmt = tincan_store_statement (self,
                                   "INSERT INTO people (host, port, mode, name, key, first_seen)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    goto failed;

  sqlite3_bind_text (stmt, 1, host, -1, SQLITE_STATIC);
  if (port != 0)
    sqlite3_bind_int (stmt, 2, port);
  sqlite3_bind_int (stmt, 3, mode);
  sqlite3_bind_text (stmt, 4, name, -1, SQLITE_STATIC);
  if (id > 0)
    sqlite3_bind_int64 (stmt, 5, id);
  else
    {
      if (key != NULL)
        sqlite3_bind_blob (stmt, 5, key, TINCAN_STORE_PERSON_KEY_SIZE, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
    }
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      tincan_store_fail (self, rc, error);
      goto failed;
    }
  if (id == 0)
    id = sqlite3_last_insert_rowid (self->shared->db);

  if (!tincan_store_exec (self, "COMMIT", error))
    goto failed;

  return id;

failed:
  tincan_store_rollback (self);
  return 0;
}

/**
 * tincan_store_find_person_by_key:
 * @self: a #TincanStore
 * @key: (array fixed-size=32): an identity key
 * @error: return location for a #TincanStoreError
 *
 * Returns: the ID of the person with @key; 0 if there is none, or with
 *   @error set
 */
gint64
tincan_store_find_person_by_key (TincanStore   *self,
                                 const guint8  *key,
                                 GError       **error)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);
  g_return_val_if_fail (key != NULL, 0);

  return MAX (find_by_key (self, key, error), 0);
}

/**
 * tincan_store_find_person_by_address:
 * @self: a #TincanStore
 * @host: an address
 * @port: its port
 * @mode: how they are talked to
 * @error: return location for a #TincanStoreError
 *
 * In plain text, a person is their address: the one with no key at
 * @host and @port; in IP Messenger mode likewise, among IPMsg users.  In Tin Can mode a person is their key, and the
 * address only where they were last: of those last known at @host and
 * @port (with a key or not yet), the one seen most recently.
 *
 * Returns: the ID of the person found; 0 if there is none, or with
 *   @error set
 */
gint64
tincan_store_find_person_by_address (TincanStore   *self,
                                     const char    *host,
                                     guint16        port,
                                     TincanMode     mode,
                                     GError       **error)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), 0);
  g_return_val_if_fail (host != NULL, 0);

  return MAX (find_by_address (self, host, port, mode != TINCAN_MODE_RELIABLE, mode, error), 0);
}

/**
 * tincan_store_update_person:
 * @self: a #TincanStore
 * @id: a person's ID
 * @host: (nullable): their address now, %NULL to keep it
 * @port: its port, 0 to keep it
 * @name: (nullable): their name now, %NULL to keep it
 * @last_seen: when they were last heard from (microseconds since the
 *   epoch), 0 to keep it
 * @error: return location for a #TincanStoreError
 *
 * Returns: %TRUE on success; %FALSE if there is no such person, or if
 *   the address is another key-less person's
 */
gboolean
tincan_store_update_person (TincanStore  *self,
                            gint64        id,
                            const char   *host,
                            guint16       port,
                            const char   *name,
                            gint64        last_seen,
                            GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  stmt = tincan_store_statement (self,
                                 "UPDATE people SET host = coalesce (?, host), port = coalesce (?, port),"
                                 " name = coalesce (?, name), last_seen = coalesce (?, last_seen)"
                                 " WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, host, -1, SQLITE_STATIC);
  if (port != 0)
    sqlite3_bind_int (stmt, 2, port);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
  if (last_seen != 0)
    sqlite3_bind_int64 (stmt, 4, last_seen);
  sqlite3_bind_int64 (stmt, 5, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);
  if (sqlite3_changes (self->shared->db) == 0)
    return no_such_person (self, id, error);

  return TRUE;
}

/* Runs @sql, an UPDATE of one person that binds @value then @id; with
 * @must_exist, a person who is not there is an error.
 */
static gboolean
update_person (TincanStore  *self,
               const char   *sql,
               gint64        value,
               gint64        id,
               gboolean      must_exist,
               GError      **error)
{
  sqlite3_stmt *stmt = tincan_store_statement (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, value);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);
  if (must_exist && sqlite3_changes (self->shared->db) == 0)
    return no_such_person (self, id, error);

  return TRUE;
}

/**
 * tincan_store_set_person_mode:
 * @self: a #TincanStore
 * @id: a person's ID
 * @mode: how to talk to them now
 * @error: return location for a #TincanStoreError
 *
 * Returns: %TRUE on success; %FALSE if there is no such person
 */
gboolean
tincan_store_set_person_mode (TincanStore  *self,
                              gint64        id,
                              TincanMode    mode,
                              GError      **error)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  return update_person (self, "UPDATE people SET mode = ? WHERE id = ?", mode, id, TRUE, error);
}

/* Reads @id's key: TRUE with @has_key set, or FALSE with @error set if
 * there is no such person or their key is damaged.
 */
static gboolean
get_person_key (TincanStore  *self,
                gint64        id,
                guint8       *key,
                gboolean     *has_key,
                gboolean     *verified,
                GError      **error)
{
  sqlite3_stmt *stmt = tincan_store_statement (self, "SELECT key, verified FROM people WHERE id = ?", error);
  gint64 mark;
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return no_such_person (self, id, error);
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return tincan_store_fail (self, rc, error);
    }

  *has_key = sqlite3_column_type (stmt, 0) != SQLITE_NULL;
  mark = sqlite3_column_int64 (stmt, 1);
  if (*has_key
      && (sqlite3_column_type (stmt, 0) != SQLITE_BLOB
          || sqlite3_column_bytes (stmt, 0) != TINCAN_IDENTITY_KEY_SIZE
          || sqlite3_column_type (stmt, 1) != SQLITE_INTEGER
          || (mark != 0 && mark != 1)))
    {
      sqlite3_reset (stmt);
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT,
                   _("The history “%s” is damaged: %s"), self->shared->path,
                   _("a person’s key is not valid"));
      return FALSE;
    }

  if (*has_key)
    memcpy (key, sqlite3_column_blob (stmt, 0), TINCAN_IDENTITY_KEY_SIZE);
  *verified = *has_key && mark == 1;
  sqlite3_reset (stmt);

  return TRUE;
}

/**
 * tincan_store_get_person_key:
 * @self: a #TincanStore
 * @id: a person's ID
 * @key: (out caller-allocates) (array fixed-size=32): their key
 * @verified: (out) (optional): whether it was verified
 * @error: return location for a #TincanStoreError
 *
 * Returns: %TRUE if @id has a key; %FALSE with @error unset if they have
 *   none yet, or set if there is no such person or the key is damaged
 */
gboolean
tincan_store_get_person_key (TincanStore  *self,
                             gint64        id,
                             guint8       *key,
                             gboolean     *verified,
                             GError      **error)
{
  gboolean has_key = FALSE;
  gboolean is_verified = FALSE;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!get_person_key (self, id, key, &has_key, &is_verified, error))
    return FALSE;

  if (verified != NULL)
    *verified = is_verified;

  return has_key;
}

/**
 * tincan_store_set_person_key:
 * @self: a #TincanStore
 * @id: a person's ID
 * @key: (array fixed-size=32): their identity key
 * @verified: whether a person verified @key (its fingerprint or safety
 *   number)
 * @error: return location for a #TincanStoreError
 *
 * Gives @id @key, replacing any other, with @verified as given: Mark as
 * Verified, or Accept New Key.  On return it is on the disk.
 *
 * Returns: %TRUE on success; %FALSE if there is no such person, or if
 *   another person has @key
 */
gboolean
tincan_store_set_person_key (TincanStore   *self,
                             gint64         id,
                             const guint8  *key,
                             gboolean       verified,
                             GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = tincan_store_statement (self, "UPDATE people SET key = ?, verified = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_blob (stmt, 1, key, TINCAN_IDENTITY_KEY_SIZE, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, verified ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);
  if (sqlite3_changes (self->shared->db) == 0)
    return no_such_person (self, id, error);

  g_debug ("Set the key of person %" G_GINT64_FORMAT ", %s", id, verified ? "verified" : "not verified");

  return TRUE;
}

/**
 * tincan_store_trust_person_key:
 * @self: a #TincanStore
 * @id: a person's ID
 * @key: (array fixed-size=32): the key a handshake showed they hold
 * @verified: (out) (optional): whether @id's key, if it could be read,
 *   is marked verified; %FALSE otherwise
 * @error: return location for a #TincanStoreError: why @id's key could
 *   not be read (%TINCAN_STORE_KEY_REFUSED), or why the first one could
 *   not be kept (%TINCAN_STORE_KEY_FIRST: trusted all the same)
 *
 * Trust on first use, as tincan_store_trust_peer_key() but on a person:
 * the first key seen for @id becomes theirs, not verified; the same key
 * again is trusted; any other is refused, and so is a key another person
 * has (it is theirs, not @id's), and every key while @id's cannot be
 * read.
 *
 * Returns: what @key is to @id
 */
TincanStoreKeyTrust
tincan_store_trust_person_key (TincanStore   *self,
                               gint64         id,
                               const guint8  *key,
                               gboolean      *verified,
                               GError       **error)
{
  guint8 known[TINCAN_IDENTITY_KEY_SIZE];
  gboolean has_key = FALSE;
  gboolean known_verified = FALSE;
  gint64 owner;

  g_return_val_if_fail (TINCAN_IS_STORE (self), TINCAN_STORE_KEY_REFUSED);
  g_return_val_if_fail (key != NULL, TINCAN_STORE_KEY_REFUSED);

  if (verified != NULL)
    *verified = FALSE;

  if (!get_person_key (self, id, known, &has_key, &known_verified, error))
    return TINCAN_STORE_KEY_REFUSED;

  if (has_key)
    {
      if (verified != NULL)
        *verified = known_verified;
      return memcmp (known, key, sizeof known) == 0 ? TINCAN_STORE_KEY_PINNED : TINCAN_STORE_KEY_REFUSED;
    }

  owner = find_by_key (self, key, error);
  if (owner != 0)
    return TINCAN_STORE_KEY_REFUSED;

  tincan_store_set_person_key (self, id, key, FALSE, error);

  return TINCAN_STORE_KEY_FIRST;
}

/**
 * tincan_store_mark_read:
 * @self: a #TincanStore
 * @person_id: a person's ID
 * @up_to_message_id: the store ID of the newest message read
 * @error: return location for a #TincanStoreError
 *
 * What was read stays read: an older @up_to_message_id changes nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_store_mark_read (TincanStore  *self,
                        gint64        person_id,
                        gint64        up_to_message_id,
                        GError      **error)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  return update_person (self, "UPDATE people SET read_up_to = max (read_up_to, ?) WHERE id = ?",
                        up_to_message_id, person_id, FALSE, error);
}

/**
 * tincan_store_remove_person:
 * @self: a #TincanStore
 * @id: a person's ID
 * @error: return location for a #TincanStoreError
 *
 * Deletes @id and their conversation, outbox included.  The record of
 * what was received stays, so nothing deleted comes back as new.  A view
 * of @id is left empty; the root store moves to the next first person.
 *
 * Returns: %TRUE on success, or if there was no such person
 */
gboolean
tincan_store_remove_person (TincanStore  *self,
                            gint64        id,
                            GError      **error)
{
  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);

  if (!tincan_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!tincan_store_run (self, "DELETE FROM messages WHERE person = ?", id, error)
      || !tincan_store_run (self, "DELETE FROM people WHERE id = ?", id, error)
      || !tincan_store_exec (self, "COMMIT", error))
    {
      tincan_store_rollback (self);
      return FALSE;
    }

  tincan_store_forget_count (self, id);

  return TRUE;
}

/**
 * tincan_store_get_peer_key:
 * @self: a #TincanStore
 * @peer: the peer as configured, e.g. "host:port"
 * @key: (out caller-allocates) (array fixed-size=32): set to the key
 *   pinned for @peer
 * @verified: (out) (optional): set to whether a person verified it
 * @error: return location for a #TincanStoreError
 *
 * A key that is not 32 bytes, or a verified mark that is neither yes nor
 * no, is %TINCAN_STORE_ERROR_CORRUPT: a damaged pin must not pass for a
 * trusted one, nor for none.
 *
 * Returns: %TRUE if a key is pinned for @peer; %FALSE with no error if
 *   none is, %FALSE with @error set if it cannot be read
 */
gboolean
tincan_store_get_peer_key (TincanStore  *self,
                           const char   *peer,
                           guint8       *key,
                           gboolean     *verified,
                           GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 mark;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = tincan_store_statement (self, "SELECT key, verified FROM peer_keys WHERE peer = ?", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, peer, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return tincan_store_fail (self, rc, error);
    }

  mark = sqlite3_column_int64 (stmt, 1);
  if (sqlite3_column_type (stmt, 0) != SQLITE_BLOB
      || sqlite3_column_bytes (stmt, 0) != TINCAN_IDENTITY_KEY_SIZE
      || sqlite3_column_type (stmt, 1) != SQLITE_INTEGER
      || (mark != 0 && mark != 1))
    {
      g_autofree char *detail = g_strdup_printf (_("the key kept for “%s” is not valid"), peer);

      sqlite3_reset (stmt);
      g_set_error (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_CORRUPT,
                   _("The history “%s” is damaged: %s"), self->shared->path, detail);
      return FALSE;
    }

  memcpy (key, sqlite3_column_blob (stmt, 0), TINCAN_IDENTITY_KEY_SIZE);
  if (verified != NULL)
    *verified = mark == 1;
  sqlite3_reset (stmt);

  return TRUE;
}

/**
 * tincan_store_pin_peer_key:
 * @self: a #TincanStore
 * @peer: the peer as configured, e.g. "host:port"
 * @key: (array fixed-size=32): its X25519 public key
 * @verified: whether a person verified @key (its fingerprint or safety
 *   number)
 * @error: return location for a #TincanStoreError
 *
 * Remembers @key for @peer, replacing any other, with @verified as given.
 * When it was first seen is kept while the key stays the same; on return
 * it is on the disk.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_store_pin_peer_key (TincanStore   *self,
                           const char    *peer,
                           const guint8  *key,
                           gboolean       verified,
                           GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TINCAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  stmt = tincan_store_statement (self,
                                 "INSERT INTO peer_keys (peer, key, verified, first_seen) VALUES (?, ?, ?, ?)"
                                 " ON CONFLICT (peer) DO UPDATE SET"
                                 "  first_seen = CASE WHEN key = excluded.key THEN first_seen"
                                 "               ELSE excluded.first_seen END,"
                                 "  key = excluded.key, verified = excluded.verified", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, peer, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, key, TINCAN_IDENTITY_KEY_SIZE, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, verified ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return tincan_store_fail (self, rc, error);

  g_debug ("Pinned a key for %s, %s", peer, verified ? "verified" : "not verified");

  return TRUE;
}

/**
 * tincan_store_trust_peer_key:
 * @self: a #TincanStore
 * @peer: the peer as configured, e.g. "host:port"
 * @key: (array fixed-size=32): the key a handshake showed the peer holds
 * @verified: (out) (optional): whether the key pinned for @peer, if it
 *   could be read, is marked verified; %FALSE otherwise
 * @error: return location for a #TincanStoreError: why the pinned key
 *   could not be read (%TINCAN_STORE_KEY_REFUSED), or why the first one
 *   could not be pinned (%TINCAN_STORE_KEY_FIRST: trusted all the same,
 *   for as long as this store is open to say so again)
 *
 * Trust on first use: the first key seen for @peer is pinned, not
 * verified; the same key again is trusted; any other is refused, and so
 * is every key while the pinned one cannot be read.
 *
 * Returns: what @key is to @peer
 */
TincanStoreKeyTrust
tincan_store_trust_peer_key (TincanStore   *self,
                             const char    *peer,
                             const guint8  *key,
                             gboolean      *verified,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  guint8 pinned[TINCAN_IDENTITY_KEY_SIZE];
  gboolean pinned_verified = FALSE;

  g_return_val_if_fail (TINCAN_IS_STORE (self), TINCAN_STORE_KEY_REFUSED);
  g_return_val_if_fail (peer != NULL, TINCAN_STORE_KEY_REFUSED);
  g_return_val_if_fail (key != NULL, TINCAN_STORE_KEY_REFUSED);

  if (verified != NULL)
    *verified = FALSE;

  if (tincan_store_get_peer_key (self, peer, pinned, &pinned_verified, &local_error))
    {
      if (verified != NULL)
        *verified = pinned_verified;
      return memcmp (pinned, key, sizeof pinned) == 0 ? TINCAN_STORE_KEY_PINNED : TINCAN_STORE_KEY_REFUSED;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return TINCAN_STORE_KEY_REFUSED;
    }

  tincan_store_pin_peer_key (self, peer, key, FALSE, error);

  return TINCAN_STORE_KEY_FIRST;
}

/* tincan-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The conversation as a GListModel, oldest first, read from a TincanStore
 * in pages around what is asked for.  At most TINCAN_HISTORY_MAX_PAGES
 * pages are kept, least recently used first out, so memory follows what
 * the window shows and not the length of the history.
 *
 * A message whose state can still change (one being sent, or failed and
 * waiting for Retry) is pinned: the model always hands out that object, so
 * a row shows its state as it changes even after its page was dropped and
 * read again.
 *
 * A message that could not be stored (plain text received while the disk
 * was full) is still shown, after the stored ones, until the next start.
 */

#define G_LOG_DOMAIN "tincan-history"

#include "config.h"

#include "tincan-history.h"

struct _TincanHistory
{
  GObject      parent_instance;

  TincanStore *store;
  guint        n_stored;
  GPtrArray   *unsaved;     /* TincanMessage, shown after the stored ones */
  GHashTable  *pinned;      /* store ID → TincanMessage */
  GHashTable  *pages;       /* page number → GPtrArray of TincanMessage */
  GQueue       recent;      /* page numbers, most recently used first */
};

static void tincan_history_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TincanHistory, tincan_history, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      tincan_history_list_model_iface_init))

static void
drop_page (TincanHistory *self,
           guint          page)
{
  if (g_hash_table_remove (self->pages, GUINT_TO_POINTER (page)))
    g_queue_remove (&self->recent, GUINT_TO_POINTER (page));
}

static void
drop_all_pages (TincanHistory *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->recent);
}

static GPtrArray *
load_page (TincanHistory *self,
           guint          page)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *messages;

  g_debug ("Reading page %u", page);
  messages = tincan_store_load (self->store, page * TINCAN_HISTORY_PAGE_SIZE,
                                TINCAN_HISTORY_PAGE_SIZE, &error);
  if (messages == NULL)
    {
      g_debug ("Could not read page %u: %s", page, error->message);
      return NULL;
    }

  for (guint i = 0; i < messages->len; i++)
    {
      TincanMessage *message = g_ptr_array_index (messages, i);
      TincanMessage *pinned;

      gint64 id = tincan_message_get_store_id (message);

      pinned = g_hash_table_lookup (self->pinned, &id);
      if (pinned != NULL)
        {
          g_object_unref (message);
          messages->pdata[i] = g_object_ref (pinned);
        }
    }

  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), messages);
  g_queue_push_head (&self->recent, GUINT_TO_POINTER (page));

  while (g_queue_get_length (&self->recent) > TINCAN_HISTORY_MAX_PAGES)
    {
      guint oldest = GPOINTER_TO_UINT (g_queue_pop_tail (&self->recent));

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest));
    }

  return messages;
}

static GType
tincan_history_get_item_type (GListModel *model)
{
  return TINCAN_TYPE_MESSAGE;
}

static guint
tincan_history_get_n_items (GListModel *model)
{
  TincanHistory *self = TINCAN_HISTORY (model);

  return self->n_stored + self->unsaved->len;
}

static gpointer
tincan_history_get_item (GListModel *model,
                         guint       position)
{
  TincanHistory *self = TINCAN_HISTORY (model);
  guint page = position / TINCAN_HISTORY_PAGE_SIZE;
  guint offset = position % TINCAN_HISTORY_PAGE_SIZE;
  GPtrArray *messages;

  if (position >= self->n_stored)
    {
      position -= self->n_stored;
      return position < self->unsaved->len ? g_object_ref (g_ptr_array_index (self->unsaved, position))
                                           : NULL;
    }

  messages = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (messages != NULL && offset >= messages->len)
    {
      /* Read before the newest messages were added. */
      drop_page (self, page);
      messages = NULL;
    }

  if (messages == NULL)
    messages = load_page (self, page);
  else if (self->recent.head->data != GUINT_TO_POINTER (page))
    {
      g_queue_remove (&self->recent, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->recent, GUINT_TO_POINTER (page));
    }

  if (messages == NULL || offset >= messages->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (messages, offset));
}

static void
tincan_history_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = tincan_history_get_item_type;
  iface->get_n_items = tincan_history_get_n_items;
  iface->get_item = tincan_history_get_item;
}

static void
tincan_history_finalize (GObject *object)
{
  TincanHistory *self = TINCAN_HISTORY (object);

  g_queue_clear (&self->recent);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->pinned, g_hash_table_unref);
  g_clear_pointer (&self->unsaved, g_ptr_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (tincan_history_parent_class)->finalize (object);
}

static void
tincan_history_class_init (TincanHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tincan_history_finalize;
}

static void
tincan_history_init (TincanHistory *self)
{
  self->unsaved = g_ptr_array_new_with_free_func (g_object_unref);
  self->pinned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->recent);
}

/**
 * tincan_history_new:
 * @store: where the messages are
 *
 * Returns: (transfer full): a model of every message in @store
 */
TincanHistory *
tincan_history_new (TincanStore *store)
{
  TincanHistory *self;

  g_return_val_if_fail (TINCAN_IS_STORE (store), NULL);

  self = g_object_new (TINCAN_TYPE_HISTORY, NULL);
  self->store = g_object_ref (store);
  self->n_stored = tincan_store_get_count (store);

  return self;
}

TincanStore *
tincan_history_get_store (TincanHistory *self)
{
  g_return_val_if_fail (TINCAN_IS_HISTORY (self), NULL);

  return self->store;
}

/**
 * tincan_history_append:
 * @self: a #TincanHistory
 * @message: a message just added to the store, or one that could not be
 *   stored (store ID 0)
 *
 * Shows @message at the end.
 */
void
tincan_history_append (TincanHistory *self,
                       TincanMessage *message)
{
  guint position;
  guint page;
  GPtrArray *messages;

  g_return_if_fail (TINCAN_IS_HISTORY (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));

  if (tincan_message_get_store_id (message) == 0)
    {
      g_ptr_array_add (self->unsaved, g_object_ref (message));
      g_list_model_items_changed (G_LIST_MODEL (self), self->n_stored + self->unsaved->len - 1, 0, 1);
      return;
    }

  position = self->n_stored++;
  page = position / TINCAN_HISTORY_PAGE_SIZE;
  messages = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (messages != NULL)
    {
      if (messages->len == position % TINCAN_HISTORY_PAGE_SIZE)
        g_ptr_array_add (messages, g_object_ref (message));
      else
        drop_page (self, page);
    }

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

/**
 * tincan_history_pin:
 * @self: a #TincanHistory
 * @message: a stored message whose state may still change
 *
 * Makes the model hand out @message itself for its row, until unpinned.
 */
void
tincan_history_pin (TincanHistory *self,
                    TincanMessage *message)
{
  gint64 id;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TINCAN_IS_HISTORY (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));

  id = tincan_message_get_store_id (message);
  if (id == 0)
    return;

  g_hash_table_insert (self->pinned, g_memdup2 (&id, sizeof id), g_object_ref (message));

  /* A page read before the pin has another object for the same row. */
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *messages = value;

      for (guint i = 0; i < messages->len; i++)
        {
          TincanMessage *other = g_ptr_array_index (messages, i);

          if (other != message && tincan_message_get_store_id (other) == id)
            {
              g_object_unref (other);
              messages->pdata[i] = g_object_ref (message);
            }
        }
    }
}

void
tincan_history_unpin (TincanHistory *self,
                      TincanMessage *message)
{
  gint64 id;

  g_return_if_fail (TINCAN_IS_HISTORY (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));

  id = tincan_message_get_store_id (message);
  g_hash_table_remove (self->pinned, &id);
}

/**
 * tincan_history_get_n_loaded:
 * @self: a #TincanHistory
 *
 * Returns: how many messages are held in memory, at most
 *   %TINCAN_HISTORY_PAGE_SIZE × %TINCAN_HISTORY_MAX_PAGES plus the pinned
 *   and unsaved ones
 */
guint
tincan_history_get_n_loaded (TincanHistory *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (TINCAN_IS_HISTORY (self), 0);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((GPtrArray *) value)->len;

  return n;
}

/**
 * tincan_history_find:
 * @self: a #TincanHistory
 * @query: what to look for
 * @before: search the messages before this position; the number of items
 *   for all of them
 * @error: return location for a #TincanStoreError
 *
 * Returns: the position of the newest match before @before, or -1
 */
int
tincan_history_find (TincanHistory  *self,
                     const char     *query,
                     guint           before,
                     GError        **error)
{
  gint64 before_id = 0;
  gint64 found;

  g_return_val_if_fail (TINCAN_IS_HISTORY (self), -1);
  g_return_val_if_fail (query != NULL, -1);

  if (before < self->n_stored)
    {
      g_autoptr(TincanMessage) message = g_list_model_get_item (G_LIST_MODEL (self), before);

      before_id = message ? tincan_message_get_store_id (message) : 0;
      if (before_id == 0)
        return -1;
    }

  found = tincan_store_find (self->store, query, before_id, error);
  if (found <= 0)
    return -1;

  return tincan_store_get_position (self->store, found);
}

/**
 * tincan_history_clear:
 * @self: a #TincanHistory
 * @error: return location for a #TincanStoreError
 *
 * Clears the history as tincan_store_clear() does, messages still being
 * sent excepted.
 *
 * Returns: %TRUE on success
 */
gboolean
tincan_history_clear (TincanHistory  *self,
                      GError        **error)
{
  guint removed;

  g_return_val_if_fail (TINCAN_IS_HISTORY (self), FALSE);

  if (!tincan_store_clear (self->store, error))
    return FALSE;

  removed = self->n_stored + self->unsaved->len;
  drop_all_pages (self);
  g_ptr_array_set_size (self->unsaved, 0);
  self->n_stored = tincan_store_get_count (self->store);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_stored);

  return TRUE;
}

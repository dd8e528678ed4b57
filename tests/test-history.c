/* test-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanHistory over 100,000 stored messages: the model has them all, and
 * holds and reads only a bounded number however it is walked; appended
 * messages, pinned ones that survive their page, unsaved ones, search and
 * clearing, each with the items-changed signal a list view relies on.
 */

#include "config.h"

#include <gio/gio.h>
#include <libglib-testing/signal-logger.h>

#include "tincan-history.h"
#include "tincan-test-utils.h"

#define N_MESSAGES 100000
#define BOUND      (TINCAN_HISTORY_PAGE_SIZE * TINCAN_HISTORY_MAX_PAGES)

typedef struct
{
  char          *folder;
  TincanStore   *store;
  TincanHistory *history;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->folder = g_dir_make_tmp ("tincan-history-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->folder, "history.db", NULL);

  fixture->store = tincan_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  tincan_test_fill_history (path, N_MESSAGES);

  fixture->store = tincan_store_new (path, &error);
  g_assert_no_error (error);
  fixture->history = tincan_history_new (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->history);
  g_assert_finalize_object (fixture->store);
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
}

static void
assert_item (TincanHistory *history,
             guint          position)
{
  g_autoptr(TincanMessage) message = g_list_model_get_item (G_LIST_MODEL (history), position);
  g_autofree char *expected = g_strdup_printf ("message %u", position);

  g_assert_nonnull (message);
  g_assert_cmpstr (tincan_message_get_text (message), ==, expected);
}

static void
assert_items_changed (GtSignalLogger *logger,
                      GListModel     *model,
                      guint           position,
                      guint           removed,
                      guint           added)
{
  guint p, r, a;

  gt_signal_logger_assert_emission_pop (logger, model, "items-changed", &p, &r, &a);
  g_assert_cmpuint (p, ==, position);
  g_assert_cmpuint (r, ==, removed);
  g_assert_cmpuint (a, ==, added);
}

static void
test_bounded (Fixture       *fixture,
              gconstpointer  user_data)
{
  GListModel *model = G_LIST_MODEL (fixture->history);
  GRand *rand = g_rand_new_with_seed (5);
  guint64 before;

  /* Opening reads nothing. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_MESSAGES);
  g_assert_cmpuint (g_list_model_get_item_type (model), ==, TINCAN_TYPE_MESSAGE);
  g_assert_cmpuint (tincan_store_get_rows_read (fixture->store), ==, 0);
  g_assert_cmpuint (tincan_history_get_n_loaded (fixture->history), ==, 0);

  /* The newest first, as a window opens: one page. */
  assert_item (fixture->history, N_MESSAGES - 1);
  g_assert_cmpuint (tincan_store_get_rows_read (fixture->store), <=, TINCAN_HISTORY_PAGE_SIZE);
  g_assert_null (g_list_model_get_item (model, N_MESSAGES));

  /* Scrolling up the whole history: never more than the bound held. */
  for (guint position = N_MESSAGES; position > 0; position -= 7)
    {
      assert_item (fixture->history, position - 1);
      g_assert_cmpuint (tincan_history_get_n_loaded (fixture->history), <=, BOUND);
      if (position < 7)
        break;
    }

  /* Each page read once on the way, not once per item. */
  g_assert_cmpuint (tincan_store_get_rows_read (fixture->store), <=, N_MESSAGES + 2 * BOUND);

  /* Jumping about, as search does. */
  for (guint i = 0; i < 2000; i++)
    {
      assert_item (fixture->history, g_rand_int_range (rand, 0, N_MESSAGES));
      g_assert_cmpuint (tincan_history_get_n_loaded (fixture->history), <=, BOUND);
    }

  /* Going back and forth within what is held reads nothing new. */
  assert_item (fixture->history, 500);
  before = tincan_store_get_rows_read (fixture->store);
  for (guint i = 0; i < 1000; i++)
    assert_item (fixture->history, 450 + i % 50);
  g_assert_cmpuint (tincan_store_get_rows_read (fixture->store), ==, before);

  g_rand_free (rand);
}

/* Reads enough older pages that the newest one is dropped. */
static void
push_out_newest_page (TincanHistory *history)
{
  for (guint page = 0; page <= TINCAN_HISTORY_MAX_PAGES; page++)
    assert_item (history, page * TINCAN_HISTORY_PAGE_SIZE);
}

static void
test_append_pin_and_unsaved (Fixture       *fixture,
                             gconstpointer  user_data)
{
  GListModel *model = G_LIST_MODEL (fixture->history);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(TincanMessage) outgoing = tincan_message_new_outgoing ("mine, on its way", FALSE);
  g_autoptr(TincanMessage) unsaved = tincan_message_new_incoming ("u", NULL, 0, "not stored", TRUE);
  g_autoptr(TincanMessage) received = tincan_message_new_incoming ("r", "ab", 9, "theirs", FALSE);
  g_autoptr(TincanMessage) item = NULL;

  gt_signal_logger_connect (logger, model, "items-changed");

  /* The newest page is held when the message comes. */
  assert_item (fixture->history, N_MESSAGES - 1);
  g_assert_true (tincan_store_add (fixture->store, outgoing, NULL, NULL));
  tincan_history_pin (fixture->history, outgoing);
  tincan_history_append (fixture->history, outgoing);
  assert_items_changed (logger, model, N_MESSAGES, 0, 1);
  item = g_list_model_get_item (model, N_MESSAGES);
  g_assert_true (item == outgoing);
  g_clear_object (&item);

  /* Shown after the stored messages, and stays after them. */
  tincan_history_append (fixture->history, unsaved);
  assert_items_changed (logger, model, N_MESSAGES + 1, 0, 1);
  g_assert_true (tincan_store_add (fixture->store, received, NULL, NULL));
  tincan_history_append (fixture->history, received);
  assert_items_changed (logger, model, N_MESSAGES + 1, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_MESSAGES + 3);
  item = g_list_model_get_item (model, N_MESSAGES + 2);
  g_assert_true (item == unsaved);
  g_clear_object (&item);

  /* Its page dropped and read again: still the same object, so its row
   * follows its state.
   */
  push_out_newest_page (fixture->history);
  item = g_list_model_get_item (model, N_MESSAGES);
  g_assert_true (item == outgoing);
  g_clear_object (&item);

  /* Unpinned (delivered): a fresh read gives a copy from the store. */
  tincan_message_set_state (outgoing, TINCAN_MESSAGE_DELIVERED, NULL);
  g_assert_true (tincan_store_save_state (fixture->store, outgoing, NULL));
  tincan_history_unpin (fixture->history, outgoing);
  push_out_newest_page (fixture->history);
  item = g_list_model_get_item (model, N_MESSAGES);
  g_assert_true (item != outgoing);
  g_assert_cmpstr (tincan_message_get_text (item), ==, "mine, on its way");
  g_assert_cmpint (tincan_message_get_state (item), ==, TINCAN_MESSAGE_DELIVERED);

  gt_signal_logger_assert_no_emissions (logger);
}

static void
test_find_and_clear (Fixture       *fixture,
                     gconstpointer  user_data)
{
  GListModel *model = G_LIST_MODEL (fixture->history);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(TincanMessage) queued = tincan_message_new_outgoing ("still to send", FALSE);
  g_autoptr(GError) error = NULL;

  /* Newest match first, then older ones from a position. */
  g_assert_cmpint (tincan_history_find (fixture->history, "message 99990", N_MESSAGES, &error),
                   ==, 99990);
  g_assert_no_error (error);
  /* The last word is a prefix: the newest number starting with 7. */
  g_assert_cmpint (tincan_history_find (fixture->history, "message 7", N_MESSAGES, NULL), ==, 79999);
  g_assert_cmpint (tincan_history_find (fixture->history, "message 7", 79999, NULL), ==, 79998);
  g_assert_cmpint (tincan_history_find (fixture->history, "message 4242", 4242, NULL), ==, -1);
  g_assert_cmpint (tincan_history_find (fixture->history, "message 4242", 4243, NULL), ==, 4242);
  g_assert_cmpint (tincan_history_find (fixture->history, "nowhere", N_MESSAGES, NULL), ==, -1);
  g_assert_cmpuint (tincan_history_get_n_loaded (fixture->history), <=, BOUND);

  g_assert_true (tincan_store_add (fixture->store, queued, NULL, NULL));
  tincan_history_append (fixture->history, queued);

  gt_signal_logger_connect (logger, model, "items-changed");
  g_assert_true (tincan_history_clear (fixture->history, &error));
  g_assert_no_error (error);
  assert_items_changed (logger, model, 0, N_MESSAGES + 1, 1);
  gt_signal_logger_assert_no_emissions (logger);

  /* Only what was still to be sent is left. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  {
    g_autoptr(TincanMessage) left = g_list_model_get_item (model, 0);

    g_assert_cmpstr (tincan_message_get_text (left), ==, "still to send");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/history/bounded", test_bounded);
  ADD ("/history/append-pin-and-unsaved", test_append_pin_and_unsaved);
  ADD ("/history/find-and-clear", test_find_and_clear);

#undef ADD

  return g_test_run ();
}

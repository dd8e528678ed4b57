/* test-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The files engine between two links on loopback (docs/PROTOCOL.md,
 * *Files*): sizes from nothing to past 32 bits, a lossy network, cancel
 * on either side, a file that changes while it goes, a name that is
 * taken, either side made again in the middle, a text message while a
 * large file moves, and the memory it takes.  Every file that arrives is
 * compared with its source byte for byte, apart from the engine's hash.
 */

#define _GNU_SOURCE  /* SEEK_DATA, SEEK_HOLE */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tincan-file-records.h"
#include "tincan-files.h"
#include "tincan-file-compare.h"
#include "tincan-link-pair.h"
#include "tincan-test-utils.h"

#define MIB            (1024 * 1024)
#define LONG_WAIT      (240 * G_USEC_PER_SEC)
#define LOSS           0.20
#define DUPLICATE      0.05
#define DELAY          0.10

typedef struct
{
  Fixture       pair;
  TincanFiles  *fa;            /* a sends */
  TincanFiles  *fb;            /* b receives */
  char         *src;           /* a's folder */
  char         *dst;           /* b's receive folder */
  GRand        *rand;
  guint         dropped;
} Files;

static void
files_attach (Files *f)
{
  g_autoptr(GFile) dir = g_file_new_for_path (f->dst);

  if (f->fa == NULL)
    f->fa = tincan_files_new (f->pair.a.link);
  if (f->fb == NULL)
    {
      f->fb = tincan_files_new (f->pair.b.link);
      tincan_files_set_receive_dir (f->fb, dir);
    }
}

static void
files_set_up (Files *f)
{
  memset (f, 0, sizeof *f);
  f->src = g_dir_make_tmp ("tincan-files-src-XXXXXX", NULL);
  f->dst = g_dir_make_tmp ("tincan-files-dst-XXXXXX", NULL);
  f->rand = g_rand_new_with_seed (14);
  g_assert_nonnull (f->src);
  g_assert_nonnull (f->dst);

  /* The engines before the peers: the first hellos say files are welcome. */
  end_open (&f->pair.a, 0, "Ada");
  end_open (&f->pair.b, 0, "Grace");
  files_attach (f);
  connect_ends (&f->pair.a, &f->pair.b);
  connect_ends (&f->pair.b, &f->pair.a);
  g_assert_true (tincan_test_wait_for (both_online, &f->pair));
}

static void
files_tear_down (Files *f)
{
  if (f->fa != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->fa));
  if (f->fb != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->fb));
  fixture_tear_down (&f->pair, NULL);
  tincan_test_remove_tree (f->src);
  tincan_test_remove_tree (f->dst);
  g_free (f->src);
  g_free (f->dst);
  g_rand_free (f->rand);
}

static gboolean
wait_long (gboolean (*condition) (gpointer),
           gpointer   data,
           gint64     limit)
{
  gint64 deadline = g_get_monotonic_time () + limit;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  return condition (data);
}

static gboolean
transfer_finished (gpointer data)
{
  return tincan_transfer_is_finished (data);
}

/* The transfer of b's that has @id, once it came. */
static TincanTransfer *
find_incoming (Files      *f,
               const char *id)
{
  GListModel *model = tincan_files_get_transfers (f->fb);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TincanTransfer) transfer = g_list_model_get_item (model, i);

      if (g_str_equal (tincan_transfer_get_id (transfer), id))
        return transfer;
    }

  return NULL;
}

typedef struct
{
  Files      *f;
  const char *id;
} Lookup;

static gboolean
incoming_exists (gpointer data)
{
  Lookup *lookup = data;

  return find_incoming (lookup->f, lookup->id) != NULL;
}

static TincanTransfer *
wait_incoming (Files          *f,
               TincanTransfer *outgoing)
{
  Lookup lookup = { f, tincan_transfer_get_id (outgoing) };

  g_assert_true (tincan_test_wait_for (incoming_exists, &lookup));

  return find_incoming (f, lookup.id);
}

/* Nothing in b's folder but @names: no temporary file left, nothing
 * under a final name that should not be there.
 */
static void
assert_folder_holds (Files       *f,
                     const char **names)
{
  g_autoptr(GDir) dir = g_dir_open (f->dst, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_true (names != NULL && g_strv_contains (names, name));
      n++;
    }

  g_assert_cmpuint (n, ==, names != NULL ? g_strv_length ((GStrv) names) : 0);
}

static TincanTransfer *
send_file (Files      *f,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TincanTransfer *transfer = tincan_files_send (f->fa, file, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (transfer);

  return transfer;
}

/* Sends a file of @size and checks that b has the same bytes. */
static void
check_size (guint64  size,
            gboolean sparse,
            gint64   limit)
{
  Files f;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  TincanTransfer *in;
  gint64 start;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "data.bin", size, sparse, f.rand);

  start = g_get_monotonic_time ();
  out = send_file (&f, path);
  g_assert_true (wait_long (transfer_finished, out, limit));
  g_test_message ("%" G_GUINT64_FORMAT " bytes in %.2f s", size,
                  (g_get_monotonic_time () - start) / 1e6);

  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_DONE);
  in = find_incoming (&f, tincan_transfer_get_id (out));
  g_assert_nonnull (in);
  g_assert_true (wait_long (transfer_finished, in, G_USEC_PER_SEC * 5));
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_DONE);
  g_assert_cmpuint (tincan_transfer_get_offset (out), ==, size);
  g_assert_cmpuint (tincan_transfer_get_offset (in), ==, size);
  g_assert_cmpstr (tincan_transfer_get_hash (in), ==, tincan_transfer_get_hash (out));

  saved = g_file_get_path (tincan_transfer_get_file (in));
  expected = g_build_filename (f.dst, "data.bin", NULL);
  g_assert_cmpstr (saved, ==, expected);
  tincan_test_assert_same_file (path, saved);

  /* The hash said, computed here; reading 4 GiB would only repeat it. */
  if (!sparse)
    {
      g_autofree char *hash = tincan_test_hash_file (path);

      g_assert_cmpstr (tincan_transfer_get_hash (out), ==, hash);
    }

  assert_folder_holds (&f, (const char *[]) { "data.bin", NULL });

  /* Never more than a few chunks at once in the link. */
  g_assert_cmpuint (tincan_files_get_peak_queued (f.fa), <=, 4 * MIB);

  files_tear_down (&f);
}

static void
test_empty (void)
{
  check_size (0, FALSE, LONG_WAIT);
}

static void
test_one_byte (void)
{
  check_size (1, FALSE, LONG_WAIT);
}

static void
test_one_mib_and_one (void)
{
  check_size (MIB + 1, FALSE, LONG_WAIT);
}

/* Past 32 bits: the offsets and the size go as 64-bit numbers. */
static void
test_sparse_4gib (void)
{
  check_size ((G_GUINT64_CONSTANT (4) << 30) + 4099, TRUE, LONG_WAIT);
}

static gboolean
lossy_network (TincanLink   *link,
               const guint8 *datagram,
               gsize         length,
               gpointer      user_data)
{
  Files *f = user_data;
  double roll = g_rand_double (f->rand);

  if (roll < LOSS)
    {
      f->dropped++;
      return FALSE;
    }

  if (roll < LOSS + DUPLICATE)
    {
      tincan_link_send_raw (link, datagram, length);
      return TRUE;
    }

  if (roll < LOSS + DUPLICATE + DELAY)
    {
      tincan_test_send_later (link, datagram, length, g_rand_int_range (f->rand, 1, 20));
      return FALSE;
    }

  return TRUE;
}

static void
test_lossy (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  TincanTransfer *in;
  gint64 start;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "lossy.bin", 50 * MIB, FALSE, f.rand);

  tincan_link_set_filter (f.pair.a.link, lossy_network, &f);
  tincan_link_set_filter (f.pair.b.link, lossy_network, &f);

  start = g_get_monotonic_time ();
  out = send_file (&f, path);
  g_assert_true (wait_long (transfer_finished, out, LONG_WAIT));
  g_test_message ("50 MiB through %.0f%% loss in %.2f s, %u datagrams dropped", LOSS * 100,
                  (g_get_monotonic_time () - start) / 1e6, f.dropped);

  tincan_link_set_filter (f.pair.a.link, NULL, NULL);
  tincan_link_set_filter (f.pair.b.link, NULL, NULL);
  /* What was held back goes, and lets go of the links. */
  tincan_test_run_for (100);

  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_DONE);
  g_assert_cmpuint (f.dropped, >, 100);
  in = find_incoming (&f, tincan_transfer_get_id (out));
  g_assert_nonnull (in);
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_DONE);
  saved = g_file_get_path (tincan_transfer_get_file (in));
  tincan_test_assert_same_file (path, saved);

  files_tear_down (&f);
}

static gboolean
moving (gpointer data)
{
  TincanTransfer *transfer = data;

  return tincan_transfer_get_offset (transfer) > 0 || tincan_transfer_is_finished (transfer);
}

static void
check_cancel (gboolean by_receiver)
{
  Files f;
  g_autofree char *path = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  g_autoptr(GError) error = NULL;
  TincanTransfer *in;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "cancel.bin", 64 * MIB, FALSE, f.rand);

  out = send_file (&f, path);
  in = wait_incoming (&f, out);
  g_assert_true (tincan_test_wait_for (moving, in));
  g_assert_false (tincan_transfer_is_finished (in));

  if (by_receiver)
    g_assert_true (tincan_files_cancel (f.fb, in, &error));
  else
    g_assert_true (tincan_files_cancel (f.fa, out, &error));
  g_assert_no_error (error);

  g_assert_true (tincan_test_wait_for (transfer_finished, out));
  g_assert_true (tincan_test_wait_for (transfer_finished, in));
  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_CANCELLED);
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_CANCELLED);
  g_assert_nonnull (tincan_transfer_get_error (out));
  g_assert_nonnull (tincan_transfer_get_error (in));
  g_test_message ("sender: %s; receiver: %s", tincan_transfer_get_error (out),
                  tincan_transfer_get_error (in));

  /* Again: finished already. */
  g_assert_false (tincan_files_cancel (f.fa, out, &error));
  g_assert_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_FINISHED);

  /* Records still in the link are taken and dropped. */
  tincan_test_run_for (200);
  assert_folder_holds (&f, NULL);

  files_tear_down (&f);
}

static void
test_cancel_by_sender (void)
{
  check_cancel (FALSE);
}

static void
test_cancel_by_receiver (void)
{
  check_cancel (TRUE);
}

static void
test_changed_on_sender (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  TincanTransfer *in;
  int fd;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "changing.bin", 64 * MIB, FALSE, f.rand);

  out = send_file (&f, path);
  in = wait_incoming (&f, out);
  g_assert_true (tincan_test_wait_for (moving, in));

  /* Someone writes to it while it goes. */
  fd = g_open (path, O_WRONLY | O_APPEND, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "more", 4), ==, 4);
  close (fd);

  g_assert_true (tincan_test_wait_for (transfer_finished, out));
  g_assert_true (tincan_test_wait_for (transfer_finished, in));
  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_FAILED);
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_FAILED);
  g_assert_nonnull (strstr (tincan_transfer_get_error (out), "changed"));
  g_assert_nonnull (strstr (tincan_transfer_get_error (in), "changed"));

  tincan_test_run_for (200);
  assert_folder_holds (&f, NULL);

  files_tear_down (&f);
}

static void
test_name_taken (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autofree char *taken = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  g_autoptr(TincanTransfer) again = NULL;
  TincanTransfer *in;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "report.pdf", 1000, FALSE, f.rand);
  taken = g_build_filename (f.dst, "report.pdf", NULL);
  g_assert_true (g_file_set_contents (taken, "mine", -1, NULL));

  out = send_file (&f, path);
  g_assert_true (tincan_test_wait_for (transfer_finished, out));
  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_DONE);
  in = find_incoming (&f, tincan_transfer_get_id (out));
  saved = g_file_get_path (tincan_transfer_get_file (in));
  expected = g_build_filename (f.dst, "report (1).pdf", NULL);
  g_assert_cmpstr (saved, ==, expected);
  tincan_test_assert_same_file (path, saved);

  /* What was there is untouched. */
  g_assert_true (g_file_get_contents (taken, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");

  /* And the next one goes to " (2)". */
  again = send_file (&f, path);
  g_assert_true (tincan_test_wait_for (transfer_finished, again));
  g_assert_cmpint (tincan_transfer_get_state (again), ==, TINCAN_TRANSFER_DONE);
  assert_folder_holds (&f, (const char *[]) { "report.pdf", "report (1).pdf", "report (2).pdf", NULL });

  files_tear_down (&f);
}

static gboolean
past_offset (gpointer data)
{
  TincanTransfer *transfer = data;

  return tincan_transfer_get_offset (transfer) >= 30 * MIB || tincan_transfer_is_finished (transfer);
}

typedef struct
{
  guint64 first_offset;
  gboolean seen;
} Start;

static void
note_start_cb (TincanTransfer *transfer,
               GParamSpec     *pspec,
               Start          *start)
{
  if (!start->seen && tincan_transfer_get_state (transfer) == TINCAN_TRANSFER_MOVING)
    {
      start->seen = TRUE;
      start->first_offset = tincan_transfer_get_offset (transfer);
    }
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *closed = user_data;

  g_assert_true (tincan_link_close_finish (TINCAN_LINK (object), result, NULL));
  *closed = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
in_state (gpointer data)
{
  return (int) tincan_transfer_get_state (data)
         == GPOINTER_TO_INT (g_object_get_data (G_OBJECT (data), "state"));
}

static void
watch_added_cb (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                Start      *start)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TincanTransfer) transfer = g_list_model_get_item (model, i);

      g_signal_connect (transfer, "notify::state", G_CALLBACK (note_start_cb), start);
    }
}

/* The receiving side goes away in the middle, link and engine, and a
 * new one on the same port and folder takes up its temporary file.
 */
static void
test_receiver_made_again (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  TincanTransfer *in;
  guint16 port;
  Start start = { 0 };
  gboolean closed = FALSE;
  guint64 had;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "resume.bin", 120 * MIB, FALSE, f.rand);

  out = send_file (&f, path);
  in = wait_incoming (&f, out);
  g_assert_true (wait_long (past_offset, in, LONG_WAIT));
  g_assert_false (tincan_transfer_is_finished (in));
  had = tincan_transfer_get_offset (in);

  /* It says goodbye: the sender pauses, waiting for it by name. */
  tincan_link_close_async (f.pair.b.link, 0, NULL, closed_cb, &closed);
  g_assert_true (tincan_test_wait_for (is_true, &closed));
  g_object_set_data (G_OBJECT (out), "state", GINT_TO_POINTER (TINCAN_TRANSFER_PAUSED));
  g_assert_true (tincan_test_wait_for (in_state, out));
  g_assert_cmpstr (tincan_transfer_get_waiting_for (out), ==, "Grace");

  port = tincan_link_get_local_port (f.pair.b.link);
  g_assert_finalize_object (g_steal_pointer (&f.fb));
  end_close (&f.pair.b);

  end_open (&f.pair.b, port, "Grace");
  files_attach (&f);
  /* Watched from the moment the offer makes it, before it is accepted. */
  g_signal_connect (tincan_files_get_transfers (f.fb), "items-changed", G_CALLBACK (watch_added_cb), &start);
  connect_ends (&f.pair.b, &f.pair.a);

  in = wait_incoming (&f, out);
  g_assert_true (wait_long (transfer_finished, out, LONG_WAIT));
  g_assert_true (wait_long (transfer_finished, in, LONG_WAIT));

  g_test_message ("the first receiver had %" G_GUINT64_FORMAT " bytes; the second started at %"
                  G_GUINT64_FORMAT, had, start.first_offset);
  g_assert_true (start.seen);
  g_assert_cmpuint (start.first_offset, >, 0);
  g_assert_cmpuint (start.first_offset, <=, had);

  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_DONE);
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_DONE);
  saved = g_file_get_path (tincan_transfer_get_file (in));
  tincan_test_assert_same_file (path, saved);
  assert_folder_holds (&f, (const char *[]) { "resume.bin", NULL });

  files_tear_down (&f);
}

/* The sending side goes away in the middle; a new one is given the
 * transfer back, as the app does from its history.
 */
static void
test_sender_made_again (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *id = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  g_autoptr(TincanTransfer) restored = NULL;
  g_autoptr(GFile) file = NULL;
  TincanTransfer *in;
  guint16 port;
  Start start = { 0 };

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "resume.bin", 120 * MIB, FALSE, f.rand);

  out = send_file (&f, path);
  in = wait_incoming (&f, out);
  g_assert_true (wait_long (past_offset, in, LONG_WAIT));
  g_assert_false (tincan_transfer_is_finished (in));
  id = g_strdup (tincan_transfer_get_id (out));

  port = tincan_link_get_local_port (f.pair.a.link);
  g_assert_finalize_object (g_steal_pointer (&f.fa));
  end_close (&f.pair.a);

  end_open (&f.pair.a, port, "Ada");
  files_attach (&f);
  connect_ends (&f.pair.a, &f.pair.b);

  restored = tincan_transfer_new (id, TRUE, "resume.bin", 120 * MIB);
  file = g_file_new_for_path (path);
  tincan_transfer_set_file (restored, file);
  tincan_transfer_set_state (restored, TINCAN_TRANSFER_PAUSED, NULL);
  g_signal_connect (restored, "notify::state", G_CALLBACK (note_start_cb), &start);
  tincan_files_add_outgoing (f.fa, restored);

  g_assert_true (wait_long (transfer_finished, restored, LONG_WAIT));
  g_assert_true (wait_long (transfer_finished, in, LONG_WAIT));

  g_test_message ("the second sender started at %" G_GUINT64_FORMAT, start.first_offset);
  g_assert_true (start.seen);
  g_assert_cmpuint (start.first_offset, >=, 30 * MIB);

  g_assert_cmpint (tincan_transfer_get_state (restored), ==, TINCAN_TRANSFER_DONE);
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_DONE);
  g_assert_cmpstr (tincan_transfer_get_hash (restored), ==, tincan_transfer_get_hash (in));
  saved = g_file_get_path (tincan_transfer_get_file (in));
  tincan_test_assert_same_file (path, saved);
  assert_folder_holds (&f, (const char *[]) { "resume.bin", NULL });

  files_tear_down (&f);
}

typedef struct
{
  TincanLink *link;
  GPtrArray  *messages;   /* TincanMessage */
  GArray     *sent_at;    /* gint64 */
  GArray     *latency;    /* gint64, as each is delivered */
} Chat;

static void
chat_delivered_cb (TincanMessage *message,
                   GParamSpec    *pspec,
                   Chat          *chat)
{
  guint index;

  if (tincan_message_get_state (message) != TINCAN_MESSAGE_DELIVERED
      || !g_ptr_array_find (chat->messages, message, &index))
    return;

  g_array_append_val (chat->latency, (gint64) { g_get_monotonic_time () - g_array_index (chat->sent_at, gint64, index) });
}

/* A text every 37 ms, in no step with the chunks. */
static gboolean
chat_send_cb (gpointer user_data)
{
  Chat *chat = user_data;
  g_autofree char *text = g_strdup_printf ("while the file moves %u", chat->messages->len);
  TincanMessage *message = tincan_link_send (chat->link, text, NULL);
  gint64 now = g_get_monotonic_time ();

  g_assert_nonnull (message);
  g_signal_connect (message, "notify::state", G_CALLBACK (chat_delivered_cb), chat);
  g_ptr_array_add (chat->messages, message);
  g_array_append_val (chat->sent_at, now);

  return chat->messages->len < 40 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
all_delivered (gpointer data)
{
  Chat *chat = data;

  return chat->latency->len == chat->messages->len;
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Chat goes through while a large file moves, and the file's chunks in
 * the link stay few.
 */
static void
test_text_during_transfer (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  Chat chat = { 0 };
  guint timer;
  gint64 median;
  gint64 worst;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "large.bin", 1024 * MIB, FALSE, f.rand);

  chat.link = f.pair.a.link;
  chat.messages = g_ptr_array_new_with_free_func (g_object_unref);
  chat.sent_at = g_array_new (FALSE, FALSE, sizeof (gint64));
  chat.latency = g_array_new (FALSE, FALSE, sizeof (gint64));

  out = send_file (&f, path);
  g_assert_true (tincan_test_wait_for (moving, out));
  timer = g_timeout_add (37, chat_send_cb, &chat);

  g_assert_true (wait_long (transfer_finished, out, LONG_WAIT));
  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_DONE);
  if (chat.messages->len < 40)
    g_source_remove (timer);
  g_assert_true (tincan_test_wait_for (all_delivered, &chat));

  g_array_sort (chat.latency, compare_times);
  median = g_array_index (chat.latency, gint64, chat.latency->len / 2);
  worst = g_array_index (chat.latency, gint64, chat.latency->len - 1);
  g_test_message ("%u messages during a 1 GiB transfer: delivered in %.2f ms (median), %.2f ms (slowest); "
                  "at most %" G_GSIZE_FORMAT " KiB of the file queued in the link",
                  chat.messages->len, median / 1000.0, worst / 1000.0,
                  tincan_files_get_peak_queued (f.fa) / 1024);
  g_assert_cmpuint (chat.messages->len, >=, 10);
  g_assert_cmpuint (f.pair.b.received->len, ==, chat.messages->len);
  /* 100 ms is the aim on an idle computer; the tests share theirs. */
  g_assert_cmpint (median, <, 100 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (worst, <, 500 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpuint (tincan_files_get_peak_queued (f.fa), <=, 4 * MIB);

  for (guint i = 0; i < chat.messages->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (chat.messages, i), &chat);
  g_ptr_array_unref (chat.messages);
  g_array_unref (chat.sent_at);
  g_array_unref (chat.latency);
  files_tear_down (&f);
}

static gboolean
dark (TincanLink   *link,
      const guint8 *datagram,
      gsize         length,
      gpointer      user_data)
{
  return FALSE;
}

/* The network goes dark for longer than the give-up time, the peer
 * still counted as there: the records fail, the sender offers again
 * until it is heard, and the transfer ends identical.
 */
static void
test_dark_longer_than_give_up (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  TincanTransfer *in;
  guint64 had;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "dark.bin", 64 * MIB, FALSE, f.rand);
  tincan_link_set_give_up_time (f.pair.a.link, G_USEC_PER_SEC / 2);
  tincan_link_set_give_up_time (f.pair.b.link, G_USEC_PER_SEC / 2);

  out = send_file (&f, path);
  in = wait_incoming (&f, out);
  g_assert_true (tincan_test_wait_for (moving, in));

  tincan_link_set_filter (f.pair.a.link, dark, NULL);
  tincan_link_set_filter (f.pair.b.link, dark, NULL);
  had = tincan_transfer_get_offset (in);
  /* Three give-up times: what was in the link failed, and was offered again. */
  tincan_test_run_for (1500);
  g_assert_false (tincan_transfer_is_finished (out));
  g_assert_cmpuint (tincan_transfer_get_offset (in), <, 64 * MIB);

  tincan_link_set_filter (f.pair.a.link, NULL, NULL);
  tincan_link_set_filter (f.pair.b.link, NULL, NULL);
  g_assert_true (wait_long (transfer_finished, out, LONG_WAIT));
  g_assert_true (wait_long (transfer_finished, in, LONG_WAIT));
  g_test_message ("dark at %" G_GUINT64_FORMAT " bytes", had);

  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_DONE);
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_DONE);
  saved = g_file_get_path (tincan_transfer_get_file (in));
  tincan_test_assert_same_file (path, saved);
  assert_folder_holds (&f, (const char *[]) { "dark.bin", NULL });

  files_tear_down (&f);
}

/* Offers larger than the limit wait for a person; no folder refuses. */
static void
test_accept_limit (void)
{
  Files f;
  g_autofree char *path = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  g_autoptr(TincanTransfer) refused = NULL;
  g_autoptr(GError) error = NULL;
  TincanTransfer *in;

  files_set_up (&f);
  path = tincan_test_make_file (f.src, "big.bin", 3 * MIB, FALSE, f.rand);
  tincan_files_set_accept_limit (f.fb, MIB);

  out = send_file (&f, path);
  in = wait_incoming (&f, out);
  tincan_test_run_for (300);
  g_assert_cmpint (tincan_transfer_get_state (in), ==, TINCAN_TRANSFER_OFFERED);
  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_OFFERED);
  assert_folder_holds (&f, NULL);

  g_assert_true (tincan_files_accept (f.fb, in, &error));
  g_assert_no_error (error);
  g_assert_true (tincan_test_wait_for (transfer_finished, out));
  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_DONE);
  g_assert_false (tincan_files_accept (f.fb, in, &error));
  g_assert_error (error, TINCAN_FILES_ERROR, TINCAN_FILES_ERROR_NOT_OFFERED);

  tincan_files_set_receive_dir (f.fb, NULL);
  refused = send_file (&f, path);
  g_assert_true (tincan_test_wait_for (transfer_finished, refused));
  g_assert_cmpint (tincan_transfer_get_state (refused), ==, TINCAN_TRANSFER_FAILED);
  g_test_message ("refused: %s", tincan_transfer_get_error (refused));
  assert_folder_holds (&f, (const char *[]) { "big.bin", NULL });

  files_tear_down (&f);
}

/* A peer from before files (here: one with no engine) is sent no
 * record, which it would show as garbled text: the transfer fails.
 */
static void
test_peer_without_files (void)
{
  Fixture pair = { 0 };
  g_autoptr(TincanFiles) files = NULL;
  g_autoptr(TincanTransfer) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *folder = g_dir_make_tmp ("tincan-files-old-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (folder, "note.txt", NULL);

  g_assert_true (g_file_set_contents (path, "hello", -1, NULL));
  end_open (&pair.a, 0, "Ada");
  end_open (&pair.b, 0, "Grace");
  files = tincan_files_new (pair.a.link);
  connect_ends (&pair.a, &pair.b);
  connect_ends (&pair.b, &pair.a);
  g_assert_true (tincan_test_wait_for (both_online, &pair));
  g_assert_false (tincan_link_get_peer_takes_records (pair.a.link));
  g_assert_true (tincan_link_get_peer_takes_records (pair.b.link));

  file = g_file_new_for_path (path);
  out = tincan_files_send (files, file, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tincan_test_wait_for (transfer_finished, out));
  g_assert_cmpint (tincan_transfer_get_state (out), ==, TINCAN_TRANSFER_FAILED);
  g_assert_nonnull (strstr (tincan_transfer_get_error (out), "cannot receive files"));
  g_test_message ("%s", tincan_transfer_get_error (out));

  tincan_test_run_for (200);
  g_assert_cmpuint (pair.b.received->len, ==, 0);
  g_assert_cmpuint (tincan_link_get_n_pending (pair.a.link), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&files));
  fixture_tear_down (&pair, NULL);
  tincan_test_remove_tree (folder);
}

static void
test_records (void)
{
  TincanRecord record = { .type = TINCAN_RECORD_OFFER, .size = G_MAXINT64 };
  TincanRecord decoded;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize length;
  guint8 bad[64] = { 0 };

  memset (record.id, 0xab, sizeof record.id);
  strcpy (record.name, "report.pdf");
  bytes = tincan_record_encode (&record);
  data = g_bytes_get_data (bytes, &length);
  g_assert_cmpuint (length, ==, 2 + 16 + 8 + 1 + 10);
  g_assert_true (tincan_record_decode (data, length, &decoded));
  g_assert_cmpuint (decoded.size, ==, G_MAXINT64);
  g_assert_cmpstr (decoded.name, ==, "report.pdf");
  g_assert_false (tincan_record_decode (data, length - 1, &decoded));

  /* Names that are paths, or nothing a person could read, are refused. */
  g_assert_false (tincan_record_name_is_valid ("a/b", 3));
  g_assert_false (tincan_record_name_is_valid ("..", 2));
  g_assert_false (tincan_record_name_is_valid (".", 1));
  g_assert_false (tincan_record_name_is_valid ("", 0));
  g_assert_false (tincan_record_name_is_valid ("a\0b", 3));
  g_assert_false (tincan_record_name_is_valid ("\xff", 1));
  g_assert_true (tincan_record_name_is_valid ("Grüße.txt", strlen ("Grüße.txt")));

  /* Sizes beyond 2^63, a type nobody knows, text. */
  bad[1] = TINCAN_RECORD_ACCEPT;
  memset (bad + 18, 0xff, 8);
  g_assert_false (tincan_record_decode (bad, 26, &decoded));
  bad[1] = 99;
  g_assert_false (tincan_record_decode (bad, 18, &decoded));
  bad[0] = 'h';
  bad[1] = TINCAN_RECORD_DONE;
  g_assert_false (tincan_record_decode (bad, 18, &decoded));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/files/records", test_records);
  g_test_add_func ("/files/empty", test_empty);
  g_test_add_func ("/files/one-byte", test_one_byte);
  g_test_add_func ("/files/one-mib-and-one", test_one_mib_and_one);
  g_test_add_func ("/files/sparse-4gib", test_sparse_4gib);
  g_test_add_func ("/files/lossy", test_lossy);
  g_test_add_func ("/files/cancel-by-sender", test_cancel_by_sender);
  g_test_add_func ("/files/cancel-by-receiver", test_cancel_by_receiver);
  g_test_add_func ("/files/changed-on-sender", test_changed_on_sender);
  g_test_add_func ("/files/name-taken", test_name_taken);
  g_test_add_func ("/files/receiver-made-again", test_receiver_made_again);
  g_test_add_func ("/files/sender-made-again", test_sender_made_again);
  g_test_add_func ("/files/text-during-transfer", test_text_during_transfer);
  g_test_add_func ("/files/accept-limit", test_accept_limit);
  g_test_add_func ("/files/peer-without-files", test_peer_without_files);
  g_test_add_func ("/files/dark-longer-than-give-up", test_dark_longer_than_give_up);

  return g_test_run ();
}

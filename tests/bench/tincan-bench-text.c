/* tincan-bench-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Long text, under the X server in $DISPLAY: how long Pango takes to lay
 * out N characters in a GtkLabel as wide as a bubble (what "Show More"
 * does, and why TINCAN_MESSAGE_ROW_INLINE_CHARS is what it is); and what
 * the text window costs for a mebibyte, as many short lines and as one
 * paragraph: the time to fill it, the longest stall of the main loop
 * meanwhile, and the resident memory it adds once its layout has
 * settled, beside what a window for a short message costs.
 *
 * Each probe runs in a process of its own (tincan-bench --text-probe=…),
 * so that the memory one measurement leaves behind does not hide in the
 * next one's figures.  A probe prints "key value" lines.
 */

#define G_LOG_DOMAIN "tincan-bench"

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tincan-bench-text.h"
#include "tincan-bench-utils.h"
#include "tincan-message-row.h"
#include "tincan-text-window.h"

static const guint label_sizes[] = { 1200, 2000, 2500, 3000, 4000, 6000 };

/* Words to @size bytes, in lines of about 60 characters or in one
 * paragraph.
 */
static char *
make_text (gsize    size,
           gboolean lines)
{
  static const char *words[] = { "lorem", "ipsum", "dolor", "sit", "amet,", "consectetur",
                                 "adipiscing", "elit.", "sed", "do", "eiusmod", "tempor" };
  GString *text = g_string_sized_new (size + 16);
  guint column = 0;

  for (guint i = 0; text->len < size; i++)
    {
      const char *word = words[(i * 5 + i / 12) % G_N_ELEMENTS (words)];

      g_string_append (text, word);
      column += strlen (word) + 1;
      if (lines && column > 60)
        {
          g_string_append_c (text, '\n');
          column = 0;
        }
      else
        g_string_append_c (text, ' ');
    }
  g_string_truncate (text, size);

  return g_string_free (text, FALSE);
}

static double
rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *rss;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (rss = strstr (status, "VmRSS:")) == NULL)
    return 0;

  return g_ascii_strtod (rss + strlen ("VmRSS:"), NULL) / 1024.0;
}

static gboolean
wake_cb (gpointer unused)
{
  return G_SOURCE_CONTINUE;
}

static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint wake = g_timeout_add (5, wake_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

/* The longest gap between two turns of a 5 ms timer: what a message
 * arriving meanwhile would wait.
 */
typedef struct
{
  double last_tick;
  double longest_gap;
} Stalls;

static gboolean
tick_cb (gpointer data)
{
  Stalls *stalls = data;
  double now = tincan_bench_now_us ();

  if (stalls->last_tick > 0)
    stalls->longest_gap = MAX (stalls->longest_gap, now - stalls->last_tick);
  stalls->last_tick = now;

  return G_SOURCE_CONTINUE;
}

static GtkWindow *
new_window (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 720, 800);
  gtk_window_present (window);
  run_for (500);

  return window;
}

/* This thread's CPU time: on a machine shared with other work, what the
 * layout costs and not how long it waited for a processor.
 */
static double
cpu_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);

  return now.tv_sec * 1e6 + now.tv_nsec / 1e3;
}

static int
compare_doubles (gconstpointer a,
                  gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Pango's part of "Show More": a label as the bubble has it (word-char
 * wrapping, 60 characters wide at most, selectable) given the markup and
 * measured as the list view does, its width and then its height for that
 * width.  A new label each time, so no layout is cached; the median of
 * five, in CPU time.  Painting comes on top, and so does the rest of
 * the frame.
 */
static int
probe_label (void)
{
  for (guint lines = 0; lines < 2; lines++)
    for (guint i = 0; i < G_N_ELEMENTS (label_sizes); i++)
      {
        g_autofree char *text = make_text (label_sizes[i], lines);
        g_autofree char *markup = g_markup_escape_text (text, -1);
        double runs[5];

        for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
          {
            GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
            int width, height;
            double start;

            gtk_label_set_wrap (GTK_LABEL (label), TRUE);
            gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
            gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
            gtk_label_set_selectable (GTK_LABEL (label), TRUE);
            gtk_label_set_xalign (GTK_LABEL (label), 0);
            start = cpu_us ();
            gtk_label_set_markup (GTK_LABEL (label), markup);
            gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
            gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL, NULL);
            runs[r] = (cpu_us () - start) / 1000.0;
            g_assert (height > 0);
            g_object_unref (label);
          }
        qsort (runs, G_N_ELEMENTS (runs), sizeof (double), compare_doubles);
        printf ("text_label_ms_%s_%u %.2f\n", lines ? "lines" : "para", label_sizes[i],
                runs[G_N_ELEMENTS (runs) / 2]);
      }

  return 0;
}

static gboolean
loaded (gpointer window)
{
  return tincan_text_window_get_loaded (window);
}

/* Opens @message's window and waits until it is filled and its layout
 * has settled: the view has measured every line (the scroll range stops
 * growing) and a second more has passed.
 */
static GtkWidget *
open_settled (GtkWindow     *parent,
              TincanMessage *message,
              double        *open_ms,
              double        *stall_ms)
{
  Stalls stalls = { 0 };
  GtkWidget *window;
  GtkAdjustment *adjustment;
  double start, filled, upper = -1;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (5, tick_cb, &stalls);

  start = tincan_bench_now_us ();
  window = tincan_text_window_new (parent, message, "Grace");
  gtk_window_present (GTK_WINDOW (window));
  while (!loaded (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  filled = tincan_bench_now_us ();

  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
    gtk_widget_get_template_child (window, TINCAN_TYPE_TEXT_WINDOW, "scroller")));
  while (gtk_adjustment_get_upper (adjustment) != upper && g_get_monotonic_time () < deadline)
    {
      upper = gtk_adjustment_get_upper (adjustment);
      run_for (1000);
    }
  g_source_remove (tick);

  *open_ms = (filled - start) / 1000.0;
  *stall_ms = stalls.longest_gap / 1000.0;

  return window;
}

/* A window for a short message first, kept open: what any window costs
 * (its surface, the theme's icons) is not the text's.  Then the
 * mebibyte's, measured from there.
 */
static int
probe_window (gboolean lines)
{
  const char *kind = lines ? "lines" : "para";
  GtkWindow *parent = new_window ();
  g_autofree char *text = make_text (1024 * 1024, lines);
  g_autoptr(TincanMessage) message = tincan_message_new_incoming ("0123456789abcdef", NULL, 1,
                                                                  text, FALSE);
  g_autoptr(TincanMessage) small = tincan_message_new_incoming ("fedcba9876543210", NULL, 1,
                                                                "A short one", FALSE);
  GtkWidget *small_window, *second_window, *window;
  double before, after_small, after_second, open_ms, stall_ms;

  /* The message is there before Open, as it is in the conversation. */
  g_clear_pointer (&text, g_free);
  run_for (1000);
  before = rss_mb ();
  small_window = open_settled (parent, small, &open_ms, &stall_ms);
  after_small = rss_mb ();
  second_window = open_settled (parent, small, &open_ms, &stall_ms);
  after_second = rss_mb ();
  printf ("text_window_stall_ms_short %.2f\n", stall_ms);
  window = open_settled (parent, message, &open_ms, &stall_ms);

  printf ("text_window_first_mb %.2f\n", after_small - before);
  printf ("text_window_second_mb %.2f\n", after_second - after_small);
  printf ("text_window_open_ms_%s %.2f\n", kind, open_ms);
  printf ("text_window_stall_ms_%s %.2f\n", kind, stall_ms);
  printf ("text_window_rss_mb_%s %.2f\n", kind, rss_mb () - after_second);

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (second_window));
  gtk_window_destroy (GTK_WINDOW (small_window));
  gtk_window_destroy (parent);

  return 0;
}

/**
 * tincan_bench_text_probe:
 * @what: "label", "window-lines" or "window-para"
 *
 * Runs one probe in this process and prints its figures.
 *
 * Returns: the process's exit status
 */
int
tincan_bench_text_probe (const char *what)
{
  adw_init ();

  if (g_str_equal (what, "label"))
    return probe_label ();
  if (g_str_equal (what, "window-lines"))
    return probe_window (TRUE);
  if (g_str_equal (what, "window-para"))
    return probe_window (FALSE);

  g_printerr ("tincan-bench: no probe %s\n", what);
  return 2;
}

static void
add_runs (GHashTable *runs,
          const char *output)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (lines[i], " ", 2);
      GArray *values;
      double value;

      if (g_strv_length (parts) != 2)
        continue;
      values = g_hash_table_lookup (runs, parts[0]);
      if (values == NULL)
        {
          values = g_array_new (FALSE, FALSE, sizeof (double));
          g_hash_table_insert (runs, g_strdup (parts[0]), values);
        }
      value = g_ascii_strtod (parts[1], NULL);
      g_array_append_val (values, value);
    }
}

/**
 * tincan_bench_text_run:
 * @bench: this program's path, to run the probes
 * @repeats: how many times each
 *
 * Returns: (transfer full) (nullable): each figure's runs (GArray of
 *   double) by key, or %NULL without an X server
 */
GHashTable *
tincan_bench_text_run (const char *bench,
                       guint       repeats)
{
  static const char *probes[] = { "label", "window-lines", "window-para" };
  g_autoptr(GHashTable) runs = NULL;

  if (g_getenv ("DISPLAY") == NULL)
    return NULL;

  runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  for (guint r = 0; r < repeats; r++)
    for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
      {
        g_autofree char *option = g_strdup_printf ("--text-probe=%s", probes[i]);
        g_autofree char *output = NULL;
        g_autoptr(GError) error = NULL;
        const char *argv[] = { bench, option, NULL };
        int status;

        if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                           &output, NULL, &status, &error)
            || !g_spawn_check_wait_status (status, &error))
          {
            g_printerr ("tincan-bench: %s: %s\n", option, error->message);
            return NULL;
          }
        add_runs (runs, output);
      }

  return g_steal_pointer (&runs);
}

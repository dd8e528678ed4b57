/* tincan-bench-files.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files: one file copied over loopback from a sender to a receiver that
 * writes it to disk, three ways, in turn within each round:
 *
 * - TCP: read() from the file, write() to a TCP connection; the other
 *   end (a child process) reads and writes to its file, then answers one
 *   byte, which stops the clock;
 * - TLS: the same over GnuTLS, TLS 1.3 (tincan-bench-tls.c);
 * - Tin Can: `tincan-cli --send-file` to a `tincan-cli --receive-dir`,
 *   timed from the sender's start to its "file-delivered" event, which
 *   comes once the receiver has the whole file verified and renamed.  So
 *   the Tin Can figure includes a process start and a handshake (a few
 *   milliseconds), and both sides' BLAKE2b of the whole file, which the
 *   baselines do not compute.  It does not include the two seconds the
 *   sender lingers after that, answering in case its last ACK was lost.
 *
 * The source file is read once before the rounds, so every way reads it
 * from the page cache.  The receiver's memory is read from /proc: its
 * resident size once it is idle (before the first round), and its peak
 * (VmHWM) after each round.
 */

#define G_LOG_DOMAIN "tincan-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "tincan-bench-files.h"
#include "tincan-bench-tls.h"
#include "tincan-bench-utils.h"

#define BLOCK (256 * 1024)

/* Fills @path with @size bytes that do not compress or repeat. */
static void
make_source (const char *path,
             gsize       size)
{
  g_autofree guint8 *block = g_malloc (BLOCK);
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  if (fd < 0)
    g_error ("%s: %s", path, g_strerror (errno));

  for (gsize done = 0; done < size; done += BLOCK)
    {
      gsize n = MIN (BLOCK, size - done);

      for (gsize i = 0; i + 4 <= n; i += 4)
        {
          guint32 r = g_rand_int (rand);
          memcpy (block + i, &r, 4);
        }
      if (!tincan_bench_write_all (fd, block, n))
        g_error ("%s: %s", path, g_strerror (errno));
    }
  close (fd);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return 0;
  return st.st_size;
}

/* Reads the whole of @path, so that every way finds it cached. */
static void
warm (const char *path)
{
  g_autofree guint8 *block = g_malloc (BLOCK);
  int fd = open (path, O_RDONLY);

  while (fd >= 0 && read (fd, block, BLOCK) > 0)
    ;
  if (fd >= 0)
    close (fd);
}

/* The TCP receiver: one connection, its bytes to @target, one byte back. */
static void
tcp_receive (int         listener,
             const char *target,
             gsize       size)
{
  g_autofree guint8 *block = g_malloc (BLOCK);
  int fd = accept (listener, NULL, NULL);
  int out = open (target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  gsize done = 0;

  while (fd >= 0 && out >= 0 && done < size)
    {
      ssize_t n = read (fd, block, BLOCK);

      if (n <= 0 || !tincan_bench_write_all (out, block, n))
        _exit (1);
      done += n;
    }
  if (out < 0 || close (out) != 0 || write (fd, "k", 1) != 1)
    _exit (1);
  _exit (0);
}

static double
tcp_copy (const char *source,
          const char *target,
          gsize       size)
{
  g_autofree guint8 *block = g_malloc (BLOCK);
  guint16 port = 0;
  int listener = tincan_bench_loopback_socket (SOCK_STREAM, &port);
  double start, elapsed;
  pid_t child;
  int status;
  int fd, in;
  guint8 ack;
  ssize_t n;

  if (listen (listener, 1) != 0)
    g_error ("listen: %s", g_strerror (errno));
  if ((child = tincan_bench_fork_child ()) == 0)
    tcp_receive (listener, target, size);
  close (listener);

  start = tincan_bench_now_us ();
  fd = tincan_bench_tcp_connect (port);
  in = open (source, O_RDONLY);
  if (in < 0)
    g_error ("%s: %s", source, g_strerror (errno));
  while ((n = read (in, block, BLOCK)) > 0)
    if (!tincan_bench_write_all (fd, block, n))
      g_error ("The TCP receiver stopped reading");
  if (!tincan_bench_read_all (fd, &ack, 1))
    g_error ("The TCP receiver did not answer");
  elapsed = tincan_bench_now_us () - start;
  close (in);
  close (fd);

  if (waitpid (child, &status, 0) != child || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("The TCP receiver failed");
  if (file_size (target) != size)
    g_error ("The TCP receiver wrote %" G_GUINT64_FORMAT " bytes, not %" G_GSIZE_FORMAT,
             file_size (target), size);

  return elapsed / G_USEC_PER_SEC;
}

/* A field of /proc/PID/status, in KiB; 0 if the process is gone. */
static guint64
status_kib (GPid        pid,
            const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL)
      || (line = strstr (status, field)) == NULL)
    return 0;

  return g_ascii_strtoull (line + strlen (field), NULL, 10);
}

/* Its standard input a pipe held open: tincan-cli reads what to send
 * from it, and ends at its end.
 */
static GSubprocess *
spawn (const char * const *argv,
       GSubprocessFlags    stdout_flags)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | stdout_flags,
                                            &error);

  if (process == NULL)
    g_error ("%s: %s", argv[0], error->message);
  return process;
}

static guint16
free_udp_port (void)
{
  guint16 port = 0;
  int fd = tincan_bench_loopback_socket (SOCK_DGRAM, &port);

  close (fd);
  return port;
}

static void
sleep_ms (guint ms)
{
  g_usleep (ms * 1000);
}

void
tincan_bench_files_run (TincanBenchFiles *runs,
                        const char       *cli,
                        gsize             size,
                        guint             rounds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tincan-bench-files-XXXXXX", &error);
  g_autofree char *source = NULL;
  g_autofree char *target = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *received = NULL;
  g_autofree char *sender_identity = NULL;
  g_autofree char *receiver_identity = NULL;
  g_autofree char *sender_port = NULL;
  g_autofree char *receiver_port = NULL;
  g_autofree char *to_sender = NULL;
  g_autofree char *to_receiver = NULL;
  g_autoptr(GSubprocess) receiver = NULL;
  TincanBenchTls *tls = tincan_bench_tls_start (1, 1);
  guint64 idle_kib;
  GPid receiver_pid;

  if (dir == NULL)
    g_error ("%s", error->message);

  runs->tcp_s = g_array_new (FALSE, FALSE, sizeof (double));
  runs->tls_s = g_array_new (FALSE, FALSE, sizeof (double));
  runs->file_s = g_array_new (FALSE, FALSE, sizeof (double));
  runs->rss_mib = g_array_new (FALSE, FALSE, sizeof (double));

  source = g_build_filename (dir, "source.bin", NULL);
  target = g_build_filename (dir, "copy.bin", NULL);
  inbox = g_build_filename (dir, "inbox", NULL);
  received = g_build_filename (inbox, "source.bin", NULL);
  sender_identity = g_build_filename (dir, "sender.key", NULL);
  receiver_identity = g_build_filename (dir, "receiver.key", NULL);
  if (g_mkdir (inbox, 0700) != 0)
    g_error ("%s: %s", inbox, g_strerror (errno));
  make_source (source, size);
  warm (source);

  sender_port = g_strdup_printf ("%u", free_udp_port ());
  receiver_port = g_strdup_printf ("%u", free_udp_port ());
  to_sender = g_strdup_printf ("127.0.0.1:%s", sender_port);
  to_receiver = g_strdup_printf ("127.0.0.1:%s", receiver_port);

  {
    const char *argv[] = { cli, "--no-discovery", "--identity", receiver_identity,
                           "-l", receiver_port, "--receive-dir", inbox, to_sender, NULL };

    receiver = spawn (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  }
  receiver_pid = atoi (g_subprocess_get_identifier (receiver));
  /* Started, its socket bound, its identity read: idle. */
  sleep_ms (500);
  idle_kib = status_kib (receiver_pid, "VmRSS:");
  if (idle_kib == 0)
    g_error ("The receiving tincan-cli exited at start");

  for (guint round = 0; round < rounds; round++)
    {
      const char *argv[] = { cli, "--json", "--no-discovery", "--identity", sender_identity,
                             "-l", sender_port, "--send-file", source, to_receiver, NULL };
      g_autoptr(GSubprocess) sender = NULL;
      g_autoptr(GDataInputStream) events = NULL;
      double start, seconds = 0;

      seconds = tcp_copy (source, target, size);
      g_array_append_val (runs->tcp_s, seconds);
      g_unlink (target);

      seconds = tincan_bench_tls_copy_file (tls, source, target, size) / G_USEC_PER_SEC;
      g_array_append_val (runs->tls_s, seconds);
      g_unlink (target);

      /* A new modification time makes it a new transfer for tincan-cli,
       * which names a file by its path, size and time: the receiver
       * would otherwise answer that it has it already.
       */
      {
        struct utimbuf times = { 1000000000 + round, 1000000000 + round };

        if (g_utime (source, &times) != 0)
          g_error ("%s: %s", source, g_strerror (errno));
      }
      start = tincan_bench_now_us ();
      sender = spawn (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      events = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sender));
      for (;;)
        {
          g_autofree char *line = g_data_input_stream_read_line (events, NULL, NULL, &error);

          if (line == NULL)
            g_error ("tincan-cli --send-file ended before the file was delivered");
          if (strstr (line, "\"file-failed\"") != NULL)
            g_error ("tincan-cli --send-file: %s", line);
          if (strstr (line, "\"file-delivered\"") != NULL)
            {
              seconds = (tincan_bench_now_us () - start) / G_USEC_PER_SEC;
              break;
            }
        }
      if (!g_subprocess_wait_check (sender, NULL, &error))
        g_error ("tincan-cli --send-file: %s", error->message);
      g_array_append_val (runs->file_s, seconds);
      if (file_size (received) != size)
        g_error ("The receiving tincan-cli saved %" G_GUINT64_FORMAT " bytes, not %" G_GSIZE_FORMAT,
                 file_size (received), size);
      g_unlink (received);

      {
        double mib = (double) (status_kib (receiver_pid, "VmHWM:") - idle_kib) / 1024;

        g_array_append_val (runs->rss_mib, mib);
      }
    }

  g_subprocess_send_signal (receiver, SIGTERM);
  g_subprocess_wait (receiver, NULL, NULL);
  tincan_bench_tls_stop (tls);
  g_unlink (source);
  g_unlink (sender_identity);
  g_unlink (receiver_identity);
  g_rmdir (inbox);
  g_rmdir (dir);
}

void
tincan_bench_files_clear (TincanBenchFiles *runs)
{
  g_clear_pointer (&runs->tcp_s, g_array_unref);
  g_clear_pointer (&runs->tls_s, g_array_unref);
  g_clear_pointer (&runs->file_s, g_array_unref);
  g_clear_pointer (&runs->rss_mib, g_array_unref);
}

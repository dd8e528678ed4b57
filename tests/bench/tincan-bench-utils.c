/* tincan-bench-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tincan-bench-utils.h"

double
tincan_bench_now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* A socket bound to 127.0.0.1:@port; a @port of 0 is set to the one the
 * system picked.
 */
int
tincan_bench_loopback_socket (int       type,
                              guint16  *port)
{
  struct sockaddr_in address = tincan_bench_loopback_address (*port);
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, type, 0);
  int one = 1;

  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &address, sizeof address) != 0)
    g_error ("bind: %s", g_strerror (errno));
  getsockname (fd, (struct sockaddr *) &address, &length);
  *port = ntohs (address.sin_port);

  return fd;
}

struct sockaddr_in
tincan_bench_loopback_address (guint16 port)
{
  struct sockaddr_in address = { .sin_family = AF_INET };

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = htons (port);
  return address;
}

void
tincan_bench_set_timeout (int fd,
                          int seconds)
{
  struct timeval tv = { seconds, 0 };

  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* A TCP connection to 127.0.0.1:@port, with TCP_NODELAY. */
int
tincan_bench_tcp_connect (guint16 port)
{
  struct sockaddr_in to = tincan_bench_loopback_address (port);
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &to, sizeof to) != 0)
    g_error ("connect: %s", g_strerror (errno));
  return fd;
}

/* A child that dies with this process, whatever becomes of it. */
pid_t
tincan_bench_fork_child (void)
{
  pid_t parent = getpid ();
  pid_t child = fork ();

  if (child == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      if (getppid () != parent)
        _exit (1);
    }

  return child;
}

void
tincan_bench_stop_child (pid_t child)
{
  int status;

  kill (child, SIGTERM);
  waitpid (child, &status, 0);
}

gboolean
tincan_bench_read_all (int     fd,
                       guint8 *buffer,
                       gsize   length)
{
  while (length > 0)
    {
      ssize_t n = read (fd, buffer, length);

      if (n <= 0)
        return FALSE;
      buffer += n;
      length -= n;
    }
  return TRUE;
}

gboolean
tincan_bench_write_all (int           fd,
                        const guint8 *buffer,
                        gsize         length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, buffer, length);

      if (n <= 0)
        return FALSE;
      buffer += n;
      length -= n;
    }
  return TRUE;
}

/* tincan-bench-tls.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TLS baseline: what one would use for an encrypted, reliable
 * conversation if not Tin Can.  GnuTLS, TLS 1.3 only, over TCP on
 * loopback, with GnuTLS's default choices otherwise (key exchange,
 * cipher), so the baseline is what a program gets without tuning.
 *
 * The server has a self-signed ECDSA P-256 certificate made at start-up,
 * in memory.  The client does not verify it (nothing to verify it
 * against), but it does everything else a TLS 1.3 client does: the key
 * exchange and the check of the server's signature over the handshake.
 * Session tickets are off, as Tin Can resumes nothing: every handshake is
 * a full one.
 *
 * Two servers, each a process started once: one answers a record of
 * record_length bytes, the other a transfer of bulk_length bytes, each
 * with a one-byte record, as the TCP baseline does.
 */

#define G_LOG_DOMAIN "tincan-bench"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tincan-bench-tls.h"
#include "tincan-bench-utils.h"

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"

struct _TincanBenchTls
{
  gnutls_priority_t                priority;
  gnutls_certificate_credentials_t client_credentials;
  gsize                            record_length;
  gsize                            bulk_length;
  pid_t                            handshake_child;
  pid_t                            bulk_child;
  guint16                          handshake_port;
  guint16                          bulk_port;
  char                            *description;
};

static void
check (int         result,
       const char *what)
{
  if (result < 0)
    g_error ("%s: %s", what, gnutls_strerror (result));
}

static gnutls_session_t
new_session (unsigned int                     flags,
             gnutls_priority_t                priority,
             gnutls_certificate_credentials_t credentials)
{
  gnutls_session_t session;

  check (gnutls_init (&session, flags | GNUTLS_NO_TICKETS), "gnutls_init");
  check (gnutls_priority_set (session, priority), "gnutls_priority_set");
  check (gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, credentials),
         "gnutls_credentials_set");

  return session;
}

static int
handshake (gnutls_session_t session)
{
  int result;

  do
    result = gnutls_handshake (session);
  while (result < 0 && !gnutls_error_is_fatal (result));

  return result;
}

static gboolean
send_all (gnutls_session_t  session,
          const guint8     *buffer,
          gsize             length)
{
  while (length > 0)
    {
      ssize_t n = gnutls_record_send (session, buffer, length);

      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        continue;
      if (n <= 0)
        return FALSE;
      buffer += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
receive_all (gnutls_session_t  session,
             guint8           *buffer,
             gsize             length)
{
  while (length > 0)
    {
      ssize_t n = gnutls_record_recv (session, buffer, length);

      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        continue;
      if (n <= 0)
        return FALSE;
      buffer += n;
      length -= n;
    }
  return TRUE;
}

/* A self-signed certificate for a fresh ECDSA P-256 key. */
static gnutls_certificate_credentials_t
server_credentials (void)
{
  gnutls_certificate_credentials_t credentials;
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t certificate;
  const guint8 serial[] = { 1 };
  time_t now = time (NULL);

  check (gnutls_x509_privkey_init (&key), "gnutls_x509_privkey_init");
  check (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                       GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
         "gnutls_x509_privkey_generate");

  check (gnutls_x509_crt_init (&certificate), "gnutls_x509_crt_init");
  check (gnutls_x509_crt_set_version (certificate, 3), "gnutls_x509_crt_set_version");
  check (gnutls_x509_crt_set_serial (certificate, serial, sizeof serial),
         "gnutls_x509_crt_set_serial");
  check (gnutls_x509_crt_set_activation_time (certificate, now - 3600),
         "gnutls_x509_crt_set_activation_time");
  check (gnutls_x509_crt_set_expiration_time (certificate, now + 24 * 3600),
         "gnutls_x509_crt_set_expiration_time");
  check (gnutls_x509_crt_set_dn_by_oid (certificate, GNUTLS_OID_X520_COMMON_NAME, 0,
                                        "localhost", strlen ("localhost")),
         "gnutls_x509_crt_set_dn_by_oid");
  check (gnutls_x509_crt_set_key (certificate, key), "gnutls_x509_crt_set_key");
  check (gnutls_x509_crt_set_key_usage (certificate, GNUTLS_KEY_DIGITAL_SIGNATURE),
         "gnutls_x509_crt_set_key_usage");
  check (gnutls_x509_crt_sign2 (certificate, certificate, key, GNUTLS_DIG_SHA256, 0),
         "gnutls_x509_crt_sign2");

  check (gnutls_certificate_allocate_credentials (&credentials),
         "gnutls_certificate_allocate_credentials");
  check (gnutls_certificate_set_x509_key (credentials, &certificate, 1, key),
         "gnutls_certificate_set_x509_key");

  gnutls_x509_crt_deinit (certificate);
  gnutls_x509_privkey_deinit (key);

  return credentials;
}

/* Answers every @length bytes received with a one-byte record, on each
 * connection in turn, until it is stopped.
 */
static void
serve (int                              listener,
       gnutls_priority_t                priority,
       gnutls_certificate_credentials_t credentials,
       gsize                            length)
{
  g_autofree guint8 *buffer = g_malloc (length);
  int fd;

  while ((fd = accept (listener, NULL, NULL)) >= 0)
    {
      gnutls_session_t session = new_session (GNUTLS_SERVER, priority, credentials);
      int one = 1;

      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      gnutls_transport_set_int (session, fd);
      if (handshake (session) == 0)
        while (receive_all (session, buffer, length)
               && send_all (session, (const guint8 *) "k", 1))
          ;
      gnutls_deinit (session);
      close (fd);
    }
  _exit (0);
}

static pid_t
fork_server (guint16                          *port,
             gnutls_priority_t                 priority,
             gnutls_certificate_credentials_t  credentials,
             gsize                             length)
{
  int listener = tincan_bench_loopback_socket (SOCK_STREAM, port);
  pid_t child;

  /* Listening before the fork: the first connect() must not race it. */
  if (listen (listener, 4) != 0)
    g_error ("listen: %s", g_strerror (errno));
  if ((child = tincan_bench_fork_child ()) == 0)
    serve (listener, priority, credentials, length);
  close (listener);

  return child;
}

/**
 * tincan_bench_tls_start:
 * @record_length: the size of the record the handshake is timed with
 * @bulk_length: the size of a bulk transfer
 *
 * Makes the certificate and starts the two servers.
 */
TincanBenchTls *
tincan_bench_tls_start (gsize record_length,
                        gsize bulk_length)
{
  TincanBenchTls *self = g_new0 (TincanBenchTls, 1);
  gnutls_certificate_credentials_t credentials = server_credentials ();
  const char *error_at = NULL;

  if (gnutls_priority_init (&self->priority, PRIORITY, &error_at) < 0)
    g_error ("The priority string %s is refused at “%s”", PRIORITY, error_at);
  check (gnutls_certificate_allocate_credentials (&self->client_credentials),
         "gnutls_certificate_allocate_credentials");

  self->record_length = record_length;
  self->bulk_length = bulk_length;
  self->handshake_child = fork_server (&self->handshake_port, self->priority,
                                       credentials, record_length);
  self->bulk_child = fork_server (&self->bulk_port, self->priority, credentials, bulk_length);
  gnutls_certificate_free_credentials (credentials);

  return self;
}

/* A client session on @fd.  No gnutls_session_set_verify_cert(): the
 * server's certificate is taken as it comes.
 */
static gnutls_session_t
client_session (TincanBenchTls *self,
                int             fd)
{
  gnutls_session_t session = new_session (GNUTLS_CLIENT, self->priority,
                                          self->client_credentials);

  gnutls_transport_set_int (session, fd);
  return session;
}

static void
client_handshake (TincanBenchTls   *self,
                  gnutls_session_t  session)
{
  check (handshake (session), "TLS handshake");
  if (gnutls_protocol_get_version (session) != GNUTLS_TLS1_3)
    g_error ("The TLS baseline negotiated %s, not TLS 1.3",
             gnutls_protocol_get_name (gnutls_protocol_get_version (session)));

  if (self->description == NULL)
    {
      char *description = gnutls_session_get_desc (session);

      self->description = g_strdup (description);
      gnutls_free (description);
    }
}

/**
 * tincan_bench_tls_handshake:
 * @self: the baseline
 *
 * A new connection: from connect() to the server's answer to a first
 * record of record_length bytes, which is one TCP handshake, one TLS 1.3
 * handshake and one round trip of application data.
 *
 * Returns: how long, in µs
 */
double
tincan_bench_tls_handshake (TincanBenchTls *self)
{
  g_autofree guint8 *record = g_malloc0 (self->record_length);
  struct sockaddr_in to = tincan_bench_loopback_address (self->handshake_port);
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gnutls_session_t session = client_session (self, fd);
  double start, elapsed;
  guint8 ack;
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  start = tincan_bench_now_us ();
  if (connect (fd, (struct sockaddr *) &to, sizeof to) != 0)
    g_error ("connect: %s", g_strerror (errno));
  client_handshake (self, session);
  if (!send_all (session, record, self->record_length) || !receive_all (session, &ack, 1))
    g_error ("The TLS server did not answer");
  elapsed = tincan_bench_now_us () - start;

  gnutls_deinit (session);
  close (fd);

  return elapsed;
}

/**
 * tincan_bench_tls_bulk:
 * @self: the baseline
 * @payload: bulk_length bytes
 *
 * Sends @payload on an established session (a new one, as the TCP
 * baseline has a new connection for each transfer; its handshake is not
 * timed) and waits for the server to acknowledge the last byte.
 *
 * Returns: how long, in µs
 */
double
tincan_bench_tls_bulk (TincanBenchTls *self,
                       const guint8   *payload)
{
  int fd = tincan_bench_tcp_connect (self->bulk_port);
  gnutls_session_t session = client_session (self, fd);
  double start, elapsed;
  guint8 ack;

  client_handshake (self, session);

  start = tincan_bench_now_us ();
  if (!send_all (session, payload, self->bulk_length) || !receive_all (session, &ack, 1))
    g_error ("The TLS server did not answer");
  elapsed = tincan_bench_now_us () - start;

  gnutls_deinit (session);
  close (fd);

  return elapsed;
}

/* The file receiver: one connection, @size bytes written to @target as
 * they come, one byte back.
 */
static void
receive_file (int                              listener,
              gnutls_priority_t                priority,
              gnutls_certificate_credentials_t credentials,
              const char                      *target,
              gsize                            size)
{
  g_autofree guint8 *block = g_malloc (256 * 1024);
  int fd = accept (listener, NULL, NULL);
  int out = open (target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  gnutls_session_t session = new_session (GNUTLS_SERVER, priority, credentials);
  gsize done = 0;

  gnutls_transport_set_int (session, fd);
  if (fd < 0 || out < 0 || handshake (session) != 0)
    _exit (1);
  while (done < size)
    {
      ssize_t n = gnutls_record_recv (session, block, 256 * 1024);

      if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        continue;
      if (n <= 0 || !tincan_bench_write_all (out, block, n))
        _exit (1);
      done += n;
    }
  if (close (out) != 0 || !send_all (session, (const guint8 *) "k", 1))
    _exit (1);
  gnutls_deinit (session);
  _exit (0);
}

/**
 * tincan_bench_tls_copy_file:
 * @self: the baseline
 * @source: the file to send, read as it is sent
 * @target: where a receiver process writes it
 * @size: @source's size
 *
 * A file copied over a new TLS connection, from connect() to the
 * receiver's answer once it has written the last byte: one TCP and one
 * TLS handshake (under a millisecond each on loopback) and the transfer.
 *
 * Returns: how long, in µs
 */
double
tincan_bench_tls_copy_file (TincanBenchTls *self,
                            const char     *source,
                            const char     *target,
                            gsize           size)
{
  g_autofree guint8 *block = g_malloc (256 * 1024);
  gnutls_certificate_credentials_t credentials = server_credentials ();
  guint16 port = 0;
  int listener = tincan_bench_loopback_socket (SOCK_STREAM, &port);
  gnutls_session_t session;
  double start, elapsed;
  pid_t child;
  int status;
  int fd, in;
  guint8 ack;
  ssize_t n;

  if (listen (listener, 1) != 0)
    g_error ("listen: %s", g_strerror (errno));
  if ((child = tincan_bench_fork_child ()) == 0)
    receive_file (listener, self->priority, credentials, target, size);
  close (listener);
  gnutls_certificate_free_credentials (credentials);

  start = tincan_bench_now_us ();
  fd = tincan_bench_tcp_connect (port);
  session = client_session (self, fd);
  client_handshake (self, session);
  in = open (source, O_RDONLY);
  if (in < 0)
    g_error ("%s: %s", source, g_strerror (errno));
  while ((n = read (in, block, 256 * 1024)) > 0)
    if (!send_all (session, block, n))
      g_error ("The TLS receiver stopped reading");
  if (!receive_all (session, &ack, 1))
    g_error ("The TLS receiver did not answer");
  elapsed = tincan_bench_now_us () - start;
  close (in);
  gnutls_deinit (session);
  close (fd);

  if (waitpid (child, &status, 0) != child || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("The TLS receiver failed");

  return elapsed;
}

/**
 * tincan_bench_tls_get_description:
 * @self: the baseline
 *
 * Returns: (nullable): what was negotiated, such as
 *   "(TLS1.3)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)",
 *   once a handshake is done
 */
const char *
tincan_bench_tls_get_description (TincanBenchTls *self)
{
  return self->description;
}

void
tincan_bench_tls_stop (TincanBenchTls *self)
{
  tincan_bench_stop_child (self->handshake_child);
  tincan_bench_stop_child (self->bulk_child);
  gnutls_certificate_free_credentials (self->client_credentials);
  gnutls_priority_deinit (self->priority);
  g_free (self->description);
  g_free (self);
}

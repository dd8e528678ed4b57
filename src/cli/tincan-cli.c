/* tincan-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tincan-cli: a thin main loop around TincanLink, for scripts, tests and
 * benchmarks.  With --history it keeps a TincanStore and a TincanOutbox as
 * the app does: what it sends goes to the outbox first and is sent again
 * by the next run if it was not delivered, and what it receives is stored
 * before it is acknowledged, once.  Its options, output and exit statuses
 * are a contract that those depend on; README.md and docs/PROTOCOL.md
 * describe it.
 *
 *   0  every message sent was delivered (in plain mode: sent) and the
 *      --count was reached
 *   1  a message failed, --timeout passed, or SIGINT or SIGTERM came
 *      before it was done
 *   2  a usage or set-up error, with one line on stderr
 *
 * In Tin Can mode it loads the installation's identity (--identity, or
 * the app's own file) at start, making one on the first run.
 * --fingerprint prints that identity's fingerprint and exits: 0, or 1
 * with one line on stderr if the identity cannot be read or made.
 * Before it exits it says goodbye to the peer (tincan_link_close_async):
 * after it finished, or on SIGINT or SIGTERM, it lingers, so the ACKs
 * of the last messages it received get through even if some were lost;
 * after --timeout it only says it.  A second signal exits at once.
 *
 * In Tin Can mode a chat run announces itself on the local network and
 * answers who asks, unless --no-discovery (tests that must send nothing
 * but their chat use it).  --discover announces, asks, listens for -t
 * seconds (default 3), prints each person found once (a JSON `nearby`
 * event with --json: name, fingerprint, addresses, port, version) and
 * exits 0, or 1 with one line on stderr if nobody was found.  A PEER
 * that is a fingerprint is looked up the same way (for -t seconds, or
 * 5) and talked to with --trust semantics; 1 if nobody with it answered.
 * tincan-cli-discover.c holds that side.
 *
 * --ipmsg talks IP Messenger's protocol to IP Messenger or iptux (or
 * another tincan-cli --ipmsg): PEER is an address, port 2425 unless
 * given, and the run listens on 2425 unless -l says otherwise.  The
 * events and exit statuses are the same; a message is delivered when
 * the peer acknowledged each of its parts.  Nothing is encrypted, no
 * identity is loaded, nothing is announced, and there are no files:
 * --send-file, --receive-dir, --trust, --plain and a fingerprint are
 * usage errors with it.  It says goodbye with one BR_EXIT, no linger.
 */

#define G_LOG_DOMAIN "tincan-cli"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "tincan-address.h"
#include "tincan-cli-discover.h"
#include "tincan-cli-files.h"
#include "tincan-identity.h"
#include "tincan-ipmsg-packet.h"
#include "tincan-link.h"
#include "tincan-outbox.h"
#include "tincan-store.h"

typedef struct
{
  GMainLoop        *loop;
  TincanLink       *link;
  TincanCliFiles   *files;            /* --send-file, --receive-dir */
  guint             finish_later;
  TincanOutbox     *outbox;           /* with --history only */
  TincanIdentity   *identity;         /* in Tin Can mode only, for the encrypted link */
  TincanStore      *store;            /* with --history only */
  char             *peer;             /* "host:port", naming the peer's pinned key */
  const char       *trust;            /* --trust: the one peer key to talk to */
  gboolean          verified;         /* the peer's key was checked: --trust, or marked so */
  gboolean          refused;          /* --trust refused the peer's key: said so, once */
  GDataInputStream *input;
  GCancellable     *cancellable;
  GCancellable     *interrupted;      /* a second signal: no more goodbye */
  gboolean          closing;
  gboolean          json;
  gboolean          input_done;
  gint64            count;
  gint64            received;
  guint             failed;
  int               status;
} Cli;

static void
cli_exit (Cli *cli,
          int  status)
{
  cli->status = status;
  g_cancellable_cancel (cli->cancellable);
  g_main_loop_quit (cli->loop);
}

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Cli *cli = user_data;

  tincan_link_close_finish (TINCAN_LINK (object), result, NULL);
  g_main_loop_quit (cli->loop);
}

/* Stops reading, says goodbye to the peer, lingering @linger_ms, then
 * exits with @status.
 */
static void
cli_close (Cli   *cli,
           int    status,
           guint  linger_ms)
{
  if (cli->closing)
    return;

  cli->closing = TRUE;
  cli->status = status;
  g_cancellable_cancel (cli->cancellable);
  tincan_link_close_async (cli->link, linger_ms, cli->interrupted, on_closed_cb, cli);
}

static void
print_event_valist (gboolean    json,
                    const char *event,
                    va_list     ap)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  const char *key;

  if (!json)
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);

  /* Triples of key, kind and value: "s" string, "i" gint64, "b" boolean. */
  while ((key = va_arg (ap, const char *)) != NULL)
    {
      const char *kind = va_arg (ap, const char *);

      json_builder_set_member_name (builder, key);
      if (kind[0] == 's')
        json_builder_add_string_value (builder, va_arg (ap, const char *));
      else if (kind[0] == 'i')
        json_builder_add_int_value (builder, va_arg (ap, gint64));
      else
        json_builder_add_boolean_value (builder, va_arg (ap, gboolean));
    }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);

  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

/* For tincan-cli-files.c too. */
void
tincan_cli_print_event (gboolean    json,
                        const char *event,
                        ...)
{
  va_list ap;

  va_start (ap, event);
  print_event_valist (json, event, ap);
  va_end (ap);
}

static void
print_event (Cli        *cli,
             const char *event,
             ...)
{
  va_list ap;

  va_start (ap, event);
  print_event_valist (cli->json, event, ap);
  va_end (ap);
}

static void
maybe_finish (Cli *cli)
{
  if (cli->closing || !cli->input_done || tincan_link_get_n_pending (cli->link) > 0)
    return;

  if (cli->files != NULL && tincan_cli_files_busy (cli->files))
    return;

  if (cli->count > 0 && cli->received < cli->count)
    return;

  cli_close (cli, cli->failed > 0 ? 1 : 0, TINCAN_LINK_LINGER_MS);
}

static gboolean
finish_idle_cb (gpointer user_data)
{
  maybe_finish (user_data);

  return G_SOURCE_REMOVE;
}

static void
on_message_state_cb (TincanMessage *message,
                     GParamSpec    *pspec,
                     Cli           *cli)
{
  const char *id = tincan_message_get_id (message);

  switch (tincan_message_get_state (message))
    {
    case TINCAN_MESSAGE_SENT:
      print_event (cli, "sent", "id", "s", id, NULL);
      break;

    case TINCAN_MESSAGE_DELIVERED:
      print_event (cli, "delivered", "id", "s", id, NULL);
      break;

    case TINCAN_MESSAGE_FAILED:
      cli->failed++;
      print_event (cli, "failed", "id", "s", id,
                   "reason", "s", tincan_message_get_failure_reason (message), NULL);
      if (!cli->json && !cli->refused)
        g_printerr ("tincan-cli: not delivered: %s\n", tincan_message_get_failure_reason (message));
      break;

    case TINCAN_MESSAGE_QUEUED:
    case TINCAN_MESSAGE_RECEIVED:
    default:
      break;
    }

  /* After the link has finished its own bookkeeping. */
  g_idle_add (finish_idle_cb, cli);
}

static void
watch_message (Cli           *cli,
               TincanMessage *message)
{
  g_signal_connect (message, "notify::state", G_CALLBACK (on_message_state_cb), cli);
}

static gboolean
send_text (Cli        *cli,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanMessage) message = NULL;

  /* With a history, in the outbox before anything leaves. */
  if (cli->outbox != NULL)
    message = tincan_outbox_send (cli->outbox, text, &error);
  else
    message = tincan_link_send (cli->link, text, &error);

  if (message == NULL)
    {
      g_printerr ("tincan-cli: %s\n", error->message);
      cli_exit (cli, g_error_matches (error, TINCAN_STORE_ERROR, TINCAN_STORE_ERROR_FULL) ? 1 : 2);
      return FALSE;
    }

  watch_message (cli, message);

  /* Plain messages are sent at once, before the handler was connected. */
  if (tincan_message_get_state (message) != TINCAN_MESSAGE_QUEUED)
    on_message_state_cb (message, NULL, cli);

  return TRUE;
}

/* The last records (a DONE, a FAIL) are not watched: the run looks
 * again until the link has delivered them.
 */
static gboolean
finish_later_cb (gpointer user_data)
{
  Cli *cli = user_data;

  maybe_finish (cli);

  return cli->closing ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
on_file_finished_cb (gboolean received,
                     gboolean failed,
                     gpointer user_data)
{
  Cli *cli = user_data;

  if (failed)
    cli->failed++;
  else if (received)
    cli->received++;

  g_idle_add (finish_idle_cb, cli);
  if (cli->finish_later == 0)
    cli->finish_later = g_timeout_add (50, finish_later_cb, cli);
}

static void
on_message_received_cb (TincanLink    *link,
                        TincanMessage *message,
                        Cli           *cli)
{
  cli->received++;

  if (cli->json)
    print_event (cli, "received",
                 "id", "s", tincan_message_get_id (message),
                 "text", "s", tincan_message_get_text (message),
                 "plain", "b", tincan_message_get_plain (message),
                 NULL);
  else
    {
      fputs (tincan_message_get_text (message), stdout);
      fputc ('\n', stdout);
      fflush (stdout);
    }

  maybe_finish (cli);
}

/* Not a message: said, so that nothing is dropped without a word. */
static void
on_datagram_ignored_cb (TincanLink          *link,
                        TincanIgnoredReason  reason,
                        guint                length,
                        Cli                 *cli)
{
  const char *why;

  switch (reason)
    {
    case TINCAN_IGNORED_NOT_TINCAN:
      why = "not a Tin Can packet";
      break;

    case TINCAN_IGNORED_NOT_UTF8:
      why = "not valid UTF-8";
      break;

    case TINCAN_IGNORED_NOT_IPMSG:
      why = "not an IP Messenger datagram";
      break;

    case TINCAN_IGNORED_CONTROL:
    default:
      why = "control characters";
      break;
    }

  if (cli->json)
    print_event (cli, "ignored", "reason", "s", why, "bytes", "i", (gint64) length, NULL);
  else
    g_printerr ("tincan-cli: ignored a datagram of %u bytes: %s\n", length, why);
}

static void
on_write_failed_cb (TincanStore  *store,
                    const GError *error,
                    Cli          *cli)
{
  g_printerr ("tincan-cli: %s\n", error->message);
}

/* What an earlier run left undelivered goes first, as it was written
 * first; the outbox leaves failed messages to the app's Retry.
 */
static void
on_message_resumed_cb (TincanOutbox  *outbox,
                       TincanMessage *message,
                       Cli           *cli)
{
  print_event (cli, "resumed",
               "id", "s", tincan_message_get_id (message),
               "text", "s", tincan_message_get_text (message),
               NULL);
  watch_message (cli, message);
}

static char *
dup_peer_fingerprint (TincanLink *link)
{
  const guint8 *key = tincan_link_get_peer_key (link);

  return key != NULL ? tincan_key_format_fingerprint (key) : g_strdup ("");
}

static void
on_presence_cb (TincanLink *link,
                GParamSpec *pspec,
                Cli        *cli)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TINCAN_TYPE_PRESENCE);
  GEnumValue *value = g_enum_get_value (klass, tincan_link_get_presence (link));
  g_autofree char *fingerprint = dup_peer_fingerprint (link);

  print_event (cli, "peer",
               "state", "s", value->value_nick,
               "fingerprint", "s", fingerprint,
               "encrypted", "b", tincan_link_get_encrypted (link),
               "verified", "b", tincan_link_get_encrypted (link) && cli->verified,
               NULL);
}

/* --trust: that key and no other.  Otherwise, with a history, trust on
 * first use: the first key is pinned there, and another one refused.
 * Without either, any key (the link still proves the peer holds it).
 */
static gboolean
trust_cb (TincanLink   *link,
          const guint8 *peer_key,
          gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  TincanStoreKeyTrust trust;
  gboolean verified = FALSE;

  if (cli->trust != NULL)
    return tincan_key_matches (cli->trust, tincan_identity_get_public_key (cli->identity), peer_key);

  if (cli->store == NULL)
    return TRUE;

  trust = tincan_store_trust_peer_key (cli->store, cli->peer, peer_key, &verified, &error);
  if (error != NULL)
    g_printerr ("tincan-cli: %s\n", error->message);
  /* What the pinned key says, when there was one to read. */
  else if (trust != TINCAN_STORE_KEY_FIRST)
    cli->verified = verified;

  return trust != TINCAN_STORE_KEY_REFUSED;
}

static void
on_refused_key_cb (TincanLink *link,
                   GParamSpec *pspec,
                   Cli        *cli)
{
  const guint8 *key = tincan_link_get_refused_key (link);
  g_autofree char *fingerprint = NULL;
  g_autofree char *safety_number = NULL;

  if (key == NULL)
    return;

  fingerprint = tincan_key_format_fingerprint (key);
  safety_number = tincan_key_format_safety_number (tincan_identity_get_public_key (cli->identity), key);

  if (cli->trust != NULL)
    {
      g_printerr ("tincan-cli: the peer's key (fingerprint %s) is not the one given to --trust\n",
                  fingerprint);
      cli->refused = TRUE;
      cli_exit (cli, 1);
      return;
    }

  /* What waits for the peer keeps waiting; a person decides. */
  g_printerr ("tincan-cli: the peer's key changed (fingerprint %s); nothing is sent to it\n",
              fingerprint);
  print_event (cli, "key-changed",
               "fingerprint", "s", fingerprint,
               "safety_number", "s", safety_number,
               NULL);
}

static void
on_peer_error_cb (TincanLink   *link,
                  const GError *error,
                  Cli          *cli)
{
  g_printerr ("tincan-cli: %s\n", error->message);
  cli_exit (cli, 2);
}

static void read_next_line (Cli *cli);

static void
on_line_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                    &length, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      g_printerr ("tincan-cli: standard input: %s\n", error->message);
      cli_exit (cli, 2);
      return;
    }

  if (line == NULL)
    {
      cli->input_done = TRUE;
      maybe_finish (cli);
      return;
    }

  /* An empty line is not a message. */
  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';
  if (length > 0 && !send_text (cli, line))
    return;

  read_next_line (cli);
}

static void
read_next_line (Cli *cli)
{
  g_data_input_stream_read_line_async (cli->input, G_PRIORITY_DEFAULT, cli->cancellable,
                                       on_line_read_cb, cli);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  Cli *cli = user_data;

  if (cli->closing)
    return G_SOURCE_REMOVE;

  g_printerr ("tincan-cli: timed out\n");
  cli_close (cli, 1, 0);

  return G_SOURCE_REMOVE;
}

/* The first SIGINT or SIGTERM says goodbye; the second cuts it short. */
static gboolean
on_signal_cb (gpointer user_data)
{
  Cli *cli = user_data;

  if (cli->closing)
    g_cancellable_cancel (cli->interrupted);
  else
    cli_close (cli, 1, TINCAN_LINK_LINGER_MS);

  return G_SOURCE_CONTINUE;
}

static char *
read_file (const char  *path,
           GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) memory = NULL;

  if (g_strcmp0 (path, "-") != 0)
    {
      char *contents = NULL;

      if (!g_file_get_contents (path, &contents, NULL, error))
        return NULL;
      return contents;
    }

  stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  memory = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (memory, stream, G_OUTPUT_STREAM_SPLICE_NONE, NULL, error) < 0)
    return NULL;

  /* NUL-terminated */
  if (!g_output_stream_write_all (memory, "", 1, NULL, NULL, error)
      || !g_output_stream_close (memory, NULL, error))
    return NULL;

  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (memory));
}

static int
usage_error (const char *message)
{
  g_printerr ("tincan-cli: %s\n", message);

  return 2;
}

static TincanIdentity *
load_identity (const char  *path,
               GError     **error)
{
  g_autofree char *default_path = NULL;

  if (path == NULL)
    path = default_path = tincan_identity_dup_default_path ();

  return tincan_identity_load (path, error);
}

static int
print_fingerprint (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanIdentity) identity = load_identity (path, &error);
  g_autofree char *fingerprint = NULL;

  if (identity == NULL)
    {
      g_printerr ("tincan-cli: %s\n", error->message);
      return 1;
    }

  fingerprint = tincan_identity_dup_fingerprint (identity);
  g_print ("%s\n", fingerprint);

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(TincanIdentity) identity = NULL;
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(TincanOutbox) outbox = NULL;
  g_autoptr(TincanLink) link = NULL;
  g_autoptr(TincanDiscovery) discovery = NULL;
  g_autofree char *host = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *send = NULL;
  g_autofree char *file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *history = NULL;
  g_autofree char *identity_path = NULL;
  g_autofree char *trust = NULL;
  g_autofree char *receive_dir = NULL;
  g_auto(GStrv) send_files = NULL;
  g_autoptr(TincanCliFiles) files = NULL;
  gint64 count = 0;
  int timeout = 0;
  gboolean plain = FALSE;
  gboolean ipmsg = FALSE;
  gboolean json = FALSE;
  gboolean fingerprint = FALSE;
  gboolean discover = FALSE;
  gboolean no_discovery = FALSE;
  gboolean by_fingerprint = FALSE;
  guint16 peer_port = 0;
  guint16 local_port = TINCAN_DEFAULT_PORT;
  Cli cli = { 0 };
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      "Local UDP port (default 2323; 0 picks a free one)", "PORT" },
    { "send", 's', 0, G_OPTION_ARG_STRING, &send,
      "Send TEXT as one message, exit when it is delivered or failed", "TEXT" },
    { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
      "The same with the file's contents ('-' reads stdin to EOF)", "PATH" },
    { "send-file", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &send_files,
      "Send the file at PATH (repeatable), exit when each is delivered or failed", "PATH" },
    { "receive-dir", 0, 0, G_OPTION_ARG_FILENAME, &receive_dir,
      "Accept every file the peer sends into DIR", "DIR" },
    { "count", 'c', 0, G_OPTION_ARG_INT64, &count,
      "Exit after receiving N messages or files", "N" },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      "Exit with status 1 if not finished by then", "SECS" },
    { "plain", 0, 0, G_OPTION_ARG_NONE, &plain,
      "Plain-text mode", NULL },
    { "ipmsg", 0, 0, G_OPTION_ARG_NONE, &ipmsg,
      "IP Messenger mode: talk to IP Messenger or iptux (port 2425, not encrypted)", NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      "Print events as JSON lines", NULL },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history,
      "Keep messages in this database, and send what it has not delivered yet", "PATH" },
    { "identity", 0, 0, G_OPTION_ARG_FILENAME, &identity_path,
      "Use this identity file, made if missing (default: the app's)", "PATH" },
    { "fingerprint", 0, 0, G_OPTION_ARG_NONE, &fingerprint,
      "Print this identity's fingerprint and exit", NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      "The name the peer shows for you (default: your account's full name)", "NAME" },
    { "trust", 0, 0, G_OPTION_ARG_STRING, &trust,
      "Talk only to the peer with this key (its fingerprint, or the safety number); exit 1 on another", "NUMBER" },
    { "discover", 0, 0, G_OPTION_ARG_NONE, &discover,
      "Find people on the local network for -t seconds (default 3), print them and exit", NULL },
    { "no-discovery", 0, 0, G_OPTION_ARG_NONE, &no_discovery,
      "Neither announce this run on the local network nor answer who asks", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("PEER");
  g_option_context_set_summary (context,
                                "Chat with a Tin Can peer over UDP.\n"
                                "PEER is HOST, HOST:PORT or [IPv6]:PORT; the port defaults to 2323\n"
                                "(2425 with --ipmsg, which talks to IP Messenger and iptux).\n"
                                "PEER may also be a FINGERPRINT, as --fingerprint prints it: that person\n"
                                "is looked up on the local network, and must prove the key.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);

  if (fingerprint)
    {
      if (argc > 1)
        return usage_error ("--fingerprint takes no PEER");
      return print_fingerprint (identity_path);
    }

  if (timeout < 0)
    return usage_error ("--timeout must not be negative");

  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    return usage_error ("--name must be UTF-8");
  if (name == NULL && g_strcmp0 (g_get_real_name (), "Unknown") != 0 && g_get_real_name ()[0] != '\0')
    name = g_strdup (g_get_real_name ());
  else if (name == NULL)
    name = g_strdup (g_get_user_name ());

  if (ipmsg)
    {
      const char *other = plain ? "--plain" : trust != NULL ? "--trust"
                          : send_files != NULL ? "--send-file" : receive_dir != NULL ? "--receive-dir"
                          : discover ? "--discover" : NULL;

      if (other != NULL)
        {
          g_autofree char *message = g_strdup_printf ("--ipmsg cannot be used with %s", other);

          return usage_error (message);
        }
      local_port = TINCAN_IPMSG_PORT;
    }

  if (discover)
    {
      if (argc > 1)
        return usage_error ("--discover takes no PEER");
      if (no_discovery)
        return usage_error ("--discover and --no-discovery cannot be used together");
      if (plain)
        return usage_error ("--discover needs Tin Can mode: plain text has no key to announce");
      identity = load_identity (identity_path, &error);
      if (identity == NULL)
        return usage_error (error->message);
      return tincan_cli_discover (identity, name, TINCAN_DEFAULT_PORT,
                                  timeout > 0 ? (guint) timeout : TINCAN_CLI_DISCOVER_SECONDS, json);
    }

  if (argc != 2)
    return usage_error (argc < 2 ? "missing PEER (see --help)" : "more than one PEER given");

  /* Looked up once the link has its port, to announce it. */
  by_fingerprint = tincan_cli_is_fingerprint (argv[1]);
  if (by_fingerprint)
    {
      if (ipmsg)
        return usage_error ("a PEER given by fingerprint needs Tin Can mode, not --ipmsg");
      if (plain)
        return usage_error ("a PEER given by fingerprint needs Tin Can mode");
      if (no_discovery)
        return usage_error ("a PEER given by fingerprint is found by discovery: not with --no-discovery");
    }
  else if (!tincan_address_parse_peer (argv[1], ipmsg ? TINCAN_IPMSG_PORT : TINCAN_DEFAULT_PORT,
                                       &host, &peer_port, &error))
    return usage_error (error->message);

  if (listen != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (listen, 10, 0, G_MAXUINT16, &value, NULL))
        return usage_error ("--listen: the port must be a number from 0 to 65535");
      local_port = value;
    }

  if (send != NULL && file != NULL)
    return usage_error ("--send and --file cannot be used together");

  if (count < 0)
    return usage_error ("--count must not be negative");

  if (trust != NULL && plain)
    return usage_error ("--trust needs Tin Can mode: plain text is not encrypted");

  if (plain && (send_files != NULL || receive_dir != NULL))
    return usage_error ("--send-file and --receive-dir need Tin Can mode: plain text has no files");

  if (send_files != NULL && (send != NULL || file != NULL))
    return usage_error ("--send-file cannot be used with --send or --file");

  /* Plain text and IP Messenger have no use for it, and make no file. */
  if (!plain && !ipmsg)
    {
      identity = load_identity (identity_path, &error);
      if (identity == NULL)
        return usage_error (error->message);
    }

  if (history != NULL)
    {
      store = tincan_store_new (history, &error);
      if (store == NULL)
        return usage_error (error->message);
      if (tincan_store_get_moved_aside (store) != NULL)
        g_printerr ("tincan-cli: the history was damaged; it was moved to %s\n",
                    tincan_store_get_moved_aside (store));
    }

  link = tincan_link_new (local_port,
                          ipmsg ? TINCAN_MODE_IPMSG : plain ? TINCAN_MODE_PLAIN : TINCAN_MODE_RELIABLE,
                          &error);
  if (link == NULL)
    return usage_error (error->message);

  /* Found and answering, unless told to stay silent; plain text has no
   * key to announce.
   */
  if (!plain && !ipmsg && !no_discovery)
    discovery = tincan_cli_discovery_new (identity, name, tincan_link_get_local_port (link));

  if (by_fingerprint)
    {
      guint seconds = timeout > 0 ? (guint) timeout : TINCAN_CLI_LOOKUP_SECONDS;

      if (discovery == NULL)
        return 2;
      if (!tincan_cli_look_up (discovery, argv[1], seconds, &host, &peer_port))
        {
          g_printerr ("tincan-cli: nobody with fingerprint %s answered within %u s\n", argv[1], seconds);
          return 1;
        }
      /* The announced key is a claim: the handshake must prove it. */
      if (trust == NULL)
        trust = g_strdup (argv[1]);
    }
  else if (discovery != NULL)
    tincan_discovery_announce (discovery);

  loop = g_main_loop_new (NULL, FALSE);
  cli.loop = loop;
  cli.link = link;
  cli.identity = identity;
  cli.store = store;
  cli.peer = g_strdup_printf ("%s:%u", host, peer_port);
  cli.trust = trust;
  cli.verified = trust != NULL;
  cli.json = json;
  cli.count = count;
  cli.cancellable = g_cancellable_new ();
  cli.interrupted = g_cancellable_new ();
  g_unix_signal_add (SIGINT, on_signal_cb, &cli);
  g_unix_signal_add (SIGTERM, on_signal_cb, &cli);

  tincan_link_set_display_name (link, name);

  g_signal_connect (link, "message-received", G_CALLBACK (on_message_received_cb), &cli);
  g_signal_connect (link, "notify::presence", G_CALLBACK (on_presence_cb), &cli);
  g_signal_connect (link, "peer-error", G_CALLBACK (on_peer_error_cb), &cli);
  g_signal_connect (link, "datagram-ignored", G_CALLBACK (on_datagram_ignored_cb), &cli);
  g_signal_connect (link, "notify::refused-key", G_CALLBACK (on_refused_key_cb), &cli);

  if (identity != NULL)
    {
      tincan_link_set_static_key (link, tincan_identity_get_private_key (identity));
      tincan_link_set_trust_func (link, trust_cb, &cli, NULL);
    }

  print_event (&cli, "ready", "port", "i", (gint64) tincan_link_get_local_port (link), NULL);

  /* Files are welcome from the first hello on: before the peer is set. */
  if (!plain && !ipmsg)
    {
      files = tincan_cli_files_new (link, json, on_file_finished_cb, &cli);
      cli.files = files;
      if (receive_dir != NULL && !tincan_cli_files_set_receive_dir (files, receive_dir, &error))
        return usage_error (error->message);
    }

  /* The identity goes in the first hello, so before the peer is set. */
  if (store != NULL)
    {
      outbox = tincan_outbox_new (store);
      cli.outbox = outbox;
      tincan_outbox_attach (outbox, link);
      g_signal_connect (store, "write-failed", G_CALLBACK (on_write_failed_cb), &cli);
      g_signal_connect (outbox, "message-resumed", G_CALLBACK (on_message_resumed_cb), &cli);
    }

  tincan_link_set_peer (link, host, peer_port);

  if (outbox != NULL)
    {
      if (!tincan_outbox_load (outbox, &error))
        return usage_error (error->message);
      tincan_outbox_resume (outbox);
    }

  if (timeout > 0)
    g_timeout_add_seconds (timeout, on_timeout_cb, &cli);

  if (send_files != NULL)
    {
      cli.input_done = TRUE;
      for (guint i = 0; send_files[i] != NULL; i++)
        if (!tincan_cli_files_send (files, send_files[i], identity, &error))
          return usage_error (error->message);
    }
  else if (send != NULL)
    {
      cli.input_done = TRUE;
      send_text (&cli, send);
    }
  else if (file != NULL)
    {
      g_autofree char *contents = read_file (file, &error);

      cli.input_done = TRUE;
      if (contents == NULL)
        return usage_error (error->message);
      send_text (&cli, contents);
    }
  else
    {
      g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (STDIN_FILENO, FALSE);

      cli.input = g_data_input_stream_new (stdin_stream);
      g_data_input_stream_set_newline_type (cli.input, G_DATA_STREAM_NEWLINE_TYPE_LF);
      read_next_line (&cli);
    }

  if (cli.status == 0)
    maybe_finish (&cli);

  /* Unless set-up failed: a goodbye, too, takes the loop. */
  if (cli.closing || !g_cancellable_is_cancelled (cli.cancellable))
    g_main_loop_run (loop);

  /* Left undelivered: it stays in the outbox as it is, for the next run. */
  if (outbox != NULL)
    tincan_outbox_detach (outbox);

  cli.files = NULL;
  if (!cli.closing)
    g_clear_handle_id (&cli.finish_later, g_source_remove);
  g_clear_pointer (&files, tincan_cli_files_free);
  g_clear_object (&cli.input);
  g_clear_object (&cli.cancellable);
  g_clear_pointer (&cli.peer, g_free);
  g_clear_object (&cli.interrupted);

  return cli.status;
}

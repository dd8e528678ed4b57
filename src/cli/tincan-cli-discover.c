/* tincan-cli-discover.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tincan-cli's side of discovery: --discover, which asks who is there,
 * listens for -t seconds and then prints each person found once, and a
 * PEER given by fingerprint, which is looked up the same way and then
 * talked to at the address it announced.  The people found are kept in a
 * TincanNearby, so a flood of forged announcements prints at most
 * TINCAN_NEARBY_MAX_PEOPLE of them.  An announced key is only a claim:
 * the caller talks to a looked-up peer with --trust semantics, so the
 * handshake proves it.
 *
 * --discover also lists IP Messenger users: it binds the IPMsg port
 * (TincanIpmsg), says BR_ENTRY and prints whoever entered or answered,
 * with "mode": "ipmsg" (Tin Can people have "mode": "tincan").  If
 * another program has the port, it says so and lists Tin Can people
 * only.
 */

#define G_LOG_DOMAIN "tincan-cli"

#include "config.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tincan-cli-discover.h"
#include "tincan-ipmsg.h"
#include "tincan-nearby.h"
#include "tincan-settings.h"

/* The fingerprint's 32 hex digits, without the spaces. */
static char *
squeeze_fingerprint (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (digits, g_ascii_tolower (*p));

  return g_string_free (digits, FALSE);
}

/**
 * tincan_cli_is_fingerprint:
 * @text: a PEER from the command line
 *
 * Returns: %TRUE if @text is a fingerprint, as --fingerprint prints it
 *   (8 groups of 4 hex digits), or the same 32 digits without spaces
 */
gboolean
tincan_cli_is_fingerprint (const char *text)
{
  g_autofree char *digits = squeeze_fingerprint (text);
  gsize length = strlen (digits);

  if (length != 32)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (digits[i]))
      return FALSE;

  return TRUE;
}

static gboolean
key_has_fingerprint (GBytes     *key,
                     const char *fingerprint)
{
  g_autofree char *formatted = tincan_key_format_fingerprint (g_bytes_get_data (key, NULL));
  g_autofree char *a = squeeze_fingerprint (formatted);
  g_autofree char *b = squeeze_fingerprint (fingerprint);

  return g_str_equal (a, b);
}

/**
 * tincan_cli_discovery_new:
 * @identity: the identity to announce
 * @name: the display name to announce
 * @chat_port: the chat port to announce
 *
 * Returns: (transfer full) (nullable): discovery, listening and
 *   answering; %NULL, said on stderr, if it cannot even open a socket
 */
TincanDiscovery *
tincan_cli_discovery_new (TincanIdentity *identity,
                          const char     *name,
                          guint16         chat_port)
{
  g_autoptr(GError) error = NULL;
  TincanDiscovery *discovery;

  discovery = tincan_discovery_new (tincan_identity_get_public_key (identity), chat_port, 0, &error);
  if (discovery == NULL)
    {
      g_printerr ("tincan-cli: no discovery: %s\n", error->message);
      return NULL;
    }

  tincan_discovery_set_display_name (discovery, name);

  return discovery;
}

/* "10.23.0.2", "fd23::2", or "fe80::1%eth0": a link-local address is
 * nothing without its interface.
 */
static char *
format_address (GInetSocketAddress *address)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);
  g_autofree char *text = g_inet_address_to_string (inet);
  guint32 scope = 0;
  char name[IF_NAMESIZE];

  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    scope = g_inet_socket_address_get_scope_id (address);

  if (scope != 0 && g_inet_address_get_is_link_local (inet) && if_indextoname (scope, name) != NULL)
    return g_strdup_printf ("%s%%%s", text, name);

  return g_steal_pointer (&text);
}

typedef struct
{
  GMainLoop    *loop;
  TincanNearby *nearby;
  TincanIpmsg  *ipmsg;         /* asked again halfway too */
  TincanDiscovery *discovery;
  const char   *fingerprint;   /* looking up one person */
  char         *host;          /* and where they are */
  guint16       port;
} Search;

static void
on_person_found_cb (TincanDiscovery    *discovery,
                    const char         *name,
                    GBytes             *key,
                    GInetSocketAddress *address,
                    guint               version,
                    Search             *search)
{
  GInetAddress *inet = g_inet_socket_address_get_address (address);

  if (search->nearby != NULL)
    tincan_nearby_add (search->nearby, name, key, address, version, g_get_monotonic_time ());

  if (search->fingerprint == NULL || search->host != NULL
      || !key_has_fingerprint (key, search->fingerprint))
    return;

  /* The chat's host has no room for an interface. */
  if (g_inet_address_get_is_link_local (inet))
    return;

  search->host = g_inet_address_to_string (inet);
  search->port = g_inet_socket_address_get_port (address);
  g_main_loop_quit (search->loop);
}

static gboolean
on_search_over_cb (gpointer user_data)
{
  Search *search = user_data;

  g_main_loop_quit (search->loop);

  return G_SOURCE_REMOVE;
}

/* Asks again halfway, for whoever missed the first question. */
static gboolean
on_ask_again_cb (gpointer user_data)
{
  Search *search = user_data;

  tincan_discovery_query (search->discovery);
  if (search->ipmsg != NULL)
    tincan_ipmsg_refresh (search->ipmsg);

  return G_SOURCE_REMOVE;
}

static GSource *
add_source (GSource     *source,
            GSourceFunc  func,
            gpointer     data)
{
  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, NULL);

  return source;
}

/* Runs the loop until @search ends or @seconds pass; SIGINT and
 * SIGTERM end it too.
 */
static void
run_search (TincanDiscovery *discovery,
            Search          *search,
            guint            seconds)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GSource *sources[4];
  gulong handler;

  search->loop = loop;
  search->discovery = discovery;
  handler = g_signal_connect (discovery, "person-found", G_CALLBACK (on_person_found_cb), search);
  sources[0] = add_source (g_timeout_source_new (seconds * 1000), on_search_over_cb, search);
  sources[1] = add_source (g_timeout_source_new (seconds * 500), on_ask_again_cb, search);
  sources[2] = add_source (g_unix_signal_source_new (SIGINT), on_search_over_cb, search);
  sources[3] = add_source (g_unix_signal_source_new (SIGTERM), on_search_over_cb, search);

  tincan_discovery_query (discovery);
  g_main_loop_run (loop);

  /* Destroying one that already ran is harmless. */
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_source_destroy (sources[i]);
      g_source_unref (sources[i]);
    }
  g_signal_handler_disconnect (discovery, handler);
  search->loop = NULL;
}

static void
print_person (const TincanNearbyPerson *person,
              gboolean                  json)
{
  g_autofree char *fingerprint = tincan_key_format_fingerprint (person->key);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < person->n_addresses; i++)
    g_ptr_array_add (addresses, format_address (person->addresses[i]));

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, "nearby");
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, "tincan");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, person->name);
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, fingerprint);
      json_builder_set_member_name (builder, "addresses");
      json_builder_begin_array (builder);
      for (guint i = 0; i < addresses->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (addresses, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, person->port);
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, person->version);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      line = json_generator_to_data (generator, NULL);
      fputs (line, stdout);
      fputc ('\n', stdout);
    }
  else
    {
      g_ptr_array_add (addresses, NULL);
      g_autofree char *joined = g_strjoinv (" ", (char **) addresses->pdata);

      /* Tabs between the fields: a name may hold spaces. */
      printf ("%s\t%s\t%s\t%u\t%u\n", person->name, fingerprint, joined, person->port, person->version);
    }

  fflush (stdout);
}

static void
print_line (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *line = NULL;

  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);
  fputs (line, stdout);
  fputc ('\n', stdout);
}

static void
print_ipmsg_user (const TincanIpmsgUser *user,
                  gboolean               json)
{
  g_autofree char *address = format_address (user->address);
  guint port = g_inet_socket_address_get_port (user->address);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, "nearby");
      json_builder_set_member_name (builder, "mode");
      json_builder_add_string_value (builder, "ipmsg");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, user->name);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, address);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, port);
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, user->user);
      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, user->host);
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, user->version);
      json_builder_end_object (builder);
      print_line (builder);
    }
  else
    printf ("%s\tipmsg %s@%s\t%s\t%u\t%s\n", user->name,
            user->user, user->host, address, port, user->version);

  fflush (stdout);
}

/* IP Messenger's port, for --discover; %NULL, said on stderr, if
 * another program has it.
 */
static TincanIpmsg *
open_ipmsg (const char *name)
{
  g_autoptr(GError) error = NULL;
  TincanIpmsg *ipmsg = tincan_ipmsg_new (TINCAN_IPMSG_PORT, &error);

  if (ipmsg == NULL)
    {
      g_printerr ("tincan-cli: IP Messenger users are not listed: %s\n", error->message);
      return NULL;
    }

  tincan_ipmsg_set_nickname (ipmsg, name);
  tincan_ipmsg_start (ipmsg);

  return ipmsg;
}

/**
 * tincan_cli_discover:
 * @identity: the identity to announce
 * @name: the display name to announce
 * @chat_port: the chat port to announce
 * @seconds: how long to listen
 * @json: print JSON `nearby` events rather than lines of tab-separated fields
 *
 * --discover: announces and asks who is there, listens for @seconds,
 * then prints each person found once, IP Messenger users too (BR_ENTRY,
 * and BR_EXIT when done).
 *
 * Returns: the exit status: 0 if anyone was found, 1 if nobody, 2 if
 *   discovery could not start
 */
int
tincan_cli_discover (TincanIdentity *identity,
                     const char     *name,
                     guint16         chat_port,
                     guint           seconds,
                     gboolean        json)
{
  g_autoptr(TincanDiscovery) discovery = tincan_cli_discovery_new (identity, name, chat_port);
  g_autoptr(TincanNearby) nearby = NULL;
  g_autoptr(TincanIpmsg) ipmsg = NULL;
  Search search = { 0 };
  guint n_people;

  if (discovery == NULL)
    return 2;

  nearby = tincan_nearby_new ();
  search.nearby = nearby;
  search.ipmsg = ipmsg = open_ipmsg (name);
  run_search (discovery, &search, seconds);

  n_people = tincan_nearby_get_n_people (nearby);
  for (guint i = 0; i < n_people; i++)
    print_person (tincan_nearby_get_person (nearby, i), json);

  if (ipmsg != NULL)
    {
      GPtrArray *users = tincan_ipmsg_list_users (ipmsg);

      for (guint i = 0; i < users->len; i++)
        print_ipmsg_user (g_ptr_array_index (users, i), json);
      n_people += users->len;
      tincan_ipmsg_stop (ipmsg);
    }

  if (n_people == 0)
    g_printerr ("tincan-cli: nobody found within %u s\n", seconds);

  return n_people > 0 ? 0 : 1;
}

/**
 * tincan_cli_look_up:
 * @discovery: discovery, open
 * @fingerprint: the fingerprint of the person's key
 * @seconds: how long to look
 * @host: (out): where they said they are
 * @port: (out): their chat port
 *
 * A link-local IPv6 address is not taken: the chat's host has no
 * interface.
 *
 * Returns: %TRUE if someone announced a key with @fingerprint
 */
gboolean
tincan_cli_look_up (TincanDiscovery  *discovery,
                    const char       *fingerprint,
                    guint             seconds,
                    char            **host,
                    guint16          *port)
{
  Search search = { 0 };

  search.fingerprint = fingerprint;
  run_search (discovery, &search, seconds);

  if (search.host == NULL)
    return FALSE;

  *host = search.host;
  *port = search.port;

  return TRUE;
}

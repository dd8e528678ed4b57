/* tincan-people-peer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people hub without a window, for the tests that run it in network
 * namespaces (test-people-netns.py): a TincanPeople with its own history
 * and identity, discovery on, driven by lines on stdin and telling what
 * happens as JSON lines on stdout.
 *
 *   start FINGERPRINT        start the conversation with someone listed
 *   add HOST PORT            add a person by address
 *   send FINGERPRINT TEXT    write to someone listed
 *   send-to ADDRESS TEXT     write to someone listed at ADDRESS (HOST:PORT), as
 *                            an IP Messenger user, who has no fingerprint, is
 *   quit                     say goodbye and exit
 *
 * Events: ready {fingerprint, port}; person {fingerprint, name, address,
 * mode, nearby, presence} whenever one of those changes; message {fingerprint,
 * text}; delivered {fingerprint, text}; waiting {fingerprint, text};
 * key-changed {fingerprint} (the person's pinned key) when a handshake
 * showed another; error {text}.
 *
 * Usage: tincan-people-peer --history PATH --identity PATH --port PORT --name NAME
 *                           [--no-discovery] [--ipmsg]
 *
 * IP Messenger stays off unless --ipmsg: it broadcasts on UDP 2425, so
 * only a test in a network namespace of its own turns it on.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <gio/gunixinputstream.h>
#include <stdlib.h>

#include "tincan-identity.h"
#include "tincan-people.h"

typedef struct
{
  GMainLoop        *loop;
  TincanPeople     *people;
  GDataInputStream *input;
  GHashTable       *followed;   /* TincanChat → itself */
} Peer;

static void
emit (const char *event,
      ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *name;
  va_list args;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);

  va_start (args, event);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, value);
    }
  va_end (args);

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  /* UTF-8 as it is: g_print() would convert it to the locale's charset,
   * which is ASCII here, as nothing calls setlocale().
   */
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static const char *
presence_name (TincanPresence presence)
{
  switch (presence)
    {
    case TINCAN_PRESENCE_ONLINE:
      return "online";
    case TINCAN_PRESENCE_OFFLINE:
      return "offline";
    case TINCAN_PRESENCE_NOT_LISTENING:
      return "not-listening";
    case TINCAN_PRESENCE_UNKNOWN:
    default:
      return "unknown";
    }
}

static const char *
mode_name (TincanMode mode)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TINCAN_TYPE_MODE);
  GEnumValue *value = g_enum_get_value (klass, mode);

  return value != NULL ? value->value_nick : "unknown";
}

static void
emit_person (TincanPerson *person)
{
  emit ("person",
        "fingerprint", tincan_person_get_fingerprint (person) ? tincan_person_get_fingerprint (person) : "",
        "name", tincan_person_get_name (person) ? tincan_person_get_name (person) : "",
        "address", tincan_person_get_address (person) ? tincan_person_get_address (person) : "",
        "mode", mode_name (tincan_person_get_mode (person)),
        "nearby", tincan_person_get_nearby (person) ? "true" : "false",
        "presence", presence_name (tincan_person_get_presence (person)),
        NULL);
}

static TincanPerson *
find_person (Peer       *peer,
             const char *fingerprint)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (peer->people));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (peer->people), i);

      if (g_strcmp0 (tincan_person_get_fingerprint (person), fingerprint) == 0)
        return person;
    }

  return NULL;
}

static TincanPerson *
find_person_at (Peer       *peer,
                const char *address)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (peer->people));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (peer->people), i);

      if (g_strcmp0 (tincan_person_get_address (person), address) == 0)
        return person;
    }

  return NULL;
}

static void
on_message_state_cb (TincanMessage *message,
                     GParamSpec    *pspec,
                     TincanPerson  *person)
{
  const char *fingerprint = tincan_person_get_fingerprint (person);

  if (tincan_message_get_state (message) == TINCAN_MESSAGE_DELIVERED)
    emit ("delivered", "fingerprint", fingerprint ? fingerprint : "",
          "text", tincan_message_get_text (message), NULL);
}

static void
on_waiting_cb (TincanMessage *message,
               GParamSpec    *pspec,
               TincanPerson  *person)
{
  const char *fingerprint = tincan_person_get_fingerprint (person);

  if (tincan_message_get_waiting_for (message) != NULL)
    emit ("waiting", "fingerprint", fingerprint ? fingerprint : "",
          "text", tincan_message_get_text (message), NULL);
}

static void
on_message_received_cb (TincanPerson  *person,
                        TincanMessage *message)
{
  const char *fingerprint = tincan_person_get_fingerprint (person);

  emit ("message", "fingerprint", fingerprint ? fingerprint : "",
        "text", tincan_message_get_text (message), NULL);
}

static void
on_key_changed_cb (TincanPerson *person,
                   GParamSpec   *pspec,
                   TincanChat   *chat)
{
  const char *fingerprint = tincan_person_get_fingerprint (person);

  if (tincan_chat_get_key_changed (chat))
    emit ("key-changed", "fingerprint", fingerprint ? fingerprint : "", NULL);
}

static void
follow_chats (Peer *peer)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (peer->people));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (G_LIST_MODEL (peer->people), i);
      TincanChat *chat = tincan_person_get_chat (person);

      if (chat == NULL || g_hash_table_contains (peer->followed, chat))
        continue;

      g_hash_table_add (peer->followed, chat);
      g_signal_connect_object (chat, "message-received",
                               G_CALLBACK (on_message_received_cb), person, G_CONNECT_SWAPPED);
      g_signal_connect_object (chat, "notify::key-changed",
                               G_CALLBACK (on_key_changed_cb), person, G_CONNECT_SWAPPED);
    }
}

static void
on_person_notify_cb (TincanPerson *person,
                     GParamSpec   *pspec,
                     Peer         *peer)
{
  if (g_str_equal (pspec->name, "chat"))
    follow_chats (peer);

  if (g_str_equal (pspec->name, "fingerprint") || g_str_equal (pspec->name, "name")
      || g_str_equal (pspec->name, "address") || g_str_equal (pspec->name, "nearby")
      || g_str_equal (pspec->name, "presence"))
    emit_person (person);
}

static void
on_people_changed_cb (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Peer       *peer)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);

      if (g_object_get_data (G_OBJECT (person), "tincan-followed") != NULL)
        continue;

      g_object_set_data (G_OBJECT (person), "tincan-followed", peer);
      g_signal_connect (person, "notify", G_CALLBACK (on_person_notify_cb), peer);
      emit_person (person);
    }

  follow_chats (peer);
}

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Peer *peer = user_data;

  tincan_people_close_finish (TINCAN_PEOPLE (object), result, NULL);
  g_main_loop_quit (peer->loop);
}

static void
run_command (Peer *peer,
             char *line)
{
  g_auto(GStrv) words = g_strsplit (g_strstrip (line), " ", 2);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (words[0], "quit") == 0)
    {
      tincan_people_close_async (peer->people, NULL, on_closed_cb, peer);
      return;
    }

  if (g_strcmp0 (words[0], "add") == 0 && words[1] != NULL)
    {
      g_auto(GStrv) where = g_strsplit (words[1], " ", 2);

      if (where[1] == NULL
          || tincan_people_add_by_address (peer->people, where[0], (guint16) atoi (where[1]),
                                           TINCAN_MODE_RELIABLE, &error) == NULL)
        emit ("error", "text", error ? error->message : "add HOST PORT", NULL);
      return;
    }

  if (g_strcmp0 (words[0], "start") == 0 && words[1] != NULL)
    {
      TincanPerson *person = find_person (peer, words[1]);

      if (person == NULL)
        emit ("error", "text", "nobody with that fingerprint", NULL);
      else if (tincan_people_start_conversation (peer->people, person, &error) == NULL)
        emit ("error", "text", error->message, NULL);
      return;
    }

  if (g_strcmp0 (words[0], "send-to") == 0 && words[1] != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (words[1], " ", 2);
      TincanPerson *person = find_person_at (peer, parts[0]);
      TincanChat *chat;
      TincanMessage *message;

      if (parts[1] == NULL || person == NULL)
        {
          emit ("error", "text", person == NULL ? "nobody at that address" : "send-to ADDRESS TEXT", NULL);
          return;
        }
      chat = tincan_people_start_conversation (peer->people, person, &error);
      message = chat != NULL ? tincan_chat_send (chat, parts[1], &error) : NULL;
      if (message == NULL)
        {
          emit ("error", "text", error->message, NULL);
          return;
        }
      g_signal_connect_object (message, "notify::state", G_CALLBACK (on_message_state_cb), person, 0);
      return;
    }

  if (g_strcmp0 (words[0], "send") == 0 && words[1] != NULL)
    {
      /* A fingerprint has spaces: its 8 groups, then the text. */
      g_auto(GStrv) parts = g_strsplit (words[1], " ", 9);
      g_autofree char *fingerprint = NULL;
      TincanPerson *person;
      TincanChat *chat;
      TincanMessage *message;

      if (g_strv_length (parts) < 9)
        {
          emit ("error", "text", "send FINGERPRINT TEXT", NULL);
          return;
        }
      fingerprint = g_strjoinv (" ", (char *[]) { parts[0], parts[1], parts[2], parts[3],
                                                  parts[4], parts[5], parts[6], parts[7], NULL });
      person = find_person (peer, fingerprint);
      chat = person ? tincan_people_start_conversation (peer->people, person, &error) : NULL;
      if (chat == NULL)
        {
          emit ("error", "text", error ? error->message : "nobody with that fingerprint", NULL);
          return;
        }

      message = tincan_chat_send (chat, parts[8], &error);
      if (message == NULL)
        {
          emit ("error", "text", error->message, NULL);
          return;
        }
      g_signal_connect_object (message, "notify::state", G_CALLBACK (on_message_state_cb), person, 0);
      g_signal_connect_object (message, "notify::waiting-for", G_CALLBACK (on_waiting_cb), person, 0);
      return;
    }

  emit ("error", "text", "unknown command", NULL);
}

static void
on_line_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (peer->input, result, NULL, &error);

  if (line == NULL)
    {
      /* End of input: leave as "quit" does. */
      tincan_people_close_async (peer->people, NULL, on_closed_cb, peer);
      return;
    }

  run_command (peer, line);
  g_data_input_stream_read_line_async (peer->input, G_PRIORITY_DEFAULT, NULL, on_line_read_cb, peer);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *history = NULL;
  g_autofree char *identity_path = NULL;
  g_autofree char *name = NULL;
  int port = 2323;
  gboolean no_discovery = FALSE;
  gboolean ipmsg = FALSE;
  const GOptionEntry entries[] = {
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history, "History", "PATH" },
    { "identity", 0, 0, G_OPTION_ARG_FILENAME, &identity_path, "Identity", "PATH" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Local port", "PORT" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Display name", "NAME" },
    { "no-discovery", 0, 0, G_OPTION_ARG_NONE, &no_discovery, "Stay silent on the network", NULL },
    { "ipmsg", 0, 0, G_OPTION_ARG_NONE, &ipmsg, "Talk to IP Messenger and iptux on UDP 2425", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) gsettings = NULL;
  g_autoptr(TincanSettings) settings = NULL;
  g_autoptr(TincanIdentity) identity = NULL;
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *port_text = NULL;
  Peer peer = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || history == NULL
      || identity_path == NULL)
    {
      g_printerr ("tincan-people-peer: %s\n", error ? error->message : "--history and --identity");
      return 2;
    }

  identity = tincan_identity_load (identity_path, &error);
  if (identity == NULL)
    {
      g_printerr ("tincan-people-peer: %s\n", error->message);
      return 2;
    }
  fingerprint = tincan_identity_dup_fingerprint (identity);

  gsettings = g_settings_new_with_backend (BASE_ID, backend);
  g_settings_set_int (gsettings, "local-port", port);
  g_settings_set_string (gsettings, "display-name", name ? name : "Someone");
  g_settings_set_boolean (gsettings, "discovery", !no_discovery);
  g_settings_set_boolean (gsettings, "ipmsg", ipmsg && !no_discovery);
  settings = tincan_settings_new (gsettings);

  peer.loop = g_main_loop_new (NULL, FALSE);
  peer.followed = g_hash_table_new (NULL, NULL);
  peer.people = tincan_people_new (settings, history, identity_path);
  g_signal_connect (peer.people, "items-changed", G_CALLBACK (on_people_changed_cb), &peer);
  on_people_changed_cb (G_LIST_MODEL (peer.people), 0, 0,
                        g_list_model_get_n_items (G_LIST_MODEL (peer.people)), &peer);

  port_text = g_strdup_printf ("%d", port);
  emit ("ready", "fingerprint", fingerprint, "port", port_text, NULL);

  stdin_stream = g_unix_input_stream_new (0, FALSE);
  peer.input = g_data_input_stream_new (stdin_stream);
  g_data_input_stream_read_line_async (peer.input, G_PRIORITY_DEFAULT, NULL, on_line_read_cb, &peer);

  g_main_loop_run (peer.loop);

  g_clear_object (&peer.input);
  g_signal_handlers_disconnect_by_data (peer.people, &peer);
  g_clear_object (&peer.people);
  g_hash_table_unref (peer.followed);
  g_main_loop_unref (peer.loop);

  return 0;
}

/* test-people-ipmsg.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The people hub with IP Messenger, on loopback: the hub binds
 * 127.0.0.1 on a free port (never 2425), its local network is
 * 127.0.0.0/29 and its "broadcasts" go to one plain socket, which also
 * plays the IPMsg users (tincan-people-private.h).  IP Messenger follows
 * the setting; its users are nearby people in mode IPMSG; a stranger's
 * message makes a person the history keeps in that mode.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <string.h>

#include "tincan-chat.h"
#include "tincan-ipmsg-packet.h"
#include "tincan-people-private.h"
#include "tincan-person.h"
#include "tincan-store.h"
#include "tincan-test-utils.h"

typedef struct
{
  char             *folder;
  char             *history;
  char             *identity;
  GSettingsBackend *backend;
  GSettings        *gsettings;
  TincanSettings   *settings;
  TincanPeople     *people;
  guint16           port;
  GSocket          *user;       /* an IPMsg user at 127.0.0.3, and where broadcasts go */
  GPtrArray        *targets;
} Fixture;

static GInetSocketAddress *
user_address (Fixture *fixture)
{
  return G_INET_SOCKET_ADDRESS (g_socket_get_local_address (fixture->user, NULL));
}

static void
setup_ipmsg (Fixture *fixture)
{
  const TincanLocalInterface interfaces[] = { { "127.0.0.1", 29, NULL } };
  g_autoptr(TincanLocalNet) net = tincan_local_net_new_for_interfaces (interfaces, 1);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("127.0.0.1");

  tincan_people_set_ipmsg_test_setup (fixture->people, address, fixture->port, net, fixture->targets);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("127.0.0.3");
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (address, 0);

  fixture->folder = g_dir_make_tmp ("tincan-people-ipmsg-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->history = g_build_filename (fixture->folder, "history.sqlite", NULL);
  fixture->identity = g_build_filename (fixture->folder, "identity", NULL);

  fixture->backend = g_memory_settings_backend_new ();
  fixture->gsettings = g_settings_new_with_backend (BASE_ID, fixture->backend);
  g_settings_set_int (fixture->gsettings, "local-port", tincan_test_unused_port ());
  g_settings_set_boolean (fixture->gsettings, "discovery", FALSE);
  /* Off until the test's set-up is in place: never the real network. */
  g_settings_set_boolean (fixture->gsettings, "ipmsg", FALSE);
  fixture->settings = tincan_settings_new (fixture->gsettings);
  tincan_settings_set_display_name (fixture->settings, "Ada");

  fixture->user = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (fixture->user, FALSE);
  g_assert_true (g_socket_bind (fixture->user, bind_address, FALSE, &error));
  g_assert_no_error (error);
  fixture->targets = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (fixture->targets, user_address (fixture));
  fixture->port = tincan_test_unused_port ();

  fixture->people = tincan_people_new (fixture->settings, fixture->history, fixture->identity);
  setup_ipmsg (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->people);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->gsettings);
  g_clear_object (&fixture->backend);
  g_clear_object (&fixture->user);
  g_clear_pointer (&fixture->targets, g_ptr_array_unref);
  tincan_test_remove_tree (fixture->folder);
  g_free (fixture->folder);
  g_free (fixture->history);
  g_free (fixture->identity);
}

static void
user_send (Fixture    *fixture,
           const char *text,
           gsize       length)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketAddress) to = g_inet_socket_address_new (loopback, fixture->port);

  g_assert_cmpint (g_socket_send_to (fixture->user, to, text, length, NULL, NULL), ==, length);
}

/* An iptux datagram: @command, then @extra and a NUL, then @extra2. */
static void
user_send_packet (Fixture    *fixture,
                  guint32     command,
                  const char *extra,
                  const char *extra2)
{
  g_autofree char *head = g_strdup_printf ("1_iptux 0.8.3:%u:bob:box:%u:",
                                           tincan_ipmsg_next_packet_number (), command);
  g_autoptr(GByteArray) datagram = g_byte_array_new ();

  g_byte_array_append (datagram, (const guint8 *) head, strlen (head));
  g_byte_array_append (datagram, (const guint8 *) extra, strlen (extra) + 1);
  g_byte_array_append (datagram, (const guint8 *) extra2, strlen (extra2) + 1);
  user_send (fixture, (const char *) datagram->data, datagram->len);
}

/* The datagrams that came within @ms, as they came. */
static GPtrArray *
user_collect_datagrams (Fixture *fixture,
                        guint    ms)
{
  GPtrArray *datagrams = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  guint8 buffer[TINCAN_IPMSG_MAX_DATAGRAM];

  while (g_get_monotonic_time () < end)
    {
      gssize n;

      g_main_context_iteration (NULL, FALSE);
      n = g_socket_receive (fixture->user, (char *) buffer, sizeof buffer, NULL, NULL);
      if (n > 0)
        g_ptr_array_add (datagrams, g_bytes_new (buffer, n));
      else
        g_usleep (1000);
    }

  return datagrams;
}

/* The commands of the datagrams that came within @ms. */
static GArray *
user_collect (Fixture *fixture,
              guint    ms)
{
  g_autoptr(GPtrArray) datagrams = user_collect_datagrams (fixture, ms);
  GArray *commands = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < datagrams->len; i++)
    {
      TincanIpmsgPacket packet = { 0 };
      guint32 command = G_MAXUINT32;
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (datagrams, i), &length);

      if (tincan_ipmsg_packet_parse (data, length, &packet) == TINCAN_IPMSG_PARSE_OK)
        command = packet.command & TINCAN_IPMSG_COMMAND_MASK;
      tincan_ipmsg_packet_clear (&packet);
      g_array_append_val (commands, command);
    }

  return commands;
}

static TincanPerson *
find_ipmsg_person (Fixture *fixture)
{
  g_autoptr(GInetSocketAddress) address = user_address (fixture);
  g_autofree char *text = g_strdup_printf ("127.0.0.3:%u", g_inet_socket_address_get_port (address));
  GListModel *model = G_LIST_MODEL (fixture->people);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TincanPerson) person = g_list_model_get_item (model, i);

      if (g_strcmp0 (tincan_person_get_address (person), text) == 0)
        return person;
    }

  return NULL;
}

static gboolean
has_ipmsg_person (gpointer data)
{
  return find_ipmsg_person (data) != NULL;
}

static gboolean
lacks_ipmsg_person (gpointer data)
{
  return find_ipmsg_person (data) == NULL;
}

static gboolean
person_named_carol (gpointer data)
{
  TincanPerson *person = find_ipmsg_person (data);

  return person != NULL && g_strcmp0 (tincan_person_get_name (person), "Carol") == 0;
}

/* The setting starts and stops it; its users come and go as nearby
 * people; the name follows the settings.
 */
static void
test_follow_setting (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GArray) commands = NULL;
  TincanPerson *person;

  g_assert_null (tincan_people_get_ipmsg (fixture->people));
  commands = user_collect (fixture, 100);
  g_assert_cmpuint (commands->len, ==, 0);
  g_clear_pointer (&commands, g_array_unref);

  /* On: BR_ENTRY. */
  tincan_settings_set_ipmsg (fixture->settings, TRUE);
  g_assert_nonnull (tincan_people_get_ipmsg (fixture->people));
  g_assert_null (tincan_people_get_ipmsg_error (fixture->people));
  commands = user_collect (fixture, 300);
  g_assert_cmpuint (commands->len, ==, 1);
  g_assert_cmpuint (g_array_index (commands, guint32, 0), ==, TINCAN_IPMSG_BR_ENTRY);
  g_clear_pointer (&commands, g_array_unref);

  /* Someone enters: nearby, in mode IPMSG, by their nickname. */
  user_send_packet (fixture, TINCAN_IPMSG_BR_ENTRY, "Bob", "");
  g_assert_true (tincan_test_wait_for (has_ipmsg_person, fixture));
  person = find_ipmsg_person (fixture);
  g_assert_true (tincan_person_get_nearby (person));
  g_assert_cmpint (tincan_person_get_mode (person), ==, TINCAN_MODE_IPMSG);
  g_assert_cmpstr (tincan_person_get_name (person), ==, "Bob");
  g_assert_null (tincan_person_get_fingerprint (person));

  /* A new name. */
  user_send_packet (fixture, TINCAN_IPMSG_BR_ABSENCE, "Carol", "");
  g_assert_true (tincan_test_wait_for (person_named_carol, fixture));

  /* Our new name: BR_ABSENCE. */
  commands = user_collect (fixture, 100);
  g_clear_pointer (&commands, g_array_unref);
  tincan_settings_set_display_name (fixture->settings, "Grace");
  commands = user_collect (fixture, 300);
  g_assert_cmpuint (commands->len, ==, 1);
  g_assert_cmpuint (g_array_index (commands, guint32, 0), ==, TINCAN_IPMSG_BR_ABSENCE);
  g_clear_pointer (&commands, g_array_unref);

  /* They quit: off the list. */
  user_send_packet (fixture, TINCAN_IPMSG_BR_EXIT, "Carol", "");
  g_assert_true (tincan_test_wait_for (lacks_ipmsg_person, fixture));

  /* Back, then IP Messenger off: BR_EXIT, and they go with it. */
  user_send_packet (fixture, TINCAN_IPMSG_BR_ENTRY, "Bob", "");
  g_assert_true (tincan_test_wait_for (has_ipmsg_person, fixture));
  commands = user_collect (fixture, 100);
  g_clear_pointer (&commands, g_array_unref);
  tincan_settings_set_ipmsg (fixture->settings, FALSE);
  g_assert_null (tincan_people_get_ipmsg (fixture->people));
  g_assert_null (find_ipmsg_person (fixture));
  commands = user_collect (fixture, 300);
  g_assert_cmpuint (commands->len, ==, 1);
  g_assert_cmpuint (g_array_index (commands, guint32, 0), ==, TINCAN_IPMSG_BR_EXIT);
}

/* Another program has the port: said in words, and tried again. */
static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fixture->port);
  g_autoptr(GSocket) other = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                           G_SOCKET_PROTOCOL_UDP, &error);
  g_autofree char *expected = g_strdup_printf ("UDP port %u is in use by another program, "
                                               "such as iptux or IP Messenger", fixture->port);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (other, address, FALSE, &error));
  g_assert_no_error (error);

  tincan_settings_set_ipmsg (fixture->settings, TRUE);
  g_assert_null (tincan_people_get_ipmsg (fixture->people));
  g_assert_cmpstr (tincan_people_get_ipmsg_error (fixture->people), ==, expected);

  /* The other program quits; the next change of the settings tries again. */
  g_clear_object (&other);
  tincan_settings_set_display_name (fixture->settings, "Grace");
  g_assert_nonnull (tincan_people_get_ipmsg (fixture->people));
  g_assert_null (tincan_people_get_ipmsg_error (fixture->people));

  /* Off: no error to tell. */
  tincan_settings_set_ipmsg (fixture->settings, FALSE);
  g_assert_null (tincan_people_get_ipmsg_error (fixture->people));
}

/* A message from someone not listed makes them a person of the history,
 * in mode IPMSG, with a conversation whose link is on the IPMsg port.
 */
static void
test_stranger_message (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GInetSocketAddress) address = user_address (fixture);
  g_autoptr(TincanStore) store = NULL;
  g_autoptr(GError) error = NULL;
  TincanPerson *person;
  TincanChat *chat;
  gint64 id;

  tincan_settings_set_ipmsg (fixture->settings, TRUE);
  user_send_packet (fixture, TINCAN_IPMSG_SENDMSG | TINCAN_IPMSG_SENDCHECKOPT, "hello", "");
  g_assert_true (tincan_test_wait_for (has_ipmsg_person, fixture));

  person = find_ipmsg_person (fixture);
  g_assert_false (tincan_person_get_nearby (person));
  g_assert_cmpint (tincan_person_get_id (person), >, 0);
  g_assert_cmpint (tincan_person_get_mode (person), ==, TINCAN_MODE_IPMSG);
  chat = tincan_person_get_chat (person);
  g_assert_nonnull (chat);
  g_assert_cmpint (tincan_chat_get_mode (chat), ==, TINCAN_MODE_IPMSG);
  g_assert_false (tincan_chat_get_encrypted (chat));
  g_assert_cmpuint (tincan_port_get_n_links (tincan_ipmsg_get_port (tincan_people_get_ipmsg (fixture->people))),
                    ==, 1);
  id = tincan_person_get_id (person);

  /* Kept in mode IPMSG, and found by address in that mode only.  (Off
   * first: the next hub would not have the test's set-up.)
   */
  tincan_settings_set_ipmsg (fixture->settings, FALSE);
  g_clear_object (&fixture->people);
  store = tincan_store_new (fixture->history, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_store_find_person_by_address (store, "127.0.0.3",
                                                        g_inet_socket_address_get_port (address),
                                                        TINCAN_MODE_IPMSG, NULL), ==, id);
  g_assert_cmpint (tincan_store_find_person_by_address (store, "127.0.0.3",
                                                        g_inet_socket_address_get_port (address),
                                                        TINCAN_MODE_PLAIN, NULL), ==, 0);
  g_clear_object (&store);

  fixture->people = tincan_people_new (fixture->settings, fixture->history, fixture->identity);
  person = tincan_people_find_by_id (fixture->people, id);
  g_assert_nonnull (person);
  g_assert_cmpint (tincan_person_get_mode (person), ==, TINCAN_MODE_IPMSG);
}

static gboolean
has_message (gpointer data)
{
  TincanPerson *person = find_ipmsg_person (data);

  return person != NULL && tincan_person_get_chat (person) != NULL
         && g_list_model_get_n_items (tincan_chat_get_messages (tincan_person_get_chat (person))) > 0;
}

static gboolean
is_delivered (gpointer data)
{
  return tincan_message_get_state (data) == TINCAN_MESSAGE_DELIVERED;
}

/* A conversation with an IP Messenger user, both ways: their message is
 * delivered, acknowledged, counted unread and kept; ours goes as a
 * SENDMSG, and their RECVMSG makes it delivered.
 */
static void
test_conversation (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GPtrArray) datagrams = NULL;
  g_autoptr(TincanMessage) sent = NULL;
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(GError) error = NULL;
  TincanIpmsgPacket packet = { 0 };
  TincanPerson *person;
  TincanChat *chat;
  gboolean acknowledged = FALSE;
  guint32 number = 0;
  gint64 id;

  tincan_settings_set_ipmsg (fixture->settings, TRUE);
  g_clear_pointer (&datagrams, g_ptr_array_unref);
  datagrams = user_collect_datagrams (fixture, 100);   /* the hub's BR_ENTRY */
  g_clear_pointer (&datagrams, g_ptr_array_unref);

  user_send_packet (fixture, TINCAN_IPMSG_SENDMSG | TINCAN_IPMSG_SENDCHECKOPT, "Grüße", "");
  g_assert_true (tincan_test_wait_for (has_message, fixture));
  person = find_ipmsg_person (fixture);
  chat = tincan_person_get_chat (person);
  first = g_list_model_get_item (tincan_chat_get_messages (chat), 0);
  g_assert_cmpstr (tincan_message_get_text (first), ==, "Grüße");
  g_assert_false (tincan_message_get_outgoing (first));
  g_assert_cmpuint (tincan_person_get_unread (person), ==, 1);

  /* Acknowledged (the link's RECVMSG). */
  datagrams = user_collect_datagrams (fixture, 300);
  for (guint i = 0; i < datagrams->len; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (datagrams, i), &length);

      if (tincan_ipmsg_packet_parse (data, length, &packet) == TINCAN_IPMSG_PARSE_OK
          && (packet.command & TINCAN_IPMSG_COMMAND_MASK) == TINCAN_IPMSG_RECVMSG)
        acknowledged = TRUE;
      tincan_ipmsg_packet_clear (&packet);
    }
  g_assert_true (acknowledged);
  g_clear_pointer (&datagrams, g_ptr_array_unref);

  /* Ours: a SENDMSG, delivered by their RECVMSG. */
  sent = g_object_ref (tincan_chat_send (chat, "Hello from Tin Can", &error));
  g_assert_no_error (error);
  datagrams = user_collect_datagrams (fixture, 300);
  for (guint i = 0; i < datagrams->len && number == 0; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (datagrams, i), &length);

      if (tincan_ipmsg_packet_parse (data, length, &packet) == TINCAN_IPMSG_PARSE_OK
          && (packet.command & TINCAN_IPMSG_COMMAND_MASK) == TINCAN_IPMSG_SENDMSG)
        {
          g_assert_cmpmem (g_bytes_get_data (packet.extra, NULL), g_bytes_get_size (packet.extra),
                           "Hello from Tin Can", 18);
          number = packet.packet_number;
        }
      tincan_ipmsg_packet_clear (&packet);
    }
  g_assert_cmpuint (number, >, 0);
  {
    g_autofree char *extra = g_strdup_printf ("%u", number);

    user_send_packet (fixture, TINCAN_IPMSG_RECVMSG, extra, "");
  }
  g_assert_true (tincan_test_wait_for (is_delivered, sent));
  id = tincan_person_get_id (person);

  /* Both kept: the conversation again, IP Messenger off. */
  tincan_settings_set_ipmsg (fixture->settings, FALSE);
  g_clear_object (&fixture->people);
  fixture->people = tincan_people_new (fixture->settings, fixture->history, fixture->identity);
  person = tincan_people_find_by_id (fixture->people, id);
  g_assert_nonnull (person);
  chat = tincan_people_start_conversation (fixture->people, person, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_chat_get_messages (chat)), ==, 2);
  g_assert_cmpint (tincan_chat_get_mode (chat), ==, TINCAN_MODE_IPMSG);
  /* No port while IP Messenger is off: said. */
  g_assert_nonnull (tincan_chat_get_error (chat));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/people-ipmsg/follow-setting", Fixture, NULL,
              fixture_set_up, test_follow_setting, fixture_tear_down);
  g_test_add ("/people-ipmsg/port-in-use", Fixture, NULL,
              fixture_set_up, test_port_in_use, fixture_tear_down);
  g_test_add ("/people-ipmsg/stranger-message", Fixture, NULL,
              fixture_set_up, test_stranger_message, fixture_tear_down);
  g_test_add ("/people-ipmsg/conversation", Fixture, NULL,
              fixture_set_up, test_conversation, fixture_tear_down);

  return g_test_run ();
}

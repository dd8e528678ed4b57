/* test-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanSettings against a memory GSettings backend: what it stores, what
 * it notifies, and that command-line overrides never reach GSettings.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <libglib-testing/signal-logger.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "tincan-settings.h"

typedef struct
{
  GSettings      *gsettings;
  TincanSettings *settings;
  GtSignalLogger *logger;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  fixture->gsettings = g_settings_new_with_backend (BASE_ID, backend);
  fixture->settings = tincan_settings_new (fixture->gsettings);
  fixture->logger = gt_signal_logger_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_pointer (&fixture->logger, gt_signal_logger_free);
  g_assert_finalize_object (fixture->settings);
  g_clear_object (&fixture->gsettings);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* Pops every logged emission and checks that they are exactly one
 * notification of each property in @expected (a sorted, space-separated
 * list), in whatever order GObject thawed them.
 */
static void
assert_notified (GtSignalLogger *logger,
                 gpointer        object,
                 const char     *expected)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  gpointer emitter = NULL;
  char *signal_name = NULL;

  while (gt_signal_logger_pop_emission (logger, &emitter, NULL, &signal_name, NULL))
    {
      g_assert_true (emitter == object);
      g_assert_true (g_str_has_prefix (signal_name, "notify::"));
      g_ptr_array_add (names, g_strdup (signal_name + strlen ("notify::")));
      g_free (signal_name);
    }

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  joined = g_strjoinv (" ", (char **) names->pdata);

  g_assert_cmpstr (joined, ==, expected);
}

static void
connect_all (Fixture *fixture)
{
  const char *names[] = {
    "display-name", "peer-address", "peer-port", "local-port",
    "mode", "discovery", "has-peer", "overridden",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *signal = g_strconcat ("notify::", names[i], NULL);

      gt_signal_logger_connect (fixture->logger, fixture->settings, signal);
    }
}

static void
test_defaults (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *name = NULL;

  g_assert_false (tincan_settings_get_has_peer (fixture->settings));
  g_assert_false (tincan_settings_get_overridden (fixture->settings));
  g_assert_cmpstr (tincan_settings_get_peer_address (fixture->settings), ==, "");
  g_assert_cmpuint (tincan_settings_get_peer_port (fixture->settings), ==, 2323);
  g_assert_cmpuint (tincan_settings_get_local_port (fixture->settings), ==, 2323);
  g_assert_cmpint (tincan_settings_get_mode (fixture->settings), ==, TINCAN_MODE_RELIABLE);
  g_assert_cmpstr (tincan_settings_get_display_name (fixture->settings), ==, "");
  g_assert_true (tincan_settings_get_discovery (fixture->settings));

  /* No name set: the account's, never an empty one. */
  name = tincan_settings_dup_effective_name (fixture->settings);
  g_assert_nonnull (name);
  g_assert_cmpstr (name, !=, "");
}

static void
test_save_peer (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *stored = NULL;

  connect_all (fixture);

  tincan_settings_save_peer (fixture->settings, "::1", 4000, 4001, TINCAN_MODE_PLAIN);

  stored = g_settings_get_string (fixture->gsettings, "peer-address");
  g_assert_cmpstr (stored, ==, "::1");
  g_assert_cmpint (g_settings_get_int (fixture->gsettings, "peer-port"), ==, 4000);
  g_assert_cmpint (g_settings_get_int (fixture->gsettings, "local-port"), ==, 4001);
  g_assert_cmpint (g_settings_get_enum (fixture->gsettings, "mode"), ==, TINCAN_MODE_PLAIN);

  g_assert_true (tincan_settings_get_has_peer (fixture->settings));
  g_assert_cmpstr (tincan_settings_get_peer_address (fixture->settings), ==, "::1");
  g_assert_cmpuint (tincan_settings_get_peer_port (fixture->settings), ==, 4000);
  g_assert_cmpuint (tincan_settings_get_local_port (fixture->settings), ==, 4001);

  /* Frozen until all four keys are in, then each change once. */
  assert_notified (fixture->logger, fixture->settings,
                   "has-peer local-port mode peer-address peer-port");

  /* Saving the same values again is not a change. */
  tincan_settings_save_peer (fixture->settings, "::1", 4000, 4001, TINCAN_MODE_PLAIN);
  gt_signal_logger_assert_no_emissions (fixture->logger);
}

static void
test_follows_gsettings (Fixture       *fixture,
                        gconstpointer  user_data)
{
  connect_all (fixture);

  /* Another instance, or dconf-editor, changes a key. */
  g_settings_set_string (fixture->gsettings, "peer-address", "peer.example");
  g_assert_cmpstr (tincan_settings_get_peer_address (fixture->settings), ==, "peer.example");
  assert_notified (fixture->logger, fixture->settings, "has-peer peer-address");

  g_settings_set_string (fixture->gsettings, "display-name", "Ada");
  assert_notified (fixture->logger, fixture->settings, "display-name");
  g_assert_cmpstr (tincan_settings_get_display_name (fixture->settings), ==, "Ada");
}

static void
test_display_name (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *stored = NULL;
  g_autofree char *effective = NULL;
  g_autofree char *name = NULL;

  tincan_settings_set_display_name (fixture->settings, "Grace");
  stored = g_settings_get_string (fixture->gsettings, "display-name");
  g_assert_cmpstr (stored, ==, "Grace");
  effective = tincan_settings_dup_effective_name (fixture->settings);
  g_assert_cmpstr (effective, ==, "Grace");

  g_object_set (fixture->settings, "display-name", "Ada", NULL);
  g_object_get (fixture->settings, "display-name", &name, NULL);
  g_assert_cmpstr (name, ==, "Ada");
}

static void
test_discovery (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean discovery = TRUE;

  connect_all (fixture);

  /* Turned off in the preferences: stored, and notified once. */
  tincan_settings_set_discovery (fixture->settings, FALSE);
  g_assert_false (g_settings_get_boolean (fixture->gsettings, "discovery"));
  g_assert_false (tincan_settings_get_discovery (fixture->settings));
  assert_notified (fixture->logger, fixture->settings, "discovery");

  tincan_settings_set_discovery (fixture->settings, FALSE);
  gt_signal_logger_assert_no_emissions (fixture->logger);

  /* Or from outside, as another instance would. */
  g_settings_set_boolean (fixture->gsettings, "discovery", TRUE);
  g_object_get (fixture->settings, "discovery", &discovery, NULL);
  g_assert_true (discovery);
  assert_notified (fixture->logger, fixture->settings, "discovery");

  g_object_set (fixture->settings, "discovery", FALSE, NULL);
  g_assert_false (g_settings_get_boolean (fixture->gsettings, "discovery"));
  assert_notified (fixture->logger, fixture->settings, "discovery");
}

static void
test_override_not_stored (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *stored = NULL;

  tincan_settings_save_peer (fixture->settings, "saved.example", 5000, 5001, TINCAN_MODE_RELIABLE);
  connect_all (fixture);

  tincan_settings_override_peer (fixture->settings, "127.0.0.2", 4100);
  tincan_settings_override_local_port (fixture->settings, 4101);

  g_assert_true (tincan_settings_get_overridden (fixture->settings));
  g_assert_cmpstr (tincan_settings_get_peer_address (fixture->settings), ==, "127.0.0.2");
  g_assert_cmpuint (tincan_settings_get_peer_port (fixture->settings), ==, 4100);
  g_assert_cmpuint (tincan_settings_get_local_port (fixture->settings), ==, 4101);

  assert_notified (fixture->logger, fixture->settings,
                   "local-port overridden peer-address peer-port");

  stored = g_settings_get_string (fixture->gsettings, "peer-address");
  g_assert_cmpstr (stored, ==, "saved.example");
  g_assert_cmpint (g_settings_get_int (fixture->gsettings, "peer-port"), ==, 5000);
  g_assert_cmpint (g_settings_get_int (fixture->gsettings, "local-port"), ==, 5001);

  /* A change made elsewhere does not displace this run's peer. */
  g_settings_set_string (fixture->gsettings, "peer-address", "other.example");
  g_assert_cmpstr (tincan_settings_get_peer_address (fixture->settings), ==, "127.0.0.2");
  gt_signal_logger_assert_no_emissions (fixture->logger);
}

static void
test_save_drops_override (Fixture       *fixture,
                          gconstpointer  user_data)
{
  tincan_settings_override_peer (fixture->settings, "127.0.0.2", 4100);
  g_assert_true (tincan_settings_get_overridden (fixture->settings));

  tincan_settings_save_peer (fixture->settings, "chosen.example", 4200, 4201, TINCAN_MODE_RELIABLE);

  g_assert_false (tincan_settings_get_overridden (fixture->settings));
  g_assert_cmpstr (tincan_settings_get_peer_address (fixture->settings), ==, "chosen.example");
  g_assert_cmpuint (tincan_settings_get_peer_port (fixture->settings), ==, 4200);
  g_assert_cmpuint (tincan_settings_get_local_port (fixture->settings), ==, 4201);
}

static void
test_mode_enum (void)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (TINCAN_TYPE_MODE);

  /* The nicks are the schema's enum nicks: GSettings and GObject agree. */
  g_assert_cmpstr (g_enum_get_value (klass, TINCAN_MODE_RELIABLE)->value_nick, ==, "reliable");
  g_assert_cmpstr (g_enum_get_value (klass, TINCAN_MODE_PLAIN)->value_nick, ==, "plain");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/settings/defaults", test_defaults);
  ADD ("/settings/save-peer", test_save_peer);
  ADD ("/settings/follows-gsettings", test_follows_gsettings);
  ADD ("/settings/display-name", test_display_name);
  ADD ("/settings/discovery", test_discovery);
  ADD ("/settings/override/not-stored", test_override_not_stored);
  ADD ("/settings/override/dropped-by-save", test_save_drops_override);
  g_test_add_func ("/settings/mode-enum", test_mode_enum);

#undef ADD

  return g_test_run ();
}

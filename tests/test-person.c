/* test-person.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanPerson: what the sidebar binds to notifies when, and only when,
 * a value changes.
 */

#include "config.h"

#include <libglib-testing/signal-logger.h>

#include "tincan-person.h"

static void
test_person_defaults (void)
{
  g_autoptr(TincanPerson) person = tincan_person_new ("Ada", TINCAN_MODE_PLAIN);

  g_assert_cmpstr (tincan_person_get_name (person), ==, "Ada");
  g_assert_cmpint (tincan_person_get_mode (person), ==, TINCAN_MODE_PLAIN);
  g_assert_cmpint (tincan_person_get_presence (person), ==, TINCAN_PRESENCE_UNKNOWN);
  g_assert_cmpint (tincan_person_get_id (person), ==, 0);
  g_assert_false (tincan_person_get_nearby (person));
  g_assert_null (tincan_person_get_fingerprint (person));
  g_assert_null (tincan_person_get_chat (person));
  g_assert_cmpuint (tincan_person_get_unread (person), ==, 0);
}

static void
test_person_notifies_changes_only (void)
{
  g_autoptr(TincanPerson) person = tincan_person_new ("Ada", TINCAN_MODE_RELIABLE);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();

  gt_signal_logger_connect (logger, person, "notify");

  g_object_set (person,
                "name", "Ada",
                "unread", 0,
                "presence", TINCAN_PRESENCE_UNKNOWN,
                "nearby", FALSE,
                NULL);
  gt_signal_logger_assert_no_emissions (logger);

  g_object_set (person, "unread", 3, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "unread");
  /* One at a time: g_object_set() sends a group's notifications in no
   * order that the logger could assert.
   */
  g_object_set (person, "name", "Ada L.", NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "name");
  g_object_set (person, "last-text", "hello", NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "last-text");
  g_object_set (person, "last-time", (gint64) 42, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "last-time");
  g_object_set (person, "presence", TINCAN_PRESENCE_ONLINE, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "presence");
  g_object_set (person, "nearby", TRUE, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "nearby");
  gt_signal_logger_assert_no_emissions (logger);

  g_assert_cmpstr (tincan_person_get_name (person), ==, "Ada L.");
  g_assert_cmpstr (tincan_person_get_last_text (person), ==, "hello");
  g_assert_cmpint (tincan_person_get_last_time (person), ==, 42);
  g_assert_cmpuint (tincan_person_get_unread (person), ==, 3);
  g_assert_cmpint (tincan_person_get_presence (person), ==, TINCAN_PRESENCE_ONLINE);
  g_assert_true (tincan_person_get_nearby (person));

  g_object_set (person, "fingerprint", NULL, NULL);
  gt_signal_logger_assert_no_emissions (logger);
  g_object_set (person, "fingerprint", "abcd", NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "fingerprint");
  g_object_set (person, "fingerprint", NULL, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, person, "fingerprint");
  gt_signal_logger_assert_no_emissions (logger);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/person/defaults", test_person_defaults);
  g_test_add_func ("/person/notifies-changes-only", test_person_notifies_changes_only);

  return g_test_run ();
}

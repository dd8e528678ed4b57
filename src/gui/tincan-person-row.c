/* tincan-person-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A person in the sidebar: who, whether they are there, the start of
 * the last message and when, and how many are unread.  An IP Messenger
 * user is marked as such, and as not encrypted, in place of "Nearby" or
 * of an empty last line, else on a third line under the last message:
 * it is what they are, not news, so it stays in view.  The row only
 * shows its TincanPerson; the people hub keeps the person true, so the
 * row follows its notifications and nothing else.
 */

#define G_LOG_DOMAIN "tincan-person-row"

#include "config.h"

#include <glib/gi18n.h>

#include "tincan-person-row.h"

struct _TincanPersonRow
{
  AdwBin        parent_instance;

  TincanPerson *person;

  AdwAvatar    *avatar;
  GtkLabel     *name_label;
  GtkWidget    *presence_dot;
  GtkLabel     *time_label;
  GtkLabel     *last_label;
  GtkLabel     *kind_label;
  GtkLabel     *unread_label;
};

G_DEFINE_FINAL_TYPE (TincanPersonRow, tincan_person_row, ADW_TYPE_BIN)

static const char *presence_classes[] = { "unknown", "online", "offline", "not-listening" };

static const char *
presence_text (TincanPresence presence)
{
  switch (presence)
    {
    case TINCAN_PRESENCE_ONLINE:
      return _("Online");

    case TINCAN_PRESENCE_OFFLINE:
      return _("Away");

    case TINCAN_PRESENCE_NOT_LISTENING:
      return _("Not listening");

    case TINCAN_PRESENCE_UNKNOWN:
    default:
      return _("Waiting for an answer");
    }
}

/**
 * tincan_person_row_format_time:
 * @time: g_get_real_time() microseconds
 * @now: the time it is
 *
 * Returns: (transfer full): the time of day for today, the date before
 */
char *
tincan_person_row_format_time (gint64     time,
                               GDateTime *now)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");

  local = g_date_time_to_timezone (utc, g_date_time_get_timezone (now));
  if (g_date_time_get_year (local) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    return g_date_time_format (local, "%R");

  return g_date_time_format (local, "%x");
}

static void
tincan_person_row_update (TincanPersonRow *self)
{
  TincanPerson *person = self->person;
  TincanPresence presence;
  const char *name;
  const char *last;
  const char *kind = NULL;
  guint unread;

  if (person == NULL)
    return;

  name = tincan_person_get_name (person);
  if (name == NULL || name[0] == '\0')
    name = tincan_person_get_address (person);
  if (name == NULL)
    name = "";

  adw_avatar_set_text (self->avatar, name);
  gtk_label_set_label (self->name_label, name);

  presence = tincan_person_get_presence (person);
  for (guint i = 0; i < G_N_ELEMENTS (presence_classes); i++)
    gtk_widget_remove_css_class (self->presence_dot, presence_classes[i]);
  if ((guint) presence < G_N_ELEMENTS (presence_classes))
    gtk_widget_add_css_class (self->presence_dot, presence_classes[presence]);
  gtk_widget_set_tooltip_text (self->presence_dot, presence_text (presence));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->presence_dot),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, presence_text (presence),
                                  -1);

  if (tincan_person_get_mode (person) == TINCAN_MODE_IPMSG)
    kind = _("IP Messenger · not encrypted");

  /* Someone nearby has no conversation yet: where they are is the news. */
  last = tincan_person_get_last_text (person);
  if (kind != NULL && (last == NULL || tincan_person_get_chat (person) == NULL))
    {
      gtk_label_set_label (self->last_label, kind);
      kind = NULL;
    }
  else if (tincan_person_get_nearby (person) && tincan_person_get_chat (person) == NULL)
    gtk_label_set_label (self->last_label, _("Nearby"));
  else if (last != NULL && tincan_person_get_last_outgoing (person))
    {
      /* Translators: the start of one's own last message, in the sidebar */
      g_autofree char *mine = g_strdup_printf (_("You: %s"), last);

      gtk_label_set_label (self->last_label, mine);
    }
  else
    gtk_label_set_label (self->last_label, last ? last : "");

  gtk_label_set_label (self->kind_label, kind ? kind : "");
  gtk_widget_set_visible (GTK_WIDGET (self->kind_label), kind != NULL);

  if (tincan_person_get_last_time (person) > 0)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *time = tincan_person_row_format_time (tincan_person_get_last_time (person),
                                                             now);

      gtk_label_set_label (self->time_label, time);
    }
  else
    gtk_label_set_label (self->time_label, "");

  unread = tincan_person_get_unread (person);
  if (unread > 0)
    {
      g_autofree char *count = g_strdup_printf ("%u", unread);

      gtk_label_set_label (self->unread_label, count);
      gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "heading");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_label), "heading");
  gtk_widget_set_visible (GTK_WIDGET (self->unread_label), unread > 0);
}

TincanPerson *
tincan_person_row_get_person (TincanPersonRow *self)
{
  g_return_val_if_fail (TINCAN_IS_PERSON_ROW (self), NULL);

  return self->person;
}

/* Rows are recycled: each is given a person when shown, and %NULL when
 * scrolled away.
 */
void
tincan_person_row_set_person (TincanPersonRow *self,
                              TincanPerson    *person)
{
  g_return_if_fail (TINCAN_IS_PERSON_ROW (self));
  g_return_if_fail (person == NULL || TINCAN_IS_PERSON (person));

  if (self->person == person)
    return;

  if (self->person != NULL)
    g_signal_handlers_disconnect_by_data (self->person, self);
  g_set_object (&self->person, person);
  if (person != NULL)
    g_signal_connect_object (person, "notify",
                             G_CALLBACK (tincan_person_row_update), self, G_CONNECT_SWAPPED);

  tincan_person_row_update (self);
}

static void
tincan_person_row_dispose (GObject *object)
{
  TincanPersonRow *self = TINCAN_PERSON_ROW (object);

  if (self->person != NULL)
    g_signal_handlers_disconnect_by_data (self->person, self);
  g_clear_object (&self->person);

  G_OBJECT_CLASS (tincan_person_row_parent_class)->dispose (object);
}

static void
tincan_person_row_class_init (TincanPersonRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_person_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/tincan-person-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanPersonRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, TincanPersonRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, TincanPersonRow, presence_dot);
  gtk_widget_class_bind_template_child (widget_class, TincanPersonRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, TincanPersonRow, last_label);
  gtk_widget_class_bind_template_child (widget_class, TincanPersonRow, kind_label);
  gtk_widget_class_bind_template_child (widget_class, TincanPersonRow, unread_label);
}

static void
tincan_person_row_init (TincanPersonRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tincan_person_row_new (void)
{
  return g_object_new (TINCAN_TYPE_PERSON_ROW, NULL);
}

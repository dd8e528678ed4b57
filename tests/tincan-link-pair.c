/* tincan-link-pair.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tincan-link-pair.h"

void
on_received_cb (TincanLink    *link,
                TincanMessage *message,
                End           *end)
{
  g_ptr_array_add (end->received, g_object_ref (message));
}

void
end_open (End        *end,
          guint16     port,
          const char *name)
{
  g_autoptr(GError) error = NULL;

  end->link = tincan_link_new (port, TINCAN_MODE_RELIABLE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (end->link);
  if (end->received == NULL)
    end->received = g_ptr_array_new_with_free_func (g_object_unref);
  tincan_link_set_display_name (end->link, name);
  g_signal_connect (end->link, "message-received", G_CALLBACK (on_received_cb), end);
}

void
end_close (End *end)
{
  if (end->link != NULL)
    g_assert_finalize_object (g_steal_pointer (&end->link));
}

void
connect_ends (End *from,
              End *to)
{
  tincan_link_set_peer (from->link, "127.0.0.1", tincan_link_get_local_port (to->link));
}

void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  end_open (&fixture->a, 0, "Ada");
  end_open (&fixture->b, 0, "Grace");
  connect_ends (&fixture->a, &fixture->b);
  connect_ends (&fixture->b, &fixture->a);
}

void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  end_close (&fixture->a);
  end_close (&fixture->b);
  g_clear_pointer (&fixture->a.received, g_ptr_array_unref);
  g_clear_pointer (&fixture->b.received, g_ptr_array_unref);
}

gboolean
both_online (gpointer data)
{
  Fixture *fixture = data;

  return tincan_link_get_presence (fixture->a.link) == TINCAN_PRESENCE_ONLINE
         && tincan_link_get_presence (fixture->b.link) == TINCAN_PRESENCE_ONLINE;
}

gboolean
all_finished (gpointer data)
{
  GPtrArray *messages = data;

  for (guint i = 0; i < messages->len; i++)
    {
      TincanMessageState state = tincan_message_get_state (g_ptr_array_index (messages, i));

      if (state != TINCAN_MESSAGE_DELIVERED && state != TINCAN_MESSAGE_FAILED)
        return FALSE;
    }

  return TRUE;
}

void
wait_received (End   *end,
               guint  n)
{
  g_assert_true (tincan_test_wait_for_length (end->received, n));
}

char *
make_text (guint  index,
           gsize  length)
{
  GString *text = g_string_sized_new (length + 16);

  g_string_printf (text, "#%u:", index);
  while (text->len < length)
    g_string_append_c (text, 'a' + (text->len + index) % 26);
  g_string_truncate (text, MAX (length, 1));

  return g_string_free (text, FALSE);
}

/* tincan-link-pair.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two TincanLinks in one process, each the other's peer on loopback, and
 * what the link tests wait for with them.  Shared by test-link.c and
 * test-link-path.c.
 */

#pragma once

#include "tincan-test-utils.h"

G_BEGIN_DECLS

typedef struct
{
  TincanLink *link;
  GPtrArray  *received;   /* TincanMessage */
} End;

typedef struct
{
  End a;
  End b;
} Fixture;

void      on_received_cb    (TincanLink    *link,
                             TincanMessage *message,
                             End           *end);
void      end_open          (End           *end,
                             guint16        port,
                             const char    *name);
void      end_close         (End           *end);
void      connect_ends      (End           *from,
                             End           *to);
void      fixture_set_up    (Fixture       *fixture,
                             gconstpointer  user_data);
void      fixture_tear_down (Fixture       *fixture,
                             gconstpointer  user_data);
gboolean  both_online       (gpointer       data);
gboolean  all_finished      (gpointer       data);
void      wait_received     (End           *end,
                             guint          n);
char     *make_text         (guint          index,
                             gsize          length);

G_END_DECLS

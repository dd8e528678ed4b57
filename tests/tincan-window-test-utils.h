/* tincan-window-test-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the window's tests (test-window.c, test-window-history.c): a
 * TincanLink in the test process standing in for the other computer, a
 * stand-in for the notification server, and the rows, header and message
 * box of the window as a person sees them.
 */

#pragma once

#include <adwaita.h>

#include "tincan-compose-box.h"
#include "tincan-link-private.h"
#include "tincan-person.h"

G_BEGIN_DECLS

typedef struct
{
  TincanLink *link;
  GPtrArray  *received;   /* char * */
  guint16     app_port;
  guint16     peer_port;  /* the peer link's own */
} Peer;

extern Peer peer;

/* What the app sent org.gtk.Notifications, on the test's private bus. */
typedef struct
{
  char *id;
  char     *title;
  char     *body;
  char     *action;   /* the default action, as "app.open-person" */
  GVariant *target;   /* its target, or NULL */
} Notification;

extern GPtrArray *notifications;   /* Notification */

void              own_fake_service  (const char                 *xml,
                                     const char                 *path,
                                     const char                 *name,
                                     const GDBusInterfaceVTable *vtable);
void              start_notification_server (void);

typedef struct
{
  GtkWindow  *window;
  const char *text;
  const char *state;   /* what its state label says, or NULL for any */
} RowQuery;

void              peer_open         (void);
void              peer_open_full    (const guint8 *private_key,
                                     guint16       port);
void              peer_replace      (const guint8 *private_key);
void              peer_close        (void);
void              collect_rows      (GtkWidget    *widget,
                                     GPtrArray    *rows);
GtkWidget        *find_row          (RowQuery     *query);
gboolean          row_shown         (gpointer      query);
void              wait_subtitle     (GtkWindow    *window,
                                     const char   *suffix);
TincanComposeBox *compose_box       (GtkWindow    *window);
void              type_and_send     (GtkWindow    *window,
                                     const char   *text);
gboolean          revealed          (gpointer      revealer);
GtkWidget        *find_person_row   (GtkWindow    *window,
                                     TincanPerson *person);
TincanPerson     *selected_person   (GtkWindow    *window);
gboolean          activate_shortcut (GtkWidget    *widget,
                                     const char   *accelerator);
gboolean          hidden            (gpointer      revealer);
gboolean          drop_everything   (TincanLink   *link,
                                     const guint8 *datagram,
                                     gsize         length,
                                     gpointer      user_data);

G_END_DECLS

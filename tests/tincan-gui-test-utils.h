/* tincan-gui-test-utils.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the GUI tests share: running the real application around a test,
 * finding widgets as a person would, and driving the peer dialog and the
 * message box.  Short names, as they are the tests' own words.
 */

#pragma once

#include <adwaita.h>

#include "tincan-application.h"
#include "tincan-compose-box.h"
#include "tincan-peer-dialog.h"

G_BEGIN_DECLS

typedef void (*AppTestFunc) (TincanApplication *app);

void              reset_settings       (void);
gboolean          is_mapped            (gpointer            widget);
gpointer          find_toplevel        (GType               type);
gboolean          has_toplevel_of_type (gpointer            type);
gpointer          child                (gpointer            widget,
                                        GType               type,
                                        const char         *name);
GtkWidget        *conversation_view    (gpointer            window);
gpointer          view_child           (gpointer            window,
                                        const char         *name);
char             *header_text          (gpointer            window);

const char       *use_fixed_history    (void);
void              drop_fixed_history   (void);
void              run_app              (const char * const *args,
                                        AppTestFunc         func);

TincanPeerDialog *open_peer_dialog     (TincanApplication  *app);
void              set_field            (TincanPeerDialog   *dialog,
                                        const char         *name,
                                        const char         *text);
void              assert_field_error   (TincanPeerDialog   *dialog,
                                        const char         *row_name,
                                        const char         *label_name,
                                        const char         *expected);
void              assert_field_ok      (TincanPeerDialog   *dialog,
                                        const char         *row_name,
                                        const char         *label_name);
gboolean          dialog_closed        (gpointer            unused);

char             *compose_text         (TincanComposeBox   *box);
void              set_compose_text     (TincanComposeBox   *box,
                                        const char         *text);
gboolean          press_key            (TincanComposeBox   *box,
                                        guint               keyval,
                                        GdkModifierType     state);
void              assert_compose_grows (TincanComposeBox   *box);

G_END_DECLS

/* tincan-people-internal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub's instance, shared by tincan-people.c (the object, the list of
 * people and their conversations), tincan-people-network.c (the port,
 * discovery, strangers and people who move) and tincan-people-ipmsg.c
 * (IP Messenger's users), and nothing else.
 */

#pragma once

#include "tincan-discovery.h"
#include "tincan-identity.h"
#include "tincan-ipmsg.h"
#include "tincan-local-net.h"
#include "tincan-people.h"
#include "tincan-port.h"
#include "tincan-store.h"

G_BEGIN_DECLS

/* People found nearby that the sidebar lists, at most. */
#define TINCAN_PEOPLE_MAX_NEARBY 64
/* Links answering handshakes from unknown addresses, at once, at most. */
#define TINCAN_PEOPLE_MAX_STRANGERS 4

struct _TincanPeople
{
  GObject          parent_instance;

  TincanSettings  *settings;
  char            *history_path;
  char            *identity_path;

  TincanStore     *store;            /* the root: the people functions */
  char            *store_problem;    /* it could not be opened: in memory */
  TincanIdentity  *identity;
  char            *identity_error;
  TincanPort      *port;
  guint16          port_number;      /* the local port it was made for */
  char            *port_error;
  char            *ipmsg_error;      /* IP Messenger could not start: why */
  TincanDiscovery *discovery;

  GListStore      *people;           /* TincanPerson: conversations, most recent first, then nearby */
  TincanPerson    *settings_person;  /* the settings' peer */
  guint            n_nearby;
  gboolean         moving;           /* place(): one items-changed for a move */
  GPtrArray       *strangers;        /* TincanLink: handshakes from unknown addresses */
  GFile           *download_dir;     /* received files; NULL: the Downloads folder */
  gboolean         closing;

  TincanIpmsg     *ipmsg;            /* while the ipmsg setting is on */
  GInetAddress    *ipmsg_address;    /* tests: tincan_people_set_ipmsg_test_setup() */
  guint16          ipmsg_port_number;
  TincanLocalNet  *ipmsg_local_net;
  GPtrArray       *ipmsg_targets;
};

/* tincan-people-chats.c */
TincanChat   *tincan_people_ensure_chat      (TincanPeople       *self,
                                              TincanPerson       *person);
void          tincan_people_place            (TincanPeople       *self,
                                              TincanPerson       *person);
void          tincan_people_disconnect_person (TincanPeople      *self,
                                              TincanPerson       *person);

/* tincan-people.c */
void          tincan_people_set_ipmsg_error  (TincanPeople       *self,
                                              const char         *error);
int           tincan_people_compare          (gconstpointer       a,
                                              gconstpointer       b,
                                              gpointer            user_data);
TincanPerson *tincan_people_find_by_address  (TincanPeople       *self,
                                              GInetSocketAddress *address);
TincanPerson *tincan_people_find_by_key      (TincanPeople       *self,
                                              const guint8       *key);
TincanPerson *tincan_people_add_person       (TincanPeople       *self,
                                              const guint8       *key,
                                              const char         *host,
                                              guint16             port,
                                              TincanMode          mode,
                                              const char         *name,
                                              GError            **error);
void          tincan_people_move_person      (TincanPeople       *self,
                                              TincanPerson       *person,
                                              GInetSocketAddress *address);

/* tincan-people-ipmsg.c */
void          tincan_people_follow_ipmsg     (TincanPeople       *self);
void          tincan_people_stop_ipmsg       (TincanPeople       *self);
void          tincan_people_give_ipmsg_port  (TincanPeople       *self,
                                              TincanChat         *chat);

/* tincan-people-network.c */
void          tincan_people_bind_port        (TincanPeople       *self);
void          tincan_people_follow_discovery (TincanPeople       *self);
void          tincan_people_forget_strangers (TincanPeople       *self);

G_END_DECLS

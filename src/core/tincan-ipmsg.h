/* tincan-ipmsg.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-ipmsg-packet.h"
#include "tincan-port.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_IPMSG (tincan_ipmsg_get_type ())

G_DECLARE_FINAL_TYPE (TincanIpmsg, tincan_ipmsg, TINCAN, IPMSG, GObject)

/* Someone on the local network running IP Messenger or iptux, as their
 * last BR_ENTRY, ANSENTRY or BR_ABSENCE said.
 */
typedef struct
{
  GInetSocketAddress *address;
  char               *user;
  char               *host;
  char               *nickname;   /* "" if they gave none */
  char               *name;       /* to show: the nickname, else user@host */
  char               *group;
  char               *version;    /* opaque: "1_iptux 0.8.3" */
  gboolean            absent;
} TincanIpmsgUser;

#define TINCAN_TYPE_IPMSG_USER (tincan_ipmsg_user_get_type ())
GType            tincan_ipmsg_user_get_type  (void);
TincanIpmsgUser *tincan_ipmsg_user_copy      (const TincanIpmsgUser *user);
void             tincan_ipmsg_user_free      (TincanIpmsgUser       *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanIpmsgUser, tincan_ipmsg_user_free)

typedef struct
{
  guint64 datagrams;
  guint64 malformed;          /* dropped: not IPMsg */
  guint64 entries_answered;   /* ANSENTRY sent */
  guint64 answers_limited;    /* BR_ENTRY not answered: over the rate limit */
  guint64 answers_too_big;    /* BR_ENTRY not answered: even our shortest ANSENTRY is bigger */
  guint64 not_text;           /* a stranger's SENDMSG with no text that can be read: no person made */
  guint64 off_subnet;         /* from, or naming, an address off the local subnet: ignored */
} TincanIpmsgStats;

/* Binds UDP @port (TINCAN_IPMSG_PORT but in tests) on every IPv4
 * address, with broadcast allowed.  Says nothing until started.
 */
TincanIpmsg            *tincan_ipmsg_new             (guint16       port,
                                                      GError      **error);
TincanPort             *tincan_ipmsg_get_port        (TincanIpmsg  *self);
/* Our nickname; changing it while started broadcasts BR_ABSENCE. */
void                    tincan_ipmsg_set_nickname    (TincanIpmsg  *self,
                                                      const char   *nickname);
/* BR_ENTRY now, and again when the network changes. */
void                    tincan_ipmsg_start           (TincanIpmsg  *self);
/* BR_EXIT: before quitting. */
void                    tincan_ipmsg_stop            (TincanIpmsg  *self);
/* Asks who is there again (BR_ENTRY), at most once a second. */
void                    tincan_ipmsg_refresh         (TincanIpmsg  *self);
/* Who is there: TincanIpmsgUser, newest first. */
GPtrArray              *tincan_ipmsg_list_users      (TincanIpmsg  *self);
/* Whether @address is on a local IPv4 subnet (or loopback): the only
 * addresses anything heard on the network may make Tin Can send to.
 */
gboolean                tincan_ipmsg_is_local        (TincanIpmsg  *self,
                                                      GInetAddress *address);
const TincanIpmsgStats *tincan_ipmsg_get_stats       (TincanIpmsg  *self);

/* Signals:
 *   user-found (TincanIpmsgUser *): someone entered, or answered ours
 *   user-changed (TincanIpmsgUser *): a new name, or away
 *   user-left (GInetSocketAddress *): BR_EXIT
 *   stranger-message (GInetSocketAddress *): a SENDMSG from a local
 *     address no conversation is at; a handler that makes a link there
 *     (on tincan_ipmsg_get_port()) has it delivered to that link.
 */

G_END_DECLS

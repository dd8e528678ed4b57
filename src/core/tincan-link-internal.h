/* tincan-link-internal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link's instance, shared by tincan-link.c and the test seams in
 * tincan-link-seams.c, and nothing else.
 */

#pragma once

#include <sys/socket.h>

#include "tincan-link-private.h"
#include "tincan-path-probe.h"
#include "tincan-presence.h"
#include "tincan-receiver.h"
#include "tincan-sender.h"
#include "tincan-udp-socket.h"

G_BEGIN_DECLS

struct _TincanLink
{
  GObject                parent_instance;

  TincanUdpSocket       *socket;
  GSource               *socket_source;
  GSource               *timer_source;
  gint64                 timer_deadline;     /* monotonic; G_MAXINT64: none */
  GCancellable          *cancellable;
  TincanMode             mode;
  guint16                local_port;
  GRand                 *rand;

  TincanSender          *sender;
  TincanReceiver        *receiver;
  TincanPathProbe       *probe;
  TincanPresenceTracker *presence;
  GPtrArray             *plain_queue;        /* TincanMessage waiting for an address */
  gboolean               batching;           /* DATA gathered for one sendmmsg() */

  char                  *display_name;
  char                  *peer_host;
  guint16                peer_port;
  char                  *peer_name;
  guint64                session;
  guint64                peer_session;       /* 0: not known */
  guint8                 peer_version;       /* another protocol version it spoke, or 0 */
  guint8                 identity[TINCAN_WIRE_IDENTITY_SIZE];
  char                  *peer_identity;      /* hex, from the peer's hello */

  TincanLinkKeepFunc     keep_func;
  gpointer               keep_data;

  GTask                 *test;               /* a connection test waiting for an answer */
  gint64                 test_started;
  guint                  test_timeout;

  TincanLinkFilter       filter;             /* the test seams */
  gpointer               filter_data;
  guint8                *filter_buffer;

  TincanLinkStats        stats;
};

gboolean tincan_link_send_datagram_full (TincanLink            *self,
                                         const guint8          *head,
                                         gsize                  head_length,
                                         const guint8          *tail,
                                         gsize                  tail_length,
                                         GError               **error);
void     tincan_link_send_datagram      (TincanLink            *self,
                                         const guint8          *head,
                                         gsize                  head_length,
                                         const guint8          *tail,
                                         gsize                  tail_length);
void     tincan_link_handle_datagram    (TincanLink            *self,
                                         const struct sockaddr *from,
                                         socklen_t              from_length,
                                         const guint8          *data,
                                         gsize                  length);
void     tincan_link_answer             (TincanLink            *self);

G_END_DECLS

/* tincan-link-internal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The link's instance, shared by tincan-link.c (the object and its API),
 * tincan-link-packets.c (the packet path), tincan-link-handshake.c,
 * tincan-link-goodbye.c, tincan-link-address.c, tincan-link-ipmsg.c (IP
 * Messenger mode) and tincan-link-seams.c (the test seams), and nothing
 * else.
 */

#pragma once

#include <sys/socket.h>

#include "tincan-handshake.h"
#include "tincan-ipmsg-sender.h"
#include "tincan-goodbye.h"
#include "tincan-link-private.h"
#include "tincan-path-probe.h"
#include "tincan-port-private.h"
#include "tincan-presence.h"
#include "tincan-receiver.h"
#include "tincan-seal.h"
#include "tincan-sender.h"
#include "tincan-udp-socket.h"

G_BEGIN_DECLS

#define TINCAN_LINK_SEND_BATCH 32

struct _TincanLink
{
  GObject                parent_instance;

  TincanPort            *port;               /* reads for it; private if tincan_link_new() made it */
  TincanUdpSocket       *socket;             /* sends through the port's descriptor */
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
  TincanGoodbye         *goodbye;
  GPtrArray             *plain_queue;        /* TincanMessage waiting for an address */
  GPtrArray             *parked;             /* TincanMessage waiting for the peer to come back */
  gint64                 waiting_limit;      /* how long they may; 0: they fail at the give-up time */
  gboolean               batching;           /* DATA gathered for one sendmmsg() */

  char                  *display_name;
  char                  *peer_host;
  guint16                peer_port;
  char                  *peer_name;
  guint64                session;
  guint64                peer_session;       /* 0: not known */
  guint8                 peer_version;       /* another protocol version it spoke, or 0 */
  gboolean               peer_left;          /* it said BYE, and no HELLO since */
  gint64                 data_heard;         /* DATA last came from its session; 0: never */
  guint8                 identity[TINCAN_WIRE_IDENTITY_SIZE];
  char                   peer_identity[TINCAN_WIRE_IDENTITY_HEX_SIZE];  /* from the peer's hello, or "" */

  /* Encryption: tincan-link-handshake.c */
  guint8                 static_private[TINCAN_NOISE_KEY_SIZE];
  guint8                 static_public[TINCAN_NOISE_KEY_SIZE];
  TincanHandshake       *handshake;          /* under way, or waiting to be confirmed */
  gint64                 retry_deadline;     /* when to send our last handshake message again; G_MAXINT64: none */
  gint64                 retry_interval;
  guint                  retry_tries;
  TincanSeal            *seal;
  guint8                 answered_init[TINCAN_NOISE_KEY_SIZE];  /* the "e" of the last first message answered */
  gint64                 lost_hello_time;    /* the last hello to a peer sealing for a run or keys we lost */
  guint64                answered_session;
  guint8                 peer_key[TINCAN_NOISE_KEY_SIZE];
  gboolean               has_peer_key;       /* of the keys in use */
  guint8                 refused_key[TINCAN_NOISE_KEY_SIZE];
  gboolean               has_refused_key;    /* a handshake's key the trust function refused */
  TincanLinkTrustFunc    trust_func;
  gpointer               trust_data;
  GDestroyNotify         trust_destroy;
  double                 handshake_tokens;   /* the rate limit */
  gint64                 handshake_tokens_time;
  guint8                *sealed_buffers;     /* sealed datagrams batched for one sendmmsg() */
  guint                  n_sealed;
  guint8                *open_buffer;        /* the packet inside the sealed one being read */

  TincanLinkKeepFunc     keep_func;
  gpointer               keep_data;
  TincanLinkRecordFunc   record_func;        /* files: tincan-files.c */
  gpointer               record_data;
  guint8                 peer_features;      /* from the peer's hello */

  GTask                 *test;               /* a connection test waiting for an answer */
  GTask                 *closing;            /* saying goodbye, lingering */
  GSource               *closing_cancelled;
  gint64                 test_started;
  guint                  test_timeout;

  TincanLinkFilter       filter;             /* the test seams */
  gpointer               filter_data;
  guint8                *filter_buffer;

  /* IP Messenger mode: tincan-link-ipmsg.c */
  TincanIpmsgSender     *ipmsg_sender;
  GHashTable            *ipmsg_seen;         /* packet numbers of the peer's SENDMSGs, this run */
  GQueue                 ipmsg_seen_order;   /* the same, oldest first, to forget */
  guint64                ipmsg_received;     /* for the IDs of messages received */
  gint64                 ipmsg_answered;     /* when an ANSENTRY last went; 0: never */

  TincanLinkStats        stats;
};

static inline gboolean
tincan_link_has_peer (TincanLink *self)
{
  return self->socket != NULL && tincan_udp_socket_has_peer (self->socket);
}

/* A handshake finished with the peer's current session: its keys are
 * in use.
 */
static inline gboolean
tincan_link_is_established (TincanLink *self)
{
  return self->peer_session != 0 && tincan_seal_has_keys (self->seal);
}

/* The peer's key was refused and no other keys are in use: what is
 * queued for it waits, neither sent nor given up on.
 */
static inline gboolean
tincan_link_messages_wait (TincanLink *self)
{
  return self->has_refused_key && !tincan_link_is_established (self);
}

/* tincan-link.c: the object's state, properties and signals */
void     tincan_link_set_presence       (TincanLink            *self,
                                         TincanPresence         presence);
void     tincan_link_presence_changed   (TincanLink            *self);
void     tincan_link_set_peer_name      (TincanLink            *self,
                                         const char            *name);
void     tincan_link_emit_message_received (TincanLink         *self,
                                         TincanMessage         *message);
void     tincan_link_emit_peer_error    (TincanLink            *self,
                                         const GError          *error);
void     tincan_link_emit_datagram_ignored (TincanLink         *self,
                                         TincanIgnoredReason    reason,
                                         gsize                  length);
void     tincan_link_test_answered      (TincanLink            *self,
                                         gint64                 now);
void     tincan_link_notify_keys        (TincanLink            *self);
void     tincan_link_peer_address_changed (TincanLink          *self);

/* tincan-link-address.c: where the peer is */
void     tincan_link_start_talking      (TincanLink            *self);
void     tincan_link_roam               (TincanLink            *self,
                                         const struct sockaddr *from,
                                         socklen_t              from_length);


/* tincan-link-packets.c: the packet path */
void     tincan_link_attach_sources     (TincanLink            *self);
void     tincan_link_flush              (TincanLink            *self);
void     tincan_link_schedule           (TincanLink            *self);
void     tincan_link_heard_from_peer    (TincanLink            *self,
                                         gint64                 now);
void     tincan_link_peer_session_changed (TincanLink          *self,
                                         guint64                session);
void     tincan_link_handle_hello       (TincanLink            *self,
                                         const TincanPacket    *packet);
void     tincan_link_handle_packet      (TincanLink            *self,
                                         const TincanPacket    *packet,
                                         gsize                  length);
gboolean tincan_link_transmit           (TincanLink            *self,
                                         const guint8          *head,
                                         gsize                  head_length,
                                         const guint8          *tail,
                                         gsize                  tail_length,
                                         GError               **error);
void     tincan_link_flush_batch        (TincanLink            *self);
void     tincan_link_send_ping          (TincanLink            *self);
gboolean tincan_link_filter_passes      (TincanLink            *self,
                                         const guint8          *head,
                                         gsize                  head_length,
                                         const guint8          *tail,
                                         gsize                  tail_length);
TincanKeepResult tincan_link_keep    (TincanLink            *self,
                                      TincanMessage         *message);

void     tincan_link_send_bye           (TincanLink            *self,
                                         gboolean               repeat_ack);

/* tincan-link-waiting.c: messages that wait for a peer who is away */
gboolean tincan_link_park               (TincanLink            *self,
                                         gint64                 now);
void     tincan_link_unpark             (TincanLink            *self);
void     tincan_link_tick_waiting       (TincanLink            *self);
gint64   tincan_link_get_waiting_deadline (TincanLink          *self,
                                         gint64                 now);
void     tincan_link_take_parked        (TincanLink            *self,
                                         GPtrArray             *into);

/* tincan-link-goodbye.c: saying goodbye */
void     tincan_link_close_tick         (TincanLink            *self,
                                         gint64                 now);
void     tincan_link_finish_close       (TincanLink            *self,
                                         GError                *error);

/* tincan-link-handshake.c: the handshake, sealing and opening, and the
 * API of the keys
 */
void     tincan_link_send_hello         (TincanLink            *self);
void     tincan_link_handle_handshake   (TincanLink            *self,
                                         const TincanPacket    *packet,
                                         const guint8          *datagram);
void     tincan_link_handle_sealed      (TincanLink            *self,
                                         const TincanPacket    *packet,
                                         const TincanDatagram  *datagram);
gboolean tincan_link_send_sealed        (TincanLink            *self,
                                         const guint8          *head,
                                         gsize                  head_length,
                                         const guint8          *tail,
                                         gsize                  tail_length,
                                         GError               **error);
void     tincan_link_tick_keys          (TincanLink            *self,
                                         gint64                 now);
gint64   tincan_link_get_keys_deadline  (TincanLink            *self);
void     tincan_link_forget_keys        (TincanLink            *self);
const char *tincan_link_failure_reason  (TincanLink            *self);
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

/* tincan-link-ipmsg.c: IP Messenger mode */
void     tincan_link_ipmsg_init         (TincanLink            *self);
void     tincan_link_ipmsg_finalize     (TincanLink            *self);
void     tincan_link_ipmsg_start_talking (TincanLink           *self);
void     tincan_link_ipmsg_say_goodbye  (TincanLink            *self);
void     tincan_link_ipmsg_enqueue      (TincanLink            *self,
                                         TincanMessage         *message);
void     tincan_link_ipmsg_flush        (TincanLink            *self);
gint64   tincan_link_ipmsg_get_deadline (TincanLink            *self);
void     tincan_link_ipmsg_tick         (TincanLink            *self,
                                         gint64                 now);
void     tincan_link_ipmsg_receive      (TincanLink            *self,
                                         const TincanDatagram  *datagram);
gboolean tincan_link_ipmsg_cancel       (TincanLink            *self,
                                         TincanMessage         *message);

G_END_DECLS

/* tincan-link.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The UDP link to one peer: one non-blocking socket watched on the main
 * loop, no threads.
 *
 * Sending (reliable mode): a message is cut into fragments of at most
 * TINCAN_WIRE_MAX_PAYLOAD bytes.  Every fragment gets a packet number when
 * it is first sent; the numbers of one message are consecutive and grow in
 * message order, so "every packet below N arrived" is also "every message
 * up to there is complete", and the receiver delivers in order by packet
 * number alone.  ACKs carry that cumulative point plus ranges above it;
 * a fragment three numbers below one acknowledged after it was sent is
 * lost and sent again at once, anything else on a retransmission timeout
 * from the measured round trip (RFC 6298), backed off exponentially with
 * jitter.  A congestion window bounds what is in flight.
 *
 * A message not delivered after the give-up time fails.  Its packet
 * numbers will then never all arrive, so the sender starts a new epoch:
 * every undelivered message is numbered again from zero, and the receiver,
 * seeing the higher epoch, drops what it had half assembled.  A restarted
 * peer (a new session ID) starts a new epoch the same way.
 *
 * Plain mode sends each message as datagrams of at most 1024 bytes, cut
 * at character boundaries; they are never acknowledged.
 */

#define _GNU_SOURCE             /* recvmmsg() */
#define G_LOG_DOMAIN "tincan-link"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "tincan-link-private.h"
#include "tincan-wire.h"

#define PLAIN_CHUNK            1024
#define MAX_DATAGRAM_RECEIVED  65536
#define RECEIVE_BATCH          16
#define MAX_PER_DISPATCH       256
#define SEND_BATCH             32
#define RX_WINDOW              4096
#define MAX_REASSEMBLIES       512
#define MAX_REASSEMBLY_BYTES   (8 * 1024 * 1024)
#define REASSEMBLY_MAX_AGE     (60 * G_USEC_PER_SEC)
#define INITIAL_CWND           16
#define MIN_CWND               4
#define MAX_CWND               64
#define LOSS_THRESHOLD         3
#define INITIAL_RTO            (250 * G_TIME_SPAN_MILLISECOND)
#define MIN_RTO                (30 * G_TIME_SPAN_MILLISECOND)
#define MAX_RTO                (1 * G_USEC_PER_SEC)
#define MAX_BACKOFF            8
#define DEFAULT_GIVE_UP        (30 * G_USEC_PER_SEC)
#define HELLO_FIRST_RETRY      (500 * G_TIME_SPAN_MILLISECOND)
#define HELLO_MAX_RETRY        (15 * G_USEC_PER_SEC)
#define HELLOS_BEFORE_OFFLINE  3
#define KEEPALIVE_INTERVAL     (20 * G_USEC_PER_SEC)
#define KEEPALIVES_BEFORE_OFFLINE 3
#define SOCKET_BUFFER_SIZE     (4 * 1024 * 1024)
#define MAX_PROBES             3
#define PROBE_RAISE_INTERVAL   (600 * G_USEC_PER_SEC)
#define BLACK_HOLE_TIMEOUTS    2
#define TEST_TIMEOUT_SECONDS   3

typedef struct
{
  TincanMessage *message;
  const guint8  *bytes;        /* the message's text */
  gsize          length;
  guint32        seq;
  guint64        uid;
  guint16        fragment_size; /* chosen when it is numbered */
  guint16        n_fragments;
  guint16        n_acked;
  guint16        next_unsent;  /* fragments before this were sent at least once */
  guint16        first_unacked; /* fragments before this are all acknowledged */
  gboolean       numbered;
  guint32        first_pn;
  gint64         deadline;
  guint8        *acked;        /* these five: n_fragments each, while numbered */
  guint8        *lost;         /* sent, presumed lost, to be sent again */
  guint8        *arrived;      /* held by the receiver until it stores the message */
  guint8        *resent;       /* sent more than once: no RTT sample (Karn) */
  gint64        *sent_at;
} Outgoing;

typedef struct
{
  guint32  first_pn;
  guint32  seq;
  guint64  uid;
  guint16  n_fragments;
  guint16  n_received;
  guint16  fragment_size;
  guint32  length;
  guint32  held_pn;     /* the fragment that completed it, not acknowledged yet */
  gboolean held;
  guint8  *have;
  guint8  *buffer;      /* length + 1 bytes: becomes the message's text */
  TincanMessage *message;  /* complete, not kept yet */
  gint64   created;
} Reassembly;

struct _TincanLink
{
  GObject           parent_instance;

  GSocket          *socket;
  GSource          *socket_source;
  GSource          *timer_source;
  gint64            timer_deadline;     /* monotonic; G_MAXINT64: none */
  GCancellable     *cancellable;
  TincanMode        mode;
  guint16           local_port;
  GSocketFamily     family;
  GRand            *rand;

  char             *display_name;
  char             *peer_host;
  guint16           peer_port;
  GPtrArray        *peer_addresses;     /* GInetAddress, as resolved */
  GSocketAddress   *peer_destination;
  char             *peer_name;
  TincanPresence    presence;

  guint64           session;
  guint64           peer_session;       /* 0: not known */
  gboolean          peer_heard_us;      /* it sent our session back */
  guint8            peer_version;       /* another protocol version it spoke, or 0 */
  guint8            identity[TINCAN_WIRE_IDENTITY_SIZE];
  char             *peer_identity;      /* hex, from the peer's hello */

  TincanLinkKeepFunc keep_func;
  gpointer          keep_data;

  /* The path: how big a datagram reaches the peer, found by probing
   * (RFC 8899), and how much its socket holds.
   */
  guint             datagram_size;      /* confirmed: DATA is cut to fit it */
  guint             probe_index;        /* into probe_sizes */
  guint             probes_sent;        /* of that size */
  guint64           probe_token;
  gint64            probe_deadline;     /* 0: not probing */
  guint32           receive_window;     /* ours, in our hellos */
  guint32           peer_window;        /* the peer's, from its hello */

  /* Sending */
  GQueue            outgoing;           /* Outgoing, oldest first */
  GPtrArray        *plain_queue;        /* TincanMessage waiting for an address */
  guint32           next_seq;
  guint32           tx_epoch;
  guint32           next_pn;
  guint             in_flight;
  guint             n_arrived;          /* fragments held by the receiver, not acknowledged */
  guint             cwnd;
  gint64            recovery_start;     /* sent after this: a new loss halves cwnd */
  guint             backoff;
  gint64            rto_deadline;
  guint32           largest_acked;
  gboolean          have_largest_acked;
  gint64            largest_acked_sent_at;
  gint64            srtt;
  gint64            rttvar;
  gint64            rto;
  gint64            give_up;
  guint64           plain_counter;

  /* Receiving */
  guint32           rx_epoch;
  guint32           rx_delivered_seq;   /* the peer session's last delivered message */
  guint32           rx_cum;
  guint32           rx_max;             /* one past the highest received */
  gint64            rx_max_time;        /* when that one arrived */
  guint8            rx_bits[RX_WINDOW / 8];
  GList            *reassemblies;       /* Reassembly, by first_pn */
  gsize             reassembly_bytes;
  guint             n_reassemblies;
  gboolean          ack_pending;
  gsize             ack_budget;         /* bytes of data received since the last ACK */

  /* Presence */
  gint64            hello_deadline;
  gint64            hello_interval;
  guint             hellos_unanswered;
  gint64            last_heard;
  gint64            keepalive_deadline;
  guint             keepalives_unanswered;

  /* Receive buffers, allocated once */
  struct mmsghdr    in_messages[RECEIVE_BATCH];
  struct iovec      in_vectors[RECEIVE_BATCH];
  struct sockaddr_storage in_addresses[RECEIVE_BATCH];
  guint8           *in_buffers;

  /* Datagrams of one flush, sent with one sendmmsg() */
  gboolean          batching;
  guint             n_batched;
  guint8           *out_buffers;          /* a packet, or a DATA header, each */
  GOutputVector     out_vectors[2 * SEND_BATCH];  /* that, and a payload */
  GOutputMessage    out_messages[SEND_BATCH];

  GTask            *test;                /* a connection test waiting for an answer */
  gint64            test_started;
  guint             test_timeout;

  TincanLinkFilter  filter;
  gpointer          filter_data;
  guint8           *filter_buffer;

  TincanLinkStats   stats;
};

G_DEFINE_ENUM_TYPE (TincanPresence, tincan_presence,
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_UNKNOWN, "unknown"),
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_ONLINE, "online"),
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (TINCAN_PRESENCE_NOT_LISTENING, "not-listening"))

G_DEFINE_QUARK (tincan-link-error-quark, tincan_link_error)

static void tincan_link_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TincanLink, tincan_link, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      tincan_link_initable_iface_init))

enum {
  PROP_0,
  PROP_LOCAL_PORT,
  PROP_MODE,
  PROP_PRESENCE,
  PROP_PEER_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  MESSAGE_RECEIVED,
  PEER_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void tincan_link_flush (TincanLink *self);
static void tincan_link_schedule (TincanLink *self);

/* Helpers */

static void
outgoing_free (Outgoing *out)
{
  g_clear_object (&out->message);
  g_free (out->acked);
  g_free (out->lost);
  g_free (out->arrived);
  g_free (out->resent);
  g_free (out->sent_at);
  g_free (out);
}

static void
reassembly_free (Reassembly *r)
{
  g_free (r->have);
  g_free (r->buffer);
  g_clear_object (&r->message);
  g_free (r);
}

/* A message is cut into fragments when it is first numbered, to the size
 * the path carries then; a new epoch cuts it again.
 */
static void
outgoing_number (Outgoing *out,
                 guint32   first_pn,
                 gsize     fragment_size)
{
  out->numbered = TRUE;
  out->first_pn = first_pn;
  out->fragment_size = fragment_size;
  out->n_fragments = tincan_wire_fragment_count (out->length, fragment_size);
  out->acked = g_malloc0 (out->n_fragments);
  out->lost = g_malloc0 (out->n_fragments);
  out->arrived = g_malloc0 (out->n_fragments);
  out->resent = g_malloc0 (out->n_fragments);
  out->sent_at = g_new0 (gint64, out->n_fragments);
}

static void
outgoing_reset_numbering (Outgoing *out)
{
  out->numbered = FALSE;
  out->first_pn = 0;
  out->fragment_size = 0;
  out->n_fragments = 0;
  out->n_acked = 0;
  out->next_unsent = 0;
  out->first_unacked = 0;
  g_clear_pointer (&out->acked, g_free);
  g_clear_pointer (&out->lost, g_free);
  g_clear_pointer (&out->arrived, g_free);
  g_clear_pointer (&out->resent, g_free);
  g_clear_pointer (&out->sent_at, g_free);
}

static void finish_test (TincanLink *self, gint64 rtt, GError *error);

static void
set_presence (TincanLink     *self,
              TincanPresence  presence)
{
  if (presence == TINCAN_PRESENCE_NOT_LISTENING && self->test != NULL)
    finish_test (self, -1, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED,
                                        _("Nothing is listening on port %u of that computer"),
                                        self->peer_port));

  if (self->presence == presence)
    return;

  g_debug ("Peer is now %d", presence);
  self->presence = presence;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
}

static gint64
jittered (TincanLink *self,
          gint64      interval)
{
  return interval + (gint64) (interval * g_rand_double_range (self->rand, 0.0, 0.2));
}

static gint64
current_rto (TincanLink *self)
{
  gint64 rto = self->rto;

  for (guint i = 0; i < self->backoff && rto < MAX_RTO; i++)
    rto *= 2;

  return MIN (rto, MAX_RTO);
}

/* The socket */

static void
send_failed (TincanLink   *self,
             const GError *error)
{
  self->stats.send_errors++;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    set_presence (self, TINCAN_PRESENCE_NOT_LISTENING);
  else
    g_debug ("Could not send: %s", error->message);

  /* Lost like any datagram: the timers bring it again. */
}

/* Sends what send_datagram() gathered, in one system call. */
static void
flush_batch (TincanLink *self)
{
  g_autoptr(GError) error = NULL;
  guint count = self->n_batched;
  int sent;

  if (count == 0)
    return;

  self->n_batched = 0;

  for (guint i = 0; i < count; i++)
    {
      self->out_messages[i].address = self->peer_destination;
      self->out_messages[i].vectors = &self->out_vectors[2 * i];
      self->out_messages[i].num_vectors = self->out_vectors[2 * i + 1].size > 0 ? 2 : 1;
      self->out_messages[i].bytes_sent = 0;
      self->out_messages[i].control_messages = NULL;
      self->out_messages[i].num_control_messages = 0;
    }

  sent = g_socket_send_messages (self->socket, self->out_messages, count, 0, NULL, &error);
  if (sent < 0)
    send_failed (self, error);
  else
    self->stats.datagrams_sent += sent;
}

/* Sends @head followed by @tail as one datagram; @tail (a fragment's
 * payload, in the message's own text) is not copied.  While batching, it
 * must stay where it is until the batch is flushed.  Returns FALSE, with
 * @error set, if the socket refused it there and then.
 */
static gboolean
send_datagram_full (TincanLink    *self,
                    const guint8  *head,
                    gsize          head_length,
                    const guint8  *tail,
                    gsize          tail_length,
                    GError       **error)
{
  GOutputVector vectors[2] = { { head, head_length }, { tail, tail_length } };

  if (self->peer_destination == NULL)
    return TRUE;

  if (self->filter != NULL)
    {
      /* Tests only: the filter sees the datagram whole. */
      if (self->filter_buffer == NULL)
        self->filter_buffer = g_malloc (TINCAN_WIRE_MAX_DATAGRAM);
      memcpy (self->filter_buffer, head, head_length);
      if (tail_length > 0)
        memcpy (self->filter_buffer + head_length, tail, tail_length);
      if (!self->filter (self, self->filter_buffer, head_length + tail_length, self->filter_data))
        return TRUE;
    }

  if (self->batching && head_length <= TINCAN_WIRE_BASE_DATAGRAM)
    {
      guint8 *buffer = self->out_buffers + (gsize) self->n_batched * TINCAN_WIRE_BASE_DATAGRAM;

      memcpy (buffer, head, head_length);
      self->out_vectors[2 * self->n_batched].buffer = buffer;
      self->out_vectors[2 * self->n_batched].size = head_length;
      self->out_vectors[2 * self->n_batched + 1] = vectors[1];
      if (++self->n_batched == SEND_BATCH)
        flush_batch (self);
      return TRUE;
    }

  flush_batch (self);

  if (g_socket_send_message (self->socket, self->peer_destination, vectors, tail_length > 0 ? 2 : 1,
                             NULL, 0, 0, NULL, error) < 0)
    return FALSE;

  self->stats.datagrams_sent++;

  return TRUE;
}

static void
send_datagram (TincanLink   *self,
               const guint8 *head,
               gsize         head_length,
               const guint8 *tail,
               gsize         tail_length)
{
  g_autoptr(GError) error = NULL;

  if (!send_datagram_full (self, head, head_length, tail, tail_length, &error))
    send_failed (self, error);
}

static void
send_packet (TincanLink         *self,
             const TincanPacket *packet)
{
  guint8 buffer[TINCAN_WIRE_BASE_DATAGRAM];
  gsize length = tincan_wire_encode (packet, buffer, sizeof buffer);

  if (length > 0)
    send_datagram (self, buffer, length, NULL, 0);
}

static void
init_packet (TincanLink       *self,
             TincanPacket     *packet,
             TincanPacketType  type)
{
  memset (packet, 0, sizeof *packet);
  packet->type = type;
  packet->sender_session = self->session;
  packet->receiver_session = self->peer_session;
}

static void
send_hello (TincanLink *self,
            gboolean    reply)
{
  TincanPacket packet;
  const char *name = self->display_name ? self->display_name : "";
  const char *end = name;

  init_packet (self, &packet, TINCAN_PACKET_HELLO);
  packet.hello.reply = reply;
  packet.hello.receive_window = self->receive_window;
  memcpy (packet.hello.identity, self->identity, TINCAN_WIRE_IDENTITY_SIZE);

  /* Cut an over-long name at a character boundary. */
  while (*end != '\0')
    {
      const char *next = g_utf8_next_char (end);

      if (next - name > TINCAN_WIRE_MAX_NAME)
        break;
      end = next;
    }
  memcpy (packet.hello.name, name, end - name);
  packet.hello.name[end - name] = '\0';

  send_packet (self, &packet);
}

/* The path's datagram size (RFC 8899, packetization layer path MTU
 * discovery).  DATA starts at TINCAN_WIRE_BASE_DATAGRAM, which every path
 * carries.  Once the peer is met, PINGs padded to bigger sizes go out,
 * largest first, with the don't-fragment bit set; the first size answered
 * is what DATA is cut to from then on.  A size the local interface cannot
 * send fails at once; one the path drops is tried MAX_PROBES times.
 */
static const guint probe_sizes[] = {
  TINCAN_WIRE_MAX_DATAGRAM,  /* loopback: both ends on one computer */
  9000 - 48,                 /* jumbo frames, less IPv6 and UDP headers */
  1500 - 48,                 /* Ethernet, less IPv6 and UDP headers */
};

static void
start_probing (TincanLink *self,
               gint64      when)
{
  self->probe_index = 0;
  self->probes_sent = 0;
  self->probe_token = 0;
  self->probe_deadline = when;
}

/* Sends the next probe: the same size again, or the next smaller one; or
 * ends the search, to start again later if it ended below the largest.
 */
static void
send_probe (TincanLink *self,
            gint64      now)
{
  self->probe_deadline = 0;

  if (self->peer_destination == NULL || !self->peer_heard_us)
    return;

  if (self->presence != TINCAN_PRESENCE_ONLINE)
    {
      start_probing (self, now + PROBE_RAISE_INTERVAL);
      return;
    }

  while (self->probe_index < G_N_ELEMENTS (probe_sizes)
         && probe_sizes[self->probe_index] > self->datagram_size)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *buffer = NULL;
      TincanPacket packet;
      gsize length;

      if (self->probes_sent == MAX_PROBES)
        {
          self->probe_index++;
          self->probes_sent = 0;
          continue;
        }

      /* One token per size, so a late answer to an earlier try counts. */
      if (self->probes_sent == 0)
        self->probe_token = ((guint64) g_rand_int (self->rand) << 32) | g_rand_int (self->rand);

      init_packet (self, &packet, TINCAN_PACKET_PING);
      packet.ping.token = self->probe_token;
      packet.ping.size = probe_sizes[self->probe_index];
      buffer = g_malloc (packet.ping.size);
      length = tincan_wire_encode (&packet, buffer, packet.ping.size);

      if (!send_datagram_full (self, buffer, length, NULL, 0, &error))
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
            {
              /* Bigger than the interface here takes. */
              self->probe_index++;
              self->probes_sent = 0;
              continue;
            }
          send_failed (self, error);
        }

      self->probes_sent++;
      self->probe_deadline = now + jittered (self, self->rto);
      return;
    }

  if (self->datagram_size < probe_sizes[0])
    start_probing (self, now + PROBE_RAISE_INTERVAL);
}

static void
probe_answered (TincanLink *self)
{
  self->datagram_size = probe_sizes[self->probe_index];
  self->probe_deadline = 0;
  g_debug ("The path carries datagrams of %u bytes", self->datagram_size);

  if (self->datagram_size < probe_sizes[0])
    start_probing (self, g_get_monotonic_time () + PROBE_RAISE_INTERVAL);
}

/* The congestion window, but no more than the peer's socket holds. */
static guint
send_window (TincanLink *self)
{
  return MIN (self->cwnd, MAX (2, self->peer_window / self->datagram_size));
}

/* Sending, reliable mode */

static void
start_new_epoch (TincanLink *self)
{
  self->tx_epoch++;
  self->next_pn = 0;
  self->in_flight = 0;
  self->n_arrived = 0;
  self->have_largest_acked = FALSE;
  self->rto_deadline = 0;

  for (GList *l = self->outgoing.head; l != NULL; l = l->next)
    {
      Outgoing *out = l->data;

      outgoing_reset_numbering (out);
      if (tincan_message_get_state (out->message) == TINCAN_MESSAGE_SENT)
        tincan_message_set_state (out->message, TINCAN_MESSAGE_QUEUED, NULL);
    }

  g_debug ("Epoch %u", self->tx_epoch);
}

static void
send_fragment (TincanLink *self,
               Outgoing   *out,
               guint16     index,
               gint64      now)
{
  TincanPacket packet;
  guint8 header[TINCAN_WIRE_DATA_HEADER_SIZE];
  gsize offset = (gsize) index * out->fragment_size;

  init_packet (self, &packet, TINCAN_PACKET_DATA);
  packet.data.epoch = self->tx_epoch;
  packet.data.packet_number = out->first_pn + index;
  packet.data.message_seq = out->seq;
  packet.data.fragment_index = index;
  packet.data.fragment_count = out->n_fragments;
  packet.data.fragment_size = out->fragment_size;
  packet.data.message_length = out->length;
  packet.data.message_id = out->uid;
  packet.data.payload = out->bytes + offset;
  packet.data.payload_length = tincan_wire_fragment_length (out->length, out->fragment_size, index);

  if (out->sent_at[index] != 0)
    {
      out->resent[index] = TRUE;
      self->stats.retransmissions++;
    }

  out->sent_at[index] = now;
  out->lost[index] = FALSE;
  self->in_flight++;

  send_datagram (self, header, tincan_wire_encode_data_header (&packet, header),
                 packet.data.payload, packet.data.payload_length);
}

static void
flush_reliable (TincanLink *self)
{
  gint64 now = g_get_monotonic_time ();
  guint window = send_window (self);

  if (self->peer_destination == NULL || self->peer_session == 0)
    return;

  self->batching = TRUE;

  /* What was lost goes first, oldest first; then what was never sent. */
  for (GList *l = self->outgoing.head; l != NULL && self->in_flight < window; l = l->next)
    {
      Outgoing *out = l->data;

      if (!out->numbered)
        break;

      for (guint16 i = out->first_unacked; i < out->next_unsent && self->in_flight < window; i++)
        {
          if (out->lost[i] && !out->acked[i])
            send_fragment (self, out, i, now);
        }
    }

  for (GList *l = self->outgoing.head; l != NULL && self->in_flight < window; l = l->next)
    {
      Outgoing *out = l->data;

      if (!out->numbered)
        {
          outgoing_number (out, self->next_pn, self->datagram_size - TINCAN_WIRE_DATA_HEADER_SIZE);
          self->next_pn += out->n_fragments;
        }

      while (out->next_unsent < out->n_fragments && self->in_flight < window)
        send_fragment (self, out, out->next_unsent++, now);

      if (tincan_message_get_state (out->message) == TINCAN_MESSAGE_QUEUED)
        tincan_message_set_state (out->message, TINCAN_MESSAGE_SENT, NULL);
    }

  self->batching = FALSE;
  flush_batch (self);

  if (self->in_flight > 0 && self->rto_deadline == 0)
    self->rto_deadline = now + jittered (self, current_rto (self));
}

static void
update_rtt (TincanLink *self,
            gint64      sample)
{
  sample = MAX (sample, 1);

  if (self->srtt == 0)
    {
      self->srtt = sample;
      self->rttvar = sample / 2;
    }
  else
    {
      gint64 delta = ABS (self->srtt - sample);

      self->rttvar = (3 * self->rttvar + delta) / 4;
      self->srtt = (7 * self->srtt + sample) / 8;
    }

  self->rto = CLAMP (self->srtt + MAX (4 * self->rttvar, G_TIME_SPAN_MILLISECOND), MIN_RTO, MAX_RTO);
}

static gboolean
pn_acked (const TincanPacket *packet,
          guint32             pn)
{
  if (pn < packet->ack.cumulative)
    return TRUE;

  for (guint i = 0; i < packet->ack.n_ranges; i++)
    {
      if (pn < packet->ack.ranges[i].start)
        return FALSE;
      if (pn < packet->ack.ranges[i].end)
        return TRUE;
    }

  return FALSE;
}

/* The newest packet known to have arrived, acknowledged or held: loss
 * detection counts from it.
 */
static void
note_arrived (TincanLink *self,
              guint32     pn,
              gint64      sent_at)
{
  if (!self->have_largest_acked || pn > self->largest_acked)
    {
      self->have_largest_acked = TRUE;
      self->largest_acked = pn;
      self->largest_acked_sent_at = sent_at;
    }
}

static void
handle_ack (TincanLink         *self,
            const TincanPacket *packet)
{
  gint64 now = g_get_monotonic_time ();
  guint32 top = packet->ack.n_ranges > 0
                ? packet->ack.ranges[packet->ack.n_ranges - 1].end
                : packet->ack.cumulative;
  gint64 sample = -1;
  guint newly_acked = 0;
  guint newly_arrived = 0;
  gboolean lost_any = FALSE;
  GList *l;

  if (packet->ack.epoch != self->tx_epoch || top > self->next_pn
      || (packet->ack.n_held > 0 && packet->ack.held[packet->ack.n_held - 1] >= self->next_pn))
    {
      /* For numbers of an earlier epoch, or never sent: not ours. */
      self->stats.stale++;
      return;
    }

  for (l = self->outgoing.head; l != NULL; l = l->next)
    {
      Outgoing *out = l->data;

      if (!out->numbered || out->first_pn >= top)
        break;

      for (guint16 i = out->first_unacked; i < out->next_unsent && out->first_pn + i < top; i++)
        {
          guint32 pn = out->first_pn + i;

          if (out->acked[i] || !pn_acked (packet, pn))
            continue;

          out->acked[i] = TRUE;
          out->n_acked++;
          newly_acked++;
          if (out->arrived[i])
            {
              out->arrived[i] = FALSE;
              self->n_arrived--;
            }
          else if (!out->lost[i])
            self->in_flight--;
          out->lost[i] = FALSE;

          note_arrived (self, pn, out->sent_at[i]);

          /* A round trip is measured only from the newest packet the ACK
           * covers, sent once: an older one may have waited for an ACK that
           * was lost, which says nothing of the path (RFC 9002, 5.1).
           */
          if (pn == top - 1 && !out->resent[i] && packet->ack.delay != TINCAN_WIRE_NO_DELAY)
            sample = now - out->sent_at[i] - packet->ack.delay;
        }
    }

  /* Held: it got there, and waits to be stored.  Not acknowledged, but
   * out of flight, and evidence that what was sent before it was lost.
   */
  for (guint h = 0; h < packet->ack.n_held; h++)
    {
      guint32 pn = packet->ack.held[h];

      for (l = self->outgoing.head; l != NULL; l = l->next)
        {
          Outgoing *out = l->data;
          guint16 i;

          if (!out->numbered || out->first_pn > pn)
            break;
          if (pn >= out->first_pn + out->next_unsent)
            continue;

          i = pn - out->first_pn;
          if (!out->acked[i] && !out->arrived[i])
            {
              out->arrived[i] = TRUE;
              self->n_arrived++;
              newly_arrived++;
              if (!out->lost[i])
                self->in_flight--;
              out->lost[i] = FALSE;

              note_arrived (self, pn, out->sent_at[i]);
            }
          break;
        }
    }

  if (newly_acked == 0 && newly_arrived == 0)
    return;

  if (sample >= 0)
    update_rtt (self, sample);

  self->backoff = 0;
  if (self->cwnd < MAX_CWND)
    self->cwnd = MIN (MAX_CWND, self->cwnd + newly_acked + newly_arrived);

  /* Lost: three numbers below an acknowledged one sent after it. */
  for (l = self->outgoing.head; l != NULL; l = l->next)
    {
      Outgoing *out = l->data;

      if (!out->numbered || out->first_pn + LOSS_THRESHOLD > self->largest_acked)
        break;

      while (out->first_unacked < out->next_unsent && out->acked[out->first_unacked])
        out->first_unacked++;

      for (guint16 i = out->first_unacked; i < out->next_unsent; i++)
        {
          guint32 pn = out->first_pn + i;

          if (pn + LOSS_THRESHOLD > self->largest_acked)
            break;

          if (!out->acked[i] && !out->lost[i] && !out->arrived[i]
              && out->sent_at[i] < self->largest_acked_sent_at)
            {
              out->lost[i] = TRUE;
              self->in_flight--;
              if (out->sent_at[i] > self->recovery_start)
                lost_any = TRUE;
            }
        }
    }

  if (lost_any)
    {
      self->cwnd = MAX (MIN_CWND, self->cwnd / 2);
      self->recovery_start = now;
    }

  /* Whole messages acknowledged, in order. */
  while ((l = self->outgoing.head) != NULL)
    {
      Outgoing *out = l->data;

      if (!out->numbered || out->n_acked < out->n_fragments)
        break;

      g_queue_pop_head (&self->outgoing);
      tincan_message_set_state (out->message, TINCAN_MESSAGE_DELIVERED, NULL);
      outgoing_free (out);
    }

  self->rto_deadline = self->in_flight > 0 || self->n_arrived > 0
                      ? now + jittered (self, current_rto (self)) : 0;
}

static void
on_retransmission_timeout (TincanLink *self,
                           gint64      now)
{
  /* Nothing came back in time: everything in flight is presumed lost,
   * and the window starts small again.
   */
  for (GList *l = self->outgoing.head; l != NULL; l = l->next)
    {
      Outgoing *out = l->data;

      if (!out->numbered)
        break;

      for (guint16 i = out->first_unacked; i < out->next_unsent; i++)
        {
          if (out->arrived[i])
            {
              /* Still not stored: sent again, which is what makes the
               * receiver try to store it again.
               */
              out->arrived[i] = FALSE;
              self->n_arrived--;
              out->lost[i] = TRUE;
            }
          else if (!out->acked[i] && !out->lost[i])
            {
              out->lost[i] = TRUE;
              self->in_flight--;
            }
        }
    }

  self->backoff = MIN (self->backoff + 1, MAX_BACKOFF);
  self->cwnd = MIN_CWND;
  self->recovery_start = now;
  self->rto_deadline = 0;

  /* Timeouts in a row with datagrams bigger than every path carries: the
   * path may have stopped carrying them.  What is not delivered is cut
   * again to the base size, in a new epoch, and the path probed again.
   */
  if (self->backoff >= BLACK_HOLE_TIMEOUTS && self->datagram_size > TINCAN_WIRE_BASE_DATAGRAM)
    {
      g_debug ("No answer to %u-byte datagrams: back to %u", self->datagram_size,
               TINCAN_WIRE_BASE_DATAGRAM);
      self->datagram_size = TINCAN_WIRE_BASE_DATAGRAM;
      start_new_epoch (self);
      start_probing (self, now);
    }
}

static const char *
failure_reason (TincanLink *self)
{
  if (self->presence == TINCAN_PRESENCE_NOT_LISTENING)
    return _("The other computer is not listening on that port");

  if (self->peer_destination == NULL)
    return _("The other computer’s address could not be found");

  if (self->peer_session == 0 && self->peer_version != 0)
    return _("The other computer runs a version of Tin Can that this one cannot talk to");

  if (self->peer_session == 0)
    return _("The other computer did not answer");

  return _("The other computer did not confirm the message in time");
}

static void
give_up_expired (TincanLink *self,
                 gint64      now)
{
  gboolean renumber = FALSE;
  GList *l = self->outgoing.head;

  while (l != NULL)
    {
      GList *next = l->next;
      Outgoing *out = l->data;

      if (out->deadline <= now)
        {
          renumber |= out->numbered;
          g_queue_delete_link (&self->outgoing, l);
          tincan_message_set_state (out->message, TINCAN_MESSAGE_FAILED, failure_reason (self));
          outgoing_free (out);
        }

      l = next;
    }

  /* The receiver waits for those packet numbers forever otherwise. */
  if (renumber)
    start_new_epoch (self);
}

/* Sending, plain mode */

static void
send_plain (TincanLink    *self,
            TincanMessage *message)
{
  const char *text = tincan_message_get_text (message);
  const char *end = text + strlen (text);
  const char *start = text;

  while (start < end)
    {
      const char *cut = start;

      /* As many whole characters as fit in one datagram. */
      while (cut < end)
        {
          const char *next = g_utf8_next_char (cut);

          if (next - start > PLAIN_CHUNK)
            break;
          cut = next;
        }

      send_datagram (self, (const guint8 *) start, cut - start, NULL, 0);
      start = cut;
    }

  tincan_message_set_state (message, TINCAN_MESSAGE_SENT, NULL);
}

static void
tincan_link_flush (TincanLink *self)
{
  if (self->mode == TINCAN_MODE_PLAIN)
    {
      if (self->peer_destination == NULL)
        return;

      for (guint i = 0; i < self->plain_queue->len; i++)
        send_plain (self, g_ptr_array_index (self->plain_queue, i));
      g_ptr_array_set_size (self->plain_queue, 0);
      return;
    }

  flush_reliable (self);
}

/* Receiving */

static inline gboolean
rx_bit (TincanLink *self,
        guint32     pn)
{
  return (self->rx_bits[(pn % RX_WINDOW) / 8] >> (pn % 8)) & 1;
}

static inline void
rx_set_bit (TincanLink *self,
            guint32     pn,
            gboolean    value)
{
  guint8 mask = 1 << (pn % 8);

  if (value)
    self->rx_bits[(pn % RX_WINDOW) / 8] |= mask;
  else
    self->rx_bits[(pn % RX_WINDOW) / 8] &= ~mask;
}

/* Moves the cumulative point past every packet received in a row. */
static void
advance_cumulative (TincanLink *self)
{
  while (self->rx_cum < self->rx_max && rx_bit (self, self->rx_cum))
    {
      rx_set_bit (self, self->rx_cum, FALSE);
      self->rx_cum++;
    }
}

static void
reset_receiving (TincanLink *self,
                 guint32     epoch)
{
  g_list_free_full (g_steal_pointer (&self->reassemblies), (GDestroyNotify) reassembly_free);
  self->reassembly_bytes = 0;
  self->n_reassemblies = 0;
  self->rx_epoch = epoch;
  self->rx_cum = 0;
  self->rx_max = 0;
  memset (self->rx_bits, 0, sizeof self->rx_bits);
}

static void
drop_reassembly (TincanLink *self,
                 GList      *link)
{
  Reassembly *r = link->data;

  self->reassembly_bytes -= r->length;
  self->n_reassemblies--;
  self->reassemblies = g_list_delete_link (self->reassemblies, link);
  reassembly_free (r);
}

static void
expire_reassemblies (TincanLink *self,
                     gint64      now)
{
  GList *l = self->reassemblies;

  while (l != NULL)
    {
      GList *next = l->next;
      Reassembly *r = l->data;

      if (now - r->created >= REASSEMBLY_MAX_AGE)
        {
          self->stats.reassembly_discarded++;
          drop_reassembly (self, l);
        }

      l = next;
    }
}

static Reassembly *
find_reassembly (TincanLink         *self,
                 const TincanPacket *packet,
                 gboolean           *refused)
{
  guint32 first_pn = packet->data.packet_number - packet->data.fragment_index;
  GList *l;
  Reassembly *r;

  *refused = FALSE;

  for (l = self->reassemblies; l != NULL; l = l->next)
    {
      r = l->data;

      if (r->first_pn == first_pn)
        {
          /* The same packet numbers must describe the same message. */
          if (r->seq != packet->data.message_seq
              || r->uid != packet->data.message_id
              || r->n_fragments != packet->data.fragment_count
              || r->fragment_size != packet->data.fragment_size
              || r->length != packet->data.message_length)
            {
              *refused = TRUE;
              return NULL;
            }
          return r;
        }

      if (r->first_pn > first_pn)
        break;
    }

  if (self->n_reassemblies >= MAX_REASSEMBLIES
      || self->reassembly_bytes + packet->data.message_length > MAX_REASSEMBLY_BYTES)
    {
      self->stats.reassembly_discarded++;
      *refused = TRUE;
      return NULL;
    }

  r = g_new0 (Reassembly, 1);
  r->first_pn = first_pn;
  r->seq = packet->data.message_seq;
  r->uid = packet->data.message_id;
  r->n_fragments = packet->data.fragment_count;
  r->fragment_size = packet->data.fragment_size;
  r->length = packet->data.message_length;
  r->have = g_malloc0 (r->n_fragments);
  r->buffer = g_malloc (r->length + 1);
  r->created = g_get_monotonic_time ();

  self->reassemblies = g_list_insert_before (self->reassemblies, l, r);
  self->reassembly_bytes += r->length;
  self->n_reassemblies++;

  return r;
}

/* The fragment that completed a message is acknowledged only once the
 * message is kept (stored, when there is a keep function): a sender that
 * sees "delivered" can count on it.  Until then its packet number is a
 * hole in the ACKs, and the sender sends it again.
 */
static void
release_held (TincanLink *self,
              Reassembly *r)
{
  rx_set_bit (self, r->held_pn, TRUE);
  advance_cumulative (self);
  self->ack_pending = TRUE;
}

static TincanKeepResult
keep (TincanLink    *self,
      TincanMessage *message)
{
  if (self->keep_func == NULL)
    return TINCAN_KEEP_NEW;

  return self->keep_func (self, message, self->keep_data);
}

/* The text is the reassembly buffer itself, not a copy of it. */
static TincanMessage *
reassembled_message (TincanLink *self,
                     Reassembly *r)
{
  g_autofree char *id = g_strdup_printf ("%s-%016" G_GINT64_MODIFIER "x", self->peer_identity, r->uid);
  char *text;

  if (tincan_wire_validate_text (r->buffer, r->length))
    {
      text = (char *) g_steal_pointer (&r->buffer);
      text[r->length] = '\0';
    }
  else
    text = g_utf8_make_valid ((const char *) r->buffer, r->length);

  return tincan_message_take_incoming (id, self->peer_identity, r->uid, text, FALSE);
}

static void
deliver_ready (TincanLink *self)
{
  GList *l;

  while ((l = self->reassemblies) != NULL)
    {
      Reassembly *r = l->data;
      g_autoptr(TincanMessage) message = NULL;
      TincanKeepResult result;

      /* In order: every packet before the held one has arrived. */
      if (!r->held || r->held_pn != self->rx_cum)
        break;

      /* Sent again in a later epoch after its ACK was lost: delivered
       * already.  A sender's sequence numbers only grow, and it numbers its
       * messages in order, so one not above the last delivered is old.
       */
      if (r->seq <= self->rx_delivered_seq)
        {
          self->stats.duplicates++;
          release_held (self, r);
          drop_reassembly (self, l);
          continue;
        }

      if (r->message == NULL)
        r->message = reassembled_message (self, r);
      message = g_object_ref (r->message);

      result = keep (self, message);
      if (result == TINCAN_KEEP_REFUSED)
        {
          /* Not kept, so not acknowledged: it is tried again when the
           * sender repeats the fragment.
           */
          self->stats.not_kept++;
          break;
        }

      self->rx_delivered_seq = r->seq;
      release_held (self, r);
      drop_reassembly (self, l);

      if (result == TINCAN_KEEP_DUPLICATE)
        self->stats.duplicates++;
      else
        g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, message);
    }
}

static void
handle_data (TincanLink         *self,
             const TincanPacket *packet,
             gsize               length)
{
  guint32 pn = packet->data.packet_number;
  gboolean refused;
  Reassembly *r;

  if (packet->data.epoch < self->rx_epoch)
    {
      self->stats.stale++;
      return;
    }

  if (packet->data.epoch > self->rx_epoch)
    reset_receiving (self, packet->data.epoch);

  if (pn < self->rx_cum || (pn < self->rx_max && rx_bit (self, pn)))
    {
      /* Acknowledged again, delivered once. */
      self->stats.duplicates++;
      self->ack_pending = TRUE;
      self->ack_budget += length;
      return;
    }

  if (pn - self->rx_cum >= RX_WINDOW)
    {
      self->stats.out_of_window++;
      return;
    }

  r = find_reassembly (self, packet, &refused);
  if (r == NULL)
    {
      if (!refused)
        self->stats.malformed++;
      return;
    }

  if (!r->have[packet->data.fragment_index])
    {
      memcpy (r->buffer + (gsize) packet->data.fragment_index * r->fragment_size,
              packet->data.payload, packet->data.payload_length);
      r->have[packet->data.fragment_index] = TRUE;
      r->n_received++;

      if (r->n_received == r->n_fragments)
        {
          r->held = TRUE;
          r->held_pn = pn;
        }
    }

  if (!r->held || r->held_pn != pn)
    rx_set_bit (self, pn, TRUE);
  if (pn + 1 > self->rx_max)
    {
      self->rx_max = pn + 1;
      self->rx_max_time = g_get_monotonic_time ();
    }
  advance_cumulative (self);

  self->ack_pending = TRUE;
  self->ack_budget += length;

  deliver_ready (self);
}

static void
send_ack (TincanLink *self)
{
  TincanPacket packet;
  guint32 pn = self->rx_cum;

  init_packet (self, &packet, TINCAN_PACKET_ACK);
  packet.ack.epoch = self->rx_epoch;
  packet.ack.cumulative = self->rx_cum;

  /* Ranges above the cumulative point, as many as fit in the bytes that
   * asked for them: an ACK is never bigger than what it answers.
   */
  while (pn < self->rx_max && packet.ack.n_ranges < TINCAN_WIRE_MAX_ACK_RANGES
         && tincan_wire_ack_size (packet.ack.n_ranges + 1, 0) <= self->ack_budget)
    {
      TincanAckRange *range;

      while (pn < self->rx_max && !rx_bit (self, pn))
        pn++;
      if (pn >= self->rx_max)
        break;

      range = &packet.ack.ranges[packet.ack.n_ranges++];
      range->start = pn;
      while (pn < self->rx_max && rx_bit (self, pn))
        pn++;
      range->end = pn;
    }

  /* Fragments held until their message is stored, oldest first, in the
   * room that is left.
   */
  for (GList *l = self->reassemblies; l != NULL && packet.ack.n_held < TINCAN_WIRE_MAX_HELD; l = l->next)
    {
      Reassembly *r = l->data;

      if (!r->held)
        continue;
      if (tincan_wire_ack_size (packet.ack.n_ranges, packet.ack.n_held + 1) > self->ack_budget)
        break;
      packet.ack.held[packet.ack.n_held++] = r->held_pn;
    }

  /* How long the newest packet waited for this ACK, so the sender can
   * take it off its measurement; only if the ACK reaches that far.
   */
  packet.ack.delay = TINCAN_WIRE_NO_DELAY;
  if ((packet.ack.n_ranges > 0 ? packet.ack.ranges[packet.ack.n_ranges - 1].end
                               : packet.ack.cumulative) == self->rx_max
      && self->rx_max > 0)
    packet.ack.delay = MIN (g_get_monotonic_time () - self->rx_max_time, G_MAXUINT32 - 1);

  send_packet (self, &packet);
  self->stats.acks_sent++;

  self->ack_pending = FALSE;
  self->ack_budget = 0;
}

static void
peer_session_changed (TincanLink *self,
                      guint64     session)
{
  gboolean restarted = self->peer_session != 0;

  g_debug ("Peer session %016" G_GINT64_MODIFIER "x%s", session,
           restarted ? " (restarted)" : "");

  self->peer_session = session;
  self->rx_delivered_seq = 0;
  reset_receiving (self, 0);

  /* Maybe another computer now, on another path: probed once it shows
   * it hears us.
   */
  self->peer_heard_us = FALSE;
  self->datagram_size = TINCAN_WIRE_BASE_DATAGRAM;
  self->probe_deadline = 0;

  /* Whatever it had received of ours died with its old session. */
  if (restarted)
    start_new_epoch (self);
}

static void
finish_test (TincanLink *self,
             gint64      rtt,
             GError     *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->test);

  if (task == NULL)
    return;

  g_clear_handle_id (&self->test_timeout, g_source_remove);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, rtt);
}

/* One side keeps an idle link alive, the one with the lower session ID;
 * the other waits half an interval longer, so an idle pair wakes for one
 * PING and one PONG per interval rather than two of each.
 */
static gboolean
keeps_alive (TincanLink *self)
{
  return self->session < self->peer_session;
}

static gint64
keepalive_interval (TincanLink *self)
{
  return keeps_alive (self) ? KEEPALIVE_INTERVAL : KEEPALIVE_INTERVAL * 3 / 2;
}

static void
heard_from_peer (TincanLink *self,
                 gint64      now)
{
  if (self->test != NULL)
    finish_test (self, now - self->test_started, NULL);

  self->last_heard = now;
  self->hellos_unanswered = 0;
  self->hello_deadline = 0;
  self->keepalives_unanswered = 0;
  self->keepalive_deadline = now + keepalive_interval (self);
  set_presence (self, TINCAN_PRESENCE_ONLINE);
}

static void
handle_packet (TincanLink         *self,
               const TincanPacket *packet,
               gsize               length)
{
  gint64 now = g_get_monotonic_time ();

  /* Sent to an earlier run of ours: whatever it says is stale. */
  if (packet->receiver_session != 0 && packet->receiver_session != self->session)
    {
      self->stats.stale++;
      if (packet->type != TINCAN_PACKET_HELLO)
        return;
    }

  if (packet->sender_session != self->peer_session)
    {
      /* Only a hello introduces a session; anything else from an unknown
       * one is a leftover from before a restart.
       */
      if (packet->type != TINCAN_PACKET_HELLO)
        {
          self->stats.stale++;
          return;
        }

      peer_session_changed (self, packet->sender_session);
    }

  heard_from_peer (self, now);

  /* Our session came back: the peer reads what we send.  Only now is the
   * path probed, so a forged hello cannot turn Tin Can into a firehose
   * aimed at the peer's address.
   */
  if (packet->receiver_session == self->session && !self->peer_heard_us)
    {
      self->peer_heard_us = TRUE;
      start_probing (self, now);
    }

  switch (packet->type)
    {
    case TINCAN_PACKET_HELLO:
      g_free (self->peer_identity);
      self->peer_identity = tincan_link_format_identity (packet->hello.identity);
      self->peer_window = packet->hello.receive_window;
      self->peer_version = 0;
      if (g_strcmp0 (self->peer_name, packet->hello.name) != 0)
        {
          g_free (self->peer_name);
          self->peer_name = g_strdup (packet->hello.name);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_NAME]);
        }
      if (!packet->hello.reply)
        send_hello (self, TRUE);
      break;

    case TINCAN_PACKET_DATA:
      handle_data (self, packet, length);
      break;

    case TINCAN_PACKET_ACK:
      handle_ack (self, packet);
      break;

    case TINCAN_PACKET_PING:
      {
        TincanPacket pong;

        init_packet (self, &pong, TINCAN_PACKET_PONG);
        pong.ping.token = packet->ping.token;
        send_packet (self, &pong);
      }
      break;

    case TINCAN_PACKET_PONG:
      /* The answer to the probe out now, or to an earlier try of it. */
      if (self->probe_deadline != 0 && self->probes_sent > 0
          && packet->ping.token == self->probe_token)
        probe_answered (self);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
handle_plain (TincanLink   *self,
              const guint8 *data,
              gsize         length)
{
  g_autoptr(TincanMessage) message = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;

  if (length > 0 && data[length - 1] == '\n')
    length--;
  if (length > 0 && data[length - 1] == '\r')
    length--;

  if (length == 0)
    return;

  text = g_utf8_make_valid ((const char *) data, length);
  id = g_strdup_printf ("plain-%016" G_GINT64_MODIFIER "x-%" G_GUINT64_FORMAT,
                        self->session, ++self->plain_counter);
  message = tincan_message_new_incoming (id, NULL, 0, text, TRUE);

  self->stats.plain_received++;

  /* Nothing will send it again: shown even if it could not be kept. */
  if (keep (self, message) == TINCAN_KEEP_REFUSED)
    self->stats.not_kept++;

  g_signal_emit (self, signals[MESSAGE_RECEIVED], 0, message);
}

static gboolean
is_from_peer (TincanLink            *self,
              const struct sockaddr *address,
              socklen_t              length)
{
  static const guint8 mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  const guint8 *bytes;
  gsize size;

  if (self->peer_addresses == NULL)
    return FALSE;

  if (address->sa_family == AF_INET && length >= sizeof (struct sockaddr_in))
    {
      bytes = (const guint8 *) &((const struct sockaddr_in *) address)->sin_addr;
      size = 4;
    }
  else if (address->sa_family == AF_INET6 && length >= sizeof (struct sockaddr_in6))
    {
      bytes = (const guint8 *) &((const struct sockaddr_in6 *) address)->sin6_addr;
      size = 16;

      /* On a dual-stack socket an IPv4 sender shows as ::ffff:a.b.c.d. */
      if (memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0)
        {
          bytes += 12;
          size = 4;
        }
    }
  else
    return FALSE;

  for (guint i = 0; i < self->peer_addresses->len; i++)
    {
      GInetAddress *peer = g_ptr_array_index (self->peer_addresses, i);

      if (g_inet_address_get_native_size (peer) == size
          && memcmp (g_inet_address_to_bytes (peer), bytes, size) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The peer speaks another version of the protocol: not an attack, and
 * not a network fault, but something its user can fix.  Said once per
 * version, not for every datagram.
 */
static void
other_version (TincanLink *self,
               guint8      version)
{
  g_autoptr(GError) error = NULL;

  self->stats.malformed++;
  if (self->peer_version == version)
    return;

  self->peer_version = version;
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       version < TINCAN_WIRE_VERSION
                       ? _("The other computer runs an older Tin Can (protocol %u, this one speaks %u): it needs updating")
                       : _("The other computer runs a newer Tin Can (protocol %u, this one speaks %u): this one needs updating"),
                       version, TINCAN_WIRE_VERSION);
  g_debug ("%s", error->message);
  g_signal_emit (self, signals[PEER_ERROR], 0, error);
}

static void
handle_datagram (TincanLink            *self,
                 const struct sockaddr *from,
                 socklen_t              from_length,
                 const guint8          *data,
                 gsize                  length)
{
  TincanPacket packet;
  TincanWireResult result;

  self->stats.datagrams_received++;

  if (!is_from_peer (self, from, from_length))
    {
      self->stats.foreign++;
      return;
    }

  result = tincan_wire_decode (data, length, &packet);

  if (result == TINCAN_WIRE_NOT_TINCAN)
    handle_plain (self, data, length);
  else if (result == TINCAN_WIRE_BAD_VERSION)
    other_version (self, data[2]);
  else if (result != TINCAN_WIRE_OK)
    {
      g_debug ("Dropped a datagram: %s", tincan_wire_result_to_string (result));
      self->stats.malformed++;
    }
  else if (self->mode == TINCAN_MODE_RELIABLE)
    handle_packet (self, &packet, length);
  else
    self->stats.foreign++;
}

/* ICMP errors wait on the socket's error queue; they must be read, or the
 * socket stays readable for ever.  Only "port unreachable" means anything
 * here; a datagram too big for the path (a probe) also lands here, and is
 * taken care of by the probe's timeout.
 */
static void
drain_error_queue (TincanLink *self)
{
  int fd = g_socket_get_fd (self->socket);

  for (guint i = 0; i < 64; i++)
    {
      guint8 data[64];
      guint8 control[512];
      struct iovec iov = { data, sizeof data };
      struct msghdr msg = { 0 };

      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;

      if (recvmsg (fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
        break;

      for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg); cmsg != NULL; cmsg = CMSG_NXTHDR (&msg, cmsg))
        {
          struct sock_extended_err error;

          if (!((cmsg->cmsg_level == IPPROTO_IP && cmsg->cmsg_type == IP_RECVERR)
                || (cmsg->cmsg_level == IPPROTO_IPV6 && cmsg->cmsg_type == IPV6_RECVERR))
              || cmsg->cmsg_len < CMSG_LEN (sizeof error))
            continue;

          memcpy (&error, CMSG_DATA (cmsg), sizeof error);
          if (error.ee_errno == ECONNREFUSED)
            set_presence (self, TINCAN_PRESENCE_NOT_LISTENING);
          else
            g_debug ("Error queue: %s", g_strerror (error.ee_errno));
        }
    }
}

static gboolean
on_socket_ready_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  TincanLink *self = TINCAN_LINK (user_data);
  guint handled = 0;

  g_object_ref (self);

  if (condition & G_IO_ERR)
    drain_error_queue (self);

  /* recvmmsg() itself, not g_socket_receive_messages(): that one asks
   * again after a short batch, one more system call per wake-up, and
   * makes an object of every sender's address.
   */
  while (handled < MAX_PER_DISPATCH)
    {
      int n;

      for (guint i = 0; i < RECEIVE_BATCH; i++)
        {
          self->in_messages[i].msg_hdr.msg_name = &self->in_addresses[i];
          self->in_messages[i].msg_hdr.msg_namelen = sizeof self->in_addresses[i];
          self->in_messages[i].msg_hdr.msg_control = NULL;
          self->in_messages[i].msg_hdr.msg_controllen = 0;
          self->in_messages[i].msg_hdr.msg_flags = 0;
        }

      n = recvmmsg (g_socket_get_fd (socket), self->in_messages, RECEIVE_BATCH, MSG_DONTWAIT, NULL);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == ECONNREFUSED)
            {
              set_presence (self, TINCAN_PRESENCE_NOT_LISTENING);
              drain_error_queue (self);
              continue;
            }
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            g_debug ("Could not receive: %s", g_strerror (errno));
          break;
        }

      for (int i = 0; i < n; i++)
        handle_datagram (self, (const struct sockaddr *) &self->in_addresses[i],
                         self->in_messages[i].msg_hdr.msg_namelen,
                         self->in_vectors[i].iov_base, self->in_messages[i].msg_len);

      handled += n;
      if (n < RECEIVE_BATCH)
        break;
    }

  if (self->ack_pending)
    send_ack (self);

  tincan_link_flush (self);
  tincan_link_schedule (self);

  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

/* Timers: one source, set to the earliest deadline. */

static void
tincan_link_schedule (TincanLink *self)
{
  gint64 next = G_MAXINT64;

  if (self->timer_source == NULL)
    return;

  if (self->rto_deadline != 0)
    next = MIN (next, self->rto_deadline);
  if (self->hello_deadline != 0)
    next = MIN (next, self->hello_deadline);
  if (self->keepalive_deadline != 0)
    next = MIN (next, self->keepalive_deadline);
  if (self->probe_deadline != 0)
    next = MIN (next, self->probe_deadline);

  for (GList *l = self->outgoing.head; l != NULL; l = l->next)
    next = MIN (next, ((Outgoing *) l->data)->deadline);

  for (GList *l = self->reassemblies; l != NULL; l = l->next)
    next = MIN (next, ((Reassembly *) l->data)->created + REASSEMBLY_MAX_AGE);

  self->timer_deadline = next;
}

static void
schedule_hello (TincanLink *self,
                gint64      now)
{
  self->hello_deadline = now + jittered (self, self->hello_interval);
  self->hello_interval = MIN (self->hello_interval * 2, HELLO_MAX_RETRY);
}

static gboolean
on_timer_cb (gpointer user_data)
{
  TincanLink *self = TINCAN_LINK (user_data);
  gint64 now = g_get_monotonic_time ();

  g_object_ref (self);

  if (self->outgoing.head != NULL)
    give_up_expired (self, now);

  if (self->rto_deadline != 0 && now >= self->rto_deadline)
    on_retransmission_timeout (self, now);

  if (self->hello_deadline != 0 && now >= self->hello_deadline)
    {
      self->hello_deadline = 0;

      if (++self->hellos_unanswered >= HELLOS_BEFORE_OFFLINE
          && self->presence != TINCAN_PRESENCE_NOT_LISTENING)
        set_presence (self, TINCAN_PRESENCE_OFFLINE);

      /* After the first few, only while there is something to deliver. */
      if (self->hellos_unanswered < HELLOS_BEFORE_OFFLINE || self->outgoing.head != NULL)
        {
          send_hello (self, FALSE);
          schedule_hello (self, now);
        }
    }

  if (self->keepalive_deadline != 0 && now >= self->keepalive_deadline)
    {
      if (++self->keepalives_unanswered > KEEPALIVES_BEFORE_OFFLINE)
        {
          self->keepalive_deadline = 0;
          set_presence (self, TINCAN_PRESENCE_OFFLINE);
        }
      else
        {
          /* The other side should have pinged; if it has gone quiet for
           * a whole interval, this side asks too.
           */
          if (keeps_alive (self) || self->keepalives_unanswered > 1)
            {
              TincanPacket ping;

              init_packet (self, &ping, TINCAN_PACKET_PING);
              ping.ping.token = now;
              send_packet (self, &ping);
            }
          self->keepalive_deadline = now + keepalive_interval (self);
        }
    }

  if (self->probe_deadline != 0 && now >= self->probe_deadline)
    send_probe (self, now);

  expire_reassemblies (self, now);

  tincan_link_flush (self);
  tincan_link_schedule (self);

  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

/* The timer source reads the link's next deadline each time the main loop
 * prepares to poll.  A ready time would do the same, but setting one
 * wakes the loop once more every time it changes, which an idle link
 * changing it for each keepalive would pay for.
 */
typedef struct
{
  GSource     source;
  TincanLink *link;
} TimerSource;

static gboolean
timer_prepare (GSource *source,
               gint    *timeout)
{
  TincanLink *self = ((TimerSource *) source)->link;
  gint64 now;

  if (self->timer_deadline == G_MAXINT64)
    {
      *timeout = -1;
      return FALSE;
    }

  now = g_source_get_time (source);
  if (now >= self->timer_deadline)
    {
      *timeout = 0;
      return TRUE;
    }

  *timeout = (gint) MIN ((self->timer_deadline - now + 999) / 1000, G_MAXINT);
  return FALSE;
}

static gboolean
timer_check (GSource *source)
{
  TincanLink *self = ((TimerSource *) source)->link;

  return self->timer_deadline != G_MAXINT64 && g_source_get_time (source) >= self->timer_deadline;
}

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  ((TimerSource *) source)->link->timer_deadline = G_MAXINT64;

  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  .prepare = timer_prepare,
  .check = timer_check,
  .dispatch = timer_dispatch,
};

/* The peer */

static void
start_talking (TincanLink *self)
{
  gint64 now = g_get_monotonic_time ();

  if (self->mode == TINCAN_MODE_RELIABLE)
    {
      self->hello_interval = HELLO_FIRST_RETRY;
      self->hellos_unanswered = 0;
      send_hello (self, FALSE);
      schedule_hello (self, now);
    }

  tincan_link_flush (self);
  tincan_link_schedule (self);
}

static GSocketAddress *
destination_for (TincanLink   *self,
                 GInetAddress *address)
{
  g_autoptr(GInetAddress) mapped = NULL;

  if (self->family == G_SOCKET_FAMILY_IPV6
      && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    {
      guint8 bytes[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      memcpy (bytes + 12, g_inet_address_to_bytes (address), 4);
      address = mapped = g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
    }

  return g_inet_socket_address_new (address, self->peer_port);
}

static void
set_peer_addresses (TincanLink *self,
                    GList      *addresses)
{
  g_clear_pointer (&self->peer_addresses, g_ptr_array_unref);
  g_clear_object (&self->peer_destination);

  self->peer_addresses = g_ptr_array_new_with_free_func (g_object_unref);

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      GInetAddress *address = l->data;

      /* An IPv4-only socket cannot reach an IPv6 address. */
      if (self->family == G_SOCKET_FAMILY_IPV4
          && g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
        continue;

      g_ptr_array_add (self->peer_addresses, g_object_ref (address));
      if (self->peer_destination == NULL)
        self->peer_destination = destination_for (self, address);
    }
}

static void
on_resolved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TincanLink) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (addresses == NULL)
    {
      g_autoptr(GError) peer_error = NULL;

      peer_error = g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                                _("Could not find the computer “%s”: %s"),
                                self->peer_host, error->message);
      g_signal_emit (self, signals[PEER_ERROR], 0, peer_error);
      return;
    }

  set_peer_addresses (self, addresses);
  g_resolver_free_addresses (addresses);

  if (self->peer_destination == NULL)
    {
      g_autoptr(GError) peer_error = NULL;

      peer_error = g_error_new (G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                                _("“%s” has only IPv6 addresses, and this computer has no IPv6"),
                                self->peer_host);
      g_signal_emit (self, signals[PEER_ERROR], 0, peer_error);
      return;
    }

  start_talking (self);
}

/* GObject */

static gboolean
tincan_link_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  TincanLink *self = TINCAN_LINK (initable);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketAddress) bind_address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) any = NULL;
  int granted;

  self->socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_DATAGRAM,
                               G_SOCKET_PROTOCOL_UDP, NULL);
  if (self->socket != NULL && g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_V6ONLY, 0, NULL))
    self->family = G_SOCKET_FAMILY_IPV6;
  else
    {
      g_clear_object (&self->socket);
      self->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                   G_SOCKET_PROTOCOL_UDP, &local_error);
      if (self->socket == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Could not open a UDP socket: %s"), local_error->message);
          return FALSE;
        }
      self->family = G_SOCKET_FAMILY_IPV4;
    }

  g_socket_set_blocking (self->socket, FALSE);

  /* Room for a full send window and its ACKs; the kernel caps these at
   * what it allows, which is fine.
   */
  g_socket_set_option (self->socket, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER_SIZE, NULL);
  g_socket_set_option (self->socket, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER_SIZE, NULL);

  /* What it got, for the peer not to send more at once.  Linux reports
   * twice the room it keeps for data, the rest being its own overhead.
   */
  if (g_socket_get_option (self->socket, SOL_SOCKET, SO_RCVBUF, &granted, NULL))
    self->receive_window = MAX (granted / 2, TINCAN_WIRE_BASE_DATAGRAM);

  /* Never fragmented by IP: a datagram too big for the path is dropped
   * whole, which is what probing the path relies on.  "Probe" sets the
   * don't-fragment bit without applying the kernel's own guess at the path.
   */
  g_socket_set_option (self->socket, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE, NULL);
  if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE, NULL);
      g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_DONTFRAG, 1, NULL);
    }

  /* Port unreachable, reported for an unconnected socket too. */
  if (self->family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_RECVERR, 1, NULL);
  g_socket_set_option (self->socket, IPPROTO_IP, IP_RECVERR, 1, NULL);

  any = g_inet_address_new_any (self->family);
  bind_address = g_inet_socket_address_new (any, self->local_port);

  if (!g_socket_bind (self->socket, bind_address, FALSE, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("UDP port %u is already in use by another program"), self->local_port);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("Could not listen on UDP port %u: %s"), self->local_port,
                     local_error->message);
      return FALSE;
    }

  bound = g_socket_get_local_address (self->socket, NULL);
  if (bound != NULL)
    self->local_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  self->socket_source = g_socket_create_source (self->socket, G_IO_IN | G_IO_ERR, NULL);
  g_source_set_callback (self->socket_source, G_SOURCE_FUNC (on_socket_ready_cb), self, NULL);
  g_source_set_static_name (self->socket_source, "[tincan] socket");
  /* Never re-entered (nothing here runs a nested loop), and a source that
   * cannot recurse has its descriptor taken out of the poll and put back
   * around each dispatch, which wakes the loop once more every time.
   */
  g_source_set_can_recurse (self->socket_source, TRUE);
  g_source_attach (self->socket_source, g_main_context_get_thread_default ());

  self->timer_deadline = G_MAXINT64;
  self->timer_source = g_source_new (&timer_funcs, sizeof (TimerSource));
  ((TimerSource *) self->timer_source)->link = self;
  g_source_set_callback (self->timer_source, on_timer_cb, self, NULL);
  g_source_set_static_name (self->timer_source, "[tincan] timers");
  g_source_attach (self->timer_source, g_main_context_get_thread_default ());

  return TRUE;
}

static void
tincan_link_initable_iface_init (GInitableIface *iface)
{
  iface->init = tincan_link_initable_init;
}

static void
tincan_link_dispose (GObject *object)
{
  TincanLink *self = TINCAN_LINK (object);

  g_cancellable_cancel (self->cancellable);
  finish_test (self, -1, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("The connection was closed")));

  if (self->socket_source != NULL)
    {
      g_source_destroy (self->socket_source);
      g_clear_pointer (&self->socket_source, g_source_unref);
    }

  if (self->timer_source != NULL)
    {
      g_source_destroy (self->timer_source);
      g_clear_pointer (&self->timer_source, g_source_unref);
    }

  /* Whatever was still on its way will not get there through this link:
   * say so, so it can be retried on another.
   */
  while (self->outgoing.head != NULL)
    {
      Outgoing *out = g_queue_pop_head (&self->outgoing);

      tincan_message_set_state (out->message, TINCAN_MESSAGE_FAILED,
                                _("Stopped before the message was delivered"));
      outgoing_free (out);
    }

  for (guint i = 0; self->plain_queue != NULL && i < self->plain_queue->len; i++)
    tincan_message_set_state (g_ptr_array_index (self->plain_queue, i), TINCAN_MESSAGE_FAILED,
                              _("Stopped before the message was sent"));
  if (self->plain_queue != NULL)
    g_ptr_array_set_size (self->plain_queue, 0);

  g_list_free_full (g_steal_pointer (&self->reassemblies), (GDestroyNotify) reassembly_free);

  G_OBJECT_CLASS (tincan_link_parent_class)->dispose (object);
}

static void
tincan_link_finalize (GObject *object)
{
  TincanLink *self = TINCAN_LINK (object);

  g_clear_object (&self->socket);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->peer_destination);
  g_clear_pointer (&self->peer_addresses, g_ptr_array_unref);
  g_clear_pointer (&self->plain_queue, g_ptr_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->in_buffers, g_free);
  g_clear_pointer (&self->out_buffers, g_free);
  g_clear_pointer (&self->filter_buffer, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->peer_host, g_free);
  g_clear_pointer (&self->peer_name, g_free);
  g_clear_pointer (&self->peer_identity, g_free);

  G_OBJECT_CLASS (tincan_link_parent_class)->finalize (object);
}

static void
tincan_link_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TincanLink *self = TINCAN_LINK (object);

  switch (prop_id)
    {
    case PROP_LOCAL_PORT:
      g_value_set_uint (value, self->local_port);
      break;

    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    case PROP_PRESENCE:
      g_value_set_enum (value, self->presence);
      break;

    case PROP_PEER_NAME:
      g_value_set_string (value, self->peer_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_link_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TincanLink *self = TINCAN_LINK (object);

  switch (prop_id)
    {
    case PROP_LOCAL_PORT:
      self->local_port = g_value_get_uint (value);
      break;

    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_link_class_init (TincanLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_link_dispose;
  object_class->finalize = tincan_link_finalize;
  object_class->get_property = tincan_link_get_property;
  object_class->set_property = tincan_link_set_property;

  properties[PROP_LOCAL_PORT] =
    g_param_spec_uint ("local-port", NULL, NULL,
                       0, G_MAXUINT16, TINCAN_DEFAULT_PORT,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL,
                       TINCAN_TYPE_MODE, TINCAN_MODE_RELIABLE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PRESENCE] =
    g_param_spec_enum ("presence", NULL, NULL,
                       TINCAN_TYPE_PRESENCE, TINCAN_PRESENCE_UNKNOWN,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PEER_NAME] =
    g_param_spec_string ("peer-name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanLink::message-received:
   * @link: the link
   * @message: a message from the peer, complete, in the order sent
   */
  signals[MESSAGE_RECEIVED] =
    g_signal_new ("message-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);

  /**
   * TincanLink::peer-error:
   * @link: the link
   * @error: why the peer cannot be reached at all, such as a host name
   *   that does not resolve, or a peer that speaks another version of the
   *   protocol
   */
  signals[PEER_ERROR] =
    g_signal_new ("peer-error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tincan_link_init (TincanLink *self)
{
  self->rand = g_rand_new ();
  do
    self->session = ((guint64) g_rand_int (self->rand) << 32) | g_rand_int (self->rand);
  while (self->session == 0);

  /* Until tincan_link_set_identity(): an identity for this run alone. */
  tincan_wire_random_identity (self->identity);

  self->cancellable = g_cancellable_new ();
  self->plain_queue = g_ptr_array_new_with_free_func (g_object_unref);
  self->cwnd = INITIAL_CWND;
  self->datagram_size = TINCAN_WIRE_BASE_DATAGRAM;
  self->receive_window = TINCAN_WIRE_BASE_DATAGRAM;
  self->rto = INITIAL_RTO;
  self->give_up = DEFAULT_GIVE_UP;
  self->hello_interval = HELLO_FIRST_RETRY;
  self->local_port = TINCAN_DEFAULT_PORT;
  g_queue_init (&self->outgoing);

  self->in_buffers = g_malloc (RECEIVE_BATCH * MAX_DATAGRAM_RECEIVED);
  self->out_buffers = g_malloc (SEND_BATCH * TINCAN_WIRE_BASE_DATAGRAM);
  for (guint i = 0; i < RECEIVE_BATCH; i++)
    {
      self->in_vectors[i].iov_base = self->in_buffers + i * MAX_DATAGRAM_RECEIVED;
      self->in_vectors[i].iov_len = MAX_DATAGRAM_RECEIVED;
      self->in_messages[i].msg_hdr.msg_iov = &self->in_vectors[i];
      self->in_messages[i].msg_hdr.msg_iovlen = 1;
    }
}

/* Public API */

/**
 * tincan_link_new:
 * @local_port: the UDP port to listen on, or 0 for any free one
 * @mode: how to talk to the peer
 * @error: return location for a #GError, such as
 *   %G_IO_ERROR_ADDRESS_IN_USE
 *
 * Opens the socket and watches it on the thread-default main context.
 *
 * Returns: (transfer full): a new #TincanLink, or %NULL
 */
TincanLink *
tincan_link_new (guint16      local_port,
                 TincanMode   mode,
                 GError     **error)
{
  return g_initable_new (TINCAN_TYPE_LINK, NULL, error,
                         "local-port", (guint) local_port,
                         "mode", mode,
                         NULL);
}

guint16
tincan_link_get_local_port (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->local_port;
}

TincanMode
tincan_link_get_mode (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), TINCAN_MODE_RELIABLE);

  return self->mode;
}

/**
 * tincan_link_set_display_name:
 * @self: a #TincanLink
 * @name: the name the peer shows for us, sent in every hello
 */
void
tincan_link_set_display_name (TincanLink *self,
                              const char *name)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (name == NULL || g_utf8_validate (name, -1, NULL));

  g_free (self->display_name);
  self->display_name = g_strdup (name);
}

/**
 * tincan_link_set_peer:
 * @self: a #TincanLink
 * @host: an IP address or a host name, as checked by
 *   tincan_address_normalize_host()
 * @port: the peer's UDP port
 *
 * Resolves @host in the background; packets are then accepted from its
 * addresses only.  A name that does not resolve emits
 * #TincanLink::peer-error.
 */
void
tincan_link_set_peer (TincanLink *self,
                      const char *host,
                      guint16     port)
{
  g_autoptr(GInetAddress) literal = NULL;

  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (port > 0);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_free (self->peer_host);
  self->peer_host = g_strdup (host);
  self->peer_port = port;
  g_clear_pointer (&self->peer_addresses, g_ptr_array_unref);
  g_clear_object (&self->peer_destination);
  self->peer_session = 0;
  self->peer_version = 0;
  self->peer_heard_us = FALSE;
  self->datagram_size = TINCAN_WIRE_BASE_DATAGRAM;
  self->probe_deadline = 0;
  reset_receiving (self, 0);
  start_new_epoch (self);
  set_presence (self, TINCAN_PRESENCE_UNKNOWN);

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      GList addresses = { literal, NULL, NULL };

      set_peer_addresses (self, &addresses);
      start_talking (self);
    }
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      g_resolver_lookup_by_name_async (resolver, host, self->cancellable,
                                       on_resolved_cb, g_object_ref (self));
    }
}

/**
 * tincan_link_get_peer_name:
 * @self: a #TincanLink
 *
 * Returns: (nullable): the name from the peer's hello
 */
const char *
tincan_link_get_peer_name (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  return self->peer_name;
}

TincanPresence
tincan_link_get_presence (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), TINCAN_PRESENCE_UNKNOWN);

  return self->presence;
}

/**
 * tincan_link_get_rtt:
 * @self: a #TincanLink
 *
 * Returns: the smoothed round-trip time in microseconds, or 0 before the
 *   first measurement
 */
gint64
tincan_link_get_rtt (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->srtt;
}

guint64
tincan_link_get_session_id (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->session;
}

/**
 * tincan_link_check_text:
 * @text: what someone wants to send
 * @error: return location for a #TincanLinkError
 *
 * Returns: %TRUE if @text can be sent: valid UTF-8, 1 byte to 1 MiB
 */
gboolean
tincan_link_check_text (const char  *text,
            GError     **error)
{
  gsize length = strlen (text);

  if (length == 0)
    {
      g_set_error_literal (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_EMPTY,
                           _("The message is empty"));
      return FALSE;
    }

  if (length > TINCAN_WIRE_MAX_MESSAGE)
    {
      g_set_error (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_TOO_LARGE,
                   _("The message is %lu bytes long; the most Tin Can sends is 1 MiB (%d bytes)"),
                   (unsigned long) length, TINCAN_WIRE_MAX_MESSAGE);
      return FALSE;
    }

  if (!tincan_wire_validate_text ((const guint8 *) text, length))
    {
      g_set_error_literal (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_NOT_UTF8,
                           _("The message is not valid UTF-8 text"));
      return FALSE;
    }

  return TRUE;
}

static void
enqueue (TincanLink    *self,
         TincanMessage *message)
{
  Outgoing *out;

  if (self->mode == TINCAN_MODE_PLAIN)
    {
      g_ptr_array_add (self->plain_queue, g_object_ref (message));
      tincan_link_flush (self);
      return;
    }

  out = g_new0 (Outgoing, 1);
  out->message = g_object_ref (message);
  out->uid = tincan_message_get_uid (message);
  out->bytes = (const guint8 *) tincan_message_get_text (message);
  out->length = strlen (tincan_message_get_text (message));
  out->seq = ++self->next_seq;
  out->deadline = g_get_monotonic_time () + self->give_up;
  g_queue_push_tail (&self->outgoing, out);

  /* Offline or not met yet: say hello now rather than at the next retry. */
  if (self->peer_destination != NULL && self->presence != TINCAN_PRESENCE_ONLINE
      && self->hello_deadline == 0)
    {
      send_hello (self, FALSE);
      self->hello_interval = HELLO_FIRST_RETRY;
      schedule_hello (self, g_get_monotonic_time ());
    }

  tincan_link_flush (self);
  tincan_link_schedule (self);
}

/**
 * tincan_link_send:
 * @self: a #TincanLink
 * @text: UTF-8 text, 1 byte to 1 MiB
 * @error: return location for a #TincanLinkError
 *
 * Queues @text for the peer.  Watch the message's #TincanMessage:state:
 * it ends delivered or failed (in plain mode: sent).
 *
 * Returns: (transfer full): the message, or %NULL if @text cannot be sent
 */
TincanMessage *
tincan_link_send (TincanLink  *self,
                  const char  *text,
                  GError     **error)
{
  g_autoptr(TincanMessage) message = NULL;

  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!tincan_link_check_text (text, error))
    return NULL;

  message = tincan_message_new_outgoing (text, self->mode == TINCAN_MODE_PLAIN);
  enqueue (self, message);

  return g_steal_pointer (&message);
}

/**
 * tincan_link_send_message:
 * @self: a #TincanLink
 * @message: an outgoing message, queued or sent, that is in no link
 *
 * Queues a message made elsewhere: one that was stored before it was
 * sent, or one left over from a link that was closed.  Its ID is kept,
 * so a peer that already has it acknowledges it without showing it
 * again.
 */
void
tincan_link_send_message (TincanLink    *self,
                          TincanMessage *message)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));
  g_return_if_fail (tincan_message_get_outgoing (message));

  if (tincan_message_get_state (message) != TINCAN_MESSAGE_QUEUED)
    tincan_message_set_state (message, TINCAN_MESSAGE_QUEUED, NULL);

  enqueue (self, message);
}

/**
 * tincan_link_take_pending:
 * @self: a #TincanLink
 *
 * Takes back every message not delivered (in plain mode: not sent) yet,
 * leaving their states as they are.  For handing them to another link, or
 * for keeping them in the outbox when Tin Can quits: a link disposed with
 * messages still pending fails them.
 *
 * Returns: (transfer full) (element-type TincanMessage): oldest first
 */
GPtrArray *
tincan_link_take_pending (TincanLink *self)
{
  GPtrArray *pending = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (TINCAN_IS_LINK (self), pending);

  while (self->outgoing.head != NULL)
    {
      Outgoing *out = g_queue_pop_head (&self->outgoing);

      g_ptr_array_add (pending, g_object_ref (out->message));
      outgoing_free (out);
    }

  for (guint i = 0; i < self->plain_queue->len; i++)
    g_ptr_array_add (pending, g_object_ref (g_ptr_array_index (self->plain_queue, i)));
  g_ptr_array_set_size (self->plain_queue, 0);

  /* Numbers the peer may be waiting for are gone with them. */
  start_new_epoch (self);
  tincan_link_schedule (self);

  return pending;
}

/**
 * tincan_link_set_identity:
 * @self: a #TincanLink
 * @identity: (array fixed-size=16): the installation's identity, not all
 *   zero
 *
 * Sets the identity sent in every hello.  A peer keys the messages it has
 * seen by it, so it must stay the same across restarts, and be set before
 * the peer is: a peer takes the identity of a session from its hellos.
 */
void
tincan_link_set_identity (TincanLink   *self,
                          const guint8 *identity)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (identity != NULL);
  g_return_if_fail (self->peer_host == NULL);
  g_return_if_fail (!tincan_wire_identity_is_zero (identity));

  memcpy (self->identity, identity, TINCAN_WIRE_IDENTITY_SIZE);
}

/**
 * tincan_link_format_identity:
 * @identity: (array fixed-size=16): an identity
 *
 * Returns: (transfer full): @identity as 32 lower-case hex digits
 */
char *
tincan_link_format_identity (const guint8 *identity)
{
  GString *hex = g_string_sized_new (2 * TINCAN_WIRE_IDENTITY_SIZE);

  for (guint i = 0; i < TINCAN_WIRE_IDENTITY_SIZE; i++)
    g_string_append_printf (hex, "%02x", identity[i]);

  return g_string_free (hex, FALSE);
}

/**
 * tincan_link_set_keep_func:
 * @self: a #TincanLink
 * @func: (nullable): called with each complete message before it is
 *   acknowledged
 * @user_data: for @func
 *
 * With a keep function, a message from the peer is acknowledged only once
 * @func has kept it (stored it, say); if @func refuses it, the sender
 * sends it again later.  #TincanLink::message-received is emitted only
 * for messages @func calls new.
 */
void
tincan_link_set_keep_func (TincanLink         *self,
                           TincanLinkKeepFunc  func,
                           gpointer            user_data)
{
  g_return_if_fail (TINCAN_IS_LINK (self));

  self->keep_func = func;
  self->keep_data = user_data;
}

/**
 * tincan_link_retry:
 * @self: a #TincanLink
 * @message: a failed message sent through @self
 * @error: return location for a #TincanLinkError
 *
 * Queues @message again, with a new give-up time.
 *
 * Returns: %TRUE if it was queued
 */
gboolean
tincan_link_retry (TincanLink     *self,
                   TincanMessage  *message,
                   GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_MESSAGE (message), FALSE);

  if (!tincan_message_get_outgoing (message)
      || tincan_message_get_state (message) != TINCAN_MESSAGE_FAILED)
    {
      g_set_error_literal (error, TINCAN_LINK_ERROR, TINCAN_LINK_ERROR_NOT_FAILED,
                           _("Only a message that failed can be sent again"));
      return FALSE;
    }

  tincan_message_set_state (message, TINCAN_MESSAGE_QUEUED, NULL);
  enqueue (self, message);

  return TRUE;
}

static gboolean
on_test_timeout_cb (gpointer user_data)
{
  TincanLink *self = TINCAN_LINK (user_data);

  self->test_timeout = 0;
  finish_test (self, -1,
               g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                            _("Nothing answered. Check that Tin Can runs on the other computer, and that its firewall lets UDP port %u in."),
                            self->peer_port));

  return G_SOURCE_REMOVE;
}

/**
 * tincan_link_test_async:
 * @self: a #TincanLink
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Says hello to the peer and waits up to three seconds for an answer.
 * Finish with tincan_link_test_finish().  A newer test replaces one still
 * waiting, which then fails with %G_IO_ERROR_CANCELLED.
 */
void
tincan_link_test_async (TincanLink          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TINCAN_IS_LINK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_link_test_async);

  if (self->mode != TINCAN_MODE_RELIABLE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Plain text has no answers to test with"));
      return;
    }

  if (self->peer_destination == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND,
                               "%s", failure_reason (self));
      return;
    }

  finish_test (self, -1, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("Another test started")));

  self->test = g_steal_pointer (&task);
  self->test_started = g_get_monotonic_time ();
  self->test_timeout = g_timeout_add_seconds (TEST_TIMEOUT_SECONDS, on_test_timeout_cb, self);

  /* A hello, as it is answered whether or not the peer knows us yet. */
  send_hello (self, FALSE);
}

/**
 * tincan_link_test_finish:
 * @self: a #TincanLink
 * @result: the result
 * @error: return location for a #GError: %G_IO_ERROR_TIMED_OUT when
 *   nothing answered, %G_IO_ERROR_CONNECTION_REFUSED when nothing listens
 *
 * Returns: the round trip in microseconds, or -1
 */
gint64
tincan_link_test_finish (TincanLink    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * tincan_link_get_n_pending:
 * @self: a #TincanLink
 *
 * Returns: how many messages are neither delivered nor failed yet
 */
guint
tincan_link_get_n_pending (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->outgoing.length + self->plain_queue->len;
}

const TincanLinkStats *
tincan_link_get_stats (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  return &self->stats;
}

/* Test seams */

void
tincan_link_set_filter (TincanLink       *self,
                        TincanLinkFilter  filter,
                        gpointer          user_data)
{
  g_return_if_fail (TINCAN_IS_LINK (self));

  self->filter = filter;
  self->filter_data = user_data;
}

void
tincan_link_send_raw (TincanLink   *self,
                      const guint8 *datagram,
                      gsize         length)
{
  TincanLinkFilter filter;

  g_return_if_fail (TINCAN_IS_LINK (self));

  filter = self->filter;
  self->filter = NULL;
  send_datagram (self, datagram, length, NULL, 0);
  self->filter = filter;
}

/**
 * tincan_link_receive_datagram:
 * @self: a #TincanLink
 * @from: the address it came from
 * @datagram: its bytes
 * @length: their number
 *
 * Handles @datagram exactly as one read from the socket, answers included.
 */
void
tincan_link_receive_datagram (TincanLink     *self,
                              GSocketAddress *from,
                              const guint8   *datagram,
                              gsize           length)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (G_IS_SOCKET_ADDRESS (from));

  {
    struct sockaddr_storage native;

    if (!g_socket_address_to_native (from, &native, sizeof native, NULL))
      g_return_if_reached ();
    handle_datagram (self, (const struct sockaddr *) &native, g_socket_address_get_native_size (from),
                     datagram, length);
  }

  if (self->ack_pending)
    send_ack (self);

  tincan_link_flush (self);
  tincan_link_schedule (self);
}

/* The biggest DATA datagram the path is known to carry. */
guint
tincan_link_get_datagram_size (TincanLink *self)
{
  g_return_val_if_fail (TINCAN_IS_LINK (self), 0);

  return self->datagram_size;
}

void
tincan_link_set_give_up_time (TincanLink *self,
                              gint64      usec)
{
  g_return_if_fail (TINCAN_IS_LINK (self));
  g_return_if_fail (usec > 0);

  self->give_up = usec;
}

/**
 * tincan_link_describe:
 * @self: a #TincanLink
 *
 * Returns: (transfer full): the sending and receiving state, for a test
 *   that failed to say where things stood
 */
char *
tincan_link_describe (TincanLink *self)
{
  GString *text = g_string_new (NULL);
  guint shown = 0;

  g_return_val_if_fail (TINCAN_IS_LINK (self), NULL);

  g_string_append_printf (text,
                          "tx epoch %u next_pn %u in_flight %u cwnd %u backoff %u rto %" G_GINT64_FORMAT
                          " srtt %" G_GINT64_FORMAT " rto_deadline in %" G_GINT64_FORMAT " ms; "
                          "rx epoch %u cum %u max %u reassemblies %u; presence %d\n",
                          self->tx_epoch, self->next_pn, self->in_flight, self->cwnd, self->backoff,
                          self->rto, self->srtt,
                          self->rto_deadline ? (self->rto_deadline - g_get_monotonic_time ()) / 1000 : -1,
                          self->rx_epoch, self->rx_cum, self->rx_max, self->n_reassemblies,
                          self->presence);
  g_string_append_printf (text, "  received %" G_GUINT64_FORMAT " sent %" G_GUINT64_FORMAT
                          " stale %" G_GUINT64_FORMAT " malformed %" G_GUINT64_FORMAT
                          " duplicates %" G_GUINT64_FORMAT " out-of-window %" G_GUINT64_FORMAT
                          " foreign %" G_GUINT64_FORMAT " acks %" G_GUINT64_FORMAT
                          " send-errors %" G_GUINT64_FORMAT "\n",
                          self->stats.datagrams_received, self->stats.datagrams_sent,
                          self->stats.stale, self->stats.malformed, self->stats.duplicates,
                          self->stats.out_of_window, self->stats.foreign,
                          self->stats.acks_sent, self->stats.send_errors);

  for (GList *l = self->outgoing.head; l != NULL && shown < 5; l = l->next, shown++)
    {
      Outgoing *out = l->data;

      g_string_append_printf (text, "  seq %u numbered %d first_pn %u fragments %u acked %u sent %u:",
                              out->seq, out->numbered, out->first_pn, out->n_fragments,
                              out->n_acked, out->next_unsent);
      for (guint16 i = 0; i < out->next_unsent; i++)
        g_string_append_printf (text, " %c", out->acked[i] ? 'A' : out->lost[i] ? 'L' : 'F');
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

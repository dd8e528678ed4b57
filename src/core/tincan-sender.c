/* tincan-sender.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sending, reliable mode (docs/PROTOCOL.md, *Reliability*): the queue of
 * outgoing messages, their packet numbers, ACKs and loss, the congestion
 * window, the round trip and the give-up time.  It owns no socket and
 * reads no clock: the link hands it the time, ACKs and timeouts, and asks
 * it which DATA packets to send next.
 *
 * A message is cut into fragments when it is first numbered, to the
 * datagram size the path carries then.  The numbers of one message are
 * consecutive and grow in message order, so "every packet below N
 * arrived" is also "every message up to there is complete".  A fragment
 * three numbers below one acknowledged after it was sent is lost and sent
 * again at once, anything else on a retransmission timeout from the
 * measured round trip (RFC 6298), backed off exponentially with jitter.
 *
 * A message fails when the peer has acknowledged nothing new for the
 * give-up time, counted from when the message was queued if that is
 * later: a silent peer, not a long queue, is the reason to give up, so a
 * message that waits behind thousands of others fails only if the peer
 * stops taking them.  A packet the peer holds (it could not store the
 * message) is not progress.  A failed message's packet numbers will
 * never all arrive, so a new epoch starts: every undelivered message is
 * numbered again from zero.
 */

#define G_LOG_DOMAIN "tincan-sender"

#include "config.h"

#include <string.h>

#include "tincan-jitter.h"
#include "tincan-sender.h"

#define INITIAL_CWND           16
#define MIN_CWND               4
#define MAX_CWND               64
#define LOSS_THRESHOLD         3
#define INITIAL_RTO            (250 * G_TIME_SPAN_MILLISECOND)
#define MIN_RTO                (30 * G_TIME_SPAN_MILLISECOND)
#define MAX_RTO                (1 * G_USEC_PER_SEC)
#define MAX_BACKOFF            8
#define DEFAULT_GIVE_UP        (30 * G_USEC_PER_SEC)

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
  gint64         queued_at;    /* never before the message ahead of it */
  guint8        *acked;        /* these six: n_fragments each, while numbered */
  guint8        *lost;         /* sent, presumed lost, to be sent again */
  guint8        *arrived;      /* held by the receiver until it stores the message */
  guint8        *resent;       /* sent more than once: no RTT sample (Karn) */
  gint64        *sent_at;
  guint64       *sent_order;   /* the sender's n_sent when it last went */
} Outgoing;

struct _TincanSender
{
  GRand           *rand;
  TincanLinkStats *stats;

  GQueue           outgoing;           /* Outgoing, oldest first */
  guint32          next_seq;
  guint32          epoch;
  guint32          next_pn;
  guint            in_flight;
  guint            n_arrived;          /* fragments held by the receiver, not acknowledged */
  guint            cwnd;
  guint64          n_sent;             /* fragments sent, counting again what went again */
  guint64          recovery_start;     /* n_sent when cwnd was last halved */
  guint            backoff;
  gint64           rto_deadline;
  guint32          largest_acked;
  gboolean         have_largest_acked;
  guint64          largest_acked_sent; /* its sent_order */
  gint64           srtt;
  gint64           rttvar;
  gint64           rto;
  gint64           give_up;
  gint64           last_progress;      /* when an ACK last acknowledged something new; 0: never */
  guint32          peer_window;        /* what the peer's socket holds */
};

static void
outgoing_free (Outgoing *out)
{
  g_clear_object (&out->message);
  g_free (out->acked);
  g_free (out->lost);
  g_free (out->arrived);
  g_free (out->resent);
  g_free (out->sent_at);
  g_free (out->sent_order);
  g_free (out);
}

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
  out->sent_order = g_new0 (guint64, out->n_fragments);
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
  g_clear_pointer (&out->sent_order, g_free);
}

/**
 * tincan_sender_new:
 * @rand: jitter for the timers; not copied, must outlive the sender
 * @stats: the link's counters; not copied, must outlive the sender
 */
TincanSender *
tincan_sender_new (GRand           *rand,
                   TincanLinkStats *stats)
{
  TincanSender *self = g_new0 (TincanSender, 1);

  self->rand = rand;
  self->stats = stats;
  self->cwnd = INITIAL_CWND;
  self->rto = INITIAL_RTO;
  self->give_up = DEFAULT_GIVE_UP;
  g_queue_init (&self->outgoing);

  return self;
}

void
tincan_sender_free (TincanSender *self)
{
  g_queue_clear_full (&self->outgoing, (GDestroyNotify) outgoing_free);
  g_free (self);
}

void
tincan_sender_set_give_up_time (TincanSender *self,
                                gint64        usec)
{
  self->give_up = usec;
}

void
tincan_sender_set_peer_window (TincanSender *self,
                               guint32       bytes)
{
  self->peer_window = bytes;
}

static gint64
current_rto (TincanSender *self)
{
  gint64 rto = self->rto;

  for (guint i = 0; i < self->backoff && rto < MAX_RTO; i++)
    rto *= 2;

  return MIN (rto, MAX_RTO);
}

/* The congestion window, but no more than the peer's socket holds. */
static guint
send_window (TincanSender *self,
             guint         datagram_size)
{
  return MIN (self->cwnd, MAX (2, self->peer_window / datagram_size));
}

/* When @out fails: the give-up time after it was queued, or after the
 * peer last acknowledged something new, whichever is later.  The queue is
 * in the order of queued_at, so the head's is the earliest.
 */
static gint64
give_up_deadline (TincanSender *self,
                  Outgoing     *out)
{
  return MAX (out->queued_at, self->last_progress) + self->give_up;
}

/* Queues @message, to fail if the peer acknowledges nothing new for the
 * give-up time from @now on.
 */
void
tincan_sender_add (TincanSender  *self,
                   TincanMessage *message,
                   gint64         now)
{
  Outgoing *out = g_new0 (Outgoing, 1);
  Outgoing *last = g_queue_peek_tail (&self->outgoing);

  out->message = g_object_ref (message);
  out->uid = tincan_message_get_uid (message);
  /* A record's bytes, like a text, stay where they are while it is queued. */
  if (tincan_message_get_record (message) != NULL)
    out->bytes = g_bytes_get_data (tincan_message_get_record (message), &out->length);
  else
    {
      out->bytes = (const guint8 *) tincan_message_get_text (message);
      out->length = strlen (tincan_message_get_text (message));
    }
  out->seq = ++self->next_seq;
  /* In order, whatever clock the caller read. */
  out->queued_at = last != NULL ? MAX (now, last->queued_at) : now;
  g_queue_push_tail (&self->outgoing, out);
}

/* Whatever the peer had of ours is gone: everything undelivered is
 * numbered again, from zero, in a new epoch.
 */
void
tincan_sender_new_epoch (TincanSender *self)
{
  self->epoch++;
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

  g_debug ("Epoch %u", self->epoch);
}

/* Fills @packet with fragment @index of @out; its payload points into the
 * message's own text, which stays where it is while the message is queued.
 */
static void
take_fragment (TincanSender *self,
               Outgoing     *out,
               guint16       index,
               gint64        now,
               TincanPacket *packet)
{
  gsize offset = (gsize) index * out->fragment_size;

  memset (packet, 0, sizeof *packet);
  packet->type = TINCAN_PACKET_DATA;
  packet->data.epoch = self->epoch;
  packet->data.packet_number = out->first_pn + index;
  packet->data.message_seq = out->seq;
  packet->data.fragment_index = index;
  packet->data.fragment_count = out->n_fragments;
  packet->data.fragment_size = out->fragment_size;
  packet->data.message_length = out->length;
  packet->data.message_id = out->uid;
  packet->data.payload = out->bytes + offset;
  packet->data.payload_length = tincan_wire_fragment_length (out->length, out->fragment_size, index);

  if (out->sent_at[index] != 0)
    {
      out->resent[index] = TRUE;
      self->stats->retransmissions++;
    }

  out->sent_at[index] = now;
  /* What went after what, by count and not by time: a whole batch is
   * sent at one `now`.
   */
  out->sent_order[index] = ++self->n_sent;
  out->lost[index] = FALSE;
  self->in_flight++;
}

/**
 * tincan_sender_next:
 * @self: a sender
 * @now: the monotonic time
 * @datagram_size: what the path carries: a message numbered now is cut
 *   to fit it
 * @packets: (out caller-allocates) (array length=n_packets): filled with
 *   DATA packets, the sessions left for the caller to set
 * @n_packets: room in @packets
 *
 * Takes the next DATA packets to send, as many as the window allows and
 * @packets holds: what was lost first, oldest first, then what was never
 * sent.  They count as sent from @now.  Call again while it fills
 * @packets.
 *
 * Returns: how many packets were filled
 */
guint
tincan_sender_next (TincanSender *self,
                    gint64        now,
                    guint         datagram_size,
                    TincanPacket *packets,
                    guint         n_packets)
{
  guint window = send_window (self, datagram_size);
  guint n = 0;

  for (GList *l = self->outgoing.head; l != NULL && self->in_flight < window && n < n_packets; l = l->next)
    {
      Outgoing *out = l->data;

      if (!out->numbered)
        break;

      for (guint16 i = out->first_unacked; i < out->next_unsent && self->in_flight < window && n < n_packets; i++)
        {
          if (out->lost[i] && !out->acked[i])
            take_fragment (self, out, i, now, &packets[n++]);
        }
    }

  for (GList *l = self->outgoing.head; l != NULL && self->in_flight < window && n < n_packets; l = l->next)
    {
      Outgoing *out = l->data;

      if (!out->numbered)
        {
          outgoing_number (out, self->next_pn, datagram_size - TINCAN_WIRE_SEAL_OVERHEAD - TINCAN_WIRE_DATA_HEADER_SIZE);
          self->next_pn += out->n_fragments;
        }

      while (out->next_unsent < out->n_fragments && self->in_flight < window && n < n_packets)
        take_fragment (self, out, out->next_unsent++, now, &packets[n++]);

      if (tincan_message_get_state (out->message) == TINCAN_MESSAGE_QUEUED)
        tincan_message_set_state (out->message, TINCAN_MESSAGE_SENT, NULL);
    }

  if (self->in_flight > 0 && self->rto_deadline == 0)
    self->rto_deadline = now + tincan_jittered (self->rand, current_rto (self));

  return n;
}

static void
update_rtt (TincanSender *self,
            gint64        sample)
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
note_arrived (TincanSender *self,
              guint32       pn,
              guint64       sent_order)
{
  if (!self->have_largest_acked || pn > self->largest_acked)
    {
      self->have_largest_acked = TRUE;
      self->largest_acked = pn;
      self->largest_acked_sent = sent_order;
    }
}

/* Marks what @packet acknowledges; returns how many fragments, and the
 * round trip of the newest one in @sample (-1: none to measure).
 */
static guint
mark_acked (TincanSender       *self,
            const TincanPacket *packet,
            guint32             top,
            gint64              now,
            gint64             *sample)
{
  guint newly_acked = 0;

  for (GList *l = self->outgoing.head; l != NULL; l = l->next)
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

          note_arrived (self, pn, out->sent_order[i]);

          /* A round trip is measured only from the newest packet the ACK
           * covers, sent once: an older one may have waited for an ACK that
           * was lost, which says nothing of the path (RFC 9002, 5.1).
           */
          if (pn == top - 1 && !out->resent[i] && packet->ack.delay != TINCAN_WIRE_NO_DELAY)
            *sample = now - out->sent_at[i] - packet->ack.delay;
        }
    }

  return newly_acked;
}

/* Held: it got there, and waits to be stored.  Not acknowledged, but out
 * of flight, and evidence that what was sent before it was lost.
 */
static guint
mark_held (TincanSender       *self,
           const TincanPacket *packet)
{
  guint newly_arrived = 0;

  for (guint h = 0; h < packet->ack.n_held; h++)
    {
      guint32 pn = packet->ack.held[h];

      for (GList *l = self->outgoing.head; l != NULL; l = l->next)
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

              note_arrived (self, pn, out->sent_order[i]);
            }
          break;
        }
    }

  return newly_arrived;
}

/* Lost: three numbers below an arrived one sent after it.  Returns TRUE
 * if one was sent after the last loss was answered, which halves the
 * window.
 */
static gboolean
detect_losses (TincanSender *self)
{
  gboolean lost_any = FALSE;

  for (GList *l = self->outgoing.head; l != NULL; l = l->next)
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
              && out->sent_order[i] < self->largest_acked_sent)
            {
              out->lost[i] = TRUE;
              self->in_flight--;
              if (out->sent_order[i] > self->recovery_start)
                lost_any = TRUE;
            }
        }
    }

  return lost_any;
}

/**
 * tincan_sender_handle_ack:
 * @self: a sender
 * @packet: a decoded ACK from the peer's current session
 * @now: the monotonic time
 *
 * Returns: %FALSE if @packet is not about this epoch's packets, and was
 *   counted as stale
 */
gboolean
tincan_sender_handle_ack (TincanSender       *self,
                          const TincanPacket *packet,
                          gint64              now)
{
  guint32 top = packet->ack.n_ranges > 0
                ? packet->ack.ranges[packet->ack.n_ranges - 1].end
                : packet->ack.cumulative;
  gint64 sample = -1;
  guint newly_acked;
  guint newly_arrived;
  GList *l;

  if (packet->ack.epoch != self->epoch || top > self->next_pn
      || (packet->ack.n_held > 0 && packet->ack.held[packet->ack.n_held - 1] >= self->next_pn))
    {
      /* For numbers of an earlier epoch, or never sent: not ours. */
      self->stats->stale++;
      return FALSE;
    }

  newly_acked = mark_acked (self, packet, top, now, &sample);
  newly_arrived = mark_held (self, packet);

  if (newly_acked == 0 && newly_arrived == 0)
    return TRUE;

  /* The peer is taking what we send: nothing gives up while it does.
   * Held is not taken: it could not store the message.
   */
  if (newly_acked > 0)
    self->last_progress = now;

  if (sample >= 0)
    update_rtt (self, sample);

  self->backoff = 0;
  if (self->cwnd < MAX_CWND)
    self->cwnd = MIN (MAX_CWND, self->cwnd + newly_acked + newly_arrived);

  if (detect_losses (self))
    {
      self->cwnd = MAX (MIN_CWND, self->cwnd / 2);
      self->recovery_start = self->n_sent;
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
                      ? now + tincan_jittered (self->rand, current_rto (self)) : 0;

  return TRUE;
}

/**
 * tincan_sender_check_timeout:
 * @self: a sender
 * @now: the monotonic time
 *
 * If the retransmission timer has run out, everything in flight is
 * presumed lost, the timer backs off and the window starts small again.
 *
 * Returns: %TRUE if the timer had run out
 */
gboolean
tincan_sender_check_timeout (TincanSender *self,
                             gint64        now)
{
  if (self->rto_deadline == 0 || now < self->rto_deadline)
    return FALSE;

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
  self->recovery_start = self->n_sent;
  self->rto_deadline = 0;

  return TRUE;
}

gboolean
tincan_sender_has_expired (TincanSender *self,
                           gint64        now)
{
  Outgoing *head = g_queue_peek_head (&self->outgoing);

  return head != NULL && give_up_deadline (self, head) <= now;
}

/* Fails every message past its give-up time, with @reason: the oldest
 * ones, as the queue is in the order they were queued.
 */
void
tincan_sender_expire (TincanSender *self,
                      gint64        now,
                      const char   *reason)
{
  gboolean renumber = FALSE;
  Outgoing *out;

  while ((out = g_queue_peek_head (&self->outgoing)) != NULL && give_up_deadline (self, out) <= now)
    {
      renumber |= out->numbered;
      g_queue_pop_head (&self->outgoing);
      tincan_message_set_state (out->message, TINCAN_MESSAGE_FAILED, reason);
      outgoing_free (out);
    }

  /* The receiver waits for those packet numbers forever otherwise. */
  if (renumber)
    tincan_sender_new_epoch (self);
}

/* Takes back every message, states as they are, and starts a new epoch:
 * numbers the peer may be waiting for are gone with them.
 */
GPtrArray *
tincan_sender_take_all (TincanSender *self)
{
  GPtrArray *pending = g_ptr_array_new_with_free_func (g_object_unref);

  while (self->outgoing.head != NULL)
    {
      Outgoing *out = g_queue_pop_head (&self->outgoing);

      g_ptr_array_add (pending, g_object_ref (out->message));
      outgoing_free (out);
    }

  tincan_sender_new_epoch (self);

  return pending;
}

void
tincan_sender_fail_all (TincanSender *self,
                        const char   *reason)
{
  while (self->outgoing.head != NULL)
    {
      Outgoing *out = g_queue_pop_head (&self->outgoing);

      tincan_message_set_state (out->message, TINCAN_MESSAGE_FAILED, reason);
      outgoing_free (out);
    }
}

/* The earliest of the retransmission timer and the give-up times, or
 * G_MAXINT64.
 */
gint64
tincan_sender_get_deadline (TincanSender *self)
{
  gint64 next = self->rto_deadline != 0 ? self->rto_deadline : G_MAXINT64;
  Outgoing *head = g_queue_peek_head (&self->outgoing);

  if (head != NULL)
    next = MIN (next, give_up_deadline (self, head));

  return next;
}

guint
tincan_sender_get_n_pending (TincanSender *self)
{
  return self->outgoing.length;
}

guint32
tincan_sender_get_epoch (TincanSender *self)
{
  return self->epoch;
}

guint
tincan_sender_get_in_flight (TincanSender *self)
{
  return self->in_flight;
}

guint
tincan_sender_get_cwnd (TincanSender *self)
{
  return self->cwnd;
}

guint
tincan_sender_get_backoff (TincanSender *self)
{
  return self->backoff;
}

gint64
tincan_sender_get_rto (TincanSender *self)
{
  return self->rto;
}

/* The smoothed round trip, or 0 before the first measurement. */
gint64
tincan_sender_get_srtt (TincanSender *self)
{
  return self->srtt;
}

void
tincan_sender_describe (TincanSender *self,
                        GString      *text)
{
  guint shown = 0;

  g_string_append_printf (text,
                          "tx epoch %u next_pn %u in_flight %u cwnd %u backoff %u rto %" G_GINT64_FORMAT
                          " srtt %" G_GINT64_FORMAT " rto_deadline in %" G_GINT64_FORMAT " ms; ",
                          self->epoch, self->next_pn, self->in_flight, self->cwnd, self->backoff,
                          self->rto, self->srtt,
                          self->rto_deadline ? (self->rto_deadline - g_get_monotonic_time ()) / 1000 : -1);

  for (GList *l = self->outgoing.head; l != NULL && shown < 5; l = l->next, shown++)
    {
      Outgoing *out = l->data;

      g_string_append_printf (text, "\n  seq %u numbered %d first_pn %u fragments %u acked %u sent %u:",
                              out->seq, out->numbered, out->first_pn, out->n_fragments,
                              out->n_acked, out->next_unsent);
      for (guint16 i = 0; i < out->next_unsent; i++)
        g_string_append_printf (text, " %c", out->acked[i] ? 'A' : out->lost[i] ? 'L' : 'F');
    }
}

/* tincan-receiver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Receiving (docs/PROTOCOL.md, *Reliability* and *Exactly once*): the
 * receive window of packet numbers, reassembly of fragments, delivery in
 * order, the ACKs that say what arrived, and plain-text datagrams.  It
 * owns no socket and reads no clock: the link hands it decoded DATA and
 * the time, and asks it for ACKs and for the messages ready to keep.
 *
 * The fragment that completes a message is held: acknowledged only once
 * the message is kept (stored, when the link has a keep function), so a
 * sender that sees "delivered" can count on it.  Until then its packet
 * number is a hole in the ACKs, listed as held, and the sender sends it
 * again, which is what makes the link try to keep it again.
 */

#define G_LOG_DOMAIN "tincan-receiver"

#include "config.h"

#include <string.h>

#include "tincan-receiver.h"

#define RX_WINDOW              4096
#define MAX_REASSEMBLIES       512
#define MAX_REASSEMBLY_BYTES   (8 * 1024 * 1024)
#define REASSEMBLY_MAX_AGE     (60 * G_USEC_PER_SEC)

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

struct _TincanReceiver
{
  TincanLinkStats *stats;

  guint32          epoch;
  guint32          delivered_seq;      /* the peer session's last delivered message */
  guint32          cum;                /* every packet below this arrived */
  guint32          max;                /* one past the highest received */
  gint64           max_time;           /* when that one arrived */
  guint8           bits[RX_WINDOW / 8];
  GList           *reassemblies;       /* Reassembly, by first_pn */
  gsize            reassembly_bytes;
  guint            n_reassemblies;
  gboolean         ack_pending;
  gsize            ack_budget;         /* bytes of data received since the last ACK */
  guint64          plain_counter;
};

static void
reassembly_free (Reassembly *r)
{
  g_free (r->have);
  g_free (r->buffer);
  g_clear_object (&r->message);
  g_free (r);
}

/**
 * tincan_receiver_new:
 * @stats: the link's counters; not copied, must outlive the receiver
 */
TincanReceiver *
tincan_receiver_new (TincanLinkStats *stats)
{
  TincanReceiver *self = g_new0 (TincanReceiver, 1);

  self->stats = stats;

  return self;
}

void
tincan_receiver_free (TincanReceiver *self)
{
  g_list_free_full (self->reassemblies, (GDestroyNotify) reassembly_free);
  g_free (self);
}

static inline gboolean
rx_bit (TincanReceiver *self,
        guint32         pn)
{
  return (self->bits[(pn % RX_WINDOW) / 8] >> (pn % 8)) & 1;
}

static inline void
rx_set_bit (TincanReceiver *self,
            guint32         pn,
            gboolean        value)
{
  guint8 mask = 1 << (pn % 8);

  if (value)
    self->bits[(pn % RX_WINDOW) / 8] |= mask;
  else
    self->bits[(pn % RX_WINDOW) / 8] &= ~mask;
}

/* Moves the cumulative point past every packet received in a row. */
static void
advance_cumulative (TincanReceiver *self)
{
  while (self->cum < self->max && rx_bit (self, self->cum))
    {
      rx_set_bit (self, self->cum, FALSE);
      self->cum++;
    }
}

static void
reset (TincanReceiver *self,
       guint32         epoch)
{
  g_list_free_full (g_steal_pointer (&self->reassemblies), (GDestroyNotify) reassembly_free);
  self->reassembly_bytes = 0;
  self->n_reassemblies = 0;
  self->epoch = epoch;
  self->cum = 0;
  self->max = 0;
  memset (self->bits, 0, sizeof self->bits);
}

/* A new peer session: nothing received from the old one counts. */
void
tincan_receiver_restart (TincanReceiver *self)
{
  self->delivered_seq = 0;
  reset (self, 0);
}

static void
drop_reassembly (TincanReceiver *self,
                 GList          *link)
{
  Reassembly *r = link->data;

  self->reassembly_bytes -= r->length;
  self->n_reassemblies--;
  self->reassemblies = g_list_delete_link (self->reassemblies, link);
  reassembly_free (r);
}

/* Drops what was half assembled for too long. */
void
tincan_receiver_expire (TincanReceiver *self,
                        gint64          now)
{
  GList *l = self->reassemblies;

  while (l != NULL)
    {
      GList *next = l->next;
      Reassembly *r = l->data;

      if (now - r->created >= REASSEMBLY_MAX_AGE)
        {
          self->stats->reassembly_discarded++;
          drop_reassembly (self, l);
        }

      l = next;
    }
}

gint64
tincan_receiver_get_deadline (TincanReceiver *self)
{
  gint64 next = G_MAXINT64;

  for (GList *l = self->reassemblies; l != NULL; l = l->next)
    next = MIN (next, ((Reassembly *) l->data)->created + REASSEMBLY_MAX_AGE);

  return next;
}

/* Whether a message at @first_pn of @n_fragments would share packet
 * numbers with its neighbours in the list, @before and @after.
 */
static gboolean
overlaps (GList   *before,
          guint32  first_pn,
          GList   *after,
          guint16  n_fragments)
{
  if (before != NULL)
    {
      Reassembly *r = before->data;

      if ((guint64) r->first_pn + r->n_fragments > first_pn)
        return TRUE;
    }

  if (after != NULL)
    {
      Reassembly *r = after->data;

      if ((guint64) first_pn + n_fragments > r->first_pn)
        return TRUE;
    }

  return FALSE;
}

/* The reassembly @packet belongs to, new if need be; or %NULL if it is
 * refused, which is counted here.
 */
static Reassembly *
find_reassembly (TincanReceiver     *self,
                 const TincanPacket *packet,
                 gint64              now)
{
  guint32 first_pn = packet->data.packet_number - packet->data.fragment_index;
  GList *l;
  Reassembly *r;

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
              self->stats->malformed++;
              return NULL;
            }
          return r;
        }

      if (r->first_pn > first_pn)
        break;
    }

  /* Nor may two messages claim the same packet numbers: a held number
   * would then fall inside a range of the ACK, which the peer refuses,
   * and neither message could be delivered.  An honest sender never does
   * this within an epoch.
   */
  if (overlaps (l != NULL ? l->prev : g_list_last (self->reassemblies), first_pn, l,
                packet->data.fragment_count))
    {
      self->stats->malformed++;
      return NULL;
    }

  if (self->n_reassemblies >= MAX_REASSEMBLIES
      || self->reassembly_bytes + packet->data.message_length > MAX_REASSEMBLY_BYTES)
    {
      self->stats->reassembly_discarded++;
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
  r->created = now;

  self->reassemblies = g_list_insert_before (self->reassemblies, l, r);
  self->reassembly_bytes += r->length;
  self->n_reassemblies++;

  return r;
}

/**
 * tincan_receiver_handle_data:
 * @self: a receiver
 * @packet: a decoded DATA packet from the peer's current session
 * @length: the size of its datagram, which the ACK may not exceed
 * @now: the monotonic time
 *
 * Returns: %TRUE if it was taken into a reassembly, after which a message
 *   may be ready (tincan_receiver_next_ready()); %FALSE if it was stale,
 *   a duplicate, out of the window or refused, and counted as such
 */
gboolean
tincan_receiver_handle_data (TincanReceiver     *self,
                             const TincanPacket *packet,
                             gsize               length,
                             gint64              now)
{
  guint32 pn = packet->data.packet_number;
  Reassembly *r;

  if (packet->data.epoch < self->epoch)
    {
      self->stats->stale++;
      return FALSE;
    }

  /* A higher epoch: the sender numbered everything again, and what was
   * half assembled will come again under new numbers.
   */
  if (packet->data.epoch > self->epoch)
    reset (self, packet->data.epoch);

  if (pn < self->cum || (pn < self->max && rx_bit (self, pn)))
    {
      /* Acknowledged again, delivered once. */
      self->stats->duplicates++;
      self->ack_pending = TRUE;
      self->ack_budget += length;
      return FALSE;
    }

  if (pn - self->cum >= RX_WINDOW)
    {
      self->stats->out_of_window++;
      return FALSE;
    }

  r = find_reassembly (self, packet, now);
  if (r == NULL)
    return FALSE;

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
  if (pn + 1 > self->max)
    {
      self->max = pn + 1;
      self->max_time = now;
    }
  advance_cumulative (self);

  self->ack_pending = TRUE;
  self->ack_budget += length;

  return TRUE;
}

/* The held fragment is acknowledged now that its message is kept. */
static void
release_held (TincanReceiver *self,
              Reassembly     *r)
{
  rx_set_bit (self, r->held_pn, TRUE);
  advance_cumulative (self);
  self->ack_pending = TRUE;
}

/* The text is the reassembly buffer itself, not a copy of it. */
static TincanMessage *
reassembled_message (Reassembly *r,
                     const char *peer_identity)
{
  g_autofree char *id = g_strdup_printf ("%s-%016" G_GINT64_MODIFIER "x", peer_identity, r->uid);
  char *text;

  /* Text never holds a NUL: one first is a record for the files engine,
   * kept as bytes.
   */
  if (r->length > 0 && r->buffer[0] == 0)
    {
      GBytes *record = g_bytes_new_take (g_steal_pointer (&r->buffer), r->length);

      return tincan_message_take_incoming_record (id, peer_identity, r->uid, record);
    }

  if (tincan_wire_validate_text (r->buffer, r->length))
    {
      text = (char *) g_steal_pointer (&r->buffer);
      text[r->length] = '\0';
    }
  else
    text = g_utf8_make_valid ((const char *) r->buffer, r->length);

  return tincan_message_take_incoming (id, peer_identity, r->uid, text, FALSE);
}

/**
 * tincan_receiver_next_ready:
 * @self: a receiver
 * @peer_identity: the sender's identity, in hex, for the message's ID
 *
 * The next complete message in order, if every packet before it has
 * arrived.  It stays first until tincan_receiver_pop_ready(): a message
 * that could not be kept is offered again, whole, when its held fragment
 * comes again.  One the peer sent again in a later epoch after its ACK
 * was lost is acknowledged and dropped here, as a duplicate.
 *
 * Returns: (transfer full) (nullable): the message
 */
TincanMessage *
tincan_receiver_next_ready (TincanReceiver *self,
                            const char     *peer_identity)
{
  GList *l;

  while ((l = self->reassemblies) != NULL)
    {
      Reassembly *r = l->data;

      if (!r->held || r->held_pn != self->cum)
        return NULL;

      /* A sender's sequence numbers only grow, and it numbers its
       * messages in order, so one not above the last delivered is old.
       */
      if (r->seq <= self->delivered_seq)
        {
          self->stats->duplicates++;
          release_held (self, r);
          drop_reassembly (self, l);
          continue;
        }

      if (r->message == NULL)
        r->message = reassembled_message (r, peer_identity);

      return g_object_ref (r->message);
    }

  return NULL;
}

/* The message tincan_receiver_next_ready() gave was kept: acknowledge it. */
void
tincan_receiver_pop_ready (TincanReceiver *self)
{
  Reassembly *r;

  g_return_if_fail (self->reassemblies != NULL);

  r = self->reassemblies->data;
  g_return_if_fail (r->held && r->message != NULL);

  self->delivered_seq = r->seq;
  release_held (self, r);
  drop_reassembly (self, self->reassemblies);
}

gboolean
tincan_receiver_ack_pending (TincanReceiver *self)
{
  return self->ack_pending;
}

/**
 * tincan_receiver_build_ack:
 * @self: a receiver
 * @now: the monotonic time
 * @packet: (out caller-allocates): the ACK, its sessions left for the
 *   caller to set
 *
 * Says what arrived: the cumulative point, ranges above it and held
 * fragments, as many as fit in the bytes received since the last ACK, so
 * an ACK is never bigger than what it answers.
 */
void
tincan_receiver_build_ack (TincanReceiver *self,
                           gint64          now,
                           TincanPacket   *packet)
{
  guint32 pn = self->cum;

  memset (packet, 0, sizeof *packet);
  packet->type = TINCAN_PACKET_ACK;
  packet->ack.epoch = self->epoch;
  packet->ack.cumulative = self->cum;

  while (pn < self->max && packet->ack.n_ranges < TINCAN_WIRE_MAX_ACK_RANGES
         && tincan_wire_ack_size (packet->ack.n_ranges + 1, 0) <= self->ack_budget)
    {
      TincanAckRange *range;

      while (pn < self->max && !rx_bit (self, pn))
        pn++;
      if (pn >= self->max)
        break;

      range = &packet->ack.ranges[packet->ack.n_ranges++];
      range->start = pn;
      while (pn < self->max && rx_bit (self, pn))
        pn++;
      range->end = pn;
    }

  /* Fragments held until their message is stored, oldest first, in the
   * room that is left.
   */
  for (GList *l = self->reassemblies; l != NULL && packet->ack.n_held < TINCAN_WIRE_MAX_HELD; l = l->next)
    {
      Reassembly *r = l->data;

      if (!r->held)
        continue;
      if (tincan_wire_ack_size (packet->ack.n_ranges, packet->ack.n_held + 1) > self->ack_budget)
        break;
      packet->ack.held[packet->ack.n_held++] = r->held_pn;
    }

  /* How long the newest packet waited for this ACK, so the sender can
   * take it off its measurement; only if the ACK reaches that far.
   */
  packet->ack.delay = TINCAN_WIRE_NO_DELAY;
  if ((packet->ack.n_ranges > 0 ? packet->ack.ranges[packet->ack.n_ranges - 1].end
                                : packet->ack.cumulative) == self->max
      && self->max > 0)
    packet->ack.delay = MIN (now - self->max_time, G_MAXUINT32 - 1);

  self->ack_pending = FALSE;
  self->ack_budget = 0;
}

/* A control character other than tab, CR and LF: C0, DEL, or C1 (U+0080
 * to U+009F, which UTF-8 writes as 0xC2 then 0x80 to 0x9F).  @text is
 * valid UTF-8, so 0xC2 is always the first byte of a character there.
 */
static gboolean
has_control (const guint8 *text,
             gsize         length)
{
  for (gsize i = 0; i < length; i++)
    {
      guint8 c = text[i];

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
        return TRUE;
      if (c == 0xc2 && i + 1 < length && text[i + 1] >= 0x80 && text[i + 1] <= 0x9f)
        return TRUE;
    }

  return FALSE;
}

/**
 * tincan_receiver_take_plain:
 * @self: a receiver
 * @session: ours, to make the message's ID unique
 * @data: a datagram that is not Tin Can
 * @length: its size
 * @verdict: (out) (optional): what it was
 *
 * A plain-text datagram as a message, one line ending taken off.  Never
 * acknowledged and never sent again.  Only text is a message: a datagram
 * that is not UTF-8, or holds control characters other than tab, CR and
 * LF, is dropped and counted, never shown with replacement characters.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if it was
 *   empty or not text
 */
TincanMessage *
tincan_receiver_take_plain (TincanReceiver     *self,
                            guint64             session,
                            const guint8       *data,
                            gsize               length,
                            TincanPlainVerdict *verdict)
{
  TincanPlainVerdict unused;
  g_autofree char *id = NULL;

  if (verdict == NULL)
    verdict = &unused;

  if (length > 0 && data[length - 1] == '\n')
    length--;
  if (length > 0 && data[length - 1] == '\r')
    length--;

  if (length == 0)
    {
      *verdict = TINCAN_PLAIN_EMPTY;
      return NULL;
    }

  /* NUL is a control character; GLib's check would call it bad UTF-8. */
  if (memchr (data, '\0', length) != NULL)
    *verdict = TINCAN_PLAIN_CONTROL;
  else if (!g_utf8_validate_len ((const char *) data, length, NULL))
    *verdict = TINCAN_PLAIN_NOT_UTF8;
  else if (has_control (data, length))
    *verdict = TINCAN_PLAIN_CONTROL;
  else
    *verdict = TINCAN_PLAIN_TEXT;

  if (*verdict != TINCAN_PLAIN_TEXT)
    {
      self->stats->not_text++;
      return NULL;
    }

  id = g_strdup_printf ("plain-%016" G_GINT64_MODIFIER "x-%" G_GUINT64_FORMAT,
                        session, ++self->plain_counter);

  self->stats->plain_received++;

  return tincan_message_take_incoming (id, NULL, 0, g_strndup ((const char *) data, length), TRUE);
}

void
tincan_receiver_describe (TincanReceiver *self,
                          GString        *text)
{
  g_string_append_printf (text, "rx epoch %u cum %u max %u reassemblies %u",
                          self->epoch, self->cum, self->max, self->n_reassemblies);
}

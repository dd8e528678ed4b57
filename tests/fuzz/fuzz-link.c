/* fuzz-link.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: a link's two halves, TincanReceiver and TincanSender,
 * driven directly, as the link drives them, on a fake clock: no socket
 * and no main loop.
 *
 * The input is a sequence of records: a two-byte big-endian length, then
 * that many bytes, each a datagram from the peer.  A datagram that is not
 * Tin Can is plain text.  Otherwise it is decoded: DATA goes to the
 * receiver, then every message ready is kept (or not) and an ACK built;
 * an ACK goes to the sender, which has three messages of its own queued;
 * a HELLO sets the peer's window.
 *
 * The link checks the two session fields, and this target has no use
 * for them, so in a record of at least a header they steer it instead,
 * and are then set to valid sessions:
 *
 *   byte 6    the clock moves on by its square times 16 µs (up to about
 *             1 s; 64 times that with LONG) before the datagram, and the
 *             timers that are due fire
 *   byte 7    flags, below
 *   bytes 8-9 which of the sender's DATA packets on the wire get to the
 *             receiver with LOOP, a bit each; the others are lost
 *   byte 10   where in the wire LOOP starts: they arrive out of order
 *
 * Besides "nothing crashes": delivered text is valid UTF-8 and within the
 * limit; no deadline is left in the past; no ACK is bigger than the DATA
 * that asked for it; and while the receiver has had only what the sender
 * sent (no DATA record), every ACK it builds is one the peer can decode,
 * and the sender's messages arrive whole, in order, each once.  A message
 * the sender counts delivered was kept, unless the input made up DATA or
 * ACKs.
 *
 * What an input does not use costs it nothing: the sender is made when
 * a record first needs it.
 */

#include "config.h"

#include <string.h>

#include "tincan-receiver.h"
#include "tincan-sender.h"
#include "tincan-wire.h"

#define OUR_SESSION  G_GUINT64_CONSTANT (0x0123456789abcdef)
#define PEER_SESSION G_GUINT64_CONSTANT (0x5eed5eed5eed5eed)

enum
{
  REFUSE  = 1 << 0,   /* the next message offered is not kept: a full disk */
  SEND    = 1 << 1,   /* the sender sends what its window lets out */
  JUMBO   = 1 << 2,   /* ... cut to 8952 bytes rather than the base size */
  LOOP    = 1 << 3,   /* the wire to the receiver, and its ACK back */
  LONG    = 1 << 4,   /* the clock moves 64 times as far */
  EPOCH   = 1 << 5,   /* the sender starts a new epoch (a black hole) */
  ADD     = 1 << 6,   /* one more message for the sender */
  RESTART = 1 << 7,   /* the peer restarts: a new receiver session, a new epoch */
};

#define WIRE_SLOTS   16
#define MAX_MESSAGES 8
#define JUMBO_SIZE   8952
/* Past these, the rest of an input is not looked at: an input of a
 * thousand short records costs a thousand times more and finds nothing
 * that a short one would not.
 */
#define MAX_RECORDS  128
#define MAX_PLAIN    4

typedef struct
{
  TincanLinkStats  stats;
  GRand           *rand;
  TincanSender    *sender;                /* NULL until a record needs it */
  TincanReceiver  *receiver;
  gint64           now;
  guint32          peer_window;

  guint            n_messages;            /* of messages[], queued */
  guint            kept[MAX_MESSAGES];    /* times the receiver kept each */
  int              last_kept;             /* since the receiver's last restart */

  guint            n_plain;
  gboolean         refuse_next;
  gboolean         clean;                 /* the receiver had only what the sender sent */
  gboolean         forged_data;           /* ever: a DATA record */
  gboolean         forged_acks;           /* ever: an ACK record */
  gsize            ack_budget;            /* DATA bytes since the last ACK */

  guint            n_wire;
  /* Last, not cleared for each input: the sender's DATA on its way, as
   * sent (the codec has a fuzzer of its own), and each one's length.
   */
  TincanPacket     wire[WIRE_SLOTS];
  gsize            wire_length[WIRE_SLOTS];
} Fuzz;

/* Made once, and queued again for each input: a run costs what the
 * sender and receiver do, not what making messages does.
 */
static TincanMessage *messages[MAX_MESSAGES];
static GRand *jitter;   /* copied for each sender: the same jitter every run */

static void
make_messages (void)
{
  g_autoptr(GString) two = g_string_new (NULL);
  g_autoptr(GString) five = g_string_new (NULL);
  const char *texts[4];

  /* Two base-size fragments, cut inside a character; five, or one jumbo
   * datagram.
   */
  while (two->len < 1500)
    g_string_append (two, "Grüße ");
  while (five->len < 5000)
    g_string_append (five, "tin can ☎ ");

  texts[0] = "hi";
  texts[1] = two->str;
  texts[2] = five->str;
  texts[3] = "a\nb";

  /* Fixed IDs, so that a run is the same every time. */
  for (guint i = 0; i < MAX_MESSAGES; i++)
    messages[i] = tincan_message_new_stored (0, 0xc0ffee00 + i + 1, NULL,
                                             texts[i % G_N_ELEMENTS (texts)],
                                             TRUE, FALSE, 0, TINCAN_MESSAGE_QUEUED, NULL);
}

static void
add_message (Fuzz *fuzz)
{
  guint i = fuzz->n_messages;

  if (i == MAX_MESSAGES)
    return;

  tincan_message_set_state (messages[i], TINCAN_MESSAGE_QUEUED, NULL);
  tincan_sender_add (fuzz->sender, messages[i], fuzz->now);
  fuzz->n_messages++;
}

static TincanSender *
get_sender (Fuzz *fuzz)
{
  if (fuzz->sender == NULL)
    {
      fuzz->rand = g_rand_copy (jitter);
      fuzz->sender = tincan_sender_new (fuzz->rand, &fuzz->stats);
      tincan_sender_set_peer_window (fuzz->sender, fuzz->peer_window);
      for (guint i = 0; i < 3; i++)
        add_message (fuzz);
    }

  return fuzz->sender;
}

static int
sender_index (guint64 uid)
{
  if (uid <= 0xc0ffee00 || uid > 0xc0ffee00 + MAX_MESSAGES)
    return -1;

  return uid - 0xc0ffee00 - 1;
}

static void
check_text (TincanMessage *message)
{
  const char *text = tincan_message_get_text (message);
  const char *end;

  g_assert (g_utf8_validate (text, -1, &end));
  g_assert (end - text <= TINCAN_WIRE_MAX_MESSAGE);
}

/* As the link does after DATA: every message ready, in order, kept
 * unless the input says the disk is full.
 */
static void
deliver_ready (Fuzz *fuzz)
{
  TincanMessage *ready;

  while ((ready = tincan_receiver_next_ready (fuzz->receiver, "fuzz")) != NULL)
    {
      g_autoptr(TincanMessage) message = ready;
      int i = sender_index (tincan_message_get_uid (message));

      check_text (message);

      if (fuzz->refuse_next)
        {
          fuzz->refuse_next = FALSE;
          break;
        }

      tincan_receiver_pop_ready (fuzz->receiver);

      if (fuzz->clean)
        {
          /* What the sender sent, whole, in order, once. */
          g_assert (i >= 0 && (guint) i < fuzz->n_messages);
          g_assert (g_str_equal (tincan_message_get_text (message),
                                 tincan_message_get_text (messages[i])));
          g_assert (i > fuzz->last_kept);
          fuzz->last_kept = i;
        }
      if (i >= 0)
        fuzz->kept[i]++;
    }
}

static void
receive_data (Fuzz               *fuzz,
              const TincanPacket *packet,
              gsize               length)
{
  fuzz->ack_budget += length;
  if (tincan_receiver_handle_data (fuzz->receiver, packet, length, fuzz->now))
    deliver_ready (fuzz);
}

/* The receiver's ACK, if it owes one, on the wire; handed to the sender
 * if @loop.
 */
static void
answer (Fuzz     *fuzz,
        gboolean  loop)
{
  guint8 buffer[TINCAN_WIRE_BASE_DATAGRAM];
  TincanPacket ack, decoded;
  TincanWireResult result;
  gsize length;
  guint32 floor;

  if (!tincan_receiver_ack_pending (fuzz->receiver))
    return;

  tincan_receiver_build_ack (fuzz->receiver, fuzz->now, &ack);
  ack.sender_session = OUR_SESSION;
  ack.receiver_session = PEER_SESSION;
  length = tincan_wire_encode (&ack, buffer, sizeof buffer);

  /* Never more than what asked for it. */
  g_assert (length > 0 && length <= fuzz->ack_budget);
  fuzz->ack_budget = 0;

  /* Ranges come from the receiver's own window, whatever it was sent. */
  floor = ack.ack.cumulative;
  for (guint i = 0; i < ack.ack.n_ranges; i++)
    {
      g_assert (ack.ack.ranges[i].start > floor);
      g_assert (ack.ack.ranges[i].end > ack.ack.ranges[i].start);
      floor = ack.ack.ranges[i].end;
    }

  result = tincan_wire_decode (buffer, length, &decoded);
  if (fuzz->clean)
    g_assert (result == TINCAN_WIRE_OK);

  if (loop && result == TINCAN_WIRE_OK)
    tincan_sender_handle_ack (get_sender (fuzz), &decoded, fuzz->now);
}

static void
send (Fuzz     *fuzz,
      gboolean  jumbo)
{
  guint n;

  /* No more than the wire holds; the rest goes at a later SEND. */
  n = tincan_sender_next (get_sender (fuzz), fuzz->now,
                          jumbo ? JUMBO_SIZE : TINCAN_WIRE_BASE_DATAGRAM,
                          &fuzz->wire[fuzz->n_wire], WIRE_SLOTS - fuzz->n_wire);

  for (guint i = fuzz->n_wire; i < fuzz->n_wire + n; i++)
    {
      const TincanPacket *packet = &fuzz->wire[i];

      g_assert (packet->type == TINCAN_PACKET_DATA);
      g_assert (packet->data.payload_length > 0);
      g_assert (packet->data.payload_length <= packet->data.fragment_size);
      /* Cut to the size of its path then: never bigger than either. */
      fuzz->wire_length[i] = TINCAN_WIRE_DATA_HEADER_SIZE + packet->data.payload_length;
      g_assert (fuzz->wire_length[i] <= JUMBO_SIZE);
    }

  fuzz->n_wire += n;
}

/* The wire's packets that get through, from @start round, to the
 * receiver, and its ACK back.
 */
static void
loop (Fuzz    *fuzz,
      guint16  through,
      guint    start)
{
  for (guint k = 0; k < fuzz->n_wire; k++)
    {
      guint i = (start + k) % fuzz->n_wire;

      if (through & (1 << i))
        receive_data (fuzz, &fuzz->wire[i], fuzz->wire_length[i]);
    }

  fuzz->n_wire = 0;
  answer (fuzz, TRUE);
}

/* What the link's timer does when it fires, and what it relies on: no
 * deadline left behind.
 */
static void
run_timers (Fuzz *fuzz)
{
  if (fuzz->sender != NULL)
    {
      if (tincan_sender_has_expired (fuzz->sender, fuzz->now))
        tincan_sender_expire (fuzz->sender, fuzz->now, "gave up");
      tincan_sender_check_timeout (fuzz->sender, fuzz->now);
      g_assert (tincan_sender_get_deadline (fuzz->sender) > fuzz->now);
    }

  tincan_receiver_expire (fuzz->receiver, fuzz->now);
  g_assert (tincan_receiver_get_deadline (fuzz->receiver) > fuzz->now);
}

static void
receive_plain (Fuzz         *fuzz,
               const guint8 *datagram,
               gsize         length)
{
  g_autoptr(TincanMessage) message = NULL;

  message = tincan_receiver_take_plain (fuzz->receiver, OUR_SESSION, datagram, length, NULL);
  if (message != NULL)
    {
      check_text (message);
      g_assert (tincan_message_get_plain (message));

      /* Text, and nothing that could drive a terminal. */
      for (const char *p = tincan_message_get_text (message); *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          g_assert ((c >= 0x20 || c == '\t' || c == '\n' || c == '\r') && (c < 0x7f || c > 0x9f));
        }
    }
}

static void
put_u64 (guint8  *p,
         guint64  value)
{
  for (int i = 7; i >= 0; i--, value >>= 8)
    p[i] = value & 0xff;
}

static void
handle_record (Fuzz         *fuzz,
               const guint8 *record,
               gsize         length)
{
  static guint8 copy[G_MAXUINT16];
  const guint8 *datagram = record;
  TincanPacket packet;
  guint8 flags = 0;
  guint16 through = 0;
  guint start = 0;

  if (length >= TINCAN_WIRE_HEADER_SIZE && record[0] == 'T' && record[1] == 'C')
    {
      gint64 step = (gint64) record[6] * record[6] * 16;

      flags = record[7];
      through = (record[8] << 8) | record[9];
      start = record[10];

      memcpy (copy, record, length);
      put_u64 (copy + 6, PEER_SESSION);
      put_u64 (copy + 14, OUR_SESSION);
      datagram = copy;

      /* Timers fire only when time passes. */
      if (step > 0)
        {
          fuzz->now += flags & LONG ? step * 64 : step;
          run_timers (fuzz);
        }
    }

  switch (tincan_wire_decode (datagram, length, &packet))
    {
    case TINCAN_WIRE_NOT_TINCAN:
      if (fuzz->n_plain++ < MAX_PLAIN)
        receive_plain (fuzz, datagram, length);
      break;

    case TINCAN_WIRE_OK:
      if (packet.type == TINCAN_PACKET_DATA)
        {
          fuzz->clean = FALSE;
          fuzz->forged_data = TRUE;
          if (flags & REFUSE)
            fuzz->refuse_next = TRUE;
          receive_data (fuzz, &packet, length);
          answer (fuzz, FALSE);
        }
      else if (packet.type == TINCAN_PACKET_ACK)
        {
          fuzz->forged_acks = TRUE;
          tincan_sender_handle_ack (get_sender (fuzz), &packet, fuzz->now);
        }
      else if (packet.type == TINCAN_PACKET_HELLO)
        {
          fuzz->peer_window = packet.hello.receive_window;
          if (fuzz->sender != NULL)
            tincan_sender_set_peer_window (fuzz->sender, fuzz->peer_window);
        }
      break;

    default:
      break;
    }

  /* As the link does for a new peer session; what was on its way to
   * the old one is dropped there as stale.
   */
  if (flags & RESTART)
    {
      tincan_receiver_restart (fuzz->receiver);
      tincan_sender_new_epoch (get_sender (fuzz));
      fuzz->n_wire = 0;
      fuzz->clean = TRUE;
      fuzz->last_kept = -1;
    }
  if (flags & EPOCH)
    tincan_sender_new_epoch (get_sender (fuzz));
  if (flags & ADD)
    {
      get_sender (fuzz);
      add_message (fuzz);
    }
  if (flags & SEND)
    send (fuzz, flags & JUMBO);
  if (flags & LOOP)
    {
      if (flags & REFUSE)
        fuzz->refuse_next = TRUE;
      loop (fuzz, through, start);
    }
}

static void
check_sender (Fuzz *fuzz)
{
  guint cwnd = tincan_sender_get_cwnd (fuzz->sender);

  g_assert (cwnd >= 4 && cwnd <= 64);
  g_assert (tincan_sender_get_backoff (fuzz->sender) <= 8);
  g_assert (tincan_sender_get_n_pending (fuzz->sender) <= fuzz->n_messages);

  /* The sender's word for it: what it counts delivered was kept. */
  if (!fuzz->forged_data && !fuzz->forged_acks)
    {
      for (guint i = 0; i < fuzz->n_messages; i++)
        if (tincan_message_get_state (messages[i]) == TINCAN_MESSAGE_DELIVERED)
          g_assert (fuzz->kept[i] > 0);
    }
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static Fuzz fuzz;

  if (jitter == NULL)
    {
      jitter = g_rand_new_with_seed (1);
      make_messages ();
      /* A g_return_if_fail() that fails is a bug found. */
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    }

  memset (&fuzz, 0, G_STRUCT_OFFSET (Fuzz, wire));
  fuzz.receiver = tincan_receiver_new (&fuzz.stats);
  fuzz.now = 1000 * G_USEC_PER_SEC;
  fuzz.peer_window = 212992;
  fuzz.clean = TRUE;
  fuzz.last_kept = -1;

  for (guint n = 0; n < MAX_RECORDS && size >= 2; n++)
    {
      gsize length = MIN ((gsize) ((data[0] << 8) | data[1]), size - 2);

      handle_record (&fuzz, data + 2, length);

      data += 2 + length;
      size -= 2 + length;
    }

  if (fuzz.sender != NULL)
    {
      check_sender (&fuzz);
      g_clear_pointer (&fuzz.sender, tincan_sender_free);
      g_clear_pointer (&fuzz.rand, g_rand_free);
    }
  g_clear_pointer (&fuzz.receiver, tincan_receiver_free);

  return 0;
}

/* tincan-seal.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every packet after the handshake is sealed: a cleartext header (the
 * receiver's session, the key phase and a 64-bit counter) authenticated
 * as associated data, then the inner packet encrypted with
 * ChaCha20-Poly1305 under the sender's transport key, the counter as
 * the nonce.  A counter is never used twice under one key, and the
 * receiver takes each counter once, within a window behind the newest.
 *
 * Two sets of keys are kept: the newest, used to send, and the ones
 * before, which still open what was in flight when the keys changed,
 * until TINCAN_SEAL_KEEP_PREVIOUS has passed.  Keys are wiped with
 * sodium_memzero() as soon as they are dropped.
 */

#define G_LOG_DOMAIN "tincan-seal"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "tincan-seal.h"

typedef struct
{
  gboolean           in_use;
  guint8             phase;        /* 0 or 1, in the header's flags */
  TincanNoiseCipher  send;
  TincanNoiseCipher  receive;
  guint64            sent;         /* the next counter to send */
  TincanReplayWindow window;
  gint64             installed;
  gboolean           confirmed;    /* a packet sealed with them came in */
} Keys;

struct _TincanSeal
{
  Keys   current;
  Keys   previous;
  gint64 previous_until;           /* when the previous keys are wiped */
};

/* The replay window, as in RFC 6479: a ring of bits, one per counter,
 * that slides forward with the newest counter accepted.
 */

#define WINDOW_WORDS (TINCAN_SEAL_WINDOW / 64)

void
tincan_replay_window_reset (TincanReplayWindow *window)
{
  memset (window, 0, sizeof *window);
}

/**
 * tincan_replay_window_check:
 * @window: a window
 * @counter: a sealed packet's counter, not yet authenticated
 *
 * Cheap enough to run before the packet is opened, so that a replay
 * costs no decryption.
 *
 * Returns: %TRUE if @counter is new and not too old
 */
gboolean
tincan_replay_window_check (const TincanReplayWindow *window,
                            guint64                   counter)
{
  if (counter >= window->next)
    return TRUE;

  if (window->next - counter > TINCAN_SEAL_WINDOW - 64)
    return FALSE;

  return (window->bits[(counter / 64) % WINDOW_WORDS] & (G_GUINT64_CONSTANT (1) << (counter % 64))) == 0;
}

/* Only for a packet that opened: an attacker cannot move the window. */
void
tincan_replay_window_accept (TincanReplayWindow *window,
                             guint64             counter)
{
  if (counter >= window->next)
    {
      guint64 to = counter / 64;
      guint64 from = 0;

      /* Words the window slides over, past the newest one's, start
       * empty.
       */
      if (window->next > 0)
        from = (window->next - 1) / 64 + 1;

      if (to - MIN (from, to) >= WINDOW_WORDS)
        memset (window->bits, 0, sizeof window->bits);
      else
        for (guint64 word = from; word <= to; word++)
          window->bits[word % WINDOW_WORDS] = 0;

      window->next = counter + 1;
    }

  window->bits[(counter / 64) % WINDOW_WORDS] |= G_GUINT64_CONSTANT (1) << (counter % 64);
}

/* Keys */

static void
keys_clear (Keys *keys)
{
  sodium_memzero (keys, sizeof *keys);
}

TincanSeal *
tincan_seal_new (void)
{
  return g_new0 (TincanSeal, 1);
}

void
tincan_seal_free (TincanSeal *self)
{
  if (self == NULL)
    return;

  tincan_seal_clear (self);
  g_free (self);
}

/* Every key wiped: the peer restarted, or the link stops. */
void
tincan_seal_clear (TincanSeal *self)
{
  keys_clear (&self->current);
  keys_clear (&self->previous);
  self->previous_until = 0;
}

/**
 * tincan_seal_install:
 * @self: a seal
 * @send: the transport cipher this side sends with; wiped here
 * @receive: the one it receives with; wiped here
 * @phase: 0 or 1, the same on both sides (from the handshake hash)
 * @now: monotonic time
 *
 * New keys from a finished handshake.  They are used to send at once;
 * the ones they replace still open packets for a while.  The phase
 * in each sealed header says which keys to try first: both sides take
 * it from the handshake, as each side's own count of handshakes differs
 * when one of them restarted.
 */
void
tincan_seal_install (TincanSeal        *self,
                     TincanNoiseCipher *send,
                     TincanNoiseCipher *receive,
                     guint8             phase,
                     gint64             now)
{
  if (self->current.in_use)
    {
      keys_clear (&self->previous);
      self->previous = self->current;
      self->previous_until = now + TINCAN_SEAL_KEEP_PREVIOUS;
    }

  keys_clear (&self->current);
  self->current.in_use = TRUE;
  self->current.phase = phase;
  self->current.send = *send;
  self->current.receive = *receive;
  self->current.installed = now;
  tincan_replay_window_reset (&self->current.window);

  tincan_noise_cipher_clear (send);
  tincan_noise_cipher_clear (receive);
}

gboolean
tincan_seal_has_keys (TincanSeal *self)
{
  return self->current.in_use;
}

/* Whether the peer has shown it holds the newest keys. */
gboolean
tincan_seal_is_confirmed (TincanSeal *self)
{
  return self->current.in_use && self->current.confirmed;
}

static void
encode_header (guint8  *out,
               guint8   phase,
               guint64  receiver_session,
               guint64  counter)
{
  out[0] = 'T';
  out[1] = 'C';
  out[2] = TINCAN_WIRE_VERSION;
  out[3] = TINCAN_PACKET_SEALED;
  out[4] = phase;
  out[5] = 0;
  for (guint i = 0; i < 8; i++)
    {
      out[6 + i] = receiver_session >> (56 - 8 * i);
      out[14 + i] = counter >> (56 - 8 * i);
    }
}

/**
 * tincan_seal_seal:
 * @self: a seal with keys
 * @receiver_session: the peer's session
 * @head: the inner packet's first bytes
 * @head_length: their number
 * @tail: (nullable): the rest of it (a fragment's payload)
 * @tail_length: its size
 * @out: where the sealed datagram goes
 * @out_size: room there: %TINCAN_WIRE_SEAL_OVERHEAD more than the packet
 *
 * Returns: the sealed datagram's length, or 0 if there are no keys fit
 *   to send with (none yet, or too old: a handshake must come first)
 */
gsize
tincan_seal_seal (TincanSeal   *self,
                  guint64       receiver_session,
                  const guint8 *head,
                  gsize         head_length,
                  const guint8 *tail,
                  gsize         tail_length,
                  guint8       *out,
                  gsize         out_size)
{
  Keys *keys = &self->current;
  gsize length = head_length + tail_length;
  guint8 *inner = out + TINCAN_WIRE_HEADER_SIZE;

  g_return_val_if_fail (out_size >= length + TINCAN_WIRE_SEAL_OVERHEAD, 0);

  if (!keys->in_use || keys->sent >= TINCAN_SEAL_REJECT_AFTER_PACKETS)
    return 0;

  encode_header (out, keys->phase, receiver_session, keys->sent);
  memcpy (inner, head, head_length);
  if (tail_length > 0)
    memcpy (inner + head_length, tail, tail_length);

  tincan_noise_seal (keys->send.key, keys->sent, out, TINCAN_WIRE_HEADER_SIZE,
                     inner, length, inner);
  keys->sent++;

  return length + TINCAN_WIRE_SEAL_OVERHEAD;
}

/**
 * tincan_seal_open:
 * @self: a seal
 * @sealed: the datagram, decoded as a %TINCAN_PACKET_SEALED
 * @datagram: the datagram itself (its header is the associated data)
 * @out: (out caller-allocates): room for the inner packet
 * @out_length: (out): its length
 *
 * A replay is refused before any decryption, and the window moves only
 * for a packet that authenticates.
 *
 * Returns: %TINCAN_SEAL_OPENED, or why not
 */
TincanSealResult
tincan_seal_open (TincanSeal         *self,
                  const TincanPacket *sealed,
                  const guint8       *datagram,
                  guint8             *out,
                  gsize              *out_length)
{
  Keys *order[2] = { &self->current, &self->previous };
  TincanSealResult result = TINCAN_SEAL_NO_KEY;

  if (sealed->sealed.phase != self->current.phase)
    {
      order[0] = &self->previous;
      order[1] = &self->current;
    }

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      Keys *keys = order[i];

      if (!keys->in_use)
        continue;

      if (!tincan_replay_window_check (&keys->window, sealed->sealed.counter))
        {
          result = MAX (result, TINCAN_SEAL_REPLAYED);
          continue;
        }

      if (!tincan_noise_open (keys->receive.key, sealed->sealed.counter,
                              datagram, TINCAN_WIRE_HEADER_SIZE,
                              sealed->sealed.ciphertext, sealed->sealed.length, out))
        {
          result = TINCAN_SEAL_FORGED;
          continue;
        }

      tincan_replay_window_accept (&keys->window, sealed->sealed.counter);
      keys->confirmed = TRUE;
      *out_length = sealed->sealed.length - TINCAN_NOISE_TAG_SIZE;

      return TINCAN_SEAL_OPENED;
    }

  return result;
}

/**
 * tincan_seal_wants_rekey:
 * @self: a seal
 * @now: monotonic time
 * @after: how old keys may get before this side renews them
 *
 * Returns: %TRUE if a new handshake should start
 */
gboolean
tincan_seal_wants_rekey (TincanSeal *self,
                         gint64      now,
                         gint64      after)
{
  if (!self->current.in_use)
    return FALSE;

  return now - self->current.installed >= after
         || self->current.sent >= TINCAN_SEAL_REKEY_AFTER_PACKETS;
}

/* The next time something is due: old keys to wipe, or new ones. */
gint64
tincan_seal_get_deadline (TincanSeal *self,
                          gint64      rekey_after)
{
  gint64 deadline = G_MAXINT64;

  if (self->previous.in_use)
    deadline = self->previous_until;
  if (self->current.in_use)
    deadline = MIN (deadline, self->current.installed + rekey_after);

  return deadline;
}

void
tincan_seal_expire (TincanSeal *self,
                    gint64      now)
{
  if (self->previous.in_use && now >= self->previous_until)
    {
      keys_clear (&self->previous);
      self->previous_until = 0;
    }

  /* Too old to trust any more: nothing is sealed or opened with them
   * until a handshake brings new ones.
   */
  if (self->current.in_use && now - self->current.installed >= TINCAN_SEAL_REJECT_AFTER_TIME)
    keys_clear (&self->current);
}

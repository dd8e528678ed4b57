/* tincan-noise.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Noise revision 34 (https://noiseprotocol.org/noise.html), the
 * 25519_ChaChaPoly_BLAKE2b suite, written the way the specification
 * writes it: a SymmetricState (the ck, h and cipher of a handshake) and
 * a HandshakeState that walks the tokens of a pattern.  The CipherState
 * and the keys are in tincan-noise-cipher.c.  libsodium gives every
 * primitive: X25519, ChaCha20-Poly1305 (IETF) and BLAKE2b; HMAC and
 * HKDF are built on BLAKE2b here, as section 4.3 builds them.
 *
 * A handshake is all or nothing.  The length of each message follows
 * from the pattern, so a write or a read checks the lengths and the
 * buffers before it changes anything; what can still go wrong after
 * that (a DH with a bad point, a tag that does not authenticate) kills
 * the handshake, as does anything that goes wrong at all: its secrets
 * are wiped on the spot and every later call fails.  Nothing a failed
 * message half-processed can be used.  The one exception is a finished
 * handshake, which refuses to read or write more but stays finished: a
 * copy of its last message arriving late must not undo it.
 *
 * Secrets live in the handshake's own struct and on the stack, and are
 * wiped with sodium_memzero() once they are no longer needed: the
 * ephemeral and static keys and the handshake cipher when the last
 * message is done, the chaining key at the split, everything on failure
 * or when the handshake is freed.
 */

#define G_LOG_DOMAIN "tincan-noise"

#include "config.h"

#include <string.h>

#include <sodium.h>

#include "tincan-noise.h"
#include "tincan-noise-internal.h"

#define DH_SIZE     crypto_scalarmult_BYTES
#define BLOCK_SIZE  128   /* BLAKE2b's, for HMAC */

G_STATIC_ASSERT (DH_SIZE == TINCAN_NOISE_KEY_SIZE);
G_STATIC_ASSERT (crypto_generichash_BYTES_MAX == TINCAN_NOISE_HASH_SIZE);

typedef enum
{
  TOKEN_END = 0,
  TOKEN_E,
  TOKEN_S,
  TOKEN_EE,
  TOKEN_ES,
  TOKEN_SE,
  TOKEN_SS,
  TOKEN_PSK,
} Token;

#define MAX_MESSAGES 3
#define MAX_TOKENS   4

typedef struct
{
  const char *protocol_name;
  gboolean    initiator_pre_s;   /* the pre-message "-> s" */
  gboolean    responder_pre_s;   /* the pre-message "<- s" */
  gboolean    psk;               /* a psk modifier: "e" also mixes the key */
  guint       n_messages;
  Token       messages[MAX_MESSAGES][MAX_TOKENS + 1];
} Pattern;

/* Section 7.5 and, for XXpsk3, 9.4. */
static const Pattern patterns[TINCAN_NOISE_N_PATTERNS] = {
  [TINCAN_NOISE_NN] = {
    "Noise_NN_25519_ChaChaPoly_BLAKE2b", FALSE, FALSE, FALSE, 2,
    { { TOKEN_E },
      { TOKEN_E, TOKEN_EE } },
  },
  [TINCAN_NOISE_KK] = {
    "Noise_KK_25519_ChaChaPoly_BLAKE2b", TRUE, TRUE, FALSE, 2,
    { { TOKEN_E, TOKEN_ES, TOKEN_SS },
      { TOKEN_E, TOKEN_EE, TOKEN_SE } },
  },
  [TINCAN_NOISE_XK] = {
    "Noise_XK_25519_ChaChaPoly_BLAKE2b", FALSE, TRUE, FALSE, 3,
    { { TOKEN_E, TOKEN_ES },
      { TOKEN_E, TOKEN_EE },
      { TOKEN_S, TOKEN_SE } },
  },
  [TINCAN_NOISE_IK] = {
    "Noise_IK_25519_ChaChaPoly_BLAKE2b", FALSE, TRUE, FALSE, 2,
    { { TOKEN_E, TOKEN_ES, TOKEN_S, TOKEN_SS },
      { TOKEN_E, TOKEN_EE, TOKEN_SE } },
  },
  [TINCAN_NOISE_XX] = {
    "Noise_XX_25519_ChaChaPoly_BLAKE2b", FALSE, FALSE, FALSE, 3,
    { { TOKEN_E },
      { TOKEN_E, TOKEN_EE, TOKEN_S, TOKEN_ES },
      { TOKEN_S, TOKEN_SE } },
  },
  [TINCAN_NOISE_XXPSK3] = {
    "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b", FALSE, FALSE, TRUE, 3,
    { { TOKEN_E },
      { TOKEN_E, TOKEN_EE, TOKEN_S, TOKEN_ES },
      { TOKEN_S, TOKEN_SE, TOKEN_PSK } },
  },
};

struct _TincanNoiseHandshake
{
  const Pattern     *pattern;
  gboolean           initiator;
  guint              next_message;   /* the index of the next message in the pattern */
  gboolean           failed;
  gboolean           split;

  /* The SymmetricState. */
  guint8             ck[TINCAN_NOISE_HASH_SIZE];
  guint8             h[TINCAN_NOISE_HASH_SIZE];
  TincanNoiseCipher  cipher;

  guint8             s[DH_SIZE];
  guint8             s_public[DH_SIZE];
  gboolean           has_s;
  guint8             e[DH_SIZE];
  guint8             e_public[DH_SIZE];
  gboolean           has_e;
  guint8             rs[DH_SIZE];
  gboolean           has_rs;
  guint8             re[DH_SIZE];
  gboolean           has_re;
  guint8             psk[TINCAN_NOISE_KEY_SIZE];
};

/**
 * tincan_noise_protocol_name:
 * @pattern: a handshake pattern
 *
 * Returns: the full Noise protocol name, such as
 *   "Noise_XX_25519_ChaChaPoly_BLAKE2b"
 */
const char *
tincan_noise_protocol_name (TincanNoisePattern pattern)
{
  g_return_val_if_fail ((guint) pattern < TINCAN_NOISE_N_PATTERNS, NULL);

  return patterns[pattern].protocol_name;
}

/* HASH(a || b) */
static void
hash_two (const guint8 *a,
          gsize         a_length,
          const guint8 *b,
          gsize         b_length,
          guint8       *out)
{
  crypto_generichash_state state;

  crypto_generichash_init (&state, NULL, 0, TINCAN_NOISE_HASH_SIZE);
  crypto_generichash_update (&state, a, a_length);
  crypto_generichash_update (&state, b, b_length);
  crypto_generichash_final (&state, out, TINCAN_NOISE_HASH_SIZE);
  sodium_memzero (&state, sizeof state);
}

/* HMAC-HASH(key, data || more) (RFC 2104), with BLAKE2b's block of 128
 * bytes.  Every key here is a hash, so none needs hashing first.
 */
static void
hmac (const guint8 *key,
      gsize         key_length,
      const guint8 *data,
      gsize         data_length,
      const guint8 *more,
      gsize         more_length,
      guint8       *out)
{
  crypto_generichash_state state;
  guint8 pad[BLOCK_SIZE];
  guint8 inner[TINCAN_NOISE_HASH_SIZE];

  g_assert (key_length <= BLOCK_SIZE);

  memset (pad, 0x36, sizeof pad);
  for (gsize i = 0; i < key_length; i++)
    pad[i] ^= key[i];

  crypto_generichash_init (&state, NULL, 0, TINCAN_NOISE_HASH_SIZE);
  crypto_generichash_update (&state, pad, sizeof pad);
  crypto_generichash_update (&state, data, data_length);
  crypto_generichash_update (&state, more, more_length);
  crypto_generichash_final (&state, inner, sizeof inner);

  memset (pad, 0x5c, sizeof pad);
  for (gsize i = 0; i < key_length; i++)
    pad[i] ^= key[i];

  crypto_generichash_init (&state, NULL, 0, TINCAN_NOISE_HASH_SIZE);
  crypto_generichash_update (&state, pad, sizeof pad);
  crypto_generichash_update (&state, inner, sizeof inner);
  crypto_generichash_final (&state, out, TINCAN_NOISE_HASH_SIZE);

  sodium_memzero (&state, sizeof state);
  sodium_memzero (pad, sizeof pad);
  sodium_memzero (inner, sizeof inner);
}

/* HKDF(chaining_key, input_key_material, num_outputs), section 4.3:
 * two outputs, or three if @out3 is not %NULL.  The outputs may be the
 * chaining key itself.
 */
static void
hkdf (const guint8 *chaining_key,
      const guint8 *input,
      gsize         input_length,
      guint8       *out1,
      guint8       *out2,
      guint8       *out3)
{
  static const guint8 one = 1, two = 2, three = 3;
  guint8 temp_key[TINCAN_NOISE_HASH_SIZE];
  guint8 output[TINCAN_NOISE_HASH_SIZE];

  hmac (chaining_key, TINCAN_NOISE_HASH_SIZE, input, input_length, NULL, 0, temp_key);

  hmac (temp_key, sizeof temp_key, &one, 1, NULL, 0, output);
  memcpy (out1, output, sizeof output);
  hmac (temp_key, sizeof temp_key, output, sizeof output, &two, 1, output);
  memcpy (out2, output, sizeof output);
  if (out3 != NULL)
    {
      hmac (temp_key, sizeof temp_key, output, sizeof output, &three, 1, output);
      memcpy (out3, output, sizeof output);
    }

  sodium_memzero (temp_key, sizeof temp_key);
  sodium_memzero (output, sizeof output);
}

static void
mix_hash (TincanNoiseHandshake *self,
          const guint8         *data,
          gsize                 length)
{
  hash_two (self->h, sizeof self->h, data, length, self->h);
}

static void
mix_key (TincanNoiseHandshake *self,
         const guint8         *input,
         gsize                 length)
{
  guint8 temp_k[TINCAN_NOISE_HASH_SIZE];

  hkdf (self->ck, input, length, self->ck, temp_k, NULL);
  tincan_noise_cipher_set_key (&self->cipher, temp_k);
  sodium_memzero (temp_k, sizeof temp_k);
}

static void
mix_key_and_hash (TincanNoiseHandshake *self,
                  const guint8         *input,
                  gsize                 length)
{
  guint8 temp_h[TINCAN_NOISE_HASH_SIZE];
  guint8 temp_k[TINCAN_NOISE_HASH_SIZE];

  hkdf (self->ck, input, length, self->ck, temp_h, temp_k);
  mix_hash (self, temp_h, sizeof temp_h);
  tincan_noise_cipher_set_key (&self->cipher, temp_k);
  sodium_memzero (temp_h, sizeof temp_h);
  sodium_memzero (temp_k, sizeof temp_k);
}

/* The caller has checked that @out holds the result. */
static gsize
encrypt_and_hash (TincanNoiseHandshake *self,
                  const guint8         *plain,
                  gsize                 length,
                  guint8               *out)
{
  gsize out_length;

  if (!tincan_noise_cipher_encrypt (&self->cipher, self->h, sizeof self->h, plain, length,
                                    out, length + TINCAN_NOISE_TAG_SIZE, &out_length))
    g_assert_not_reached ();

  mix_hash (self, out, out_length);

  return out_length;
}

/* h moves on with the ciphertext, which is hashed before it is
 * decrypted, in case @out is where it lies.
 */
static gboolean
decrypt_and_hash (TincanNoiseHandshake *self,
                  const guint8         *cipher_text,
                  gsize                 length,
                  guint8               *out,
                  gsize                 out_size)
{
  guint8 next_h[TINCAN_NOISE_HASH_SIZE];

  hash_two (self->h, sizeof self->h, cipher_text, length, next_h);

  if (!tincan_noise_cipher_decrypt (&self->cipher, self->h, sizeof self->h, cipher_text, length,
                                    out, out_size, NULL))
    return FALSE;

  memcpy (self->h, next_h, sizeof next_h);

  return TRUE;
}

/* MixKey(DH(private_key, public_key)); an all-zero result (a public key
 * of small order) is refused.
 */
static gboolean
mix_dh (TincanNoiseHandshake *self,
        const guint8         *private_key,
        gboolean              has_private_key,
        const guint8         *public_key,
        gboolean              has_public_key)
{
  guint8 shared[DH_SIZE];
  gboolean ok;

  if (!has_private_key || !has_public_key)
    return FALSE;

  ok = crypto_scalarmult (shared, private_key, public_key) == 0;
  if (ok)
    mix_key (self, shared, sizeof shared);
  sodium_memzero (shared, sizeof shared);

  return ok;
}

static gboolean
mix_dh_token (TincanNoiseHandshake *self,
              Token                 token)
{
  switch (token)
    {
    case TOKEN_EE:
      return mix_dh (self, self->e, self->has_e, self->re, self->has_re);

    case TOKEN_ES:
      if (self->initiator)
        return mix_dh (self, self->e, self->has_e, self->rs, self->has_rs);
      return mix_dh (self, self->s, self->has_s, self->re, self->has_re);

    case TOKEN_SE:
      if (self->initiator)
        return mix_dh (self, self->s, self->has_s, self->re, self->has_re);
      return mix_dh (self, self->e, self->has_e, self->rs, self->has_rs);

    case TOKEN_SS:
      return mix_dh (self, self->s, self->has_s, self->rs, self->has_rs);

    case TOKEN_END:
    case TOKEN_E:
    case TOKEN_S:
    case TOKEN_PSK:
    default:
      g_assert_not_reached ();
    }
}

static void
wipe_secrets (TincanNoiseHandshake *self)
{
  sodium_memzero (self->s, sizeof self->s);
  sodium_memzero (self->e, sizeof self->e);
  sodium_memzero (self->psk, sizeof self->psk);
  tincan_noise_cipher_clear (&self->cipher);
  self->has_s = FALSE;
  self->has_e = FALSE;
}

/* Every error ends the handshake: nothing it holds is of use any more. */
static gboolean
fail (TincanNoiseHandshake *self)
{
  if (!self->failed)
    g_debug ("%s handshake failed at message %u",
             self->pattern->protocol_name, self->next_message + 1);

  wipe_secrets (self);
  sodium_memzero (self->ck, sizeof self->ck);
  sodium_memzero (self->h, sizeof self->h);
  sodium_memzero (self->rs, sizeof self->rs);
  sodium_memzero (self->re, sizeof self->re);
  self->has_rs = FALSE;
  self->has_re = FALSE;
  self->failed = TRUE;

  return FALSE;
}

/* Only the chaining key (for the split), h and rs outlive the last
 * message.
 */
static void
next_message (TincanNoiseHandshake *self)
{
  self->next_message++;
  if (self->next_message == self->pattern->n_messages)
    wipe_secrets (self);
}

/* Whether this side uses a static key pair of its own. */
static gboolean
needs_static (const Pattern *pattern,
              gboolean       initiator)
{
  if (initiator ? pattern->initiator_pre_s : pattern->responder_pre_s)
    return TRUE;

  for (guint m = 0; m < pattern->n_messages; m++)
    {
      gboolean ours = (m % 2 == 0) == initiator;

      for (const Token *t = pattern->messages[m]; *t != TOKEN_END; t++)
        {
          if (*t == TOKEN_SS
              || (*t == TOKEN_S && ours)
              || (*t == TOKEN_ES && !initiator)
              || (*t == TOKEN_SE && initiator))
            return TRUE;
        }
    }

  return FALSE;
}

/**
 * tincan_noise_handshake_new:
 * @pattern: the handshake pattern
 * @initiator: whether this side sends the first message
 * @prologue: (nullable) (array length=prologue_length): what both sides
 *   must agree on before the first message, such as the addresses and
 *   the application's version; never sent
 * @prologue_length: its length
 * @static_private: (nullable): this side's X25519 private key, 32 bytes,
 *   if the pattern uses one (every pattern but NN); copied
 * @remote_static: (nullable): the peer's public key, 32 bytes, if the
 *   pattern has it known before the handshake (KK both sides, XK and IK
 *   initiators), and %NULL otherwise; copied
 * @psk: (nullable): the 32-byte pre-shared key for XXpsk3, and %NULL for
 *   any other pattern; copied
 *
 * Starts a handshake (Noise's Initialize()).  A key that the pattern
 * needs and is missing, or that it does not use and is given, is a
 * programming error.
 *
 * Returns: (transfer full): a new handshake, or %NULL if libsodium
 *   refused the static key
 */
TincanNoiseHandshake *
tincan_noise_handshake_new (TincanNoisePattern  pattern,
                            gboolean            initiator,
                            const guint8       *prologue,
                            gsize               prologue_length,
                            const guint8       *static_private,
                            const guint8       *remote_static,
                            const guint8       *psk)
{
  const Pattern *info;
  TincanNoiseHandshake *self;
  gsize name_length;

  g_return_val_if_fail ((guint) pattern < TINCAN_NOISE_N_PATTERNS, NULL);

  info = &patterns[pattern];
  initiator = !!initiator;

  g_return_val_if_fail (prologue != NULL || prologue_length == 0, NULL);
  g_return_val_if_fail ((static_private != NULL) == needs_static (info, initiator), NULL);
  g_return_val_if_fail ((remote_static != NULL)
                        == (initiator ? info->responder_pre_s : info->initiator_pre_s), NULL);
  g_return_val_if_fail ((psk != NULL) == info->psk, NULL);

  tincan_noise_ensure_sodium ();

  self = g_new0 (TincanNoiseHandshake, 1);
  self->pattern = info;
  self->initiator = initiator;

  if (static_private != NULL)
    {
      memcpy (self->s, static_private, sizeof self->s);
      self->has_s = TRUE;
      if (!tincan_noise_public_key (self->s, self->s_public))
        {
          tincan_noise_handshake_free (self);
          return NULL;
        }
    }

  if (remote_static != NULL)
    {
      memcpy (self->rs, remote_static, sizeof self->rs);
      self->has_rs = TRUE;
    }

  if (psk != NULL)
    memcpy (self->psk, psk, sizeof self->psk);

  /* InitializeSymmetric(protocol_name) */
  name_length = strlen (info->protocol_name);
  if (name_length <= sizeof self->h)
    memcpy (self->h, info->protocol_name, name_length);
  else
    hash_two ((const guint8 *) info->protocol_name, name_length, NULL, 0, self->h);
  memcpy (self->ck, self->h, sizeof self->ck);

  mix_hash (self, prologue, prologue_length);

  /* The pre-messages, the initiator's first. */
  if (info->initiator_pre_s)
    mix_hash (self, initiator ? self->s_public : self->rs, DH_SIZE);
  if (info->responder_pre_s)
    mix_hash (self, initiator ? self->rs : self->s_public, DH_SIZE);

  return self;
}

/**
 * tincan_noise_handshake_set_ephemeral:
 * @self: a handshake that has not written its "e" yet
 * @private_key: the ephemeral private key to use, 32 bytes
 *
 * For test vectors only: an ephemeral key must be fresh for every
 * handshake, which is what this side makes when it writes its "e"
 * unless given one here.
 */
void
tincan_noise_handshake_set_ephemeral (TincanNoiseHandshake *self,
                                      const guint8         *private_key)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (private_key != NULL);
  g_return_if_fail (!self->has_e && !self->failed && !tincan_noise_handshake_is_finished (self));

  memcpy (self->e, private_key, sizeof self->e);
  if (!tincan_noise_public_key (self->e, self->e_public))
    {
      fail (self);
      return;
    }
  self->has_e = TRUE;
}

gboolean
tincan_noise_handshake_is_finished (TincanNoiseHandshake *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return !self->failed && self->next_message == self->pattern->n_messages;
}

gboolean
tincan_noise_handshake_has_failed (TincanNoiseHandshake *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->failed;
}

/**
 * tincan_noise_handshake_is_my_turn:
 * @self: a handshake
 *
 * Returns: %TRUE if the next call is tincan_noise_handshake_write();
 *   %FALSE if it is tincan_noise_handshake_read(), or there is none
 */
gboolean
tincan_noise_handshake_is_my_turn (TincanNoiseHandshake *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return !self->failed
         && self->next_message < self->pattern->n_messages
         && (self->next_message % 2 == 0) == self->initiator;
}

/* The length of the next message less its payload: the keys it carries
 * and its tags.  Whether a part has a tag depends on whether a key has
 * been mixed in by then, which the tokens say.
 */
static gsize
message_overhead (TincanNoiseHandshake *self)
{
  gboolean has_key = self->cipher.has_key;
  gsize size = 0;

  for (const Token *t = self->pattern->messages[self->next_message]; *t != TOKEN_END; t++)
    {
      switch (*t)
        {
        case TOKEN_E:
          size += DH_SIZE;
          if (self->pattern->psk)
            has_key = TRUE;
          break;

        case TOKEN_S:
          size += DH_SIZE + (has_key ? TINCAN_NOISE_TAG_SIZE : 0);
          break;

        case TOKEN_EE:
        case TOKEN_ES:
        case TOKEN_SE:
        case TOKEN_SS:
        case TOKEN_PSK:
          has_key = TRUE;
          break;

        case TOKEN_END:
        default:
          g_assert_not_reached ();
        }
    }

  return size + (has_key ? TINCAN_NOISE_TAG_SIZE : 0);
}

/**
 * tincan_noise_handshake_get_overhead:
 * @self: a handshake
 *
 * Returns: how many bytes the next handshake message, whichever side
 *   writes it, adds to its payload; 0 when there is none
 */
gsize
tincan_noise_handshake_get_overhead (TincanNoiseHandshake *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->failed || self->next_message >= self->pattern->n_messages)
    return 0;

  return message_overhead (self);
}

/**
 * tincan_noise_handshake_write:
 * @self: a handshake whose turn it is to write
 * @payload: (nullable) (array length=payload_length): the message's
 *   payload; encrypted if a key has been agreed by then, which for the
 *   first message of NN and XX (and XXpsk3, whose key anyone can work out
 *   then) means it is not secret
 * @payload_length: its length
 * @out: (out caller-allocates) (array length=out_size): the message;
 *   must not overlap @payload
 * @out_size: room in @out: @payload_length plus
 *   tincan_noise_handshake_get_overhead() is enough
 * @out_length: (out) (optional): the message's length
 *
 * Noise's WriteMessage().
 *
 * Returns: %TRUE if @out holds the next message; %FALSE if it was not
 *   this side's turn, @out is too small, the message would be longer than
 *   %TINCAN_NOISE_MAX_MESSAGE, or a DH failed: the handshake has then
 *   failed; and %FALSE, the handshake left as it is, once it is finished
 */
gboolean
tincan_noise_handshake_write (TincanNoiseHandshake *self,
                              const guint8         *payload,
                              gsize                 payload_length,
                              guint8               *out,
                              gsize                 out_size,
                              gsize                *out_length)
{
  gsize overhead;
  gsize n = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (payload != NULL || payload_length == 0, FALSE);
  g_return_val_if_fail (out != NULL || out_size == 0, FALSE);

  if (out_length != NULL)
    *out_length = 0;

  /* A finished handshake has nothing left to spoil. */
  if (tincan_noise_handshake_is_finished (self))
    return FALSE;

  if (!tincan_noise_handshake_is_my_turn (self))
    return fail (self);

  overhead = message_overhead (self);
  if (payload_length > TINCAN_NOISE_MAX_MESSAGE - overhead || overhead + payload_length > out_size)
    return fail (self);

  for (const Token *t = self->pattern->messages[self->next_message]; *t != TOKEN_END; t++)
    {
      switch (*t)
        {
        case TOKEN_E:
          if (!self->has_e)
            {
              tincan_noise_generate_keypair (self->e, self->e_public);
              self->has_e = TRUE;
            }
          memcpy (out + n, self->e_public, DH_SIZE);
          n += DH_SIZE;
          mix_hash (self, self->e_public, DH_SIZE);
          if (self->pattern->psk)
            mix_key (self, self->e_public, DH_SIZE);
          break;

        case TOKEN_S:
          if (!self->has_s)
            return fail (self);
          n += encrypt_and_hash (self, self->s_public, DH_SIZE, out + n);
          break;

        case TOKEN_PSK:
          mix_key_and_hash (self, self->psk, sizeof self->psk);
          break;

        case TOKEN_EE:
        case TOKEN_ES:
        case TOKEN_SE:
        case TOKEN_SS:
          if (!mix_dh_token (self, *t))
            return fail (self);
          break;

        case TOKEN_END:
        default:
          g_assert_not_reached ();
        }
    }

  n += encrypt_and_hash (self, payload, payload_length, out + n);
  g_assert (n == overhead + payload_length);

  next_message (self);

  if (out_length != NULL)
    *out_length = n;

  return TRUE;
}

/**
 * tincan_noise_handshake_read:
 * @self: a handshake whose turn it is to read
 * @message: (array length=length): a message from the peer
 * @length: its length
 * @payload: (out caller-allocates) (nullable) (array length=payload_size):
 *   the message's payload; must not overlap @message
 * @payload_size: room in @payload: @length less
 *   tincan_noise_handshake_get_overhead() is enough
 * @payload_length: (out) (optional): the payload's length
 *
 * Noise's ReadMessage().
 *
 * Returns: %TRUE if @message was the next message and authenticated;
 *   %FALSE if it was not this side's turn to read, @message is too short
 *   or too long, @payload too small, a DH failed or a tag did not
 *   authenticate: the handshake has then failed; and %FALSE, the
 *   handshake left as it is, once it is finished
 */
gboolean
tincan_noise_handshake_read (TincanNoiseHandshake *self,
                             const guint8         *message,
                             gsize                 length,
                             guint8               *payload,
                             gsize                 payload_size,
                             gsize                *payload_length)
{
  gsize overhead;
  gsize n = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (message != NULL || length == 0, FALSE);
  g_return_val_if_fail (payload != NULL || payload_size == 0, FALSE);

  if (payload_length != NULL)
    *payload_length = 0;

  /* Such as a copy of the last message, come late: refused, but the
   * handshake it finished stands.
   */
  if (tincan_noise_handshake_is_finished (self))
    return FALSE;

  if (self->failed || tincan_noise_handshake_is_my_turn (self))
    return fail (self);

  overhead = message_overhead (self);
  if (length > TINCAN_NOISE_MAX_MESSAGE || length < overhead || length - overhead > payload_size)
    return fail (self);

  for (const Token *t = self->pattern->messages[self->next_message]; *t != TOKEN_END; t++)
    {
      gsize part;

      switch (*t)
        {
        case TOKEN_E:
          if (self->has_re)
            return fail (self);
          memcpy (self->re, message + n, DH_SIZE);
          self->has_re = TRUE;
          n += DH_SIZE;
          mix_hash (self, self->re, DH_SIZE);
          if (self->pattern->psk)
            mix_key (self, self->re, DH_SIZE);
          break;

        case TOKEN_S:
          if (self->has_rs)
            return fail (self);
          part = DH_SIZE + (self->cipher.has_key ? TINCAN_NOISE_TAG_SIZE : 0);
          if (!decrypt_and_hash (self, message + n, part, self->rs, sizeof self->rs))
            return fail (self);
          self->has_rs = TRUE;
          n += part;
          break;

        case TOKEN_PSK:
          mix_key_and_hash (self, self->psk, sizeof self->psk);
          break;

        case TOKEN_EE:
        case TOKEN_ES:
        case TOKEN_SE:
        case TOKEN_SS:
          if (!mix_dh_token (self, *t))
            return fail (self);
          break;

        case TOKEN_END:
        default:
          g_assert_not_reached ();
        }
    }

  if (!decrypt_and_hash (self, message + n, length - n, payload, payload_size))
    return fail (self);

  next_message (self);

  if (payload_length != NULL)
    *payload_length = length - overhead;

  return TRUE;
}

/**
 * tincan_noise_handshake_split:
 * @self: a finished handshake
 * @send: (out caller-allocates): the cipher this side sends with
 * @receive: (out caller-allocates): the cipher it receives with
 *
 * Noise's Split(), once: the initiator sends with the first cipher and
 * the responder with the second.  The chaining key is wiped after it.
 * A handshake that failed, or has been split before, gives ciphers that
 * refuse everything.
 */
void
tincan_noise_handshake_split (TincanNoiseHandshake *self,
                              TincanNoiseCipher    *send,
                              TincanNoiseCipher    *receive)
{
  guint8 k1[TINCAN_NOISE_HASH_SIZE];
  guint8 k2[TINCAN_NOISE_HASH_SIZE];

  g_return_if_fail (self != NULL);
  g_return_if_fail (send != NULL);
  g_return_if_fail (receive != NULL);

  tincan_noise_cipher_spend (send);
  tincan_noise_cipher_spend (receive);

  if (self->failed)
    return;

  g_return_if_fail (tincan_noise_handshake_is_finished (self));
  g_return_if_fail (!self->split);

  hkdf (self->ck, NULL, 0, k1, k2, NULL);
  tincan_noise_cipher_set_key (send, self->initiator ? k1 : k2);
  tincan_noise_cipher_set_key (receive, self->initiator ? k2 : k1);

  sodium_memzero (k1, sizeof k1);
  sodium_memzero (k2, sizeof k2);
  sodium_memzero (self->ck, sizeof self->ck);
  self->split = TRUE;
}

/**
 * tincan_noise_handshake_get_hash:
 * @self: a handshake
 *
 * The handshake hash h: once the handshake is finished, the same on both
 * sides and unique to this handshake, for channel binding.
 *
 * Returns: (nullable): %TINCAN_NOISE_HASH_SIZE bytes, or %NULL once the
 *   handshake has failed
 */
const guint8 *
tincan_noise_handshake_get_hash (TincanNoiseHandshake *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->failed ? NULL : self->h;
}

/**
 * tincan_noise_handshake_get_remote_static:
 * @self: a handshake
 *
 * The peer's static public key: given at the start for KK, XK and IK
 * initiators, known once read otherwise.  That a message decrypted it
 * does not say who the peer is: the application decides whether it
 * trusts this key.
 *
 * Returns: (nullable): 32 bytes, or %NULL until known or once the
 *   handshake has failed
 */
const guint8 *
tincan_noise_handshake_get_remote_static (TincanNoiseHandshake *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->has_rs && !self->failed ? self->rs : NULL;
}

/**
 * tincan_noise_handshake_free:
 * @self: (nullable): a handshake
 *
 * Wipes every key, hash and secret it holds, then frees it.
 */
void
tincan_noise_handshake_free (TincanNoiseHandshake *self)
{
  if (self == NULL)
    return;

  sodium_memzero (self, sizeof *self);
  g_free (self);
}

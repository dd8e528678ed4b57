/* tincan-noise.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Noise Protocol Framework, revision 34, with one cipher suite:
 * Noise_*_25519_ChaChaPoly_BLAKE2b, on libsodium's primitives.  The
 * handshake patterns NN, KK, XK, IK, XX and XXpsk3; the transport
 * ciphers a finished handshake splits into; and an explicit-nonce AEAD
 * for packets that may arrive out of order.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TINCAN_NOISE_KEY_SIZE     32
#define TINCAN_NOISE_HASH_SIZE    64
#define TINCAN_NOISE_TAG_SIZE     16
/* No Noise message, handshake or transport, is longer. */
#define TINCAN_NOISE_MAX_MESSAGE  65535

typedef enum
{
  TINCAN_NOISE_NN,
  TINCAN_NOISE_KK,
  TINCAN_NOISE_XK,
  TINCAN_NOISE_IK,
  TINCAN_NOISE_XX,
  TINCAN_NOISE_XXPSK3,
} TincanNoisePattern;

#define TINCAN_NOISE_N_PATTERNS (TINCAN_NOISE_XXPSK3 + 1)

/* A Noise CipherState.  With no key it copies, as Noise's handshake
 * needs.  A nonce of G_MAXUINT64 is spent: every call with it fails, key
 * or no key, which is also what a split that has no keys to give hands
 * out.
 */
typedef struct
{
  guint8   key[TINCAN_NOISE_KEY_SIZE];
  guint64  nonce;
  gboolean has_key;
} TincanNoiseCipher;

const char *tincan_noise_protocol_name      (TincanNoisePattern  pattern);

void        tincan_noise_generate_keypair   (guint8             *private_key,
                                             guint8             *public_key);
gboolean    tincan_noise_public_key         (const guint8       *private_key,
                                             guint8             *public_key);

/* ChaChaPoly with an explicit nonce, for packets that carry their own
 * counter.  out may be the input (in place).
 */
void        tincan_noise_seal               (const guint8       *key,
                                             guint64             nonce,
                                             const guint8       *ad,
                                             gsize               ad_length,
                                             const guint8       *plain,
                                             gsize               length,
                                             guint8             *out);
gboolean    tincan_noise_open               (const guint8       *key,
                                             guint64             nonce,
                                             const guint8       *ad,
                                             gsize               ad_length,
                                             const guint8       *cipher,
                                             gsize               length,
                                             guint8             *out);

/* EncryptWithAd() and DecryptWithAd(): the cipher's own nonce. */
gboolean    tincan_noise_cipher_encrypt     (TincanNoiseCipher  *cipher,
                                             const guint8       *ad,
                                             gsize               ad_length,
                                             const guint8       *plain,
                                             gsize               length,
                                             guint8             *out,
                                             gsize               out_size,
                                             gsize              *out_length);
gboolean    tincan_noise_cipher_decrypt     (TincanNoiseCipher  *cipher,
                                             const guint8       *ad,
                                             gsize               ad_length,
                                             const guint8       *cipher_text,
                                             gsize               length,
                                             guint8             *out,
                                             gsize               out_size,
                                             gsize              *out_length);
void        tincan_noise_cipher_clear       (TincanNoiseCipher  *cipher);

/* A HandshakeState.  Write and read in turn until finished, then split
 * once.  Any error kills it for good (has_failed), its secrets wiped.
 */
typedef struct _TincanNoiseHandshake TincanNoiseHandshake;

TincanNoiseHandshake *tincan_noise_handshake_new (TincanNoisePattern  pattern,
                                                  gboolean            initiator,
                                                  const guint8       *prologue,
                                                  gsize               prologue_length,
                                                  const guint8       *static_private,
                                                  const guint8       *remote_static,
                                                  const guint8       *psk);
void          tincan_noise_handshake_set_ephemeral  (TincanNoiseHandshake *self,
                                                     const guint8         *private_key);
gboolean      tincan_noise_handshake_write          (TincanNoiseHandshake *self,
                                                     const guint8         *payload,
                                                     gsize                 payload_length,
                                                     guint8               *out,
                                                     gsize                 out_size,
                                                     gsize                *out_length);
gboolean      tincan_noise_handshake_read           (TincanNoiseHandshake *self,
                                                     const guint8         *message,
                                                     gsize                 length,
                                                     guint8               *payload,
                                                     gsize                 payload_size,
                                                     gsize                *payload_length);
gboolean      tincan_noise_handshake_is_my_turn     (TincanNoiseHandshake *self);
gboolean      tincan_noise_handshake_is_finished    (TincanNoiseHandshake *self);
gboolean      tincan_noise_handshake_has_failed     (TincanNoiseHandshake *self);
gsize         tincan_noise_handshake_get_overhead   (TincanNoiseHandshake *self);
void          tincan_noise_handshake_split          (TincanNoiseHandshake *self,
                                                     TincanNoiseCipher    *send,
                                                     TincanNoiseCipher    *receive);
const guint8 *tincan_noise_handshake_get_hash       (TincanNoiseHandshake *self);
const guint8 *tincan_noise_handshake_get_remote_static (TincanNoiseHandshake *self);
void          tincan_noise_handshake_free           (TincanNoiseHandshake *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanNoiseHandshake, tincan_noise_handshake_free)

G_END_DECLS

/* tincan-noise-cipher.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parts of tincan-noise.h that are not the handshake: X25519 key
 * pairs, ChaChaPoly with an explicit nonce (seal and open) and Noise's
 * CipherState, which the handshake and the transport both use.  All of
 * it is libsodium's: nothing here is a primitive of its own.
 */

#define G_LOG_DOMAIN "tincan-noise"

#include "config.h"

#include <string.h>

#include <sodium.h>

#include "tincan-noise.h"
#include "tincan-noise-internal.h"

#define NONCE_SIZE crypto_aead_chacha20poly1305_ietf_NPUBBYTES

G_STATIC_ASSERT (crypto_scalarmult_BYTES == TINCAN_NOISE_KEY_SIZE);
G_STATIC_ASSERT (crypto_scalarmult_SCALARBYTES == TINCAN_NOISE_KEY_SIZE);
G_STATIC_ASSERT (crypto_aead_chacha20poly1305_ietf_KEYBYTES == TINCAN_NOISE_KEY_SIZE);
G_STATIC_ASSERT (crypto_aead_chacha20poly1305_ietf_ABYTES == TINCAN_NOISE_TAG_SIZE);
G_STATIC_ASSERT (NONCE_SIZE == 12);

/* sodium_init(), once, before anything of libsodium's is used: it picks
 * the fastest implementations and seeds randombytes.
 */
void
tincan_noise_ensure_sodium (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialised");

      g_once_init_leave (&initialized, 1);
    }
}

/**
 * tincan_noise_generate_keypair:
 * @private_key: (out caller-allocates): 32 random bytes
 * @public_key: (out caller-allocates): its X25519 public key, 32 bytes
 */
void
tincan_noise_generate_keypair (guint8 *private_key,
                               guint8 *public_key)
{
  g_return_if_fail (private_key != NULL);
  g_return_if_fail (public_key != NULL);

  tincan_noise_ensure_sodium ();

  randombytes_buf (private_key, TINCAN_NOISE_KEY_SIZE);
  crypto_scalarmult_base (public_key, private_key);
}

/**
 * tincan_noise_public_key:
 * @private_key: an X25519 private key, 32 bytes
 * @public_key: (out caller-allocates): its public key, 32 bytes
 *
 * Returns: %TRUE, unless libsodium refused the key
 */
gboolean
tincan_noise_public_key (const guint8 *private_key,
                         guint8       *public_key)
{
  g_return_val_if_fail (private_key != NULL, FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);

  tincan_noise_ensure_sodium ();

  return crypto_scalarmult_base (public_key, private_key) == 0;
}

/* ChaChaPoly's nonce (section 12.3): 32 bits of zeros, then the 64-bit
 * counter, little-endian.
 */
static void
make_nonce (guint64  counter,
            guint8  *nonce)
{
  memset (nonce, 0, 4);
  for (guint i = 0; i < 8; i++)
    nonce[4 + i] = (counter >> (8 * i)) & 0xff;
}

/**
 * tincan_noise_seal:
 * @key: a ChaCha20-Poly1305 key, 32 bytes
 * @nonce: never used twice with @key
 * @ad: (nullable) (array length=ad_length): data that is authenticated,
 *   not sent
 * @ad_length: its length
 * @plain: (nullable) (array length=length): what to encrypt
 * @length: its length
 * @out: (out caller-allocates): @length + %TINCAN_NOISE_TAG_SIZE bytes;
 *   may be @plain, to encrypt in place
 *
 * Encrypts with an explicit nonce, as Noise's ENCRYPT() does, for
 * packets that keep their own counter because they may arrive out of
 * order or not at all.
 */
void
tincan_noise_seal (const guint8 *key,
                   guint64       nonce,
                   const guint8 *ad,
                   gsize         ad_length,
                   const guint8 *plain,
                   gsize         length,
                   guint8       *out)
{
  guint8 npub[NONCE_SIZE];

  g_return_if_fail (key != NULL);
  g_return_if_fail (ad != NULL || ad_length == 0);
  g_return_if_fail (plain != NULL || length == 0);
  g_return_if_fail (out != NULL);

  tincan_noise_ensure_sodium ();

  make_nonce (nonce, npub);
  crypto_aead_chacha20poly1305_ietf_encrypt (out, NULL, plain, length, ad, ad_length,
                                             NULL, npub, key);
}

/**
 * tincan_noise_open:
 * @key: a ChaCha20-Poly1305 key, 32 bytes
 * @nonce: the nonce it was sealed with
 * @ad: (nullable) (array length=ad_length): the data it was sealed with
 * @ad_length: its length
 * @cipher: (array length=length): the sealed bytes, tag included
 * @length: their length
 * @out: (out caller-allocates) (nullable): @length - %TINCAN_NOISE_TAG_SIZE
 *   bytes; may be @cipher, to decrypt in place
 *
 * Returns: %TRUE if @cipher authenticates; otherwise %FALSE, and @out
 *   holds nothing useful
 */
gboolean
tincan_noise_open (const guint8 *key,
                   guint64       nonce,
                   const guint8 *ad,
                   gsize         ad_length,
                   const guint8 *cipher,
                   gsize         length,
                   guint8       *out)
{
  guint8 npub[NONCE_SIZE];

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (ad != NULL || ad_length == 0, FALSE);
  g_return_val_if_fail (cipher != NULL || length == 0, FALSE);
  g_return_val_if_fail (out != NULL || length <= TINCAN_NOISE_TAG_SIZE, FALSE);

  if (length < TINCAN_NOISE_TAG_SIZE)
    return FALSE;

  tincan_noise_ensure_sodium ();

  make_nonce (nonce, npub);
  return crypto_aead_chacha20poly1305_ietf_decrypt (out, NULL, NULL, cipher, length, ad, ad_length,
                                                    npub, key) == 0;
}

/**
 * tincan_noise_cipher_encrypt:
 * @cipher: a cipher state
 * @ad: (nullable) (array length=ad_length): authenticated data
 * @ad_length: its length
 * @plain: (nullable) (array length=length): what to encrypt
 * @length: its length
 * @out: (out caller-allocates) (array length=out_size): the ciphertext;
 *   may be @plain
 * @out_size: room in @out: @length, plus %TINCAN_NOISE_TAG_SIZE if
 *   @cipher has a key
 * @out_length: (out) (optional): the length written
 *
 * Noise's EncryptWithAd(): with a key, encrypts with the cipher's nonce
 * and moves it on; with none, copies.
 *
 * Returns: %FALSE if @out is too small, the result would be longer than
 *   %TINCAN_NOISE_MAX_MESSAGE, or the nonces are spent
 */
gboolean
tincan_noise_cipher_encrypt (TincanNoiseCipher *cipher,
                             const guint8      *ad,
                             gsize              ad_length,
                             const guint8      *plain,
                             gsize              length,
                             guint8            *out,
                             gsize              out_size,
                             gsize             *out_length)
{
  gsize needed;

  g_return_val_if_fail (cipher != NULL, FALSE);
  g_return_val_if_fail (ad != NULL || ad_length == 0, FALSE);
  g_return_val_if_fail (plain != NULL || length == 0, FALSE);
  g_return_val_if_fail (out != NULL || out_size == 0, FALSE);

  if (out_length != NULL)
    *out_length = 0;

  if (cipher->nonce == G_MAXUINT64 || length > TINCAN_NOISE_MAX_MESSAGE)
    return FALSE;

  needed = length + (cipher->has_key ? TINCAN_NOISE_TAG_SIZE : 0);
  if (needed > TINCAN_NOISE_MAX_MESSAGE || needed > out_size)
    return FALSE;

  if (cipher->has_key)
    {
      tincan_noise_seal (cipher->key, cipher->nonce, ad, ad_length, plain, length, out);
      cipher->nonce++;
    }
  else if (length > 0)
    {
      memmove (out, plain, length);
    }

  if (out_length != NULL)
    *out_length = needed;

  return TRUE;
}

/**
 * tincan_noise_cipher_decrypt:
 * @cipher: a cipher state
 * @ad: (nullable) (array length=ad_length): authenticated data
 * @ad_length: its length
 * @cipher_text: (nullable) (array length=length): what to decrypt, tag
 *   included
 * @length: its length
 * @out: (out caller-allocates) (array length=out_size): the plaintext;
 *   may be @cipher_text
 * @out_size: room in @out: @length, less %TINCAN_NOISE_TAG_SIZE if
 *   @cipher has a key
 * @out_length: (out) (optional): the length written
 *
 * Noise's DecryptWithAd(): with a key, decrypts with the cipher's nonce
 * and, if that authenticates, moves it on; with none, copies.
 *
 * Returns: %FALSE if @cipher_text does not authenticate, is too short or
 *   too long, @out is too small, or the nonces are spent; the nonce then
 *   stays where it was
 */
gboolean
tincan_noise_cipher_decrypt (TincanNoiseCipher *cipher,
                             const guint8      *ad,
                             gsize              ad_length,
                             const guint8      *cipher_text,
                             gsize              length,
                             guint8            *out,
                             gsize              out_size,
                             gsize             *out_length)
{
  gsize plain_length;

  g_return_val_if_fail (cipher != NULL, FALSE);
  g_return_val_if_fail (ad != NULL || ad_length == 0, FALSE);
  g_return_val_if_fail (cipher_text != NULL || length == 0, FALSE);
  g_return_val_if_fail (out != NULL || out_size == 0, FALSE);

  if (out_length != NULL)
    *out_length = 0;

  if (cipher->nonce == G_MAXUINT64 || length > TINCAN_NOISE_MAX_MESSAGE)
    return FALSE;

  if (cipher->has_key)
    {
      if (length < TINCAN_NOISE_TAG_SIZE)
        return FALSE;

      plain_length = length - TINCAN_NOISE_TAG_SIZE;
      if (plain_length > out_size)
        return FALSE;

      if (!tincan_noise_open (cipher->key, cipher->nonce, ad, ad_length, cipher_text, length, out))
        return FALSE;

      cipher->nonce++;
    }
  else
    {
      plain_length = length;
      if (plain_length > out_size)
        return FALSE;

      if (length > 0)
        memmove (out, cipher_text, length);
    }

  if (out_length != NULL)
    *out_length = plain_length;

  return TRUE;
}

/**
 * tincan_noise_cipher_clear:
 * @cipher: a cipher state
 *
 * Wipes the key and the nonce: what is left has no key.
 */
void
tincan_noise_cipher_clear (TincanNoiseCipher *cipher)
{
  g_return_if_fail (cipher != NULL);

  sodium_memzero (cipher, sizeof *cipher);
}

/* A cipher that refuses everything, handed out by a split that has no
 * keys to give: one with no key would copy plaintext.
 */
void
tincan_noise_cipher_spend (TincanNoiseCipher *cipher)
{
  sodium_memzero (cipher, sizeof *cipher);
  cipher->nonce = G_MAXUINT64;
}

/* InitializeKey(): a key of the cipher's 32 bytes, a HASHLEN of 64 cut
 * to fit.
 */
void
tincan_noise_cipher_set_key (TincanNoiseCipher *cipher,
                             const guint8      *key)
{
  memcpy (cipher->key, key, TINCAN_NOISE_KEY_SIZE);
  cipher->nonce = 0;
  cipher->has_key = TRUE;
}

/* noise-peer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One side of a Noise_XX_25519_ChaChaPoly_BLAKE2b handshake (or XXpsk3,
 * given a psk) over stdin and stdout, for test-noise-interop.py to run
 * against another implementation.  Built for the tests only.
 *
 *   noise-peer --initiator|--responder --static HEX [--prologue HEX] [--psk HEX]
 *
 * Every line is a word and hex bytes.  In the handshake, this side
 * prints "message HEX" for each message it writes (its payload is
 * "noise-peer N", N counting its messages from 1), and for each it reads
 * takes a line "message HEX" and prints "payload HEX".  Then it prints
 * "hash HEX" and "remote-static HEX", sends "transport HEX" (the
 * plaintext "from noise-peer"), and takes one "transport HEX" line,
 * whose plaintext it prints as "plain HEX".  Anything refused: a line
 * on stderr and exit status 1.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "tincan-noise.h"

static char *
to_hex (const guint8 *bytes,
        gsize         length)
{
  GString *hex = g_string_sized_new (2 * length);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);

  return g_string_free (hex, FALSE);
}

/* Decodes @hex into @out, which holds @size bytes. */
static gboolean
from_hex (const char *hex,
          guint8     *out,
          gsize       size,
          gsize      *length)
{
  gsize n = strlen (hex);

  if (n % 2 != 0 || n / 2 > size)
    return FALSE;

  for (gsize i = 0; i < n / 2; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (high < 0 || low < 0)
        return FALSE;
      out[i] = high << 4 | low;
    }

  *length = n / 2;

  return TRUE;
}

static gboolean
key_from_hex (const char *hex,
              guint8     *key)
{
  gsize length;

  return hex != NULL && from_hex (hex, key, TINCAN_NOISE_KEY_SIZE, &length)
         && length == TINCAN_NOISE_KEY_SIZE;
}

static void
put (const char   *word,
     const guint8 *bytes,
     gsize         length)
{
  g_autofree char *hex = to_hex (bytes, length);

  printf ("%s %s\n", word, hex);
  fflush (stdout);
}

/* The bytes of the next line, which must start with @word. */
static gboolean
take (const char *word,
      guint8     *out,
      gsize       size,
      gsize      *length)
{
  char *line = NULL;
  size_t allocated = 0;
  ssize_t n = getline (&line, &allocated, stdin);
  gsize word_length = strlen (word);
  gboolean ok;

  if (n <= 0)
    {
      free (line);
      return FALSE;
    }

  g_strchomp (line);
  ok = strncmp (line, word, word_length) == 0 && line[word_length] == ' '
       && from_hex (line + word_length + 1, out, size, length);
  free (line);

  return ok;
}

static int
refuse (const char *what)
{
  g_printerr ("noise-peer: %s\n", what);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  static guint8 message[TINCAN_NOISE_MAX_MESSAGE];
  static guint8 payload[TINCAN_NOISE_MAX_MESSAGE];
  static const char plain[] = "from noise-peer";
  gboolean initiator = FALSE, responder = FALSE;
  g_autofree char *static_hex = NULL;
  g_autofree char *prologue_hex = NULL;
  g_autofree char *psk_hex = NULL;
  GOptionEntry entries[] = {
    { "initiator", 0, 0, G_OPTION_ARG_NONE, &initiator, "Send the first message", NULL },
    { "responder", 0, 0, G_OPTION_ARG_NONE, &responder, "Wait for the first message", NULL },
    { "static", 0, 0, G_OPTION_ARG_STRING, &static_hex, "The static private key", "HEX" },
    { "prologue", 0, 0, G_OPTION_ARG_STRING, &prologue_hex, "The prologue", "HEX" },
    { "psk", 0, 0, G_OPTION_ARG_STRING, &psk_hex, "A psk: XXpsk3 rather than XX", "HEX" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- one side of a Noise XX handshake");
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanNoiseHandshake) handshake = NULL;
  TincanNoiseCipher send, receive;
  guint8 static_private[TINCAN_NOISE_KEY_SIZE];
  guint8 psk[TINCAN_NOISE_KEY_SIZE];
  guint8 prologue[1024];
  gsize prologue_length = 0;
  guint written = 0;
  gsize length;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return refuse (error->message);

  if (initiator == responder)
    return refuse ("one of --initiator and --responder, please");
  if (!key_from_hex (static_hex, static_private))
    return refuse ("--static takes 32 bytes in hex");
  if (psk_hex != NULL && !key_from_hex (psk_hex, psk))
    return refuse ("--psk takes 32 bytes in hex");
  if (prologue_hex != NULL && !from_hex (prologue_hex, prologue, sizeof prologue, &prologue_length))
    return refuse ("--prologue takes hex");

  handshake = tincan_noise_handshake_new (psk_hex != NULL ? TINCAN_NOISE_XXPSK3 : TINCAN_NOISE_XX,
                                          initiator, prologue, prologue_length, static_private,
                                          NULL, psk_hex != NULL ? psk : NULL);
  if (handshake == NULL)
    return refuse ("the static key was refused");

  while (!tincan_noise_handshake_is_finished (handshake))
    {
      if (tincan_noise_handshake_is_my_turn (handshake))
        {
          g_autofree char *text = g_strdup_printf ("noise-peer %u", ++written);

          if (!tincan_noise_handshake_write (handshake, (const guint8 *) text, strlen (text),
                                             message, sizeof message, &length))
            return refuse ("could not write a handshake message");
          put ("message", message, length);
        }
      else
        {
          if (!take ("message", message, sizeof message, &length))
            return refuse ("expected a line \"message HEX\"");
          if (!tincan_noise_handshake_read (handshake, message, length,
                                            payload, sizeof payload, &length))
            return refuse ("handshake message refused");
          put ("payload", payload, length);
        }
    }

  put ("hash", tincan_noise_handshake_get_hash (handshake), TINCAN_NOISE_HASH_SIZE);
  put ("remote-static", tincan_noise_handshake_get_remote_static (handshake), TINCAN_NOISE_KEY_SIZE);

  tincan_noise_handshake_split (handshake, &send, &receive);

  if (!tincan_noise_cipher_encrypt (&send, NULL, 0, (const guint8 *) plain, strlen (plain),
                                    message, sizeof message, &length))
    return refuse ("could not encrypt");
  put ("transport", message, length);

  if (!take ("transport", message, sizeof message, &length))
    return refuse ("expected a line \"transport HEX\"");
  if (!tincan_noise_cipher_decrypt (&receive, NULL, 0, message, length,
                                    payload, sizeof payload, &length))
    return refuse ("transport message refused");
  put ("plain", payload, length);

  tincan_noise_cipher_clear (&send);
  tincan_noise_cipher_clear (&receive);

  return 0;
}

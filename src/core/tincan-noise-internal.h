/* tincan-noise-internal.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What tincan-noise.c, the handshake, needs from tincan-noise-cipher.c
 * and nothing else does.
 */

#pragma once

#include "tincan-noise.h"

G_BEGIN_DECLS

void tincan_noise_ensure_sodium  (void);
void tincan_noise_cipher_set_key (TincanNoiseCipher *cipher,
                                  const guint8      *key);
void tincan_noise_cipher_spend   (TincanNoiseCipher *cipher);

G_END_DECLS

/* tincan-identity.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Both halves of an X25519 key pair are this long. */
#define TINCAN_IDENTITY_KEY_SIZE 32

#define TINCAN_IDENTITY_ERROR (tincan_identity_error_quark ())

typedef enum
{
  TINCAN_IDENTITY_ERROR_FAILED,    /* the file could not be read, written or protected */
  TINCAN_IDENTITY_ERROR_DAMAGED,   /* it is not a valid identity file */
  TINCAN_IDENTITY_ERROR_NEWER,     /* it was written by a newer Tin Can */
} TincanIdentityError;

GQuark tincan_identity_error_quark (void);

#define TINCAN_TYPE_IDENTITY (tincan_identity_get_type ())

G_DECLARE_FINAL_TYPE (TincanIdentity, tincan_identity, TINCAN, IDENTITY, GObject)

TincanIdentity *tincan_identity_load             (const char      *path,
                                                  GError         **error);
char           *tincan_identity_dup_default_path (void);
const char     *tincan_identity_get_path         (TincanIdentity  *self);
gboolean        tincan_identity_get_created      (TincanIdentity  *self);
const guint8   *tincan_identity_get_public_key   (TincanIdentity  *self);
const guint8   *tincan_identity_get_private_key  (TincanIdentity  *self);
char           *tincan_identity_dup_fingerprint  (TincanIdentity  *self);

char           *tincan_key_format_fingerprint    (const guint8    *public_key);
char           *tincan_key_format_safety_number  (const guint8    *key_a,
                                                  const guint8    *key_b);
gboolean        tincan_key_matches               (const char      *safety_number_or_fingerprint,
                                                  const guint8    *own_public_key,
                                                  const guint8    *peer_public_key);

G_END_DECLS

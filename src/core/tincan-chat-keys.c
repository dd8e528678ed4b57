/* tincan-chat-keys.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chat's encryption and trust: giving each link in Tin Can mode this
 * installation's identity (the people hub's) and the trust function,
 * following the link's keys into the key properties, and what the window
 * shows of them (fingerprints, safety numbers, verified) and what a
 * person does about the peer's key (marking it verified, accepting a new
 * one).  The object, its properties and the rest of its API are in
 * tincan-chat.c.
 *
 * In Tin Can mode the link proves this installation's identity (a
 * TincanIdentity, loaded once by the hub and never replaced) in every
 * handshake, and asks the chat whether to trust the peer's key: trust
 * on first use of the person's key.  The first key seen for a person is
 * pinned in the history as theirs; the same key again is trusted; any
 * other is refused until the person accepts it (key-changed), and the
 * link then shows nothing from it and sends nothing to it.  A key that is
 * another person's is theirs: the hub hears of it (same-person).
 */

#define G_LOG_DOMAIN "tincan-chat"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tincan-address.h"
#include "tincan-chat-internal.h"

/* Trust */

static const guint8 *
peer_key (TincanChat *self)
{
  return self->link ? tincan_link_get_peer_key (self->link) : NULL;
}

static const guint8 *
refused_key (TincanChat *self)
{
  return self->link ? tincan_link_get_refused_key (self->link) : NULL;
}

/* A person's conversation: trust on first use of the person's key.  A
 * key that another person of the history has is theirs: that person is
 * here, at this conversation's address, and the hub is told (a computer
 * met by its address first, then found to be someone known).
 */
static gboolean
trust_person (TincanChat   *self,
              const guint8 *key)
{
  g_autoptr(GError) error = NULL;
  TincanStoreKeyTrust trust;
  gint64 owner;

  owner = tincan_store_find_person_by_key (self->store, key, NULL);
  if (owner != 0 && owner != self->person_id)
    {
      guint8 pinned[TINCAN_IDENTITY_KEY_SIZE];

      /* With a key of its own, this person is someone else, whose key
       * changed to another person's: refused, for the key-changed bar.
       */
      if (!tincan_store_get_person_key (self->store, self->person_id, pinned, NULL, NULL))
        {
          g_debug ("Person %" G_GINT64_FORMAT " is person %" G_GINT64_FORMAT,
                   self->person_id, owner);
          tincan_chat_emit_same_person (self, owner);
        }
      return FALSE;
    }

  trust = tincan_store_trust_person_key (self->store, self->person_id, key, NULL, &error);
  if (error != NULL)
    g_debug ("The key of person %" G_GINT64_FORMAT ": %s", self->person_id, error->message);

  return trust != TINCAN_STORE_KEY_REFUSED;
}

/* Trust on first use.  An error reading the pinned key refuses: a key
 * the store calls damaged is never trusted, and the person can accept
 * the peer's key again.  An error writing the first one does not: the
 * key is trusted for this run, and pinned when it next can be.
 */
static gboolean
trust_cb (TincanLink   *link,
          const guint8 *key,
          gpointer      user_data)
{
  return trust_person (user_data, key);
}

/* Pins @key as the person's. */
static gboolean
pin_key (TincanChat    *self,
         const guint8  *key,
         gboolean       verified,
         GError       **error)
{
  return tincan_store_set_person_key (self->store, self->person_id, key, verified, error);
}

/* Whether the key in use is pinned and marked verified. */
static gboolean
read_verified (TincanChat *self)
{
  const guint8 *key = peer_key (self);
  guint8 pinned[TINCAN_IDENTITY_KEY_SIZE];
  gboolean verified = FALSE;

  if (key == NULL || self->link_peer_host == NULL)
    return FALSE;

  if (!tincan_store_get_person_key (self->store, self->person_id, pinned, &verified, NULL))
    return FALSE;

  return verified && memcmp (pinned, key, sizeof pinned) == 0;
}

/* The link's keys changed, or the link did: everything said about them
 * is said again.
 */
void
tincan_chat_notify_keys (TincanChat *self)
{
  GObject *object = G_OBJECT (self);

  self->verified = read_verified (self);

  g_object_freeze_notify (object);
  tincan_chat_notify_property (self, PROP_PEER_FINGERPRINT);
  tincan_chat_notify_property (self, PROP_SAFETY_NUMBER);
  tincan_chat_notify_property (self, PROP_VERIFIED);
  tincan_chat_notify_property (self, PROP_ENCRYPTED);
  tincan_chat_notify_property (self, PROP_KEY_CHANGED);
  tincan_chat_notify_property (self, PROP_NEW_SAFETY_NUMBER);
  g_object_thaw_notify (object);
}

static void
on_link_keys_notify_cb (TincanChat *self,
                        GParamSpec *pspec,
                        TincanLink *link)
{
  tincan_chat_notify_keys (self);
}

/* The link's keys are followed in every mode; only Tin Can mode has
 * any.
 */
void
tincan_chat_attach_keys (TincanChat *self,
                         TincanLink *link)
{
  if (tincan_link_get_mode (link) == TINCAN_MODE_RELIABLE)
    {
      /* Before the peer is set: the first hello already proves it. */
      tincan_link_set_static_key (link, tincan_identity_get_private_key (self->identity));
      tincan_link_set_trust_func (link, trust_cb, self, NULL);
    }
  g_signal_connect_object (link, "notify::peer-key",
                           G_CALLBACK (on_link_keys_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (link, "notify::refused-key",
                           G_CALLBACK (on_link_keys_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (link, "notify::encrypted",
                           G_CALLBACK (on_link_keys_notify_cb), self, G_CONNECT_SWAPPED);
}

/* Keys: what the window shows of the encryption, and what a person does
 * about the peer's key.
 */

/**
 * tincan_chat_get_own_fingerprint:
 * @self: a #TincanChat
 *
 * Returns: (nullable): see #TincanChat:own-fingerprint
 */
const char *
tincan_chat_get_own_fingerprint (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  if (self->identity == NULL)
    return NULL;

  if (self->own_fingerprint == NULL)
    self->own_fingerprint = tincan_identity_dup_fingerprint (self->identity);

  return self->own_fingerprint;
}

/**
 * tincan_chat_dup_peer_fingerprint:
 * @self: a #TincanChat
 *
 * Returns: (transfer full) (nullable): see #TincanChat:peer-fingerprint
 */
char *
tincan_chat_dup_peer_fingerprint (TincanChat *self)
{
  const guint8 *key;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  key = peer_key (self);

  return key ? tincan_key_format_fingerprint (key) : NULL;
}

/**
 * tincan_chat_dup_safety_number:
 * @self: a #TincanChat
 *
 * Returns: (transfer full) (nullable): see #TincanChat:safety-number
 */
char *
tincan_chat_dup_safety_number (TincanChat *self)
{
  const guint8 *key;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  key = peer_key (self);
  if (key == NULL || self->identity == NULL)
    return NULL;

  return tincan_key_format_safety_number (tincan_identity_get_public_key (self->identity), key);
}

/**
 * tincan_chat_get_verified:
 * @self: a #TincanChat
 *
 * Returns: see #TincanChat:verified
 */
gboolean
tincan_chat_get_verified (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  return self->verified && peer_key (self) != NULL;
}

/**
 * tincan_chat_get_encrypted:
 * @self: a #TincanChat
 *
 * Returns: see #TincanChat:encrypted
 */
gboolean
tincan_chat_get_encrypted (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  return self->link != NULL && tincan_link_get_encrypted (self->link);
}

/**
 * tincan_chat_get_key_changed:
 * @self: a #TincanChat
 *
 * Returns: see #TincanChat:key-changed
 */
gboolean
tincan_chat_get_key_changed (TincanChat *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  /* The link refuses only what the trust function refused, and that
   * refuses only a key other than the pinned one (or none readable).
   */
  return refused_key (self) != NULL;
}

/**
 * tincan_chat_dup_new_safety_number:
 * @self: a #TincanChat
 *
 * Returns: (transfer full) (nullable): see #TincanChat:new-safety-number
 */
char *
tincan_chat_dup_new_safety_number (TincanChat *self)
{
  const guint8 *key;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), NULL);

  key = refused_key (self);
  if (key == NULL || self->identity == NULL)
    return NULL;

  return tincan_key_format_safety_number (tincan_identity_get_public_key (self->identity), key);
}

/**
 * tincan_chat_mark_verified:
 * @self: a #TincanChat
 * @error: return location for a #GError: %G_IO_ERROR_NOT_CONNECTED
 *   without a peer key, or a #TincanStoreError
 *
 * Remembers that a person compared the safety number of the peer's key
 * in use and found it the same on both screens.
 *
 * Returns: %TRUE if it is stored
 */
gboolean
tincan_chat_mark_verified (TincanChat  *self,
                           GError     **error)
{
  const guint8 *key;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  key = peer_key (self);
  if (key == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("The other computer has not proved its key yet"));
      return FALSE;
    }

  if (!pin_key (self, key, TRUE, error))
    return FALSE;

  tincan_chat_notify_keys (self);

  return TRUE;
}

/**
 * tincan_chat_accept_new_key:
 * @self: a #TincanChat
 * @error: return location for a #GError: %G_IO_ERROR_NOT_FOUND when
 *   the key did not change, or a #TincanStoreError
 *
 * Pins the peer's new key in place of the old one, not verified, and
 * starts a handshake with it: the messages that waited go.
 *
 * Returns: %TRUE if the key is pinned
 */
gboolean
tincan_chat_accept_new_key (TincanChat  *self,
                            GError     **error)
{
  const guint8 *key;

  g_return_val_if_fail (TINCAN_IS_CHAT (self), FALSE);

  key = refused_key (self);
  if (key == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The other computer’s key has not changed"));
      return FALSE;
    }

  if (!pin_key (self, key, FALSE, error))
    return FALSE;

  tincan_link_renew_handshake (self->link);
  tincan_chat_notify_keys (self);

  return TRUE;
}

/* tincan-identity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The installation's long-term X25519 key pair, which the encrypted link
 * authenticates with, and the short texts two people compare to know they
 * hold each other's key: a fingerprint for one key, a safety number for a
 * pair.  This is not the 16-byte identity of the history
 * (tincan_store_get_identity()), which only tells messages apart.
 *
 * The key pair is made once and kept for good: losing it makes every peer
 * see a changed key.  So a file that cannot be read or understood is an
 * error naming it, never replaced, and a new one appears whole or not at
 * all (written to a temporary file, flushed, then linked into place, so a
 * crash leaves no half key and two Tin Cans starting at once agree on one).
 *
 * The file, `$XDG_DATA_HOME/tincan/identity` unless told otherwise, is
 * text, mode 0600 in a folder made 0700:
 *
 *   tincan-identity 1
 *   private <64 hex digits: the X25519 private key>
 *   public <64 hex digits: its public key>
 *
 * The public key is derived again from the private one on loading; the
 * stored copy is only a check that both survived, and lets a person read
 * it without tools.  A larger first-line version is refused as written by
 * a newer Tin Can.
 *
 * The private key lives in memory from sodium_malloc(): guarded, locked
 * out of swap and core dumps where the system allows, read-only once set,
 * and wiped when the identity is finalized.  It is never logged.
 *
 * Fingerprint, of one public key: BLAKE2b with a 16-byte digest
 * (crypto_generichash(), no key) over the 22 ASCII bytes
 * "Tin Can fingerprint v1" then the 32 bytes of the key, written as 32
 * lowercase hex digits in 8 groups of 4: "3f1c 9a0e … 77d2".
 *
 * Safety number, of two public keys: the keys in memcmp() order, so both
 * people get the same number; BLAKE2b with a 60-byte digest over the 24
 * ASCII bytes "Tin Can safety number v1", the lower key, then the higher;
 * each 5-byte run of the digest read as a big-endian number, taken modulo
 * 100000 and written as 5 decimal digits: 12 groups, 60 digits,
 * "04718 90231 …" (as Signal does; the bias of the modulo is below 10⁻⁷).
 */

#define G_LOG_DOMAIN "tincan-identity"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tincan-identity.h"

#define FILE_MAGIC "tincan-identity "
#define FILE_VERSION 1
#define PRIVATE_PREFIX "private "
#define PUBLIC_PREFIX "public "
#define KEY_HEX_SIZE (2 * TINCAN_IDENTITY_KEY_SIZE)
/* Far more than the file ever holds: anything bigger is not ours. */
#define MAX_FILE_SIZE 4096

#define FINGERPRINT_DOMAIN "Tin Can fingerprint v1"
#define FINGERPRINT_SIZE 16
#define SAFETY_NUMBER_DOMAIN "Tin Can safety number v1"
#define SAFETY_NUMBER_GROUPS 12
#define SAFETY_NUMBER_CHUNK 5

struct _TincanIdentity
{
  GObject   parent_instance;

  char     *path;
  guint8   *private_key;   /* sodium_malloc()ed; wiped by sodium_free() */
  guint8    public_key[TINCAN_IDENTITY_KEY_SIZE];
  gboolean  created;
};

G_DEFINE_FINAL_TYPE (TincanIdentity, tincan_identity, G_TYPE_OBJECT)

G_DEFINE_QUARK (tincan-identity-error-quark, tincan_identity_error)

static void
ensure_sodium (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* Fails only without a source of randomness: nothing to go on with. */
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialized");
      g_once_init_leave (&initialized, 1);
    }
}

static void
tincan_identity_finalize (GObject *object)
{
  TincanIdentity *self = TINCAN_IDENTITY (object);

  g_clear_pointer (&self->private_key, sodium_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (tincan_identity_parent_class)->finalize (object);
}

static void
tincan_identity_class_init (TincanIdentityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tincan_identity_finalize;

  ensure_sodium ();
}

static void
tincan_identity_init (TincanIdentity *self)
{
  self->private_key = sodium_malloc (TINCAN_IDENTITY_KEY_SIZE);
  if (self->private_key == NULL)
    g_error ("No memory for a private key");
}

static void
set_unreadable (GError     **error,
                const char  *path,
                int          saved_errno)
{
  g_set_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_FAILED,
               _("Your identity key “%s” could not be read: %s"), path, g_strerror (saved_errno));
}

static void
set_unsaved (GError     **error,
             const char  *path,
             int          saved_errno)
{
  g_set_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_FAILED,
               _("Your identity key “%s” could not be saved: %s"), path, g_strerror (saved_errno));
}

static void
set_damaged (GError     **error,
             const char  *path,
             const char  *detail)
{
  g_set_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_DAMAGED,
               _("Your identity key “%s” is damaged: %s"), path, detail);
}

/* Decodes exactly KEY_HEX_SIZE hex digits at @hex, in constant time. */
static gboolean
decode_key (const char *hex,
            guint8     *key)
{
  size_t length = 0;

  return sodium_hex2bin (key, TINCAN_IDENTITY_KEY_SIZE, hex, KEY_HEX_SIZE,
                         NULL, &length, NULL) == 0
         && length == TINCAN_IDENTITY_KEY_SIZE;
}

/* Reads the line at *@p that starts with @prefix and holds a key, and
 * moves *@p past it.  The last line may lack its newline.
 */
static gboolean
parse_key_line (const char **p,
                const char  *end,
                const char  *prefix,
                guint8      *key)
{
  gsize prefix_length = strlen (prefix);
  const char *hex = *p + prefix_length;

  if ((gsize) (end - *p) < prefix_length + KEY_HEX_SIZE
      || memcmp (*p, prefix, prefix_length) != 0
      || !decode_key (hex, key))
    return FALSE;

  *p = hex + KEY_HEX_SIZE;
  if (*p < end)
    {
      if (**p != '\n')
        return FALSE;
      (*p)++;
    }

  return TRUE;
}

static gboolean
parse_identity (TincanIdentity  *self,
                const char      *contents,
                gsize            length,
                GError         **error)
{
  const char *end = contents + length;
  const char *newline = memchr (contents, '\n', length);
  const char *p;
  guint8 stored_public[TINCAN_IDENTITY_KEY_SIZE];
  gboolean valid;
  guint64 version;

  /* The first line, "tincan-identity VERSION", without copying the rest. */
  if (newline == NULL
      || (gsize) (newline - contents) <= strlen (FILE_MAGIC)
      || (gsize) (newline - contents) > strlen (FILE_MAGIC) + 9
      || memcmp (contents, FILE_MAGIC, strlen (FILE_MAGIC)) != 0)
    {
      set_damaged (error, self->path, _("it is not a Tin Can identity file"));
      return FALSE;
    }

  {
    g_autofree char *number = g_strndup (contents + strlen (FILE_MAGIC),
                                         newline - contents - strlen (FILE_MAGIC));

    if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT32, &version, NULL))
      {
        set_damaged (error, self->path, _("it is not a Tin Can identity file"));
        return FALSE;
      }
  }

  if (version > FILE_VERSION)
    {
      g_set_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_NEWER,
                   _("Your identity key “%s” was written by a newer Tin Can"), self->path);
      return FALSE;
    }

  p = newline + 1;
  sodium_mprotect_readwrite (self->private_key);
  valid = parse_key_line (&p, end, PRIVATE_PREFIX, self->private_key)
          && parse_key_line (&p, end, PUBLIC_PREFIX, stored_public)
          && p == end;
  if (valid)
    crypto_scalarmult_base (self->public_key, self->private_key);
  else
    sodium_memzero (self->private_key, TINCAN_IDENTITY_KEY_SIZE);
  sodium_mprotect_readonly (self->private_key);

  if (!valid)
    {
      set_damaged (error, self->path, _("its keys are missing or not valid"));
      return FALSE;
    }

  if (sodium_memcmp (self->public_key, stored_public, TINCAN_IDENTITY_KEY_SIZE) != 0)
    {
      set_damaged (error, self->path, _("its public key does not match its private key"));
      return FALSE;
    }

  return TRUE;
}

/* Reads the identity from @fd, which it closes.  A valid file others may
 * read is made private, with a warning, rather than refused: the key may
 * have been seen, but refusing would leave the person with no identity at
 * all, and the warning tells them.  If it cannot be made private (another
 * user owns it), it is refused.  A damaged one is left as it is, mode and
 * all.
 */
static gboolean
read_identity (TincanIdentity  *self,
               int              fd,
               GError         **error)
{
  char contents[MAX_FILE_SIZE + 1];
  gsize length = 0;
  struct stat buf;
  gboolean ok = FALSE;

  if (fstat (fd, &buf) != 0)
    {
      set_unreadable (error, self->path, errno);
      goto out;
    }

  if (!S_ISREG (buf.st_mode))
    {
      set_damaged (error, self->path, _("it is not a file"));
      goto out;
    }

  while (length < sizeof contents)
    {
      ssize_t n = read (fd, contents + length, sizeof contents - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_unreadable (error, self->path, errno);
          goto out;
        }
      if (n == 0)
        break;
      length += n;
    }

  if (length > MAX_FILE_SIZE)
    {
      set_damaged (error, self->path, _("it is too large"));
      goto out;
    }

  if (!parse_identity (self, contents, length, error))
    goto out;

  /* Only now that it is known to be an identity: a damaged file may not
   * be ours to change.
   */
  if ((buf.st_mode & 0077) != 0)
    {
      if (fchmod (fd, 0600) != 0)
        {
          g_set_error (error, TINCAN_IDENTITY_ERROR, TINCAN_IDENTITY_ERROR_FAILED,
                       _("Your identity key “%s” is readable by others and could not be made private: %s"),
                       self->path, g_strerror (errno));
          goto out;
        }
      g_warning ("The identity key %s was readable by other users; it is now readable by its owner only",
                 self->path);
    }

  ok = TRUE;

out:
  sodium_memzero (contents, sizeof contents);
  close (fd);

  return ok;
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      length -= n;
    }

  return TRUE;
}

/* The file's text for this key pair, into @text, which the caller wipes. */
static gsize
format_identity (TincanIdentity *self,
                 char           *text,
                 gsize           size)
{
  char private_hex[KEY_HEX_SIZE + 1];
  char public_hex[KEY_HEX_SIZE + 1];
  gsize length;

  sodium_bin2hex (private_hex, sizeof private_hex, self->private_key, TINCAN_IDENTITY_KEY_SIZE);
  sodium_bin2hex (public_hex, sizeof public_hex, self->public_key, TINCAN_IDENTITY_KEY_SIZE);
  length = g_snprintf (text, size, FILE_MAGIC "%d\n" PRIVATE_PREFIX "%s\n" PUBLIC_PREFIX "%s\n",
                       FILE_VERSION, private_hex, public_hex);
  sodium_memzero (private_hex, sizeof private_hex);
  g_assert (length < size);

  return length;
}

/* Makes a key pair and puts it at self->path, unless a file appeared
 * there meanwhile: then *@exists is set and nothing is kept.
 */
static gboolean
make_identity (TincanIdentity  *self,
               gboolean        *exists,
               GError         **error)
{
  g_autofree char *folder = g_path_get_dirname (self->path);
  g_autofree char *base = g_path_get_basename (self->path);
  g_autofree char *temporary = NULL;
  char text[256];
  gsize length;
  gboolean written;
  int saved = 0;
  int fd;

  *exists = FALSE;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      set_unsaved (error, self->path, errno);
      return FALSE;
    }

  sodium_mprotect_readwrite (self->private_key);
  randombytes_buf (self->private_key, TINCAN_IDENTITY_KEY_SIZE);
  crypto_scalarmult_base (self->public_key, self->private_key);
  length = format_identity (self, text, sizeof text);
  sodium_mprotect_readonly (self->private_key);

  /* Private from the start: never a moment when others could read it. */
  temporary = g_strdup_printf ("%s/.%s-XXXXXX", folder, base);
  fd = g_mkstemp_full (temporary, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      sodium_memzero (text, sizeof text);
      set_unsaved (error, self->path, saved);
      return FALSE;
    }

  written = fchmod (fd, 0600) == 0 && write_all (fd, text, length) && fsync (fd) == 0;
  if (!written)
    saved = errno;
  sodium_memzero (text, sizeof text);
  if (close (fd) != 0 && written)
    {
      written = FALSE;
      saved = errno;
    }

  /* link() never replaces a file, as rename() would. */
  if (written && link (temporary, self->path) != 0)
    {
      written = FALSE;
      saved = errno;
    }
  g_unlink (temporary);

  if (!written)
    {
      sodium_mprotect_readwrite (self->private_key);
      sodium_memzero (self->private_key, TINCAN_IDENTITY_KEY_SIZE);
      sodium_mprotect_readonly (self->private_key);

      if (saved == EEXIST)
        {
          *exists = TRUE;
          return FALSE;
        }

      set_unsaved (error, self->path, saved);
      return FALSE;
    }

  /* The new name is on the disk too.  Some file systems cannot sync a
   * folder; the key is written all the same.
   */
  fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      if (fsync (fd) != 0)
        g_debug ("Could not sync %s: %s", folder, g_strerror (errno));
      close (fd);
    }

  self->created = TRUE;
  g_debug ("Made a new identity key in %s", self->path);

  return TRUE;
}

/**
 * tincan_identity_load:
 * @path: the identity file, made (with its folders) if missing
 * @error: return location for a #TincanIdentityError
 *
 * Reads this installation's key pair from @path, or makes one there on
 * the first run.  A file that cannot be read, is damaged, or was written
 * by a newer Tin Can is an error naming @path, and is left as it is.  A
 * file that others may read is made readable by its owner only, with a
 * warning; if that fails, it is refused.
 *
 * Returns: (transfer full): the identity, or %NULL
 */
TincanIdentity *
tincan_identity_load (const char  *path,
                      GError     **error)
{
  g_autoptr(TincanIdentity) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (TINCAN_TYPE_IDENTITY, NULL);
  self->path = g_strdup (path);

  /* Twice at most: if another Tin Can made the file after we found none,
   * we read the one it made.
   */
  for (guint attempt = 0;; attempt++)
    {
      gboolean exists;
      /* Non-blocking, so that a FIFO in its place is refused, not waited on. */
      int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

      if (fd >= 0)
        return read_identity (self, fd, error) ? g_steal_pointer (&self) : NULL;

      if (errno != ENOENT || attempt > 0)
        {
          set_unreadable (error, path, errno);
          return NULL;
        }

      if (make_identity (self, &exists, error))
        return g_steal_pointer (&self);
      if (!exists)
        return NULL;
    }
}

/**
 * tincan_identity_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/tincan/identity`
 */
char *
tincan_identity_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tincan", "identity", NULL);
}

const char *
tincan_identity_get_path (TincanIdentity *self)
{
  g_return_val_if_fail (TINCAN_IS_IDENTITY (self), NULL);

  return self->path;
}

/**
 * tincan_identity_get_created:
 * @self: a #TincanIdentity
 *
 * Returns: %TRUE if tincan_identity_load() made this key pair now, as on
 *   a first run
 */
gboolean
tincan_identity_get_created (TincanIdentity *self)
{
  g_return_val_if_fail (TINCAN_IS_IDENTITY (self), FALSE);

  return self->created;
}

/**
 * tincan_identity_get_public_key:
 * @self: a #TincanIdentity
 *
 * Returns: (array fixed-size=32): the X25519 public key
 */
const guint8 *
tincan_identity_get_public_key (TincanIdentity *self)
{
  g_return_val_if_fail (TINCAN_IS_IDENTITY (self), NULL);

  return self->public_key;
}

/**
 * tincan_identity_get_private_key:
 * @self: a #TincanIdentity
 *
 * The memory is read-only, and wiped when @self is finalized: keep a
 * reference as long as the key is used, and never copy it anywhere that
 * is not wiped.
 *
 * Returns: (array fixed-size=32): the X25519 private key
 */
const guint8 *
tincan_identity_get_private_key (TincanIdentity *self)
{
  g_return_val_if_fail (TINCAN_IS_IDENTITY (self), NULL);

  return self->private_key;
}

/**
 * tincan_identity_dup_fingerprint:
 * @self: a #TincanIdentity
 *
 * Returns: (transfer full): tincan_key_format_fingerprint() of the public key
 */
char *
tincan_identity_dup_fingerprint (TincanIdentity *self)
{
  g_return_val_if_fail (TINCAN_IS_IDENTITY (self), NULL);

  return tincan_key_format_fingerprint (self->public_key);
}

/**
 * tincan_key_format_fingerprint:
 * @public_key: (array fixed-size=32): an X25519 public key
 *
 * What a person reads aloud to name one key: 32 lowercase hex digits of a
 * BLAKE2b digest of the key, in 8 groups of 4 (see the top of this file).
 *
 * Returns: (transfer full): e.g. "3f1c 9a0e 5b21 c4d8 0e6f 1a93 b7c2 77d2"
 */
char *
tincan_key_format_fingerprint (const guint8 *public_key)
{
  crypto_generichash_state state;
  guint8 digest[FINGERPRINT_SIZE];
  GString *text = g_string_sized_new (2 * FINGERPRINT_SIZE + FINGERPRINT_SIZE / 2);

  g_return_val_if_fail (public_key != NULL, NULL);

  ensure_sodium ();
  crypto_generichash_init (&state, NULL, 0, sizeof digest);
  crypto_generichash_update (&state, (const guint8 *) FINGERPRINT_DOMAIN, strlen (FINGERPRINT_DOMAIN));
  crypto_generichash_update (&state, public_key, TINCAN_IDENTITY_KEY_SIZE);
  crypto_generichash_final (&state, digest, sizeof digest);

  for (guint i = 0; i < sizeof digest; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, "%02x", digest[i]);
    }

  return g_string_free (text, FALSE);
}

/**
 * tincan_key_format_safety_number:
 * @key_a: (array fixed-size=32): an X25519 public key
 * @key_b: (array fixed-size=32): another
 *
 * What two people compare to know each holds the other's key: the same
 * for (@key_a, @key_b) as for (@key_b, @key_a), 60 decimal digits in 12
 * groups of 5 (see the top of this file).
 *
 * Returns: (transfer full): e.g. "04718 90231 … 55120"
 */
char *
tincan_key_format_safety_number (const guint8 *key_a,
                                 const guint8 *key_b)
{
  crypto_generichash_state state;
  guint8 digest[SAFETY_NUMBER_GROUPS * SAFETY_NUMBER_CHUNK];
  GString *text = g_string_sized_new (SAFETY_NUMBER_GROUPS * 6);
  const guint8 *low = key_a;
  const guint8 *high = key_b;

  g_return_val_if_fail (key_a != NULL, NULL);
  g_return_val_if_fail (key_b != NULL, NULL);

  ensure_sodium ();
  if (memcmp (key_a, key_b, TINCAN_IDENTITY_KEY_SIZE) > 0)
    {
      low = key_b;
      high = key_a;
    }

  crypto_generichash_init (&state, NULL, 0, sizeof digest);
  crypto_generichash_update (&state, (const guint8 *) SAFETY_NUMBER_DOMAIN, strlen (SAFETY_NUMBER_DOMAIN));
  crypto_generichash_update (&state, low, TINCAN_IDENTITY_KEY_SIZE);
  crypto_generichash_update (&state, high, TINCAN_IDENTITY_KEY_SIZE);
  crypto_generichash_final (&state, digest, sizeof digest);

  for (guint group = 0; group < SAFETY_NUMBER_GROUPS; group++)
    {
      guint64 chunk = 0;

      for (guint i = 0; i < SAFETY_NUMBER_CHUNK; i++)
        chunk = (chunk << 8) | digest[group * SAFETY_NUMBER_CHUNK + i];

      if (group > 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, "%05u", (guint) (chunk % 100000));
    }

  return g_string_free (text, FALSE);
}

/* Without spaces, dashes or case, as a person may type it. */
static char *
normalize (const char *text)
{
  GString *normal = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || *p == '-')
        continue;
      g_string_append_c (normal, g_ascii_tolower (*p));
    }

  return g_string_free (normal, FALSE);
}

/**
 * tincan_key_matches:
 * @safety_number_or_fingerprint: what a person was told by the peer
 * @own_public_key: (array fixed-size=32): this installation's public key
 * @peer_public_key: (array fixed-size=32): the key the peer presented
 *
 * Whether @safety_number_or_fingerprint is the fingerprint of
 * @peer_public_key or the safety number of the two keys.  Spaces, dashes
 * and case do not matter.  Our own fingerprint is not a match: it says
 * nothing about the peer's key.
 *
 * Returns: %TRUE if it matches
 */
gboolean
tincan_key_matches (const char   *safety_number_or_fingerprint,
                    const guint8 *own_public_key,
                    const guint8 *peer_public_key)
{
  g_autofree char *given = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *safety_number = NULL;
  g_autofree char *fingerprint_normal = NULL;
  g_autofree char *safety_number_normal = NULL;

  g_return_val_if_fail (safety_number_or_fingerprint != NULL, FALSE);
  g_return_val_if_fail (own_public_key != NULL, FALSE);
  g_return_val_if_fail (peer_public_key != NULL, FALSE);

  given = normalize (safety_number_or_fingerprint);
  fingerprint = tincan_key_format_fingerprint (peer_public_key);
  safety_number = tincan_key_format_safety_number (own_public_key, peer_public_key);
  fingerprint_normal = normalize (fingerprint);
  safety_number_normal = normalize (safety_number);

  return g_str_equal (given, fingerprint_normal) || g_str_equal (given, safety_number_normal);
}

/* tincan-address.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a person may type as "the other computer": an IPv4 or IPv6 literal,
 * or a host name, optionally followed by a UDP port.  Everything here is
 * syntax only; resolving a name is the link's job and happens
 * asynchronously.  The messages are shown as they are in the peer dialog
 * and on the command line, so they say what is wrong and what is expected.
 */

#define G_LOG_DOMAIN "tincan-address"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "tincan-address.h"

#define MAX_HOST_NAME_LENGTH 253
#define MAX_LABEL_LENGTH 63

G_DEFINE_QUARK (tincan-address-error-quark, tincan_address_error)

static gboolean
is_valid_label (const char *label,
                gsize       length)
{
  if (length == 0 || length > MAX_LABEL_LENGTH)
    return FALSE;

  if (label[0] == '-' || label[length - 1] == '-')
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (label[i]) && label[i] != '-')
        return FALSE;
    }

  return TRUE;
}

/* RFC 1123 host names, as ASCII (an IDN is converted to its punycode form
 * before it gets here).  A name made only of digits and dots is someone's
 * mistyped IPv4 address, not a host name, so it is refused as such.
 */
static gboolean
is_valid_host_name (const char *ascii,
                    gboolean   *looks_numeric)
{
  gsize length = strlen (ascii);
  const char *label = ascii;
  gboolean all_numeric = TRUE;

  *looks_numeric = FALSE;

  if (length > 0 && ascii[length - 1] == '.')
    length--;

  if (length == 0 || length > MAX_HOST_NAME_LENGTH)
    return FALSE;

  while (label < ascii + length)
    {
      const char *dot = memchr (label, '.', ascii + length - label);
      gsize label_length = dot ? (gsize) (dot - label) : (gsize) (ascii + length - label);

      if (!is_valid_label (label, label_length))
        return FALSE;

      for (gsize i = 0; i < label_length; i++)
        {
          if (!g_ascii_isdigit (label[i]))
            all_numeric = FALSE;
        }

      if (dot == NULL)
        break;

      label = dot + 1;
    }

  /* A trailing dot after the last label ends the loop above on an empty
   * label; one in the middle ("a..b") is refused by is_valid_label().
   */
  if (label >= ascii + length)
    return FALSE;

  *looks_numeric = all_numeric;

  return !all_numeric;
}

/**
 * tincan_address_normalize_host:
 * @text: what the person typed
 * @error: return location for a #TincanAddressError
 *
 * Checks that @text is an IPv4 or IPv6 address or a valid host name.
 * Surrounding white space and the brackets of "[::1]" are dropped; an
 * internationalized name is returned in its ASCII form.
 *
 * Returns: (transfer full): the host, ready for a resolver, or %NULL
 */
char *
tincan_address_normalize_host (const char  *text,
                               GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *ascii = NULL;
  gboolean looks_numeric = FALSE;
  gsize length;

  g_return_val_if_fail (text != NULL, NULL);

  stripped = g_strstrip (g_strdup (text));
  length = strlen (stripped);

  if (length == 0)
    {
      g_set_error_literal (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_EMPTY,
                           _("Enter the other computer’s address"));
      return NULL;
    }

  if (length > 2 && stripped[0] == '[' && stripped[length - 1] == ']')
    {
      char *inner = g_strndup (stripped + 1, length - 2);

      if (strchr (inner, ':') != NULL && g_hostname_is_ip_address (inner))
        return inner;

      g_free (inner);
    }

  if (g_hostname_is_ip_address (stripped))
    return g_steal_pointer (&stripped);

  if (g_utf8_validate (stripped, -1, NULL))
    ascii = g_hostname_to_ascii (stripped);

  if (ascii != NULL && is_valid_host_name (ascii, &looks_numeric))
    return g_steal_pointer (&ascii);

  if (looks_numeric)
    g_set_error (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_INVALID_HOST,
                 _("“%s” is not a valid IPv4 address"), stripped);
  else if (strchr (stripped, ':') != NULL)
    g_set_error (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_INVALID_HOST,
                 _("“%s” is not a valid IPv6 address"), stripped);
  else
    g_set_error (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_INVALID_HOST,
                 _("“%s” is not an IP address or a host name"), stripped);

  return NULL;
}

/**
 * tincan_address_parse_port:
 * @text: what the person typed
 * @port: (out): the port
 * @error: return location for a #TincanAddressError
 *
 * Returns: %TRUE if @text is a whole number from 1 to 65535
 */
gboolean
tincan_address_parse_port (const char  *text,
                           guint16     *port,
                           GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 value = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (port != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));

  if (stripped[0] == '\0'
      || !g_ascii_string_to_unsigned (stripped, 10, TINCAN_MIN_PORT, TINCAN_MAX_PORT,
                                      &value, NULL))
    {
      g_set_error (error, TINCAN_ADDRESS_ERROR, TINCAN_ADDRESS_ERROR_INVALID_PORT,
                   _("The port must be a number from %d to %d"),
                   TINCAN_MIN_PORT, TINCAN_MAX_PORT);
      return FALSE;
    }

  *port = (guint16) value;

  return TRUE;
}

/**
 * tincan_address_parse_peer:
 * @text: HOST, HOST:PORT or [IPv6]:PORT
 * @default_port: the port when @text names none
 * @host: (out) (transfer full): the normalized host
 * @port: (out): the port
 * @error: return location for a #TincanAddressError
 *
 * A bare IPv6 address ("fe80::1") has colons of its own, so it takes the
 * default port; an IPv6 address with a port must be in brackets.
 *
 * Returns: %TRUE if @text is a valid peer
 */
gboolean
tincan_address_parse_peer (const char  *text,
                           guint16      default_port,
                           char       **host,
                           guint16     *port,
                           GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *host_part = NULL;
  const char *port_part = NULL;
  g_autofree char *normalized = NULL;
  guint16 parsed_port = default_port;
  const char *colon;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (port != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));

  if (stripped[0] == '[')
    {
      const char *close = strchr (stripped, ']');

      if (close != NULL && close[1] == ':')
        {
          host_part = g_strndup (stripped, close + 1 - stripped);
          port_part = close + 2;
        }
      else
        host_part = g_strdup (stripped);
    }
  else if ((colon = strchr (stripped, ':')) != NULL && strchr (colon + 1, ':') == NULL)
    {
      host_part = g_strndup (stripped, colon - stripped);
      port_part = colon + 1;
    }
  else
    host_part = g_strdup (stripped);

  if (!(normalized = tincan_address_normalize_host (host_part, error)))
    return FALSE;

  if (port_part != NULL && !tincan_address_parse_port (port_part, &parsed_port, error))
    return FALSE;

  *host = g_steal_pointer (&normalized);
  *port = parsed_port;

  return TRUE;
}

/**
 * tincan_address_format_peer:
 * @host: a normalized host
 * @port: a port
 *
 * Returns: (transfer full): "host:port", with an IPv6 address in brackets
 */
char *
tincan_address_format_peer (const char *host,
                            guint16     port)
{
  g_return_val_if_fail (host != NULL, NULL);

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);

  return g_strdup_printf ("%s:%u", host, port);
}

/**
 * tincan_address_format_socket:
 * @address: where a datagram came from, or goes
 *
 * Returns: (transfer full): "host:port", as tincan_address_format_peer()
 */
char *
tincan_address_format_socket (GInetSocketAddress *address)
{
  g_autofree char *host = NULL;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), NULL);

  host = g_inet_address_to_string (g_inet_socket_address_get_address (address));

  return tincan_address_format_peer (host, g_inet_socket_address_get_port (address));
}

static int
address_rank (GInetAddress *address)
{
  /* Private IPv4 addresses first: on a home or office network those are
   * what the other person will type.  Then other IPv4, then IPv6.
   */
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return g_inet_address_get_is_site_local (address) ? 0 : 1;

  return 2;
}

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  GInetAddress *address_a = *(GInetAddress **) a;
  GInetAddress *address_b = *(GInetAddress **) b;

  return address_rank (address_a) - address_rank (address_b);
}

/**
 * tincan_address_list_local:
 *
 * The addresses another computer can use to reach this one: every
 * address of every interface that is up, less loopback and IPv6
 * link-local addresses (which need an interface name to be usable).
 *
 * Returns: (transfer full): a %NULL-terminated array, maybe empty
 */
GStrv
tincan_address_list_local (void)
{
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    {
      g_debug ("getifaddrs failed: %s", g_strerror (errno));
      return g_new0 (char *, 1);
    }

  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      GInetAddress *address = NULL;

      if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP))
        continue;

      if (ifa->ifa_addr->sa_family == AF_INET)
        {
          const struct sockaddr_in *sin = (const struct sockaddr_in *) ifa->ifa_addr;
          address = g_inet_address_new_from_bytes ((const guint8 *) &sin->sin_addr,
                                                   G_SOCKET_FAMILY_IPV4);
        }
      else if (ifa->ifa_addr->sa_family == AF_INET6)
        {
          const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ifa->ifa_addr;
          address = g_inet_address_new_from_bytes ((const guint8 *) &sin6->sin6_addr,
                                                   G_SOCKET_FAMILY_IPV6);
        }

      if (address == NULL)
        continue;

      if (g_inet_address_get_is_loopback (address)
          || g_inet_address_get_is_link_local (address)
          || g_inet_address_get_is_any (address))
        {
          g_object_unref (address);
          continue;
        }

      g_ptr_array_add (addresses, address);
    }

  freeifaddrs (list);

  g_ptr_array_sort (addresses, compare_ranked);

  for (guint i = 0; i < addresses->len; i++)
    {
      char *text = g_inet_address_to_string (g_ptr_array_index (addresses, i));

      /* An address configured on two interfaces is still one address. */
      if (g_ptr_array_find_with_equal_func (texts, text, g_str_equal, NULL))
        g_free (text);
      else
        g_ptr_array_add (texts, text);
    }

  g_ptr_array_add (texts, NULL);

  return (GStrv) g_ptr_array_steal (texts, NULL);
}

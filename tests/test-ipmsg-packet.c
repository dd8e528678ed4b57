/* test-ipmsg-packet.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IP Messenger's datagrams: the ones iptux sends (built as its
 * Command.cpp builds them: "1_iptux VERSION:NUMBER:USER:HOST:COMMAND:"
 * then the extra and a NUL), IP Messenger's entry extension, CP932
 * text, malformed headers, and long text cut into parts.
 */

#include "config.h"

#include <string.h>

#include "tincan-ipmsg-packet.h"

#define D(literal) (const guint8 *) (literal), sizeof (literal) - 1

static const char *
bytes_text (GBytes *bytes,
            gsize  *length)
{
  return g_bytes_get_data (bytes, length);
}

static void
test_parse_iptux_sendmsg (void)
{
  /* SENDCHECKOPT | SENDMSG, UTF-8 text without UTF8OPT. */
  static const char datagram[] = "1_iptux 0.8.3:7:alice:laptop:288:h\xc3\xa9llo\0";
  TincanIpmsgPacket packet;
  g_autofree char *text = NULL;
  gsize length;

  g_assert_cmpint (tincan_ipmsg_packet_parse (D (datagram), &packet), ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpstr (packet.version, ==, "1_iptux 0.8.3");
  g_assert_cmpuint (packet.packet_number, ==, 7);
  g_assert_cmpstr (packet.user, ==, "alice");
  g_assert_cmpstr (packet.host, ==, "laptop");
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_SENDMSG);
  g_assert_true (packet.command & TINCAN_IPMSG_SENDCHECKOPT);
  bytes_text (packet.extra, &length);
  text = tincan_ipmsg_decode_text (g_bytes_get_data (packet.extra, NULL), length);
  g_assert_cmpstr (text, ==, "h\xc3\xa9llo");
  g_assert_cmpuint (g_bytes_get_size (packet.extra2), ==, 0);
  tincan_ipmsg_packet_clear (&packet);
  g_assert_null (packet.version);
  g_assert_null (packet.extra);
}

static void
test_parse_iptux_recvmsg (void)
{
  /* SENDCHECKOPT | RECVMSG, the number acknowledged in the extra. */
  static const char datagram[] = "1_iptux 0.8.3:8:alice:laptop:289:4294967295\0";
  TincanIpmsgPacket packet;
  gsize length;
  const char *extra;

  g_assert_cmpint (tincan_ipmsg_packet_parse (D (datagram), &packet), ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_RECVMSG);
  extra = bytes_text (packet.extra, &length);
  g_assert_cmpmem (extra, length, "4294967295", 10);
  tincan_ipmsg_packet_clear (&packet);
}

static void
test_parse_iptux_entry (void)
{
  /* ABSENCEOPT | BR_ENTRY: nickname, then group, icon and encoding. */
  static const char datagram[] = "1_iptux 0.8.3:1:alice:laptop:257:Alice\0Friends\0icon-tux.png\0utf-8\0";
  TincanIpmsgPacket packet;
  TincanIpmsgEntry entry;

  g_assert_cmpint (tincan_ipmsg_packet_parse (D (datagram), &packet), ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_BR_ENTRY);
  g_assert_cmpmem (g_bytes_get_data (packet.extra2, NULL), g_bytes_get_size (packet.extra2),
                   "Friends\0icon-tux.png\0utf-8", sizeof "Friends\0icon-tux.png\0utf-8" - 1);

  g_assert_true (tincan_ipmsg_entry_parse (&packet, &entry));
  g_assert_cmpstr (entry.user, ==, "alice");
  g_assert_cmpstr (entry.host, ==, "laptop");
  g_assert_cmpstr (entry.nickname, ==, "Alice");
  g_assert_cmpstr (entry.group, ==, "Friends");
  tincan_ipmsg_entry_clear (&entry);
  g_assert_null (entry.user);

  /* BR_EXIT, as iptux sends it: DIALUPOPT, no names. */
  tincan_ipmsg_packet_clear (&packet);
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1_iptux 0.8.3:9:alice:laptop:65538:\0"), &packet),
                   ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpuint (packet.command & TINCAN_IPMSG_COMMAND_MASK, ==, TINCAN_IPMSG_BR_EXIT);
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &entry));
  g_assert_cmpstr (entry.nickname, ==, "");
  g_assert_cmpstr (entry.group, ==, "");
  tincan_ipmsg_entry_clear (&entry);

  /* Not an entry. */
  tincan_ipmsg_packet_clear (&packet);
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1:2:a:b:32:hi\0"), &packet), ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_false (tincan_ipmsg_entry_parse (&packet, &entry));
  tincan_ipmsg_packet_clear (&packet);
}

static void
test_parse_ipmsg_extension (void)
{
  /* IP Messenger: CP932 nickname and group, and the UTF-8 extension,
   * which wins.  "日本" in CP932 is 93 fa 96 7b.
   */
  static const char datagram[] =
    "1:1700000000:taro:PC01:16777475:\x93\xfa\x96\x7b\0G\0"
    "\nUN:taro\nHN:PC01\nNN:\xe6\x97\xa5\xe6\x9c\xac\xe5\xa4\xaa\xe9\x83\x8e\nGN:\xe9\x96\x8b\xe7\x99\xba\0";
  TincanIpmsgPacket packet;
  TincanIpmsgEntry entry;

  g_assert_cmpint (tincan_ipmsg_packet_parse (D (datagram), &packet), ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_true (packet.command & TINCAN_IPMSG_CAPUTF8OPT);
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &entry));
  g_assert_cmpstr (entry.user, ==, "taro");
  g_assert_cmpstr (entry.host, ==, "PC01");
  g_assert_cmpstr (entry.nickname, ==, "日本太郎");
  g_assert_cmpstr (entry.group, ==, "開発");
  tincan_ipmsg_entry_clear (&entry);
  tincan_ipmsg_packet_clear (&packet);

  /* Without the extension, the CP932 nickname is decoded. */
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1:5:taro:PC01:3:\x93\xfa\x96\x7b\0"), &packet),
                   ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &entry));
  g_assert_cmpstr (entry.nickname, ==, "日本");
  tincan_ipmsg_entry_clear (&entry);
  tincan_ipmsg_packet_clear (&packet);

  /* The extension right after the nickname (no group field). */
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1:0:am:amhost:1:\0\nUN:am\nHN:amhost\nNN:am\nGN:"), &packet),
                   ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &entry));
  g_assert_cmpstr (entry.nickname, ==, "am");
  g_assert_cmpstr (entry.group, ==, "");
  tincan_ipmsg_entry_clear (&entry);
  tincan_ipmsg_packet_clear (&packet);
}

static void
test_entry_format (void)
{
  TincanIpmsgEntry entry = { (char *) "ada", (char *) "box", (char *) "Ada Lovelace", (char *) "Team" };
  TincanIpmsgEntry back;
  TincanIpmsgPacket packet;
  g_autoptr(GByteArray) extra = g_byte_array_new ();
  g_autoptr(GByteArray) extra2 = g_byte_array_new ();
  g_autoptr(GBytes) datagram = NULL;
  static const char expected[] =
    TINCAN_IPMSG_VERSION_PREFIX " " PACKAGE_VERSION ":42:ada:box:16777473:Ada Lovelace\0Team\0"
    "\nUN:ada\nHN:box\nNN:Ada Lovelace\nGN:Team\0";

  tincan_ipmsg_entry_format (&entry, extra, extra2);
  datagram = tincan_ipmsg_packet_format (42, "ada", "box",
                                         TINCAN_IPMSG_BR_ENTRY | TINCAN_IPMSG_ABSENCEOPT | TINCAN_IPMSG_CAPUTF8OPT,
                                         extra->data, extra->len, extra2->data, extra2->len);
  g_assert_cmpmem (g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram),
                   expected, sizeof expected - 1);

  g_assert_cmpint (tincan_ipmsg_packet_parse (g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), &packet),
                   ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_true (tincan_ipmsg_entry_parse (&packet, &back));
  g_assert_cmpstr (back.user, ==, "ada");
  g_assert_cmpstr (back.host, ==, "box");
  g_assert_cmpstr (back.nickname, ==, "Ada Lovelace");
  g_assert_cmpstr (back.group, ==, "Team");
  tincan_ipmsg_entry_clear (&back);
  tincan_ipmsg_packet_clear (&packet);
}

static void
test_format_message (void)
{
  g_autoptr(GBytes) datagram = NULL;
  TincanIpmsgPacket packet;
  static const char expected[] =
    TINCAN_IPMSG_VERSION_PREFIX " " PACKAGE_VERSION ":4294967295:a_b:h_st_:8388896:\xe2\x82\xac 5\0";

  /* ':' and control characters in names would break the header. */
  datagram = tincan_ipmsg_packet_format (G_MAXUINT32, "a:b", "h:st\n",
                                         TINCAN_IPMSG_SENDMSG | TINCAN_IPMSG_SENDCHECKOPT | TINCAN_IPMSG_UTF8OPT,
                                         (const guint8 *) "\xe2\x82\xac 5", 5, NULL, 0);
  g_assert_cmpmem (g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram),
                   expected, sizeof expected - 1);
  g_assert_cmpint (tincan_ipmsg_packet_parse (g_bytes_get_data (datagram, NULL), g_bytes_get_size (datagram), &packet),
                   ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpuint (packet.packet_number, ==, G_MAXUINT32);
  g_assert_cmpuint (packet.command, ==, TINCAN_IPMSG_SENDMSG | TINCAN_IPMSG_SENDCHECKOPT | TINCAN_IPMSG_UTF8OPT);
  tincan_ipmsg_packet_clear (&packet);
}

static void
test_format_too_long (void)
{
  g_autofree guint8 *text = g_malloc (TINCAN_IPMSG_MAX_DATAGRAM);
  g_autoptr(GBytes) fits = NULL;
  g_autoptr(GBytes) over = NULL;

  memset (text, 'x', TINCAN_IPMSG_MAX_DATAGRAM);
  fits = tincan_ipmsg_packet_format (1, "u", "h", TINCAN_IPMSG_SENDMSG, text, TINCAN_IPMSG_MAX_PART, NULL, 0);
  g_assert_nonnull (fits);
  over = tincan_ipmsg_packet_format (1, "u", "h", TINCAN_IPMSG_SENDMSG, text, TINCAN_IPMSG_MAX_DATAGRAM, NULL, 0);
  g_assert_null (over);
}

static void
test_parse_extra_colons_and_nuls (void)
{
  TincanIpmsgPacket packet;

  /* The extra may hold ':'; extra2's trailing NULs go. */
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1:3:u:h:32:time: 10:30\0a\0b\0\0\0"), &packet),
                   ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpmem (g_bytes_get_data (packet.extra, NULL), g_bytes_get_size (packet.extra), "time: 10:30", 11);
  g_assert_cmpmem (g_bytes_get_data (packet.extra2, NULL), g_bytes_get_size (packet.extra2), "a\0b", 3);
  tincan_ipmsg_packet_clear (&packet);

  /* No NUL at all: the extra runs to the end. */
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1:3:u:h:32:hi"), &packet), ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpmem (g_bytes_get_data (packet.extra, NULL), g_bytes_get_size (packet.extra), "hi", 2);
  g_assert_cmpuint (g_bytes_get_size (packet.extra2), ==, 0);
  tincan_ipmsg_packet_clear (&packet);

  /* Empty user and host, empty extra. */
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1:0:::0:"), &packet), ==, TINCAN_IPMSG_PARSE_OK);
  g_assert_cmpstr (packet.user, ==, "");
  g_assert_cmpuint (g_bytes_get_size (packet.extra), ==, 0);
  tincan_ipmsg_packet_clear (&packet);
}

static void
test_parse_malformed (void)
{
  static const char *const bad[] = {
    "",
    "1",
    "1:2:u:h:32",              /* no ':' after the command */
    ":2:u:h:32:x",             /* empty version */
    "1::u:h:32:x",             /* empty number */
    "1:-2:u:h:32:x",
    "1:+2:u:h:32:x",
    "1: 2:u:h:32:x",
    "1:0x10:u:h:32:x",
    "1:4294967296:u:h:32:x",   /* over G_MAXUINT32 */
    "1:99999999999:u:h:32:x",
    "1:2:u:h::x",              /* empty command */
    "1:2:u:h:4294967296:x",
    "1:2:u:h:32a:x",
    "hello world",
    "GET / HTTP/1.1\r\n",
  };
  TincanIpmsgPacket packet;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s", bad[i]);
      g_assert_cmpint (tincan_ipmsg_packet_parse ((const guint8 *) bad[i], strlen (bad[i]), &packet),
                       ==, TINCAN_IPMSG_PARSE_MALFORMED);
      g_assert_null (packet.version);
    }

  /* A NUL inside the header. */
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1:2:u\0:h:32:x"), &packet), ==, TINCAN_IPMSG_PARSE_MALFORMED);
  g_assert_cmpint (tincan_ipmsg_packet_parse (D ("1\0:2:u:h:32:x"), &packet), ==, TINCAN_IPMSG_PARSE_MALFORMED);

  /* A version, user or host too long. */
  {
    g_autoptr(GString) s = g_string_new (NULL);

    g_string_append_printf (s, "%s:1:u:h:32:x", "1111111111111111111111111111111111111111111111111111111111111111111");
    g_assert_cmpint (tincan_ipmsg_packet_parse ((const guint8 *) s->str, s->len, &packet), ==, TINCAN_IPMSG_PARSE_MALFORMED);
    g_string_assign (s, "1:1:");
    for (guint i = 0; i < 300; i++)
      g_string_append_c (s, 'u');
    g_string_append (s, ":h:32:x");
    g_assert_cmpint (tincan_ipmsg_packet_parse ((const guint8 *) s->str, s->len, &packet), ==, TINCAN_IPMSG_PARSE_MALFORMED);
  }

  /* Over the largest datagram. */
  {
    g_autofree guint8 *big = g_malloc (TINCAN_IPMSG_MAX_DATAGRAM + 1);

    memcpy (big, "1:2:u:h:32:", 11);
    memset (big + 11, 'x', TINCAN_IPMSG_MAX_DATAGRAM + 1 - 11);
    g_assert_cmpint (tincan_ipmsg_packet_parse (big, TINCAN_IPMSG_MAX_DATAGRAM + 1, &packet), ==, TINCAN_IPMSG_PARSE_TOO_LONG);
    g_assert_cmpint (tincan_ipmsg_packet_parse (big, TINCAN_IPMSG_MAX_DATAGRAM, &packet), ==, TINCAN_IPMSG_PARSE_OK);
    tincan_ipmsg_packet_clear (&packet);
  }
}

/* Every prefix of a good datagram is read without reading past its end
 * (the sanitizer build checks that: each copy is exactly its length).
 */
static void
test_parse_prefixes (void)
{
  static const char datagram[] = "1_iptux 0.8.3:1:alice:laptop:257:Alice\0Friends\0icon\0utf-8\0";

  for (gsize n = 0; n <= sizeof datagram - 1; n++)
    {
      g_autofree guint8 *copy = g_memdup2 (datagram, n);
      TincanIpmsgPacket packet;
      TincanIpmsgParseResult result = tincan_ipmsg_packet_parse (copy, n, &packet);

      g_assert_cmpint (result, ==, n >= strlen ("1_iptux 0.8.3:1:alice:laptop:257:")
                       ? TINCAN_IPMSG_PARSE_OK : TINCAN_IPMSG_PARSE_MALFORMED);
      tincan_ipmsg_packet_clear (&packet);
    }
}

static void
test_decode_text (void)
{
  char *text;

  /* "日本語" in Shift-JIS (CP932). */
  text = tincan_ipmsg_decode_text (D ("\x93\xfa\x96\x7b\x8c\xea"));
  g_assert_cmpstr (text, ==, "日本語");
  g_free (text);

  /* CP932's own characters: ① (87 40) and the tilde-like wave (81 60). */
  text = tincan_ipmsg_decode_text (D ("\x87\x40"));
  g_assert_cmpstr (text, ==, "①");
  g_free (text);

  /* UTF-8 as is, with tab, CR and LF. */
  text = tincan_ipmsg_decode_text (D ("caf\xc3\xa9\t1\r\n2"));
  g_assert_cmpstr (text, ==, "café\t1\r\n2");
  g_free (text);

  text = tincan_ipmsg_decode_text (D (""));
  g_assert_cmpstr (text, ==, "");
  g_free (text);

  /* Control characters, in either encoding. */
  g_assert_null (tincan_ipmsg_decode_text (D ("bell\x07")));
  g_assert_null (tincan_ipmsg_decode_text (D ("esc\x1b[2J")));
  g_assert_null (tincan_ipmsg_decode_text (D ("del\x7f")));
  g_assert_null (tincan_ipmsg_decode_text (D ("c1 \xc2\x85")));
  g_assert_null (tincan_ipmsg_decode_text (D ("\x93\xfa\x1b")));
  /* A NUL inside. */
  g_assert_null (tincan_ipmsg_decode_text (D ("a\0b")));
  /* Neither UTF-8 nor CP932: a lone lead byte, an unassigned byte. */
  g_assert_null (tincan_ipmsg_decode_text (D ("\x93")));
  g_assert_null (tincan_ipmsg_decode_text (D ("\xff\xff")));
}

static void
test_packet_numbers (void)
{
  guint32 now = (guint32) (g_get_real_time () / G_USEC_PER_SEC);
  guint32 first = tincan_ipmsg_next_packet_number ();
  guint32 previous = first;

  g_assert_cmpuint (first, >=, now);
  for (guint i = 0; i < 1000; i++)
    {
      guint32 next = tincan_ipmsg_next_packet_number ();

      g_assert_cmpuint (next, ==, previous + 1);
      previous = next;
    }
}

static void
check_parts (const char *text,
             guint       expected_parts)
{
  const char *end = text + strlen (text);
  const char *p = text;
  g_autoptr(GString) joined = g_string_new (NULL);
  guint n = 0;

  g_assert_cmpuint (tincan_ipmsg_count_parts (text), ==, expected_parts);
  while (p < end)
    {
      const char *cut = tincan_ipmsg_cut_part (p, end);

      g_assert_true (cut > p);
      g_assert_cmpint (cut - p, <=, TINCAN_IPMSG_MAX_PART);
      g_assert_true (g_utf8_validate (p, cut - p, NULL));
      g_string_append_len (joined, p, cut - p);
      p = cut;
      n++;
    }
  g_assert_true (p == end);
  g_assert_cmpuint (n, ==, *text != '\0' ? expected_parts : 0);
  g_assert_cmpstr (joined->str, ==, text);
}

static void
test_parts (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  /* 12,000 characters of three bytes: 36,000 bytes, five parts of at
   * most 8,000 bytes (7,998 of them: 2,666 characters).
   */
  for (guint i = 0; i < 12000; i++)
    g_string_append (text, i % 2 ? "語" : "日");
  check_parts (text->str, 5);

  /* Exactly one part's worth, then one byte more. */
  g_string_truncate (text, 0);
  for (guint i = 0; i < TINCAN_IPMSG_MAX_PART; i++)
    g_string_append_c (text, 'a');
  check_parts (text->str, 1);
  g_string_append_c (text, 'b');
  check_parts (text->str, 2);

  /* Four-byte characters across the boundary. */
  g_string_truncate (text, 0);
  g_string_append (text, "ab");
  for (guint i = 0; i < 3000; i++)
    g_string_append (text, "😀");
  check_parts (text->str, 2);

  check_parts ("", 1);
  check_parts ("hi", 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ipmsg-packet/parse/iptux-sendmsg", test_parse_iptux_sendmsg);
  g_test_add_func ("/ipmsg-packet/parse/iptux-recvmsg", test_parse_iptux_recvmsg);
  g_test_add_func ("/ipmsg-packet/parse/iptux-entry", test_parse_iptux_entry);
  g_test_add_func ("/ipmsg-packet/parse/ipmsg-extension", test_parse_ipmsg_extension);
  g_test_add_func ("/ipmsg-packet/parse/extra", test_parse_extra_colons_and_nuls);
  g_test_add_func ("/ipmsg-packet/parse/malformed", test_parse_malformed);
  g_test_add_func ("/ipmsg-packet/parse/prefixes", test_parse_prefixes);
  g_test_add_func ("/ipmsg-packet/format/entry", test_entry_format);
  g_test_add_func ("/ipmsg-packet/format/message", test_format_message);
  g_test_add_func ("/ipmsg-packet/format/too-long", test_format_too_long);
  g_test_add_func ("/ipmsg-packet/decode-text", test_decode_text);
  g_test_add_func ("/ipmsg-packet/packet-numbers", test_packet_numbers);
  g_test_add_func ("/ipmsg-packet/parts", test_parts);

  return g_test_run ();
}

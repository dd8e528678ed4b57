/* iptux-peer.cc
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real iptux without its window, for the interop tests
 * (test-ipmsg-iptux.py): Debian's libiptux-core, the protocol half of
 * iptux, driven by lines on stdin and telling what it sees as JSON lines
 * on stdout.  Tin Can's side is tested against iptux's own code this way,
 * not against a peer written here.
 *
 *   send IP "TEXT"   write to the pal at IP; TEXT is a JSON string, so
 *                    newlines and any character survive the line
 *   detect IP        a unicast BR_ENTRY to IP (iptux's "detect")
 *   quit             stop as iptux does (BR_EXIT to every pal) and exit
 *
 * Events: ready {port}; online and update {ip, name, user, host,
 * version, group, encode} (a pal seen for the first time, and seen
 * again); offline {ip}; message {ip, text} (one per SENDMSG shown);
 * error {ip, text} (iptux's own "not received" notes); sent {ip, ok}
 * once iptux's SendMessage returns (it blocks through iptux's resends);
 * stopped.
 *
 * Usage: iptux-peer --home DIR [--name NICKNAME] [--bind IPV4]
 *
 * DIR becomes HOME, and iptux's config and cache live under it, so a
 * test never reads or writes the real user's iptux settings.
 */

#include <arpa/inet.h>
#include <glib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include <json/json.h>

#include <iptux-core/CoreThread.h>
#include <iptux-core/Exception.h>
#include <iptux-core/IptuxConfig.h>
#include <iptux-core/ProgramData.h>

namespace
{

/* Events come from iptux's UDP thread, answers to commands from the main
 * thread: one line at a time.
 */
std::mutex output_lock;

void
emit (const Json::Value &event)
{
  Json::StreamWriterBuilder builder;

  builder["indentation"] = "";
  /* UTF-8 as is, not \u escapes: the test compares text byte for byte. */
  builder["emitUTF8"] = true;

  std::lock_guard<std::mutex> hold (output_lock);
  std::cout << Json::writeString (builder, event) << std::endl;
}

std::string
address_text (in_addr address)
{
  char text[INET_ADDRSTRLEN] = "";

  inet_ntop (AF_INET, &address, text, sizeof text);
  return text;
}

void
emit_pal (const char                    *kind,
          const iptux::CPPalInfo        &pal)
{
  Json::Value event;

  event["event"] = kind;
  event["ip"] = address_text (pal->ipv4);
  event["name"] = pal->getName ();
  event["user"] = pal->getUser ();
  event["host"] = pal->getHost ();
  event["version"] = pal->getVersion ();
  event["group"] = pal->getGroup ();
  event["encode"] = pal->getEncode ();
  emit (event);
}

void
on_event_cb (std::shared_ptr<const iptux::Event> event)
{
  switch (event->getType ())
    {
    case iptux::EventType::NEW_PAL_ONLINE:
      emit_pal ("online", static_cast<const iptux::NewPalOnlineEvent *> (event.get ())->getPalInfo ());
      break;

    case iptux::EventType::PAL_UPDATE:
      emit_pal ("update", static_cast<const iptux::PalUpdateEvent *> (event.get ())->getPalInfo ());
      break;

    case iptux::EventType::PAL_OFFLINE:
      {
        Json::Value out;

        out["event"] = "offline";
        out["ip"] = static_cast<const iptux::PalOfflineEvent *> (event.get ())->GetPalKey ().GetIpv4String ();
        emit (out);
      }
      break;

    case iptux::EventType::NEW_MESSAGE:
      {
        const iptux::MsgPara &para = static_cast<const iptux::NewMessageEvent *> (event.get ())->getMsgPara ();
        Json::Value out;
        std::string text;

        for (const iptux::ChipData &chip : para.dtlist)
          if (chip.type == iptux::MessageContentType::STRING)
            text += chip.data;

        if (para.stype == iptux::MessageSourceType::PAL)
          out["event"] = "message";
        else if (para.stype == iptux::MessageSourceType::ERROR)
          out["event"] = "error";
        else
          break;
        out["ip"] = para.getPal () ? address_text (para.getPal ()->ipv4) : "";
        out["text"] = text;
        emit (out);
      }
      break;

    default:
      break;
    }
}

/* "send IP TEXT": TEXT is everything after the second space, a JSON
 * string.
 */
void
run_send (iptux::CoreThread &core,
          const std::string &rest)
{
  std::string::size_type space = rest.find (' ');
  Json::Value answer;
  Json::Value text;
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader (builder.newCharReader ());
  std::string errors;

  answer["event"] = "sent";
  answer["ip"] = rest.substr (0, space);
  answer["ok"] = false;

  if (space == std::string::npos
      || !reader->parse (rest.data () + space + 1, rest.data () + rest.size (), &text, &errors)
      || !text.isString ())
    {
      answer["reason"] = "send IP \"TEXT\"";
      emit (answer);
      return;
    }

  /* The const GetPal () is declared but not exported by 0.8.3. */
  iptux::CPPalInfo pal = core.GetPal (rest.substr (0, space));
  if (!pal)
    {
      answer["reason"] = "no pal at that address";
      emit (answer);
      return;
    }

  try
    {
      answer["ok"] = core.SendMessage (pal, text.asString ());
    }
  catch (const iptux::Exception &error)
    {
      answer["reason"] = error.what ();
    }
  emit (answer);
}

void
set_home (const std::string &home)
{
  /* Before anything asks GLib where the config lives: it remembers. */
  setenv ("HOME", home.c_str (), 1);
  setenv ("XDG_CONFIG_HOME", (home + "/.config").c_str (), 1);
  setenv ("XDG_CACHE_HOME", (home + "/.cache").c_str (), 1);
  setenv ("XDG_DATA_HOME", (home + "/.local/share").c_str (), 1);
  g_mkdir_with_parents ((home + "/.config/iptux/log").c_str (), 0700);
}

}  // namespace

int
main (int   argc,
      char *argv[])
{
  std::string home;
  std::string name = "iptux-peer";
  std::string bind_ip;

  for (int i = 1; i + 1 < argc; i += 2)
    {
      std::string option = argv[i];

      if (option == "--home")
        home = argv[i + 1];
      else if (option == "--name")
        name = argv[i + 1];
      else if (option == "--bind")
        bind_ip = argv[i + 1];
      else
        {
          std::cerr << "iptux-peer: unknown option " << option << std::endl;
          return 2;
        }
    }
  if (home.empty () || argc % 2 == 0)
    {
      std::cerr << "usage: iptux-peer --home DIR [--name NICKNAME] [--bind IPV4]" << std::endl;
      return 2;
    }

  set_home (home);

  /* IptuxConfig warns about a missing file, and the tests run with
   * G_DEBUG=fatal-warnings.
   */
  std::string config_path = home + "/.config/iptux/config.json";
  if (!g_file_test (config_path.c_str (), G_FILE_TEST_EXISTS))
    g_file_set_contents (config_path.c_str (), "{}", -1, NULL);

  auto config = std::make_shared<iptux::IptuxConfig> (config_path);
  config->SetString ("nick_name", name);
  config->SetString ("belong_group", "");
  if (!bind_ip.empty ())
    config->SetString ("bind_ip", bind_ip);
  config->Save ();

  auto data = std::make_shared<iptux::ProgramData> (config);
  iptux::CoreThread core (data);
  core.signalEvent.connect (sigc::ptr_fun (on_event_cb));

  try
    {
      core.start ();
    }
  catch (const iptux::Exception &error)
    {
      std::cerr << "iptux-peer: " << error.what () << std::endl;
      return 1;
    }

  {
    Json::Value ready;

    ready["event"] = "ready";
    ready["port"] = 2425;
    emit (ready);
  }

  std::string line;
  while (std::getline (std::cin, line))
    {
      std::string::size_type space = line.find (' ');
      std::string command = line.substr (0, space);
      std::string rest = space == std::string::npos ? "" : line.substr (space + 1);

      if (command == "quit")
        break;
      else if (command == "send")
        run_send (core, rest);
      else if (command == "detect")
        core.SendDetectPacket (rest);
      else
        {
          Json::Value error;

          error["event"] = "error";
          error["text"] = "unknown command";
          emit (error);
        }
    }

  /* iptux's own way out: BR_EXIT to every pal it knows. */
  core.stop ();

  {
    Json::Value stopped;

    stopped["event"] = "stopped";
    emit (stopped);
  }

  return 0;
}

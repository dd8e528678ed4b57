#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The firewall files we install: firewalld's own reader (python3-firewall,
# the code firewall-cmd and firewall-offline-cmd use) takes the service
# and finds UDP 2323 and 2324 in it, and the ufw application profile
# reads as ufw reads it, an INI file, with the same ports.  Prints TAP.
#
# Usage: check-firewall.py SOURCE_ROOT

import configparser
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tincantap import check, run_tests  # noqa: E402

ROOT = sys.argv[1]
PORTS = [("2323", "udp"), ("2324", "udp")]


def test_firewalld():
    folder = os.path.join(ROOT, "data", "firewalld")
    try:
        from firewall.core.io.service import service_reader
    except ImportError as error:
        check("firewalld: python3-firewall is there to read the service", False,
              f"{error}: build-aux/tincan-dev installs python3-firewall")
        return
    try:
        service = service_reader("tincan.xml", folder)
    except Exception as error:
        check("firewalld: tincan.xml is a valid service", False, repr(error))
        return
    check("firewalld: tincan.xml is a valid service", True)
    check("firewalld: named Tin Can, with a description",
          service.short == "Tin Can" and "2324" in service.description, service.short)
    check("firewalld: UDP 2323 and 2324, nothing else",
          sorted(service.ports) == PORTS and not service.protocols
          and not service.source_ports and not service.destination, repr(service.ports))


def test_ufw():
    path = os.path.join(ROOT, "data", "ufw", "tincan")
    parser = configparser.RawConfigParser()
    try:
        read = parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        check("ufw: the profile parses", False, repr(error))
        return
    check("ufw: the profile parses, one section [tincan]",
          read == [path] and parser.sections() == ["tincan"], repr(parser.sections()))
    if not parser.has_section("tincan"):
        return
    profile = dict(parser.items("tincan"))
    check("ufw: a title and a description, and only the three keys",
          sorted(profile) == ["description", "ports", "title"]
          and profile["title"] == "Tin Can" and profile["description"] != "", repr(profile))
    # ufw's syntax: ports separated by commas, then one protocol for all.
    ports, _, protocol = profile.get("ports", "").partition("/")
    check("ufw: UDP 2323 and 2324",
          sorted((p, protocol) for p in ports.split(",")) == PORTS, profile.get("ports"))


if __name__ == "__main__":
    sys.exit(run_tests([test_firewalld, test_ufw]))

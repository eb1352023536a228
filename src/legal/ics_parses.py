#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""legal.ics_parses: a real calendar parser (Debian's python3-icalendar) reads what moat writes.

Runs legal_ics_sample to write an .ics and the expected events, parses the .ics with
icalendar.Calendar.from_ical, and checks every event round-trips: count, UID, summary, dates,
description, alarm; and that the file is CRLF-terminated, folded at 75 octets, valid UTF-8.
Usage: ics_parses.py PATH/TO/legal_ics_sample
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

try:
    import icalendar
except ImportError:
    sys.exit("python3-icalendar is missing: run scripts/install-deps")


def check_lines(raw):
    assert raw.endswith(b"\r\n"), "file must end with CRLF"
    lines = raw[:-2].split(b"\r\n")
    for number, line in enumerate(lines, 1):
        assert b"\n" not in line and b"\r" not in line, f"line {number}: bare LF or CR"
        assert len(line) <= 75, f"line {number}: {len(line)} octets"
        line.decode("utf-8")  # raises if a fold split a UTF-8 sequence
    return len(lines)


def main(sample):
    with tempfile.TemporaryDirectory() as folder:
        ics_path = os.path.join(folder, "deadlines.ics")
        json_path = os.path.join(folder, "expected.json")
        subprocess.run([sample, ics_path, json_path], check=True)
        raw = open(ics_path, "rb").read()
        expected = json.load(open(json_path, encoding="utf-8"))
    lines = check_lines(raw)
    calendar = icalendar.Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    events = calendar.walk("VEVENT")
    assert len(events) == len(expected), f"{len(events)} events, expected {len(expected)}"
    for event, want in zip(events, expected):
        assert str(event["UID"]) == want["uid"], (str(event["UID"]), want["uid"])
        assert str(event["SUMMARY"]) == want["summary"], (str(event["SUMMARY"]), want["summary"])
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        assert isinstance(start, datetime.date) and not isinstance(start, datetime.datetime), start
        assert start.isoformat() == want["start"], (start, want["start"])
        assert end - start == datetime.timedelta(days=1), (start, end)
        description = str(event["DESCRIPTION"])
        assert description.startswith(want["action"]), (description, want["action"])
        assert want["source"] in description, description
        assert event.decoded("DTSTAMP") == datetime.datetime(2026, 1, 15, 9, 30, tzinfo=datetime.timezone.utc)
        alarms = event.walk("VALARM")
        assert len(alarms) == (1 if want["alarm"] else 0), alarms
    print(f"ok: {len(events)} events, {lines} lines")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

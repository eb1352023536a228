#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Verifies a moat evidence bundle with Python 3's standard library and the openssl command line.

    python3 verify.py [BUNDLE] [--log-key VKEY]... [--witness-key VKEY]...

BUNDLE is the bundle's folder (default: the folder this script is in). --log-key pins the log's
public key (name+hash+keydata, as `moat audit keys` prints it) obtained from the company by
another channel; without it, the keys in the bundle (keys/log.vkeys) are used and printed, to be
compared with the published ones. Exit status: 0 verified, 1 rejected (each reason printed on a
line starting with REJECTED), 2 the verification could not run (openssl missing, unreadable
bundle).

What is checked (formats in the bundle's README.md):
  1. checkpoint.txt is a signed note (c2sp.org/signed-note) carrying a valid Ed25519 signature by
     one of the log's keys; every cosignature (c2sp.org/tlog-cosignature) by a known witness
     key verifies.
  2. Each earlier checkpoint in checkpoints/ is signed likewise, and a consistency proof (RFC
     9162 section 2.1.4) chains it to the next: the log only ever grew.
  3. Each event of manifest.json is present, in order, its file holds that event, its readable
     JSON matches its canonical encoding, it follows the event before it when that one is in the
     bundle too (BLAKE2b-256 chain), and its inclusion proof (c2sp.org/tlog-proof@v1, RFC 9162
     section 2.1.3) leads from its leaf to the checkpoint's root.
  4. Each entry of files.json names an event verified in step 3, and the hash it gives is the one
     that event's record holds in that field (with the name, when the entry gives one).
  5. Each witness whose key --witness-key gives cosigned a checkpoint of the bundle (checkpoint.txt
     or an earlier one) as large as the bundle's last event: a witness that cosigned nothing here,
     or only checkpoints older than some of its events, has not vouched for them, and the bundle
     is rejected. Without --witness-key, the witnesses in keys/witnesses.vkeys are only listed.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ENCODING_DOMAIN = b"moat.ledger.v1\n"
PROOF_HEADER = "c2sp.org/tlog-proof@v1"
SIGNATURE_PREFIX = "\u2014 "
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
TYPE_ED25519 = 0x01
TYPE_COSIGNATURE = 0x04


class Rejected(Exception):
    """The bundle fails a check; the message says which and why."""


class CannotRun(Exception):
    """The verification cannot be carried out (a tool or a file is missing)."""


# --- RFC 9162 Merkle tree -------------------------------------------------------------------

def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(entry):
    return sha256(b"\x00" + entry)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def inclusion_path_length(index, size):
    """The number of hashes an inclusion proof of `index` in a tree of `size` leaves holds."""
    length, begin, end = 0, 0, size
    while end - begin > 1:
        k = 1 << ((end - begin - 1).bit_length() - 1)
        if index < begin + k:
            end = begin + k
        else:
            begin = begin + k
        length += 1
    return length


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 section 2.1.4.2."""
    if size1 == 0 or size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


# --- keys, signed notes and checkpoints -----------------------------------------------------

class VerifierKey:
    def __init__(self, text):
        # The name holds no '+' and the hash is 8 hex digits; base64 key data may hold '+'.
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise ValueError("not of the form name+hash+keydata: %r" % text)
        self.name, hash_hex, data = parts
        raw = base64.b64decode(data, validate=True)
        if len(raw) != 33 or raw[0] not in (TYPE_ED25519, TYPE_COSIGNATURE):
            raise ValueError("key data is not a type byte and an Ed25519 key: %r" % text)
        self.type, self.public_key = raw[0], raw[1:]
        digest = sha256(self.name.encode() + b"\n" + bytes([self.type]) + self.public_key)
        self.key_id = struct.unpack(">I", digest[:4])[0]
        if "%08x" % self.key_id != hash_hex:
            raise ValueError("the key's hash does not match its name and data: %r" % text)
        self.text = text.strip()


def read_keys(path):
    keys = []
    if not os.path.exists(path):
        return keys
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                keys.append(VerifierKey(line))
    return keys


class Ed25519:
    """Ed25519 verification through `openssl pkeyutl -verify -rawin`."""

    def __init__(self):
        self.openssl = shutil.which("openssl")
        if not self.openssl:
            raise CannotRun("the openssl command is not installed")
        self.folder = tempfile.mkdtemp(prefix="moat-verify-")

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def verify(self, public_key, message, signature):
        if len(signature) != 64:
            return False
        pem = os.path.join(self.folder, "key.pem")
        with open(pem, "w") as f:
            der = base64.b64encode(ED25519_SPKI_PREFIX + public_key).decode()
            f.write("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % der)
        message_file = os.path.join(self.folder, "message")
        signature_file = os.path.join(self.folder, "signature")
        with open(message_file, "wb") as f:
            f.write(message)
        with open(signature_file, "wb") as f:
            f.write(signature)
        run = subprocess.run([self.openssl, "pkeyutl", "-verify", "-pubin", "-inkey", pem, "-rawin",
                              "-in", message_file, "-sigfile", signature_file],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return run.returncode == 0


def split_note(text, name):
    if not text.endswith("\n"):
        raise Rejected("%s is not a signed note: it does not end with a newline (truncated?)" % name)
    split = text.rfind("\n\n")
    if split < 0:
        raise Rejected("%s is not a signed note: it has no signatures" % name)
    body, signatures = text[:split + 1], []
    for line in text[split + 2:].splitlines():
        if not line.startswith(SIGNATURE_PREFIX) or " " not in line[len(SIGNATURE_PREFIX):]:
            raise Rejected("%s holds a malformed signature line: %r" % (name, line))
        key_name, data = line[len(SIGNATURE_PREFIX):].split(" ", 1)
        try:
            raw = base64.b64decode(data, validate=True)
        except ValueError:
            raise Rejected("%s holds a signature that is not base64" % name)
        if len(raw) < 5:
            raise Rejected("%s holds a signature too short to hold a key ID" % name)
        signatures.append((key_name, struct.unpack(">I", raw[:4])[0], raw[4:]))
    if not signatures:
        raise Rejected("%s carries no signature" % name)
    return body, signatures


class Checkpoint:
    def __init__(self, name, text, origin_expected, log_keys, witness_keys, ed25519):
        self.name, self.text = name, text
        body, signatures = split_note(text, name)
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise Rejected("%s is not a checkpoint: it needs an origin, a size and a root" % name)
        self.origin = lines[0]
        try:
            self.size = int(lines[1])
            self.root = base64.b64decode(lines[2], validate=True)
        except ValueError:
            raise Rejected("%s is not a checkpoint: its size or root is malformed" % name)
        if str(self.size) != lines[1] or len(self.root) != 32:
            raise Rejected("%s is not a checkpoint: its size or root is malformed" % name)
        if origin_expected and self.origin != origin_expected:
            raise Rejected("%s is from another log: its origin is %r, not %r" % (name, self.origin, origin_expected))
        self.signed_by, self.cosigned_by, self.witnesses, unknown = [], [], {}, []
        for key_name, key_id, signature in signatures:
            key = next((k for k in log_keys + witness_keys if k.name == key_name and k.key_id == key_id), None)
            label = "%s+%08x" % (key_name, key_id)
            if key is None:
                unknown.append(label)
                continue
            if key.type == TYPE_ED25519:
                valid = key_name == self.origin and ed25519.verify(key.public_key, body.encode(), signature)
                if not valid:
                    raise Rejected("%s is forged: the log's signature by %s does not verify over its text" % (name, label))
                self.signed_by.append(label)
            else:
                if len(signature) != 72:
                    raise Rejected("%s holds a malformed cosignature by %s" % (name, label))
                timestamp = struct.unpack(">Q", signature[:8])[0]
                message = ("cosignature/v1\ntime %d\n" % timestamp).encode() + body.encode()
                if not ed25519.verify(key.public_key, message, signature[8:]):
                    raise Rejected("%s carries a forged cosignature by witness %s" % (name, label))
                self.cosigned_by.append("%s (at %d)" % (label, timestamp))
                self.witnesses[key.text] = timestamp
        self.unknown = unknown
        if not self.signed_by:
            raise Rejected("%s is not signed by the log's key: it is signed by %s, the log's keys are %s"
                           % (name, ", ".join(unknown) or "no one",
                              ", ".join("%s+%08x" % (k.name, k.key_id) for k in log_keys)))


# --- events ---------------------------------------------------------------------------------

def decode_event(data, name):
    """The fields of an event's canonical encoding (docs/ledger.md)."""
    if not data.startswith(ENCODING_DOMAIN):
        raise Rejected("%s is not a moat ledger event (its encoding lacks the moat.ledger.v1 header)" % name)
    at = len(ENCODING_DOMAIN)

    def take(n):
        nonlocal at
        if at + n > len(data):
            raise Rejected("%s is truncated" % name)
        chunk = data[at:at + n]
        at += n
        return chunk

    def field():
        (length,) = struct.unpack(">I", take(4))
        return take(length).decode("utf-8")

    def optional():
        flag = take(1)
        if flag not in (b"\x00", b"\x01"):
            raise Rejected("%s is malformed (an image's presence byte is %r)" % (name, flag))
        return field() if flag == b"\x01" else None

    event = {"seq": struct.unpack(">Q", take(8))[0]}
    for key in ("at", "actor", "action", "entity", "key"):
        event[key] = field()
    event["before"] = optional()
    event["after"] = optional()
    event["prev_hash"] = field()
    if at != len(data):
        raise Rejected("%s has bytes after its last field" % name)
    event["hash"] = hashlib.blake2b(data, digest_size=32).hexdigest()
    return event


def strict_pairs(pairs):
    """An object whose keys are each given once: with a key given twice, a reader would see the
    first and Python's json the last, so the file says two things at once."""
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError("the key %r is given twice" % key)
        out[key] = value
    return out


def load_json(text, name):
    try:
        return json.loads(text, object_pairs_hook=strict_pairs)
    except ValueError as error:
        raise Rejected("%s is malformed: %s" % (name, error))


def parse_image(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


READABLE_FIELDS = ("seq", "at", "actor", "action", "entity", "key", "before", "after", "prev_hash", "hash",
                   "leaf_hash")


def check_readable(event, readable, name, leaf):
    if not isinstance(readable, dict):
        raise Rejected("%s is not an event's readable copy (not a JSON object)" % name)
    extra = sorted(set(readable) - set(READABLE_FIELDS))
    if extra:
        raise Rejected("%s holds %s, which the event's canonical encoding does not: the readable copy was edited"
                       % (name, ", ".join(repr(k) for k in extra)))
    if readable.get("leaf_hash") != leaf.hex():
        raise Rejected("%s does not match the event's canonical encoding (its 'leaf_hash' differs): the readable "
                       "copy was edited" % name)
    for key in ("seq", "at", "actor", "action", "entity", "key", "prev_hash", "hash"):
        if canonical(readable.get(key)) != canonical(event[key]):
            raise Rejected("%s does not match the event's canonical encoding (its %r differs): the readable copy "
                           "was edited" % (name, key))
    for key in ("before", "after"):
        # Compared as JSON text: Python takes 0 for false and 1.0 for 1, the bytes do not.
        if canonical(readable.get(key)) != canonical(parse_image(event[key])):
            raise Rejected("%s does not match the event's canonical encoding (its %r differs): the readable copy "
                           "was edited" % (name, key))


def read_proof(text, name):
    blank = text.find("\n\n")
    if blank < 0:
        raise Rejected("%s is truncated: it holds no checkpoint" % name)
    lines = text[:blank].split("\n")
    if lines[0] != PROOF_HEADER:
        raise Rejected("%s is not a %s proof" % (name, PROOF_HEADER))
    i = 1
    if i < len(lines) and lines[i].startswith("extra "):
        i += 1
    if i >= len(lines) or not lines[i].startswith("index "):
        raise Rejected("%s is malformed: its index line is missing" % name)
    index_text = lines[i][len("index "):]
    if not index_text.isdigit() or (len(index_text) > 1 and index_text[0] == "0"):
        raise Rejected("%s is malformed: its index is not a decimal number" % name)
    path = []
    for line in lines[i + 1:]:
        try:
            value = base64.b64decode(line, validate=True)
        except ValueError:
            value = b""
        if len(value) != 32:
            raise Rejected("%s is malformed: %r is not a base64 SHA-256 hash" % (name, line))
        path.append(value)
    return int(index_text), path, text[blank + 2:]


# --- the bundle -----------------------------------------------------------------------------

def read_text(folder, relative):
    path = os.path.join(folder, relative)
    if not os.path.exists(path):
        raise Rejected("%s is missing from the bundle" % relative)
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_bytes(folder, relative, what):
    path = os.path.join(folder, relative)
    if not os.path.exists(path):
        raise Rejected("%s is missing from the bundle (%s)" % (what, relative))
    with open(path, "rb") as f:
        return f.read()


def verify_checkpoints(folder, manifest, log_keys, witness_keys, ed25519, report):
    origin = manifest.get("origin")
    newest = Checkpoint("checkpoint.txt", read_text(folder, "checkpoint.txt"), origin, log_keys, witness_keys, ed25519)
    history = []
    for entry in manifest.get("earlier_checkpoints", []):
        history.append((Checkpoint(entry["file"], read_text(folder, entry["file"]), newest.origin, log_keys,
                                   witness_keys, ed25519), entry))
    # Checkpoints found in the folder but not listed are checked too: none may contradict the log.
    listed = {entry["file"] for _, entry in history}
    folder_checkpoints = os.path.join(folder, "checkpoints")
    extra = []
    if os.path.isdir(folder_checkpoints):
        for file_name in sorted(os.listdir(folder_checkpoints)):
            relative = "checkpoints/" + file_name
            if file_name.endswith(".txt") and relative not in listed:
                extra.append(Checkpoint(relative, read_text(folder, relative), newest.origin, log_keys,
                                        witness_keys, ed25519))
    chain = [c for c, _ in history] + [newest]
    for (earlier, entry), later in zip(history, chain[1:]):
        proof = [base64.b64decode(line, validate=True)
                 for line in read_text(folder, entry["consistency"]).split("\n") if line]
        if not verify_consistency(earlier.size, later.size, earlier.root, later.root, proof):
            raise Rejected("%s (%d events) is inconsistent with the earlier checkpoint %s (%d events): the "
                           "consistency proof %s does not link them (a rewritten history, or a checkpoint put in "
                           "another's place)" % (later.name, later.size, earlier.name, earlier.size,
                                                 entry["consistency"]))
    for stray in extra:
        same = next((c for c in chain if c.size == stray.size), None)
        if same is None or same.root != stray.root:
            raise Rejected("%s (%d events) is inconsistent with the bundle's checkpoints: no consistency proof "
                           "links it to them" % (stray.name, stray.size))
    report.append("checkpoint.txt: %d events, root %s, signed by %s%s" % (
        newest.size, base64.b64encode(newest.root).decode(), ", ".join(newest.signed_by),
        "; cosigned by " + ", ".join(newest.cosigned_by) if newest.cosigned_by else "; no witness cosignature"))
    if history:
        report.append("%d earlier checkpoint(s) chained to it by consistency proofs" % len(history))
    return newest, chain + extra


def verify_witnesses(checkpoints, pinned_witness_keys, seqs, report):
    """Each witness whose key was given cosigned a checkpoint of the bundle that covers every event in it.

    A cosignature vouches for the log up to its checkpoint's size: events after it are the log's word alone.
    """
    last = max(seqs)
    for key in pinned_witness_keys:
        label = "%s+%08x" % (key.name, key.key_id)
        cosigned = sorted((c for c in checkpoints if key.text in c.witnesses), key=lambda c: c.size)
        if not cosigned:
            others = sorted({u for c in checkpoints for u in c.unknown if u.split("+", 1)[0] == key.name})
            raise Rejected("witness %s cosigned no checkpoint in this bundle (checkpoint.txt and %d earlier): it has "
                           "not vouched for this log%s" % (label, len(checkpoints) - 1,
                                                            "; the cosignature under its name by %s is not by this key"
                                                            % ", ".join(others) if others else ""))
        widest = cosigned[-1]
        if widest.size < last:
            after = [seq for seq in seqs if seq > widest.size]
            raise Rejected("witness %s cosigned checkpoints of at most %d events (%s): the bundle's events after it "
                           "(%s) are not vouched for by it" % (label, widest.size, widest.name, describe_seqs(after)))
        report.append("witness %s cosigned %s: it vouches for events 1..%d of the log, every event of the bundle"
                      % (label, ", ".join("%s (%d events, at %s)" % (c.name, c.size, utc(c.witnesses[key.text]))
                                          for c in cosigned), widest.size))


def utc(timestamp):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def verify_events(folder, manifest, checkpoint, report):
    entries = manifest.get("events", [])
    if not entries:
        raise Rejected("manifest.json lists no event")
    selection = manifest.get("selection", {})
    if selection.get("kind") == "events":
        expected = list(range(selection["first"], selection["last"] + 1))
        found = [entry.get("seq") for entry in entries]
        if found != expected:
            missing = sorted(set(expected) - set(found))
            if missing:
                raise Rejected("event %d is missing from the bundle (the selection is events %d..%d)"
                               % (missing[0], selection["first"], selection["last"]))
            raise Rejected("the events are reordered: manifest.json lists %s where %d..%d in order was exported"
                           % (found[:10], selection["first"], selection["last"]))
    previous, verified = None, {}
    for entry in entries:
        seq = entry["seq"]
        if previous is not None and seq <= previous["seq"]:
            raise Rejected("the events are reordered: event %d comes after event %d" % (seq, previous["seq"]))
        data = read_bytes(folder, entry["encoding"], "event %d" % seq)
        event = decode_event(data, entry["encoding"])
        if event["seq"] != seq:
            raise Rejected("%s holds event %d, not event %d: the events were reordered or replaced"
                           % (entry["encoding"], event["seq"], seq))
        index, path, proof_checkpoint = read_proof(read_text(folder, entry["proof"]), entry["proof"])
        if index != seq - 1:
            raise Rejected("%s proves leaf %d, not event %d (leaf %d)" % (entry["proof"], index, seq, seq - 1))
        if proof_checkpoint != checkpoint.text:
            raise Rejected("%s is truncated or names another checkpoint than checkpoint.txt" % entry["proof"])
        expected_length = inclusion_path_length(index, checkpoint.size) if index < checkpoint.size else -1
        if expected_length >= 0 and len(path) < expected_length:
            raise Rejected("the inclusion proof of event %d is truncated: %s holds %d of the %d hashes it needs"
                           % (seq, entry["proof"], len(path), expected_length))
        if not verify_inclusion(index, checkpoint.size, leaf_hash(data), path, checkpoint.root):
            if expected_length >= 0 and len(path) == expected_length:
                raise Rejected("event %d was edited, or its inclusion proof was: its canonical encoding (%s) "
                               "and its proof (%s) do not reach the checkpoint's root, so the encoding is not "
                               "what the log holds at that place or the proof's hashes were changed"
                               % (seq, entry["encoding"], entry["proof"]))
            raise Rejected("the inclusion proof of event %d (%s) does not reach the checkpoint's root"
                           % (seq, entry["proof"]))
        readable = load_json(read_text(folder, entry["json"]), entry["json"])
        check_readable(event, readable, entry["json"], leaf_hash(data))
        if previous is not None and previous["seq"] == seq - 1 and event["prev_hash"] != previous["hash"]:
            raise Rejected("event %d does not follow event %d: its previous-hash differs" % (seq, seq - 1))
        verified[seq] = event
        previous = event
    report.append("%d event(s) proved included: %s" % (len(entries), describe_seqs([e["seq"] for e in entries])))
    return verified


def verify_files(folder, manifest, verified, report):
    """Each entry of files.json against the record of the verified event it names."""
    relative = manifest.get("files", "files.json")
    if not isinstance(relative, str):
        raise Rejected("manifest.json's files is not a file name")
    entries = load_json(read_text(folder, relative), relative)
    if not isinstance(entries, list):
        raise Rejected("%s is malformed: it is not a list of entries" % relative)
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise Rejected("%s entry %d is malformed: it is not an object" % (relative, number))
        seq, field, value = entry.get("seq"), entry.get("field"), entry.get("value")
        what = "%s entry %d (%s %s of %s/%s, event %s)" % (relative, number, field, value, entry.get("entity"),
                                                          entry.get("key"), seq)
        event = verified.get(seq) if isinstance(seq, int) and not isinstance(seq, bool) else None
        if event is None:
            raise Rejected("%s names no event the bundle verified: its hash is not vouched for" % what)
        if entry.get("entity") != event["entity"] or entry.get("key") != event["key"]:
            raise Rejected("%s does not match event %d, which records %s/%s: files.json was edited"
                           % (what, seq, event["entity"], event["key"]))
        record = parse_image(event["after"])
        if not isinstance(record, dict) or not isinstance(field, str) or field not in record:
            raise Rejected("%s names a field event %d does not record: files.json was edited" % (what, seq))
        if record[field] != value:
            raise Rejected("%s does not match event %d, which records %s %s: files.json was edited"
                           % (what, seq, field, record[field]))
        if "name" in entry and entry["name"] != record.get("name"):
            raise Rejected("%s gives the name %r, event %d records %r: files.json was edited"
                           % (what, entry["name"], seq, record.get("name")))
    # Every hash the verified events record is listed: an entry removed is an edit too.
    listed = {(entry.get("seq"), entry.get("field")) for entry in entries if isinstance(entry, dict)}
    for seq in sorted(verified):
        event = verified[seq]
        for field, value in sorted(hash_fields(event).items()):
            if (seq, field) not in listed:
                raise Rejected("event %d records %s %s of %s/%s, which %s does not list: an entry was removed, "
                               "%s was edited" % (seq, field, value, event["entity"], event["key"], relative,
                                                  relative))
    report.append("%d file hash(es) in %s match the verified events" % (len(entries), relative))


def hash_fields(event):
    """The fields of an event's record that files.json lists (moat's file_hashes, app/evidence.cc)."""
    record = parse_image(event["after"]) if event.get("after") is not None else None
    if not isinstance(record, dict):
        return {}
    out = {}
    for name, value in record.items():
        copy = event["entity"] == "copies" and name == "copy_hash" and record.get("id") == event["key"]
        document = event["entity"] == "documents" and name == "id"
        if isinstance(value, str) and (name.endswith("sha256") or name == "content_hash" or copy or document):
            out[name] = value
    return out


def verify_complete(folder, manifest, verified, report):
    """What a release's or a supplier's bundle must hold, by the events it holds: the release's own
    event, and for each release the event of each design file it lists and of each copy it made
    (every recipient times every file); and no event file the manifest does not list."""
    listed = set()
    for entry in manifest.get("events", []):
        listed.update(entry.get(k) for k in ("encoding", "json", "proof"))
    events_dir = os.path.join(folder, "events")
    for name in sorted(os.listdir(events_dir)) if os.path.isdir(events_dir) else []:
        # Only what names an event: a file a desktop adds (.DS_Store, Thumbs.db) is not the bundle's.
        if re.fullmatch(r"\d+\.(bin|json|tlog-proof)", name) and "events/" + name not in listed:
            raise Rejected("events/%s is not in manifest.json: a file was added to the bundle" % name)
    selection = manifest.get("selection", {})
    if selection.get("kind") not in ("release", "supplier"):
        return
    latest = {}
    for seq in sorted(verified):
        event = verified[seq]
        record = parse_image(event["after"]) if event.get("after") is not None else None
        latest[(event["entity"], event["key"])] = record if isinstance(record, dict) else None
    releases = {key: record for (entity, key), record in latest.items() if entity == "releases" and record}
    if selection.get("kind") == "release" and selection.get("id") not in releases:
        raise Rejected("the bundle is release %s's, but holds no event recording it: an event was removed"
                       % selection.get("id"))
    copies = set()
    for (entity, key), record in latest.items():
        if entity == "copies" and record:
            copies.add((record.get("release"), record.get("recipient"), record.get("file")))
    counted = 0
    for release_id, release in sorted(releases.items()):
        files, recipients = release.get("files") or [], release.get("recipients") or []
        for file_id in files:
            if ("files", file_id) not in latest:
                raise Rejected("release %s lists design file %s, but the bundle holds no event recording it: "
                               "an event was removed" % (release_id, file_id))
        for recipient in recipients:
            for file_id in files:
                if (release_id, recipient, file_id) not in copies:
                    raise Rejected("release %s gave %s to %s, but the bundle holds no event of that copy: an "
                                   "event was removed" % (release_id, file_id, recipient))
                counted += 1
    report.append("complete: %d release(s) with their design files and %d copies" % (len(releases), counted))


def describe_seqs(seqs):
    if len(seqs) > 1 and seqs == list(range(seqs[0], seqs[-1] + 1)):
        return "%d..%d" % (seqs[0], seqs[-1])
    text = ", ".join(str(s) for s in seqs[:20])
    return text + (", ..." if len(seqs) > 20 else "")


def verify_bundle(folder, pinned_log_keys, pinned_witness_keys, report):
    manifest = load_json(read_text(folder, "manifest.json"), "manifest.json")
    if not isinstance(manifest, dict):
        raise Rejected("manifest.json is malformed: not a JSON object")
    try:
        log_keys = pinned_log_keys or read_keys(os.path.join(folder, "keys", "log.vkeys"))
        witness_keys = pinned_witness_keys or read_keys(os.path.join(folder, "keys", "witnesses.vkeys"))
    except ValueError as error:
        raise Rejected("a key is malformed: %s" % error)
    if not log_keys:
        raise Rejected("no log key: give --log-key or keep keys/log.vkeys in the bundle")
    report.append("log keys%s: %s" % (" (pinned)" if pinned_log_keys else " (from the bundle: compare them with "
                                      "the published ones)", ", ".join(k.text for k in log_keys)))
    ed25519 = Ed25519()
    try:
        checkpoint, checkpoints = verify_checkpoints(folder, manifest, log_keys, witness_keys, ed25519, report)
        verified = verify_events(folder, manifest, checkpoint, report)
        verify_files(folder, manifest, verified, report)
        verify_complete(folder, manifest, verified, report)
        verify_witnesses(checkpoints, pinned_witness_keys, sorted(verified), report)
    finally:
        ed25519.close()


def main(argv):
    folder, log_keys, witness_keys = os.path.dirname(os.path.abspath(__file__)), [], []
    args = list(argv)
    try:
        while args:
            arg = args.pop(0)
            if arg in ("--log-key", "--witness-key") and args:
                (log_keys if arg == "--log-key" else witness_keys).append(VerifierKey(args.pop(0)))
                if arg == "--witness-key" and witness_keys[-1].type != TYPE_COSIGNATURE:
                    raise ValueError("--witness-key %s is not a witness's key (its type is not 0x04, a "
                                     "cosignature key)" % witness_keys[-1].text)
            elif arg in ("-h", "--help"):
                print(__doc__)
                return 0
            elif not arg.startswith("-"):
                folder = arg
            else:
                print("verify.py: unknown argument %s" % arg, file=sys.stderr)
                return 2
    except ValueError as error:
        print("verify.py: %s" % error, file=sys.stderr)
        return 2
    report = []
    try:
        verify_bundle(folder, log_keys, witness_keys, report)
    except Rejected as rejected:
        for line in report:
            print(line)
        print("REJECTED: %s" % rejected)
        return 1
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, UnicodeDecodeError) as error:
        # A field missing or of another type than moat writes (a manifest's "seq" as a string): the
        # bundle is not as exported, whatever was changed.
        for line in report:
            print(line)
        print("REJECTED: the bundle is malformed (%s: %s): it is not as moat exported it"
              % (type(error).__name__, error))
        return 1
    except CannotRun as error:
        print("verify.py: cannot verify: %s" % error, file=sys.stderr)
        return 2
    for line in report:
        print(line)
    print("VERIFIED: every event of the bundle is in the log the checkpoint commits to.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the demo's watch images (PNG, standard library only): Aurora's product photo as the
company keeps it, the photos a copy's listings show (mirrored, cropped, resized, colour-shifted,
noisy) and an unrelated product. Deterministic: the same bytes on every run."""
import math
import random
import struct
import sys
import zlib
from pathlib import Path


def png(path, width, height, pixels):
    raw = b"".join(b"\x00" + bytes(v for p in pixels[y * width:(y + 1) * width] for v in p) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def speaker(size=320):
    """A fabric-wrapped cylinder with a light ring near the top, on a soft studio backdrop."""
    rng = random.Random(7)
    px = []
    cx, top, bottom, half = size * 0.5, size * 0.16, size * 0.88, size * 0.21
    for y in range(size):
        for x in range(size):
            shade = 236 - int(28 * y / size)
            colour = [shade, shade, shade + 4]
            dx = (x - cx) / half
            if abs(dx) <= 1 and top <= y <= bottom:
                light = 0.55 + 0.45 * math.cos(dx * math.pi / 2)
                weave = 10 if (x // 3 + y // 3) % 2 else -6
                grey = int(70 * light) + weave + rng.randint(-4, 4)
                colour = [grey, grey, grey + 6]
                if top + size * 0.05 <= y <= top + size * 0.09:
                    colour = [60, int(200 * light) + 30, int(230 * light) + 20]
            elif abs(dx) <= 1 and abs(y - top) <= size * 0.03:
                colour = [40, 40, 46]
            px.append(tuple(max(0, min(255, c)) for c in colour))
    return size, size, px


def lamp(size=300):
    """A desk lamp: nothing like the speaker."""
    px = []
    for y in range(size):
        for x in range(size):
            colour = (250, 244, 220)
            if size * 0.45 <= x <= size * 0.5 and size * 0.3 <= y <= size * 0.9:
                colour = (200, 60, 30)
            if y > size * 0.88 and abs(x - size * 0.47) < size * 0.2:
                colour = (120, 40, 20)
            if (x - size * 0.6) ** 2 + (y - size * 0.25) ** 2 < (size * 0.14) ** 2:
                colour = (240, 200, 40)
            px.append(colour)
    return size, size, px


def mirrored(image):
    w, h, px = image
    return w, h, [px[y * w + (w - 1 - x)] for y in range(h) for x in range(w)]


def cropped(image, share):
    w, h, px = image
    dx, dy = int(w * share / 2), int(h * share / 2)
    nw, nh = w - 2 * dx, h - 2 * dy
    return nw, nh, [px[(y + dy) * w + (x + dx)] for y in range(nh) for x in range(nw)]


def resized(image, size):
    w, h, px = image
    return size, size, [px[(y * h // size) * w + (x * w // size)] for y in range(size) for x in range(size)]


def tinted(image, factors, noise=0, seed=1):
    rng = random.Random(seed)
    w, h, px = image
    out = []
    for p in px:
        n = rng.randint(-noise, noise) if noise else 0
        out.append(tuple(max(0, min(255, int(c * f) + n)) for c, f in zip(p, factors)))
    return w, h, out


def main(out):
    out = Path(out)
    reference = speaker()
    png(out / "aurora-front.png", *reference)
    png(out / "tb-7001-main.png", *resized(cropped(mirrored(reference), 0.12), 280))
    png(out / "tb-7001-box.png", *tinted(cropped(reference, 0.08), (1.1, 0.95, 0.9), noise=6, seed=3))
    png(out / "1688-8002.png", *tinted(resized(reference, 240), (0.9, 1.0, 1.08), noise=10, seed=5))
    png(out / "amz-lamp.png", *lamp())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)

#!/usr/bin/env python3
"""Draws Portal's app icons as PNG (192 and 512 px) from the same shape as public/icon.svg:
a blue rounded square with a white "P". Standard library only (zlib), so it runs anywhere;
the PNGs are committed, this is how to make them again:  python3 scripts/make-icons.py
"""
import struct
import zlib
from pathlib import Path

BLUE = (0x0F, 0x6C, 0xBD)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per axis: 16 samples a pixel, for smooth edges


def in_rounded_square(x, y, size=32.0, r=7.0):
    if not (0 <= x <= size and 0 <= y <= size):
        return False
    cx = min(max(x, r), size - r)
    cy = min(max(y, r), size - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_p(x, y):
    """The "P" of the 32-unit SVG path: M9 8h9a6 6 0 0 1 0 12h-4v4H9z, minus its bowl."""
    outer = (9 <= x <= 18 and 8 <= y <= 20) or (x >= 18 and (x - 18) ** 2 + (y - 14) ** 2 <= 36) or (9 <= x <= 14 and 20 <= y <= 24)
    hole = (14 <= x <= 18 and 12 <= y <= 16) or (x >= 18 and (x - 18) ** 2 + (y - 14) ** 2 <= 4)
    return outer and not hole


def pixel(px, py, size):
    scale = 32.0 / size
    bg = fg = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) * scale
            y = (py + (sy + 0.5) / SAMPLES) * scale
            if in_rounded_square(x, y):
                if in_p(x, y):
                    fg += 1
                else:
                    bg += 1
    n = SAMPLES * SAMPLES
    covered = bg + fg
    if covered == 0:
        return (0, 0, 0, 0)
    rgb = tuple(round((BLUE[i] * bg + WHITE[i] * fg) / covered) for i in range(3))
    return rgb + (round(255 * covered / n),)


def png(size):
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter: none
        for px in range(size):
            rows.extend(pixel(px, py, size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    public = Path(__file__).resolve().parent.parent / "public"
    for size in (192, 512):
        (public / f"icon-{size}.png").write_bytes(png(size))
        print(f"public/icon-{size}.png")

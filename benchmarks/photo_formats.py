#!/usr/bin/env python3
"""Photos as JPEG, WebP and AVIF: encode time and bytes per width, and what a page costs a reader.

usage: .venv/bin/python benchmarks/photo_formats.py [--photo PATH.jpg] [--runs 3]

The photo (--photo: any camera JPEG; by default a synthetic 2400×1600 scene of
gradients, soft shapes and grain, made here so the figures repeat anywhere) is
resized once per width of render/photos.WIDTHS and encoded --runs times in each
encoding of render/photos.ENCODINGS in this one process. The table gives the
median CPU milliseconds (what it costs on a machine shared with other work)
and the bytes. Then what one photo costs: every copy encoded (a cold build;
later builds take them from .cache/photos), and the bytes a reader fetches on a
phone (360 px wide at 3×: the 1200 copy) and on a desktop (648 px column at 1×:
the 800 copy) as JPEG and as AVIF (what Chromium takes). Last, the real
edition's pages and the photo bytes each references.
"""
from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from feature.render.photos import AVIF, ENCODINGS, JPEG, WIDTHS, _encoded  # noqa: E402


def synthetic_photo(width: int = 2400, height: int = 1600) -> Image.Image:
    """A sky, a horizon, soft shapes and fine grain: compresses like a photo, not like noise or flat colour."""
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    sky = Image.merge("RGB", [band.point(lambda v, k=k: 90 + v * k // 2) for band, k in zip(sky.split(), (1, 1, 2))])
    draw = ImageDraw.Draw(sky)
    for i in range(40):
        x, y, r = (i * 7919) % width, height // 2 + (i * 104729) % (height // 2), 40 + (i * 31) % 220
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=(40 + i * 4 % 120, 90 + i * 3 % 100, 50 + i * 5 % 90))
    grain = Image.effect_noise((width, height), 18).convert("RGB")
    return Image.blend(sky.filter(ImageFilter.GaussianBlur(3)), grain, 0.12)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photo", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    photo = Image.open(args.photo).convert("RGB") if args.photo else synthetic_photo()
    print(f"photo {photo.width}×{photo.height}{' (synthetic)' if not args.photo else ''}, {args.runs} runs each\n")
    print(f"| width | {' | '.join(f'{e.suffix} CPU ms | {e.suffix} bytes' for e in ENCODINGS)} |")
    print("|---" * (1 + 2 * len(ENCODINGS)) + "|")
    cost, size = {e: 0.0 for e in ENCODINGS}, {}
    for width in WIDTHS:
        im = photo.resize((width, round(photo.height * width / photo.width)), Image.LANCZOS)
        cells = []
        for encoding in ENCODINGS:
            cpus = []
            for _ in range(args.runs):
                cpu = time.process_time()
                data = _encoded(im, encoding)
                cpus.append((time.process_time() - cpu) * 1000)
            cost[encoding] += statistics.median(cpus)
            size[encoding, width] = len(data)
            cells.append(f"{statistics.median(cpus):.0f} | {len(data):,}")
        print(f"| {width} | {' | '.join(cells)} |")
    print("\nper photo, every width encoded once (a cold build): "
          + ", ".join(f"{e.suffix} {cost[e]:.0f} ms" for e in ENCODINGS) + f", all {sum(cost.values()):.0f} ms CPU")
    for place, width in (("phone 360 px at 3×", 1200), ("desktop column 648 px at 1×", 800)):
        jpeg, avif = size[JPEG, width], size[AVIF, width]
        print(f"a reader on a {place} fetches the {width} copy: JPEG {jpeg:,} bytes, AVIF {avif:,} "
              f"({avif / jpeg:.0%})")
    real_edition_pages()
    return 0


def real_edition_pages() -> None:
    """The real edition built: each page and the photo bytes it references (JPEG and AVIF, largest copy)."""
    from feature.build.pipeline import build
    from feature.core.config import load_config
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        build(load_config(ROOT / "config.yaml"), out)
        print("\nthe real edition (content/):")
        for page in sorted(out.rglob("index.html")):
            text = page.read_text(encoding="utf-8")
            found = set(re.findall(r"media/[^\"' ,]+", text))
            jpeg = sum((out / m).stat().st_size for m in found if m.endswith(".jpg"))
            avif = sum((out / m).stat().st_size for m in found if m.endswith(".avif"))
            print(f"  {page.relative_to(out)}: {len(found)} photo files referenced, "
                  f"JPEG {jpeg:,} bytes, AVIF {avif:,} bytes (all widths)")


if __name__ == "__main__":
    sys.exit(main())

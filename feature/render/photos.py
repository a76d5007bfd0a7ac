"""Photos: a Markdown image becomes a captioned, credited `<figure>`; resized at build time.

The convention (docs/reading.md) keeps the Markdown readable in any editor:

    ![alt text for readers who cannot see it](dock.jpg "周口港码头一角｜摄影 张三")

- alt text is required (a missing one fails the build with file and line);
- the title, split at the first `｜` (or `|`), is caption｜credit;
- the file sits beside the article (content/baicheng/dock.jpg) or in
  content/images/; nothing outside content/ and no URL (no request leaves the site).

Two steps, because the Markdown renderer sees only the body text while the
files live beside the article:
1. `PhotoExtension` (markup/photo_figures.py, in the Markdown pass) turns an
   image standing alone in its paragraph into `<figure class="photo">` with an
   `<img data-photo=…>` placeholder;
2. `place_photos` (here, the render stage) finds each file, writes resized copies
   (media/<name>-<hash>-<width>.jpg, .webp and .avif, Pillow) and makes the
   `<picture>`: an AVIF and a WebP `<source>`, the JPEG `<img>` as the fallback
   with src, srcset, sizes, width, height and loading. Page links stay
   relative: `relink_page` swaps a marker for each page's own path to the site
   root once pages are rendered.

Paper keeps the JPEG alone (`jpeg_only`: the print edition and long images):
WeasyPrint ignores `<source>` and draws the `<img>`'s src, so without the
sources the print page stays the page it was.
"""
from __future__ import annotations

import hashlib
import html
import io
import posixpath
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from feature.core.config import Config
from feature.core.diagnostics import Diagnostics, source_name
from feature.core.files import replace_file
from feature.core.inputcheck import Refused, read_regular
from feature.core.model import Article, Edition
from feature.core import urls
from feature.markup.photo_figures import holds_photo

WIDTHS = (480, 800, 1200)       # phone, phone at 2x / tablet, desktop at 2x
# Decoding costs 3-4 bytes a pixel, whatever the file's size (a 17 KB PNG can hold
# 144 megapixels): the size is read from the header, and past this nothing is decoded.
MAX_PHOTO_PIXELS = 50_000_000
MAX_PHOTO_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Encoding:
    """One file format the photos are written in, with the options that decide its bytes."""
    suffix: str                             # media/<name>-<hash>-<width>.<suffix>
    mime: str                               # the <source type>, and headers.py's Content-Type
    pillow: str                             # Pillow's format name
    options: tuple[tuple[str, object], ...]

    @property
    def tag(self) -> str:
        """The options in the cache's file names: other options, other bytes, another file."""
        return hashlib.sha256(repr(self.options).encode()).hexdigest()[:8]


JPEG = Encoding("jpg", "image/jpeg", "JPEG", (("quality", 80), ("optimize", True), ("progressive", True)))
# WebP and AVIF at the quality where they look like the JPEG at 80, at about 0.7
# and 0.4 of its bytes. AVIF on one thread: libaom's output depends on the number of
# threads, so the default (one per core) gives other bytes on another machine.
# Speed 8 of 0-10: a third of the CPU time of the default 6 for 3 % more bytes
# (benchmarks/photo_formats.py).
WEBP = Encoding("webp", "image/webp", "WEBP", (("quality", 75), ("method", 4)))
AVIF = Encoding("avif", "image/avif", "AVIF", (("quality", 55), ("speed", 8), ("max_threads", 1)))
SOURCES = (AVIF, WEBP)          # in <picture> order: a browser takes the first type it can show
ENCODINGS = (JPEG, *SOURCES)
# The photo fills the text column: 36em of 18px text from 48rem up (style.css), of 17px
# below; on phones the screen less its 1rem margins.
SIZES = "(min-width: 48rem) 648px, (min-width: 40.25rem) 612px, calc(100vw - 2rem)"
MEDIA_ROOT = "@@media-root@@/"
MEDIA_DIR = urls.MEDIA
_IMG = re.compile(r"<img\b[^>]*\sdata-photo=\"[^\"]*\"[^>]*>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_SAFE_STEM = re.compile(r"[^a-z0-9_-]+")


def place_photos(edition: Edition, config: Config, problems: Diagnostics) -> tuple[Edition, dict[str, bytes]]:
    """Every photo resolved and resized → (edition with finished <img>, {media path: bytes})."""
    media: dict[str, bytes] = {}
    cache = config.root / ".cache" / "photos"
    done = {}
    for article in edition.articles:
        if not holds_photo(article.body_html):
            continue
        seen: dict[str, int] = {}           # file → how many times placed so far in this article

        def finish(m: re.Match, article=article, seen=seen) -> str:
            return _finished_img(m.group(0), seen, article, config, cache, media, problems)
        done[article.source] = replace(article, body_html=_IMG.sub(finish, article.body_html))
    if not done:
        return edition, media
    return with_articles(edition, done), media


def with_articles(edition: Edition, done: dict) -> Edition:
    def swap(articles):
        return tuple(done.get(a.source, a) for a in articles)
    sections = tuple(replace(s, articles=swap(s.articles)) for s in edition.sections)
    return replace(edition, sections=sections, articles=swap(edition.articles))


def _finished_img(tag: str, seen: dict[str, int], article: Article, config: Config, cache: Path,
                  media: dict[str, bytes], problems: Diagnostics) -> str:
    attrs = {k: html.unescape(v) for k, v in _ATTR.findall(tag)}
    src, alt = attrs["data-photo"], attrs.get("alt", "").strip()
    number, occurrence = sum(seen.values()) + 1, seen.get(src, 0)
    seen[src] = occurrence + 1
    shown = source_name(article.source)
    line = article.source_line + _line_of(article.body_markdown, src, occurrence)
    if not alt:
        problems.error(shown, line, f"photo `{src}` has no alt text: write what it shows, "
                                    f"e.g. ![周口港集装箱码头]({src})")
    path = _find_file(src, article, config.content_dir)
    if path is None:
        problems.error(shown, line, f"photo `{src}` not found (put it beside the article "
                                    f"or in content/images/; URLs are not allowed)")
        return tag
    try:
        variants, notes = _variants(read_regular(path, MAX_PHOTO_BYTES, inside=config.content_dir), path.stem, cache)
    except Refused as exc:
        problems.error(shown, line, f"photo `{src}`: {exc.message}")
        return tag
    except OSError as exc:
        problems.error(shown, line, f"photo `{src}` cannot be read: {exc.strerror or exc}")
        return tag
    for note in notes:
        problems.warning(shown, line, f"photo `{src}`: {note}")
    for out, (_, _, data) in variants.items():
        media[out] = data
    return _img_tag(variants, alt, lazy=number > 1 or _below_fold(article.body_html, tag))


_PLACED = re.compile(r'<img src="' + re.escape(MEDIA_ROOT) + r'[^"]*" srcset="([^"]*)"')


def first_photo(body_html: str) -> str:
    """The largest copy (media/…-1200.jpg) of the first photo placed in a body, or ""."""
    placed = _PLACED.search(body_html)
    if placed is None:
        return ""
    copies = [entry.rsplit(" ", 1) for entry in placed.group(1).split(", ")]
    path, _ = max(copies, key=lambda copy: int(copy[1].rstrip("w")))
    return path.removeprefix(MEDIA_ROOT)


def _below_fold(body_html: str, tag: str) -> bool:
    """The first photo loads at once only when it opens the story (before the 2nd paragraph)."""
    return body_html[: body_html.find(tag)].count("</p>") >= 2


def _img_tag(variants: dict, alt: str, lazy: bool) -> str:
    """The `<picture>`: a `<source>` per modern format, the JPEG `<img>` last (it
    carries size, alt and loading for all of them)."""
    ordered = sorted(variants.items(), key=lambda kv: kv[1][0])
    jpegs = [(out, w) for out, (w, _, _) in ordered if out.endswith("." + JPEG.suffix)]
    fallback = next((out for out, w in jpegs if w >= 800), jpegs[-1][0])
    width, height, _ = ordered[-1][1]
    loading = ' loading="lazy"' if lazy else ""
    sources = "".join(f'<source type="{e.mime}" srcset="{_srcset(ordered, e)}" sizes="{SIZES}">' for e in SOURCES)
    return (f'<picture>{sources}<img src="{MEDIA_ROOT}{fallback}" srcset="{_srcset(ordered, JPEG)}" '
            f'sizes="{SIZES}" width="{width}" height="{height}" alt="{html.escape(alt)}"{loading} '
            f'decoding="async"></picture>')


def _srcset(ordered: list, encoding: Encoding) -> str:
    return ", ".join(f"{MEDIA_ROOT}{out} {w}w" for out, (w, _, _) in ordered if out.endswith("." + encoding.suffix))


_SOURCES = re.compile(r"<picture>(?:<source [^>]*>)*(<img [^>]*>)</picture>")


def jpeg_only(body_html: str) -> str:
    """A body whose photos are their JPEG `<img>` alone: for paper (print.html, long
    images), where WeasyPrint ignores `<source>` anyway."""
    return _SOURCES.sub(r"\1", str(body_html))


def _find_file(src: str, article: Article, content_dir: Path) -> Path | None:
    """The photo's file: beside the article, else in content/images/. A link is
    handed on as it is (the read refuses one that leads out of content/); any
    other path that leads out (`../../x.jpg`) is not looked at."""
    if re.match(r"^[a-z][a-z0-9+.-]*:|^/", src, re.I):
        return None
    root = content_dir.resolve()
    for base in (content_dir / article.source.parent, content_dir / "images"):
        candidate = base / src
        if candidate.is_symlink() or (candidate.exists() and candidate.resolve().is_relative_to(root)):
            return candidate
    return None


def _line_of(body: str, src: str, occurrence: int = 0) -> int:
    """Line offset in the body of the image that shows `src` for the
    `occurrence`-th time (HTML keeps the Markdown's order); else of its first mention."""
    image = re.compile(r"!\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?" + re.escape(src) + r">?(?=[\s)])")
    places = [m.start() for m in image.finditer(body)]
    pos = places[min(occurrence, len(places) - 1)] if places else body.find(src)
    return body[:pos].count("\n") if pos >= 0 else 0


def _variants(data: bytes, stem: str, cache: Path) -> tuple[dict[str, tuple[int, int, bytes]], list[str]]:
    """{media path: (width, height, bytes)} for each width the photo can fill, in
    each of ENCODINGS, and what Pillow warned about while reading its header.
    Refused, naming the reason, for a file that is not an image or that would
    take too much memory to decode (the size is known before decoding)."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    name = _SAFE_STEM.sub("-", stem.lower()).strip("-")
    prefix = f"{name}-{digest}" if name else digest
    full_width, notes = _probe(data)
    out = {}
    for width in [w for w in WIDTHS if w < full_width] + [min(full_width, WIDTHS[-1])]:
        size, files = _resized(data, width, {e: cache / f"{digest}-{width}-{e.tag}.{e.suffix}" for e in ENCODINGS})
        for encoding, encoded in files.items():
            out[posixpath.join(MEDIA_DIR, f"{prefix}-{width}.{encoding.suffix}")] = (*size, encoded)
    return out, notes


def _probe(data: bytes) -> tuple[int, list[str]]:
    """The width the photo shows at, from its header alone; Pillow's warnings as text."""
    from PIL import Image
    with warnings.catch_warnings(record=True) as caught, _strict_decoding():
        warnings.simplefilter("always")
        try:
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise _too_many_pixels(f"{width}×{height} pixels ({width * height / 1e6:.0f} megapixels)")
                # EXIF orientations 5-8 turn the photo a quarter: its width is the stored height.
                turned = probe.getexif().get(0x0112) in (5, 6, 7, 8)
        except Image.DecompressionBombError as exc:         # past twice Pillow's own limit
            pixels = re.search(r"\((\d+) pixels\)", str(exc))
            raise _too_many_pixels(f"{int(pixels.group(1)) / 1e6:.0f} megapixels" if pixels else "huge") from None
        except Refused:
            raise
        except Exception as exc:                            # Pillow raises many kinds for a broken file
            raise Refused(f"cannot be read as an image ({_pillow_words(exc)}); save it as JPEG or PNG") from None
    notes = [_pillow_words(w.message) for w in caught if not issubclass(w.category, Image.DecompressionBombWarning)]
    return (height if turned else width), notes


@contextmanager
def _strict_decoding():
    """A truncated photo is an error, whoever imported what: WeasyPrint (the print
    edition, long images) sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on
    import, which would publish the missing part of a photo as grey."""
    from PIL import ImageFile
    before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _too_many_pixels(size: str) -> Refused:
    return Refused(f"{size} is more than the {MAX_PHOTO_PIXELS // 1_000_000} megapixels a build decodes; "
                   f"export it smaller (pages show photos at most {WIDTHS[-1]} pixels wide)")


def _pillow_words(exc) -> str:
    """Pillow's text without the in-memory file it names (`<_io.BytesIO object at 0x…>`)."""
    text = re.sub(r"\s*<_io\.BytesIO object at 0x[0-9a-f]+>", "", str(exc)).strip()
    return text or type(exc).__name__


def _resized(data: bytes, width: int, cached: dict[Encoding, Path]) -> tuple[tuple[int, int], dict[Encoding, bytes]]:
    """The photo at `width` in each encoding → ((width, height), {encoding: bytes}),
    each from the disk cache when an earlier build made it: decoded and resized
    only when one is missing, and only the missing ones encoded."""
    from PIL import Image
    files = {e: path.read_bytes() for e, path in cached.items() if path.is_file()}
    if JPEG in files and len(files) == len(cached):
        with Image.open(io.BytesIO(files[JPEG])) as im:
            return im.size, files
    im = _shrunk(data, width)
    for encoding, path in cached.items():
        if encoding not in files:
            files[encoding] = _encoded(im, encoding)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                replace_file(path, files[encoding])     # whole or not at all: the cache is trusted on sight
            except OSError:
                pass                                # a read-only tree only loses the cache
    return im.size, files


def _shrunk(data: bytes, width: int):
    """The photo decoded, turned upright and resized to `width` (never enlarged)."""
    from PIL import Image, ImageOps
    try:
        with warnings.catch_warnings(), _strict_decoding():
            # _probe reported the header's warnings; decoding's are not repeated on the terminal.
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                im.draft("RGB", (width, width))   # JPEG: decode at a reduced scale (both sides stay >= width)
                im = ImageOps.exif_transpose(im).convert("RGB")
                if im.width > width:
                    im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
                return im
    except MemoryError:
        raise
    except Exception as exc:                        # truncated or broken image data
        raise Refused(f"cannot be decoded ({_pillow_words(exc)}); save it again as JPEG or PNG") from None


def _encoded(im, encoding: Encoding) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, encoding.pillow, **dict(encoding.options))
    return buffer.getvalue()


def relink_page(path: str, data: bytes) -> bytes:
    """An HTML page with the media marker replaced by its relative path to the root."""
    marker = MEDIA_ROOT.encode()
    if marker in data and path.endswith(".html"):
        up = posixpath.relpath(".", posixpath.dirname(path) or ".")
        data = data.replace(marker, ("" if up == "." else up + "/").encode())
    return data

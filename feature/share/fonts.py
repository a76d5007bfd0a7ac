"""The CJK faces share images are set in: found by name, checked glyph by glyph.

Debian's fonts-noto-cjk installs collections (`NotoSerifCJK-Bold.ttc`) that
hold one face per region: JP, KR, SC, TC, HK. They share most code points
but not their glyph forms, so the face is chosen by its name ("Noto Serif CJK
SC"), read from the file's name table; a face index that happens to be SC on
one machine draws Japanese forms on another. The file comes from fontconfig
(`fc-match`), or from a folder the caller configures (any .ttc/.otf/.ttf in
it, searched by the same names).

Pillow draws a character its face lacks as a box and says nothing, so every
text is checked against the face's character map (fontTools) before drawing:
`MissingGlyphs` names each character and the article it comes from.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont, features

from feature.core.diagnostics import Diagnostic

INSTALL_HINT = ("install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) "
                "or put the Noto CJK font files in a folder and pass it as the fonts folder")
FONT_SUFFIXES = (".ttc", ".otc", ".otf", ".ttf")


@dataclass(frozen=True)
class FaceSpec:
    """A face as its name table names it."""
    family: str     # "Noto Serif CJK SC"
    style: str      # "Bold", "Regular"

    def __str__(self) -> str:
        return f"{self.family} {self.style}"


# Headlines and figures in the serif (the site's headline face), labels in the sans.
SERIF_BOLD = FaceSpec("Noto Serif CJK SC", "Bold")
SERIF = FaceSpec("Noto Serif CJK SC", "Regular")
SANS_BOLD = FaceSpec("Noto Sans CJK SC", "Bold")
SANS = FaceSpec("Noto Sans CJK SC", "Regular")
FACES = (SERIF_BOLD, SERIF, SANS_BOLD, SANS)


@dataclass(frozen=True)
class Face:
    spec: FaceSpec
    path: Path
    index: int      # the face's place in its collection, found by name (0 in a single font)


class FontNotFound(Exception):
    """No file on this machine holds a face the share images need."""


class MissingGlyphs(Exception):
    """Text that the font would draw as boxes: every such character, with its source."""

    def __init__(self, characters: str, font: str, source: str = "", what: str = "share image"):
        self.characters = characters
        self.font = font
        self.source = source
        self.what = what
        super().__init__(str(self.diagnostic()))

    def diagnostic(self) -> Diagnostic:
        named = ", ".join(f"“{c}” (U+{ord(c):04X})" for c in self.characters)
        return Diagnostic(self.source or "<share>", 0,
                          f"{self.what}: the font {self.font} has no glyph for {named}; "
                          "it would be drawn as a box")


# Pillow fonts kept, the most recently used: FreeType holds about 4 MB for each face at
# each size, and the sizes tried while fitting text add up (62 for the real edition's
# images: 300 MB, kept for good by the preview). Making one again takes about 1 ms; with
# 16 kept an image costs 3 % more CPU and the preview 166 MB instead of 302.
FONTS_KEPT = 16


@dataclass(frozen=True)
class FontBook:
    """The faces of the share images, with the Pillow fonts and character maps they need."""
    faces: tuple[Face, ...]
    _fonts: dict = field(default_factory=dict, compare=False, repr=False)
    _cmaps: dict = field(default_factory=dict, compare=False, repr=False)

    def face(self, spec: FaceSpec) -> Face:
        return next(face for face in self.faces if face.spec == spec)

    def font(self, face: Face, size: int) -> ImageFont.FreeTypeFont:
        key = (face, size)
        font = self._fonts.pop(key, None)
        if font is None:
            font = ImageFont.truetype(str(face.path), size, index=face.index, layout_engine=ImageFont.Layout.RAQM)
        self._fonts[key] = font                     # a dict keeps order: the last is the latest used
        if len(self._fonts) > FONTS_KEPT:
            del self._fonts[next(iter(self._fonts))]
        return font

    def fonts_held(self) -> int:
        """How many Pillow fonts are held now (at most FONTS_KEPT)."""
        return len(self._fonts)

    def covered(self, face: Face) -> frozenset[int]:
        """The code points `face` has glyphs for (its best Unicode cmap)."""
        if face not in self._cmaps:
            with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
                # Glyph names by number: the cmap needs a name per glyph, and the
                # real ones are parsed out of the CFF table, half the time of a face.
                font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
                self._cmaps[face] = frozenset(font.getBestCmap())
        return self._cmaps[face]

    def missing(self, text: str, faces: tuple[Face, ...]) -> str:
        """The characters of `text` (each once, in order) that none of `faces` can draw."""
        maps = [self.covered(face) for face in faces]
        return "".join(dict.fromkeys(c for c in text
                                     if not c.isspace() and not any(ord(c) in cmap for cmap in maps)))

    def check(self, text: str, face: Face, source: str = "", what: str = "share image") -> None:
        """Raise MissingGlyphs naming every character of `text` that `face` cannot draw."""
        self.check_all(((text, face.spec),), source, what)

    def check_all(self, texts, source: str = "", what: str = "share image") -> None:
        """Every (text, FaceSpec) of an image at once: one MissingGlyphs naming all that is missing."""
        missing, fonts = "", []
        for text, spec in texts:
            lacking = self.missing(text, (self.face(spec),))
            if lacking:
                missing += lacking
                fonts.append(str(spec))
        if missing:
            raise MissingGlyphs("".join(dict.fromkeys(missing)), " / ".join(dict.fromkeys(fonts)), source, what)


def find_fonts(folder: Path | None = None) -> FontBook:
    """The four faces from `folder` if given, else through fontconfig; one error naming all missing."""
    if not features.check("raqm"):
        raise FontNotFound("Pillow has no Raqm text layout here (libraqm and libfribidi): "
                           "Chinese line layout needs it; install Pillow's wheel or libraqm0")
    found, missing = [], []
    for spec in FACES:
        face = find_face(spec, folder)
        if face is None:
            missing.append(str(spec))
        else:
            found.append(face)
    if missing:
        where = f"in {folder}" if folder is not None else "through fontconfig (fc-match)"
        raise FontNotFound(f"no CJK font for share images: {', '.join(missing)} not found {where}; "
                           + INSTALL_HINT)
    return FontBook(tuple(found))


def find_face(spec: FaceSpec, folder: Path | None = None) -> Face | None:
    candidates = _folder_fonts(folder) if folder is not None else _fontconfig_match(spec)
    for path in candidates:
        index = face_index(path, spec)
        if index is not None:
            return Face(spec, path, index)
    return None


def face_index(path: Path, spec: FaceSpec) -> int | None:
    """Which face of the font file at `path` is `spec`, read from each face's name table."""
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            with TTCollection(path, lazy=True) as collection:
                names = [_face_name(font) for font in collection.fonts]
        else:
            with TTFont(path, lazy=True) as font:
                names = [_face_name(font)]
    except Exception:       # not a font fontTools can read: not the face we look for
        return None
    for index, name in enumerate(names):
        if name == (spec.family, spec.style):
            return index
    return None


def _face_name(font: TTFont) -> tuple[str, str]:
    # A typographic family (name 16/17) where the font has one: single-weight OTFs
    # name their family "Noto Sans CJK SC Bold" in name 1 and "Noto Sans CJK SC" in 16.
    table = font["name"]
    family = table.getDebugName(16) or table.getDebugName(1) or ""
    style = table.getDebugName(17) or table.getDebugName(2) or ""
    return family, style


def _folder_fonts(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FontNotFound(f"{folder}: the fonts folder does not exist; " + INSTALL_HINT)
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)


def _fontconfig_match(spec: FaceSpec) -> list[Path]:
    # fc-match always answers, with a fallback (DejaVu) when nothing fits: the
    # name check in face_index is what tells a real match from a fallback.
    pattern = f"{spec.family}:style={spec.style}"
    try:
        done = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True,
                              text=True, timeout=30, check=False)
    except FileNotFoundError:
        raise FontNotFound("fontconfig's fc-match is not installed (Debian: fontconfig); "
                           + INSTALL_HINT) from None
    return [Path(done.stdout.strip())] if done.returncode == 0 and done.stdout.strip() else []

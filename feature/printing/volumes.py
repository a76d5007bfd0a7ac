"""The print edition's documents: one, or (a large edition) volumes.

An edition of at most `print.volume_articles` articles prints as one
document, `dist/print/index.html`. A larger one prints as volumes
(`print_volumes`): each holds the articles of one section, at most
`volume_articles` of them (a longer section gets parts), at
`print/<section>/index.html`, `print/<section>/2/index.html` …; then
`print/index.html` is a contents page linking to them. Volumes and the
single document are rendered by the normal build from templates/print.html
(forprint.py rewrites each article for paper); pdf.py prints them.
"""
from __future__ import annotations

from dataclasses import dataclass

from feature.core import urls
from feature.core.sectionparts import SectionPart, split_sections


class Volume(SectionPart):
    """One printed volume of a split edition (paper calls a part 第2册)."""
    UNIT = "册"


@dataclass(frozen=True)
class PrintedPdf:
    """A PDF `print --pdf` made, as the 印刷版 page names it (commands/print_edition.link_made)."""
    document: str           # the printed HTML: print/index.html or a volume's
    output_path: str        # beside it: print/edition.pdf, print/<section>/[n/]edition.pdf
    size: int               # bytes

    @property
    def size_label(self) -> str:
        return size_label(self.size)


def size_label(size: int) -> str:
    """A file's size as a download link names it: '2.3 MB', '840 KB'."""
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{max(1, round(size / 1024))} KB"


def volume_size(site) -> int | None:
    """config `print.volume_articles`; None for a bare `site` (unit tests' stand-ins)."""
    return getattr(getattr(site, "print", None), "volume_articles", None)


def print_volumes(edition, config) -> list[Volume]:
    """The volumes of the print edition, in section order; [] when the whole
    edition fits in one (at most `volume_articles` articles): one document then."""
    return split_sections(edition, volume_size(config), Volume, urls.print_volume_path)


def print_documents(built, sections) -> list[str]:
    """The output paths of the printed documents of a build whose files are
    `built` (its manifest): the volumes of each section (`sections`: config's),
    in the order `print_volumes` gives them, or the one document when the
    edition is not split. Read from what the build made, so it needs no edition."""
    volumes = []
    for section in sections:
        part = 1
        while urls.print_volume_path(section.key, part) in built:
            volumes.append(urls.print_volume_path(section.key, part))
            part += 1
    return volumes or [urls.PRINT]

"""Photos placed by the incremental builder: render.photos.place_photos over the
articles that may hold a photo. Skipped are those whose source is known to
hold none (most of them, most builds) and those whose worker found none (the
entry's facts say so: no body is read here)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from feature.core.diagnostics import Diagnostics
from feature.core.model import Edition
from feature.render.photos import place_photos, with_articles

from .bodies import full
from .inputs import Inputs
from .memory import Memory
from .stages import Placed


PHOTO_FIELDS = ("body_html", "body_markdown")     # what place_photos reads of a candidate


@dataclass(frozen=True)
class PlacedPhotos:
    placed: Placed
    holders: tuple[str, ...]        # output paths of the articles whose photos were placed


def place(edition: Edition, key_by_path: dict[str, str], inputs: Inputs, memory: Memory, problems: Diagnostics,
          pool: tuple | None = None, gone: tuple[str, ...] = ()) -> PlacedPhotos:
    """The edition with the photos of its candidates placed. `pool`: a body edit's
    articles that can have changed (patch.photo_pool; None: every article),
    `gone`: the source keys they replaced."""
    free, keys = memory.photo_free, memory.article_keys
    candidates = tuple(full(a, PHOTO_FIELDS) for a in (edition.articles if pool is None else pool)
                       if _may_hold_photo(key_by_path[a.output_path], memory))
    placed, media = place_photos(replace(edition, articles=candidates, listing=""), inputs.config, problems)
    # place_photos changes every article holding a photo: the others hold none.
    done = {a.source: p for a, p in zip(candidates, placed.articles) if p is not a}
    holders = tuple(a.output_path for a in candidates if a.source in done)
    if pool is None:
        memory.photo_free = {key_by_path[a.output_path] for a in edition.articles if a.source not in done}
        keys.photos.clear()
    else:
        free.difference_update(gone)
        for a in pool:
            key = key_by_path[a.output_path]
            if a.source in done:
                free.discard(key)
            else:
                free.add(key)
            keys.unplaced(a.output_path)
    for a in candidates:
        if a.source in done:
            keys.placed(a.output_path, done[a.source].body_html)
    return PlacedPhotos(Placed(with_articles(edition, done) if done else edition, media), holders)


def _may_hold_photo(key: str, memory: Memory) -> bool:
    if key in memory.photo_free:
        return False
    entry = memory.entries.get(key)
    return entry is None or entry.facts is None or entry.facts.photo

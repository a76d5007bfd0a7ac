"""What one incremental build works from, worked out once and read by every part."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from feature.core.config import Config
from feature.core.files import digest
from feature.render.assets import Assets, collect_assets
from feature.render.sharing import fonts_identity

from .keys import folder_digest
from .stages import Stages, identity

PARALLEL_MIN = 48           # fewer items than this: not worth starting workers


@dataclass(frozen=True)
class Inputs:
    config: Config
    out_dir: Path
    jobs: int
    in_place: bool                  # the preview server's writer: changed files replaced in place
    preview: bool                   # `serve`'s build: its marker says so, and deploy refuses it
    stages: Stages
    assets: Assets
    templates_key: str              # digest of templates/
    global_key: str                 # code, config, templates, static files: what every page sees
    entry_salt: str                 # code, the parse and article stages and their settings
    # The preview server's in-place builds: what the shown page does not need, new share
    # images and the output marker, waits until the browsers were told to reload.
    after_reload: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        """What every page of a build saw besides the articles: a body edit patches
        only a build made under the same key (patch.py)."""
        return (self.global_key, self.entry_salt, str(self.out_dir))

    def workers_for(self, items: int) -> int:
        return self.jobs if items >= PARALLEL_MIN else 1


def inputs_for(config: Config, out_dir: Path, jobs: int, in_place: bool, preview: bool, stages: Stages,
               code: str, after_reload: bool = False) -> Inputs:
    assets = collect_assets(config.static_dir)
    templates_key = folder_digest(config.templates_dir)
    # The faces share images are set in: their names are on every page (render/sharing.py).
    global_key = digest(code, repr(config), templates_key, fonts_identity(config),
                        *(f"{k}\x1f{digest(v)}" for k, v in sorted(assets.files.items())))
    # What else a parsed and enriched source depends on: the stages that make it and the
    # settings they read; `section:` may name a section by its title.
    entry_salt = digest(code, identity(stages.parse),
                        *(f"{identity(s.run)}\x1f{s.settings}\x1f{[getattr(config, f) for f in s.settings]!r}"
                          for s in stages.article),
                        *(f"{s.key}\x1f{s.title}" for s in config.sections))
    return Inputs(config, out_dir, jobs, in_place, preview, stages, assets, templates_key, global_key, entry_salt,
                  after_reload)

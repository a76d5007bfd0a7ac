"""config.yaml → one frozen `Config`, loaded once and passed explicitly."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from .diagnostics import BuildError, Diagnostic, Diagnostics, did_you_mean
from .inputcheck import Refused, first_not_text, read_regular, text_problems
from .yamltext import YamlProblem, load_mapping
from . import urls

# `serve`'s own folder under the project: the preview's site (`site/`) and its
# build cache (`build/`). The preview never writes the output folder a deploy
# publishes, nor shares `build`'s cache, unless given `--out`.
PREVIEW_FOLDER = Path(".cache/preview")
SECTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class SectionConfig:
    key: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class PrintConfig:
    paper: str = "A4"
    margin: str = "22mm 18mm 24mm"
    # Editions with more articles than this print as volumes (one section
    # each, split into parts): see docs/print.md.
    volume_articles: int = 50


@dataclass(frozen=True)
class CoverConfig:
    # The cover lists at most this many articles of a section, then links
    # "全部N篇 →" to the section page: see docs/reading.md.
    section_articles: int = 12


@dataclass(frozen=True)
class FiguresConfig:
    # Editions with more articles than this get a 数说 index and one 数说 page
    # per section (split into parts of this many), like print volumes: docs/reading.md.
    page_articles: int = 50


@dataclass(frozen=True)
class ShareConfig:
    # Share cards for every page (og:image) and a 数字海报 per key figure: docs/share.md.
    cards: bool = True
    posters: bool = True
    fonts: str = ""                    # a folder of Noto CJK font files; "": found through fontconfig

    def fonts_dir(self, root: Path) -> Path | None:
        return (root / self.fonts).resolve() if self.fonts else None


@dataclass(frozen=True)
class Config:
    root: Path                         # the folder holding config.yaml
    title: str
    sections: tuple[SectionConfig, ...]
    subtitle: str = ""
    newspaper: str = ""
    date: str = ""
    language: str = "zh-CN"
    base_url: str = "/"
    output: str = "dist"
    description: str = ""
    favicon: str = ""                  # a file in static/ (favicon.png …); "": one drawn from `newspaper`
    reading_order: tuple[str, ...] = ()
    allow_raw_html: bool = False
    sidebar_figures: int = 8
    print: PrintConfig = field(default_factory=PrintConfig)
    cover: CoverConfig = field(default_factory=CoverConfig)
    figures: FiguresConfig = field(default_factory=FiguresConfig)
    share: ShareConfig = field(default_factory=ShareConfig)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"

    @property
    def sources(self) -> list[Path]:
        """What the output folder must never be or contain."""
        return [self.content_dir, self.templates_dir, self.static_dir, self.root / "config.yaml"]

    @property
    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()

    @property
    def preview_dir(self) -> Path:
        return preview_dir(self.root)

    @property
    def site_path(self) -> str:
        """The URL path the site is served under: '/' or '/specials/x/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def site_origin(self) -> str:
        """'https://host' when base_url is absolute, else ''."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""

    def with_overrides(self, **changes) -> "Config":
        """The command line's settings (`--base-url`) over config.yaml's, checked alike."""
        url = changes.get("base_url")
        problem = base_url_problem(url) if url is not None else None
        if problem:
            raise BuildError([Diagnostic("--base-url", 0, f"the URL {problem}")])
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def preview_dir(root: Path) -> Path:
    """Where `serve` builds and serves the edition of `root`, unless given --out."""
    return (root / PREVIEW_FOLDER / "site").resolve()


# key → (type, what to say when the value has another type)
_SCALARS = {
    "title": (str, "text"), "subtitle": (str, "text"), "newspaper": (str, "text"),
    "date": (str, "text"), "language": (str, "text"), "base_url": (str, "text"),
    "output": (str, "text"), "description": (str, "text"), "favicon": (str, "text"),
    "allow_raw_html": (bool, "true or false"), "sidebar_figures": (int, "a whole number"),
}
MAX_CONFIG_BYTES = 2**20
MAX_SIDEBAR_FIGURES = 100
# A base_url goes into every canonical link, the feed and the sitemap as written.
_URL_UNSAFE = re.compile(r"[\s\"'<>\\^`{|}]")
_KEYS = set(_SCALARS) | {"sections", "reading_order", "print", "cover", "figures", "share"}


def load_config(path: Path) -> Config:
    """Read and check config.yaml; raise BuildError listing every problem."""
    name = path.name
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
        bad_text = text_problems(text.replace("\r\n", "\n").replace("\r", "\n"))
        if bad_text:
            raise BuildError([Diagnostic(name, line, message) for line, message in bad_text])
        data, lines = load_mapping(text)
    except FileNotFoundError:
        raise BuildError([Diagnostic(name, 0, "config file not found")]) from None
    except OSError as exc:
        raise BuildError([Diagnostic(name, 0, f"cannot read the config file: {exc.strerror}")]) from None
    except Refused as exc:
        raise BuildError([Diagnostic(name, 0, exc.message)]) from None
    except UnicodeDecodeError:
        raise BuildError([Diagnostic(name, 0, "not UTF-8 text")]) from None
    except YamlProblem as exc:
        raise BuildError([Diagnostic(name, line, message) for line, message in exc.problems]) from None

    problems = Diagnostics()
    scalars = _check_keys(data, lines, name, problems)
    _check_places(scalars, path.parent.resolve(), name, lines, problems)
    sections = _sections(data.get("sections"), name, lines, problems)
    order = data.get("reading_order") or []
    if not isinstance(order, list):
        problems.error(name, lines["reading_order"], "`reading_order` must be a list of content paths")
    print_config = _print(data.get("print"), name, lines.get("print", 1), text, problems)
    cover = _counts(CoverConfig, "cover", "articles a section lists on the cover",
                    data.get("cover"), name, lines.get("cover", 1), text, problems)
    figures = _counts(FiguresConfig, "figures", "articles per 数说 page",
                      data.get("figures"), name, lines.get("figures", 1), text, problems)
    share = _share(data.get("share"), path.parent, name, lines.get("share", 1), text, problems)
    _check_favicon(scalars.get("favicon", ""), path.parent, name, lines.get("favicon", 1), problems)
    if problems:
        raise BuildError(problems.errors)
    return Config(root=path.parent.resolve(), sections=sections,
                  reading_order=tuple(str(p) for p in order),
                  print=print_config, cover=cover, figures=figures, share=share, **scalars)


def _share(raw, root: Path, name: str, line: int, text: str, problems: Diagnostics) -> ShareConfig:
    """`share:`: `cards` and `posters` (true or false), `fonts` (a folder of font files)."""
    keys = [f.name for f in fields(ShareConfig)]
    if raw is None:
        return ShareConfig()
    if not isinstance(raw, dict) or set(raw) - set(keys):
        unknown = sorted(set(raw) - set(keys)) if isinstance(raw, dict) else []
        hint = did_you_mean(str(unknown[0]), keys) if unknown else ""
        problems.error(name, line, f"`share` takes {', '.join(f'`{k}`' for k in keys)}{hint}")
        return ShareConfig()
    values = {}
    for key in ("cards", "posters"):
        if key in raw:
            if isinstance(raw[key], bool):
                values[key] = raw[key]
            else:
                problems.error(name, _nested_line(text, line, key), f"`share.{key}` must be true or false")
    if "fonts" in raw:
        folder = raw["fonts"]
        if not isinstance(folder, str) or not folder or not (root / folder).is_dir():
            problems.error(name, _nested_line(text, line, "fonts"),
                           f"`share.fonts: {folder}` must be a folder of font files (Noto Serif/Sans CJK SC), "
                           "relative to config.yaml; leave it out to find them through fontconfig")
        else:
            values["fonts"] = folder
    return ShareConfig(**values)


_PRINT_KEYS = ("paper", "margin", "volume_articles")


def _print(raw, name: str, line: int, text: str, problems: Diagnostics) -> PrintConfig:
    printing = raw or {}
    if not isinstance(printing, dict) or set(printing) - set(_PRINT_KEYS):
        problems.error(name, line, "`print` takes `paper`, `margin` and `volume_articles`")
        return PrintConfig()
    values = {k: str(v) for k, v in printing.items() if k != "volume_articles"}
    if "volume_articles" in printing:
        n = _whole_number(printing["volume_articles"], "print.volume_articles", "articles per printed volume",
                          name, _nested_line(text, line, "volume_articles"), problems)
        if n is not None:
            values["volume_articles"] = n
    return PrintConfig(**values)


def _counts(kind, block: str, meaning: str, raw, name: str, line: int, text: str, problems: Diagnostics):
    """A block of whole numbers (`cover`, `figures`): `kind`'s fields, each at least 1."""
    keys = [f.name for f in fields(kind)]
    if raw is None:
        return kind()
    if not isinstance(raw, dict) or set(raw) - set(keys):
        problems.error(name, line, f"`{block}` takes {', '.join(f'`{k}`' for k in keys)}")
        return kind()
    values = {}
    for key, value in raw.items():
        n = _whole_number(value, f"{block}.{key}", meaning, name, _nested_line(text, line, key), problems)
        if n is not None:
            values[key] = n
    return kind(**values)


def _whole_number(value, key: str, meaning: str, name: str, line: int, problems: Diagnostics,
                  least: int = 1, most: int | None = None) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or value < least or (most is not None and value > most):
        limits = f"from {least} to {most}" if most is not None else f"of at least {least}"
        problems.error(name, line, f"`{key}` must be a whole number {limits} ({meaning})")
        return None
    return value


def _check_keys(data: dict, lines: dict, name: str, problems: Diagnostics) -> dict:
    scalars = {}
    for key, value in data.items():
        if key not in _KEYS:
            problems.error(name, lines[key], f"unknown key `{key}`{did_you_mean(key, _KEYS)}")
        elif key in _SCALARS:
            kind, wording = _SCALARS[key]
            if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)   # `date: 2019` is text to us
            if kind is str and hasattr(value, "isoformat"):
                value = value.isoformat()
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                problems.error(name, lines[key], f"`{key}` must be {wording}")
            elif key == "sidebar_figures":
                if _whole_number(value, key, "figures an automatic sidebar shows; 0: none", name, lines[key],
                                 problems, least=0, most=MAX_SIDEBAR_FIGURES) is not None:
                    scalars[key] = value
            else:
                scalars[key] = value
    for key in ("title", "sections"):
        if not data.get(key):
            problems.error(name, lines.get(key, 1), f"missing required key `{key}`")
    return scalars


def _sections(raw, name: str, lines: dict, problems: Diagnostics) -> tuple[SectionConfig, ...]:
    line = lines.get("sections", 1)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.error(name, line, "`sections` must be a list of {key, title}")
        return ()
    out = []
    generated = urls.generated_folders()
    for i, item in enumerate(raw, start=1):
        at = lines.get(f"sections[{i - 1}]", line)
        if not isinstance(item, dict) or not item.get("key") or not item.get("title"):
            problems.error(name, at, f"section #{i} needs `key` and `title`")
            continue
        key = str(item["key"])
        if not SECTION_KEY.match(key):
            problems.error(name, at, f"section key `{key}` must use a-z, 0-9, - or _ (it becomes a URL)")
            continue
        if key in generated:
            problems.error(name, at, f"section key `{key}` is a folder the build writes itself "
                                     f"({', '.join(sorted(generated))}); choose another key")
            continue
        out.append(SectionConfig(key, str(item["title"]), str(item.get("description") or "")))
    keys = [s.key for s in out]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.error(name, line, f"section `{key}` declared twice")
    return tuple(out)


FAVICON_TYPES = (".svg", ".png", ".ico")


def _check_favicon(favicon: str, root: Path, name: str, line: int, problems: Diagnostics) -> None:
    if not favicon:
        return
    path = root / "static" / favicon
    if favicon.startswith(("/", "static/")) or ".." in Path(favicon).parts or not path.is_file():
        problems.error(name, line, f"favicon `{favicon}` is not a file in static/ (write its name there, "
                                   f"e.g. `favicon: logo.png`; leave it out for one drawn from the newspaper's name)")
    elif path.suffix.lower() not in FAVICON_TYPES:
        problems.error(name, line, f"favicon `{favicon}` must be one of {', '.join(FAVICON_TYPES)}")


def _check_places(scalars: dict, root: Path, name: str, lines: dict, problems: Diagnostics) -> None:
    """`base_url` and `output`, before anything is built with them."""
    if "base_url" in scalars:
        problem = base_url_problem(scalars["base_url"])
        if problem:
            problems.error(name, lines["base_url"], f"`base_url` {problem}")
            del scalars["base_url"]
    if "output" in scalars:
        problem = output_problem((root / scalars["output"]).resolve(), root)
        if problem:
            problems.error(name, lines["output"], f"`output: {scalars['output']}` {problem}")


def base_url_problem(value: str) -> str | None:
    """Why `value` cannot be where the site is served, or None."""
    example = "(https://www.example.cn/specials/x/) or a path that starts with / (/specials/x/)"
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or _URL_UNSAFE.search(value) or first_not_text(value) or parts.query or parts.fragment:
        return f"must be an absolute http(s) URL {example}, without spaces, quotes, ? or #"
    if parts.scheme:
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username:
            return f"must be an absolute http(s) URL {example}, not `{value}`"
    elif not value.startswith("/") or value.startswith("//"):
        return f"must be an absolute http(s) URL {example}, not `{value}`"
    return None


def output_problem(out_dir: Path, root: Path) -> str | None:
    """Why the output folder cannot be `out_dir`, or None: never inside a folder
    the build reads (it would read its own output back), never one that holds them."""
    for folder in ("content", "templates", "static"):
        source = (root / folder).resolve()
        if out_dir.is_relative_to(source):
            return (f"is inside {folder}/, which the build reads: the next build would take its own output "
                    f"for input; choose a folder outside content/, templates/ and static/ (e.g. dist)")
        if source.is_relative_to(out_dir):
            return f"would hold {folder}/, and a build replaces its output folder; choose another (e.g. dist)"
    return None


def _nested_line(text: str, start: int, key: str) -> int:
    """The line of `key:` inside the block that starts at line `start` (load_mapping
    records top-level keys only); `start` itself when it is not found."""
    pattern = re.compile(rf"(?:^|[\s{{,]){re.escape(key)}\s*:")
    for number, line in enumerate(text.splitlines()[start - 1:], start=start):
        if number > start and line[:1] not in ("", " ", "\t", "#"):
            break                       # the next top-level key: the block has ended
        if pattern.search(line.split("#", 1)[0]):
            return number
    return start

"""Pages → HTML through Jinja: the environment and its filters, the only data a
template sees (`context_for`), and rendering one page with errors that name
the template's file and line.

Templates see a read-only view built by `context_for`; StrictUndefined makes
a typo in a template fail the build with the template's file and line.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import jinja2

from feature.core import urls
from feature.core.config import Config
from feature.core.diagnostics import BuildError, Diagnostic
from feature.core.model import Edition
from feature.edition.bylines import credits
from feature.markup.figures import format_number
from feature.printing.forprint import PrintMemo
from feature.share.cards import WIDE

from .assets import Assets
from .charts import charts_for
from .pages import Page, pages_of
from .photos import first_photo, jpeg_only
from .sharing import page_share, poster_for
from .structured import link_from, structured_data_for


class ProcessBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process, for environments
    without a cache folder (a clean build, `print`, the long images). Compiling the
    templates was a quarter of a small clean build, and `print` compiles them again
    after its build. Jinja stores the source's checksum with the code and compiles
    an edited template again; one entry a template (name and file), so it stays small.
    Every environment is made by make_environment with the same settings, which is
    what sharing compiled code needs."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_PROCESS_BYTECODE = ProcessBytecode()


def make_environment(templates_dir: Path, cache_dir: Path | None = None,
                     print_memo: PrintMemo | None = None) -> jinja2.Environment:
    """The templates' environment. `print_memo`: what its `for_print` filter
    remembers (a new one by default: a memo lives as long as its environment)."""
    cache = jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else _PROCESS_BYTECODE
    if cache_dir:
        cache_dir.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True, undefined=jinja2.StrictUndefined, bytecode_cache=cache,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["number"] = format_number     # 2199000000.0 → '2199000000'
    env.filters["chinese_date"] = chinese_date
    env.filters["credits"] = credits          # a byline's reporters grouped under their titles
    env.filters["phrases"] = headline_phrases
    # print.html: links and ids made for paper, remembering rewritten blocks.
    env.filters["for_print"] = (print_memo or PrintMemo()).for_print
    env.filters["jpeg_only"] = jpeg_only      # paper: a photo's JPEG <img> without its <picture> sources
    env.filters["qr_code"] = qr_code          # long_image.html: the article's address as a QR code
    return env


def qr_code(url: str) -> str:
    """An SVG QR code of `url`, as a data: URI for an <img> (segno; error correction M)."""
    import segno
    return segno.make(url, error="m").svg_data_uri(scale=4, dark="#1d1d1f")


def chinese_date(iso: str) -> str:
    """'2019-08-01' → '2019年8月1日', '2019-08' → '2019年8月'; anything else as written."""
    parts = str(iso).split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return str(iso)
    return "".join(f"{int(p)}{unit}" for p, unit in zip(parts, "年月日"))


@dataclass(frozen=True)
class Phrase:
    """A run of a headline kept on one line (templates/partials/phrases.html)."""
    text: str
    space_after: bool = False


_BREAK_AFTER = "，、：；！？。…”’」』）》】〉"
_BREAK_BEFORE = "“‘「『（《【〈"


def headline_phrases(text: str) -> tuple[Phrase, ...]:
    """Where a headline may break on a narrow screen: at the spaces the editor wrote
    and after its punctuation (or before an opening quote), never inside a phrase
    such as 周口在行动: `数说：决胜全面小康 周口在行动` → 数说： | 决胜全面小康 | 周口在行动."""
    phrases = []
    words = text.split()
    for n, word in enumerate(words):
        start = 0
        for i, ch in enumerate(word[:-1]):
            following = word[i + 1]
            if (ch in _BREAK_AFTER and following not in _BREAK_AFTER) or \
                    (following in _BREAK_BEFORE and ch not in _BREAK_BEFORE):
                phrases.append(Phrase(word[start:i + 1]))
                start = i + 1
        phrases.append(Phrase(word[start:], space_after=n + 1 < len(words)))
    return tuple(phrases)


def context_for(page: Page, edition: Edition, config: Config, assets: Assets) -> dict:
    """The only data a template sees."""
    # The 404 page is served at any depth, so its links are absolute from the site root.
    if page.kind == "not_found":
        def url(target: str) -> str:
            return config.site_path + target
    else:
        def url(target: str) -> str:
            return urls.relative(page.output_path, target)
    share = page_share(page, config)
    photo = first_photo(page.article.body_html) if page.article is not None else ""
    images = [link_from(config, p, page.output_path) for p in (share.card.path if share else "", photo) if p]

    def poster(article, figure) -> str:
        """The URL of `figure`'s 数字海报 on this page, or "" when posters are off (or
        the page is printed: print pages show the sidebar, not its downloads)."""
        made = poster_for(article, figure, edition, config) if page.kind in POSTER_PAGES else None
        return url(made.path) if made else ""
    return {
        "site": config,
        "edition": edition,
        "page": page,
        "article": page.article,
        "section": page.section,
        "canonical": urls.absolute(config.site_origin, config.site_path, page.output_path),
        "url": url,
        "asset": lambda name: url(assets.path(name)),
        "paths": urls,
        "share": share and SharedCards(link_from(config, share.card.path, page.output_path),
                                       link_from(config, share.square.path, page.output_path), share.alt),
        "share_image": images[0] if images else "",
        "poster": poster,
        "structured_data": structured_data_for(page.kind, page.article, edition, config, tuple(images)),
        "figure_charts": charts_for,
    }


POSTER_PAGES = ("article", "figures")      # the pages that offer figures' posters


@dataclass(frozen=True)
class SharedCards:
    """The page's share cards as the template links them (absolute when base_url has a host)."""
    card: str                       # 1200×630: og:image, twitter:image
    square: str                     # 600×600: WeChat's thumbnail
    alt: str
    width: int = WIDE[0]
    height: int = WIDE[1]


def render_page(env: jinja2.Environment, page: Page, context: dict) -> bytes:
    try:
        return env.get_template(page.template).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError([Diagnostic(f"templates/{exc.name or page.template}", exc.lineno or 0,
                                     f"template syntax: {exc.message}")]) from None
    except (jinja2.UndefinedError, jinja2.TemplateError, KeyError, TypeError, AttributeError) as exc:
        name, line = _template_frame(page.template, Path(env.loader.searchpath[0]))
        raise BuildError([Diagnostic(name, line, f"{type(exc).__name__}: {exc} "
                                                 f"(while rendering {page.output_path})")]) from None


def _template_frame(default: str, templates_dir: Path) -> tuple[str, int]:
    """Jinja rewrites tracebacks so template frames carry the template's file and line;
    the innermost one is where the problem is."""
    tb = sys.exc_info()[2]
    found = (f"templates/{default}", 0)
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        if filename.is_relative_to(templates_dir):
            found = (f"templates/{filename.relative_to(templates_dir).as_posix()}", tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_site(env, edition: Edition, config: Config, assets: Assets) -> dict[str, bytes]:
    """Render every page → {output path: bytes}."""
    return {page.output_path: render_page(env, page, context_for(page, edition, config, assets))
            for page in pages_of(edition, config)}

"""`python build.py figures content/x.md`: an article's candidate key figures."""
from __future__ import annotations

from feature.core.diagnostics import Diagnostics
from feature.edition.load import load_article
from feature.markup.enrich import body_figures, render_body, sidebar_figures
from feature.markup.figures import format_for_cli
from feature.markup.renderer import MarkdownRenderer

from .options import load_site_config, report_problems


def run(args) -> int:
    """Candidates for an editor to curate: ★ marks what the sidebar shows now."""
    config = load_site_config(args)
    renderer = MarkdownRenderer(allow_raw_html=config.allow_raw_html)
    problems = Diagnostics()
    for path in args.article:
        path = path.resolve()
        if not path.is_relative_to(config.content_dir):
            problems.error(str(path), 0, f"not an article under {config.content_dir}")
            continue
        article = load_article(path, config.content_dir, problems, config.sections)
        if article is None:
            continue
        body = render_body(article, renderer, problems)
        if body is None:
            continue
        figures, text = body_figures(body)
        picks = sidebar_figures(article, figures, text, config.sidebar_figures, problems)
        how = "curated in front matter" if article.curated_figures else "ranked automatically"
        print(f"# {article.headline} — {len(figures)} figures, ★ = sidebar ({how})")
        print(format_for_cli(figures, picks))
    report_problems(problems.items)
    return 1 if problems else 0

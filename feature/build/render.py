"""One page rendered, as both builds render it: the bodies it shows read
(`hydrated`), the template with the page's context (render.templates.context_for),
then the page filters (stages.page_filters).

The incremental builder holds lean articles (bodies.py): their body fields
hold UNREAD until read. Which bodies a page reads follows from its template:
the body fields the template and its includes name (keys.TemplateDeps), and
those the Python it calls reads (`CONTEXT_READS`), of the articles the page
shows: its own article; the articles it names (a print volume, the one print
document, a 数说 part: `page.articles`, the contract the page keys hold the
templates to); the 数说 index's top articles; or, for a page that names
neither (cover, section, the one 数说 page), the whole edition. A template
that uses a body the rule does not read fails loudly (model.BodyNotRead),
never reads 10,000 bodies unseen.
"""
from __future__ import annotations

from dataclasses import replace

from feature.core.config import Config
from feature.core.model import STORED_FIELDS, Edition
from feature.render.assets import Assets
from feature.render.pages import Page
from feature.render.templates import context_for, render_page

from .bodies import full
from .keys import TemplateDeps

# Python the templates reach that reads bodies: name in the template → fields it reads.
CONTEXT_READS = {"figure_charts": ("key_figures",)}
SHARE_IMAGE = ("body_html", "key_figures")   # templates.context_for: the first photo, the cards and posters


def render_one(env, page: Page, edition: Edition, config: Config, assets: Assets, filters,
               deps: TemplateDeps) -> bytes:
    """The page's bytes. Raises BuildError (a template's file and line) when it cannot be rendered."""
    page, edition = hydrated(page, edition, deps)
    data = render_page(env, page, context_for(page, edition, config, assets))
    for keep in filters:
        data = keep(page.output_path, data)
    return data


def stored_fields(deps: TemplateDeps, template: str) -> tuple[str, ...]:
    """The body fields a page drawn by `template` reads (all of them when its
    includes are computed at render time)."""
    names = deps.names(template)
    if names is None:
        return STORED_FIELDS
    reads = set(names)
    for name, fields in CONTEXT_READS.items():
        if name in names:
            reads.update(fields)
    return tuple(f for f in STORED_FIELDS if f in reads)


def hydrated(page: Page, edition: Edition, deps: TemplateDeps) -> tuple[Page, Edition]:
    """The page, and the edition it is rendered with, with the bodies it shows read."""
    fields = stored_fields(deps, page.template)
    changes = {}
    if page.figure_sections and "top" in (deps.names(page.template) or {"top"}):
        changes["figure_sections"] = tuple(replace(s, top_articles=tuple(full(a, ("key_figures",))
                                                                         for a in s.top_articles))
                                           for s in page.figure_sections)
    if page.article is not None:
        changes["article"] = full(page.article, tuple(dict.fromkeys(fields + SHARE_IMAGE)))
        if fields and deps.sees_all(page.template):
            edition = full_edition(edition, fields)
    elif page.articles:
        if fields:
            changes["articles"] = tuple(full(a, fields) for a in page.articles)
    elif fields:
        edition = full_edition(edition, fields)
        if page.section is not None:
            changes["section"] = edition.section(page.section.key)
    return (replace(page, **changes) if changes else page), edition


def full_edition(edition: Edition, fields: tuple[str, ...]) -> Edition:
    """The edition with `fields` of every article read (the same edition when they are)."""
    read = {a.output_path: full(a, fields) for a in edition.articles}
    if all(read[a.output_path] is a for a in edition.articles):
        return edition
    sections = tuple(replace(s, articles=tuple(read[a.output_path] for a in s.articles)) for s in edition.sections)
    return replace(edition, sections=sections, articles=tuple(read[a.output_path] for a in edition.articles))

"""One page rendered, as both builds render it: the template with the page's
context (render.pages.context_for), then the page filters (stages.page_filters)."""
from __future__ import annotations

from feature.core.config import Config
from feature.core.model import Edition
from feature.render.assets import Assets
from feature.render.pages import Page, context_for, render_page


def render_one(env, page: Page, edition: Edition, config: Config, assets: Assets, filters) -> bytes:
    """The page's bytes. Raises BuildError (a template's file and line) when it cannot be rendered."""
    data = render_page(env, page, context_for(page, edition, config, assets))
    for keep in filters:
        data = keep(page.output_path, data)
    return data

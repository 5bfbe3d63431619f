"""The web client: server-rendered French pages (Jinja2 templates in api/templates/), calling the same
services as the JSON API. Every page and form works without JavaScript."""

from __future__ import annotations

from pathlib import Path

from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from api.pages import (
    account_settings,
    accounts,
    archive,
    claims,
    editing,
    home,
    listings,
    maps,
    matches,
    members,
    my_space,
    notifications,
    open_data,
    pledges,
    reports,
)
from market.config import Settings

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

PAGES = [
    home.home,
    home.accessibility,
    *accounts.ACCOUNT_PAGES,
    *my_space.MY_SPACE_PAGES,
    *members.MEMBER_PAGES,
    *account_settings.ACCOUNT_SETTINGS_PAGES,
    *editing.FORM_PAGES,
    *archive.ARCHIVE_PAGES,
    *listings.KIND_PAGES,
    *reports.REPORT_PAGES,
    matches.initiative_matches,
    matches.move_match,
    matches.act_on_pair,
    matches.my_matches,
    notifications.unsubscribe_page,
    notifications.unsubscribe,
    notifications.choose,
    notifications.confirm_page,
    notifications.confirm,
    notifications.fresh_page,
    notifications.fresh,
    *matches.CANDIDATE_PAGES,
    pledges.pledge_form,
    pledges.pledge,
    pledges.pay_in_test_mode,
    maps.outlines,
    *claims.CLAIM_PAGES,
    open_data.open_data,
]


def template_config(settings: Settings, *more: Path) -> TemplateConfig[JinjaTemplateEngine]:
    """The web client's templates and those of `more` directories (the back office's), with the maps'
    tile server (none: the maps draw the department outlines)."""

    def map_settings(engine: JinjaTemplateEngine) -> None:
        engine.engine.globals.update(map_tiles=settings.map_tiles_url, map_attribution=settings.map_attribution)

    return TemplateConfig(directory=[TEMPLATES, *more], engine=JinjaTemplateEngine, engine_callback=map_settings)

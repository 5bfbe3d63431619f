"""The web client: server-rendered French pages (Jinja2 templates in api/templates/), calling the same
services as the JSON API. Every page and form works without JavaScript."""

from __future__ import annotations

from pathlib import Path

from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from api.pages import accounts, home, listings, matches, pledges

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

PAGES = [
    home.home,
    home.accessibility,
    *accounts.ACCOUNT_PAGES,
    listings.new_initiative,
    listings.create_initiative,
    listings.new_volunteer_offer,
    listings.create_volunteer_offer,
    *listings.KIND_PAGES,
    matches.initiative_matches,
    matches.move_match,
    matches.act_on_pair,
    matches.my_matches,
    *matches.CANDIDATE_PAGES,
    pledges.pledge_form,
    pledges.pledge,
    pledges.pay_in_test_mode,
]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine)

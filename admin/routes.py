"""The back office's routes: its pages under /admin/ (moderators and admins only, anonymous visitors
sent to the login page) and the figures as JSON under /api/admin/."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.di import Provide

from admin.guard import provide_staff, to_login
from admin.pages.accounts import ACCOUNT_PAGES
from admin.pages.audit import AUDIT_PAGES
from admin.pages.dashboard import DASHBOARD_PAGES, stats_json
from admin.pages.duplicates import DUPLICATE_PAGES
from admin.pages.imports import IMPORT_PAGES
from admin.pages.matching_settings import MATCHING_SETTINGS_JSON, MATCHING_SETTINGS_PAGES
from admin.pages.moderation import MODERATION_PAGES
from admin.pages.pledges import PLEDGE_PAGES
from market.errors import NotAuthenticated

TEMPLATES = Path(__file__).resolve().parent / "templates"

PAGES = Router(path="/admin", route_handlers=[*MODERATION_PAGES, *AUDIT_PAGES, *ACCOUNT_PAGES,
                                              *DASHBOARD_PAGES, *DUPLICATE_PAGES, *PLEDGE_PAGES,
                                              *MATCHING_SETTINGS_PAGES,
                                              *IMPORT_PAGES],
               dependencies={"staff": Provide(provide_staff)},
               exception_handlers={NotAuthenticated: to_login}, include_in_schema=False)
ROUTES = [PAGES, stats_json, *MATCHING_SETTINGS_JSON]

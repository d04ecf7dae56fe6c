"""`python -m tests.web.screenshots [docs]`: the README's screenshots of the dashboard (the
demo district, 360 px, Telegram's light and dark themes), through Debian's chromium."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.dashboard import web_app
from bot.demo import seed
from storage import migrate
from storage.db import Database
from tests.auxil.launch import fragment, sign_launch
from tests.conftest import make_settings
from tests.web.browser import ARGS, CHROMIUM, DARK, LIGHT, chromium_missing, serving
from tests.web.conftest import EXAMINER_TG, TOKEN, URL


def main(out: Path) -> int:
    if (missing := chromium_missing()) is not None:
        print(f"screenshots: {missing}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/demo.db")
        migrate.upgrade(db)
        with db.session() as session:
            seed(session, tz=ZoneInfo("Asia/Shanghai"))
        with serving(web_app(make_settings(db.url, frontline_webapp_url=URL), db)) as origin, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, theme in (("light", LIGHT), ("dark", DARK)):
                page = browser.new_page(viewport={"width": 360, "height": 780},
                                        device_scale_factor=2)
                page.goto(f"{origin}/dashboard{fragment(sign_launch(TOKEN, EXAMINER_TG), theme)}")
                page.wait_for_selector("#rows .row")
                page.screenshot(path=out / f"dashboard-board-{name}.png")
                page.click("#rows .row")
                page.wait_for_selector("#cadre .strip .cell")
                page.wait_for_timeout(300)
                page.screenshot(path=out / f"dashboard-cadre-{name}.png", full_page=True,
                                clip={"x": 0, "y": 0, "width": 360, "height": 1500})
            browser.close()
        db.dispose()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))

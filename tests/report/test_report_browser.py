"""qasas report as a person sees it: the page opened from disk in a real headless Chromium (Debian's), with no
network. No console errors, every scene on the map, every plot drawn, a scene's details on a click, story text
shown as text (never run), and a screenshot that is not blank."""

from __future__ import annotations

import io
from pathlib import Path

from report_helpers import HOSTILE, Browser

from game.loader import load_story


def open_report(browser: Browser, path: Path) -> None:
    browser.page.goto(path.as_uri())
    browser.page.wait_for_selector("body[data-ready=true]", timeout=60_000)


def test_the_page_draws_every_scene_and_every_plot_without_errors(browser: Browser, report_file, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    story_dir, report = report_file
    story = load_story(str(story_dir))
    open_report(browser, report)
    page = browser.page
    # The map: every scene once on its chapter's map (other chapters' scenes appear there only as outside nodes).
    inside = page.locator('.map:not([data-map="overview"]) .node.scene:not(.outside)')
    assert sorted(inside.evaluate_all("nodes => nodes.map(n => n.dataset.id)")) == sorted(story.scenes)
    assert page.locator('.map[data-map="overview"] .node').count() == len(story.chapters)
    assert page.locator('.map[data-map="two"] .node.routes[data-id="routes:luck"]').count() == 1  # drawn once
    # What nobody reached is marked: the cellar (no way leads there) and the choice whose 'if' never holds.
    assert page.locator('.node.never[data-id="cellar"]').count() == 1
    assert page.locator('.map[data-map="one"] .edge.never[data-choice="gate.fly"]').count() == 1
    assert page.locator('.node[data-id="gate"]:not(.outside) > text').first.text_content().endswith("100% of playthroughs")
    # Every plot is drawn by plotly, with its marks.
    plots = page.locator(".plot")
    assert plots.count() >= 6
    for k in range(plots.count()):
        plot = plots.nth(k)
        assert plot.locator(".main-svg").count() >= 1, plot.get_attribute("id")
        assert plot.locator(".trace, .violin, .bars").count() >= 1, plot.get_attribute("id")
    assert browser.problems == [] and browser.requests == [] and browser.dialogs == []
    # The screenshot a person would see: not blank, and the map's blue shades are on it.
    from PIL import Image

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert image.size == (1400, 1000)
    colours = image.getcolors(maxcolors=1400 * 1000)  # [(count, (r, g, b)), ...]
    assert colours is not None and len(colours) > 50
    background = max(colours)[0]
    assert background < 0.95 * 1400 * 1000  # not one colour nearly everywhere
    assert any(b > 150 and r < 80 and g < 110 for _, (r, g, b) in colours)  # the shade of a scene everyone visits


def test_a_click_shows_a_scene_as_text_and_links_lead_to_it(browser: Browser, report_file) -> None:  # type: ignore[no-untyped-def]
    _, report = report_file
    open_report(browser, report)
    page = browser.page
    page.locator('.map[data-map="one"] .node[data-id="gate"]').click()
    panel = page.locator("#detail")
    assert panel.is_visible()
    assert panel.locator("h2").inner_text() == HOSTILE  # the title, as text: nothing in it ran or rendered
    assert panel.locator("p.where").inner_text().endswith("one.yaml:3")
    text = panel.locator(".scene-text").inner_text()
    assert "{guards} is not markup, nor is <b>this</b> or &amp; that." in text and "Second paragraph." in text
    assert "Offer <i>money</i>" in panel.locator(".choices").inner_text()
    assert panel.locator("img").count() == 0 and panel.locator("b, i, script").count() == 0
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    # A lint warning's link opens the scene it is about.
    page.locator('#lint a.scene-link[data-scene="cellar"]').first.click()
    assert panel.is_visible() and panel.locator("h2").inner_text() == "The Cellar"
    assert "Never reached in 400 playthroughs." in panel.inner_text()
    assert "proven unreachable" in panel.inner_text()
    # And a quicktest verdict's: the choice that can never be taken is in the gate.
    page.locator("#detail .close").click()
    page.locator('#quicktest a.scene-link[data-scene="gate"]', has_text="gate.fly").click()
    assert panel.locator("h2").inner_text() == HOSTILE
    assert "quicktest: proven unreachable" in panel.locator(".choices").inner_text()
    row = page.locator('#quicktest tr.unreachable', has_text="gate.fly")
    assert row.locator("td").nth(2).inner_text() == "proven unreachable"
    # A conditional passage is shown with its condition.
    page.locator("#detail .close").click()
    page.locator('.map[data-map="two"] .node[data-id="road"]').click()
    assert panel.locator("h2").inner_text() == "The Road"
    assert "if guards < 50" in panel.locator(".scene-text").inner_text()
    assert browser.problems == [] and browser.dialogs == [] and browser.requests == []


def test_plot_labels_show_story_text_as_written(browser: Browser, report_file) -> None:  # type: ignore[no-untyped-def]
    _, report = report_file
    open_report(browser, report)
    labels = browser.page.locator("#endings .ytick text").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert "Guards </script>" in labels
    assert browser.page.locator("#endings b, #endings i").count() == 0
    assert browser.dialogs == []

"""Helpers the browser tests share: open the chat and ask, save a screenshot."""

from __future__ import annotations

from pathlib import Path

# Screenshots of every browser test land here (ignored by git) for a person to look at.
ARTIFACTS = Path(__file__).resolve().parents[2] / ".data" / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


def open_and_ask(browser, url: str, text: str, viewport: dict | None = None):
    """A new page on the chat, with ``text`` sent; returns the page (the reply may still be coming)."""
    from playwright.sync_api import expect

    page = browser.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(url + "/", wait_until="domcontentloaded")
    question = page.locator("#question textarea")
    expect(question).to_be_visible(timeout=30_000)
    sent = page.locator("#chat .user-text").filter(has_text=text)
    # A box filled before the page's scripts have taken it over is emptied by them and sends
    # nothing (seen once on a busy machine): until the question shows in the chat, send again.
    for attempt in range(3):
        if attempt and sent.count():  # it did arrive, late
            break
        expect(question).to_be_editable(timeout=30_000)
        question.fill(text)
        page.locator("#question").get_by_role("button", name="发送").click()
        try:
            expect(sent.first).to_be_attached(timeout=15_000)
            break
        except AssertionError:
            continue
    return page


def shot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"\nscreenshot: {path}")
    return path


def ask_next(page, text: str) -> None:
    """Send one more question once the last answer is in. A box still holding the text did not
    send it (the page was finishing the previous reply): Enter is pressed again then."""
    from playwright.sync_api import expect

    box = page.locator("#question textarea")
    expect(box).to_be_editable(timeout=90_000)  # the first load of a busy machine can be slow
    page.wait_for_timeout(500)
    box.fill(text)
    box.press("Enter")
    try:
        expect(box).to_have_value("", timeout=20_000)
    except AssertionError:
        box.press("Enter")
    expect(page.locator("#chat .user-text").last).to_have_text(text, timeout=30_000)

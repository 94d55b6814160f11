"""The staff side in a real headless Chromium: the 文件库 and 条款检索 tabs and the calculator forms.

Each test checks a defect seen by a window clerk trying the page, and saves a screenshot.
"""

from __future__ import annotations

import re

import pytest

from tests.ui.pages import PHONE, ask_next, shot

pytestmark = pytest.mark.integration


def _tab(browser, url: str, name: str, viewport: dict | None = None):
    from playwright.sync_api import expect

    page = browser.new_page()
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(url + "/", wait_until="domcontentloaded")
    tab = page.get_by_role("tab", name=name)
    expect(tab).to_be_visible(timeout=30_000)
    tab.click()
    page.wait_for_timeout(500)  # the tab's boxes are drawn and listening
    return page


def _choose(page, box: str, option: str) -> None:
    """Pick ``option`` in the Gradio dropdown whose element id is ``box``."""
    from playwright.sync_api import expect

    page.locator(f"#{box} input").click()
    choice = page.locator(f"#{box}").get_by_role("option", name=option, exact=True)
    expect(choice).to_be_visible(timeout=15_000)
    page.wait_for_timeout(300)  # the list settles after it opens
    choice.click()
    expect(page.locator(f"#{box} input")).to_have_value(option, timeout=15_000)


def _options(page, box: str) -> list[str]:
    """The choices the dropdown ``box`` offers (opened, read, closed by a click outside)."""
    from playwright.sync_api import expect

    page.locator(f"#{box} input").click()
    options = page.locator(f"#{box}").get_by_role("option")
    expect(options.first).to_be_visible(timeout=15_000)
    names = [o.inner_text().strip().lstrip("✓").strip() for o in options.all()]
    page.locator("h1").first.click()
    expect(options).to_have_count(0, timeout=15_000)
    return names


def test_the_documents_in_force_on_a_date_take_two_clicks(server_url, browser):
    from playwright.sync_api import expect

    page = _tab(browser, server_url, "文件库")  # click 1
    table = page.locator("#library-table")
    expect(table.locator("tbody tr")).to_have_count(19, timeout=30_000)
    expect(table).to_contain_text("闽政[2022]24号")  # both bracket forms of the number
    expect(table).to_contain_text("闽政〔2022〕24号")
    page.locator("#library-scope").get_by_text("在该日有效的", exact=True).click()  # click 2
    expect(table.locator("tbody tr")).not_to_have_count(19, timeout=15_000)
    states = [cell.inner_text() for cell in table.locator("td.state-cell").all()]
    assert states and set(states) == {"有效"}, states
    shot(page, "library-tab-in-force")
    # Another date: the 2024 insurance plan was in force then, not now.
    page.locator("#library-on input, #library-on textarea").first.fill("2024-06-01")
    page.locator("#library-filter").click()
    expect(table).to_contain_text("明政办规〔2023〕5号", timeout=15_000)
    expect(table).to_contain_text("2024-06-01 是否有效")


def test_the_library_on_a_phone_does_not_list_the_gazettes_note_as_a_document(server_url, browser):
    from playwright.sync_api import expect

    page = _tab(browser, server_url, "文件库", viewport=PHONE)
    table = page.locator("#library-table")
    expect(table.locator("tbody tr").first).to_be_visible(timeout=30_000)
    titles = [a.inner_text() for a in table.locator("tbody a").all()]
    assert "《中华人民共和国立法法》第八十六条规定" not in titles
    assert "公报附载：中华人民共和国立法法第八十六条规定" in titles
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width  # the table scrolls in its own box, not the page sideways
    shot(page, "library-tab-phone", full_page=False)


def test_a_number_and_a_section_go_straight_to_the_clause(server_url, browser):
    from playwright.sync_api import expect

    page = _tab(browser, server_url, "条款检索")
    box = page.locator("#search-query textarea, #search-query input").first
    box.fill("明政办规〔2023〕4号 四（五）")
    box.press("Enter")  # one step
    first = page.locator("#search-results li.hit").first
    expect(first.locator(".direct")).to_have_text("直达", timeout=30_000)
    expect(first).to_contain_text("差评处理机制")
    expect(first).to_contain_text("2 个工作日内完成整改反馈")
    href = first.locator("a").get_attribute("href")
    assert re.fullmatch(r"/doc/[^#?]+#clause-[0-9a-f]{16}", href), href
    shot(page, "search-direct")

    box.fill("差评整改")
    page.locator("#search-filters").click()
    page.locator("#search-filters").get_by_label("只查在该日有效的文件（含未载明有效期的）").check()
    page.locator("#search-go").click()
    expect(page.locator("#search-results mark").first).to_be_visible(timeout=30_000)
    expect(page.locator("#search-results")).to_contain_text("找到")
    shot(page, "search-highlighted")


def test_calculator_forms_say_what_is_wrong_next_to_the_box_and_clear_the_old_result(server_url, browser):
    from playwright.sync_api import expect

    page = _tab(browser, server_url, "窗口计算器")
    result = page.locator("#payout-result")
    page.locator("#calc-payout").click()
    expect(result).to_contain_text("计算结果：33,600 元", timeout=30_000)
    cited = result.locator("a").first
    assert cited.get_attribute("href").startswith("/doc/"), "依据条款 link to their clause"

    page.locator("#payout-amount input").fill("-5000")
    page.locator("#calc-payout").click()
    expect(page.locator("#payout-amount")).to_contain_text("不能小于 0（收到 -5000）", timeout=15_000)
    expect(result).not_to_contain_text("计算结果")  # the old 33,600 is gone
    assert "less than" not in page.locator("body").inner_text()
    shot(page, "form-payout-error", full_page=False)

    page.locator("#payout-amount input").fill("300000")
    page.locator("#payout-rate input").fill("150")
    page.locator("#calc-payout").click()
    expect(page.locator("#payout-rate")).to_contain_text("参保率请填 0 到 100 之间的百分数", timeout=15_000)
    expect(result).not_to_contain_text("98,499,999")


def test_deadline_and_staffing_offer_only_valid_choices(server_url, browser):
    from playwright.sync_api import expect

    page = _tab(browser, server_url, "窗口计算器")
    page.get_by_text("办理期限（工作日、自然日）").click()
    expect(page.locator("#deadline-document input")).to_have_value("")  # no rule picked for the clerk
    page.locator("#calc-deadline").click()
    expect(page.locator("#deadline-document")).to_contain_text("请先选择规定期限的文件", timeout=15_000)
    _choose(page, "deadline-document", "明政办规〔2023〕4号")
    expect(page.locator("#deadline-rule")).not_to_contain_text("先选文件", timeout=15_000)
    rules = _options(page, "deadline-rule")
    assert len(rules) == 2 and all("差评" in rule for rule in rules), rules
    _choose(page, "deadline-rule", rules[1])
    page.locator("#calc-deadline").click()
    expect(page.locator("#deadline-result")).to_contain_text("计算结果", timeout=15_000)
    shot(page, "form-deadline", full_page=False)

    page.get_by_text("窗口人员配置（一窗受理改革）").click()
    expect(page.locator("#staffing-key")).to_be_hidden()
    page.locator("#staffing-by").get_by_text("窗口", exact=True).click()
    expect(page.locator("#staffing-key")).to_be_visible(timeout=15_000)
    windows = _options(page, "staffing-key")
    assert "公安综合窗口" in windows and not {"市级", "三元区", "第一阶段", "第二阶段"} & set(windows), windows
    assert not any(re.search(r"[a-z_]{3,}", w) for w in windows), windows  # no internal key
    page.locator("#calc-staffing").click()
    expect(page.locator("#staffing-key")).to_contain_text("请选择要统计的窗口", timeout=15_000)
    _choose(page, "staffing-key", "公安综合窗口")
    page.locator("#calc-staffing").click()
    expect(page.locator("#staffing-result")).to_contain_text("计算结果", timeout=15_000)
    shot(page, "form-staffing", full_page=False)

    page.get_by_text("文件有效期", exact=True).click()
    page.locator("#calc-validity").click()
    expect(page.get_by_text(re.compile("计算结果：(有效|已失效|尚未施行|未载明)")).first).to_be_visible(timeout=15_000)
    shot(page, "form-validity", full_page=False)


def test_every_page_passes_an_accessibility_check(server_url, browser):
    """axe-core (bundled, offline): labels, landmarks, contrast, focus order of the main pages."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    axe = Axe()
    found = {}
    for name in ("政策问答", "文件库", "条款检索", "窗口计算器"):
        page = _tab(browser, server_url, name)
        page.wait_for_timeout(500)
        found[name] = axe.run(page)
        # Each open Gradio page holds its event streams open; Chromium allows six connections per
        # host, so pages left open can starve the next one, which then never gets past "加载中".
        page.close()
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(server_url + "/", wait_until="domcontentloaded")
    for question in ("差评多久内要完成整改反馈？", "我住院自付了3.86万，普惠医联保能赔多少？", "福州的公积金怎么提取"):
        ask_next(page, question)
        expect(page.locator("#chat .state")).to_have_count(page.locator("#chat .user-text").count(), timeout=120_000)
    found["chat on a phone, three replies"] = axe.run(page)
    for path in ("/doc/", "/doc/%E9%97%BD%E6%94%BF%E3%80%942022%E3%80%9522%E5%8F%B7"):
        page.goto(server_url + path, wait_until="domcontentloaded")
        found[path] = axe.run(page)
    broken = {name: result.generate_report() for name, result in found.items() if result.violations_count}
    assert not broken, "\n\n".join(f"{name}:\n{report}" for name, report in broken.items())

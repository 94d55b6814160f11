"""End to end in a real headless Chromium: ask in the chat, open the citation, follow it to the document."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

import pytest

from tests.ui.pages import PHONE, open_and_ask, shot

DOC_NUMBER = "明政办规〔2023〕4号"
# Names the city: the bare "差评多久内要完成整改反馈？" is answered from the province's 闽政〔2022〕24号.
QUESTION = "三明市一窗受理收到差评，多久内要完成整改反馈？"
QUOTE = "2个工作日内完成整改反馈"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.integration
def test_chat_answer_cites_clause_and_links_to_document(server_url, browser):
    from playwright.sync_api import expect

    page = open_and_ask(browser, server_url, QUESTION)

    citation = page.locator("#chat details.citation").filter(has_text=DOC_NUMBER).first
    expect(citation).to_be_attached(timeout=120_000)
    assert QUOTE in _squash(page.locator("#chat .answer-answer").last.inner_text())

    reply = page.locator("#chat .state").last
    expect(reply.locator(".state-label")).to_have_text(re.compile(r"^(回答|部分回答)$"))
    expect(reply.locator(".state-words")).to_contain_text("%")
    citation.locator("summary").click()
    expect(citation).to_have_attribute("open", "")
    summary = citation.locator("summary").inner_text()
    assert "差评处理机制" in summary, summary
    assert summary.startswith("[1]"), summary
    quote = citation.locator("blockquote")
    expect(quote).to_be_visible()
    assert QUOTE in _squash(quote.inner_text())

    shot(page, "chat-desktop")

    with browser.expect_page() as opened:
        citation.get_by_role("link", name="查看原文").click()
    document = opened.value
    document.wait_for_load_state("domcontentloaded")
    url = urlsplit(document.url)
    assert unquote(url.path) == f"/doc/{DOC_NUMBER}"
    anchor = url.fragment
    assert re.fullmatch(r"[A-Za-z0-9_-]+", anchor), anchor

    expect(document.locator("h1")).to_contain_text("一窗受理")
    expect(document.locator("dl.meta")).to_contain_text(DOC_NUMBER)
    target = document.locator(f"section#{anchor}")
    expect(target).to_be_in_viewport()
    expect(target.locator("h2")).to_contain_text("差评处理机制")
    assert QUOTE in _squash(target.inner_text())
    assert document.evaluate("document.querySelector(':target')?.id") == anchor
    highlight = target.evaluate("e => getComputedStyle(e).backgroundColor")
    assert highlight not in ("rgba(0, 0, 0, 0)", "transparent"), highlight
    # The quoted sentence itself is marked, not only its clause.
    marked = target.locator("mark.quoted")
    expect(marked).to_have_count(1)
    assert QUOTE in _squash(marked.inner_text()) and len(_squash(marked.inner_text())) < len(_squash(target.inner_text()))

    shot(document, "document", full_page=False)


@pytest.mark.integration
def test_calculator_tab_computes_a_payout_and_the_chat_answers_a_calculation(server_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(server_url + "/", wait_until="domcontentloaded")
    page.get_by_role("tab", name="窗口计算器").click()
    page.locator("#calc-payout").click()
    expect(page.get_by_text("计算结果：33,600 元")).to_be_visible(timeout=60_000)
    shot(page, "calculator")

    page.get_by_role("tab", name="政策问答").click()
    question = page.locator("#question textarea")
    question.fill("我在三明住院自付了3.86万，没有既往症，普惠医联保能赔多少？")
    question.press("Enter")
    expect(page.locator("#chat").get_by_text("计算结果：33,600 元")).to_be_visible(timeout=120_000)
    expect(page.locator("#chat .state-calculation .state-label").last).to_have_text("计算结果")


@pytest.mark.integration
def test_on_a_phone_a_refusal_says_so_and_links_the_nearest_clauses(server_url, browser):
    from playwright.sync_api import expect

    page = open_and_ask(browser, server_url, "福州的公积金怎么提取", viewport=PHONE)
    state = page.locator("#chat .state-not_found").last
    expect(state.locator(".state-label")).to_have_text("未找到", timeout=120_000)
    expect(state).to_be_in_viewport()  # the reply's first line, not its last source, is what the user sees
    nearest = page.locator("#chat .nearest a")
    expect(nearest.first).to_be_attached()
    assert nearest.first.get_attribute("href").startswith("/doc/")
    shot(page, "chat-phone-refusal")


@pytest.mark.integration
def test_the_library_lists_the_documents_and_old_brackets_still_open_one(server_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(server_url + "/doc/", wait_until="domcontentloaded")
    expect(page.locator("h1")).to_have_text("已收录的文件（19 份）")
    expect(page.locator("table.library tbody tr")).to_have_count(19)
    shot(page, "library")
    page.get_by_role("link", name=re.compile("加快推进政务服务标准化规范化便利化")).first.click()
    expect(page.locator("dl.meta")).to_contain_text("24号")
    page.goto(server_url + "/doc/" + quote("闽政[2022]24号", safe=""), wait_until="domcontentloaded")
    expect(page.locator("h1")).to_contain_text("加快推进政务服务标准化规范化便利化")
    assert unquote(urlsplit(page.url).path) == "/doc/闽政〔2022〕24号"
    expect(page.locator("details.contents a").first).to_be_visible()
    row = page.locator("table.rows tr.clause").first
    row.scroll_into_view_if_needed()
    expect(page.locator("table.rows th").first).to_have_text("序号")
    shot(page, "document-table", full_page=False)


@pytest.mark.integration
def test_a_dislike_with_a_comment_is_stored(server_url, browser, real_config):
    from playwright.sync_api import expect

    from assistant.feedback import FeedbackStore

    store = FeedbackStore(real_config.feedback_path)
    before = len(store.rows())
    page = open_and_ask(browser, server_url, "普惠医联保的保费是多少？")
    expect(page.locator("#chat .state").last).to_be_visible(timeout=120_000)
    dislike = page.locator('#chat button[aria-label="没帮助"]')
    expect(dislike.last).to_be_visible(timeout=15_000)
    dislike.last.click()
    comment = page.locator("#feedback-comment textarea")
    expect(comment).to_be_visible(timeout=15_000)
    expect(comment).to_be_in_viewport()  # opens by the rated reply, not below the examples
    comment.fill("保费写得不够清楚，请回电13800138000")
    comment.press("Enter")
    expect(comment).to_be_hidden(timeout=15_000)
    shot(page, "chat-feedback")
    rows = store.rows()
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["rating"], row["comment"]) == ("down", "保费写得不够清楚，请回电[手机号]")
    assert row["question"] == "普惠医联保的保费是多少？" and row["kind"] and row["answer"]


@pytest.mark.integration
def test_the_first_screen_says_what_is_covered_and_an_example_sends_at_once(server_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(server_url + "/", wait_until="domcontentloaded")
    expect(page.locator("#chat")).to_contain_text("已收录的 18 份文件", timeout=30_000)
    expect(page.locator("#chat")).to_contain_text("不能代替主管部门的正式答复")
    shot(page, "first-screen-phone", full_page=False)
    # The examples are on the first screen of a phone, inside the empty chat, and send when clicked.
    example = page.locator("#chat").get_by_role("button", name="差评多久内要完成整改反馈？")
    expect(example).to_be_in_viewport()
    expect(page.locator("#question textarea")).to_be_in_viewport()
    example.click()
    expect(page.locator("#chat .state").last).to_be_visible(timeout=120_000)
    expect(page.locator("#chat .user-text").last).to_have_text("差评多久内要完成整改反馈？")
    # Later, the examples under the box still send at once.
    page.locator("#examples").get_by_role("button", name="福建省政府质量奖多久评审一次？").click()
    expect(page.locator("#chat .state")).to_have_count(2, timeout=120_000)


@pytest.mark.integration
def test_the_conversation_survives_a_reload_until_it_is_cleared(server_url, browser):
    from playwright.sync_api import expect

    page = open_and_ask(browser, server_url, QUESTION)
    expect(page.locator("#chat .state").last).to_be_visible(timeout=120_000)
    page.wait_for_timeout(1000)  # the browser stores the turn after the reply is shown
    page.reload(wait_until="domcontentloaded")
    expect(page.locator("#chat .user-text").last).to_have_text(QUESTION, timeout=30_000)
    expect(page.locator("#chat .state")).to_have_count(1)
    page.locator("#clear").click()
    expect(page.locator("#chat .state")).to_have_count(0)
    page.wait_for_timeout(1000)
    page.reload(wait_until="domcontentloaded")
    expect(page.locator("#chat")).to_contain_text("已收录的", timeout=30_000)
    expect(page.locator("#chat .state")).to_have_count(0)


@pytest.mark.integration
def test_the_pages_work_under_their_security_headers(server_url, browser):
    """The content policy blocks nothing the chat, the staff tabs or a document page need."""
    from playwright.sync_api import expect

    refused = []
    browser.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page = open_and_ask(browser, server_url, QUESTION)
    expect(page.locator("#chat .state")).to_have_count(1, timeout=120_000)
    for name in ("文件库", "条款检索", "窗口计算器"):
        page.get_by_role("tab", name=name).click()
        page.wait_for_timeout(300)
    response = page.goto(server_url + "/doc/" + quote(DOC_NUMBER), wait_until="load")
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(page.locator("h1")).to_contain_text("一窗受理")
    assert not refused, refused


@pytest.mark.integration
def test_the_benefit_table_reads_as_a_table_with_the_quoted_cell_marked(server_url, browser):
    """The 普惠医联保 benefit table, whose extracted text lists one cell per line, is shown as the
    printed grid: a row's values line up under their 责任 and a quoted amount is highlighted."""
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(server_url + "/doc/" + quote("明政办规〔2023〕5号") + "?hl=" + quote("2万元"), wait_until="domcontentloaded")
    grid = page.locator("table").filter(has_text="年免赔额")
    expect(grid).to_have_count(1)
    row = grid.locator("tr").filter(has_text="年免赔额")
    expect(row.locator("td")).to_have_text(["0.5万元", "2万元", "0.5万元", "2万元", "2万元"])
    expect(grid.locator("th").filter(has_text="责任一")).to_have_count(1)
    expect(grid.locator("mark").first).to_be_visible()
    grid.scroll_into_view_if_needed()
    shot(page, "document-benefit-table", full_page=False)
    page.close()

"""The chat as a citizen uses it, in a real headless Chromium: quick replies, inputs shown
back for correction, copy, retry, the date field, listing what is covered, no internal names."""

from __future__ import annotations

import re

import pytest

from tests.ui.pages import PHONE, ask_next, open_and_ask, shot

pytestmark = pytest.mark.integration


def _reply(page, count: int):
    """Wait until the chat shows ``count`` replies; the last one."""
    from playwright.sync_api import expect

    expect(page.locator("#chat .state")).to_have_count(count, timeout=120_000)
    return page.locator("#chat .state").last


def _message_button(page, name: str):
    """The last reply's button whose accessible name matches ``name`` (English or Chinese UI)."""
    from playwright.sync_api import expect

    button = page.locator("#chat").get_by_role("button", name=re.compile(name)).last
    expect(button).to_be_visible(timeout=15_000)
    return button


def test_on_a_phone_a_clarifying_question_offers_its_answers_and_the_inputs_come_back_to_edit(server_url, browser):
    from playwright.sync_api import expect

    page = open_and_ask(browser, server_url, "我住院自付了3.86万，普惠医联保能赔多少？", viewport=PHONE)
    expect(_reply(page, 1).locator(".state-label")).to_have_text("需要补充信息")
    inside = page.locator("#chat").get_by_role("button", name="在三明市内住院")
    expect(inside).to_be_visible()
    shot(page, "chat-phone-quick-replies", full_page=False)
    inside.click()
    expect(_reply(page, 2).locator(".state-label")).to_have_text("需要补充信息")
    page.locator("#chat").get_by_role("button", name="没有", exact=True).click()
    reply = _reply(page, 3)
    expect(reply.locator(".state-label")).to_have_text("计算结果")
    expect(reply).to_be_in_viewport()  # the value, not the last source, is what the user sees
    expect(page.locator("#chat .understood").last).to_contain_text("医保报销后自付：38,600 元")
    expect(page.locator("#chat .understood").last).to_contain_text("特定既往症：无")
    assert page.locator("#chat").get_by_role("button", name="有", exact=True).count() == 0  # old buttons are gone
    nested = page.evaluate(
        """() => [...document.querySelectorAll('#chat, #chat *')].filter(e => {
             const style = getComputedStyle(e);
             return ['auto', 'scroll'].includes(style.overflowY) && e.scrollHeight > e.clientHeight + 2;
           }).length"""
    )
    assert nested == 0, "the conversation scrolls inside the scrolling page"
    shot(page, "chat-phone-calculation", full_page=False)
    page.locator("#chat").get_by_role("button", name="修改条件").click()
    expect(page.locator("#question textarea")).to_have_value(re.compile("3.86万.*没有|没有.*3.86万"), timeout=15_000)
    expect(page.locator("#question textarea")).to_be_in_viewport()  # the box stays on screen


def test_a_payout_lists_each_source_once_without_internal_names(server_url, browser):
    from playwright.sync_api import expect

    page = open_and_ask(browser, server_url, "我在三明住院自付了3.86万，没有既往症，普惠医联保能赔多少？")
    expect(_reply(page, 1).locator(".state-label")).to_have_text("计算结果")
    summaries = [s.inner_text() for s in page.locator("#chat details.citation summary").all()]
    labels = [re.sub(r"^\[\d+\]\s*", "", s) for s in summaries]
    assert summaries and len(labels) == len(set(labels)), summaries
    assert all(len(s) < 80 for s in summaries), summaries  # short name, number and section, not the 40-character title twice
    ask_next(page, "高峰期每小时来60人，每人平均办10分钟，希望平均等5分钟，要开几个窗口？")
    _reply(page, 2)
    # No internal key: no snake_case name, and none of the calculators' keys, glued to Chinese or not.
    leaked = re.findall(r"(?<![A-Za-z])(?:[a-z]+(?:_[a-z]+)+|police|general|level|window|phase|role|group|all)(?![A-Za-z])", page.locator("#chat").inner_text())
    assert not leaked, leaked


def test_copy_gives_plain_text_with_the_sources(server_url, browser):
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    page = open_and_ask(browser, server_url, "三明市一窗受理收到差评，多久内要完成整改反馈？")
    _reply(page, 1)
    _message_button(page, "^复制$").click()
    page.wait_for_timeout(500)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "<" not in copied and "class=" not in copied, copied[:200]
    assert "依据：" in copied and "[1] 《" in copied and "明政办规〔2023〕4号" in copied, copied


def test_retry_asks_the_same_question_again(server_url, browser):
    from playwright.sync_api import expect

    page = open_and_ask(browser, server_url, "三明市一窗受理收到差评，多久内要完成整改反馈？")
    first = _reply(page, 1).element_handle()
    _message_button(page, "^重新回答$").click()
    page.wait_for_function("reply => !reply.isConnected", arg=first, timeout=60_000)  # the reply was answered anew
    _reply(page, 1)  # replaced, not added
    expect(page.locator("#chat .user-text")).to_have_count(1)


def test_the_date_field_reads_chinese_dates_and_leaves_the_question_box_its_width_on_a_phone(server_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    page.set_viewport_size(PHONE)
    page.goto(server_url + "/", wait_until="domcontentloaded")
    box = page.locator("#question textarea")
    expect(box).to_be_visible(timeout=30_000)
    assert page.locator("#question").bounding_box()["width"] > 0.8 * PHONE["width"]  # not squeezed by the date field
    page.locator("#advanced").click()
    date_box = page.locator("#as-of textarea, #as-of input").first
    expect(page.locator("#advanced")).to_contain_text("默认是今天")
    date_box.fill("2024年6月1日")
    box.fill("普惠医联保现在还有效吗？")
    box.press("Enter")
    reply = _reply(page, 1)
    expect(reply.locator(".state-label")).not_to_have_text("未找到")
    assert "无法识别" not in page.locator("#chat").inner_text()
    shot(page, "chat-phone-date", full_page=False)


def test_asked_what_it_covers_it_lists_the_documents(server_url, browser):
    from playwright.sync_api import expect

    page = open_and_ask(browser, server_url, "福建省人民政府办公厅发了哪些文件？")
    reply = _reply(page, 1)
    expect(reply.locator(".state-label")).to_have_text("回答")
    answer = page.locator("#chat .answer-answer").last
    expect(answer).to_contain_text("已收录福建省人民政府办公厅印发的文件共 2 份")
    expect(answer).to_contain_text("闽政办〔2022〕43号")  # one bracket style, whatever the gazette printed


# Every label a screen reader or a hover shows, outside the answers themselves.
_LABELS = """() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
  .flatMap(el => ['aria-label', 'title', 'placeholder'].map(a => el.getAttribute(a)).filter(Boolean))"""


def test_gradios_own_labels_are_chinese_even_in_a_browser_set_to_english(server_url, english_browser):
    page = open_and_ask(english_browser, server_url, "三明市一窗受理收到差评，多久内要完成整改反馈？")
    _reply(page, 1)
    _message_button(page, "^复制$")
    labels = page.evaluate(_LABELS)
    english = sorted({label for label in labels if re.search(r"[A-Za-z]{3,}", label) and not re.search(r"[\u4e00-\u9fff]", label)})
    assert not english, english
    assert {"复制", "重新回答", "有帮助", "没帮助", "对话记录"} <= set(labels)

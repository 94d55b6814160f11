"""The web chat (Gradio) and the document pages, served by one uvicorn server.

Usage::

    serve(settings.load())          # what `policy-assistant serve` runs

``build_app`` returns the Gradio Blocks for an ``Assistant``; ``create_server`` mounts it
into a FastAPI app next to ``GET /doc/{doc_id}``. All formatting lives in ``ui.render``.
"""

from __future__ import annotations

import json
import logging
import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported anywhere below

import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from datetime import date  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from assistant.boundary import InputError, checked_date, clean_text, history_turns, question_request, question_text  # noqa: E402
from assistant.errors import AssistantError, IngestError  # noqa: E402
from assistant.feedback import Feedback, FeedbackStore  # noqa: E402
from assistant.journal import Journal  # noqa: E402
from assistant.types import Answer, Turn, json_safe  # noqa: E402
from ui import render  # noqa: E402
from ui.hardening import Hardened  # noqa: E402
from ui.routes import ASK_ROUTE, MAX_API_BYTES  # noqa: E402
from starlette.requests import Request  # noqa: E402  (module level: FastAPI reads route annotations from here)

if TYPE_CHECKING:
    import fastapi
    import gradio as gr

    from assistant.service import Assistant
    from assistant.settings import Config

TITLE = "政策问答助手"
DESCRIPTION = "根据已收录的政府公报回答政策问题，每个回答都附上原文条款，点开可核对出处。"
APOLOGY = "抱歉，处理这个问题时出了点问题，请稍后再试或换个问法。"
THINKING = "正在查找相关条款……"

# Styles for the chat's citation boxes (passed to Gradio as app-level CSS).
CSS = """
.citations { margin-top: .6em; }
details.citation { border: 1px solid var(--border-color-primary); border-radius: 6px;
                   padding: .3em .7em; margin: .4em 0; background: var(--background-fill-secondary); }
details.citation summary { cursor: pointer; font-weight: 600; }
details.citation blockquote { margin: .4em 0; padding-left: .8em; border-left: 3px solid var(--border-color-accent); }
.state { display: flex; flex-wrap: wrap; align-items: center; gap: .5em; margin-bottom: .4em; font-size: .9em;
         scroll-margin-top: 3em; }
.state-label { font-weight: 700; padding: .05em .6em; border-radius: 999px; color: #fff; }
.state-answer .state-label { background: #1a7f37; }
.state-partial .state-label { background: #9a6700; }
.state-calculation .state-label { background: #0969da; }
.state-clarify .state-label { background: #8250df; }
.state-not_found .state-label { background: #6e7781; }
.state-words { color: #4d5560; }
/* The question box stays at the bottom of the screen while the conversation scrolls by. */
.form:has(> #question) { position: sticky; bottom: 0; z-index: 10; box-shadow: 0 -4px 12px rgba(0, 0, 0, .08); }
.gradio-container { overflow: clip !important; }  /* hidden would make it the box the question sticks in */
/* Gradio draws a reply's text at 80% opacity, which takes the state label and words under 4.5:1. */
#chat .message-content .md { opacity: 1; }
.sources-title { font-weight: 600; margin-top: .6em; }
sup.marker { color: var(--link-text-color); font-weight: 600; }
.source-number { color: var(--link-text-color); }
.nearest ol { margin: .2em 0 0 1.2em; padding: 0; }
.understood { margin-top: .5em; padding: .3em .7em; border-radius: 6px; background: var(--background-fill-secondary); }
.understood ul { margin: .2em 0 0 1.2em; padding: 0; }
.library-wrap { overflow-x: auto; }
table.library { border-collapse: collapse; width: 100%; font-size: .92em; }
table.library th, table.library td { border-bottom: 1px solid var(--border-color-primary); padding: .3em .5em;
                                     text-align: left; vertical-align: top; }
table.library th { background: var(--background-fill-secondary); position: sticky; top: 0; }
table.library { min-width: 44rem; }  /* on a phone the table scrolls in its box, not one character per line */
.other-form { color: #57606a; }
/* Gradio's orange (primary buttons, the selected tab) is 2.8:1 against white; this orange is 5.2:1 (WCAG AA). */
:root, .dark { --color-accent: #c2410c; --button-primary-background-fill: #c2410c; --button-primary-background-fill-hover: #9a3412;
               --button-primary-border-color: #c2410c; --button-primary-text-color: #fff; }
ol.hits { padding-left: 1.4em; }
li.hit { margin: .6em 0; }
li.hit-direct { background: var(--background-fill-secondary); padding: .3em .5em; border-radius: 6px; }
.direct { font-weight: 700; color: #fff; background: #1a7f37; border-radius: 999px; padding: 0 .5em; font-size: .85em; }
.hit-text { margin-top: .2em; }
mark { background: #fff3a3; color: inherit; padding: 0 .1em; }
.calculation a, .hit a, .library a { color: var(--link-text-color); }
/* A long choice (保险责任) ends in "…" before the arrow instead of running under it. */
input[role="combobox"] { text-overflow: ellipsis; min-width: 0; }
"""


# Gradio marks the empty chat's example buttons up as role="list" with buttons for items, which
# screen readers announce wrongly (axe: aria-required-children); they are a group of buttons.
# Two of its labels are English in every language (the chat log, the tabs' overflow button).
EXAMPLES_ROLE = """
  const labels = {'chatbot conversation': '对话记录', 'More tabs': '更多标签页'};
  new MutationObserver(() => {
    for (const list of document.querySelectorAll('#chat .examples[role="list"]')) {
      list.setAttribute('role', 'group');
      list.setAttribute('aria-label', '示例问题');
    }
    for (const [english, chinese] of Object.entries(labels)) {
      for (const el of document.querySelectorAll(`[aria-label="${english}"]`)) el.setAttribute('aria-label', chinese);
    }
  }).observe(document.body, {childList: true, subtree: true});
"""

# Gradio's own button labels, in Chinese whatever the browser's language: its zh-CN catalogue
# lacks some ("Copy message"), and a browser set to another language would show English.
GRADIO_LABELS = {
    "chatbot.copy_message": "复制",
    "chatbot.copied_message": "已复制",
    "chatbot.retry": "重新回答",
    "chatbot.like": "有帮助",
    "chatbot.dislike": "没帮助",
    "chatbot.clear": "清空对话",
    "chatbot.edit": "修改",
    "chatbot.undo": "撤销",
    "chatbot.submit": "发送",
    "chatbot.cancel": "取消",
    "chatbot.complete": "完成",
    "common.clear": "清空",
    "common.complete": "完成",
}

# Run when the page loads. The chat's copy button copies a message's content, which is HTML: put
# the plain text each reply carries (``render.plain_text``, in its hidden [data-plain] block) on
# the clipboard instead.
ON_LOAD = """() => {
""" + EXAMPLES_ROLE + """
  // A picked choice longer than its box is shown from its start ("责任一：…"), not scrolled to its end.
  document.addEventListener('change', (event) => {
    if (event.target.matches?.('input[role="combobox"]')) setTimeout(() => { event.target.scrollLeft = 0; }, 0);
  }, true);
  document.addEventListener('focusout', (event) => {
    if (event.target.matches?.('input[role="combobox"]')) event.target.scrollLeft = 0;
  }, true);
  const clipboard = navigator.clipboard;
  if (!clipboard || clipboard.__plain) return;
  const write = clipboard.writeText.bind(clipboard);
  clipboard.writeText = (text) => {
    if (typeof text === 'string' && text.includes('data-plain=')) {
      const found = new DOMParser().parseFromString(text, 'text/html').querySelector('[data-plain]');
      if (found) return write(found.getAttribute('data-plain'));
    }
    if (typeof text === 'string' && text.trim().startsWith('<div')) {
      return write(new DOMParser().parseFromString(text, 'text/html').body.innerText);
    }
    return write(text);
  };
  clipboard.__plain = true;
}"""


# After 👍/👎: bring the optional comment box into view (it opens under the chat).
SHOW_COMMENT = """() => {
  setTimeout(() => document.querySelector('#feedback-comment textarea')?.scrollIntoView({block: 'center', behavior: 'instant'}), 50);
}"""


# After a reply: scroll the chat so the reply's state and first line are in view, not its last source.
SHOW_LATEST = """() => {
  const states = document.querySelectorAll('#chat .state');
  if (states.length) states[states.length - 1].scrollIntoView({block: 'start', behavior: 'instant'});
}"""


def build_app(assistant: Assistant, journal: Journal | None = None) -> gr.Blocks:
    """The page: the chat (conversation, question box with its send button, clear, date, examples),
    the 文件库 and 条款检索 tabs for staff, and the calculator forms. Each question, error and
    rating is written to ``journal`` when one is given."""
    import gradio as gr

    from assistant.service import EXAMPLES
    from ui.calculator_forms import calculator_forms
    from ui.clause_search import search_tab
    from ui.library import library_tab

    store = FeedbackStore(assistant.config.feedback_path)

    def respond(question: str, as_of_text: str, turns: list[dict]):
        """Show the question at once, then the answer (or an error message) when it is ready."""
        question = clean_text(question) if isinstance(question, str) else ""
        turns = [t for t in turns if isinstance(t, dict)] if isinstance(turns, list) else []
        pending = turns[-KEPT_TURNS:] + [{"role": "user", "text": question, "html": render.user_html(question)}]
        yield "", _messages(pending) + [{"role": "assistant", "content": render.message_html(THINKING)}], pending, gr.skip()
        reply_text, reply_html, answer = _reply(assistant, question, as_of_text, turns, journal)
        reply = {"role": "assistant", "text": reply_text, "html": reply_html}
        if answer is not None:
            reply["rated"] = _rated(answer, question, as_of_text)
            reply.update(_offered(answer))
        # The chat shows, sends and keeps the last KEPT_TURNS messages only: each turn sends the
        # whole chat to the browser, so a long conversation must not grow it without end.
        done = (pending + [reply])[-KEPT_TURNS:]
        yield "", _messages(done), done, done

    def pick(turns: list[dict], data: gr.SelectData):
        """A button under the last reply: a quick reply is sent as the user's answer;
        修改条件 puts the question as the calculator read it in the box to edit."""
        value = data.value.get("value") if isinstance(data.value, dict) else data.value
        last = (turns or [{}])[-1]
        if value == EDIT:  # never sent as a question, even when a stored turn lost what it restates
            restated = last.get("restated")
            return (gr.update(value=restated) if isinstance(restated, str) else gr.skip()), False
        return str(value or ""), bool(value)

    pick.__annotations__["data"] = gr.SelectData

    def retry(as_of_text: str, turns: list[dict], data: gr.RetryData):
        """🔄 on a reply: ask its question again (what came after it is dropped)."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turns = list(turns or [])
        asked = next((i for i in range(min(index, len(turns) - 1), -1, -1) if turns[i]["role"] == "user"), None)
        if asked is None:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        yield from respond(turns[asked]["text"], as_of_text, turns[:asked])

    retry.__annotations__["data"] = gr.RetryData

    def example_text(data: gr.SelectData) -> str:
        """The question of an example clicked in the empty chat."""
        value = data.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value or "")

    example_text.__annotations__["data"] = gr.SelectData

    def send_picked(question: str, as_of_text: str, turns: list[dict], go: bool):
        if not go:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        yield from respond(question, as_of_text, turns)

    def rate(turns: list[dict], data: gr.LikeData):
        """👍/👎 on a reply: stored at once; the comment box opens for an optional word."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = (turns or [])[index] if 0 <= index < len(turns or []) else {}
        if not isinstance(turn.get("rated"), dict) or data.liked not in (True, False):
            return None, gr.update(visible=False)
        try:  # the turn may come back from the browser's storage: take only what a rating holds
            fields = {k: v for k, v in turn["rated"].items() if k in RATED_FIELDS}
            record_id = store.record(Feedback(rating="up" if data.liked else "down", settings=_settings(assistant), **fields))
        except (TypeError, ValueError):
            return None, gr.update(visible=False)
        if journal is not None:
            journal.event("rating", answer_id=fields.get("answer_id"), rating="up" if data.liked else "down", kind=fields.get("kind"))
        return record_id, gr.update(visible=True, value="")

    rate.__annotations__["data"] = gr.LikeData  # resolved here: this module's annotations are strings

    def explain(record_id, text: str):
        if record_id is not None and (text or "").strip():
            store.comment(int(record_id), text.strip())
            gr.Info("已收到您的说明，谢谢。")
        return gr.update(visible=False, value="")

    def clear():
        return "", [], [], []

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"# {TITLE}\n{DESCRIPTION}")
        with gr.Tabs():
            with gr.Tab("政策问答", id="chat-tab"):
                turns = gr.State([])
                # The conversation also lives in the browser, so a reload does not lose it.
                saved = gr.BrowserState([], storage_key="policy-assistant-conversation")
                chatbot = gr.Chatbot(
                    label="对话",
                    height=None,  # grows with the conversation: the page scrolls, not a box inside it
                    min_height="30vh",
                    max_height=None,
                    elem_id="chat",
                    latex_delimiters=[],  # "$" in policy text is money, not maths
                    feedback_options=("Like", "Dislike"),
                    buttons=["copy"],
                    placeholder=render.coverage_text(list(assistant.index.documents.values())),
                    examples=[{"text": example} for example in EXAMPLES[:4]],  # in the empty chat: the first screen of a phone
                    show_label=False,
                    autoscroll=False,  # SHOW_LATEST brings the new reply's first line into view instead
                )
                # Opens right under the conversation after 👍/👎, where the rated reply is.
                comment = gr.Textbox(
                    label="谢谢评价！想补充说明吗？（可选，例如哪里不对、应该引用哪一条）",
                    visible=False,
                    max_lines=3,
                    elem_id="feedback-comment",
                    submit_btn="提交说明",
                )
                question = gr.Textbox(
                    label="问题",
                    placeholder="例如：" + EXAMPLES[0],
                    lines=1,
                    max_lines=4,
                    elem_id="question",
                    autofocus=True,
                    submit_btn="发送",  # inside the box, which stays at the bottom of the screen
                )
                reset = gr.Button("清空对话", variant="secondary", elem_id="clear", size="sm")
                with gr.Accordion("高级：按哪一天判断文件是否有效", open=False, elem_id="advanced"):
                    as_of = gr.Textbox(
                        label="日期",
                        info="默认是今天。想知道某一天当时的规定（例如文件已经过期或还没施行），就填那一天，如 2024-06-01 或 2024年6月1日。",
                        value=lambda: date.today().isoformat(),
                        max_lines=1,
                        elem_id="as-of",
                    )
                outputs = [question, chatbot, turns, saved]
                gr.Markdown("**示例问题**（点一下就发送）")
                with gr.Row(elem_id="examples"):
                    for example in EXAMPLES:
                        button = gr.Button(example, size="sm", variant="secondary", min_width=120)
                        button.click(lambda text=example: text, outputs=[question], api_visibility="private", queue=False).then(
                            respond, inputs=[question, as_of, turns], outputs=outputs, api_visibility="private", concurrency_id="ask"
                        ).then(None, js=SHOW_LATEST)

                # One queue for questions however they were sent, answering config.workers at a time.
                question.submit(respond, inputs=[question, as_of, turns], outputs=outputs, api_name="ask", concurrency_id="ask").then(
                    None, js=SHOW_LATEST
                )
                chatbot.example_select(
                    example_text, outputs=[question], api_visibility="private", queue=False
                ).then(respond, inputs=[question, as_of, turns], outputs=outputs, api_visibility="private", concurrency_id="ask").then(
                    None, js=SHOW_LATEST
                )
                rated = gr.State(None)
                go = gr.State(False)
                chatbot.option_select(pick, inputs=[turns], outputs=[question, go], api_visibility="private", queue=False).then(
                    send_picked, inputs=[question, as_of, turns, go], outputs=outputs, api_visibility="private", concurrency_id="ask"
                ).then(None, js=SHOW_LATEST)
                chatbot.retry(retry, inputs=[as_of, turns], outputs=outputs, api_visibility="private", concurrency_id="ask").then(
                    None, js=SHOW_LATEST
                )
                chatbot.like(rate, inputs=[turns], outputs=[rated, comment], api_visibility="private", queue=False).then(
                    None, js=SHOW_COMMENT
                )
                comment.submit(explain, inputs=[rated, comment], outputs=[comment], api_visibility="private", queue=False)
                reset.click(clear, outputs=outputs, api_visibility="private", queue=False)
                chatbot.clear(clear, outputs=outputs, api_visibility="private", queue=False)  # its own trash icon

                app.load(_restored, inputs=[saved], outputs=[chatbot, turns], api_visibility="private", queue=False)

            with gr.Tab("文件库", id="library-tab"):
                library_tab(list(assistant.index.documents.values()), assistant.validity)
            with gr.Tab("条款检索", id="search-tab"):
                search_tab(assistant)
            with gr.Tab("窗口计算器", id="calc-tab"):
                calculator_forms(assistant.validity, assistant.citation)
    # Several questions are answered at once (the model and the index are shared read-only);
    # the rest wait in line in the order they came.
    app.queue(default_concurrency_limit=assistant.config.workers)
    return app


LOOPBACK = ("127.0.0.1", "localhost", "::1")
KEPT_TURNS = 40  # messages shown, sent and kept in the browser (20 questions and answers)
RATED_FIELDS = ("answer_id", "question", "answer", "kind", "confidence", "clause_ids", "doc_numbers", "as_of")


def _restored(saved) -> tuple[list[dict], list[dict]]:
    """Chat and history from what the browser kept; anything malformed is dropped, not shown."""
    turns = [
        t
        for t in (saved if isinstance(saved, list) else [])
        if isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("text"), str) and isinstance(t.get("html"), str)
    ][-KEPT_TURNS:]
    return _messages(turns), turns


def _messages(turns: list[dict]) -> list[dict]:
    """Chatbot value (Gradio 6 messages format) from the stored turns; the buttons of a reply
    are offered only while it is the last one."""
    messages = [{"role": t["role"], "content": t["html"]} for t in turns]
    if turns and turns[-1]["role"] == "assistant" and isinstance(turns[-1].get("options"), list):
        messages[-1]["options"] = [{"value": o, "label": o} for o in turns[-1]["options"] if isinstance(o, str)]
    return messages


EDIT = "修改条件"


def _offered(answer: Answer) -> dict:
    """The buttons under a reply: the quick replies to a question, or 修改条件 under a calculation."""
    if answer.kind == "clarify" and answer.clarification is not None and answer.clarification.choices:
        return {"options": list(answer.clarification.choices)}
    if answer.kind == "calculation" and answer.restated:
        return {"options": [EDIT], "restated": answer.restated}
    return {}


def _reply(
    assistant: Assistant, question: str, as_of_text: str, turns: list[dict], journal: Journal | None = None
) -> tuple[str, str, Answer | None]:
    """(plain text kept as history, HTML shown, the answer) for one question; errors become
    messages (and no answer). What happened goes to ``journal``."""
    started, request_id = time.perf_counter(), uuid.uuid4().hex[:12]
    as_of = _as_of(as_of_text)
    try:
        if as_of is None:
            today = date.today()
            raise InputError(f"日期“{str(as_of_text or '').strip()[:40]}”无法识别，请写成 {today.isoformat()} 或 {today.year}年{today.month}月{today.day}日 这样。")
        question = question_text(question)
        as_of = checked_date(as_of, "日期")
    except InputError as error:
        if journal is not None:
            journal.refused("web", request_id, str(question or ""), str(error), time.perf_counter() - started)
        return str(error), render.message_html(str(error)), None
    try:
        answer = assistant.ask(question, history=_history(turns), as_of=as_of)
    except (AssistantError, IngestError) as error:
        if journal is not None:
            journal.refused("web", request_id, question, str(error), time.perf_counter() - started)
        return str(error), render.message_html(str(error)), None
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        if journal is not None:
            journal.failed("web", request_id, question, error, time.perf_counter() - started)
        return APOLOGY, render.message_html(APOLOGY), None
    if journal is not None:
        journal.answered("web", request_id, question, answer, time.perf_counter() - started)
    return answer.answer, render.answer_html(answer), answer


def _history(turns: list[dict]) -> list[Turn]:
    """The conversation kept in the browser as turns; a stored conversation that does not read
    as one (altered in the browser) is left out rather than refusing the new question."""
    try:
        return history_turns([{"role": t.get("role"), "content": t.get("text")} for t in turns if isinstance(t, dict)])
    except InputError:
        return []


def _rated(answer: Answer, question: str, as_of_text: str) -> dict:
    """What a rating of this reply stores besides the rating itself (kept with the turn)."""
    cited = render.sources(answer)
    return {
        "answer_id": uuid.uuid4().hex[:12],
        "question": question,
        "answer": answer.answer,
        "kind": answer.kind,
        "confidence": answer.confidence,
        "clause_ids": tuple(c.clause_id for c in cited),
        "doc_numbers": tuple(dict.fromkeys(c.doc_number for c in cited if c.doc_number)),
        "as_of": (_as_of(as_of_text) or date.today()).isoformat(),
    }


def _settings(assistant: Assistant) -> dict:
    config = assistant.config
    return {"fusion": config.fusion, "min_confidence": config.min_confidence, "model": Path(config.model).name}


def _as_of(text: str | None) -> date | None:
    """The date field: empty is today; 2024-06-01, 2024/6/1 and 2024年6月1日 are read; else None."""
    from ingest.metadata import parse_cn_date

    text = (text or "").strip()
    if not text:
        return date.today()
    dashed = text.replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(part) for part in dashed.split("-"))
        return date(year, month, day)
    except ValueError:
        pass
    found = parse_cn_date(text)
    return found if found is not None and _squash(text) == _squash(text[: text.index("日") + 1]) else None


def _squash(text: str) -> str:
    return "".join(text.split())


def create_server(assistant: Assistant, journal: Journal | None = None) -> fastapi.FastAPI:
    """FastAPI app serving ``/doc/{doc_id}`` and, at ``/``, the Gradio chat (logging to ``journal``)."""
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, RedirectResponse

    from ingest.metadata import canonical_number

    server = FastAPI(title=TITLE, docs_url=None, redoc_url=None, openapi_url=None)

    @server.get(render.DOC_ROUTE + "/{doc_id:path}", response_class=HTMLResponse)
    def document(doc_id: str, hl: str | None = None) -> HTMLResponse:
        documents = assistant.index.documents
        if not doc_id.strip("/"):
            return HTMLResponse(render.library_page(list(documents.values())))
        found = documents.get(doc_id)
        if found is None:  # the number as printed elsewhere: 闽政[2022]24号, 闽政（2022）24号 for 闽政〔2022〕24号
            wanted = canonical_number(doc_id)
            same = [d for d in documents.values() if d.canonical_number == wanted or d.doc_id == wanted]
            if len(same) == 1:
                return RedirectResponse(render.doc_url(same[0].doc_id, quoted=hl), status_code=307)
            return HTMLResponse(render.not_found_page(doc_id), status_code=404)
        quoted = hl[: render.QUOTE_IN_URL] if hl else None  # what a link carries at most
        return HTMLResponse(render.document_page(found, assistant.index.clauses_of(doc_id), quoted=quoted))

    from fastapi.responses import JSONResponse

    @server.post(ASK_ROUTE)
    async def ask_json(request: Request) -> JSONResponse:
        """One question as JSON {question, as_of?, history?, id?} → the answer as ``ask --json``
        prints it, plus the index build it came from (so ``ask`` can tell it is the same index)."""
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:12]
        try:
            body = b""
            async for part in request.stream():  # read no further than the limit
                body += part
                if len(body) > MAX_API_BYTES:
                    raise InputError(f"请求太大，上限 {MAX_API_BYTES} 字节。")
            try:
                raw = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise InputError("请求应是 UTF-8 编码的 JSON 对象，例如 {\"question\": \"保费多少？\"}。") from None
            asked = question_request(raw)
        except InputError as error:
            if journal is not None:
                journal.refused("api", request_id, "", str(error), time.perf_counter() - started)
            return JSONResponse({"error": str(error)}, status_code=400)
        from starlette.concurrency import run_in_threadpool

        # One assistant for the answer and the build it names, even if the live build switches meanwhile.
        serving = assistant.current()
        try:
            answer = await run_in_threadpool(serving.ask, asked.question, history=asked.history, as_of=asked.as_of, question_id=asked.id)
        except Exception as error:  # noqa: BLE001 — reported to the caller in words, logged in full
            if journal is not None:
                journal.failed("api", request_id, asked.question, error, time.perf_counter() - started)
            return JSONResponse({"error": "回答时出错，请稍后再试。"}, status_code=500)
        if journal is not None:
            journal.answered("api", request_id, asked.question, answer, time.perf_counter() - started)
        return JSONResponse({"answer": json_safe(answer.to_dict()), "build": serving.index.build_dir.name})

    # Routes above are matched first; the Gradio app takes everything else.
    labels = gr.I18n(**{locale: GRADIO_LABELS for locale in ("en", "zh-CN", "zh-TW", "zh")})
    server = gr.mount_gradio_app(server, build_app(assistant, journal), path="/", css=CSS, js=ON_LOAD, footer_links=[], i18n=labels)
    server.add_middleware(Hardened)  # outermost: every route, Gradio's included, gets the headers
    return server


def serve_warning(host: str) -> str | None:
    """What to tell whoever starts the server on an address other machines reach."""
    if host in LOOPBACK:
        return None
    return f"注意：正在监听 {host}，本机以外的人也能打开这个页面。只想在本机使用时，请去掉 --host（默认只监听 127.0.0.1）。"


def serve(config: Config) -> None:
    """Open (building on first use) the index, load the model and serve on config.host:config.port."""
    import uvicorn

    from assistant.live import LiveAssistant
    from assistant.service import Assistant
    from ingest.errors import IndexMissingError

    try:
        assistant = Assistant.from_config(config)
    except IndexMissingError:
        from assistant.indexing import build_index
        from assistant.progress import TqdmProgress
        from ingest.index import CURRENT

        damaged = (config.index_dir / CURRENT).exists()  # a live build that will not open: rebuild it all
        what = "索引无法打开，正在重新建立" if damaged else "首次使用，正在建立索引"
        print(f"{what}（{config.index_dir}），需要几分钟……", file=sys.stderr, flush=True)
        with TqdmProgress() as progress:
            build_index(config, progress, force=damaged)
        assistant = Assistant.from_config(config)
    journal = Journal(config.log_dir / f"serve-{config.port}.jsonl")
    # A new build (an ingest here, or on another replica's machine over the shared folder) takes over without a restart.
    assistant = LiveAssistant(
        assistant,
        config,
        on_switch=lambda build: journal.event("switch", build=build),
        on_failure=lambda build, error: journal.event("switch_failed", level=logging.WARNING, build=build, error=str(error)),
    )
    server = create_server(assistant, journal)
    journal.event(
        "start",
        host=config.host,
        port=config.port,
        workers=config.workers,
        build=assistant.index.build_dir.name,
        documents=len(assistant.index.documents),
        log=str(journal.path),
    )
    warning = serve_warning(config.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
        journal.event("exposed", level=logging.WARNING, host=config.host)
    print(f"政策问答助手已启动：http://{config.host}:{config.port}/  （按 Ctrl+C 停止）", flush=True)
    try:
        uvicorn.run(server, host=config.host, port=config.port, log_level="warning")
    finally:
        journal.event("stop")
        journal.close()

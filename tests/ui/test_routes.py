"""The document routes of the web server, over the fake-embedder index (no browser, no model)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from ui import render


@pytest.fixture(scope="module")
def client(staff_assistant):
    from fastapi.testclient import TestClient

    from ui.app import create_server

    return TestClient(create_server(staff_assistant))


def test_build_app_makes_blocks(staff_assistant):
    import gradio as gr

    from ui.app import build_app

    assert isinstance(build_app(staff_assistant), gr.Blocks)


def test_the_library_lists_every_document_with_a_link(client):
    response = client.get("/doc/")
    assert response.status_code == 200
    page = response.text
    assert "已收录的文件（19 份）" in page
    assert page.count("<tr>") == 20  # header + 19 documents
    assert f'href="{render.doc_url("明政办规〔2023〕4号")}"' in page
    # Newest first: the 2023 Sanming documents before the 2022 Fujian ones.
    assert page.index(render.doc_url("闽政办〔2022〕45号")) > page.index(render.doc_url("明政办规〔2023〕4号"))


@pytest.mark.parametrize("printed", ["闽政[2022]24号", "闽政（2022）24号", "闽政(2022)24号", "闽政【2022】24号"])
def test_a_number_printed_with_other_brackets_finds_its_document(client, printed):
    response = client.get("/doc/" + quote(printed, safe=""), follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == render.doc_url("闽政〔2022〕24号")
    assert client.get("/doc/" + quote("闽政[2022]24号", safe="")).status_code == 200


def test_an_unknown_document_is_a_404_that_points_to_the_library(client):
    response = client.get("/doc/" + quote("闽政〔2099〕1号", safe=""))
    assert response.status_code == 404
    assert 'href="/doc/"' in response.text


def test_a_document_page_has_contents_tables_as_tables_and_repeals(client):
    page = client.get("/doc/" + quote("闽政〔2022〕22号", safe="")).text
    assert '<details class="contents" open><summary>目录</summary>' in page
    assert page.count('<table class="rows">') >= 2
    first = page.split('<table class="rows">', 1)[1].split("</table>", 1)[0]
    assert "<th>主要指标</th><th>目标值</th><th>完成值</th><th>完成率</th>" in first
    assert "<td>基本养老保险参保率（%）</td><td>90</td><td>95.53</td><td>106%</td>" in first
    assert first.count('<tr class="clause" id="clause-') == first.count("<tr") - 1  # every row keeps its anchor
    repealing = client.get("/doc/" + quote("闽政〔2022〕23号", safe="")).text
    assert "<dt>同时废止</dt><dd>闽政〔2018〕3号</dd>" in repealing


def test_the_quoted_sentence_is_highlighted_on_the_document_page(client):
    url = render.doc_url("明政办规〔2023〕4号", "x", "在 2 个工作日内完成整改反馈")
    page = client.get(url.split("#")[0]).text
    assert page.count('<mark class="quoted">') == 1
    assert '<mark class="quoted">在 2 个工作日内完成整改反馈</mark>' in page
    assert '<mark class="quoted">' not in client.get("/doc/" + quote("明政办规〔2023〕4号", safe="")).text
    moved = client.get("/doc/" + quote("闽政[2022]24号", safe="") + "?hl=" + quote("政务服务", safe=""), follow_redirects=False)
    assert moved.headers["location"] == render.doc_url("闽政〔2022〕24号", quoted="政务服务")


def test_each_clause_has_a_permalink_and_attachments_are_listed(client):
    page = client.get("/doc/" + quote("明政办规〔2023〕6号", safe="")).text
    anchors = re.findall(r'<section class="clause" id="(clause-[0-9a-f]{16})">', page)
    assert anchors and all(f'<a class="permalink" href="#{anchor}"' in page for anchor in anchors)
    assert "<dt>附件</dt>" in page

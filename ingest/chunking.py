"""Long clauses become several chunks that keep the clause id.

Chunks are cut at sentence ends (。；) and overlap by one sentence so an answer that
straddles a cut is still found. Every chunk's indexed text starts with the document
title and section path: a chunk taken out of its document still says where it is from.
"""

from __future__ import annotations

import re

from ingest.types import Chunk, Clause, Document

_SENTENCE = re.compile(r"[^。；！？\n]*(?:[。；！？]|\n|$)")
_SENTENCE_END = re.compile(r"[^。；！？!?;]*(?:[。；！？!?;]+|$)")
# A line break ends a sentence only before a new item or after a colon; elsewhere it is
# where the printed page wrapped ("县(区)级以\n上为政务服务中心").
_NEW_ITEM = re.compile(r"\n(?=\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.．、]|[①-⑳]|[一二三四五六七八九十]+、|[^\n]*\t))|(?<=[：:])\n")


def split_sentences(text: str) -> list[str]:
    """Split Chinese text after 。；！？ and line breaks, keeping the punctuation."""
    return [s for s in (m.group(0) for m in _SENTENCE.finditer(text)) if s.strip()]


def reading_sentences(text: str) -> list[str]:
    r"""A clause's sentences as a reader sees them (for quoting, and for judging which sentence
    answers), each a verbatim piece of it, in order. Unlike ``split_sentences`` (chunk cuts), a
    line break alone does not end a sentence.

    >>> reading_sentences("县(区)级以\n上为政务服务中心,村为便民服务站。其余\n（一）照办。")
    ['县(区)级以\n上为政务服务中心,村为便民服务站。', '其余\n', '（一）照办。']
    """
    pieces = []
    for match in _SENTENCE_END.finditer(text):
        sentence = match.group(0)
        start = 0
        for item in _NEW_ITEM.finditer(sentence):
            pieces.append(sentence[start : item.end()])
            start = item.end()
        pieces.append(sentence[start:])
    return [p for p in pieces if p.strip()]



class Chunker:
    """Cut clauses into chunks of at most ``max_chars`` characters.

    Usage::

        chunks = Chunker(max_chars=400).run(document, clauses)
    """

    def __init__(self, max_chars: int = 400):
        if max_chars < 50:
            raise ValueError(f"Invalid max_chars: {max_chars}. Use at least 50.")
        self.max_chars = max_chars

    def run(self, document: Document, clauses: list[Clause]) -> list[Chunk]:
        chunks: list[Chunk] = []
        for clause in clauses:
            for part, text in enumerate(self._pieces(clause.text)):
                header = f"{document.title}\n{clause.section}"
                if clause.context:
                    header += f"\n{clause.context}"
                chunks.append(
                    Chunk(
                        chunk_id=f"{clause.clause_id}@{part}",
                        clause_id=clause.clause_id,
                        doc_id=clause.doc_id,
                        part=part,
                        text=text,
                        indexed_text=f"{header}\n{text}",
                    )
                )
        return chunks

    def _pieces(self, text: str) -> list[str]:
        if len(text) <= self.max_chars:
            return [text]
        pieces: list[str] = []
        current: list[str] = []
        for sentence in self._bounded(split_sentences(text)):
            if current and sum(map(len, current)) + len(sentence) > self.max_chars:
                pieces.append("".join(current))
                current = current[-1:] if len(current[-1]) < self.max_chars // 3 else []
            current.append(sentence)
        if current:
            pieces.append("".join(current))
        return pieces

    def _bounded(self, sentences: list[str]) -> list[str]:
        """A single sentence longer than a chunk is cut at commas, then hard."""
        out: list[str] = []
        for sentence in sentences:
            while len(sentence) > self.max_chars:
                cut = sentence.rfind("，", 0, self.max_chars)
                cut = cut + 1 if cut > self.max_chars // 2 else self.max_chars
                out.append(sentence[:cut])
                sentence = sentence[cut:]
            out.append(sentence)
        return out

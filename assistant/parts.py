"""Questions that ask two things at once, split into the questions they contain.

"三明一窗受理改革是按省里哪个文件部署的？省里要求综合窗口什么时候前建好？" is two
questions; each is answered on its own (retrieval, calculators, exact lookup) with its own
citation. A part that leans on the one before ("那第二阶段呢？") reads it as its history.

>>> split_parts("是按哪个文件部署的？综合窗口什么时候前建好？")
['是按哪个文件部署的？', '综合窗口什么时候前建好？']
>>> split_parts("差评多久内要整改？")
['差评多久内要整改？']
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")
# A question mark that ends one question with another after it; or "；" between two asks.
_BOUNDARY = re.compile(r"(?<=[？?；;])\s*")
_MIN_HAN = 5  # a shorter piece ("是吗？", "对吧？") is part of its neighbour, not a question


def split_parts(question: str, limit: int = 3) -> list[str]:
    """The questions a text asks, in order (at most ``limit``; the rest stays with the last)."""
    pieces = [p for p in _BOUNDARY.split(question.strip()) if p.strip()]
    parts: list[str] = []
    for piece in pieces:
        if parts and len(_HAN.findall(piece)) < _MIN_HAN:
            parts[-1] += piece
        elif parts and len(_HAN.findall(parts[-1])) < _MIN_HAN:
            parts[-1] += piece
        else:
            parts.append(piece)
    if len(parts) > limit:
        parts = parts[: limit - 1] + ["".join(parts[limit - 1 :])]
    return parts or [question]

"""Questions that ask two things at once, split into the questions they contain.

"三明一窗受理改革是按省里哪个文件部署的？省里要求综合窗口什么时候前建好？" is two
questions; each is answered on its own (retrieval, calculators, exact lookup) with its own
citation. A part that leans on the one before ("那第二阶段呢？") reads it as its history.

>>> split_parts("是按哪个文件部署的？综合窗口什么时候前建好？")
['是按哪个文件部署的？', '综合窗口什么时候前建好？']
>>> split_parts("差评多久内要整改？")
['差评多久内要整改？']

A clerk's terse lookup asks its parts between spaces, after the words they share:

>>> split_parts("227号令 质量安全档案保存几年 轮换凭证资料保存几年")
['227号令 质量安全档案保存几年', '227号令 轮换凭证资料保存几年']
>>> split_parts("医联保 统筹区内住院 起付线多少")
['医联保 统筹区内住院 起付线多少']
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u4e00-\u9fff]")
# A question mark that ends one question with another after it; or "；" between two asks.
_BOUNDARY = re.compile(r"(?<=[？?；;])\s*")
_MIN_HAN = 5  # a shorter piece ("是吗？", "对吧？") is part of its neighbour, not a question
# What makes a space-separated piece of a terse lookup an ask of its own.
_ASKS = re.compile(r"几|多少|多久|多长|谁|什么|啥|哪|怎么|怎样|如何|是否|能否|吗")


def split_parts(question: str, limit: int = 3) -> list[str]:
    """The questions a text asks, in order (at most ``limit``; the rest stays with the last)."""
    pieces = [p for p in _BOUNDARY.split(question.strip()) if p.strip()]
    if len(pieces) == 1:
        return _terse_parts(question.strip(), limit)
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


def _terse_parts(question: str, limit: int) -> list[str]:
    """"227号令 质量安全档案保存几年 轮换凭证资料保存几年": two asks after the words both
    share. Split only where two or more space-separated pieces each ask something with a
    topic of its own; the words before the first ask go with every part."""
    pieces = question.split()
    asks = [i for i, piece in enumerate(pieces) if _ASKS.search(piece) and len(_HAN.findall(_ASKS.sub("", piece))) >= 2]
    if len(asks) < 2:
        return [question]
    shared = " ".join(pieces[: asks[0]])
    groups = [pieces[start:end] for start, end in zip(asks, asks[1:] + [len(pieces)])]
    parts = [" ".join(([shared] if shared else []) + group) for group in groups]
    if len(parts) > limit:
        parts = parts[: limit - 1] + [" ".join(([shared] if shared else []) + [p for g in groups[limit - 1 :] for p in g])]
    return parts

"""Rewrite everyday words in a question into the documents' own words, for lexical matching.

Citizens write "交多少钱", "不能", "开始实行"; the gazettes say "保费标准", "不得",
"起施行". The table is data (``corpus/thesaurus.yaml``) so clerks can extend it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from assistant.errors import SettingError


class Thesaurus:
    """Colloquial → official phrase table.

    >>> Thesaurus({"不能": "不得"}).rewrite("承储企业不能干哪些事")
    '承储企业不得干哪些事'
    """

    def __init__(self, table: dict[str, str]):
        self.table = dict(sorted(table.items(), key=lambda item: -len(item[0])))

    @classmethod
    def load(cls, path: Path) -> Thesaurus:
        if not path.exists():
            return cls({})
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise SettingError(f"{path}: expected lines of the form `everyday words: official words`.")
        return cls(data)

    def rewrite(self, question: str) -> str:
        """Replace each colloquial phrase (longest first, no overlaps) by its official form."""
        out, i = [], 0
        while i < len(question):
            for phrase, official in self.table.items():
                if question.startswith(phrase, i):
                    out.append(official)
                    i += len(phrase)
                    break
            else:
                out.append(question[i])
                i += 1
        return "".join(out)

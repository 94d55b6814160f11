"""Chinese administrative divisions named in a question: which places, and under which city.

The list is the national gazetteer of provinces, prefecture-level cities and counties
that ships with the ``jionlp`` package (read as data; the package itself is not
imported, so nothing is printed or loaded besides the file). A place is known by its
full name ("南京市", "沙县区") and, where that is unambiguous, its short name ("南京",
"沙县").

Usage::

    gazetteer = Gazetteer.load()
    [p.full for p in gazetteer.find("我在南京住院")]  # ['南京市']
    gazetteer.find("在永安市住院")[0].city          # '三明市'
"""

from __future__ import annotations

import importlib.util
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Place:
    """One division: its full name, level and the province and city it lies in."""

    full: str
    level: str  # province | city | county
    province: str
    city: str | None


# Short names that are also everyday words or common in policy text, never read as places.
_NOT_PLACES = frozenset({"城区", "郊区", "矿区", "新区", "市辖区", "开发区", "东区", "西区", "南区", "北区", "中区", "长安", "城中", "和平", "新华", "永定", "白云", "朝阳", "东方", "通州"})


_DIVISION = re.compile(r"^(\t{0,2})([^\t\n]+)", re.M)


class Gazetteer:
    """Every province, city and county by full and short name."""

    def __init__(self, places: list[Place], everyday: frozenset[str] = frozenset()):
        """``everyday``: words that are common words before they are places ("公安", "资源",
        "比如"); a county is not recognised by such a short name, only by its full name."""
        self._by_name: dict[str, list[Place]] = {}
        for place in places:
            short = _short(place)
            if place.level == "county" and short in everyday:
                short = place.full
            for name in {place.full, short}:
                if len(name) >= 2 and name not in _NOT_PLACES:
                    self._by_name.setdefault(name, []).append(place)
        # Names are matched leftmost and longest first by looking substrings up: compiling the
        # 6,757 names into one regular expression took 0.45 s of the first question.
        self._lengths = sorted({len(name) for name in self._by_name}, reverse=True)
        self._initials = frozenset(name[0] for name in self._by_name)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        """The gazetteer from the data file shipped in the jionlp package."""
        return cls(list(_read(_data_file())), _everyday_words())

    def spans(self, text: str) -> list[tuple[Place, int, int]]:
        """Each place the text names with where it stands, in order (at each position the
        longest name that starts there; the search goes on after it).

        >>> [(p.full, start, end) for p, start, end in Gazetteer.load().spans("南京市和沙县的规定")]
        [('南京市', 0, 3), ('沙县区', 4, 6)]
        """
        found = []
        position = 0
        while position < len(text):
            if text[position] in self._initials:
                for length in self._lengths:
                    name = text[position : position + length]
                    if len(name) == length and name in self._by_name:
                        found.append((self._reading(name), position, position + length))
                        position += length
                        break
                else:
                    position += 1
            else:
                position += 1
        return found

    def find(self, text: str) -> list[Place]:
        """Places named in the text, longest names first, each once; an ambiguous short
        name (several counties share it) yields the one in the most populous sense: its
        city-level reading if there is one."""
        found: list[Place] = []
        for place, _, _ in self.spans(text):
            if place not in found:
                found.append(place)
        return found

    def outside(self, text: str, title: str) -> list[str]:
        """Places the text names that lie outside every place a document's title names: a
        question about 浙江省's rule is not about 《福建省…办法》. Empty when the title names
        no place (a national regulation covers them all).

        >>> g = Gazetteer.load()
        >>> g.outside("浙江省储备粮管理办法什么时候施行", "福建省地方政府储备粮安全管理办法")
        ['浙江省']
        >>> g.outside("沙县的一窗受理方案还有效吗", "三明市深化一窗受理改革实施方案"), g.outside("南京的情况", "殡葬管理条例")
        ([], [])
        """
        home = self.find(title)
        if not home:
            return []

        def within(place: Place, area: Place) -> bool:
            if area.level == "province":
                return place.province == area.province
            if area.level == "city":
                return place.city == area.full or place.full == area.full
            return place.full == area.full

        return [p.full for p in self.find(text) if not any(within(p, area) or within(area, p) for area in home)]

    def _reading(self, name: str) -> Place:
        candidates = self._by_name[name]
        return next((p for p in candidates if p.level == "city"), None) or next((p for p in candidates if p.level == "province"), candidates[0])


def _short(place: Place) -> str:
    name = place.full
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "省", "市", "区", "县", "盟", "旗"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _everyday_words(min_frequency: int = 1000) -> frozenset[str]:
    """Frequent words of jieba's dictionary that it does not tag as names (ns place, nr
    person, nz/nt proper name): "公安 2800 n", "比如 5621 v", but not "永安 645 ns"."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    if not path.exists():
        return frozenset()
    # One pass of the regular expression engine over the 3 MB file, not 350,000 Python splits.
    line = re.compile(r"^(\S+) (\d+) (?!(?:ns|nr|nz|nt)$)\S+$", re.M)
    return frozenset(word for word, count in line.findall(path.read_text(encoding="utf-8")) if int(count) >= min_frequency)


def _data_file() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("The jionlp package (its gazetteer of administrative divisions) is not installed: run make setup.")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"


def _read(path: Path):
    """Province, city and county lines of the tab-indented gazetteer (towns are skipped)."""
    with zipfile.ZipFile(path) as archive:
        text = archive.read(archive.namelist()[0]).decode("utf-8")
    province = city = None
    # The first column of lines indented at most twice (province, city, county); the 700,000
    # lines of towns and villages below them are passed over by the regular expression engine.
    for tabs, name in _DIVISION.findall(text):
        name = name.strip()
        if not name:
            continue
        if not tabs:
            province, city = name, None
            yield Place(name, "province", name, None)
        elif len(tabs) == 1:
            city = name
            if name != province:  # 直辖市 repeat their own name as the city
                yield Place(name, "city", province, name)
        else:
            yield Place(name, "county", province, city)

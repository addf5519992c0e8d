"""Which countries a release is about: ISO 3166-1 alpha-2 codes, ranked by salience, with evidence.

How it works, and why:

* **Vocabulary.** Official and common names come from pycountry (kept current by its
  maintainers); what no library has — aliases ("U.S.", "Britain", "Burma"), historical names
  ("West Germany", "USSR", "Zaire"), demonyms ("Chinese", "Hongkongers"), capitals, cities and
  regions ("Wuhan", "Xinjiang", "The Hague", "Washington" as the US government) — ships in
  ``data/countries_gazetteer.tsv``. Blockers there ("Amnesty International USA", "Latin
  America", "South China Sea", "UN") consume their words so the country inside is not counted:
  the publisher is not the subject.
* **One pass, no pattern loop.** The text is split into words once; at each word we look up the
  longest n-gram (up to 6 words) in one dict. Longest match first is what separates Niger from
  Nigeria, Guinea from Guinea-Bissau and Papua New Guinea, Dominica from the Dominican
  Republic, "New Mexico" (the US) from Mexico. Cost: a few dict lookups per word.
* **Case matters.** Matching is case-sensitive (China the country, not china porcelain; Turkey,
  not turkey); all-caps text (wire headlines, datelines) is looked up in capitals, but only for
  forms of 4+ letters so "IT" or "ME" are never read as places.
* **Ambiguous names are weak.** Georgia (the US state), Jordan and Chad (first names) count only
  when other evidence for the same country is there ("Tbilisi", "Jordanian").
* **Salience.** Each mention weighs by kind (name 1.0, city 0.8, demonym 0.7), by place (title
  ×2, lead ×1.5, dateline ×2) and adds up; countries below ``MIN_SCORE`` or below
  ``RELATIVE`` × the top country's score are mentioned in passing, not what the release is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["CountryTag", "tag_countries", "country_name", "Gazetteer", "gazetteer"]

#: Weight of one mention by kind of word.
KIND_WEIGHT = {"n": 1.0, "x": 1.0, "p": 0.8, "d": 0.7, "w": 0.5}
TITLE_FACTOR = 2.0
LEAD_FACTOR = 1.5
LEAD_CHARS = 300
DATELINE_FACTOR = 2.0
#: A country needs this much evidence in all (one plain mention in the body is 1.0)...
MIN_SCORE = 1.0
#: ...and at least this share of the top country's score, to be what the release is about.
RELATIVE = 0.3
MAX_NGRAM = 6
#: Upper-case lookups (headlines in capitals) only for forms at least this long: "IT", "ME" are words.
MIN_CAPS_FORM = 4

_WORD = re.compile(r"[^\W\d_]+(?:[.'’\-][^\W\d_]+)*\.?")
_DATELINE = re.compile(r"^\s*([A-Z][A-Za-z.'’ \-]{1,40}?)(?:,\s*[^,\n]{1,30}?){0,2}\s+[-–—]{1,2}\s")
#: The region part of a dateline ("APPLETON, Wis., March 9 -"): AP-style US state and Canadian
#: province abbreviations. Read only inside a dateline, where "Mass." or "Ind." can't be words.
_DATELINE_REGIONS = {
    **dict.fromkeys(
        "Ala Alas Ariz Ark Calif Cal Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss Mo Mont Neb Nebr "
        "Nev N.H N.J N.M N.Y N.C N.D Okla Ore Pa R.I S.C S.D Tenn Tex Vt Va Wash W.Va Wis Wyo D.C Calif Conn Penn".split(), "US"
    ),
    **dict.fromkeys("Ont Que Alta B.C Man Sask N.S N.B Nfld P.E.I".split(), "CA"),
}
_DATELINE_PARTS = re.compile(r"^\s*([A-Z][A-Za-z.'’ \-]{1,40}?),\s*([A-Za-z][A-Za-z.]{0,6})\.?,?\s")
_DISPLAY_NAMES = {
    "US": "United States", "GB": "United Kingdom", "RU": "Russia", "KR": "South Korea", "KP": "North Korea",
    "IR": "Iran", "SY": "Syria", "VN": "Vietnam", "LA": "Laos", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania",
    "MD": "Moldova", "PS": "Palestine", "TW": "Taiwan", "HK": "Hong Kong", "MO": "Macau", "CD": "DR Congo",
    "CG": "Congo", "CZ": "Czechia", "XK": "Kosovo", "VA": "Vatican", "FM": "Micronesia", "BN": "Brunei",
    "CI": "Côte d'Ivoire", "TR": "Türkiye", "MK": "North Macedonia", "SZ": "Eswatini",
}


@dataclass(frozen=True, slots=True)
class CountryTag:
    """A country the text is about: ISO code, display name, salience score, matched words."""

    code: str
    name: str
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str  # "" for a blocker
    kind: str
    form: str


class Gazetteer:
    """Surface forms → country, compiled once into dicts keyed by the form (and its capitals)."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.exact: dict[str, _Entry] = {}
        self.caps: dict[str, _Entry] = {}
        for code, kind, form in rows:
            key = " ".join(form.replace("’", "'").split())
            entry = _Entry(code, kind, key)
            # data-file rows come after pycountry's, so they override a pycountry name's kind
            self.exact[key] = entry
            if len(key.replace(" ", "")) >= MIN_CAPS_FORM:
                self.caps[key.upper()] = entry
        self.codes = {e.code for e in self.exact.values() if e.code}
        # The first word of every form: a word not in here starts no match (most words), so the
        # scan skips it after one set lookup instead of trying every n-gram length.
        self.first_words = {k.split(" ")[0] for k in self.exact} | {k.split(" ")[0] for k in self.caps}
        # ... and the most words a form starting with it has: "New" → 3 ("New Zealand", "Papua New
        # Guinea" starts elsewhere), "France" → 1; the scan tries no longer n-grams than that.
        self.longest: dict[str, int] = {}
        for key in (*self.exact, *self.caps):
            first, size = key.split(" ")[0], key.count(" ") + 1
            if size > self.longest.get(first, 0):
                self.longest[first] = size
        # Every first word in capitals: one lookup of a word's capitals rules out the four
        # lookups (as written, bare, and their capitals) for the nine words in ten that start nothing.
        self.first_caps = frozenset(first.upper() for first in self.longest)
        # The first two words of every longer form ("the Netherlands", "NEW ZEALAND"): "the" starts
        # a form, but "the company" starts none, so the scan tries only the one-word reading.
        self.first_pairs = frozenset(" ".join(key.split(" ")[:2]) for key in (*self.exact, *self.caps) if " " in key)

    def lookup(self, key: str, caps: bool) -> _Entry | None:
        entry = self.exact.get(key)
        if entry is None and caps:
            entry = self.caps.get(key.upper())
        return entry


def _pycountry_rows() -> list[tuple[str, str, str]]:
    import pycountry  # the ISO 3166 list, maintained upstream

    rows = []
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and "," not in name:  # "Korea, Republic of" is a sort key, not prose
                rows.append((country.alpha_2, "n", name))
    return rows


def _data_rows() -> list[tuple[str, str, str]]:
    # kind "a": codes and slugs sources assign ("yemen-demo-republic"), read by facets.py only
    return [row for row in _gazetteer_rows() if row[1] != "a"]


def _gazetteer_rows() -> list[tuple[str, str, str]]:
    """Every (code, kind, form) row of data/countries_gazetteer.tsv (blockers with code "")."""
    text = resources.files("newsindex").joinpath("data").joinpath("countries_gazetteer.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, *groups = line.split("\t")
        for group in groups:
            kind, _, forms = group.partition(":")
            for form in forms.split("|"):
                if form.strip():
                    rows.append(("" if kind == "b" else code.strip(), kind, form.strip()))
    return rows


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer, built on first use (~20 ms)."""
    return Gazetteer(_pycountry_rows() + _data_rows())


@lru_cache(maxsize=None)
def country_name(code: str) -> str:
    """Display name of an ISO code ("HK" → "Hong Kong"); an unknown code is returned as is."""
    code = code.upper()
    if code in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[code]
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def _mentions(text: str, factor_at: list[tuple[int, float]], gaz: Gazetteer, all_caps: bool) -> list[tuple[str, str, float, str]]:
    """(code, kind, weight, surface) for every gazetteer form in ``text``, longest match first."""
    text = text.replace("’", "'")
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    if "-" in text:
        words = _split_hyphens(words, gaz)
    found: list[tuple[str, str, float, str]] = []
    i, n = 0, len(words)
    longest = gaz.longest
    first_caps = gaz.first_caps
    while i < n:
        head = words[i][2]
        if head.upper() not in first_caps and ("'" not in head and "." not in head):
            i += 1
            continue
        bare = head.rsplit("'", 1)[0] if head.endswith(("'s", "'")) else head.rstrip(".") if head.count(".") == 1 else head
        most = max(longest.get(head, 0), longest.get(bare, 0), longest.get(head.upper(), 0), longest.get(bare.upper(), 0))
        if not most:
            i += 1
            continue
        if most > 1 and i + 1 < n and not _starts_pair(head, words[i + 1][2], gaz.first_pairs, all_caps):
            most = 1
        match = None
        for size in range(min(MAX_NGRAM, most, n - i), 0, -1):
            parts = words[i : i + size]
            if size > 1 and any(not text[parts[k][1] : parts[k + 1][0]].isspace() for k in range(size - 1)):
                continue
            tokens = [w[2] for w in parts]
            last = tokens[-1]
            candidates = [" ".join(tokens)]
            if last.endswith("'s") or last.endswith("'"):
                candidates.append(" ".join(tokens[:-1] + [last.rsplit("'", 1)[0]]))
            if last.endswith(".") and last.count(".") == 1:
                candidates.append(" ".join(tokens[:-1] + [last[:-1]]))
            caps = all_caps or all(t.isupper() for t in tokens)
            for key in candidates:
                entry = gaz.lookup(key, caps)
                if entry is not None:
                    match = (entry, size, text[parts[0][0] : parts[-1][1]])
                    break
            if match:
                break
        if match is None:
            i += 1
            continue
        entry, size, surface = match
        if entry.code:
            start = words[i][0]
            factor = next((f for limit, f in factor_at if start < limit), 1.0)
            found.append((entry.code, entry.kind, KIND_WEIGHT.get(entry.kind, 1.0) * factor, surface.rstrip(".") if not surface.endswith("S.") else surface))
        i += size
    return found


def _split_hyphens(words: list[tuple[int, int, str]], gaz: Gazetteer) -> list[tuple[int, int, str]]:
    """``words`` with each hyphenated word the gazetteer doesn't know split in its parts.

    "Guinea-Bissau" is a name; "US-China" is two.
    """
    split: list[tuple[int, int, str]] = []
    for start, end, word in words:
        if "-" in word and gaz.lookup(word.rstrip("."), True) is None and gaz.lookup(word.split("'")[0], True) is None:
            offset = start
            for part in word.split("-"):
                if part:
                    split.append((offset, offset + len(part), part))
                offset += len(part) + 1
        else:
            split.append((start, end, word))
    return split


def _starts_pair(head: str, second: str, pairs: frozenset[str], all_caps: bool) -> bool:
    """Could ``head second ...`` be a form of two or more words? (The second word may be the
    last, read without "'s" or a final period, as the scan reads it.)"""
    seconds = [second]
    if second.endswith(("'s", "'")):
        seconds.append(second.rsplit("'", 1)[0])
    if second.endswith(".") and second.count(".") == 1:
        seconds.append(second[:-1])
    for word in seconds:
        pair = f"{head} {word}"
        if pair in pairs or ((all_caps or pair.isupper()) and pair.upper() in pairs):
            return True
    return False


def tag_countries(text: str, title: str | None = None) -> list[CountryTag]:
    """The countries ``text`` (and its ``title``) is about, most salient first.

    >>> [t.code for t in tag_countries("Police in Beijing detained Hongkongers.", title="China: vigil")]
    ['CN', 'HK']
    """
    gaz = gazetteer()
    mentions: list[tuple[str, str, float, str]] = []
    if title:
        caps = sum(c.isupper() for c in title) > 0.6 * sum(c.isalpha() for c in title)
        mentions += _mentions(title, [(len(title) + 1, TITLE_FACTOR)], gaz, caps)
    if text:
        dateline = _DATELINE.match(text[:120])
        factors = []
        if dateline:
            factors.append((dateline.end(), DATELINE_FACTOR))
        factors.append((LEAD_CHARS, LEAD_FACTOR))
        mentions += _mentions(text, factors, gaz, False)
        if dateline:
            parts = _DATELINE_PARTS.match(text[:80])
            region = _DATELINE_REGIONS.get(parts.group(2).rstrip(".").title() if parts and parts.group(2).rstrip(".").isalpha() else parts.group(2).rstrip(".").upper() if parts else "")
            if region and parts:
                mentions.append((region, "p", KIND_WEIGHT["p"] * DATELINE_FACTOR, f"{parts.group(1)}, {parts.group(2)}"))
    scores: dict[str, float] = {}
    weak: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}
    for code, kind, weight, surface in mentions:
        (weak if kind == "w" else scores)[code] = (weak if kind == "w" else scores).get(code, 0.0) + weight
        evidence.setdefault(code, [])
        if surface not in evidence[code]:
            evidence[code].append(surface)
    for code, weight in weak.items():
        if code in scores:  # an ambiguous name counts only beside other evidence for the country
            scores[code] += weight
    if not scores:
        return []
    top = max(scores.values())
    kept = [(code, score) for code, score in scores.items() if score >= MIN_SCORE and score >= RELATIVE * top]
    kept.sort(key=lambda cs: (-cs[1], cs[0]))
    return [CountryTag(code, country_name(code), round(score, 2), tuple(evidence[code])) for code, score in kept]

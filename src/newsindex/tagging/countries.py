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

from .names import _DISPLAY_NAMES, country_name  # noqa: F401  (defined here before; facet labels need only names.py)

__all__ = ["CountryTag", "tag_countries", "country_name", "Gazetteer", "gazetteer"]

#: Weight of one mention by kind of word.
KIND_WEIGHT = {"n": 1.0, "x": 1.0, "p": 0.8, "i": 0.9, "d": 0.7, "w": 0.5, "l": 0.8}
TITLE_FACTOR = 2.0
LEAD_FACTOR = 1.5
LEAD_CHARS = 300
DATELINE_FACTOR = 2.0
#: A mention this far into a text (past the summary a short release is) weighs BODY_FACTOR:
#: one name deep in a long story is a passing mention, below MIN_SCORE; two are not.
DEEP_CHARS = 700
BODY_FACTOR = 0.8
#: A country needs this much evidence in all (one name or demonym in the title or lead is enough)...
MIN_SCORE = 1.0
#: ...and at least this share of the top country's score, to be what the release is about.
RELATIVE = 0.3
#: A country named once in the body while the title or dateline names another ("LONDON - ...
#: sales in the U.S. rose") is a passing mention, not what the story is about: it is dropped.
#: On Reuters' dev half: precision 0.908 -> 0.936, recall 0.935 -> 0.925 (US false positives 140 -> 109).
DROP_PASSING = True
#: ...in a story. A text shorter than this (a listing entry's summary) has no room for passing
#: mentions: every country it names is kept. (Reuters dev: precision 0.936 -> 0.931 for it.)
PASSING_CHARS = 400
MAX_NGRAM = 6
#: Upper-case lookups (headlines in capitals) only for forms at least this long: "IT", "ME" are words.
MIN_CAPS_FORM = 4
#: An institution's acronym this short ("ICE", "SEC") is not read in an all-capital headline ("ICE STORM").
MAX_CAPS_ACRONYM = 4
#: A country named as a currency ("U.S. dlrs", "Swiss francs", "Australian dollar bond") is the
#: denomination, not the subject: its mention weighs this share.
CURRENCY_FACTOR = 0.2
#: A boilerplate venue ("the bonds will be listed in Luxembourg") weighs this share.
VENUE_FACTOR = 0.1
_CURRENCY_AFTER = re.compile(
    r"\s*(?:dlrs?|dollars?|francs?|marks?|yen|pounds?|sterling|stg|crowns?|kronor|krona|kroner|guilders?|lire|lira|pesos?|"
    r"rands?|cents?|schillings?|escudos?|pesetas?|rupees?|ringgit|baht|won|yuan|drachmas?|currency|ecus?)\b",
    re.IGNORECASE,
)
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|near|outside)\s+$")
_VENUE_BEFORE = re.compile(r"\b(?:listed|listing|quotation|quoted|domiciled)\s+(?:in|on)\s+(?:the\s+)?$", re.IGNORECASE)

#: "Egypt: ...", "Memphis: ...": a headline's place, before its colon.
_TITLE_HEAD = re.compile(r"^\s*([A-Z][\w.'’ -]{1,40}?)\s*:\s")
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
    alt: tuple[str, ...] = ()  # other countries a weak name may mean (Georgia: GE or the US state)


class Gazetteer:
    """Surface forms → country, compiled once into dicts keyed by the form (and its capitals)."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self.exact: dict[str, _Entry] = {}
        self.caps: dict[str, _Entry] = {}
        for code, kind, form in rows:
            key = " ".join(form.replace("’", "'").split())
            entry = _Entry(code, kind, key)
            before = self.exact.get(key)
            if kind == "w" and before is not None and before.kind == "w" and before.code and before.code != code:
                entry = _Entry(code, kind, key, tuple(dict.fromkeys((*before.alt, before.code))))
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
        # The first words as written: a word not in capitals is looked up as written only, so
        # "bank", "new" or "a" (first words of "BANK OF ENGLAND", "A CORUÑA" in capitals) start nothing.
        self.first_exact = frozenset(k.split(" ")[0] for k in self.exact)
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


def _data_rows(name: str = "countries_gazetteer.tsv") -> list[tuple[str, str, str]]:
    # kind "a": codes and slugs sources assign ("yemen-demo-republic"), read by facet_values.py only
    return [row for row in _gazetteer_rows(name) if row[1] != "a"]


def _gazetteer_rows(name: str = "countries_gazetteer.tsv") -> list[tuple[str, str, str]]:
    """Every (code, kind, form) row of a data file (``countries_gazetteer.tsv`` by default; blockers with code "")."""
    text = resources.files("newsindex").joinpath("data").joinpath(name).read_text(encoding="utf-8")
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
    """The shared gazetteer, built on first use (~0.5 s, most of it reading GeoNames).

    Later rows override earlier ones: GeoNames cities, then pycountry's names, then the
    hand-written gazetteer, then the institutions table (``countries_institutions.tsv``).
    """
    from .places import geonames_rows, subdivision_rows

    return Gazetteer([*geonames_rows(), *subdivision_rows(), *_pycountry_rows(), *_data_rows(), *_data_rows("countries_institutions.tsv")])


_Mention = tuple[str, str, float, str, tuple[str, ...]]


def _mentions(
    text: str, factor_at: list[tuple[int, float]], gaz: Gazetteer, all_caps: bool, anchors: set[str] | None = None, anchor_end: int = 0
) -> list[_Mention]:
    """(code, kind, weight, surface, alt) for every gazetteer form in ``text``, longest match first.

    ``anchors``, if given, receives the countries named (not weakly) before ``anchor_end``: the dateline's.

    A mention's weight is its kind's times its place's (title, dateline, lead), times a
    context factor: a currency ("U.S. dlrs") or a listing venue ("listed in Luxembourg") names
    a country the story is not about. A city directly followed by ", REGION" of another
    country is that region's ("Paris, Texas"): the region's mention stands, the city's is dropped.
    """
    text = text.replace("’", "'")
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    if "-" in text:
        words = _split_hyphens(words, gaz)
    found: list[_Mention] = []
    spans: list[tuple[int, int]] = []
    i, n = 0, len(words)
    longest = gaz.longest
    first_caps, first_exact = gaz.first_caps, gaz.first_exact
    while i < n:
        head = words[i][2]
        if (head.upper() not in first_caps if all_caps or head.isupper() else head not in first_exact) and ("'" not in head and "." not in head):
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
        start, end = words[i][0], words[i + size - 1][1]
        if entry.code and (all_caps and entry.kind == "i" and len(entry.form) <= MAX_CAPS_ACRONYM or text[start - 1 : start] == "<" and text[end : end + 1] == ">"):
            pass  # "ICE STORM" in a headline; "<UK>" is Union Carbide's ticker, not Britain
        elif entry.code:
            factor = next((f for limit, f in factor_at if start < limit), BODY_FACTOR)
            surface = surface.rstrip(".") if not surface.endswith("S.") else surface
            if _CURRENCY_AFTER.match(text, end) or text[end : end + 1] == "$":  # "US$1.2 billion"
                factor *= CURRENCY_FACTOR
                surface += " (currency)"
            elif _could_be_venue(text[max(0, start - 4) : start]) and _VENUE_BEFORE.search(text, max(0, start - 40), start):
                factor *= VENUE_FACTOR
                surface += " (listing venue)"
            if found and entry.kind == "p" and found[-1][1] in "pw" and found[-1][0] != entry.code and text[spans[-1][1] : start] == ", ":
                found.pop()
                spans.pop()
            kind = entry.kind
            if kind == "w" and not entry.alt and _LOCATIVE_BEFORE.search(text, max(0, start - 10), start):
                kind = "l"  # "raids in Tacoma", "refugees in Chad": after "in", a weak name is a place
            found.append((entry.code, kind, KIND_WEIGHT.get(kind, 1.0) * factor, surface, entry.alt))
            spans.append((start, end))
            if anchors is not None and start < anchor_end and kind not in "wl":
                anchors.add(entry.code)
        i += size
    return found


def _could_be_venue(before: str) -> bool:
    """A cheap test first: _VENUE_BEFORE needs "in", "on" or "the" right before the name."""
    return "in" in before or "on" in before or "he" in before


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
    mentions: list[_Mention] = []
    anchors: set[str] = set()  # countries of the title and the dateline
    if title:
        caps = sum(c.isupper() for c in title) > 0.6 * sum(c.isalpha() for c in title)
        mentions += _mentions(title, [(len(title) + 1, TITLE_FACTOR)], gaz, caps)
        head = _TITLE_HEAD.match(title)
        entry = gaz.exact.get(" ".join(head.group(1).split())) if head else None
        if entry is not None and entry.kind == "w" and entry.code and not entry.alt:
            # "Chad: ...", "Memphis: ..." - a newsroom's headline names its place first; there a
            # weak name means the place (unless it may mean several: "Georgia: ...")
            mentions = [m for m in mentions if not (m[1] == "w" and m[3] == entry.form)]
            mentions.append((entry.code, "p", KIND_WEIGHT["p"] * TITLE_FACTOR, entry.form, ()))
        anchors.update(m[0] for m in mentions if m[1] != "w")
    if text:
        dateline = _DATELINE.match(text[:120])
        parts = _DATELINE_PARTS.match(text[:80]) if dateline else None
        region = ""
        if parts:
            abbreviation = parts.group(2).rstrip(".")
            region = _DATELINE_REGIONS.get(abbreviation.title() if abbreviation.isalpha() else abbreviation.upper(), "")
        factors = []
        if dateline:
            factors.append((dateline.end(), DATELINE_FACTOR))
        factors.append((LEAD_CHARS, LEAD_FACTOR))
        factors.append((DEEP_CHARS, 1.0))
        if region and parts:
            # "BIRMINGHAM, Ala." is in Alabama: the city's name is not read as England's
            text = " " * parts.end(1) + text[parts.end(1) :]
        mentions += _mentions(text, factors, gaz, False, anchors, dateline.end() if dateline else 0)
        if region and parts:
            mentions.append((region, "p", KIND_WEIGHT["p"] * DATELINE_FACTOR, f"{parts.group(1)}, {parts.group(2)}", ()))
            anchors.add(region)
    scores: dict[str, float] = {}
    weak: list[tuple[tuple[str, ...], float, str]] = []
    evidence: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    located: list[tuple[str, float, str]] = []
    for code, kind, weight, surface, alt in mentions:
        if kind == "l":
            located.append((code, weight, surface))
            kind, weight = "w", weight * KIND_WEIGHT["w"] / KIND_WEIGHT["l"]
        if kind == "w":
            weak.append(((code, *alt), weight, surface))
            continue
        scores[code] = scores.get(code, 0.0) + weight
        counts[code] = counts.get(code, 0) + 1
        evidence.setdefault(code, [])
        if surface not in evidence[code]:
            evidence[code].append(surface)
    for options, weight, surface in weak:
        # an ambiguous name counts only beside other evidence for the country (the strongest, if
        # it may mean several: "Georgia" beside "Atlanta" is the US state)
        present = [code for code in options if code in scores]
        if present:
            code = max(present, key=lambda c: scores[c])
            scores[code] += weight
            counts[code] += 1
            if surface not in evidence[code]:
                evidence[code].append(surface)
    if not scores and located:
        # a weak name after "in" is the place when the text names no other country at all:
        # "raids in Tacoma" is the US; "near Santa Fe" beside New Mexico is not Argentina's city
        for code, weight, surface in located:
            scores[code] = scores.get(code, 0.0) + weight
            counts[code] = counts.get(code, 0) + 1
            evidence.setdefault(code, [])
            if surface not in evidence[code]:
                evidence[code].append(surface)
    if not scores:
        return []
    top = max(scores.values())
    kept = [
        (code, score)
        for code, score in scores.items()
        if score >= MIN_SCORE and score >= RELATIVE * top
        and (not DROP_PASSING or len(text or "") < PASSING_CHARS or code in anchors or not anchors or counts[code] > 1)
    ]
    kept.sort(key=lambda cs: (-cs[1], cs[0]))
    return [CountryTag(code, country_name(code), round(score, 2), tuple(evidence[code])) for code, score in kept]

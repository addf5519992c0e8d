"""Who is quoted in a release, and in what role: "Doriane Lau, Amnesty International’s China researcher said: “…”".

Newsroom prose names its speakers in a handful of fixed shapes; each is one pattern below,
anchored on a verb of saying, so a name is only taken when someone *says* something:

    A  NAME, ORG’s ROLE said                Doriane Lau, Amnesty International’s China researcher said:
    B  ORG[’s] ROLE NAME said               Amnesty International’s China Campaigner Gwen Lee said:
    C  NAME, ROLE at|for|of ORG, said       Carolyn Nash, Asia Advocacy Director at Amnesty International USA, said:
    C’ said NAME, ROLE at|for|of ORG        “…,” said Carolyn Nash, Asia Advocacy Director at Amnesty International USA.
    D  the ROLE of ORG’s UNIT, NAME, said   the Head of Amnesty International’s China team, Joshua Rosenzweig, said:
    E  NAME, ROLE, said                     Gwen Lee, China campaigner, said:

Precision over recall: a role must contain a job word (director, researcher, campaigner, …) and
a name two to four capitalised words that are not titles or organisation words, so "Amnesty
International said today" (the organisation speaking for itself) and "President Biden will meet"
are not speakers. Pure regular expressions on the text: no models, no downloads.

    >>> [s.name for s in extract_speakers("Doriane Lau, Amnesty International’s China researcher said: “No.”")]
    ['Doriane Lau']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

__all__ = ["Speaker", "extract_speakers", "speaker_slug", "ROLE_WORDS"]

#: Job words that make a phrase a role. Matched case-insensitively as whole words.
ROLE_WORDS: tuple[str, ...] = (
    "director", "campaigner", "researcher", "head", "adviser", "advisor", "officer", "spokesperson",
    "spokesman", "spokeswoman", "secretary general", "secretary-general", "secretary", "president",
    "chair", "chairperson", "chairman", "chairwoman", "coordinator", "manager", "lead", "expert",
    "analyst", "executive", "counsel", "specialist", "lawyer", "representative", "deputy", "founder",
    "ceo", "chief", "investigator", "monitor", "advocate", "rapporteur", "commissioner", "minister",
    "ambassador", "editor", "correspondent", "professor", "fellow", "attorney general", "attorney", "activist",
    # officials US releases quote by office ("South Carolina Governor Henry McMaster said")
    "governor", "senator", "mayor", "congressman", "congresswoman", "sheriff", "judge",
)
class _LazyPattern:
    """A regular expression compiled on first use: this module's patterns take ~15 ms to
    compile, paid by every process that imports the package (a search needs only Speaker)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy/pickle protocol probes: not a pattern method
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self.flags)
        for method in ("search", "match", "fullmatch", "finditer", "findall", "sub", "split"):
            setattr(self, method, getattr(compiled, method))  # later calls skip this hook
        return getattr(compiled, name)


_ROLE_WORD = _LazyPattern(r"\b(?:" + "|".join(re.escape(w) for w in ROLE_WORDS) + r")s?\b", re.I)
_ROLE_WORD_LOWER = _LazyPattern(_ROLE_WORD.pattern)  # for text in lower case
#: Words that are never part of a person's name here (titles, organisation words, pronouns).
_NOT_NAME = frozenset(
    """amnesty international usa uk the a an our their his her its this that these those
    president prime minister secretary general director head chief researcher campaigner
    government authorities police court council committee ministry office organization organisation
    association union commission society foundation institute watch network group team section
    mr mrs ms dr prof professor sir dame king queen prince princess lord
    chinese china hong kong us u.s. today yesterday monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    department agency ministry bureau service services administration protection enforcement customs
    immigration homeland congress senate parliament assembly party court tribunal nations states
    kingdom republic federation coalition alliance university college hospital bank fund corporation
    company agency board centre center county province state city""".split()
)
_HONORIFIC = _LazyPattern(r"^(?:Dr|Mr|Mrs|Ms|Prof|Professor|Sir|Dame)\.?\s+")
#: A sentence's first word or a title before a name, not part of it ("But Robert Lutz, ... said").
_LEADING = _LazyPattern(r"^(?:(?:But|And|Although|Though|However|Yet|So|Also|Meanwhile|While|When|Then|Still|Now|Administrator|Vice|Premier)\s+)+")

_UP = r"[A-ZÀ-ÖØ-Þ]"
# A name word is capitalised and not a job word ("China Campaigner Gwen Lee": the name is "Gwen Lee").
# (The capital is checked first: the job-word lookahead is the costly part, and most positions
# of a text are not capitals.)
_NAME_WORD = rf"(?={_UP})" + r"(?!(?i:" + "|".join(re.escape(w) for w in ROLE_WORDS) + r")s?\b)" + rf"{_UP}[\w'’-]*"
_PARTICLE = r"(?:van|von|der|den|de|del|della|da|dos|das|di|bin|binti|ibn|abu|al|el|le|la|du|ter|ten|y)"
_NAME = rf"\b(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_NAME_WORD}){{1,3}}"
# An organisation: capitalised words, with "of", "for", "and", "on", "the", "to", "&" between them.
_ORG_WORD = rf"(?:{_UP}[\w.&-]*)"
_ORG = rf"\b{_ORG_WORD}(?:\s+(?:(?:of|for|and|on|the|to|&)\s+)?{_ORG_WORD}){{0,6}}"
_POSS = r"['’]s"
_VERB = (
    r"(?:said|says|added|adds|stated|states|explained|warned|commented|noted|urged|told\s+\w+|declared|"
    r"(?:released|issued)\s+the\s+following\s+statement)"
)
_ROLE = r"[^,.;:“”\"()]{2,60}?"  # a role phrase; must contain a job word (checked after matching)
# A role that *ends* in a job word, for shape B where nothing but capitals separates the
# organisation, the role and the name ("Amnesty International Secretary General Agnès Callamard").
_ROLE_ENDING = r"(?:[\w-]+\s+){0,4}?(?i:" + "|".join(re.escape(w) for w in ROLE_WORDS) + r")s?"
_ROLE_WITH_COMMAS = r"[^.;:“”\"()]{2,90}?"
_PREP = r"(?:at|for|of|with|from)"

_PATTERNS: tuple[tuple[str, _LazyPattern], ...] = tuple(
    (label, _LazyPattern(pattern))
    for label, pattern in (
        # D first: "the Head of ORG’s China team, NAME, said" also looks like a B.
        ("D", rf"\b(?:[Tt]he\s+)?(?P<head>\b{_ROLE})\s+of\s+(?P<org>{_ORG}){_POSS}\s+(?P<unit>[^,.;:“”\"]{{1,40}}?\b(?:team|programme|program|office|section|unit|desk|department|campaign))\s*,\s+(?P<name>{_NAME})\s*,\s+(?P<verb>{_VERB})\b"),
        ("A", rf"(?P<name>{_NAME})\s*,\s+(?P<org>{_ORG}){_POSS}\s+(?P<role>{_ROLE})\s*,?\s+(?P<verb>{_VERB})\b"),
        ("C", rf"(?P<name>{_NAME})\s*,\s+(?P<role>{_ROLE_WITH_COMMAS})\s+{_PREP}\s+(?:the\s+)?(?P<org>{_ORG})\s*,\s+(?P<verb>{_VERB})\b"),
        ("C'", rf"(?P<verb>{_VERB})\s+(?P<name>{_NAME})\s*,\s+(?P<role>{_ROLE_WITH_COMMAS})\s+{_PREP}\s+(?:the\s+)?(?P<org>{_ORG})(?=\s*[.,;:\n]|$)"),
        ("B", rf"(?P<org>{_ORG})(?:{_POSS})?\s+(?P<role>{_ROLE_ENDING})\s+(?P<name>{_NAME})\s*,?\s+(?P<verb>{_VERB})\b"),
        ("E", rf"(?P<name>{_NAME})\s*,\s+(?P<role>{_ROLE})\s*,\s+(?P<verb>{_VERB})\b"),
    )
)
_BEFORE = tuple((label, _LazyPattern(pattern.pattern + "$")) for label, pattern in _PATTERNS if label != "C'")
_AFTER = dict(_PATTERNS)["C'"]
_VERB_ONLY = _LazyPattern(rf"\b{_VERB}\b")
_CAPITAL_NEXT = _LazyPattern(rf"\s+{_UP}")  # how a name after a verb (shape C') starts
#: At most this many characters are read before (or after) a verb of saying, back to the start of
#: its sentence: the longest attribution in our samples
#: ("Joanne Lin, National Director, Advocacy and Government Affairs for Amnesty International
#: USA, released the following statement") is ~120.
_WINDOW = 240
#: The job word of every shape is within this many characters before the verb ("Director, Advocacy
#: and Government Affairs for Amnesty International USA, released": ~70).
_ROLE_REACH = 130
# A sentence ends at . ! ? (or a closing quote after one) followed by space and a capital or an
# opening quote, unless the dot ends an initialism like "U.S." (a capital before the dot).
_SENTENCE_END = _LazyPattern(r"(?<![A-Z])[.!?][”\"’']?\s+(?=[“\"‘']?[A-ZÀ-ÖØ-Þ])|\n\s*\n")


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts, at most _WINDOW characters back."""
    floor = max(0, position - _WINDOW)
    start = floor
    for match in _SENTENCE_END.finditer(text, floor, position):
        start = match.end()
    return start


def _sentence_end(text: str, position: int) -> int:
    match = _SENTENCE_END.search(text, position, min(len(text), position + _WINDOW))
    return match.start() + 1 if match else min(len(text), position + _WINDOW)


_QUOTE_AFTER = _LazyPattern(r"\s*[:,.]?\s*[“\"](?P<quote>[^”\"]{1,2000})")
_QUOTE_CHARS = 280


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person quoted in a release: name, role and organisation as written, and the start of the quote."""

    name: str
    role: str = ""
    organisation: str = ""
    quote: str = ""

    @property
    def slug(self) -> str:
        """The facet value of this speaker ("Agnès Callamard" → "agnes-callamard")."""
        return speaker_slug(self.name)

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "organisation": self.organisation, "quote": self.quote}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Speaker:
        return cls(name=str(data.get("name", "")), role=str(data.get("role", "")), organisation=str(data.get("organisation", "")), quote=str(data.get("quote", "")))

    def describe(self) -> str:
        """ "Doriane Lau (China researcher, Amnesty International)"."""
        details = ", ".join(part for part in (self.role, self.organisation) if part)
        return f"{self.name} ({details})" if details else self.name


def speaker_slug(name: str) -> str:
    """The normalised facet value of a name: accents folded, lower case, words joined by "-"."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return "-".join(re.findall(r"[^\W_]+", folded))


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).strip(" ,")


def _is_place_or_institution(name: str) -> bool:
    """Whether ``name`` is a country, city, region or institution of the countries' gazetteer.

    "South Carolina, ...'s top official, said" has a speaker's shape, but a place does not speak:
    the gazetteer that knows GeoNames' cities and regions and the institutions table
    ("Customs and Border Protection") says so, where a hand list of words never could.
    """
    from .countries import gazetteer  # beside us in tagging/; imported late: building it reads GeoNames

    entries = gazetteer().exact
    key = " ".join(name.replace("’", "'").split())
    return any(form in entries for form in (key, key.removeprefix("the ").removeprefix("The "), key.removesuffix("'s")))


def _valid_name(name: str) -> bool:
    words = name.split()
    if not 2 <= len(words) <= 5:
        return False
    capitalised = [w for w in words if w[:1].isupper()]
    if len(capitalised) < 2:
        return False
    if any(w.casefold().strip("’'") in _NOT_NAME or w.casefold().removesuffix("’s").removesuffix("'s") in _NOT_NAME for w in words):
        return False
    return not _is_place_or_institution(name)


def _has_role_word(text: str) -> bool:
    """``_ROLE_WORD.search(text)``, three times faster on ASCII text: lowered, it needs no case folding."""
    if text.isascii():
        return _ROLE_WORD_LOWER.search(text.lower()) is not None
    return _ROLE_WORD.search(text) is not None


def _valid_role(role: str) -> bool:
    return bool(role) and _ROLE_WORD.search(role) is not None and len(role.split()) <= 10


def _quote(text: str, start: int, end: int) -> str:
    """The quote that follows the attribution (said: “…”) or precedes it (“…,” said X)."""
    after = _QUOTE_AFTER.match(text, end)
    if after:
        quote = after.group("quote")
    else:
        before = text[:start].rstrip()
        if not before.endswith(("”", '"')):
            return ""
        opening = max(before.rfind("“", 0, len(before) - 1), before.rfind('"', 0, len(before) - 1))
        if opening < 0:
            return ""
        quote = before[opening + 1 : -1]
    quote = _clean(quote).rstrip(",")
    if len(quote) > _QUOTE_CHARS:
        quote = quote[:_QUOTE_CHARS].rsplit(" ", 1)[0] + "…"
    return quote


def extract_speakers(text: str) -> list[Speaker]:
    """The people quoted in ``text``, in order of first appearance, each once (by name).

    >>> extract_speakers("…,” said Carolyn Nash, Asia Advocacy Director at Amnesty International USA.")[0].role
    'Asia Advocacy Director'
    """
    if not text:
        return []
    found: list[tuple[int, Speaker]] = []
    # Every shape is anchored on a verb of saying, so only the text around each verb is read:
    # matching the patterns across a whole story cost ~10 ms per 3,000 characters; this ~0.2 ms.
    for verb in _VERB_ONLY.finditer(text):
        speaker, name_start, span = None, 0, (0, 0)
        # Every shape but C' has a job word shortly before the verb: most "said"s in news ("police
        # said", "he said") have none and cost one quick search. (Searched in the text, not yet
        # cut at the sentence start: a job word there may be in the sentence; none, none in it.)
        if _has_role_word(text[max(0, verb.end() - _ROLE_REACH) : verb.end()]):
            window_start = _sentence_start(text, verb.start())
            before = text[window_start : verb.end()]
            possessive = "’s" in before or "'s" in before
            comma = "," in before
            for label, pattern in (_BEFORE if _ROLE_WORD.search(before, max(0, len(before) - _ROLE_REACH)) else ()):
                if (label in "AD" and not possessive) or (label in "CDE" and not comma):
                    continue  # cheap string tests before a costly search
                match = pattern.search(before)
                if match is not None:
                    speaker = _speaker(label, match)
                    if speaker is not None:
                        name_start, span = window_start + match.start("name"), (window_start + match.start(), window_start + match.end())
                        break
        # C' (said NAME, ROLE at ORG) has a name right after the verb: "said the", "said it" don't.
        if speaker is None and _CAPITAL_NEXT.match(text, verb.end()):
            match = _AFTER.match(text, verb.start(), _sentence_end(text, verb.end()))
            if match is not None:
                speaker = _speaker("C'", match)
                name_start, span = match.start("name"), (match.start(), match.end())
        if speaker is not None:
            found.append((name_start, Speaker(speaker.name, speaker.role, speaker.organisation, _quote(text, *span))))
    found.sort(key=lambda pair: pair[0])
    seen: set[str] = set()
    result = []
    for _, speaker in found:
        if speaker.slug not in seen:
            seen.add(speaker.slug)
            result.append(speaker)
    return result


def _speaker(label: str, match: re.Match[str]) -> Speaker | None:
    groups = match.groupdict()
    name = _HONORIFIC.sub("", _LEADING.sub("", _clean(groups["name"])))
    org = re.sub(r"(?<!\.[A-Z])\.$", "", _clean(groups.get("org") or ""))  # "USA." ends a sentence; "U.S." keeps its dot
    if label == "D":
        head = _clean(re.sub(r"^(?:the|The)\s+", "", groups["head"]))
        role = f"{head} of {_clean(groups['unit'])}"
        if not _ROLE_WORD.search(head):
            return None
    else:
        role = re.sub(r"^(?:a|an|the|The)\s+", "", _clean(groups.get("role") or ""))
    if not _valid_name(name) or not _valid_role(role):
        return None
    if org and _ROLE_WORD.fullmatch(org):
        return None
    return Speaker(name=name, role=role, organisation=org)

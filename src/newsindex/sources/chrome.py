"""Page furniture of saved newsroom pages: what is never an entry's text, and photo captions.

Kept apart from the reader (:mod:`.newsroom`) because it is vocabulary, not structure: menus,
share buttons, pagination, "Read more", press contacts, footers; "Tags:" paragraphs; and the
photo caption/credit formulas ("(Photo by X/Getty Images)") that start many entries.
"""

from __future__ import annotations

import re

from .datelines import type_of

__all__ = ["CHROME", "LABEL", "NUMBER", "credit_of", "is_caption"]

CHROME = re.compile(
    r"""^(?:
        newsroom|news\s*room|press\s*room|press\s*centre|press\s*center|media\s*centre|media\s*center|
        read\s*more.{0,40}|continue\s*reading.{0,40}|read\s*the\s*full.{0,40}|learn\s*more|see\s*more|show\s*more|
        load\s*more|view\s*more|view\s*all|see\s*all|more\s*news|more|
        share(?:\s*this(?:\s*page|\s*story|\s*article)?|\s*on\s*\w+)?|tweet|facebook|twitter|linkedin|email|e-mail|
        (?:facebook|twitter|x|linkedin|whatsapp|email|e-mail|reddit|telegram|pinterest|bluesky|mastodon)\s*share|
        main\s*menu|follow\s*us.{0,30}|privacy(?:\s*policy|\s*notice)?|cookies?(?:\s*policy|\s*settings)?|
        terms\s*(?:of\s*(?:use|service)|and\s*conditions)?|contact(?:\s*us)?|donate(?:\s*now)?|
        print|copy\s*link|back\s*to\s*top|skip\s*to\s*(?:main\s*)?content|menu|search|filters?|sort\s*by.*|
        next|previous|prev|older\s*posts?|newer\s*posts?|page\s*\d+(?:\s*of\s*\d+)?|[\d\s…|.]*(?:next|previous)?|
        [^\w]*
    )[\s»›→>]*$
    |^(?:below\s*you.?ll\s*find|if\s*you\s*are\s*a\s*member\s*of\s*the\s*press|for\s*media\s*inquiries|
        media\s*contact|press\s*contact|sign\s*up\s*for|subscribe\s*to|all\s*rights\s*reserved)
    |^(?:©|\(c\)|copyright)\s*(?:\d{4}|[^\w]*$)
    |\[email\s*protected\]\s*$
    """,
    re.I | re.X,
)
#: A label whose paragraph lists tags or topics ("Tags:", "Filed under:"): never entry text.
LABEL = re.compile(r"^(?:tags?|topics?|filed\s+(?:under|in)|categor(?:y|ies)|labels?|keywords?|related(?:\s+\w+)?)\s*:", re.I)
NUMBER = re.compile(r"^\d{1,4}$")
#: A paragraph is a photo caption/credit when it carries a credit formula, not merely a word
#: like "photo" (a headline may say "Reuters" or "photos").
_CAPTION_HINT = re.compile(
    r"\b(?:photo|photograph|pict|picture|image)s?\.?\s*(?:credit|by\b|:)|^\s*©|\(c\)\s|\bcredit\s*:|"
    r"\bcourtesy\s+of\b|\bvia\s+getty\s+images\b|/\s*getty\s+images\b|\bafp\s+photo\b|\bap\s+photo\b|\breuters/",
    re.I,
)
_CREDIT_PATTERNS = (
    re.compile(r"photo\s+credit\s+should\s+read:?\s*([^)]+)", re.I),
    re.compile(r"\(\s*(?:photo|photograph|picture|image)s?\s*(?:credit\s*:?|by|:)\s*([^)]+)\)", re.I),
    re.compile(r"^\s*\(?\s*(?:photo|photograph|picture|image)s?\s*(?:credit\s*:?|by|:)\s*(.+?)\)?\s*$", re.I),
    re.compile(r"\b(?:photo|photograph|picture|pict|pic|image)s?\.?\s+(?:credit\s*:?|by)\s*([^)]+)", re.I),
    re.compile(r"\b(?:credit|courtesy\s+of)\s*:?\s*([^)]+)", re.I),
    re.compile(r"(?:©|\(c\))\s*([^)]+?)\s*\)?\s*$", re.I),
)

def credit_of(caption: str) -> str:
    """The photo credit in a caption ("... (Photo by X/Getty Images)" → "X/Getty Images"), or ""."""
    for pattern in _CREDIT_PATTERNS:
        found = pattern.search(caption)
        if found:
            credit = found.group(1).strip(" .;,)(")
            if credit:
                return credit
    return ""


def is_caption(text: str) -> bool:
    return bool(_CAPTION_HINT.search(text)) and type_of(text) is None

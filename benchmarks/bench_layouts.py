"""Synthetic listing pages of many layouts: how robust the listing readers are beyond the real pages.

    python benchmarks/bench_layouts.py              # text and HTML variants (~10 s)
    python benchmarks/bench_layouts.py --verbose    # each page that is not read right
    python benchmarks/bench_layouts.py --seed 7     # another draw of dates and page sizes

The real pages of ``bench_pages.py`` are few; the lead checks on pages of other publishers. This
script builds pages the way newsrooms vary them and scores each entry as ``bench_pages.py`` does
(right = the title with its own date; wrong date = a neighbour's; extras = chrome indexed):

* **text** (format ``newsroom``): 17 date forms (German, French, Spanish among them) x date first / last / between title and summary
  x a type line (none, above the title, below the date, beside the date) x with or without
  summaries x blank lines or not x a cut-off last entry or not x a "Read more" per entry;
  header menus, share buttons, a pager and a footer on every page.
* **HTML** (format ``html``): 13 entry markups (``<article>`` with ``<time>``, date-first Drupal
  rows, list items, table rows, whole-card links, ``<dl>``, bare siblings, blog bylines with
  category links, a featured post above the river, stacked date boxes, card links of type /
  title / date blocks, ReliefWeb-style field lists with two dates, GOV.UK-style metadata lists) x 11 date forms (German and French among them) x with or
  without teasers x with or without a dated "Recent posts" sidebar.
* **articles**: single release pages of 6 markups (date after or before an ``<h1>``, an ``<h2>``
  headline and no ``<h1>``, the date only in meta tags, a dateline "GENEVA, 12 March 2024 –",
  a byline with ``<time>``) x 11 date forms x a "Latest news" box of other dated releases (none,
  after, before the article) x 3 draws: the headline with its own date.
* **HTML as text**: the same HTML pages as a browser's "save as text" gives them (format
  ``newsroom``).

Known ambiguity (counted, not hidden): a text page with the date between title and summary, no
summaries, the type on the date line ("Title" / "12 March 2024 • Press Release") and a cut-off
last entry fits the date-first reading just as well; the reader takes date-first there, the
layout of most newsrooms that print "DATE • Type" (a date-first widget without summaries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import itertools
import logging
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsindex import SourceError, load_releases  # noqa: E402

TITLES = [
    "Hong Kong: vigil organisers jailed for commemorating Tiananmen", "Kenya: police must end excessive force at protests",
    "Brazil: Indigenous land defenders under attack", "Saudi Arabia: release women's rights activists now",
    "Minister welcomes new trade agreement with Canada", "Company reports record third-quarter revenue",
    "Senator introduces bill to protect veterans' benefits", "City council approves budget for new library",
    "UN experts call for inquiry into detention centres", "Foundation announces grants for rural schools",
    "Myanmar: military must stop air strikes on villages", "Statement on the anniversary of the ceasefire",
]
SUMMARIES = [
    "Three organisers of the annual candlelight vigil were sentenced today to prison terms, in a further blow to freedoms.",
    "Police fired tear gas and live ammunition at protesters in Nairobi, witnesses said, leaving at least five injured.",
    "A new report documents thirty killings of Indigenous land defenders in the Amazon over the past two years.",
    "Several women's rights activists remain detained without charge more than a year after their arrest.",
    "The agreement removes tariffs on most goods and opens public procurement to firms from both countries.",
    "Revenue rose 14 per cent on the year, driven by strong demand for cloud services in Europe and Asia.",
    "The bill would stop benefit cuts for veterans who move between states and speed up claims processing.",
    "The new branch library will open in 2026 with a children's wing, a makerspace and evening hours.",
    "The experts said reports of torture and overcrowding must be investigated promptly and independently.",
    "Grants of up to 50,000 dollars will go to schools in districts with fewer than ten thousand residents.",
    "Witnesses described repeated strikes on villages in Sagaing region in the past week, killing civilians.",
    "One year after the ceasefire was signed, we call on all parties to honour its terms and free detainees.",
]
TEXT_FORMS = ["%d %B %Y", "%A %d %B %Y", "%b %d, %Y", "%B %d, %Y", "• %B %d, %Y", "%Y-%m-%d", "%d.%m.%Y", "%d %b %Y",
              "%A, %B %d, %Y", "Posted on %B %d, %Y", "%B %d, %Y at 10:30 am", "By Jane Doe | %B %d, %Y", "%Y/%m/%d",
              "Published: %d %B %Y", "%d. {de} %Y", "%d {fr} %Y", "%d de {es} de %Y"]
HTML_FORMS = ["%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d", "%d.%m.%Y", "%A, %B %d, %Y", "Posted on %B %d, %Y",
              "By Jane Doe | %B %d, %Y", "%d %b %Y", "%d. {de} %Y", "%d {fr} %Y"]
_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
_FR = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
_ES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()


def when(day: dt.date, form: str) -> str:
    """``day`` printed in ``form``: strftime, plus {de} {fr} {es} for German, French and Spanish month names."""
    for key, names in (("{de}", _DE), ("{fr}", _FR), ("{es}", _ES)):
        form = form.replace(key, names[day.month - 1])
    return day.strftime(form)


HEADER = ["Skip to main content", "Main menu\nHome\nAbout us\nNews\nContact", "Search", "Press releases | Example Org",
          "Facebook Share", "Twitter Share", "Newsroom"]
FOOTER = ["Load more", "Pages\n1\n2\n3\nNext ›", "Follow us", "Privacy policy", "Cookie settings",
          "© 2024 Example Org. All rights reserved."]
STYLES = ["article", "date-first-div", "li", "tr", "card", "dl", "bare", "tags", "hero", "datebox", "typecard", "metadl", "govuk"]


def _entries(rng: random.Random, n: int) -> list[tuple[str, str, dt.date]]:
    start = dt.date(2024, 6, 28)
    days = sorted({start - dt.timedelta(days=rng.randint(0, 700)) for _ in range(n * 3)}, reverse=True)[:n]
    return [(TITLES[i % 12] + ("" if i < 12 else f" (part {i})"), SUMMARIES[i % 12], days[i]) for i in range(n)]


def text_page(rng, n, form, order, typed, summaries, blank, cut, read_more) -> tuple[str, list]:
    sep = "\n\n" if blank else "\n"
    out = list(HEADER)
    entries = _entries(rng, n)
    for title, summary, day in entries:
        when_, label = when(day, form), rng.choice(["Press Release", "News", "Statement", "Report"])
        if typed == "beside":
            when_ += " • " + label
        more = [summary] if summaries else []
        line = [label] if typed in ("above", "below") else []
        if order == "first":
            parts = [when_, *line, title, *more]
        elif order == "last":
            parts = [*line, title, *more, when_]
        else:
            parts = [title, when_, *line, *more]
        if read_more:
            parts = parts[:-1] + ["Read more", parts[-1]] if order == "last" else parts + ["Read more"]
        out.append(sep.join(parts))
    if cut:  # the saved page stops inside its last entry
        out.append(when(entries[-1][2] - dt.timedelta(days=3), form) if order == "first" else
                   "Yemen: civilians killed in air strike on a market" + sep + "An air strike hit a market on Tuesday, killing twelve.")
    return "\n\n".join(out + FOOTER) + "\n", [(t, d) for t, _, d in entries]


def _html_entry(style: str, i: int, title: str, summary: str, day: dt.date, form: str, teaser: bool) -> str:
    when_, href = when(day, form), f"/news/{i}"
    s = f"<p>{html.escape(summary)}</p>" if teaser else ""
    a = f'<a href="{href}">{html.escape(title)}</a>'
    return {
        "article": f'<article class="post post-{i}"><h2 class="entry-title">{a}</h2><div class="meta"><time datetime="{day}">{when_}</time></div>{s}</article>',
        "date-first-div": f'<div class="views-row views-row-{i}"><div class="date">{when_}</div><h3>{a}</h3>{s}<a class="more" href="{href}">Read more</a></div>',
        "li": f'<li><span class="date">{when_}</span> – {a}{s}</li>',
        "tr": f'<tr class="{"odd" if i % 2 else "even"}"><td>{a}</td><td class="date">{when_}</td></tr>',
        "card": f'<div class="card"><a class="card-link" href="{href}"><img src="x.jpg" alt=""><h3>{html.escape(title)}</h3><span>{when_}</span></a>{s}</div>',
        "dl": f"<dt>{when_}</dt><dd>{a}{s}</dd>",
        "bare": f'<h4>{a}</h4><p class="date">{when_}</p>{s}',
        "tags": f'<div class="item"><h2>{a}</h2><p class="byline">{when_} in <a href="/tag/a{i}">Human rights</a>, <a href="/tag/b{i}">Asia</a></p>{s}<p><a href="/c{i}">3 Comments</a></p></div>',
        "hero": (f'<div class="featured"><h1>{a}</h1><p class="hero-date">{when_}</p>{s}</div>' if i == 0 else
                 f'<div class="river-item"><h3>{a}</h3><p class="d">{when_}</p>{s}</div>'),
        "typecard": f'<div class="card"><a class="card__link" href="{href}"><p class="card__type">Press Release</p><p>{html.escape(title)}</p><p>{when_}</p></a>{s}</div>',
        "metadl": (f'<article class="river"><h3><a href="{href}">{html.escape(title)}</a></h3>{s}<dl><dt>Format</dt><dd>News and Press Release</dd>'
                   f'<dt>Source</dt><dd><a href="/s/{i}">OCHA</a></dd><dt>Posted</dt><dd><time datetime="{day}">{when_}</time></dd>'
                   f'<dt>Originally published</dt><dd><time datetime="{day}">{when_}</time></dd></dl></article>'),
        "govuk": (f'<li class="doc"><a class="govuk-link" href="{href}">{html.escape(title)}</a>{s}<ul class="meta"><li>Press release</li>'
                  f'<li><time datetime="{day}">{when_}</time></li></ul></li>'),
        "datebox": f'<div class="row"><div class="datebox">\n<span>{day:%b}</span>\n<span>{day.day}</span>\n<span>{day.year}</span>\n</div><h2>{a}</h2>{s}</div>',
    }[style]


def html_page(rng, n, style, form, teaser, sidebar) -> tuple[str, list]:
    entries = _entries(rng, n)
    body = "".join(_html_entry(style, i, t, s, d, form, teaser) for i, (t, s, d) in enumerate(entries))
    body = {"li": f"<ul class='list'>{body}</ul>", "govuk": f"<ul>{body}</ul>", "tr": f"<table>{body}</table>", "dl": f"<dl>{body}</dl>"}.get(style, body)
    nav = '<header><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About our organisation</a></li></ul></nav></header>'
    side = ""
    if sidebar:
        old = entries[0][2] - dt.timedelta(days=400)
        side = ('<div class="sidebar"><h3>Recent posts</h3><ul>' + "".join(
            f'<li><a href="/old{k}">Older story number {k} about the world</a> <span>{when(old - dt.timedelta(days=k), form)}</span></li>'
            for k in range(3)) + "</ul></div>")
    foot = '<footer><a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer><div class="pager"><a href="?page=2">Next page ›</a></div>'
    doc = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>News | Example</title></head><body>{nav}<main><h1>Press releases</h1>{body}</main>{side}{foot}</body></html>'
    return doc, [(t, d) for t, _, d in entries]


ARTICLE_STYLES = ["h1-date-after", "h1-date-before", "h2-no-h1", "meta-only", "dateline", "byline-time"]


def article_page(rng, style: str, form: str, latest: str) -> tuple[str, list]:
    """One release page: its headline and date shown as publishers do, the text, and maybe a
    "Latest news" box of other dated releases before or after it."""
    title, day = rng.choice(TITLES), dt.date(2024, 6, 28) - dt.timedelta(days=rng.randint(0, 700))
    shown = when(day, form)
    text = "".join(f"<p>{html.escape(rng.choice(SUMMARIES))} {html.escape(rng.choice(SUMMARIES))}</p>" for _ in range(6))
    head = {
        "h1-date-after": f"<h1>{html.escape(title)}</h1><p class='date'>{shown}</p>",
        "h1-date-before": f"<p class='date'>{shown}</p><h1>{html.escape(title)}</h1>",
        "h2-no-h1": f"<h2>{html.escape(title)}</h2><div class='meta'><span>{shown}</span></div>",
        "meta-only": f"<h1>{html.escape(title)}</h1>",
        "dateline": f"<h1>{html.escape(title)}</h1>",
        "byline-time": f"<h1>{html.escape(title)}</h1><div class='byline'>By Jane Doe, <time datetime='{day}'>{shown}</time></div>",
    }[style]
    if style == "dateline":
        text = f"<p>GENEVA, {day:%d %B %Y} – {html.escape(SUMMARIES[0])}</p>" + text
    meta = f'<meta property="article:published_time" content="{day}T09:00:00Z">' if style == "meta-only" else ""
    old = day - dt.timedelta(days=30)
    box = ('<div class="block"><h3>Latest news</h3><ul>' + "".join(
        f'<li><a href="/n/{k}">Another release number {k} of the office</a> <span>{when(old - dt.timedelta(days=k), form)}</span></li>'
        for k in range(6)) + "</ul></div>")
    article = f"<article>{head}{text}</article>"
    body = {"none": article, "after": article + box, "before": box + article}[latest]
    doc = f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)} | Ministry</title>{meta}</head><body>{body}</body></html>"
    return doc, [(title, day)]


def score(page: str, truth: list, name: str, fmt: str) -> tuple[int, int, int, bool]:
    stream = io.BytesIO(page.encode("utf-8"))
    stream.name = name
    errors: list[SourceError] = []
    try:
        got = {r.title: r.date for r in load_releases(stream, format=fmt, errors=errors)}
    except SourceError:
        return 0, 0, 0, True
    titles = dict(truth)
    right = sum(1 for t, d in truth if got.get(t) == d)
    wrong = sum(1 for t, d in truth if t in got and got[t] != d)
    return right, wrong, sum(1 for t in got if t not in titles), False


def run(seed: int, verbose: bool) -> list[str]:
    rng = random.Random(seed)
    lines = []
    text_cases = [c for c in itertools.product(TEXT_FORMS, ["first", "last", "middle"], ["none", "above", "below", "beside"],
                                               [True, False], [True, False], [False, True], [False, True])
                  if not (c[2] == "beside" and c[1] == "last")]
    html_cases = list(itertools.product(STYLES, HTML_FORMS, [True, False], [False, True]))
    from bench_pages import as_text  # (the browser's "save as text" of a page)

    article_cases = list(itertools.product(ARTICLE_STYLES, HTML_FORMS, ["none", "after", "before"], range(3)))
    for reading, cases in (("text", text_cases), ("html", html_cases), ("html as text", html_cases), ("articles", article_cases)):
        started = time.perf_counter()
        total = right = wrong = extras = crashes = 0
        bad: Counter = Counter()
        for case in cases:
            n = rng.choice([4, 7, 12] if reading == "text" else [3, 5, 10, 20])
            if reading == "articles":
                page, truth = article_page(rng, *case[:3])
            else:
                page, truth = text_page(rng, n, *case) if reading == "text" else html_page(rng, n, *case)
            if reading == "html as text":
                page = as_text(page.encode("utf-8"))
            fmt = "html" if reading in ("html", "articles") else "newsroom"
            r, w, x, crashed = score(page, truth, "p.html" if fmt == "html" else "p.txt", fmt)
            total, right, wrong, extras, crashes = total + len(truth), right + r, wrong + w, extras + x, crashes + crashed
            if r != len(truth) or x:
                bad[(case[1], f"type {case[2]}", "summaries" if case[3] else "no summaries", "cut" if case[5] else "whole")
                    if reading == "text" else case[:2]] += 1
                if verbose:
                    lines.append(f"      {reading} {case}: {r}/{len(truth)} right, {w} wrong date, {x} extras{' (file refused)' if crashed else ''}")
        lines.append(
            f"{reading + ' variants':<22} {len(cases):>5} pages  {right}/{total} right = {right / total:.3f}   {wrong} wrong date   "
            f"{extras} extras   {crashes} pages refused   ({time.perf_counter() - started:.1f} s)"
        )
        if bad:
            lines.append("      not all right: " + ", ".join(f"{'/'.join(map(str, k))} x{v}" for k, v in bad.most_common(8)))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    for line in run(args.seed, args.verbose):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

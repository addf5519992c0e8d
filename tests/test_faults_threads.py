"""Build 8 (issue 15): 8 threads search one open index while another thread adds and commits.

One NewsIndex object shared by nine threads, on disk, for a bounded time: no exception in any
thread, and every total a search sees is a whole number of batches (a commit is seen whole or
not at all). Several kinds of search run, so each path meets the writer: words, a phrase, a
broad prefix (multiterm's filter), facets with a filter, ids, a fuzzy word.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from newsindex import NewsIndex, Release

BATCH = 40
SECONDS = 4.0


def _batch(number: int) -> list[Release]:
    return [
        Release(
            title=f"Batch {number} release {i}: vigil in Hong Kong",
            body=f"Police dispersed the vigil in Hong Kong; protesters p{number}x{i} said the assembly was peaceful.",
            date=dt.date(2021, 1 + number % 12, 1 + i % 28),
            countries=("HK",),
            url=f"https://e.org/{number}/{i}",
        )
        for i in range(BATCH)
    ]


def test_eight_searching_threads_beside_a_writing_thread(tmp_path):
    idx = NewsIndex.create(tmp_path / "ix")
    idx.add(_batch(0), workers=0)
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()
    searches = [
        lambda: idx.search("vigil", limit=5).total,
        lambda: idx.search('"hong kong"', limit=3).total,
        lambda: idx.search("p*", limit=3).total,
        lambda: idx.search("assembly", country="HK", facets=("year", "country"), limit=2).total,
        lambda: len(idx.ids("peaceful")),
        lambda: idx.search("vigl~", limit=2).total,
        lambda: idx.search("", since="2021-01-01", limit=1).total,
        lambda: len(idx),
    ]

    def search(kind: int) -> None:
        try:
            while not stop.is_set():
                totals.append(searches[kind]())
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    def write() -> None:
        number = 1
        try:
            while not stop.is_set():
                idx.add(_batch(number), workers=0)
                number += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=search, args=(k,)) for k in range(8)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    committed = len(idx)
    idx.close()
    assert errors == []
    assert committed >= 2 * BATCH, "the writer committed fewer than two batches: nothing was tested"
    assert totals and all(total % BATCH == 0 and BATCH <= total <= committed for total in totals)
    assert len(set(totals)) > 1  # the searches saw the index grow

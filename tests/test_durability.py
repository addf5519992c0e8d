"""Crashes, locks, concurrent readers, damaged stamps: nothing lost, nothing corrupted.

These start real processes (the CLI, a lock holder, a reader) on a real on-disk index.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

from newsindex import IndexLockedError, IndexVersionError, NewsIndex, NewsIndexError, Release
from newsindex.index import STAMP_FILE

TOTAL = 3000
BATCH = 500


def _write_jsonl(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({
                "title": f"Release {i}: police detain protesters in Lagos",
                "body": f"Nigerian police detained {i} protesters in Lagos on Tuesday, witnesses said. " * 3,
                "date": f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "url": f"https://example.org/releases/{i}",
            }) + "\n")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "newsindex", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _committed(path: Path) -> int:
    """Releases in the last commit, read by a fresh NewsIndex (0 when nothing is committed yet)."""
    try:
        with NewsIndex.open(path) as idx:
            return len(idx)
    except NewsIndexError:
        return 0


def _processes_with(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if marker.encode() in (proc / "environ").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("kill_after_commits", [0, 1, 3])
def test_sigkill_mid_indexing_keeps_whole_batches_and_a_rerun_completes(tmp_path, kill_after_commits):
    source = tmp_path / "big.jsonl"
    _write_jsonl(source, TOTAL)
    index = tmp_path / "ix"
    marker = f"NEWSINDEX_TEST_{uuid.uuid4().hex}"
    env = dict(os.environ, **{marker: "1"})
    proc = _cli("index", str(index), str(source), "--batch-size", str(BATCH), "-q", env=env)
    deadline = time.monotonic() + 60
    if kill_after_commits == 0:
        time.sleep(0.3)  # before any commit: still reading, or writing the first batch
    else:
        while _committed(index) < kill_after_commits * BATCH and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close(), proc.stderr.close()

    # The index (if the first commit happened) opens, searches, and holds whole batches only.
    count = _committed(index)
    assert count % BATCH == 0 or count == TOTAL
    if kill_after_commits:
        assert count >= kill_after_commits * BATCH
        with NewsIndex.open(index) as idx:
            assert idx.search("protesters", limit=1).total == count
    # The facet worker process died with the indexer (it reads EOF), holding nothing.
    time.sleep(1.0)
    assert _processes_with(marker) == []

    # Re-running the same command completes the job: every release once, none missing.
    rerun = subprocess.run([sys.executable, "-m", "newsindex", "index", str(index), str(source), "--batch-size", str(BATCH), "-q"], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with NewsIndex.open(index) as idx:
        assert len(idx) == TOTAL
        assert len(set(idx.ids())) == TOTAL
        assert idx.search("protesters", limit=1).total == TOTAL


LOCK_HOLDER = textwrap.dedent(
    """
    import sys, time
    from newsindex import NewsIndex
    idx = NewsIndex.open(sys.argv[1])
    writer = idx._ix.writer()  # hold Whoosh's write lock, as a long add() would
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    writer.cancel()
    """
)


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_writer_fails_at_once_or_after_its_timeout(tmp_path):
    path = tmp_path / "ix"
    NewsIndex.create(path).close()
    holder = _hold_lock(path, 30)
    try:
        with NewsIndex.open(path) as idx:
            started = time.monotonic()
            with pytest.raises(IndexLockedError, match="another writer"):
                idx.add([Release(title="Blocked")])
            assert time.monotonic() - started < 5
            started = time.monotonic()
            with pytest.raises(IndexLockedError, match=r"waited 1s"):
                idx.add([Release(title="Blocked")], timeout=1.0)
            assert time.monotonic() - started >= 1.0
            assert len(idx) == 0 and idx.search("", limit=1).total == 0  # reading is never blocked
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    # The killed holder's lock went with its process: the next writer proceeds.
    with NewsIndex.open(path) as idx:
        assert idx.add([Release(title="After the crash")]).added == 1


def test_a_writer_waiting_with_a_timeout_gets_the_lock_when_it_is_released(tmp_path):
    path = tmp_path / "ix"
    NewsIndex.create(path).close()
    holder = _hold_lock(path, 1.0)
    try:
        with NewsIndex.open(path) as idx:
            assert idx.add([Release(title="Waited for it")], timeout=20).added == 1
    finally:
        holder.wait()
        holder.stdout.close()


def _batches(n_batches: int, size: int):
    for b in range(n_batches):
        yield [Release(title=f"Batch {b} release {i} about Hong Kong", body="Hong Kong vigil", url=f"https://e.org/{b}/{i}") for i in range(size)]


def test_reader_threads_see_only_committed_snapshots_while_a_writer_adds(tmp_path):
    path = tmp_path / "ix"
    idx = NewsIndex.create(path)
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        reader = NewsIndex.open(path)
        try:
            while not stop.is_set():
                seen.append(reader.search("vigil", limit=3).total)
                seen.append(idx.search("hong kong", limit=3).total)  # shared with the writer's object
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            reader.close()

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    for batch in _batches(8, 50):
        idx.add(batch, strict=False, batch_size=50)
    stop.set()
    for t in threads:
        t.join()
    idx.close()
    assert errors == []
    assert seen and all(count % 50 == 0 for count in seen)
    assert max(seen) <= 400


READER = textwrap.dedent(
    """
    import sys, time
    from newsindex import NewsIndex
    idx = NewsIndex.open(sys.argv[1])
    end = time.monotonic() + float(sys.argv[2])
    counts = []
    while time.monotonic() < end:
        counts.append(idx.search("vigil", limit=2).total)
    print(" ".join(map(str, counts)))
    """
)


def test_a_reader_process_sees_only_committed_snapshots_while_a_writer_adds(tmp_path):
    path = tmp_path / "ix"
    with NewsIndex.create(path) as idx:
        idx.add(next(_batches(1, 50)))
        reader = subprocess.Popen([sys.executable, "-c", READER, str(path), "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for batch in list(_batches(9, 50))[1:]:
            idx.add(batch)
            time.sleep(0.2)
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    counts = [int(c) for c in out.split()]
    assert counts and all(c % 50 == 0 and 50 <= c <= 450 for c in counts)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda stamp: stamp.write_text(json.dumps({**json.loads(stamp.read_text()), "schema_version": 99})), r"schema version 99.*--overwrite"),
        (lambda stamp: stamp.write_text("{not json"), r"unreadable.*--overwrite"),
        (lambda stamp: stamp.unlink(), r"without a newsindex version stamp.*--overwrite"),
    ],
)
def test_a_damaged_or_foreign_stamp_says_how_to_rebuild(tmp_path, tamper, message):
    path = tmp_path / "ix"
    with NewsIndex.create(path) as idx:
        idx.add([Release(title="One")])
    tamper(path / STAMP_FILE)
    with pytest.raises(IndexVersionError, match=message):
        NewsIndex.open(path)


def test_a_corrupted_table_of_contents_is_a_clear_error(tmp_path):
    path = tmp_path / "ix"
    with NewsIndex.create(path) as idx:
        idx.add([Release(title="One")])
    for toc in path.glob("_MAIN_*.toc"):
        toc.write_bytes(toc.read_bytes()[:20])
    with pytest.raises(NewsIndexError, match="--overwrite"):
        NewsIndex.open(path)


def test_a_worker_busy_with_a_chunk_ends_as_soon_as_its_parent_is_killed(tmp_path):
    """A worker doesn't wait for EOF on its stdin to notice its parent's death: one busy with a
    long chunk (or still importing) used to live on as an orphan until the chunk was done."""
    marker = f"NEWSINDEX_TEST_{uuid.uuid4().hex}"
    parent = textwrap.dedent(f"""
        import os, signal, sys
        from newsindex import Release
        from newsindex.pipeline import _message, _spawn
        worker = _spawn("_worker_main")
        text = "Nigerian police detained protesters in Lagos, the Home Office said on Tuesday. " * 40
        chunk = [Release(id=str(i), title=f"Release {{i}}", body=text) for i in range(20000)]
        worker.stdin.write(_message((None, None)))
        worker.stdin.write(_message(chunk))
        worker.stdin.flush()
        print(worker.pid, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=120, env=dict(os.environ, **{marker: "1"}))
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    worker_pid = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 5
    while Path(f"/proc/{worker_pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    # (A zombie reaped by init counts as gone: its environ is unreadable.)
    assert _processes_with(marker) == []

"""URLs: fetching (timeouts, redirects, size limit, gzip, content types), `index URL` and `update`
with conditional GET — against a real HTTP server the test starts on 127.0.0.1 (no outside network)."""

import gzip
import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from newsindex import FetchError, NewsIndex, SourceError, load_releases
from newsindex.cli import main
from newsindex.follow import SOURCES_FILE, followed, update
from newsindex.sources.url import fetch

FEED_ITEM = "<item><title>{title}</title><link>https://example.org/{slug}</link><pubDate>{date}</pubDate><description>{text}</description></item>"


def rss(*items: tuple[str, str, str]) -> bytes:
    body = "".join(FEED_ITEM.format(title=t, slug=t.lower().replace(" ", "-"), date="Mon, 06 Sep 2021 10:00:00 +0200", text=x) for t, x, _ in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Newsroom</title><link>https://example.org/</link>{body}</channel></rss>'.encode()


class Server:
    """A local HTTP server: ``routes[path] = (status, headers, body)``, or a callable of the handler."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        routes, requests = self.routes, self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = routes.get(self.path)
                if callable(route):
                    route(self)
                    return
                status, headers, body = route if route else (404, {}, b"not found")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server():
    srv = Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)


def conditional_feed(server: Server, path: str, state: dict) -> None:
    """Serve ``state["body"]`` with an ETag, answering 304 to a matching If-None-Match."""

    def handler(h: http.server.BaseHTTPRequestHandler) -> None:
        etag = f'"v{state["version"]}"'
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        body = state["body"]
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        h.send_header("ETag", etag)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.routes[path] = handler


def test_a_feed_url_is_fetched_and_read_with_a_user_agent_naming_newsindex(server):
    server.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, rss(("First story", "text", "")))
    (release,) = load_releases(server.url("/feed"))
    assert release.title == "First story" and release.source == "Example Newsroom"
    assert server.requests[0][1]["user-agent"].startswith("newsindex/")
    assert "gzip" in server.requests[0][1]["accept-encoding"]


def test_gzip_and_redirects_are_followed_and_relative_links_resolve_against_the_final_url(server):
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><item><title>Rel</title><link>/news/1</link><pubDate>2021-01-02</pubDate></item></channel></rss>'
    server.routes["/new-feed"] = (200, {"Content-Type": "text/xml", "Content-Encoding": "gzip"}, gzip.compress(body))
    server.routes["/old-feed"] = (301, {"Location": "/new-feed"}, b"")
    (release,) = load_releases(server.url("/old-feed"))
    assert release.url == server.url("/news/1")


@pytest.mark.parametrize(
    "route, message",
    [
        ((404, {}, b"gone"), "HTTP 404"),
        ((500, {}, b"oops"), "HTTP 500"),
        ((200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "content type image/png"),
    ],
)
def test_http_errors_and_wrong_content_types_are_clear_source_errors(server, route, message):
    server.routes["/x"] = route
    with pytest.raises(SourceError, match=message) as caught:
        list(load_releases(server.url("/x"), errors=[]))  # file-level: raised even when lenient
    assert caught.value.path == server.url("/x")


def test_redirect_loops_slow_servers_huge_bodies_and_refused_connections(server):
    server.routes["/a"] = (302, {"Location": "/b"}, b"")
    server.routes["/b"] = (302, {"Location": "/a"}, b"")
    with pytest.raises(FetchError, match="redirect"):
        fetch(server.url("/a"))

    def slow(h: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)
        h.send_response(200)
        h.end_headers()

    server.routes["/slow"] = slow
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(server.url("/slow"), timeout=0.3)
    assert time.monotonic() - started < 1.4

    server.routes["/huge"] = (200, {"Content-Type": "application/rss+xml"}, b"<rss>" + b" " * 300_000)
    with pytest.raises(FetchError, match="limit"):
        fetch(server.url("/huge"), max_bytes=100_000)

    def dribble(h: http.server.BaseHTTPRequestHandler) -> None:  # no Content-Length: the limit is checked while reading
        h.send_response(200)
        h.end_headers()
        for _ in range(40):
            h.wfile.write(b"x" * 10_000)

    server.routes["/dribble"] = dribble
    with pytest.raises(FetchError, match="limit"):
        fetch(server.url("/dribble"), max_bytes=100_000)

    closed = Server()  # bound, never served: the port is free again once closed
    port_url = closed.base + "/feed"
    closed.httpd.server_close()
    with pytest.raises(FetchError, match="cannot fetch"):
        fetch(port_url, timeout=2)


def test_html_pages_are_dispatched_to_the_html_reader_or_refused_clearly(server):
    server.routes["/page"] = (200, {"Content-Type": "text/html; charset=utf-8"}, b"<!doctype html><html><body><h1>News</h1></body></html>")
    try:
        from newsindex.sources import html  # noqa: F401  (the HTML reader, when this version has it)
    except ImportError:
        with pytest.raises(SourceError, match="HTML pages need"):
            list(load_releases(server.url("/page")))
    else:  # read by it: releases, or its own file-level error about the page, never "need"
        try:
            list(load_releases(server.url("/page"), errors=[]))
        except SourceError as exc:
            assert "HTML pages need" not in str(exc)


def test_update_fetches_only_what_changed_with_conditional_get(server, tmp_path):
    state = {"version": 1, "body": rss(("One", "first text", ""), ("Two", "second text", ""))}
    conditional_feed(server, "/feed", state)
    with NewsIndex.create(tmp_path / "idx") as index:
        store = followed(index)
        report = index.add(store.releases(server.url("/feed")))
        store.save()
        assert report.added == 2
        assert [s.etag for s in store] == ['"v1"']

        again = update(index)  # nothing changed: one 304, no item read
        assert (again.sources, again.not_modified, again.added, again.updated) == (1, 1, 0, 0)
        assert server.requests[-1][1].get("if-none-match") == '"v1"'

        state.update(version=2, body=rss(("One", "first text", ""), ("Two", "second text, corrected", ""), ("Three", "new", "")))
        changed = update(index)
        assert (changed.not_modified, changed.added, changed.updated, changed.unchanged) == (0, 1, 1, 1)
        assert len(list(index.releases())) == 3
        assert [s.etag for s in followed(index)] == ['"v2"']
    data = json.loads((tmp_path / "idx" / SOURCES_FILE).read_text())
    assert data["sources"][0]["url"] == server.url("/feed")


def test_update_reports_a_failing_url_and_updates_the_others(server, tmp_path):
    state = {"version": 1, "body": rss(("One", "text", ""))}
    conditional_feed(server, "/good", state)
    server.routes["/bad"] = (200, {"Content-Type": "application/rss+xml"}, rss(("Bad one", "text", "")))
    with NewsIndex.create(tmp_path / "idx") as index:
        store = followed(index)
        index.add([*store.releases(server.url("/good")), *store.releases(server.url("/bad"))])
        store.save()
        del server.routes["/bad"]  # now 404
        state.update(version=2, body=rss(("One", "text", ""), ("Two", "text", "")))
        report = update(index)
        assert report.added == 1 and len(report.failed) == 1 and "404" in report.failed[0][1]
        with pytest.raises(FetchError):
            update(index, strict=True)


def test_cli_index_url_then_update(server, tmp_path, runner):
    state = {"version": 1, "body": rss(("One", "text", ""))}
    conditional_feed(server, "/feed", state)
    idx = str(tmp_path / "idx")
    result = runner.invoke(main, ["index", idx, server.url("/feed"), "-q"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    result = runner.invoke(main, ["update", idx])
    assert result.exit_code == 0, result.output
    assert "1 not modified" in result.output and "0 added" in result.output
    state.update(version=2, body=rss(("One", "text", ""), ("Two", "more", "")))
    result = runner.invoke(main, ["update", idx])
    assert result.exit_code == 0 and "1 added" in result.output, result.output
    listed = runner.invoke(main, ["update", idx, "--list"])
    assert server.url("/feed") in listed.output
    del server.routes["/feed"]
    failed = runner.invoke(main, ["update", idx])
    assert failed.exit_code == 1 and "404" in failed.output


def test_lenient_multi_source_run_reports_unreadable_sources_and_indexes_the_rest(server, tmp_path, runner):
    good = tmp_path / "good.jsonl"
    good.write_text('{"title": "Kept", "date": "2021-01-02"}\n', encoding="utf-8")
    empty_page = tmp_path / "empty.txt"
    empty_page.write_text("Main menu\nAbout us\n", encoding="utf-8")
    idx = tmp_path / "idx"
    result = runner.invoke(main, ["index", str(idx), str(tmp_path / "missing.jsonl"), server.url("/nothing"), str(empty_page), str(good), "-q"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "missing.jsonl" in result.output and "404" in result.output
    with NewsIndex.open(idx) as index:
        assert [r.title for r in index.releases()] == ["Kept"]
    before = sorted(p.name for p in idx.iterdir())
    strict = runner.invoke(main, ["index", str(idx), str(good), str(tmp_path / "missing.jsonl"), "--strict", "-q"])
    assert strict.exit_code == 1 and "missing.jsonl" in strict.output
    assert sorted(p.name for p in idx.iterdir()) == before  # no orphan segment files
    nothing = runner.invoke(main, ["index", str(tmp_path / "idx2"), str(tmp_path / "missing.jsonl"), "-q"])
    assert nothing.exit_code == 1 and "none of the 1 sources" in nothing.output


def test_tag_reports_a_cut_off_last_entry_instead_of_failing(tmp_path, runner):
    page = tmp_path / "page.jsonl"
    page.write_text('{"title": "Whole", "body": "Police in Lagos, Nigeria"}\n{"title": "Cut', encoding="utf-8")
    result = runner.invoke(main, ["tag", str(page)])
    assert result.exit_code == 0, result.output
    assert "Whole" in result.output and "rejected" in result.output


def test_tag_on_a_saved_newsroom_page_cut_off_in_its_last_entry(tmp_path, runner):
    sample = (Path(__file__).parent / "fixtures" / "newsroom_sample.txt").read_text(encoding="utf-8")
    cut = sample[: sample.rindex("March 18, 2020")]  # the page ends before the last entry's date
    page = tmp_path / "saved.txt"
    page.write_text(cut, encoding="utf-8")
    result = runner.invoke(main, ["tag", str(page), "--json"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("{")]
    assert len(lines) == 11  # the 11 whole entries
    assert "rejected" in result.output


def test_last_modified_is_sent_back_as_if_modified_since(server, tmp_path):
    stamp = "Mon, 06 Sep 2021 10:00:00 GMT"

    def handler(h: http.server.BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-Modified-Since") == stamp:
            h.send_response(304)
            h.end_headers()
            return
        body = rss(("One", "text", ""))
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Last-Modified", stamp)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.routes["/lm"] = handler
    with NewsIndex.in_memory() as index:
        store = followed(index)
        index.add(store.releases(server.url("/lm")))
        store.save()
        report = update(index)
        assert (report.not_modified, report.added) == (1, 0)
        assert server.requests[-1][1]["if-modified-since"] == stamp


def test_a_fetched_country_page_labels_its_releases_as_a_saved_one_does(server):
    cards = "".join(f'<article><h3><a href="/n/{i}">{t}</a></h3><time>March {i + 1}, 2024</time></article>'
                    for i, t in enumerate(["Jau Prison: hunger strike over conditions", "Nabeel Rajab released under alternative sentencing", "Court upholds sentences in mass trial"]))
    page = f"<!DOCTYPE html><html><head><title>Bahrain | Human Rights Watch</title></head><body><h1>Bahrain</h1><main>{cards}</main></body></html>"
    server.routes["/bahrain"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
    releases = list(load_releases(server.url("/bahrain")))
    assert len(releases) == 3 and all(r.extra["page"]["headings"] == ["Bahrain", "Bahrain | Human Rights Watch"] for r in releases)
    from newsindex import NewsIndex

    with NewsIndex.in_memory() as index:
        index.add(releases)
        assert index.search("", country="BH").total == 3

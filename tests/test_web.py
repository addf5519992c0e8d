"""The web app over HTTP: a real uvicorn on 127.0.0.1 serving a real on-disk index.

The JSON API must say what the library says (same totals, hits and counts as calling the index
directly) and fail as the CLI fails (same messages, 400/404); the HTML must escape what
releases contain; bounds, headers and read-only behaviour are checked from the outside.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

import newsindex.web
from newsindex import NewsIndex, Release, load_releases
from newsindex.cli import main
from newsindex.web.serve import is_loopback
from webtools import free_port, serving

FIXTURE = Path(__file__).parent / "fixtures" / "newsroom_sample.txt"
HOSTILE = [
    Release(
        title="<script>window.__xss = 1</script> Hostile headline",
        date=dt.date(2021, 5, 5),
        body='Hong Kong police said <img src=x onerror="window.__xss = 2"> nothing.',
        url="javascript:window.__xss = 3",
        source="<b>bold-source</b>",
    ),
    Release(title='<img src=x onerror="window.__xss = 4"> Picture headline', date=dt.date(2021, 5, 6), summary="A hostile summary </mark><script>x</script>"),
]


def build(path: Path) -> Path:
    with NewsIndex.create(path) as index:
        index.add(list(load_releases(FIXTURE)) + HOSTILE)
    return path


@pytest.fixture(scope="module")
def index_path(tmp_path_factory):
    return build(tmp_path_factory.mktemp("web") / "idx")


@pytest.fixture(scope="module")
def server(index_path):
    with serving(newsindex.web.app(str(index_path))) as running:
        yield running


@pytest.fixture(scope="module")
def index(index_path):
    with NewsIndex.open(index_path) as opened:
        yield opened


def cli_error(args: list[str]) -> str:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    return result.output.strip().removeprefix("error: ")


# ----------------------------------------------------------------------------- the JSON API


def test_api_search_returns_what_the_library_returns(server, index):
    status, body = server.json("/api/search?q=hong+kong&country=HK&country=CN&facet=country&facet=issue&limit=3")
    assert status == 200
    expected = index.search("hong kong", country=["HK", "CN"], facets=("country", "issue"), limit=3).to_dict()
    assert body == json.loads(json.dumps(expected))
    assert body["total"] >= 3 and len(body["hits"]) == 3 and {"id", "title", "date", "snippet"} <= set(body["hits"][0])


def test_api_search_defaults_to_the_clis_facets_and_takes_sort_dates_and_pages(server, index):
    status, body = server.json("/api/search?sort=oldest&since=2021-01-01&until=December+31,+2021&limit=2&page=2")
    assert status == 200 and set(body["facets"]) == {"country", "issue", "year"}
    expected = index.search("", sort="oldest", since="2021-01-01", until="2021-12-31", limit=2, page=2)
    assert [h["id"] for h in body["hits"]] == [h.id for h in expected.hits] and body["total"] == expected.total


def test_api_facets_timeline_and_similar_match_the_library(server, index):
    status, facets = server.json("/api/facets?q=china&field=country&field=year")
    assert status == 200 and facets == {k: [c.to_dict() for c in v] for k, v in index.facets("china", fields=("country", "year")).items()}
    status, timeline = server.json("/api/timeline?by=year&country=CN")
    assert status == 200 and timeline["counts"] == [c.to_dict() for c in index.timeline("", by="year", country="CN")]
    assert timeline["total"] == index.search("", country="CN").total
    first = index.search("vigil").hits[0].id
    status, similar = server.json(f"/api/similar/{first}?limit=3")
    assert status == 200 and [h["id"] for h in similar["hits"]] == [h.id for h in index.similar(first, limit=3).hits]
    assert first not in [h["id"] for h in similar["hits"]]


def test_api_release_is_the_clis_show_json_plus_evidence(server, index, index_path):
    release_id = index.search("vigil").hits[0].id
    status, body = server.json(f"/api/release/{release_id}")
    assert status == 200
    from click.testing import CliRunner

    shown = json.loads(CliRunner().invoke(main, ["show", str(index_path), release_id, "--json"]).output)
    assert {k: v for k, v in body.items() if k != "evidence"} == shown
    assert body["countries_extracted"] and all(body["evidence"]["countries"][c] for c in body["countries_extracted"])


def test_api_errors_are_json_with_the_clis_messages(server, index_path):
    status, body = server.json("/api/search?q=" + urllib.parse.quote('"unclosed phrase (('))
    assert status == 400 and body["error"] == cli_error(["search", str(index_path), '"unclosed phrase (('])
    status, body = server.json("/api/release/0000000000000000")
    assert status == 404 and body["error"] == cli_error(["show", str(index_path), "0000000000000000"])
    status, body = server.json("/api/similar/0000000000000000")
    assert status == 404 and body["error"] == cli_error(["similar", str(index_path), "0000000000000000"])
    status, body = server.json("/api/search?since=someday")
    assert status == 400 and "someday" in body["error"]
    status, body = server.json("/api/search?contry=HK")
    assert status == 400 and "unknown parameter 'contry'" in body["error"]
    status, body = server.json("/api/nothing-here")
    assert status == 404 and body["error"]


def test_query_length_page_size_and_paging_depth_are_bounded(server):
    assert server.json("/api/search?q=" + "a" * 501)[0] == 400
    assert server.json("/api/search?q=" + "a" * 500)[0] == 200
    status, body = server.json("/api/search?limit=101")
    assert status == 400 and "limit" in body["error"]
    status, body = server.json("/api/search?limit=100&page=1000")
    assert status == 400 and "page" in body["error"]
    assert server.get("/?q=" + "a" * 501)[0] == 400
    assert server.get("/?q=" + "a" * 10_000)[0] == 400  # the whole query string is bounded too


def test_read_only_every_method_but_get_is_refused(server):
    for method in ("POST", "PUT", "DELETE"):
        status, _, body = server.get("/api/search", method=method)
        assert status == 405 and "read-only" in json.loads(body)["error"]


def test_static_files_come_from_a_fixed_table_no_path_traversal(server):
    status, headers, body = server.get("/static/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and b".hit" in body
    for path in ("/static/../asgi.py", "/static/..%2Fasgi.py", "/static/%2e%2e%2f%2e%2e%2fweb%2fasgi.py", "/static/templates/base.html", "/static/"):
        status, _, body = server.get(path)
        assert status == 404 and b"import" not in body, path


def test_every_response_carries_the_security_headers(server):
    for path in ("/", "/api/search?q=x", "/static/app.js", "/missing", "/api/release/x"):
        _, headers, _ = server.get(path)
        assert "script-src 'self'" in headers["content-security-policy"] and "default-src 'none'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"


def test_a_request_over_the_time_limit_is_a_503_not_a_hung_client(index_path):
    with serving(newsindex.web.app(str(index_path), timeout=1e-9)) as slow:
        status, body = slow.json("/api/search?q=hong+kong")
    assert status == 503 and "too long" in body["error"]


def test_new_commits_show_up_without_a_restart(tmp_path):
    path = build(tmp_path / "idx")
    with serving(newsindex.web.app(str(path))) as running:
        assert running.json("/api/search?q=zanzibarian")[1]["total"] == 0
        with NewsIndex.open(path) as writer:  # another writer beside the server, as `newsindex index` is
            writer.add([Release(title="Zanzibarian ferry inquiry opens", date=dt.date(2022, 1, 3))])
        status, body = running.json("/api/search?q=zanzibarian")
        assert status == 200 and body["total"] == 1
        assert "<mark>Zanzibarian</mark> ferry inquiry opens" in running.get("/?q=zanzibarian")[2].decode()


# ----------------------------------------------------------------------------- the HTML page


def test_release_values_are_escaped_in_results_and_release_pages(server, index):
    html = server.get("/?q=hostile+OR+picture")[2].decode()
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert "<script>window" not in html and "<img src=x" not in html and 'onerror="' not in html
    for hit in index.search("hostile OR picture").hits:
        page = server.get(f"/release/{hit.id}")[2].decode()
        assert "<script>window" not in page and "<img src=x" not in page and "</mark><script>" not in page
        assert 'href="javascript:' not in page.lower()  # a javascript: url is not made a link
        assert "&lt;" in page


def test_search_page_shows_results_facets_chips_histogram_and_pages(server, index):
    html = server.get("/?q=&country=CN&limit=2")[2].decode()
    total = index.search("", country="CN").total
    assert f'data-total="{total}"' in html
    assert 'class="chip"' in html and "Country: China" in html
    # The chosen facet is counted without its own filter: other countries say what OR adds.
    others = {c.value: c.count for c in index.facets("", fields=("country",))["country"]}
    hk = re.search(r'data-value="HK"[^>]*>.*?class="count">(\d+)<', html, re.S)
    assert hk and int(hk.group(1)) == others["HK"]
    assert 'class="histogram"' in html and 'class="pages"' in html and "page=2" in html


def test_a_histogram_bar_links_to_its_own_dates_and_count(server, index):
    html = server.get("/?q=&country=CN")[2].decode()
    bars = re.findall(r'<a href="([^"]+)" class="bar" data-bucket="([^"]+)" data-count="(\d+)"', html)
    assert bars
    for href, bucket, count in bars:
        params = urllib.parse.parse_qs(urllib.parse.urlparse(href.replace("&amp;", "&")).query)
        assert params["country"] == ["CN"] and params["since"][0].startswith(bucket[:4])
        assert index.search("", country="CN", since=params["since"][0], until=params["until"][0]).total == int(count)


def test_did_you_mean_links_to_the_corrected_query(server):
    html = server.get("/?q=tiananmin")[2].decode()
    assert "Did you mean" in html and 'href="/?q=tiananmen"' in html


def test_bad_query_on_the_page_is_a_400_with_the_message_and_the_search_box(server):
    status, _, body = server.get("/?q=" + urllib.parse.quote("(("))
    assert status == 400 and "bad query: unclosed" in body.decode() and 'name="q"' in body.decode()
    status, _, body = server.get("/release/nope")
    assert status == 404 and "no release with id" in body.decode()


# ----------------------------------------------------------------------------- the command


def test_serve_command_serves_on_loopback_and_stops(index_path):
    sock_port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsindex", "serve", str(index_path), "--port", str(sock_port)], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert f"http://127.0.0.1:{sock_port}/" in line and "read-only" in line
        import urllib.request

        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{sock_port}/api/search?q=vigil", timeout=5) as response:
                    assert json.loads(response.read())["total"] >= 1
                    assert "server" not in {k.lower() for k in response.headers}  # no version banner
                    assert "default-src 'none'" in response.headers["content-security-policy"]
                    break
            except OSError:
                assert time.monotonic() < deadline, "newsindex serve did not answer within 20 s"
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()


def test_serve_refuses_a_missing_index_with_the_clis_message(tmp_path):
    message = cli_error(["serve", str(tmp_path / "none")])
    assert message.startswith("no index at")


def test_only_loopback_hosts_count_as_local():
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.8.0.1"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.4", "::", "example.org"))

"""Every command-line example in the README and in every `--help` runs, as written (issue 16).

README examples are the `$ newsindex ...` lines of its code blocks; where the README shows what
the command prints, the output must be exactly that (times like "0.4s" aside). `--help`
examples are the lines under "Example:"/"Examples:" of every command. They run in order in one
directory holding the files the examples name (the sample newsroom saved as newsroom.txt, a
small export.jsonl, an export with issue labels on most records: labelled.jsonl), starting from
an index of the sample, as a reader following along would.
The README's synopsis of commands names only commands and options that exist.
"""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsindex.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SAMPLE = ROOT / "tests" / "fixtures" / "newsroom_sample.txt"
#: 36 Reuters-21578 stories as an export: 30 carry their TOPICS as issues (crude, earn, acq), 6 none.
LABELLED = ROOT / "tests" / "fixtures" / "reuters_labelled.jsonl"
EXPORT = (
    '{"title": "Nigeria: police fire on protesters in Lagos", "date": "2021-10-20", "source": "Amnesty Nigeria",'
    ' "body": "LAGOS, Nigeria - Police fired on peaceful protesters at the Lekki toll gate, Amnesty International said."}\n'
    '{"title": "Saudi Arabia: executions doubled", "date": "2021-11-02", "countries": ["SA"], "issues": ["death-penalty"]}\n'
)
_TIME = re.compile(r"\b\d+\.\d+ ?s\b")


def code_blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S)


def _complete(command: str) -> bool:
    try:
        shlex.split(command, comments=True)
        return True
    except ValueError:  # an open quote: the command goes on on the next line
        return False


def transcript(block: str) -> list[tuple[str, list[str]]]:
    """The (command, shown output lines) of a block's `$ ...` lines."""
    steps: list[tuple[str, list[str]]] = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            if steps:
                steps[-1][1].append(lines[i])
            i += 1
            continue
        command = lines[i][2:]
        while not _complete(command) and i + 1 < len(lines):
            i += 1
            command += "\n" + lines[i]
        steps.append((command, []))
        i += 1
    return steps


def readme_examples() -> list[tuple[str, list[str]]]:
    steps = []
    for language, block in code_blocks(README):
        if language in ("", "text", "sh", "console") and "pip install" not in block:
            steps += [(c, out) for c, out in transcript(block) if "newsindex " in c]
    return steps


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command, a group before its subcommands, in the order they are declared."""
    found: list[tuple[tuple[str, ...], click.Command]] = [(prefix, group)]
    ctx = click.Context(group)
    # (the commands defined in cli.py in their order, then those imported on look-up: cli.py's _LAZY_COMMANDS)
    names = [*group.commands, *(n for n in group.list_commands(ctx) if n not in group.commands)]
    for name, command in ((n, group.get_command(ctx, n)) for n in names):
        assert command is not None, name
        if isinstance(command, click.Group):
            found += _commands(command, prefix + (name,))
        else:
            found.append((prefix + (name,), command))
    return found


def help_examples() -> list[tuple[str, str]]:
    """(command path, example line) for every example in every --help."""
    examples = []
    for path, command in _commands(main):
        text = command.help or ""
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("newsindex ") or " | newsindex " in stripped:
                examples.append((" ".join(path) or "newsindex", stripped))
    return examples


def run(runner: CliRunner, command: str, cwd: Path) -> tuple[int, str]:
    """Run one shell-like example line: `echo TEXT | newsindex ...`, `newsindex ... > FILE`, comments."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|>")
    lexer.whitespace_split = True
    tokens = list(lexer)
    stdin = None
    if "|" in tokens:
        at = tokens.index("|")
        left, tokens = tokens[:at], tokens[at + 1:]
        assert left[0] == "echo", command
        stdin = " ".join(left[1:]) + "\n"
    target = None
    if ">" in tokens:
        at = tokens.index(">")
        tokens, target = tokens[:at], tokens[at + 1]
    assert tokens[0] == "newsindex", command
    result = runner.invoke(main, tokens[1:], input=stdin, catch_exceptions=False)
    if target is not None:
        (cwd / target).write_text(result.stdout, encoding="utf-8")
    return result.exit_code, result.output


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "newsroom.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "export.jsonl").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "labelled.jsonl").write_text(LABELLED.read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    code, output = run(runner, "newsindex index releases.idx newsroom.txt", tmp_path)
    assert code == 0, output
    return tmp_path


def test_the_readme_and_the_help_have_examples():
    assert len(readme_examples()) >= 20
    documented = {path for path, _ in help_examples()}
    every = {" ".join(path) or "newsindex" for path, command in _commands(main) if not isinstance(command, click.Group) or not path}
    assert every <= documented, f"commands without an example in --help: {sorted(every - documented)}"


def test_every_readme_example_runs_and_prints_what_the_readme_shows(workdir):
    runner = CliRunner()
    for command, shown in readme_examples():
        code, output = run(runner, command, workdir)
        expected = "\n".join(shown).rstrip()
        wanted = 1 if expected.startswith("error:") else 0
        assert code == wanted, f"$ {command}\n{output}"
        if expected:
            got = "\n".join(line.rstrip() for line in output.rstrip().splitlines())
            assert _TIME.sub("T s", got) == _TIME.sub("T s", expected), f"$ {command}: the README shows other output"


#: Commands that run until stopped: their examples are run as a process, checked to answer, then stopped.
SERVING = {"serve"}


def serve_example(command: str, cwd: Path) -> None:
    """Start a `newsindex serve ...` example on a free port, wait for its page to answer, stop it."""
    port = _free_port()
    tokens = shlex.split(command)
    process = subprocess.Popen([sys.executable, "-m", "newsindex.cli", *tokens[1:], "--port", str(port)], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=amnesty", timeout=2) as response:
                    assert response.status == 200 and b"<html" in response.read().lower(), command
                    return
            except OSError:
                assert process.poll() is None, f"$ {command} ended: {process.stdout.read().decode()}"
                assert time.monotonic() < deadline, f"$ {command} did not answer within 30 s"
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_every_help_example_runs(workdir):
    runner = CliRunner()
    for path, command in help_examples():
        if path in SERVING:
            serve_example(command, workdir)
            continue
        code, output = run(runner, command, workdir)
        assert code == 0, f"`{path} --help` example failed: $ {command}\n{output}"


def test_the_readme_synopsis_names_real_commands_and_options():
    synopsis = next(block for _, block in code_blocks(README) if block.startswith("newsindex demo"))
    commands = dict((" ".join(path), command) for path, command in _commands(main))
    listed = set()
    for line in synopsis.splitlines():
        if not line.startswith("newsindex "):
            continue
        words = line.split()
        name = words[1]
        assert name in commands, line
        listed.add(name)
        options = {opt for param in commands[name].params for opt in getattr(param, "opts", ())}
        if isinstance(commands[name], click.Group):
            options = {opt for sub in commands[name].commands.values() for param in sub.params for opt in getattr(param, "opts", ())}
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line.split("  ")[0] if "  " in line else line):
            assert option in options, f"{option} in the README synopsis is no option of `newsindex {name}`"
    top = {path[0] for path, _ in _commands(main) if len(path) == 1}
    assert top <= listed, f"commands missing from the README synopsis: {sorted(top - listed)}"

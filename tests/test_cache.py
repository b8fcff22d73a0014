"""The parse cache (.xfgen-cache/): the same results with and without it, and never
trusted when it should not be (an edit, a rename, a deletion, another xfgen, another
day, a damaged or planted cache, a project that cannot be written to)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import TODAY, VALID_CASE, Repo

import xfgen.records.validation as validation
from xfgen.cli import cli, main
from xfgen.records import cache as cache_module
from xfgen.records.cache import CACHE_DIR, CASES_FILE, FILES_FILE
from xfgen.records.validation import Project, load_project

CACHE = f"{CACHE_DIR}/{FILES_FILE}"  # every file's own result
CASES = f"{CACHE_DIR}/{CASES_FILE}"  # the cases, for commands that want them


def case(number: int, **changes: str) -> str:
    """VALID_CASE as case XF2026-000<number>, with some lines replaced (or added)."""
    lines = VALID_CASE.replace("XF2026-0001", f"XF2026-000{number}").splitlines()
    for key, value in changes.items():
        if not any(line.startswith(f"{key}:") for line in lines):
            lines.append(f"{key}: {value}")
        lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in lines]
    return "\n".join(lines) + "\n"


def mixed(repo: Repo) -> None:
    """Valid cases, each kind of problem of one file, and problems across files."""
    repo.case(case(1))
    repo.case(case(2, repeat_of="XF2026-0003"))  # a cycle: 2 → 3 → 2
    repo.case(case(3, repeat_of="XF2026-0002"))
    repo.case(case(4, id="XF2026-0001"), name="XF2026-0004")  # the file name disagrees
    repo.case(case(5, closed="2026-12-01"))  # after today
    repo.case(case(6, summary="王某某反映征地补偿款未足额发放"))  # a warning, not a problem
    repo.write("cases/2026/XF2026-0007.yaml", "id: XF2026-0007\nid: XF2026-0007\n")  # twice
    repo.write("cases/2026/XF2026-0008.yaml", "id: [unclosed\n")  # not YAML
    repo.write("cases/2026/XF2026-0009.yaml", b"id: \xff\n")  # not UTF-8


def read_cache(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A cache file's header line and its entries (each line: its hash, then "rel": entry)."""
    head, *lines = path.read_text(encoding="utf-8").split("\n")
    entries = json.loads("{" + ",".join(line.split(" ", 1)[1] for line in lines) + "}")
    return json.loads(head), entries


def write_cache(path: Path, header: dict[str, Any], entries: dict[str, Any]) -> None:
    """Write entries as xfgen does, each line with its hash recomputed (as someone who
    knows how xfgen seals its lines could)."""
    lines = [json.dumps(header, ensure_ascii=False)]
    for rel, entry in entries.items():
        line = f"{json.dumps(rel, ensure_ascii=False)}: {json.dumps(entry, ensure_ascii=False)}"
        seal = hashlib.blake2b(header["key"].encode() + b"\0" + line.encode(), digest_size=16)
        lines.append(f"{seal.hexdigest()} {line}")
    path.write_text("\n".join(lines), encoding="utf-8")


def same(a: Project, b: Project) -> None:
    assert a.problems == b.problems
    assert a.warnings == b.warnings
    assert a.cases == b.cases
    assert a.files == b.files


def never_parse(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the files parsed from here on (a cached file is not)."""
    parsed: list[str] = []
    real = validation.parse

    def counting(text: str) -> Any:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(validation, "parse", counting)
    return parsed


def test_results_are_the_same_with_and_without_the_cache(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed(repo)
    plain = load_project(repo.root, TODAY, cache=False)
    assert not (repo.root / CACHE_DIR).exists()
    assert len(plain.cases) == 2 and len(plain.problems) >= 7 and plain.warnings
    cold = load_project(repo.root, TODAY)
    assert (repo.root / CACHE).is_file()
    parsed = never_parse(monkeypatch)
    warm = load_project(repo.root, TODAY)
    assert parsed == []  # everything came from the cache
    same(plain, cold)
    same(plain, warm)


def test_cases_cached_by_check_serve_the_other_commands(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed(repo)
    plain = load_project(repo.root, TODAY, cache=False)
    checked = load_project(repo.root, TODAY, cases=False)  # what check does: no cases kept
    assert checked.cases == () and checked.problems == plain.problems
    parsed = never_parse(monkeypatch)
    same(plain, load_project(repo.root, TODAY))  # build, stats ...: the cases from the cache
    assert parsed == []


def test_the_cli_gives_the_same_output_cold_and_warm(repo: Repo) -> None:
    mixed(repo)
    runner = CliRunner()
    args = ["-C", str(repo.root), "--today", TODAY.isoformat(), "check"]
    cold = runner.invoke(cli, args)
    warm = runner.invoke(cli, args)
    assert cold.exit_code == warm.exit_code == 1
    assert cold.stdout == warm.stdout and cold.stderr == warm.stderr
    assert "cases/2026/XF2026-0008.yaml:2:1: (文件): YAML 格式错误" in warm.stdout
    assert "重复信访的关联形成了循环" in warm.stdout


def test_an_edited_case_is_read_again(repo: Repo) -> None:
    path = repo.case(case(1))
    assert load_project(repo.root, TODAY).problems == ()
    time.sleep(0.06)  # older than the racy window: its times alone now vouch for it
    assert load_project(repo.root, TODAY).problems == ()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("outcome: 解决", "outcome: 解决了"), encoding="utf-8")
    problems = load_project(repo.root, TODAY).problems
    assert [(p.path, p.field) for p in problems] == [("cases/2026/XF2026-0001.yaml", "outcome")]
    time.sleep(0.06)
    path.write_text(text, encoding="utf-8")  # back: the old entry's content again
    project = load_project(repo.root, TODAY)
    assert project.problems == () and project.cases[0].outcome == "解决"


def test_unchanged_cases_are_carried_over_line_for_line(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit of one case writes cases.json again: the other cases' lines are carried
    over as they were read, hash included (each line is decoded only for its case), also
    under a file name JSON writes with escapes."""
    repo.case(case(1))
    repo.case(case(2))
    repo.write('cases/2026/XF2026-0003 "旧" \\ 副本.yaml', case(3))
    plain = load_project(repo.root, TODAY, cache=False)
    load_project(repo.root, TODAY)
    before = (repo.root / CASES).read_text(encoding="utf-8").split("\n")
    assert any('\\"旧\\" \\\\ 副本' in line for line in before)  # the name, escaped
    path = repo.root / "cases/2026/XF2026-0001.yaml"
    path.write_text(case(1, summary="反映征地补偿款仍未到位"), encoding="utf-8")
    edited = load_project(repo.root, TODAY)
    after = (repo.root / CASES).read_text(encoding="utf-8").split("\n")
    assert [line for line in after if line not in before] == [
        line for line in after if "XF2026-0001.yaml" in line
    ]
    assert len(after) == len(before) == 4  # the header and three cases
    assert [c.summary for c in edited.cases][0] == "反映征地补偿款仍未到位"
    assert edited.cases[1:] == plain.cases[1:]
    parsed = never_parse(monkeypatch)
    same(edited, load_project(repo.root, TODAY))  # every line good: nothing parsed again
    assert parsed == []


def test_a_same_size_edit_with_old_times_is_still_seen(repo: Repo) -> None:
    # An editor that keeps the size and puts the modification time back: the change
    # of ctime and inode still tells.
    path = repo.case(case(1))
    time.sleep(0.06)
    load_project(repo.root, TODAY)
    before = path.stat()
    replacement = path.with_suffix(".new")
    replacement.write_text(case(1).replace("people: 6", "people: 7"), encoding="utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, path)
    assert load_project(repo.root, TODAY).cases[0].people == 7


def test_a_renamed_case_is_named_by_its_new_path(repo: Repo) -> None:
    old = repo.case(case(1))
    load_project(repo.root, TODAY)
    new = old.with_name("XF2026-0002.yaml")
    old.rename(new)
    problems = load_project(repo.root, TODAY).problems
    assert [(p.path, p.field) for p in problems] == [("cases/2026/XF2026-0002.yaml", "id")]
    assert "与文件名 “XF2026-0002.yaml” 不一致" in problems[0].message
    new.rename(old)
    project = load_project(repo.root, TODAY)
    assert project.problems == () and project.cases[0].path == "cases/2026/XF2026-0001.yaml"


def test_a_deleted_case_is_gone_from_results_and_cache(repo: Repo) -> None:
    repo.case(case(1))
    gone = repo.case(case(2))
    assert len(load_project(repo.root, TODAY).cases) == 2
    gone.unlink()
    project = load_project(repo.root, TODAY)
    assert [c.id for c in project.cases] == ["XF2026-0001"] and project.files == 1
    assert list(read_cache(repo.root / CACHE)[1]) == ["cases/2026/XF2026-0001.yaml"]
    assert list(read_cache(repo.root / CASES)[1]) == ["cases/2026/XF2026-0001.yaml"]


def test_another_xfgen_version_ignores_the_cache(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.case(case(1))
    load_project(repo.root, TODAY)
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    parsed = never_parse(monkeypatch)
    assert load_project(repo.root, TODAY).problems == ()
    assert len(parsed) == 1  # read again, not taken from 0.1's cache
    header, _ = read_cache(repo.root / CACHE)
    assert header["key"].startswith("99.0:")  # and rebuilt for this version


def test_a_changed_configuration_checks_again(repo: Repo) -> None:
    repo.case(case(1))
    assert load_project(repo.root, TODAY).problems == ()
    config = (repo.root / "xfgen.yaml").read_text(encoding="utf-8")
    repo.write("xfgen.yaml", config.replace("units: [城关镇, ", "units: ["))
    problems = load_project(repo.root, TODAY).problems
    assert [p.field for p in problems] == ["unit"]


def test_a_date_after_today_is_judged_on_each_day(repo: Repo) -> None:
    repo.case(case(1, closed="2026-12-01"))  # (also before its review: a problem on any day)
    later = date(2026, 12, 5)
    for today in (TODAY, later, TODAY, later):
        uncached = load_project(repo.root, today, cache=False).problems
        assert load_project(repo.root, today).problems == uncached
        assert any("晚于今天" in p.message for p in uncached) == (today == TODAY)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: b"\x00\xff garbage \x80",
        lambda text: text[: len(text) // 2],  # a run killed while writing (were it not atomic)
        lambda text: b"[]",
        lambda text: b'{"format": "xfgen-cache/3", "key": 1, "part": "entries"}',
    ],
    ids=["garbage", "truncated", "not-an-object", "wrong-header"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, damage: Any
) -> None:
    mixed(repo)
    plain = load_project(repo.root, TODAY, cache=False)
    load_project(repo.root, TODAY)
    for name in (CACHE, CASES):
        cache_file = repo.root / name
        cache_file.write_bytes(damage(cache_file.read_bytes()))
        same(plain, load_project(repo.root, TODAY))
        parsed = never_parse(monkeypatch)
        same(plain, load_project(repo.root, TODAY))  # rebuilt: nothing parsed again
        assert parsed == []
        monkeypatch.undo()


def test_wrong_types_inside_valid_json_are_ignored(repo: Repo) -> None:
    mixed(repo)
    plain = load_project(repo.root, TODAY, cache=False)
    load_project(repo.root, TODAY)
    files, cases = repo.root / CACHE, repo.root / CASES
    header, entries = read_cache(files)
    first = "cases/2026/XF2026-0001.yaml"
    valid = entries[first]
    # Each entry keeps its file's signature and hash, so only its content is wrong.
    planted = {
        "cases/2026/XF2026-0002.yaml": "not a list",
        "cases/2026/XF2026-0003.yaml": [*valid[:2], *[None] * 5],
        "cases/2026/XF2026-0004.yaml": [*valid[:4], [[1, "one", "id", "x"]], *valid[5:]],
        "cases/2026/XF2026-0005.yaml": [*valid[:2], "not a day", *valid[3:]],
        "cases/2026/XF2026-0006.yaml": [*valid[:5], [*valid[5][:3], "1", 2, 3, 4], valid[6]],
    }
    for rel, entry in planted.items():
        if isinstance(entry, list):
            entry[:2] = entries[rel][:2]
        entries[rel] = entry
    write_cache(files, header, entries)  # each line's hash recomputed: only the types are wrong
    same(plain, load_project(repo.root, TODAY))
    checked = load_project(repo.root, TODAY, cases=False)  # as check reads it: no cases
    assert (checked.problems, checked.warnings, checked.cases) == (
        plain.problems,
        plain.warnings,
        (),
    )

    load_project(repo.root, TODAY)
    header, rows = read_cache(cases)
    row = rows[first][1]
    for index, wrong in ((7, "many"), (11, "../../etc"), (1, "2026-13-01"), (0, "XF2026-0002")):
        # (a count as text, a unit that would be a path, a day that is none, another id)
        rows[first][1] = [*row[:index], wrong, *row[index + 1 :]]
        write_cache(cases, header, rows)
        project = load_project(repo.root, TODAY)
        same(plain, project)
        assert all(type(c.people) is int and c.unit in ("城关镇", None) for c in project.cases)


def test_a_project_that_cannot_be_written_to_still_checks(repo: Repo) -> None:
    mixed(repo)
    plain = load_project(repo.root, TODAY, cache=False)
    (repo.root / CACHE_DIR).write_text("a file where the cache folder would be", encoding="utf-8")
    same(plain, load_project(repo.root, TODAY))
    same(plain, load_project(repo.root, TODAY))
    (repo.root / CACHE_DIR).unlink()
    if os.geteuid() != 0:  # root writes anywhere
        os.chmod(repo.root, 0o555)
        try:
            same(plain, load_project(repo.root, TODAY))
            assert not (repo.root / CACHE_DIR).exists()
        finally:
            os.chmod(repo.root, 0o755)


def test_a_cache_folder_that_is_a_link_is_not_written_through(repo: Repo, tmp_path: Path) -> None:
    repo.case(case(1))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / CACHE_DIR).symlink_to(elsewhere)
    assert load_project(repo.root, TODAY).problems == ()
    assert list(elsewhere.iterdir()) == []


def test_the_cache_ignores_itself_in_git(repo: Repo) -> None:
    repo.case(case(1))
    (repo.root / CACHE_DIR / "pdf").mkdir(parents=True)  # made first by the PDF parts' cache
    (repo.root / CACHE_DIR / "pdf" / "part.pdf").write_bytes(b"%PDF")
    load_project(repo.root, TODAY)
    assert (repo.root / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    subprocess.run(["git", "init", "-q", str(repo.root)], check=True)
    status = subprocess.run(
        ["git", "-C", str(repo.root), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "xfgen-cache" not in status and "cases/2026/XF2026-0001.yaml" in status


def test_staged_check_reads_the_project_cache_and_never_writes_one(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo.root
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    path = repo.case(case(1))
    subprocess.run([*git, "add", "."], check=True)
    path.write_text(case(1, outcome="解决了"), encoding="utf-8")  # a bad, unstaged edit
    args = ["-C", str(root), "--today", TODAY.isoformat(), "check"]
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 1  # the working tree is wrong, and its result is cached
    with pytest.raises(SystemExit) as done:
        main([*args, "--staged"])
    assert done.value.code == 0  # what is staged is right
    assert "共检查 1 个文件，全部通过。" in capsys.readouterr().out
    subprocess.run([*git, "add", "."], check=True)
    with pytest.raises(SystemExit) as done:
        main([*args, "--staged"])
    assert done.value.code == 1  # now the bad edit is staged: taken from the cache, still bad
    assert "outcome" in capsys.readouterr().out


def test_progress_while_reading_many_files(repo: Repo, tmp_path: Path) -> None:
    for number in range(1, 501):
        repo.write(f"cases/2026/Q{number}.yaml", f"id: Q{number}\n")  # fast to read: all bad
    runner = CliRunner()
    args = ["-C", str(repo.root), "--today", TODAY.isoformat(), "check"]
    shown = runner.invoke(cli, args)
    assert shown.exit_code == 1
    lines = shown.stderr.splitlines()  # not a terminal: plain lines, one per tenth
    assert (
        lines[0] == "读取事项文件：已完成 100/500" and lines[-1] == "读取事项文件：已完成 500/500"
    )
    quiet = runner.invoke(cli, [*args, "--quiet"])
    assert quiet.stderr == "" and quiet.stdout == shown.stdout
    (tmp_path / "few").mkdir()
    few = Repo(tmp_path / "few")
    few.case(case(1))
    assert runner.invoke(cli, ["-C", str(few.root), "check"]).stderr == ""


def test_case_files_are_found_as_glob_finds_them(repo: Repo) -> None:
    # The order decides which of two files with one id is "first", and the order of warnings.
    names = ["2026/a.yaml", "2026/A.yaml", "2026-x/b.yaml", "2026.yaml", ".h.yaml", "x.yml"]
    names += ["2026/sub/q.yaml", "a.yaml/c.yaml", "a.yaml.d/e.yaml", "2025/z.yaml"]
    for name in names:
        repo.write(f"cases/{name}", "id: x\n")
    (repo.root / "cases/link").symlink_to(repo.root / "cases/2026")  # a linked folder: not entered
    found = [rel for rel, _, _ in validation._case_files(repo.root / "cases")]
    expected = sorted((repo.root / "cases").glob("**/*.yaml"))
    assert found == [p.relative_to(repo.root).as_posix() for p in expected]


def test_an_edited_entry_is_ignored_and_made_again(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editing the cache by hand, keeping each entry's file hash and signature (the
    "key" that says which file it stands for), changes nothing: the entry's own hash
    no longer matches, so the file is read again and the entry written anew."""
    repo.case(case(1))
    repo.case(case(2, channel="来仿"))  # a problem the cache records
    plain = load_project(repo.root, TODAY, cache=False)
    load_project(repo.root, TODAY)
    files, cases = repo.root / CACHE, repo.root / CASES
    # The published text of case 1, and case 2's problem, edited in place.
    cases.write_text(
        cases.read_text(encoding="utf-8").replace("反映征地补偿款未足额发放", "篡改后的摘要"),
        encoding="utf-8",
    )
    text = files.read_text(encoding="utf-8")
    assert "不是可用的信访形式" in text
    files.write_text(re.sub(r'\[\[3, 10, "channel", "[^"]*"\]\]', "[]", text), encoding="utf-8")
    assert "不是可用的信访形式" not in files.read_text(encoding="utf-8")
    parsed = never_parse(monkeypatch)
    project = load_project(repo.root, TODAY)
    same(plain, project)
    assert project.cases[0].summary == "反映征地补偿款未足额发放"
    assert len(parsed) == 2  # both files read again
    assert "篡改后的摘要" not in cases.read_text(encoding="utf-8")  # and written anew
    parsed.clear()
    same(plain, load_project(repo.root, TODAY))
    assert parsed == []
    # An entry moved to another file's name (its lines swapped) is not that file's either.
    lines = files.read_text(encoding="utf-8").split("\n")
    one, two = (i for i, line in enumerate(lines) if "XF2026-000" in line)
    header = lines[0]
    swapped = [
        lines[one].replace("XF2026-0001.yaml", "XF2026-0002.yaml"),
        lines[two].replace("XF2026-0002.yaml", "XF2026-0001.yaml"),
    ]
    files.write_text("\n".join([header, *swapped]), encoding="utf-8")
    checked = load_project(repo.root, TODAY, cases=False)
    assert checked.problems == plain.problems
    assert len(parsed) == 2


def test_the_seal_costs_little_against_reading_the_cache(repo: Repo, tmp_path: Path) -> None:
    """The hashes are checked over the lines' bytes: reading a sealed cache file of many
    entries takes little longer than parsing it as one JSON document."""
    entry = ["cases/2026/XF2026-0001.yaml", [[1, 2, 3, 4], "ab" * 20, "2026-11-25", None, [],
             ["XF2026-0001", "2026-01-05", None, 1, 5, 1, 1], None]]  # fmt: skip
    entries = {f"cases/2026/XF2026-{i:05d}.yaml": entry[1] for i in range(10_000)}
    header = {"format": cache_module.FORMAT, "key": "k", "part": "entries"}
    path = tmp_path / FILES_FILE
    write_cache(path, header, entries)
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(entries), encoding="utf-8")

    def best(run: Any) -> float:
        times = []
        for _ in range(5):
            started = time.process_time()
            run()
            times.append(time.process_time() - started)
        return min(times)

    sealed = best(lambda: cache_module._read_document(path, "k", "entries"))
    parsed = best(lambda: json.loads(plain.read_bytes()))
    assert len(cache_module._read_document(path, "k", "entries")) == 10_000
    assert sealed < 2.5 * parsed

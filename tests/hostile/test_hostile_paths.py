"""What a story folder is, where the walk goes, and what a message may quote.

* A folder without story.yaml is refused at once, before anything under it is read (``qasas lint /`` used to walk
  the whole machine for 15 s and 770 MB; a playthrough saying ``scenes: /`` did the same through replay), and so
  is anything in /proc, /sys or /dev. The walk under a real story never follows a link into those, and is capped.
* A path's problem is named exactly: it does not exist, it is not a directory, it cannot be read (and then
  nothing is claimed about what it holds, such as a start scene "missing" from a folder that could not be read).
* An error in a file reached through a link that leaves the story folder never quotes that file (a linked
  /etc/shadow was printed into lint's output).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hostile_helpers import MANIFEST, SCENES, TINY, assert_clean, run, world_readable_tmp, write_story

# Every command that takes a story directory, as it takes it.
STORY_COMMANDS = {
    "lint": lambda d: ["lint", d],
    "lint-json": lambda d: ["lint", "--json", d],
    "graph": lambda d: ["graph", d],
    "randomtest": lambda d: ["randomtest", d, "--runs", "5"],
    "quicktest": lambda d: ["quicktest", d],
    "play-plain": lambda d: ["play", "--plain", "--scenes", d],
}

SECRET = "root:$6$Zm9vYmFy$TOP-SECRET-HASH:19000:0:99999:7:::"


@pytest.mark.parametrize("command", list(STORY_COMMANDS))
@pytest.mark.parametrize("where", ["/", "/usr", "/tmp", "/proc", "/proc/self", "/proc/self/fd", "/sys", "/sys/kernel", "/dev", "/dev/shm"])
def test_a_folder_that_is_not_a_story_is_refused_before_it_is_walked(tmp_path: Path, command: str, where: str) -> None:
    if not os.path.isdir(where):
        pytest.skip(f"{where} is not on this machine")
    result = run(*STORY_COMMANDS[command](where), cwd=tmp_path, timeout=30, input_bytes=b"")
    assert_clean(result, 2, seconds=5)
    expected = "system directory" if where.startswith(("/proc", "/sys", "/dev")) else "no story.yaml here"
    assert expected in result.output, result.output[-2000:]
    if command != "lint-json":
        assert result.stderr.count("error:") == 1, result.stderr  # one problem: nothing under it was looked at


def test_a_folder_without_a_manifest_is_not_walked_at_all(tmp_path: Path) -> None:
    # If anything under it were read, these would each be reported: a link into /proc, a FIFO scene file, a loop.
    root = tmp_path / "not-a-story"
    root.mkdir()
    (root / "proc").symlink_to("/proc")
    os.mkfifo(root / "scenes.yaml")
    (root / "loop").symlink_to(".")
    for i in range(200):
        (root / f"d{i}").mkdir()
        (root / f"d{i}" / "x.yaml").write_text("chapter: x\n")
    result = run("lint", str(root), cwd=tmp_path)
    assert_clean(result, 2, "no story.yaml here", seconds=5)
    assert result.stderr.count("error:") == 1


def test_a_playthrough_naming_root_as_its_story_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("scenes: /\nseed: 1\nchoices: [gate.go]\n")
    (tmp_path / "q.json").write_text(json.dumps({"scenes": "/proc/self/fd", "seed": 1, "choices": []}))
    result = run("replay", "p.yaml", "q.json", cwd=tmp_path)
    assert_clean(result, 2, "no story.yaml here", "system directory", seconds=5)


def test_replay_of_root_is_refused_at_once(tmp_path: Path) -> None:
    # Refused by what it is, before anything is read: it used to stop at the search's file limit, which a small
    # machine (a CI container: 60,000 files) never reached, and then it replayed every YAML file on the disk.
    result = run("replay", "/", cwd=tmp_path, timeout=30)
    assert_clean(result, 2, "root of the file system", seconds=5)
    assert "PASS" not in result.output and "FAIL" not in result.output
    result = run("replay", "/.", "//", cwd=tmp_path, timeout=30)
    assert_clean(result, 2, "root of the file system", seconds=5)
    assert result.output.count("root of the file system") == 2
    result = run("replay", "/proc", "/sys", "/dev", cwd=tmp_path, timeout=30)
    assert_clean(result, 2, "system folder", seconds=5)


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("chapter", "/proc/self"),
        ("kernel", "/sys"),
        ("devices", "/dev"),
        ("zero.yaml", "/dev/zero"),
        ("environ.yaml", "/proc/self/environ"),
        ("stdin.yaml", "/proc/self/fd/0"),
        ("tty.yaml", "/dev/tty"),
    ],
)
def test_the_walk_never_follows_a_link_into_proc_sys_or_dev(tmp_path: Path, link: str, target: str) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES})
    (story / link).symlink_to(target)
    result = run("lint", str(story), cwd=tmp_path, timeout=30, env={"QASAS_TEST_SECRET": SECRET})
    assert_clean(result, 2, "system directory; it is not followed", seconds=10)
    assert SECRET not in result.output and "QASAS_TEST_SECRET" not in result.output


def test_a_link_to_the_whole_machine_or_above_the_story_is_not_followed(tmp_path: Path) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES})
    (story / "everything").symlink_to("/")
    (story / "up").symlink_to("..")
    (story / "self").symlink_to(".")
    result = run("lint", str(story), cwd=tmp_path, timeout=30)
    assert_clean(result, 2, seconds=5)  # refused by where they lead, whatever the machine holds
    assert result.output.count("symbolic link loop: it leads to a folder that holds the story; it is not followed") == 3


def test_a_link_out_of_the_story_is_still_capped(tmp_path: Path) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES})
    big = tmp_path / "big"
    for i in range(40):
        (big / f"d{i}").mkdir(parents=True)
        for j in range(150):
            (big / f"d{i}" / f"s{j}.yaml").write_text("")
    (story / "elsewhere").symlink_to(big)
    result = run("lint", str(story), cwd=tmp_path, timeout=60)
    assert_clean(result, 2, "too many scene files (6001; the limit is 5000)", seconds=30)


# --------------------------------------------------------------------------------------- paths, named exactly


@pytest.mark.parametrize("command", list(STORY_COMMANDS))
def test_each_wrong_path_is_named_for_what_it_is(tmp_path: Path, command: str) -> None:
    (tmp_path / "a-file").write_text("hello")
    (tmp_path / "dangling").symlink_to("nowhere")
    os.mkfifo(tmp_path / "fifo")
    cases = {
        "missing": "does not exist",
        "a-file": "is not a directory",
        "a-file/below": "a part of the path is a file",
        "dangling": "broken symbolic link",
        "fifo": "is not a directory",
    }
    for path, message in cases.items():
        result = run(*STORY_COMMANDS[command](path), cwd=tmp_path, input_bytes=b"")
        assert_clean(result, 2, message, seconds=10)
        assert ("not a directory" in result.output) == (message == "is not a directory"), (path, result.output)


@pytest.fixture
def open_tmp() -> Path:
    path = world_readable_tmp()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_story_folder_that_cannot_be_read_says_so_and_nothing_else(open_tmp: Path) -> None:
    story = write_story(open_tmp / "story", {"scenes.yaml": SCENES})
    for mode in (0o000, 0o100, 0o300):  # nothing; enter but not list; write and enter but not list
        story.chmod(mode)
        result = run("lint", str(story), cwd=open_tmp, unprivileged=True, env={"QASAS_NO_CACHE": "1"})
        story.chmod(0o755)
        assert_clean(result, 2, "cannot be read: permission denied")
        assert "start scene" not in result.output and "story.yaml here" not in result.output, result.output
        assert result.stderr.count("error:") == 1, result.stderr


def test_a_chapter_folder_that_cannot_be_read_claims_nothing_about_its_scenes(open_tmp: Path) -> None:
    # The start scene and every scene the other files name are in the unreadable folder.
    story = open_tmp / "story"
    shutil.copytree(TINY, story)
    (story / "one").mkdir()
    (story / "one.yaml").rename(story / "one" / "one.yaml")
    (story / "one").chmod(0)
    try:
        result = run("lint", str(story), cwd=open_tmp, unprivileged=True, env={"QASAS_NO_CACHE": "1"})
    finally:
        (story / "one").chmod(0o755)
    assert_clean(result, 2, "cannot be read: permission denied")
    assert result.stderr.count("error:") == 1, result.stderr
    (story / "story.yaml").chmod(0)
    try:
        result = run("lint", str(story), cwd=open_tmp, unprivileged=True, env={"QASAS_NO_CACHE": "1"})
    finally:
        (story / "story.yaml").chmod(0o644)
    assert_clean(result, 2, "story.yaml: error: cannot be read: permission denied")
    assert "no story.yaml here" not in result.output


# ------------------------------------------------------------------------------------- never quote outside


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    path = outside / "shadow"
    path.write_text(f"{SECRET}\nbin:*:19000:0:99999:7:::\n")
    return path


LINKED = {
    "a scene file": lambda story, secret: (story / "secrets.yaml").symlink_to(secret),
    "a scene file in a linked folder": lambda story, secret: (story / "shared").symlink_to(secret.parent),
    "the manifest": lambda story, secret: ((story / "story.yaml").unlink(), (story / "story.yaml").symlink_to(secret)),
    "a valid-looking scene file": lambda story, secret: (
        secret.write_text(f"chapter: one\nscenes:\n  - id: x\n    title: {SECRET}\n    text: t\n    foo: {SECRET}\n"),
        (story / "x.yaml").symlink_to(secret),
    ),
    "a mapping with an unknown key": lambda story, secret: (
        secret.write_text(f"'{SECRET}': 1\n"),
        (story / "x.yaml").symlink_to(secret),
    ),
    "bytes that are not UTF-8": lambda story, secret: (
        secret.write_bytes(SECRET.encode() + b"\xff\xfe" + SECRET.encode()),
        (story / "x.yaml").symlink_to(secret),
    ),
    "a YAML syntax error": lambda story, secret: (
        secret.write_text(f"{SECRET}: [\n  {SECRET}\n"),
        (story / "x.yaml").symlink_to(secret),
    ),
}


@pytest.mark.parametrize("how", list(LINKED))
@pytest.mark.parametrize("command", ["lint", "lint-json", "graph", "quicktest", "play-plain"])
def test_a_file_reached_through_a_link_out_of_the_story_is_never_quoted(
    tmp_path: Path, secret_file: Path, how: str, command: str
) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES})
    LINKED[how](story, secret_file)
    if how == "a scene file in a linked folder":
        secret_file.rename(secret_file.with_suffix(".yaml"))
    result = run(*STORY_COMMANDS[command](str(story)), cwd=tmp_path, input_bytes=b"")
    assert_clean(result, 2, "outside the story folder")
    for fragment in ("TOP-SECRET", "Zm9vYmFy", "bin:*", "19000"):
        assert fragment not in result.output, result.output


def test_a_shared_chapter_linked_in_from_outside_still_loads(tmp_path: Path) -> None:
    # Links out of the story are followed (an author may share a chapter between stories); only quoting stops.
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "scenes.yaml").write_text(SCENES)
    story = write_story(tmp_path / "story", {}, MANIFEST)
    (story / "chapter").symlink_to(shared)
    assert_clean(run("lint", str(story), cwd=tmp_path), 0, "ok:")
    (shared / "scenes.yaml").write_text(SCENES.replace("goto: through", "goto: nowhere_at_all"))
    result = run("lint", str(story), cwd=tmp_path)
    assert_clean(result, 2, "chapter/scenes.yaml:", "outside the story folder")
    assert "nowhere_at_all" not in result.output


def test_replay_does_not_read_links_out_of_a_folder_it_searches(tmp_path: Path, secret_file: Path) -> None:
    folder = tmp_path / "playthroughs"
    folder.mkdir()
    secret_file.write_text(f"'{SECRET}': 1\n")
    (folder / "p.yaml").symlink_to(secret_file)
    result = run("replay", str(folder), cwd=tmp_path)
    assert_clean(result, 2, "outside this folder")
    assert "TOP-SECRET" not in result.output

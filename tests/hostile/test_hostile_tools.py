"""Hostile conditions for the author tools (#17, classes 5-7), each with the real command in a subprocess:

* signals and resources: Ctrl-C or SIGTERM during ``randomtest --jobs N`` ends with one line and exit 130 or 143,
  no worker traceback, no leaked semaphore, no worker left running; astronomically many runs cost no memory up
  front; absurd ``--jobs`` is capped with a message;
* output paths: ``-o`` never replaces a device, a FIFO or a link to one with a regular file, and ``-o -`` is
  standard output;
* rewriting authors' files: ``schema --add-modelines`` touches only a real leading comment, leaves a symbolic link
  alone (and says so), and writes a reference that still works once the story is moved.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile_helpers import MANIFEST, ROOT, SCENES, TINY, command_env, qasas, write_story

from game.loader import load_story

# ------------------------------------------------------------------------------- signals and resources

ENDLESS = ["-m", "game", "randomtest", str(TINY), "--runs", str(10**12), "--jobs", "2"]


def start(args: list[str]) -> subprocess.Popen[bytes]:
    """The command in a session of its own, so a signal can go to its whole process group, as Ctrl-C does."""
    return subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=command_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )


def workers_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def wait_for_workers(proc: subprocess.Popen[bytes], count: int = 2, timeout: float = 60) -> list[int]:
    """Wait until the workers run (the spawned interpreters have their own children counted too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = workers_of(proc.pid)
        if len(found) >= count + 1:  # the workers and the resource tracker
            time.sleep(1.0)  # let them import and start playing
            return found
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    raise AssertionError("the workers never started")


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def alive(pids: list[int]) -> list[int]:
    return [p for p in pids if Path(f"/proc/{p}").exists() and "zombie" not in Path(f"/proc/{p}/status").read_text()]


@pytest.mark.parametrize(
    "send,to_group,status,line",
    [
        (signal.SIGINT, True, 130, "qasas randomtest: interrupted"),  # Ctrl-C in a terminal: the whole group
        (signal.SIGINT, False, 130, "qasas randomtest: interrupted"),
        (signal.SIGTERM, False, 143, "qasas randomtest: terminated"),  # kill PID
        (signal.SIGTERM, True, 143, "qasas randomtest: terminated"),  # kill -- -PGID
    ],
    ids=["ctrl-c", "sigint", "sigterm", "sigterm-group"],
)
def test_a_signal_during_parallel_runs_ends_cleanly(send: int, to_group: bool, status: int, line: str) -> None:
    proc = start(ENDLESS)
    try:
        workers = wait_for_workers(proc)
        # 10**12 runs are handed out a few batches at a time: nothing like a list of a billion batches is built.
        assert peak_memory_mib(proc.pid) < 300
        if to_group:
            os.killpg(proc.pid, send)
        else:
            proc.send_signal(send)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == status, err.decode()
    assert err.decode().splitlines() == [line]  # one line: no worker traceback, no leaked-semaphore warning
    assert out == b""
    deadline = time.monotonic() + 10
    while alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(workers) == []


def test_a_single_process_run_stops_cleanly_too() -> None:
    proc = start(["-m", "game", "randomtest", str(TINY), "--runs", str(10**12)])
    try:
        time.sleep(3)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143 and err.decode().splitlines() == ["qasas randomtest: terminated"]


def test_absurd_jobs_are_capped_with_a_message(tmp_path: Path) -> None:
    run = qasas("randomtest", str(TINY), "--runs", "3000", "--jobs", "100000", "--json", cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "qasas randomtest: --jobs 100,000 is more than this machine allows" in run.stderr
    assert '"runs": 3000' in run.stdout and "Traceback" not in run.output


def test_the_open_file_limit_caps_jobs(tmp_path: Path) -> None:
    import resource

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (72, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    proc = subprocess.run(
        [sys.executable, "-m", "game", "randomtest", str(TINY), "--runs", "2500", "--jobs", "4"],
        cwd=tmp_path, env=command_env(), capture_output=True, text=True, timeout=120, preexec_fn=few_files, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "(the open-file limit of 72); running 1" in proc.stderr
    assert "Endings reached" in proc.stdout


# ---------------------------------------------------------------------------------------------- output paths


def test_dash_is_standard_output(tmp_path: Path) -> None:
    run = qasas("graph", str(TINY), "-o", "-", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.startswith("flowchart TD") and run.stderr == ""
    assert list(tmp_path.iterdir()) == []  # no file named '-'


def test_a_link_to_dev_stdout_writes_to_stdout_and_stays_a_link(tmp_path: Path) -> None:
    link = tmp_path / "map.mmd"
    link.symlink_to("/dev/stdout")
    run = qasas("graph", str(TINY), "-o", str(link), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("flowchart TD")
    assert link.is_symlink() and os.readlink(link) == "/dev/stdout"
    direct = qasas("graph", str(TINY), "-o", "/dev/stdout", cwd=tmp_path)
    assert direct.returncode == 0 and direct.stdout.startswith("flowchart TD")
    assert os.path.islink("/dev/stdout")


def test_a_device_is_written_into_never_replaced(tmp_path: Path) -> None:
    run = qasas("graph", str(TINY), "-o", "/dev/null", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    run = qasas("graph", str(TINY), "-o", str(link), cwd=tmp_path)
    assert run.returncode == 0 and link.is_symlink() and stat.S_ISCHR(os.stat(link).st_mode)


def test_a_fifo_with_a_reader_gets_the_output_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "map.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(0.2)
    run = qasas("graph", str(TINY), "-o", str(fifo), cwd=tmp_path)
    reader.join(timeout=30)
    assert run.returncode == 0, run.stderr
    assert got and got[0].startswith(b"flowchart TD")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("through_link", [False, True])
def test_a_fifo_nobody_reads_is_refused_at_once(tmp_path: Path, through_link: bool) -> None:
    fifo = tmp_path / "map.fifo"
    os.mkfifo(fifo)
    target = fifo
    if through_link:
        target = tmp_path / "link"
        target.symlink_to(fifo)
    run = qasas("graph", str(TINY), "-o", str(target), cwd=tmp_path, timeout=30)
    assert run.returncode == 1 and "it is a FIFO and nothing is reading it" in run.stderr
    assert "Traceback" not in run.output and run.seconds < 10
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and (not through_link or target.is_symlink())


def test_a_link_to_a_file_writes_the_file_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.mmd"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "map.mmd"
    link.symlink_to(real.name)
    run = qasas("graph", str(TINY), "-o", str(link), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and real.read_text().startswith("flowchart TD")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_directory_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    run = qasas("graph", str(TINY), "-o", str(folder), cwd=tmp_path)
    assert run.returncode == 1 and "it is a directory; name a file" in run.stderr
    assert list(folder.iterdir()) == []


def test_the_report_obeys_the_same_rules(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    run = qasas("report", str(TINY), "-o", str(fifo), "--runs", "20", "--no-quicktest", cwd=tmp_path, timeout=120)
    assert run.returncode == 1 and "nothing is reading it" in run.stderr and stat.S_ISFIFO(os.stat(fifo).st_mode)


# ------------------------------------------------------------------------------------ rewriting authors' files

LOOKALIKE = """\
chapter: one
scenes:
  - id: gate
    title: At the Gate
    text: |
      # yaml-language-server: $schema=this-is-scene-text.json
      The guard looks at you.
    choices:
      - {id: go, label: Go through, goto: through}
  - {id: through, title: Through, ending: through, text: You are through.}
"""


def test_a_lookalike_inside_a_block_scalar_is_scene_text(tmp_path: Path) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": LOOKALIKE})
    run = qasas("schema", "--add-modelines", str(story), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    text = (story / "scenes.yaml").read_text()
    assert text == "# yaml-language-server: $schema=schemas/scenes.schema.json\n" + LOOKALIKE
    scene = load_story(str(story)).scenes["gate"]
    assert scene.text[0].paragraphs[0].render([]).startswith("# yaml-language-server: $schema=this-is-scene-text.json")
    # Run again: the real modeline is found and kept; the text is still not touched.
    again = qasas("schema", "--add-modelines", str(story), cwd=tmp_path)
    assert again.returncode == 0 and "0 files changed" in again.stderr
    assert (story / "scenes.yaml").read_text() == text


def test_a_symlinked_scene_file_stays_a_link_and_is_named(tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared.yaml"
    elsewhere.write_text(SCENES.replace("id: gate", "id: yard").replace("goto: through", "goto: gate"), encoding="utf-8")
    before = elsewhere.read_bytes()
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES})
    (story / "linked.yaml").symlink_to(elsewhere)
    run = qasas("schema", "--add-modelines", str(story), cwd=tmp_path)
    assert run.returncode == 1
    assert "linked.yaml: a symbolic link; not changed" in run.stderr and "Traceback" not in run.output
    assert (story / "linked.yaml").is_symlink() and elsewhere.read_bytes() == before
    assert (story / "scenes.yaml").read_text().startswith("# yaml-language-server:")  # the others were done


def test_the_schema_reference_survives_moving_the_story(tmp_path: Path) -> None:
    more = "chapter: one\nscenes:\n  - {id: yard, title: The Yard, ending: through, text: Quiet.}\n"
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES, "ch/more.yaml": more})
    run = qasas("schema", "--add-modelines", str(story), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    moved = tmp_path / "elsewhere" / "deeper" / "story"
    moved.parent.mkdir(parents=True)
    story.rename(moved)
    for path in [moved / "story.yaml", moved / "scenes.yaml", moved / "ch" / "more.yaml"]:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {first}"
        assert target.name == ("story.schema.json" if path.name == "story.yaml" else "scenes.schema.json")
        assert moved in target.parents
    assert load_story(str(moved)).scenes  # the story still loads with its schemas folder inside it


def test_schemas_outside_the_story_get_a_note(tmp_path: Path) -> None:
    story = write_story(tmp_path / "story", {"scenes.yaml": SCENES}, manifest=MANIFEST)
    run = qasas("schema", "--add-modelines", str(story), "--schemas", str(tmp_path / "schemas"), cwd=tmp_path)
    assert run.returncode == 0
    assert "note: the schemas in" in run.stderr and "break if the story is moved without them" in run.stderr

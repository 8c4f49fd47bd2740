"""YAML -> engine model. The only package that knows YAML; every error carries file:line:col.

    story = load_story("scenes")          # raises StoryError listing every problem
    story, problems = check_story("scenes")   # never raises for bad content
"""

from __future__ import annotations

import gc
import os

from ..engine.model import Story
from . import cache
from .digests import sha256
from .errors import Problem, StoryError, did_you_mean
from .walk import redact_outside, walk_story_files

TYPE_CHECKING = False  # (not imported from typing: a warm start does not import typing at all)

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from yaml import Node

    from .parts import FilePart

    T = TypeVar("T")

# The reader and PyYAML are imported on a cache miss only: a story served from the cache never needs them, and
# importing YAML would double what a warm start costs.

__all__ = ["Problem", "StoryError", "check_story", "default_scenes_dir", "did_you_mean", "load_story"]


# From this many scenes, a cold load rebuilds the story from its cache encoding (see _check_story): below it the
# scattered objects cost play nothing measurable, and the rebuild would cost a cold load a third more.
COMPACT_FROM = 500
# Once a cold load has read this much text, it lets the YAML trees of the files it reads go this much text at a time
# rather than file by file (see _let_trees_go): about 45 MiB of trees held at most; a story smaller than this (the
# shipped one is half of it) reads file by file throughout.
TREES_HELD_CHARS = 1_000_000


def default_scenes_dir() -> str:
    """The story shipped with the game: ``scenes/`` beside the package (source checkout or editable install)."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for candidate in (os.path.join(os.path.dirname(here), "scenes"), os.path.join(here, "story_data")):
        if os.path.isfile(os.path.join(candidate, "story.yaml")):
            return candidate
    return os.path.join(os.path.dirname(here), "scenes")


def shown_path(path: str) -> str:
    """A path as problems name it (see ``_shown``)."""
    return _shown(path)


def _shown(path: str) -> str:
    """A path as the author should see it: relative to the working directory when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if len(rel) < len(path) else path


def with_collector_paused(work: Callable[[], T]) -> T:
    """``work()`` with the cyclic collector paused. Loading allocates hundreds of thousands of long-lived nodes;
    the collector would rescan them all again and again (quadratic in story size). Nothing here makes cycles worth
    collecting. (Used by ``check_story`` and by an editor's ``Workspace``.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return work()
    finally:
        if was_enabled:
            gc.enable()


def check_story(root: str) -> tuple[Story | None, list[Problem]]:
    """Load and validate the story in ``root``. Returns (story or None, every problem found, sorted)."""
    return with_collector_paused(lambda: _check_story(root))


def compose(text: str, shown: str) -> tuple[Node | None, list[Problem]]:
    """Compose YAML text into a node tree (see ``yamlsafe.compose``); imports the YAML side on first use."""
    from .yamlsafe import compose as compose_yaml

    return compose_yaml(text, shown)


def _check_story(root: str) -> tuple[Story | None, list[Problem]]:
    manifest, files, problems = walk_story_files(root)
    use_cache = manifest is not None and not problems and cache.enabled()
    read = None
    if use_cache and manifest is not None:
        # A valid story whose files are byte for byte those last loaded comes back from the cache, without YAML.
        paths = [manifest, *files]
        hit, read = cache.probe(root, paths, [_shown(p) for p in paths])
        if hit is not None:
            return hit
    from .parts import assemble, read_file_part, read_manifest_part
    from .yamlsafe import decode_text, read_data, text_bytes

    # On a miss the cache lookup has read every file and hashed them: its bytes are decoded here, and its digest
    # is the story's, unless a file turns out not to be text (the digest covers the files read as text only).
    given = read.data if read is not None else None
    digest = sha256() if given is None else None
    as_text: list[tuple[int, bytes]] = []  # (index, name) of each file read as text: what the digest covers
    found = list(problems)

    def text_of(i: int, path: str, shown: str, name: bytes) -> str | None:
        data, probs = (given[i], []) if given is not None else read_data(path, shown)
        text = None
        if data is not None:
            text, probs = decode_text(data, shown)
            if text is not None:
                as_text.append((i, name))
                if digest is not None:
                    cache.hash_file(digest, name, text_bytes(data))
        found.extend(probs)
        return text

    mpart = None
    if manifest is not None:
        mpart = read_manifest_part(_shown(manifest), text_of(0, manifest, _shown(manifest), b"story.yaml"))
    parts: list[FilePart] = []
    held, held_chars, read_chars = 0, 0, 0  # parts[held:] still hold their YAML trees, of held_chars of text
    for i, path in enumerate(files, 1):
        shown = _shown(path)
        text = text_of(i, path, shown, os.path.relpath(path, root).encode())
        chars = len(text or "")
        read_chars += chars
        keep = read_chars >= TREES_HELD_CHARS  # (below it, a file's tree goes as soon as the file is read)
        parts.append(read_file_part(mpart, shown, text, keep_node=keep))
        if not keep:
            held = len(parts)
            continue
        held_chars += chars
        if held_chars >= TREES_HELD_CHARS:
            _let_trees_go(parts, held)
            held, held_chars = len(parts), 0
    if read is not None and len(as_text) == len(read.data):
        content_hex = read.digest  # every file read as text: the lookup's digest is the story's
    else:
        if read is not None:  # (a file that is not text: the story does not load; its digest is of its text)
            digest = sha256()
            for i, name in as_text:
                cache.hash_file(digest, name, text_bytes(read.data[i]))
        assert digest is not None
        content_hex = digest.hexdigest()
    given = read = None  # (the bytes are not kept while the story is built)
    story, found = assemble(os.path.abspath(root), content_hex[:16], mpart, parts, found)
    # A file reached through a link leaving the story folder may be anything (/etc/shadow): never quote it.
    found = redact_outside(root, found, [_shown(p) for p in (manifest, *files) if p])
    if story is None or manifest is None or any(p.severity == "error" for p in found):
        return story, found
    shown_all = [_shown(manifest), *(p.shown for p in parts)]
    if len(story.scenes) < COMPACT_FROM:
        if use_cache:
            # Keyed by the digest of exactly the text read above, so what is stored is what those bytes mean.
            cache.store(root, content_hex, story, found, shown_all)
        return story, found
    # A large story is rebuilt from its cache encoding, as a warm load builds it: the objects made while reading
    # YAML lie scattered through a heap of freed nodes, and random play on them ran 11% (1,000 scenes) to 40%
    # (10,000) slower than on the same story loaded warm. Rebuilt in a tidy heap, both play at one speed.
    try:
        encoded = cache.encode(story, found, shown_all)
    except cache.CacheMiss:  # a story the cache cannot hold (a NUL in a text): keep it as read
        return story, found
    if use_cache:
        cache.store_encoded(root, content_hex, encoded)
    data, numbers, texts = encoded
    where = os.path.abspath(root)
    # Decoded twice while everything read is still alive (the last trees held too: they filled the holes the batch
    # before them left). Reading leaves holes in the allocator's pools (each file's YAML tree, freed, lay among
    # objects kept), and new objects fill holes before fresh memory: the first decoding fills them and is thrown
    # away; the second, kept, lies in fresh memory side by side, as a warm load's does. (Decoded once, its objects
    # scattered through the holes: play after a cold load of 10,000 scenes ran 6-10% slower than after a warm one,
    # and a full collection took 2.5x as long. The second decoding costs about 7% of the cold load.) Its texts are
    # made anew too, and its conditions compiled anew, as a warm load compiles them.
    joined = "\0".join(texts)
    filler = cache.decode(data, numbers, joined.split("\0"), where, shown_all)
    rebuilt = cache.decode(data, numbers, joined.split("\0"), where, shown_all)
    del story, parts, mpart, encoded, texts, joined, filler
    return rebuilt


def _let_trees_go(parts: list[FilePart], start: int) -> None:
    """Drop the YAML trees of ``parts[start:]``, in one go.

    A tree freed among the objects kept from its file leaves holes in the allocator's pools, and the next file's
    tree fills them before fresh memory, in the shuffled order the holes were made. While the story read so far is
    small, that memory is still in the processor's caches and reusing it is the fastest there is: file by file is
    best (holding the shipped story's 24 trees to the end made its cold load 6-8% slower). In a large story each
    file's tree is spread over the holes of all the files before it, ever more thinly: file by file, the tenth of
    ten 1,000-scene files took 115-134 ms to read against 87-90 ms for the first. Past TREES_HELD_CHARS of text,
    trees are let go a batch at a time, so that each batch is read into memory of its own, and the last batch is
    held until the story is rebuilt (see _check_story): a cold load of 10,000 scenes is about 10% faster (in
    1,000-scene files or in 130-scene ones) and peaks at 216 MiB rather than 184."""
    for part in parts[start:]:
        part.node = None


def load_story(root: str | None = None) -> Story:
    """Load the story in ``root`` (default: the shipped story), raising StoryError with every problem."""
    story, problems = check_story(root or default_scenes_dir())
    errors = [p for p in problems if p.severity == "error"]
    if story is None or errors:
        raise StoryError(errors or [Problem(root or "", 0, 0, "story could not be loaded")])
    return story

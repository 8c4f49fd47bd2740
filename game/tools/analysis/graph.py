"""The story graph: scene -> scene edges (one per choice and route), reachability and strongly connected
components. Shared by lint, graph and quicktest."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ...engine import Choice, Scene


@dataclass(frozen=True, slots=True)
class Edge:
    """One way from a scene to another: a choice, and the index of the route it takes."""

    source: str
    choice: Choice
    route: int
    target: str


def edges_of(scene: Scene) -> Iterator[Edge]:
    """Every edge out of ``scene``, ignoring conditions (the story as written)."""
    for choice in scene.choices:
        for k, route in enumerate(choice.routes):
            yield Edge(scene.id, choice, k, route.target)


def reachable(start: str, successors: dict[str, list[str]]) -> set[str]:
    """Every node reachable from ``start`` (including it) following ``successors``."""
    seen = {start}
    stack = [start]
    while stack:
        for nxt in successors.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def strongly_connected(nodes: Iterable[str], successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (stories can be long chains)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(successors.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
    return out


def on_cycles(nodes: Iterable[str], successors: dict[str, list[str]]) -> set[str]:
    """The nodes that lie on some cycle (a component of two or more, or a node with an edge to itself)."""
    nodes = list(nodes)
    cyclic: set[str] = set()
    for comp in strongly_connected(nodes, successors):
        if len(comp) > 1:
            cyclic.update(comp)
        elif comp[0] in successors.get(comp[0], ()):
            cyclic.add(comp[0])
    return cyclic

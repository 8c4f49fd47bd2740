"""The language server's end-to-end tests: the real ``qasas lsp`` in a subprocess, driven by pytest-lsp's client
with Visual Studio Code's capabilities, on a copy of a story in a temporary folder."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsp_helpers import Editor
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = Path(__file__).parents[2]
RICH = ROOT / "tests" / "fixtures" / "rich"
SHIPPED = ROOT / "scenes"


@pytest.fixture
def story(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the story a test names with ``@pytest.mark.story("shipped")`` (default: the rich fixture)."""
    marker = request.node.get_closest_marker("story")
    which = marker.args[0] if marker else "rich"
    source = {"rich": RICH, "shipped": SHIPPED}[which]
    target = tmp_path / which
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))
    return target


def publish_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    """Every publication kept, in order (the tests wait for a document's version to appear)."""
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]


def register_capability(client: LanguageClient, params: types.RegistrationParams) -> None:
    """As VS Code does: the server's file watchers are set up."""
    client.registrations.extend(params.registrations)  # type: ignore[attr-defined]


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]
    register_lsp_features(client, {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish_diagnostics,
        types.CLIENT_REGISTER_CAPABILITY: register_capability,
    })
    return client


SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "game", "lsp"], client_factory=make_client)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, story: Path, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    capabilities = client_capabilities("visual-studio-code")
    marker = request.node.get_closest_marker("encoding")
    if marker:  # a client that prefers another position encoding than UTF-16
        capabilities.general = types.GeneralClientCapabilities(position_encodings=[marker.args[0]])
    params = types.InitializeParams(
        capabilities=capabilities,
        workspace_folders=[types.WorkspaceFolder(uri=story.as_uri(), name=story.name)],
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(client: LanguageClient, story: Path) -> Editor:
    return Editor(client, story)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "story(name): the story a language server test opens (rich or shipped)")
    config.addinivalue_line("markers", "encoding(kind): the position encoding the test client prefers")

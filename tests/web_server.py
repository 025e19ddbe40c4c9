"""A real uvicorn serving the page on 127.0.0.1 over a copy of the bundled fixtures, with one user of
each role and their API tokens: what the web tests talk to (over HTTP, as a browser or a program would)."""

from __future__ import annotations

import contextlib
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from pipeline.web.app import create_app
from pipeline.web.store import Role, Store
from pipeline.web.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
PASSWORDS = {"an": "mat-khau-an-1", "binh": "mat-khau-binh-2", "chi": "mat-khau-chi-3"}
OUTDATED = "du-thao-2026"
"""A draft of December 2026 citing the 2015 local-government law, replaced from 16/6/2025."""
ROLES = {"an": Role.CHUYEN_VIEN, "binh": Role.VAN_THU, "chi": Role.QUAN_TRI}


def make_workspace(root: Path) -> Workspace:
    for part in ("cases", "agencies", "criteria"):
        shutil.copytree(ROOT / "fixtures" / part, root / part)
    shutil.copytree(ROOT / "fixtures" / "scenarios" / "luat-2025" / "du-thao-2026", root / "cases" / OUTDATED)
    store = Store(root)
    for name, role in ROLES.items():
        store.add_user(name, role, PASSWORDS[name])
    store.close()
    return Workspace.at(root)


@dataclass
class Running:
    workspace: Workspace
    url: str
    tokens: dict[str, str]
    server: uvicorn.Server
    thread: threading.Thread

    def api(self, user: str | None) -> httpx.Client:
        headers = {"authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    @contextlib.contextmanager
    def browser(self, user: str) -> Iterator[tuple[httpx.Client, str]]:
        """A signed-in cookie session and its CSRF token."""
        with httpx.Client(base_url=self.url, timeout=120, follow_redirects=True) as client:
            answer = client.post("/login", data={"name": user, "password": PASSWORDS[user]})
            assert answer.status_code == 200, answer.text
            yield client, csrf_of(answer.text)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join()


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def start(workspace: Workspace) -> Running:
    """Serve `workspace` on a free loopback port; returns once the server accepts connections."""
    app = create_app(workspace)
    store = app.state.qdgen.store
    tokens = {name: store.new_token(name) for name in ROLES}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a generous bound on start-up, not a measurement
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return Running(workspace, f"http://127.0.0.1:{port}", tokens, server, thread)

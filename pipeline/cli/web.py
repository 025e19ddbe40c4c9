"""`qdgen serve` (the office's web page over a workspace) and `qdgen user add|token` (its accounts).

Passwords are read from standard input only (typed at a hidden prompt, or piped), never from the
command line where `ps` and the shell history would keep them. The page listens on the loopback address
unless the operator says `--allow-remote`.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import click

from pipeline.cli.group import Command, Group, Outcome
from pipeline.cli.options import OneOf
from pipeline.problems import InputError, Location, Problem

MIN_PASSWORD = 8
workspace_option = click.option(
    "--workspace", type=click.Path(path_type=Path, file_okay=False, exists=True), default=Path("."),
    show_default=True, help="Kho hồ sơ: thư mục có cases/<tên>/case.yaml (ví dụ fixtures).")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command(cls=Command)
@workspace_option
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục ghi văn bản đã tạo (mặc định: <kho>/out).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--allow-remote", is_flag=True,
              help="Cho phép lắng nghe trên địa chỉ khác 127.0.0.1 (máy khác trong mạng truy cập được).")
def serve(workspace: Path, out: Path | None, host: str, port: int, allow_remote: bool) -> None:
    """Mở trang web soạn, kiểm tra, tạo quyết định trên kho hồ sơ (dùng chung với các lệnh qdgen)."""
    if not _is_loopback(host) and not allow_remote:
        raise click.UsageError(f"«{host}» không phải địa chỉ nội bộ (127.0.0.1): thêm --allow-remote nếu thật sự "
                               "muốn máy khác truy cập trang này.")
    import uvicorn

    from pipeline.web.app import create_app
    from pipeline.web.store import Store
    from pipeline.web.workspace import Workspace

    space = Workspace.at(workspace, out)
    if not Store(space.root).users():
        click.echo("Chưa có tài khoản nào: tạo bằng qdgen user add TÊN --role quan-tri "
                   f"--workspace {workspace}", err=True)
    click.echo(f"Trang web: http://{host}:{port}/  (kho {space.root}, văn bản ghi vào {space.out})", err=True)
    uvicorn.run(create_app(space), host=host, port=port, log_level="warning", proxy_headers=False)


@click.group(cls=Group)
def user() -> None:
    """Tài khoản của trang web: chuyên viên, văn thư, quản trị."""


def _password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu", err=True)
    return sys.stdin.readline().rstrip("\r\n")


@user.command("add", cls=Command)
@click.argument("name")
@click.option("--role", type=OneOf(["chuyen-vien", "van-thu", "quan-tri"]), required=True)
@workspace_option
def user_add(name: str, role: str, workspace: Path) -> Outcome:
    """Tạo tài khoản NAME (hoặc đặt lại vai trò, mật khẩu). Mật khẩu đọc từ đầu vào chuẩn."""
    from pipeline.web.store import Role, Store
    from pipeline.web.workspace import NAME

    if not NAME.match(name) and not name.isalnum():
        raise click.UsageError("tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, dấu gạch ngang.")
    password = _password()
    if len(password) < MIN_PASSWORD:
        raise InputError([Problem("user.short_password", f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.", Location(),
                                  "Nhập lại một mật khẩu dài hơn.")])
    Store(workspace.resolve()).add_user(name, Role(role), password)
    click.echo(f"✓ {name} ({role})", err=True)
    return Outcome()


@user.command("token", cls=Command)
@click.argument("name")
@workspace_option
def user_token(name: str, workspace: Path) -> Outcome:
    """In một mã API mới cho NAME (dùng: Authorization: Bearer <mã>); các mã cũ vẫn dùng được."""
    from pipeline.web.store import Store

    token = Store(workspace.resolve()).new_token(name)
    if token is None:
        raise InputError([Problem("user.unknown", f"Không có tài khoản «{name}».", Location(),
                                  f"Tạo trước bằng qdgen user add {name} --role …")])
    return Outcome(text=(token,))

"""The Typer app and what every command shares: error handling, notes, loading."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
import typer.core
import typer.main

from minsheng_cli.cli import chinese, defaults
from minsheng_cli.errors import MinshengError
from minsheng_cli.models import Notice
from minsheng_cli.notice.loader import load_notice

if TYPE_CHECKING:
    from typer._click.core import Command, Context, Parameter  # Typer's own copy of Click

chinese.install()
defaults.install()

# Sub-apps by name → the module holding its `app`. Building one costs several milliseconds,
# so the group adds it only when it is invoked, or when help lists every command. An app
# with one command and no callback (targets) becomes that command, not a group.
LAZY_GROUPS = {
    "progress": "minsheng_cli.cli.progress",
    "targets": "minsheng_cli.cli.targets",
}


class _Group(typer.core.TyperGroup):
    """The root group: lazy sub-apps, and every usage error said in Chinese."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        for param in self.params:
            if param.name in _COMPLETION_OPTIONS and not getattr(param.callback, "_ours", False):
                param.callback = functools.partial(_completion, original=param.callback)
                param.callback._ours = True  # type: ignore[attr-defined]
        with chinese.usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with chinese.usage_errors():
            return super().invoke(ctx)

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in LAZY_GROUPS if n not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in LAZY_GROUPS and cmd_name not in self.commands:
            import importlib

            module = importlib.import_module(LAZY_GROUPS[cmd_name])
            self.add_command(typer.main.get_command(module.app), cmd_name)
        return super().get_command(ctx, cmd_name)


_COMPLETION_OPTIONS = ("install_completion", "show_completion")
_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _completion(ctx: Context, param: Parameter, value: Any, *, original: Any) -> Any:
    """Typer's --install-completion and --show-completion, saying what they did in Chinese."""
    if not value or ctx.resilient_parsing:
        return value
    from typer import _completion_shared as shared

    shell = value if isinstance(value, str) else shared._get_shell_name()
    if shell not in _SHELLS:
        print(
            f"错误：不支持的 shell：{shell or '未能识别'}；支持 {'、'.join(_SHELLS)}。",
            file=sys.stderr,
        )
        raise typer.Exit(1)
    if param.name == "show_completion":
        return original(ctx, param, value)
    installed, path = shared.install(shell=shell)
    print(f"已为 {installed} 安装命令补全：{path}")
    print("重新打开终端后生效。")
    raise typer.Exit(0)


app = typer.Typer(
    cls=_Group,
    name="minsheng",
    help="解析民生改善工作通知的分工表，按单位、类别、时限查询事项并导出文档。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_quiet = False
_ROOT_FLAGS = ("-Q", "--quiet")


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"minsheng {version('minsheng')}")
        raise typer.Exit(0)


@app.callback()
def _group(
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-Q",
            envvar="MINSHENG_QUIET",
            help="不显示提示（如“通知有 2 个警告”）；错误照常显示。"
            "也可设环境变量 MINSHENG_QUIET=1。",
            show_default=False,
            show_envvar=False,
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="显示版本号并退出。",
            callback=_show_version,
            is_eager=True,
            expose_value=False,
        ),
    ] = False,
) -> None:
    # A callback also keeps `minsheng` a group of commands when `only_invoked` leaves one.
    global _quiet
    _quiet = quiet


def only_invoked(argv: list[str]) -> None:
    """Keep just the command that `argv` invokes, so Click builds one command, not nine.

    Building every command's options costs about 12 ms at each start-up. With no
    command named (`minsheng`, `minsheng --help`) or an unknown one, all are kept,
    so the help and Click's "No such command" suggestions are unchanged.
    """
    while argv and argv[0] in _ROOT_FLAGS:
        argv = argv[1:]
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    if first in LAZY_GROUPS and argv[0] == first:
        app.registered_commands = []  # the group itself is added when Click asks for it
        return
    chosen = [c for c in app.registered_commands if _command_name(c) == first]
    if chosen and argv and argv[0] == first:
        app.registered_commands = chosen


def _command_name(command: typer.models.CommandInfo) -> str | None:
    if command.name:
        return command.name
    return command.callback.__name__.rstrip("_").replace("_", "-") if command.callback else None


P = ParamSpec("P")
R = TypeVar("R")

CANCELLED = 130  # the shell's exit code for a command stopped by SIGINT

# Said on stderr once the command's own output is out, so it is not scrolled away.
_notes: list[str] = []


def handles_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn our own errors into a Chinese message and exit code 1; let real bugs through."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = command(*args, **kwargs)
        except MinshengError as exc:
            from minsheng_cli.cli.visible import visible

            _notes.clear()
            # A message may quote the notice or the user's input: show its controls, obey none.
            print(f"错误：{visible(exc.message)}", file=sys.stderr)
            for line in exc.details:
                print(visible(line), file=sys.stderr)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            # Ctrl-C, or SIGTERM through main(): whatever was being written has cleaned up.
            _notes.clear()
            cancelled()
            raise typer.Exit(CANCELLED) from None
        say_notes()
        return result

    return wrapper


def cancelled() -> None:
    """Say that the command was stopped, after whatever it had already printed."""
    _flush_stdout()
    print("已取消", file=sys.stderr)


def note(message: str) -> None:
    """Queue a line for stderr, said once the command's own output is out."""
    if message not in _notes:
        _notes.append(message)


def say_notes() -> None:
    """Say the queued notes on stderr, unless --quiet or MINSHENG_QUIET asked for silence."""
    sys.stdout.flush()  # keep the notes below the output when both go to one terminal
    if not _quiet:
        for message in _notes:
            print(message, file=sys.stderr)
    _notes.clear()


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass  # a closed or broken pipe: what goes to stderr still matters


def load(notice: Path | None, year: int | None, overlay: Path | None = None) -> Notice:
    """Load the notice and queue notes about its warnings and unexpanded groups."""
    loaded = load_notice(notice, year=year, overlay=overlay)
    table = loaded.recipient_table
    if not table.groups and any(u.startswith("各") for t in loaded.tasks for u in t.units):
        note(
            f"提示：没有“{loaded.meta.issuer or '发文机关'}”所在城市的实际接收单位表，"
            "“各县（市）区”等统称未展开；可在 minsheng.toml 的 [recipients] 中补充。"
        )
    if loaded.warnings:
        note(
            f"提示：通知有 {len(loaded.warnings)} 个警告，"
            "运行 minsheng validate 查看（不影响以上结果）。"
        )
    return loaded

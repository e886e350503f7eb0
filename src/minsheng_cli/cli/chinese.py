"""Click's and Typer's own texts in Chinese: help pages, usage lines and usage errors.

Typer 0.29 carries its own copy of Click whose texts are plain literals, while older Typer uses
Click itself, which passes them through gettext. So the texts are translated where they are
shown, not where they are made:

- a usage error is worded here from the exception's own fields (which option, which value,
  which pydantic error type), whatever language its message came in (`error_message`);
- a help page: just before Typer lays it out, the built-in options' help, the usage placeholders,
  the panel titles and the "[default: …]" marks of `typer.rich_utils` are replaced (`localise`);
- `install` wraps the few methods that draw those texts, and points the gettext `_` of every
  loaded Click and Typer module at our table, so that it works whatever was imported first.

`install` only rebinds names: it neither imports `typer.rich_utils` (rich's Markdown and
traceback) nor reads the table (`data/click_zh.toml`). Both happen on the first help page or
usage error, which a command that succeeds never shows.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import typer
import typer.core

if TYPE_CHECKING:
    from typer._click.core import Command, Context, Parameter
    from typer._click.exceptions import ClickException

# The constants `typer.rich_utils` computes with gettext when it is imported.
_RICH_CONSTANTS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)
_ENGLISH: dict[str, str] = {}  # the constants' English, kept to look them up again
_TYPE = re.compile(r"<(?:list\[)?(?P<type>[\w.]+)(?: range)?\]?>(?P<more>\.\.\.)?")
_DID_YOU_MEAN = " Did you mean "


@functools.cache
def _table() -> dict[str, Any]:
    from minsheng_cli._data import load_table

    return load_table("click_zh")


@functools.cache
def _messages() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(m["english"], re.DOTALL), m["chinese"]) for m in _table()["messages"]]


def phrase(text: str) -> str:
    """The Chinese of one of Click's or Typer's fixed texts; any other text as it is."""
    phrases: dict[str, str] = _table()["phrases"]
    return phrases.get(text, text)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return phrase(singular if count == 1 else plural)


def placeholder(text: str) -> str:
    """`<int>` → `<整数>`, `PATH` → `<路径>`, `<bool>` → ``; choices such as `<table|json>` stay."""
    table: dict[str, str] = _table()["placeholders"]
    match = _TYPE.fullmatch(text)
    name = match["type"] if match else text
    chinese = table.get(name.lower())
    if chinese is None:
        return text
    if not chinese:
        return ""
    more = (match["more"] or "") if match else ""
    return f"<{chinese}>{more}"


def argument_name(name: str) -> str:
    """What an argument is called in the usage line and the errors: `number` → 序号."""
    names: dict[str, str] = _table()["arguments"]
    return names.get(name, name)


def message(english: str) -> str:
    """A message that Click or Typer built, in Chinese when the table knows its shape."""
    suggestion = ""
    head, asked, names = english.rpartition(_DID_YOU_MEAN)  # no regex: a typo can be long
    if asked and names.endswith("?"):
        english = head.removesuffix(".")
        listed = (name.strip().strip("'") for name in names[:-1].split(","))
        suggestion = f"。是不是要用 {_or(listed)}？"
    for pattern, chinese in _messages():
        found = pattern.match(english)
        if found:
            fields = found.groupdict()
            if fields.get("choices"):
                fields["choices"] = "、".join(c.strip(" '") for c in fields["choices"].split(","))
            return chinese.format(**fields) + suggestion
    return english + suggestion


def _or(names: Iterable[str]) -> str:
    listed = list(names)
    return "、".join(listed[:-1]) + f" 或 {listed[-1]}" if len(listed) > 1 else "".join(listed)


# --- usage errors ----------------------------------------------------------------------------


def error_message(exc: ClickException) -> str:
    """One line in Chinese for a usage error, from the exception's fields where it has them."""
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    if "NoSuchOption" in kinds:
        possible = sorted(getattr(exc, "possibilities", None) or [])
        said = f"没有选项 {getattr(exc, 'option_name', '')}"
        return said + (f"；是不是要用 {_or(possible)}？" if possible else "")
    if "FileError" in kinds:
        return f"无法打开文件“{getattr(exc, 'ui_filename', '')}”：{message(exc.message)}"
    if "BadParameter" not in kinds:
        return message(exc.message)
    param: Parameter | None = getattr(exc, "param", None)
    hint = _hint(param, getattr(exc, "param_hint", None))
    argument = param is not None and param.param_type_name == "argument"
    if "MissingParameter" in kinds:
        said = f"缺少参数{hint}" if argument else f"缺少选项 {hint}".rstrip()
        missing = getattr(param, "get_missing_message", None)
        extra = missing(ctx=exc.ctx) if callable(missing) else None  # type: ignore[attr-defined]
        return said + (f"；{message(extra)}" if extra else "")
    reason = _reason(exc)
    if not hint:
        return f"值无效：{reason}"
    if any(name in reason for name in [hint, *getattr(param, "opts", ())]):
        return reason  # our own messages name the option already: "--year 应在 1949–2100 之间"
    return f"参数{hint}的值无效：{reason}" if argument else f"选项 {hint} 的值无效：{reason}"


def _hint(param: Parameter | None, given: Sequence[str] | str | None) -> str:
    if given is not None:
        names = [given] if isinstance(given, str) else list(given)
        return " / ".join(n.strip("'") for n in names)
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return f"“{argument_name(param.name or '')}”"
    return " / ".join(param.opts)


def _reason(exc: ClickException) -> str:
    """Why the value is wrong: pydantic's error type where Typer validated it with pydantic."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        first = (errors() or [{}])[0]
        known: dict[str, str] = _table()["pydantic"]
        said = known.get(first.get("type", ""))
        if first.get("type") == "value_error":  # raised by a validator, as Typer checks choices
            return message(str(first.get("msg", "")).removeprefix("Value error, "))
        if said:
            given = first.get("input")
            if given is None:
                return said
            shown = str(given) if len(str(given)) <= 40 else f"{str(given)[:40]}…"
            return f"{said}，收到“{shown}”"
    return message(exc.message)


def _click() -> Any:
    """The Click that Typer uses: its own copy from Typer 0.29 on, Click itself before."""
    vendored = getattr(typer.core, "_click", None)
    if vendored is not None:
        return vendored
    import importlib

    return importlib.import_module("click")


@contextlib.contextmanager
def usage_errors() -> Iterator[None]:
    """Show a usage error (or an abort) in Chinese, then leave with its exit code."""
    try:
        yield
    except typer.Abort:
        show_aborted()
        raise typer.Exit(1) from None
    except _click().ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            raise  # its message is the help page, which is out already
        show_error(exc)
        raise typer.Exit(exc.exit_code) from None


def show_error(exc: ClickException) -> None:
    """Say a usage error the way Typer does, in Chinese: usage, where to get help, the error."""
    from rich.panel import Panel
    from rich.text import Text

    from minsheng_cli.cli.display import console
    from minsheng_cli.cli.visible import visible

    err = console(stderr=True)
    ctx: Context | None = getattr(exc, "ctx", None)
    if ctx is not None:
        localise(ctx.command, ctx)
        err.print(Text(visible(ctx.get_usage())), style="bold")
        if ctx.command.get_help_option(ctx) is not None:
            err.print(f"运行 {ctx.command_path} {ctx.help_option_names[0]} 查看帮助。", style="dim")
    text = Text(visible(error_message(exc)))
    err.print(Panel(text, title="错误", title_align="left", border_style="red"))


def show_aborted() -> None:
    print("已中止。", file=sys.stderr)


# --- help pages ------------------------------------------------------------------------------


def localise(command: Command, ctx: Context) -> None:
    """Put Chinese into the parts of `command` that Click and Typer fill in themselves."""
    if getattr(command, "options_metavar", None):
        command.options_metavar = phrase(command.options_metavar or "")
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = phrase(command.subcommand_metavar)  # type: ignore[attr-defined]
    for param in command.get_params(ctx):
        help_text = getattr(param, "help", None)
        if help_text:
            param.help = phrase(help_text)  # type: ignore[attr-defined]
        if param.param_type_name == "option" and param.metavar:
            param.metavar = placeholder(param.metavar) or None
    _localise_rich_utils()


def _localise_rich_utils() -> None:
    import typer.rich_utils as rich_utils

    _point_gettext(rich_utils)
    for name in _RICH_CONSTANTS:
        english = _ENGLISH.setdefault(name, getattr(rich_utils, name, ""))
        if english:
            setattr(rich_utils, name, phrase(english))


def _point_gettext(module: object) -> None:
    import gettext

    if getattr(module, "_", None) is gettext.gettext:
        module._ = phrase  # type: ignore[attr-defined]
    if getattr(module, "ngettext", None) is gettext.ngettext:
        module.ngettext = _ngettext  # type: ignore[attr-defined]


def install() -> None:
    """Wrap the methods that draw Click's and Typer's texts; cheap enough for every start-up."""
    click = _click()
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] in ("click", "typer"):
            _point_gettext(module)
    for cls in (typer.core.TyperCommand, typer.core.TyperGroup):
        _wrap(cls, "format_help", _before_help)
    _wrap(click.HelpFormatter, "write_usage", _usage_prefix)
    base = getattr(typer.core, "_TyperParameter", None)  # Typer 0.29 names types itself
    if base is not None and hasattr(base, "display_type"):
        _wrap(base, "display_type", _translated_type)
    if base is not None and isinstance(getattr(base, "display_name_raw", None), property):
        raw = base.display_name_raw.fget
        base.display_name_raw = property(lambda self: _argument_display(self, raw))


def _wrap(cls: type, name: str, around: Callable[..., Any]) -> None:
    original = getattr(cls, name)
    if getattr(original, "_minsheng", False):
        return  # installed already (a test imports the app twice)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return around(original, *args, **kwargs)

    wrapper._minsheng = True  # type: ignore[attr-defined]
    setattr(cls, name, wrapper)


def _before_help(original: Callable[..., Any], command: Command, ctx: Context, *rest: Any) -> Any:
    localise(command, ctx)
    return original(command, ctx, *rest)


def _usage_prefix(
    original: Callable[..., Any],
    formatter: Any,
    prog: str,
    args: str = "",
    prefix: str | None = None,
) -> Any:
    return original(formatter, prog, args, phrase("Usage: ") if prefix is None else prefix)


def _translated_type(original: Callable[..., Any], param: Any, *args: Any, **kwargs: Any) -> Any:
    shown = original(param, *args, **kwargs)
    return placeholder(shown) if isinstance(shown, str) else shown


def _argument_display(param: Any, raw: Callable[[Any], str] | None) -> str:
    shown = raw(param) if raw else param.name
    if param.metavar is None and param.param_type_name == "argument":
        return argument_name(shown)
    return shown

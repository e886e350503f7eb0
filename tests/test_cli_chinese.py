"""The command line speaks Chinese: help, usage errors, --version, --quiet, completion, names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
import typer.core
import typer.main
from rich.cells import cell_len
from typer._click import Context
from typer.testing import CliRunner

from minsheng_cli.cli import app
from minsheng_cli.cli import options as cli_options
from minsheng_cli.notice.loader import load_notice
from minsheng_cli.query import all_recipients, all_units

from .conftest import DATA

runner = CliRunner()

# What may stay in ASCII: product and format names, shells, and our own command and option names.
_KEPT = (
    "Excel Word CSV JSON Markdown SQLite GB/T docx xlsx html htm md csv json ics txt toml minsheng "
    "Outlook Tab shell bash zsh fish powershell pwsh"
).split()
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9_]*\b")  # placeholders and variables: PATH, MINSHENG_DB
_QUOTED = re.compile(r"'[^'\n]*'|“[^”\n]*”")  # a value the user typed, quoted back
# Words of one sentence are one space apart; two spaces part the columns of a table.
_RUN = re.compile(r"[A-Za-z]+(?:(?: |[,.:;!?()'] ?)[A-Za-z]+)+")


def _walk(command: typer.core.TyperGroup, path: list[str]) -> list[list[str]]:
    ctx = Context(command, info_name=path[-1] if path else "minsheng")
    paths = [path]
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if isinstance(sub, typer.core.TyperGroup):
            paths += _walk(sub, [*path, name])
        else:
            paths.append([*path, name])
    return paths


_ROOT = typer.main.get_command(app)
assert isinstance(_ROOT, typer.core.TyperGroup)
COMMANDS = _walk(_ROOT, [])
_NAMES = {name for path in COMMANDS for name in path}


def english_runs(text: str) -> list[str]:
    """Runs of two or more English words left once the names that stay English are taken out."""
    text = _QUOTED.sub(" ", _OPTION.sub(" ", text))
    text = _CAPITALS.sub(" ", text)
    kept = "|".join(re.escape(word) for word in [*_KEPT, *_NAMES])
    text = re.sub(rf"(?<![A-Za-z])(?:{kept})(?![A-Za-z])", " ", text)
    return _RUN.findall(text)


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("│ --help  -h  <bool>  Show this message and exit. │", ["Show this message and exit"]),
        ("Usage: minsheng show [OPTIONS] NUMBER", []),  # one word: the usage test checks 用法
        ("No such command 'nosuch'.", ["No such command"]),
        ("例：minsheng progress list --unit 市民政局", []),
        ("格式：docx、xlsx、html、md 或 json。 [默认：docx]", []),
        ("Did you mean 'list'?", ["Did you mean"]),
    ],
)
def test_the_english_check_finds_sentences(text: str, runs: list[str]) -> None:
    assert english_runs(text) == runs


def test_the_walk_finds_every_command_and_the_lazy_group() -> None:
    assert ["progress", "import"] in COMMANDS
    assert ["list"] in COMMANDS and [] in COMMANDS
    assert len(COMMANDS) >= 18


HELP_PAGES = [(path, "80") for path in COMMANDS] + [([], "120"), (["list"], "120")]


@pytest.mark.parametrize(
    ("path", "columns"), HELP_PAGES, ids=[f"{' '.join(p) or 'minsheng'}@{c}" for p, c in HELP_PAGES]
)
def test_every_help_page_is_chinese(
    monkeypatch: pytest.MonkeyPatch, path: list[str], columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "用法：minsheng" in result.output
    assert "显示本帮助" in result.output  # a crowded page at 80 columns ends it with …
    assert english_runs(result.output) == [], result.output


USAGE_ERRORS = [
    (["show", "abc"], "参数“序号”的值无效：应为整数，收到“abc”"),
    (["list", "--month", "13"], "选项 --month / -m 的值无效：月份应在 1–12 之间，收到 13"),
    (["nosuch"], "没有命令“nosuch”"),
    (["lis"], "没有命令“lis”。是不是要用 list？"),
    (["list", "--nosuch"], "没有选项 --nosuch；是不是要用 --notice 或 --search？"),
    (
        ["export", "--format", "pdf"],
        "选项 --format / -f 的值无效：'pdf' 不是可选的值（可选：xlsx、docx、csv、json、md、ics）",
    ),
    (["show"], "缺少参数“序号”"),
    (["show", "1", "2"], "多出了参数：2"),
    (["list", "--unit"], "选项 --unit 后面要写一个值"),
    (["list", "--month", "x"], "选项 --month / -m 的值无效：应为整数，收到“x”"),
    (["list", "--lead"], "--lead 须与 --unit 一起使用"),
    (["progress", "set"], "缺少参数“序号”"),
    (["progress", "nosuch"], "没有命令“nosuch”"),
    (["--nosuch"], "没有选项 --nosuch"),
]


@pytest.mark.parametrize("columns", ["80", "120"])
@pytest.mark.parametrize(("args", "said"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_errors_are_chinese(
    monkeypatch: pytest.MonkeyPatch, args: list[str], said: str, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    flat = "".join(line.strip("│ ") for line in result.stderr.splitlines())
    assert said.replace(" ", "") in flat.replace(" ", "")
    assert "─ 错误 ─" in result.stderr
    assert english_runs(result.output) == [], result.output
    assert result.stdout == ""


def test_a_usage_error_says_the_usage_and_where_help_is() -> None:
    result = runner.invoke(app, ["show", "abc"])
    assert result.stderr.splitlines()[:2] == [
        "用法：minsheng show [选项] {序号}",
        "运行 minsheng show -h 查看帮助。",
    ]


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    from importlib.metadata import version

    result = runner.invoke(app, [flag])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"minsheng {version('minsheng')}\n"
    assert re.fullmatch(r"minsheng \d+\.\d+\.\d+\S*\n", result.stdout)


_WARNINGS = "提示：通知有 2 个警告"


@pytest.mark.parametrize(
    ("args", "env", "quiet"),
    [
        (["list", "-f", "json"], {}, False),
        (["-Q", "list", "-f", "json"], {}, True),
        (["--quiet", "list", "-f", "json"], {}, True),
        (["list", "-f", "json"], {"MINSHENG_QUIET": "1"}, True),
        (["list", "-f", "json"], {"MINSHENG_QUIET": "0"}, False),
    ],
)
def test_quiet_silences_the_notes(args: list[str], env: dict[str, str], quiet: bool) -> None:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert (_WARNINGS not in result.stderr) is quiet
    assert result.stdout.startswith("[")


@pytest.mark.parametrize("args", [["-Q", "list", "--unit", "没有的局"], ["-Q", "show", "999"]])
def test_quiet_still_says_errors(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("错误：")
    assert _WARNINGS not in result.stderr


class _Completing:
    def __init__(self, params: dict[str, object]) -> None:
        self.params = params


_NOTICE = load_notice(None)


@pytest.mark.parametrize(
    ("complete", "typed", "expected"),
    [
        (cli_options.complete_unit, "市民", ["市民政局"]),
        (cli_options.complete_unit, "船", ["船营区"]),
        (cli_options.complete_unit, "各县", ["各县（市）区", "各县（市）"]),
        (cli_options.complete_unit, "没有", []),
        (cli_options.complete_category, "医", ["医疗保障"]),
        (cli_options.complete_category, "未", ["未标注"]),
    ],
)
def test_completion_functions(complete: object, typed: str, expected: list[str]) -> None:
    assert callable(complete)
    assert complete(_Completing({}), typed) == expected


def test_unit_completion_offers_every_unit_and_recipient() -> None:
    offered = cli_options.complete_unit(_Completing({}), "")  # type: ignore[arg-type]
    assert set(offered) == {*all_units(_NOTICE), *all_recipients(_NOTICE)}
    assert len(offered) == len(set(offered))


def test_completion_reads_the_notice_being_completed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.txt"
    text = (DATA.parent.parent / "data" / "notice.txt").read_text(encoding="utf-8")
    other.write_text(text.replace("市民政局", "市民政厅"), encoding="utf-8")
    bundled = cli_options.complete_unit(_Completing({}), "市民")  # type: ignore[arg-type]
    assert "市民政厅" not in bundled
    for given, env in [({"notice": other}, {}), ({}, {"MINSHENG_NOTICE": str(other)})]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        offered = cli_options.complete_unit(_Completing(given), "市民")  # type: ignore[arg-type]
        assert offered[0] == "市民政厅"
    broken = _Completing({"notice": tmp_path / "missing.txt"})
    assert cli_options.complete_unit(broken, "") == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("minsheng list --unit 市民", ["市民政局"]),
        ("minsheng export --category 教育", ["教育助学"]),
    ],
)
def test_bash_completion_end_to_end(words: str, expected: list[str]) -> None:
    env = {
        "_MINSHENG_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = runner.invoke(app, [], env=env, prog_name="minsheng")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == expected


def test_install_completion_says_what_it_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer import _completion_shared

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: "bash")
    result = runner.invoke(app, ["--install-completion"], prog_name="minsheng")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("已为 bash 安装命令补全：")
    assert "重新打开终端后生效。" in result.stdout
    assert "_MINSHENG_COMPLETE" in (tmp_path / ".bash_completions" / "minsheng.sh").read_text()


def test_completion_on_an_unknown_shell_is_a_chinese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer import _completion_shared

    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: "tcsh")
    result = runner.invoke(app, ["--show-completion"], prog_name="minsheng")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：不支持的 shell：tcsh")


# --- names never break -----------------------------------------------------------------------

_GROUPS = [name for t in _NOTICE.tasks for name in t.units_as_written]
NAMES = sorted({*all_units(_NOTICE), *all_recipients(_NOTICE), *_GROUPS}, key=len, reverse=True)


def _at_cell(line: str, column: int) -> str:
    """The rest of `line` from the character that starts at terminal column `column`."""
    width = 0
    for index, char in enumerate(line):
        if width == column:
            return line[index:]
        width += cell_len(char)
    return ""


# Each proper head of a name → the tails that would complete it, longest name first.
_HEADS: dict[str, list[str]] = {}
for _whole in NAMES:
    for _at in range(1, len(_whole)):
        _HEADS.setdefault(_whole[:_at], []).append(_whole[_at:])
_LONGEST = max(map(len, NAMES))
_STARTS = re.compile(r"(?:^|(?<=  )|(?<=、)|(?<=：))(?=\S)")


def broken_names(output: str) -> list[str]:
    """Names cut by a line end: a head ends one line's cell and the tail starts the next's.

    A name starts a cell, a record's field or follows "、"; a name that the running text of
    the content happens to hold may wrap like any other text.
    """
    lines = output.splitlines()
    broken = []
    for line, following in zip(lines, lines[1:], strict=False):
        for start in _STARTS.finditer(line):
            cut = _cut(line, start.start(), following)
            if cut:
                broken.append(cut)
    return broken


def _cut(line: str, start: int, following: str) -> str | None:
    column = cell_len(line[:start])
    below = _at_cell(following, column)
    for end in range(min(len(line), start + _LONGEST), start, -1):  # the longest head first
        head, rest = line[start:end], line[end:]
        if head not in _HEADS or (rest and not rest.startswith(" ")):
            continue  # not a head, or the cell goes on after it
        for tail in _HEADS[head]:
            wrapped = not rest.strip() and following.lstrip().startswith(tail)
            if below.startswith(tail) or wrapped:
                return f"{head}|{tail}"
    return None


def test_the_broken_name_check_finds_a_break() -> None:
    assert broken_names("  市人社局   \n  各县（市  \n  ）区      \n") == ["各县（市|）区"]
    assert broken_names("  各县（市）区\n  开发区\n") == []


NAME_COMMANDS = [
    (["list"], "80"),
    (["list"], "100"),
    (["list", "--unit", "船营区"], "80"),
    (["list", "--unit", "船营区"], "100"),
    (["list", "--unit", "市民政局", "--unit", "船营区"], "120"),
    (["due", "--month", "10"], "80"),
    (["units"], "80"),
    (["units", "--recipients"], "80"),
    (["show", "1"], "80"),
    (["stats"], "80"),
]


@pytest.mark.parametrize(
    ("args", "columns"), NAME_COMMANDS, ids=[f"{' '.join(a)}@{c}" for a, c in NAME_COMMANDS]
)
def test_names_never_break(monkeypatch: pytest.MonkeyPatch, args: list[str], columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert broken_names(result.stdout) == [], result.stdout


# --- the message table -----------------------------------------------------------------------

MESSAGES = [
    ("'pdf' is not one of 'xlsx', 'docx'.", "'pdf' 不是可选的值（可选：xlsx、docx）"),
    ("\"it's\" is not 'a'.", "\"it's\" 不是可选的值（只能是 'a'）"),
    ("'a\\'b' is not a valid integer.", "应为整数，收到 'a\\'b'"),
    ("Value 'x' is not a valid Path.", "'x' 不是有效的 Path"),
    ("Option '--unit' requires an argument.", "选项 --unit 后面要写一个值"),
    ("Option '--lead' does not take a value.", "选项 --lead 不带值"),
    (
        "No such command 'lis'. Did you mean 'list', 'due'?",
        "没有命令“lis”。是不是要用 list 或 due？",
    ),
    ("Got unexpected extra arguments (a b)", "多出了参数：a b"),
    ("Got unexpected extra argument(s) (2)", "多出了参数：2"),
    ("Missing command.", "缺少命令"),
    ("月份应在 1–12 之间，收到 13", "月份应在 1–12 之间，收到 13"),
]


@pytest.mark.parametrize(("english", "chinese"), MESSAGES)
def test_messages(english: str, chinese: str) -> None:
    from minsheng_cli.cli.chinese import message

    assert message(english) == chinese


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<int>", "<整数>"),
        ("<list[str]>", "<文字>"),
        ("<bool>", ""),
        ("PATH", "<路径>"),
        ("<list[Path]>...", "<路径>..."),
        ("<table|json|csv>", "<table|json|csv>"),
        ("<路径>", "<路径>"),
    ],
)
def test_placeholders(text: str, shown: str) -> None:
    from minsheng_cli.cli.chinese import placeholder

    assert placeholder(text) == shown


@pytest.mark.parametrize(
    "unit", ["'", "\\'", "' is not '", '" is not "', "No such command '", " Did you mean "]
)
def test_a_long_typed_value_cannot_stall_the_messages(unit: str) -> None:
    import time

    from minsheng_cli.cli.chinese import message

    start = time.perf_counter()
    message(unit * 20_000 + "x?")
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("args", "columns", "table"),
    [
        (["list", "--unit", "市民政局"], "80", True),
        (["list", "--unit", "船营区"], "100", True),
        (["list", "--unit", "船营区"], "80", False),  # the names leave the content no room
        (["list"], "80", True),
    ],
)
def test_task_table_keeps_its_headings(
    monkeypatch: pytest.MonkeyPatch, args: list[str], columns: str, table: bool
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    heading = result.stdout.splitlines()[1].split()
    wanted = ["序号", "类别", "工作内容", "完成时限", "责任单位"] + (
        ["本单位"] if "--unit" in args else []
    )
    assert (heading == wanted) is table
    assert ("序号：1" in result.stdout) is not table

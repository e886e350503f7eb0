"""LibreOffice conversions for the render tests (they skip when soffice is missing).

Starting LibreOffice is most of a conversion's time, so the render tests convert
together: each registers the files it looks at with `@renders(name)`, and the
session fixture `pdfs` (conftest.py) converts every registered file in one soffice
call, once a run: the first worker to need them converts, under a lock, and the
others read its PDFs.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

FONTS_CONF = Path(__file__).parent.parent / "docs" / "fonts.conf"

Sources = Callable[[], dict[str, bytes]]
"""What a render test looks at: file names (with their extension) and their bytes."""

_REGISTERED: dict[str, Sources] = {}


def renders(name: str) -> Callable[[Sources], Sources]:
    """Register the files of the render test `name` for the one conversion of the run."""

    def register(sources: Sources) -> Sources:
        _REGISTERED[name] = sources
        return sources

    return register


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing); no lock where fcntl is missing."""
    try:
        import fcntl
    except ImportError:  # Windows: each worker converts on its own
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_pdfs(root: Path) -> dict[str, dict[str, Path]]:
    """convert_registered into root/renders, made once for every worker of the run."""
    folder = root / "renders"
    done = folder / "converted.json"
    with locked(root / "renders.lock"):
        if not done.exists():
            folder.mkdir(exist_ok=True)
            found = convert_registered(folder)
            listed = {n: {s: str(p) for s, p in files.items()} for n, files in found.items()}
            done.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    listed = json.loads(done.read_text(encoding="utf-8"))
    return {n: {s: Path(p) for s, p in files.items()} for n, files in listed.items()}


def convert_registered(folder: Path) -> dict[str, dict[str, Path]]:
    """name → {file name without its extension → its PDF}, every file in one soffice call.

    docs/fonts.conf is installed over the system's fontconfig, as a user would do.
    """
    written: dict[str, dict[str, Path]] = {}
    for name, make in _REGISTERED.items():
        for file, data in make().items():
            path = folder / f"{name}--{file}"
            path.write_bytes(data)
            written.setdefault(name, {})[Path(file).stem] = path
    config = folder / "fonts.conf"
    config.write_text(
        "<?xml version='1.0'?><fontconfig>"
        "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
        f"<include>{FONTS_CONF}</include></fontconfig>",
        encoding="utf-8",
    )
    sources = [path for files in written.values() for path in files.values()]
    to_pdf(sources, folder, env={**os.environ, "FONTCONFIG_FILE": str(config)})
    return {
        name: {stem: path.with_suffix(".pdf") for stem, path in files.items()}
        for name, files in written.items()
    }


def to_pdf(
    sources: Sequence[Path], folder: Path, *, env: Mapping[str, str] | None = None
) -> list[Path]:
    """Convert `sources` to PDF in `folder` with one soffice call; the PDFs, in order.

    A private profile, so that a LibreOffice the user has open does not swallow the
    conversion (soffice would hand it to the running instance and return at once);
    one for each test process, since making a profile is a fifth of a conversion's time.
    """
    mine = Path(tempfile.gettempdir()) / f"minsheng-tests-soffice-{os.getpid()}"
    profile = f"-env:UserInstallation={mine.as_uri()}"
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
    subprocess.run(
        [*command, *map(str, sources)],
        check=True,
        capture_output=True,
        timeout=300,
        env=dict(env) if env is not None else None,
    )
    return [folder / f"{source.stem}.pdf" for source in sources]

"""LibreOffice conversions for the render tests (they skip when soffice is missing)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def to_pdf(
    sources: Sequence[Path], folder: Path, *, env: Mapping[str, str] | None = None
) -> list[Path]:
    """Convert `sources` to PDF in `folder` with one soffice call; the PDFs, in order.

    A private profile, so that a LibreOffice the user has open does not swallow the
    conversion (soffice would hand it to the running instance and return at once).
    """
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    command = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
    subprocess.run(
        [*command, *map(str, sources)],
        check=True,
        capture_output=True,
        timeout=180,
        env=dict(env) if env is not None else None,
    )
    return [folder / f"{source.stem}.pdf" for source in sources]

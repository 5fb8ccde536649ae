"""The outside programs some tests drive (LibreOffice, Chromium, poppler). On a developer's
machine without them those tests are skipped; in CI (CI=true) a missing program fails the run,
so that a green CI means the files and books were really opened."""

import os
import shutil
import subprocess

import pytest


def need(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    message = f"needs {', '.join(missing)} (apt-get install, see .ci/run)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def pdf_pages(path) -> list[str]:
    """The text of each page of a PDF (pdftotext keeps the layout; pages end with a form feed)."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return out.split("\f")[:-1]

"""Typst source to PDF bytes: everything a PDF worker process imports.

The workers (pdf_pool.py) only compile sources that the build wrote; importing ``pdf_typst`` for
it also imported the school models, python-docx and pydantic, 0.2 s of a worker's start against
0.02 s for Typst.  One worker starts for every PDF a rebuild makes, and fourteen for a full build
of 2,000 schools.
"""

from __future__ import annotations

import os
import re
from typing import Final

import typst

from policies.errors import TypstPdfError

STANDARD: Final = "ua-1"  # PDF/UA-1: tagged, accessible

_COMPILER: dict[int, typst.Compiler] = {}


def _compiler() -> typst.Compiler:
    """One compiler per process, made on first use (a forked worker makes its own): it keeps the
    bundled fonts loaded and reuses layout work between documents, ~45 ms instead of ~55 ms each."""
    pid = os.getpid()
    if pid not in _COMPILER:
        _COMPILER.clear()
        _COMPILER[pid] = typst.Compiler(ignore_system_fonts=True)
    return _COMPILER[pid]


def compile_source(source: str) -> bytes:
    """Typst source to PDF bytes (tagged, PDF/UA-1); raises TypstPdfError with Typst's reason.

    Call it only in a process that will not fork afterwards: see pdf_pool.py.
    """
    try:
        data = _compiler().compile(source.encode("utf-8"), format="pdf", pdf_standards=[STANDARD])
    except typst.TypstError as exc:
        raise TypstPdfError(re.sub(r"^PDF/UA-1 error: ", "", exc.message)) from exc
    assert isinstance(data, bytes)
    return data

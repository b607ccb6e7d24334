"""LibreOffice's PDFs of the DOCX downloads: the baseline scripts/bench_pdf.py measures Typst against.

The build made its PDFs this way until December 2026 (see bench/pdf-engines.md for why it moved to
Typst); this copy is kept, unchanged but for this note, only so the comparison can be run again.

LibreOffice is what schools and CI can install freely (``libreoffice-writer-nogui``;
``scripts/install-system-deps``), and converting the DOCX itself means the PDF
shows exactly what a school gets when it opens its DOCX.  Starting LibreOffice
costs seconds, so every document that needs converting goes in one call, and a
document whose DOCX bytes have not changed since the last build keeps its PDF
(DOCX files are byte-reproducible, so equal bytes mean an equal document).

The export is tagged (structure for screen readers) and declares PDF/UA (the
title shown, language en-GB); fonts are embedded, as LibreOffice always does.  It runs
with a throwaway LibreOffice profile, so it neither touches nor waits for the
user's own LibreOffice.  Without LibreOffice, or when it fails, the build goes
on without PDFs and says so: the DOCX and the site are still worth having.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

EXPORT_OPTIONS = {
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
}
CONVERT_TO = "pdf:writer_pdf_Export:" + json.dumps(EXPORT_OPTIONS, separators=(",", ":"))
CANDIDATES = ("soffice", "libreoffice", "/Applications/LibreOffice.app/Contents/MacOS/soffice")
TIMEOUT = 600  # seconds for the whole batch
MISSING = (
    "LibreOffice (soffice) was not found, so no PDF downloads were made; the DOCX downloads were. "
    "Install it (Debian/Ubuntu: scripts/install-system-deps, or apt-get install libreoffice-writer-nogui) "
    "and build again."
)


class PdfError(Exception):
    pass


def find_soffice() -> str | None:
    for name in CANDIDATES:
        if found := shutil.which(name):
            return found
    return None


def convert(documents: dict[str, bytes], soffice: str) -> dict[str, bytes]:
    """PDF bytes for each DOCX (by the same name, ``.pdf``), in one LibreOffice run."""
    if not documents:
        return {}
    with tempfile.TemporaryDirectory(prefix="policies-pdf-") as tmp:
        work = Path(tmp)
        sources, outdir, profile = work / "in", work / "out", work / "profile"
        sources.mkdir()
        names = {}
        for index, (name, data) in enumerate(sorted(documents.items())):
            path = sources / f"{index:04d}.docx"  # plain names: nothing in a file name can reach the command
            path.write_bytes(data)
            names[path.with_suffix(".pdf").name] = re.sub(r"\.docx$", "", name) + ".pdf"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            CONVERT_TO,
            "--outdir",
            str(outdir),
            *sorted(str(p) for p in sources.iterdir()),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"LibreOffice could not run: {exc}") from exc
        sources_by_pdf = {
            names[p.name]: documents[names[p.name][: -len(".pdf")] + ".docx"]
            for p in outdir.glob("*.pdf")
            if p.name in names
        }
        made = {
            name: reproducible(p.read_bytes(), sources_by_pdf[name])
            for p in outdir.glob("*.pdf")
            if p.name in names
            for name in [names[p.name]]
        }
        missing = sorted(set(names.values()) - set(made))
        if missing:
            detail = (result.stderr or result.stdout).strip()[-500:]
            raise PdfError(f"LibreOffice made no PDF for {', '.join(missing)} (exit {result.returncode}): {detail}")
        return made


_CREATED = re.compile(rb"<dcterms:created[^>]*>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)")


def reproducible(pdf: bytes, docx: bytes) -> bytes:
    """Replace what LibreOffice stamps from the clock (creation dates, document id) with values from the DOCX.

    Every replacement has the same length as what it replaces, so the PDF's cross-reference offsets stay
    valid.  The date is the DOCX's own creation date (the policy's), the id a hash of the DOCX bytes:
    the same inputs then give the same PDF bytes.
    """
    try:
        core = zipfile.ZipFile(io.BytesIO(docx)).read("docProps/core.xml")
    except (KeyError, zipfile.BadZipFile):
        core = b""
    m = _CREATED.search(core)
    parts = m.groups() if m else (b"2000", b"01", b"01", b"00", b"00", b"00")
    compact, iso = b"".join(parts), b"%s-%s-%sT%s:%s:%sZ" % parts
    digest = hashlib.md5(docx).hexdigest().upper().encode()  # an id, not security

    pdf = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", lambda x: x.group(1) + compact, pdf)
    pdf = re.sub(
        rb"(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
        lambda x: x.group(1) + iso,
        pdf,
    )
    pdf = re.sub(rb"/DocChecksum /[0-9A-Fa-f]{32}", b"/DocChecksum /" + digest, pdf)
    return re.sub(
        rb"/ID\s*\[\s*<[0-9A-Fa-f]{32}>\s*<[0-9A-Fa-f]{32}>\s*\]",
        lambda x: re.sub(rb"[0-9A-Fa-f]{32}", digest, x.group(0)),
        pdf,
    )


@dataclass
class PdfResult:
    files: dict[str, bytes] = field(default_factory=dict)  # path in the docs tree -> PDF bytes
    converted: int = 0
    message: str | None = None  # why there are no PDFs, for the user


def made_from(pdf: bytes, docx: bytes) -> bool:
    """Whether ``pdf`` was converted from exactly ``docx``: reproducible() stamps the DOCX's hash in it."""
    return b"/DocChecksum /" + hashlib.md5(docx).hexdigest().upper().encode() in pdf


def pdf_downloads(outputs: dict[str, str | bytes], previous: Path, soffice: str | None = None) -> PdfResult:
    """A PDF beside every ``.docx`` of ``outputs``, reusing those in ``previous`` made from the same DOCX bytes.

    The check reads the hash stamped in the PDF, not the DOCX beside it, so a
    PDF kept by a preview build (``--no-pdf``) after its DOCX changed is made again.
    """
    docx = {k: v for k, v in outputs.items() if k.endswith(".docx") and isinstance(v, bytes)}
    result = PdfResult()
    todo = {}
    for name, data in docx.items():
        old_pdf = previous / (name[: -len(".docx")] + ".pdf")
        if old_pdf.is_file() and made_from(old_pdf.read_bytes(), data):
            result.files[name[: -len(".docx")] + ".pdf"] = old_pdf.read_bytes()
        else:
            todo[name] = data
    if not todo:
        return result
    soffice = soffice or find_soffice()
    if soffice is None:
        return PdfResult(message=MISSING)
    try:
        result.files.update(convert(todo, soffice))
    except PdfError as exc:
        return PdfResult(message=f"PDF downloads were not made: {exc}")
    result.converted = len(todo)
    return result


_PDF_LINK = re.compile(r"^[-*] .*\]\([^)]*\.pdf\)[^\n]*\n", re.MULTILINE)


def without_pdf_links(page: str) -> str:
    """A page's Markdown without its list items linking a PDF, for a build that could not make them."""
    return _PDF_LINK.sub("", page)


def previous_pdfs(previous: Path, documents: list[str]) -> list[str]:
    """The PDFs of the previous build a preview keeps as they are (it does not wait for LibreOffice).

    All or none: if any of ``documents`` (DOCX paths) has no PDF, none is
    kept, and the build drops the pages' PDF links, so a page never links a
    missing file.
    """
    pdfs = [name[: -len(".docx")] + ".pdf" for name in documents]
    return pdfs if all((previous / name).is_file() for name in pdfs) else []

"""A sentence-level redline between two versions of one document, for governors who approve the new one.

Clauses are matched by their library id, so a clause that only moved (renumbered) is not a change.  Each
clause's text is what a reader sees (the Markdown rendered, tags dropped), cut into blocks (paragraphs,
list items, headings, table cells) and each block into sentences.  A clause whose visible words are the
same in both versions is unchanged, however its Markdown differs.  For a changed clause only the changed
sentences are shown, with ``context`` unchanged sentences either side; hunks that meet are merged, and
text left out between them is marked (``Hunk.skipped_before``, ``ClauseRedline.skipped_after``).  A
sentence replaced by a similar one carries a word-level redline (``word_spans``, which ``policies diff``
uses too).

The result is plain data for any renderer (the meeting pack's DOCX and PDF read it directly);
``redline_markdown`` renders it for the site, every piece of text escaped.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

import markdown

from policies.resolve.policy import ResolvedPolicy

WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_TOKEN = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")
_BLOCK = re.compile(r"</?(?:p|li|h[1-6]|tr|td|th|blockquote|pre|ul|ol|table|div|dt|dd)\b[^>]*>|<br\s*/?>", re.I)
# A sentence ends at . ! or ? (and any closing quote or bracket), before a space and a capital or digit.
_END = re.compile(r"[.!?][\"')\]’”]*\s+(?=[\"'(\[‘“]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "cf.", "mr.", "mrs.", "ms.", "dr.", "st.", "no.", "vs.", "approx."})
SIMILAR = 0.5  # a new sentence this similar (difflib ratio of words) to an old one replaces it, word by word
ELLIPSIS = "…"

SpanKind = Literal["equal", "deleted", "inserted"]
LineKind = Literal["context", "removed", "added", "changed"]
ClauseKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Span:
    kind: SpanKind
    text: str


@dataclass(frozen=True)
class Line:
    """One sentence of a hunk: unchanged context, removed, added, or changed (with its word redline)."""

    kind: LineKind
    spans: tuple[Span, ...]  # ready to show: single spaces between the pieces, none at either end


@dataclass(frozen=True)
class Hunk:
    lines: tuple[Line, ...]
    skipped_before: bool  # unchanged text is left out before it


@dataclass(frozen=True)
class ClauseRedline:
    id: str
    number: str  # in the new version (the old one for a removed clause)
    title: str  # likewise
    kind: ClauseKind
    hunks: tuple[Hunk, ...]
    skipped_after: bool = False  # unchanged text is left out after the last hunk
    title_spans: tuple[Span, ...] = ()  # the title's word redline, when its words changed


@dataclass(frozen=True)
class Redline:
    clauses: tuple[ClauseRedline, ...]

    @property
    def changed(self) -> bool:
        return bool(self.clauses)


class ClauseText(NamedTuple):
    number: str
    title: str
    body: str  # Markdown


_MARKDOWN = markdown.Markdown(extensions=["attr_list", "tables"])  # one parser, reset for each text


@functools.lru_cache(maxsize=4096)  # schools share most clause texts
def visible_text(markdown_text: str) -> str:
    """The words a reader sees: Markdown rendered, tags dropped, entities decoded."""
    rendered = _MARKDOWN.reset().convert(markdown_text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def visible_blocks(markdown_text: str) -> list[str]:
    """The visible text of each block (paragraph, list item, heading, table cell), in order."""
    rendered = _MARKDOWN.reset().convert(markdown_text.replace("\x00", ""))
    blocks = (html.unescape(re.sub(r"<[^>]+>", " ", part)) for part in _BLOCK.sub("\x00", rendered).split("\x00"))
    return [" ".join(block.split()) for block in blocks if block.strip()]


def split_sentences(block: str) -> list[str]:
    """One block's sentences; abbreviations such as "e.g." and initials do not end one."""
    sentences, start = [], 0
    for match in _END.finditer(block):
        word = block[: match.start() + 1].rsplit(None, 1)[-1].lstrip("\"'(‘“[").lower()
        if word in _ABBREVIATIONS or re.fullmatch(r"\w\.", word):
            continue
        sentences.append(block[start : match.end()].strip())
        start = match.end()
    sentences.append(block[start:].strip())
    return [s for s in sentences if s]


def sentences(markdown_text: str) -> list[str]:
    """A clause body as the sentences a reader sees: each list item, heading and cell is one at least."""
    return [s for block in visible_blocks(markdown_text) for s in split_sentences(block)]


def _edits(old: str, new: str) -> Iterator[tuple[str, str, str]]:
    """(operation, old text, new text) of each run of tokens, from difflib's opcodes."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        yield op, "".join(a[i1:i2]), "".join(b[j1:j2])


def word_spans(old: str, new: str) -> list[Span]:
    """Word-level diff: unchanged text as it stands (spaces included), removed and added words trimmed."""
    spans = []
    for op, gone, added in _edits(old, new):
        if op == "equal":
            spans.append(Span("equal", gone))
            continue
        if gone.strip():
            spans.append(Span("deleted", gone.strip()))
        if added.strip():
            spans.append(Span("inserted", added.strip()))
    return spans


def shown_spans(old: str, new: str) -> tuple[Span, ...]:
    """``word_spans`` to show: the spaces around each change kept outside its marks, one space between
    removed and added words, runs of spaces collapsed and none at either end."""
    out: list[Span] = []

    def add(kind: SpanKind, text: str) -> None:
        if out and kind == out[-1].kind == "equal":
            out[-1] = Span("equal", out[-1].text + text)
        elif text:
            out.append(Span(kind, text))

    for op, gone, added in _edits(old, new):
        if op == "equal":
            add("equal", gone)
            continue
        add("equal", " " if gone[:1].isspace() or added[:1].isspace() else "")
        if gone.strip():
            add("deleted", gone.strip())
        if gone.strip() and added.strip():
            add("equal", " ")
        if added.strip():
            add("inserted", added.strip())
        add("equal", " " if (gone[-1:].isspace() or added[-1:].isspace()) else "")
    tidy = [Span(span.kind, re.sub(r"\s+", " ", span.text)) for span in out]
    if tidy and tidy[0].kind == "equal":
        tidy[0] = Span("equal", tidy[0].text.lstrip())
    if tidy and tidy[-1].kind == "equal":
        tidy[-1] = Span("equal", tidy[-1].text.rstrip())
    return tuple(span for span in tidy if span.text)


def _words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(text))


_SPAN_OF: dict[LineKind, SpanKind] = {"context": "equal", "removed": "deleted", "added": "inserted"}


def _line(kind: LineKind, text: str) -> Line:
    return Line(kind, (Span(_SPAN_OF[kind], text),))


def _replaced(old: list[str], new: list[str]) -> Iterator[Line]:
    """Sentences replaced by others: each old one paired in order with its most similar new one, if close."""
    j = 0
    for sentence in old:
        scores = [difflib.SequenceMatcher(None, _words(sentence), _words(n)).ratio() for n in new[j:]]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if best is None or scores[best] < SIMILAR:
            yield _line("removed", sentence)
            continue
        yield from (_line("added", n) for n in new[j : j + best])
        yield Line("changed", shown_spans(sentence, new[j + best]))
        j += best + 1
    yield from (_line("added", n) for n in new[j:])


def _lines(old: list[str], new: list[str]) -> list[Line]:
    matcher = difflib.SequenceMatcher(None, [_words(s) for s in old], [_words(s) for s in new], autojunk=False)
    lines: list[Line] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines += [_line("context", s) for s in new[j1:j2]]
        else:
            lines += _replaced(old[i1:i2], new[j1:j2])
    return lines


def _hunks(lines: list[Line], context: int) -> tuple[tuple[Hunk, ...], bool]:
    """The changed lines with ``context`` lines either side; ranges that meet become one hunk."""
    ranges: list[list[int]] = []
    for index, line in enumerate(lines):
        if line.kind == "context":
            continue
        start, end = max(0, index - context), min(len(lines), index + context + 1)
        if ranges and start <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], end)
        else:
            ranges.append([start, end])
    hunks, shown_to = [], 0
    for start, end in ranges:
        hunks.append(Hunk(tuple(lines[start:end]), skipped_before=start > shown_to))
        shown_to = end
    return tuple(hunks), bool(ranges) and shown_to < len(lines)


def clause_map(policy: ResolvedPolicy) -> dict[str, ClauseText]:
    """Clause id -> its number, title and body, in the document's order."""
    return {c.id: ClauseText(c.number, c.title, c.body) for s in policy.sections for c in s.clauses}


def _clause(cid: str, old: ClauseText | None, new: ClauseText | None, context: int) -> ClauseRedline | None:
    if new is None:
        assert old is not None
        whole = tuple(_line("removed", s) for s in sentences(old.body))
        return ClauseRedline(cid, old.number, old.title, "removed", (Hunk(whole, False),))
    if old is None:
        whole = tuple(_line("added", s) for s in sentences(new.body))
        return ClauseRedline(cid, new.number, new.title, "added", (Hunk(whole, False),))
    if old.title == new.title and old.body == new.body:
        return None  # untouched (or only renumbered): most clauses, so no Markdown is rendered for them
    retitled = _words(old.title) != _words(new.title)
    if not retitled and _words(visible_text(old.body)) == _words(visible_text(new.body)):
        return None  # the same words: renumbered, reformatted or untouched
    hunks, after = _hunks(_lines(sentences(old.body), sentences(new.body)), context)
    title = shown_spans(old.title, new.title) if retitled else ()
    return ClauseRedline(cid, new.number, new.title, "changed", hunks, after, title)


def sentence_redline(
    old: ResolvedPolicy | Mapping[str, ClauseText], new: ResolvedPolicy | Mapping[str, ClauseText], context: int = 1
) -> Redline:
    """What changed from ``old`` to ``new``: new clauses in their order, then removed ones in theirs."""
    before = clause_map(old) if isinstance(old, ResolvedPolicy) else old
    after = clause_map(new) if isinstance(new, ResolvedPolicy) else new
    ids = [*after, *(cid for cid in before if cid not in after)]
    found = (_clause(cid, before.get(cid), after.get(cid), max(0, context)) for cid in ids)
    return Redline(tuple(clause for clause in found if clause is not None))

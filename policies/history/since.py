"""The redline of each document whose text changed since its last approved version.

One page per such document (``schools/<slug>/<document>/since-approval/``), showing only the changed
sentences with the sentence either side (history/redline.py).  Its key is both texts' hashes and the
approval it compares with, so a rebuild renders it again only when one of them changed; the approved
version's document is read from the cache only then.
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup

from policies.history.frozen import Frozen
from policies.history.redline import ClauseKind, Redline, sentence_redline
from policies.history.redline_page import redline_markdown
from policies.history.versions import changes_page, relative
from policies.render.pages import render_template
from policies.resolve.policy import ResolvedPolicy
from policies.resolve.version import ApprovedVersion
from policies.runtime.incremental import code_fingerprint


def since_key(policy: ResolvedPolicy, approved: ApprovedVersion) -> str:
    version = policy.version
    assert version is not None
    parts = [code_fingerprint(), policy.page, version.identifier, version.digest, approved.identifier]
    parts += [approved.date, approved.by, approved.minute or "", approved.page]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def summary(result: Redline) -> str:
    kinds: tuple[tuple[ClauseKind, str], ...] = (("changed", "changed"), ("added", "new"), ("removed", "removed"))
    counts = [(sum(1 for c in result.clauses if c.kind == kind), word) for kind, word in kinds]
    parts = [f"{n} {'clause' if n == 1 else 'clauses'} {word}" for n, word in counts if n]
    if not parts:
        return "only its numbering or formatting"
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def since_approval_markdown(policy: ResolvedPolicy, approved: ApprovedVersion, frozen: Frozen) -> str:
    """The page: what changed between the approved version and the current text, sentence by sentence."""
    version = policy.version
    assert version is not None
    old, _ = frozen.load()
    result = sentence_redline(old, policy)
    page = changes_page(policy.slug, policy.document)
    return render_template(
        "since-approval.md.jinja",
        name=policy.name,
        title=policy.title,
        approval=approved,
        identifier=version.identifier,
        summary=summary(result),
        current=relative(page, policy.page),
        approved=relative(page, approved.page),
        redline=Markup(redline_markdown(result, level=3)),
    )

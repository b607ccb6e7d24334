"""The history stage of a build: approved versions found, each document's version known, their outputs written.

It runs after the policies are resolved and before anything is rendered, so every output of a
document (page, DOCX, PDF, dashboard row, calendar) knows its version identifier and whether it is a
draft.  Problems (an approval whose release has no tag, or whose school or document was not in the
library at that release) stop the build before anything is written, as input errors do.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from policies.documents.pdf_pool import PdfJob
from policies.errors import InputError
from policies.history.frozen import Frozen, FrozenStore, wanted
from policies.history.publish import ApprovedCopy, frozen_outputs, history_state
from policies.history.since import since_approval_markdown, since_key
from policies.history.versions import VERSIONS_CSV, approved_versions, changes_page, versions_csv, with_versions
from policies.load.problems import Problems
from policies.resolve.prepare import Prepared
from policies.runtime.write import TreeWriter


@dataclass
class History:
    """What the history stage found: the policies with their versions, and the approved copies to publish."""

    prepared: Prepared
    copies: list[list[ApprovedCopy]] = field(default_factory=list)  # each document's, oldest first
    titles: dict[tuple[str, str, str], str] = field(default_factory=dict)  # an approved version's title
    frozen: dict[tuple[str, str, str], Frozen] = field(default_factory=dict)  # by (slug, document, release)

    @classmethod
    def run(cls, prepared: Prepared, cache: Path, state: dict[str, str], docs: Path, pdf: bool) -> History:
        project = prepared.project
        approvals = wanted(project)
        if not approvals:
            return cls(replace(prepared, policies=with_versions(prepared.policies, {})))
        problems = Problems(project.root)
        frozen = FrozenStore(project, cache, problems).resolve(approvals)
        if problems.errors:
            raise InputError(problems)
        approved = approved_versions(approvals, frozen)
        policies = with_versions(prepared.policies, approved)
        pages = {(policy.slug, policy.document): policy.page for policy in policies}
        groups = []
        for (slug, document), versions in approved.items():
            page = pages.get((slug, document), f"schools/{slug}.md")
            group = [ApprovedCopy(v, frozen[(slug, document, v.release)], page, pdf=True) for v in versions]
            if not pdf:  # keep a PDF made before only while it is current
                current = set(state.get(history_state(group)[0], "").split())
                group = [replace(c, pdf=c.token in current and (docs / c.names[-1]).is_file()) for c in group]
            groups.append(group)
        titles = {(f.slug, f.document, f.release): f.title for f in frozen.values()}
        return cls(replace(prepared, policies=policies), groups, titles, frozen)

    def write(
        self, writer: TreeWriter, state: dict[str, str], docs: Path, sources: Path
    ) -> tuple[dict[str, str], list[PdfJob]]:
        """Write what changed of the approved copies and the versions list; (their keys, the PDFs to make)."""
        keys: dict[str, str] = {}
        jobs: list[PdfJob] = []
        for group in self.copies:
            entry, tokens = history_state(group)
            keys[entry] = tokens
            made_before = set(state.get(entry, "").split())
            for copy in group:
                current = copy.token in made_before
                missing = [name for name in copy.names if not (current and writer.had(name))]
                for name in copy.names:
                    if name not in missing:
                        writer.keep(name)
                if missing:
                    jobs += self._make(writer, copy, missing, docs, sources)
        for policy in self.prepared.policies:  # the redline of each document changed since its approval
            last = policy.version.last if policy.version else None
            if policy.version is None or policy.version.status != "changed" or last is None:
                continue
            name, key = changes_page(policy.slug, policy.document), since_key(policy, last)
            keys[name] = key
            if state.get(name) == key and writer.had(name):
                writer.keep(name)
            else:
                frozen = self.frozen[(policy.slug, policy.document, last.release)]
                writer.write(name, since_approval_markdown(policy, last, frozen))
        writer.write(VERSIONS_CSV, versions_csv(self.prepared.policies, self.titles))
        return keys, jobs

    def _make(
        self, writer: TreeWriter, copy: ApprovedCopy, names: list[str], docs: Path, sources: Path
    ) -> list[PdfJob]:
        """Write the copy's ``names``; its PDF's Typst source goes to ``sources``, for the job returned."""
        jobs = []
        for name, content in frozen_outputs(self.prepared.project, copy, names):
            if name.endswith(".pdf"):
                source = sources / f"{Path(name).stem}.typ"
                source.write_text(str(content), encoding="utf-8")
                label = f"{copy.frozen.slug}'s approved version {copy.version.release}"
                jobs.append(PdfJob(name, str(docs / name), label, str(source)))
                writer.keep(name)
            else:
                writer.write(name, content)
        return jobs

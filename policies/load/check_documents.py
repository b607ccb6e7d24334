"""Cross-file checks of documents: the library's definitions, and the documents each school publishes."""

from __future__ import annotations

from policies.load.problems import Problems
from policies.load.project import Project


def check_documents(project: Project, problems: Problems) -> None:
    path = project.clauses_dir / "documents.yml"
    sections = {section.id for section in project.outline.sections} if project.outline else set()
    stems: dict[str, str] = {}
    for doc_id, document in project.documents.items():
        for index, section in enumerate(document.sections):
            if section not in sections:
                line = project.documents_lines.line_of((doc_id, "sections", index))
                problems.error(path, line, f"{doc_id}: unknown section '{section}' (not in clauses/outline.yml)")
        if (other := stems.setdefault(document.stem, doc_id)) != doc_id:
            line = project.documents_lines.line_of((doc_id, "stem"))
            problems.error(path, line, f"{doc_id}: stem '{document.stem}' is also {other}'s: downloads would clash")
    if project.outline is None:
        return
    for slug, school in sorted(project.schools.items()):
        school_path, lines = project.school_path(slug), project.school_lines[slug]
        for index, doc_id in enumerate(school.documents):
            line = lines.line_of(("documents", index))
            chosen = project.documents.get(doc_id)
            if chosen is None:
                known = ", ".join(project.documents) or "none: the library has no clauses/documents.yml"
                problems.error(school_path, line, f"documents: unknown document '{doc_id}' (the library's: {known})")
            elif set(chosen.audiences).isdisjoint(school.audiences):
                problems.error(
                    school_path,
                    line,
                    f"documents: '{doc_id}' is for {', '.join(chosen.audiences)}, none of whom this school's "
                    f"audiences ({', '.join(school.audiences)}) name",
                )
        if not school.documents:
            continue
        published = [project.documents[d] for d in school.documents if d in project.documents]
        addressed = {audience for document in published for audience in document.audiences}
        if left := [audience for audience in school.audiences if audience not in addressed]:
            problems.warning(
                school_path,
                lines.line_of(("documents",)),
                f"documents: its audiences name {', '.join(left)}, but no document it publishes is for them: "
                "add one that is, or take them out of its audiences",
            )

"""Publish harmonised school policies: clause library + school files -> site, documents and comparison.

The stages are numbered in the order a build runs them; ``errors``, ``templating/`` and ``runtime/``
serve them all, and ``pipeline``, ``serve`` and ``cli`` sit on top.  Imports never form a cycle.
``tests/test_package_map.py`` keeps this map complete::

    errors               the one exception family: user errors (exit 1) and bugs (exit 3)
    templating/          the one sandboxed Jinja environment (below everything that renders)
      escape             make a school's value inert in Markdown, HTML and Typst
      environment        the environment itself, with its whitelisted filters: the security boundary
    load/                1. read and check the inputs; every problem as path:line
      yamlsource         YAML with the line of every value; no aliases, no duplicates
      yamlmemo           parsed YAML kept between runs: an unchanged file is not parsed again
      problems           problems collected so one run reports all of them
      dates              policy dates at the precision schools use
      models             typed (pydantic) models of the school files, and the shared field types
      library_models     typed models of clause front matter, the outline and the registries
      validate           pydantic errors -> path:line problems, TO FILL markers
      clauses            parse a clause file: front matter, body, variant blocks, compiled templates
      project            load every file into a Project
      selection          which clauses, in which variants, a school's policy contains
      values             the values a clause may read, from a school's model
      files              read one input file into located data, or record why it could not be used
      documents          clauses/documents.yml: the documents a school publishes, and what each holds
      jurisdictions      a school's country (England, Wales): its terms in the library's text
      translations       a clause's text in a second language beside it, checked against its digest
      releases           clauses/releases.yml: each release of the library, its date, notes and clauses
      check_documents    the library's documents, and those each school publishes
      organisations      organisations/*.yml: shared values and choices, inherited by member schools
      organisations_load load organisations/*.yml; each member school with what it inherits
      check_organisations  organisations' choices, and members departing from them without a reason
      changes            where a school's policy departs from its source policy
      status             review status against the build date
      check_changes      cross-file checks of the changes register and confirmations
      approvals          each school's approvals: its documents, recorded releases, days in order
      plaintext          clause text as plain sentences with their lines, for the checks below
      readability        reading level per clause against its audiences' targets (clauses/readability.yml)
      terms              the terminology register (clauses/terms.yml) in clause text and school values
      repetition         the same rule in two clauses of one school's policy
      xrefs              cross-references between clauses, [](#clause-id): checked, then numbered per school
      check              cross-file checks: valid alone but wrong together; the plain-text checks in one call
    resolve/             2. one school's policy, numbered and rendered
      policy             ResolvedPolicy, resolve_policy, resolve_all
      version            a document's content hash, version identifier and approval status
      contacts           the contacts box rows
      details            the one list of a school's details (page, DOCX/PDF cover, dashboard, comparison)
      length             words of policy text per school, against the outline's max_words
      country            a school's country: the references it prints, no term of another's law
      prepare            load + check + resolve in one step: what every reader of a project calls
      cache              each school's resolved documents kept between builds, keyed on what they depend on
    history/             2b. approved versions: each document's version, and its approved copies
      frozen             each approval's document as it stood at its release, resolved once and kept
      versions           each document's status against its approvals; the versions list (CSV)
      publish            an approved copy's page, acknowledgement sheet, DOCX and PDF, made once
      redline            the sentence-level redline between two versions of one document, for governors
      redline_page       the redline as Markdown for the site: escaped, marked for eyes and screen readers
      since              the redline page of a document changed since its last approved version
      stage              the build's history stage: versions known before rendering, copies written
    render/              3. the site's Markdown pages
      pages              page view-models rendered through templates/
      library            the clause library's pages: each clause, its variants and who uses them
      review_calendar    the review calendars: each document's review date as iCalendar
      releases           the "What changed" page and its Atom feed: the library's releases
      organisations      each organisation's page and the organisations index
      reuse              pages and comparison outputs whose inputs did not change: not made again
    documents/           4. the downloads: DOCX and PDF
      docx_package       WordprocessingML blocks and a reproducible zip writer
      docx_styles        the house style, as WordprocessingML
      docx_markdown      clause Markdown -> WordprocessingML
      docx_reference     the house style's parts for every download; the specimen document on demand
      docx_document      one DOCX per school
      typst_markup       clause Markdown -> Typst markup
      pdf_typst          one PDF per school by Typst
      typst_compile      Typst source -> PDF bytes: all a PDF worker imports
      pdf_pool           PDFs compiled in worker processes of their own
    compare/             5. the comparison across schools
      matrix             the comparison matrix model
      columns            each school's column of the comparison, kept between builds by its inputs
      export             the JSON document and its CSV flattening
      page               the comparison page's view-model and Markdown
      outputs            every format, for ``policies matrix`` and the docs tree
    website/             6. the static site, by MkDocs run as a command
      shards             which pages each MkDocs run builds; cache keys and records
      units              each folder page's output cached on its own, keyed by its inputs
      copies             the downloads, copied into the site outside MkDocs when they change
      runner             ``mkdocs build`` processes side by side, logs cut to the problems
      assemble           the shards joined into one site; unchanged files kept
      publish            ``build_site``: plan -> run -> assemble -> swap site/ in
      mkdocs_serve       ``mkdocs serve`` with a quicker watcher
    runtime/             how a run works (not a stage)
      clock              the build's epoch and date, computed once; the cores available
      write              the Markdown tree, touching only changed files
      incremental        content hashes so a rebuild redoes only what changed
      pickled            a cache file of pickled entries behind a header of what made them
      background         one stream of work on another core
      isolate            the memory-hungry half of a build in a child that ends before the rest
      progress           what a long build is doing, on standard error
      runlock            one writer per project; folders swapped in one step
      gitrepo            the project's git repository: tags and commits, asked one way
      libc               the C library, loaded in one place (renameat2, malloc_trim, prctl)
    maintain/            maintainers' tools
      diff               what each school's policy would say differently
      diff_report        the change-impact report (Markdown, HTML redlines)
      scaffold           ``policies new-school``
      release            `policies release`: record a release (its entry, a commit and a tag)
      approve            `policies approve`: record a governing body's approval in a school's file
      pack               ``policies pack``: a governors' meeting pack, each document at the latest release
      pack_docx          the meeting pack as DOCX, in the house style
      pack_pdf           the meeting pack as PDF, by Typst
      schema             JSON Schemas from the models
    pipeline             ``build()``: the stages above, top to bottom
    serve                live preview
    commands             the maintainers' commands behind the CLI: new-school, diff, schema, release, approve, pack
    cli                  the ``policies`` command: messages and exit codes
"""

__version__ = "0.1.0"

# The public API, imported on first use: ``import policies`` stays cheap for the processes that need
# one module (the PDF workers, ``python -m policies.website.mkdocs_serve``).
_EXPORTS = {
    "prepare": "policies.resolve.prepare",
    "Prepared": "policies.resolve.prepare",
    "build": "policies.pipeline",
    "BuildResult": "policies.pipeline",
    "build_matrix": "policies.compare.matrix",
    "Project": "policies.load.project",
    "ResolvedPolicy": "policies.resolve.policy",
    "BuildClock": "policies.runtime.clock",
    "PoliciesError": "policies.errors",
    "UserError": "policies.errors",
    "InputError": "policies.errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'policies' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)

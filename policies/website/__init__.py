"""The static site, by MkDocs run as a command: atomically, on every core, and only what changed.

MkDocs is run as a separate process on the generated Markdown, exactly as a
maintainer would run ``mkdocs build --strict``: the coupling to MkDocs stays a
command line, so moving to a successor engine changes this folder only.
The site is assembled in a sibling folder and swapped into place only when
every MkDocs run succeeded, so a failed or interrupted build leaves the
previous site.

MkDocs builds one page after another on one core and always builds every
page, so at a thousand schools it is nearly all of the build time, and a
change to one school would rebuild them all.  A large site is therefore built
in *shards*, each an ordinary ``mkdocs build`` of the same configuration
(``INHERIT: mkdocs.yml``, given on standard input, so nothing is written into
the project) with ``exclude_docs`` leaving out the pages of the other shards:

- the primary shard builds the pages at the top of the tree (the dashboard,
  references, the adoption guide) and copies every file that is not a page
  (downloads, comparison data, theme assets);
- each folder of pages is a shard of its own (the comparison, the clause
  library), and the school pages are split into consecutive runs of about
  ``SHARD_PAGES``.

Shards run side by side (``jobs`` at a time, longest first), and each one's
output is kept in the cache (``.policies-cache/site/``) with the key of its
inputs, so a rebuild reruns only the shards whose pages changed: editing one
school's contact reruns the primary (the dashboard lists every school and
links its DOCX), the comparison and the one shard holding the school's page.
The site is then assembled from the shards' folders with hard links (no
copying), the search indexes and sitemaps joined in shard order, which is
MkDocs' page order: the result is byte-identical to a single ``mkdocs build``
(tests/test_site_shards.py holds it to that).  MkDocs still knows every
excluded page, so links to them are rewritten and a link to a missing file
still fails the strict build; only anchors across shards go unchecked, which
the unsharded builds of the test suite cover.

Files whose bytes did not change keep the previous build's file (same inode,
same modification time), so a deployment by ``rsync`` or a look at
modification times shows what really changed.

The jobs, one module each: ``shards`` plans the shards and keys their cache, ``runner`` runs
``mkdocs build`` processes side by side, ``assemble`` joins the shards into one site and keeps
unchanged files, ``publish`` (``build_site``) does plan -> run -> assemble -> swap.
"""

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
  (theme assets) but the downloads and the comparison's data, which
  ``copies.py`` copies itself, only when they change; its output is cached whole;
- every page in a folder (a school, a clause, the comparison) is cached on its
  own (``units.py``), under the key of what its HTML depends on: its Markdown,
  the configuration and theme, the build date and whether the files it links
  to exist.  The pages whose key changed are built in runs of up to
  ``SHARD_PAGES`` pages, at least one a core, balanced by their size.

Runs go side by side (``jobs`` at a time, longest first), so a rebuild runs
MkDocs only on what changed: editing one school's contact reruns that
school's page, the comparison pages that show it, and the primary only where
a top page shows the school (a site of up to 100 schools lists every school
on its dashboard); adding a school adds its page and the pages that list the
schools, wherever it sorts.  The site is then assembled from the primary and
the pages with hard links (no copying), the search index and sitemap joined in
MkDocs' page order: the result is byte-identical to a single ``mkdocs build``
(tests/test_site_shards.py holds it to that).  MkDocs still knows every
excluded page, so links to them are rewritten and a link to a missing file
still fails the strict build; only anchors across runs go unchecked, which
the unsharded builds of the test suite cover.

Files whose bytes did not change keep the previous build's file (same inode,
same modification time), so a deployment by ``rsync`` or a look at
modification times shows what really changed.  The site a swap retires is
kept (``.site-new``, its files other names of the cache's), and the next
build brings it to the new site file by file instead of making 3,400 folders
and 12,000 links and deleting as many: at 2,000 schools the site stage of a
one-school rebuild fell from 2.6-2.9 s to 1.7-1.9 s.

The jobs, one module each: ``shards`` plans the runs and keys the primary,
``units`` keeps each folder page's output, ``copies`` the downloads, ``runner``
runs ``mkdocs build`` processes side by side, ``assemble`` joins the primary,
the pages and the downloads into one site and keeps unchanged files,
``publish`` (``build_site``) does plan -> run -> assemble -> swap.
"""

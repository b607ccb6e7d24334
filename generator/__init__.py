"""Generate harmonised school policies: clause library + school files -> site and documents.

Pipeline modules, in order: yamlsource/load (read), validation/check (validate),
select/resolve (choose and number clauses), environment/escape/pages (render),
write/site (write the Markdown tree, build the site), build (the whole run),
cli (the ``policies`` command).
"""

__version__ = "0.1.0"

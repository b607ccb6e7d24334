"""Stage 3: the site's Markdown pages, rendered through policies/templates."""

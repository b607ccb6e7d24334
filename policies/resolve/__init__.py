"""Stage 2: each school's policy resolved (sections, clauses, variants, numbers, text), and prepare() for all of it."""

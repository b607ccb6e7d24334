"""Stage 5: the comparison across schools: the matrix, its JSON and CSV, and its page."""

"""A document's history: what changed between the versions of it a governing body approved."""

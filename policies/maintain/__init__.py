"""Maintainers' tools: policies diff, new-school and schema."""

"""The one sandboxed Jinja environment and the escaping of values: the security boundary, below every stage."""

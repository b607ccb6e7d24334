"""``mkdocs serve`` with a quicker file watcher, for ``policies serve``.

MkDocs' development server notices changed files by polling them every
0.5 s: half of the one second a clause edit may take to reach the browser
(measured: 0.5 s or 1.0 s, by where the edit falls in the watcher's cycle).
This runs the very same command, ``python -m policies.website.mkdocs_serve serve
...`` taking ``mkdocs``' own arguments, with the watcher polling every 0.1 s.

It reaches into MkDocs 1.x (pinned, and no longer maintained, so it will not
move under us): if the hook is not where it was, the command runs unchanged,
at MkDocs' own pace, and tests/test_serve.py says so.
"""

from __future__ import annotations

POLL_SECONDS = 0.1


def quicker_watcher() -> bool:
    """Make ``mkdocs serve`` poll every ``POLL_SECONDS``; False when MkDocs is not as expected."""
    try:
        from mkdocs.commands import serve
        from mkdocs.livereload import LiveReloadServer
    except ImportError:
        return False
    if getattr(serve, "LiveReloadServer", None) is not LiveReloadServer:
        return False

    class QuickServer(LiveReloadServer):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("polling_interval", POLL_SECONDS)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    serve.LiveReloadServer = QuickServer  # type: ignore[misc]
    return True


def main() -> None:
    quicker_watcher()
    from mkdocs.__main__ import cli

    cli(prog_name="mkdocs")


if __name__ == "__main__":
    main()

"""The pull-request workflow cannot run here: check its shape and that every command it calls exists."""

from __future__ import annotations

import re
import shlex

import yaml

from policies.cli import parser

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"


def steps() -> list[dict]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert data.get("on", data.get(True))  # PyYAML reads the key `on` as True
    (job,) = data["jobs"].values()
    return job["steps"]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


def policies_commands() -> set[str]:
    sub = next(a for a in parser()._actions if a.dest == "command")
    return set(sub.choices)


def test_workflow_runs_check_tests_build_and_impact_report() -> None:
    runs = "\n".join(step.get("run", "") for step in steps())
    for needed in ("make check", "make test", "make site", "policies diff"):
        assert needed in runs


def test_every_command_the_workflow_calls_exists() -> None:
    targets, commands = make_targets(), policies_commands()
    for step in steps():
        for line in step.get("run", "").splitlines():
            for part in line.split("||"):
                words = shlex.split(part.replace("${{", "").replace("}}", ""))
                if not words:
                    continue
                if words[0] == "make":
                    assert set(words[1:]) <= targets, line
                elif words[0].endswith("policies"):
                    assert words[1] in commands, line
                    args = words[1 : words.index(">")] if ">" in words else words[1:]
                    parser().parse_args(args)  # raises SystemExit on an unknown option


def test_actions_are_pinned_to_a_major_version() -> None:
    for step in steps():
        if "uses" in step:
            assert re.match(r"^[\w-]+/[\w-]+@v\d+$", step["uses"]), step["uses"]

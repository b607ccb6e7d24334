"""The pull-request workflow cannot run here: check its shape and that every command it calls exists.

Also the Makefile's test targets: `make test` (what CI and .ci/run call) runs the linters and every test,
`make test-quick` leaves out only markers that pyproject.toml declares.
"""

from __future__ import annotations

import re
import shlex
import tomllib

import yaml

from policies.cli import parser

from .helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def triggers() -> dict:
    data = workflow()
    return data.get("on", data.get(True))  # PyYAML reads the key `on` as True


def steps() -> list[dict]:
    assert triggers()
    (job,) = workflow()["jobs"].values()
    return job["steps"]


def make_recipe(target: str) -> tuple[list[str], list[str]]:
    """A Makefile target's prerequisites and command lines."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:([^\n]*)\n((?:\t[^\n]*\n)*)", text, re.M)
    assert match, target
    return match.group(1).split(), [line.strip() for line in match.group(2).splitlines()]


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


def policies_commands() -> set[str]:
    sub = next(a for a in parser()._actions if a.dest == "command")
    return set(sub.choices)


def test_workflow_runs_lint_check_tests_build_and_impact_report() -> None:
    runs = [step.get("run", "") for step in steps()]
    for needed in ("make lint", "make check", "make test", "make site", "policies diff"):
        assert any(needed in run.split("\n")[0] for run in runs), needed
    assert runs.index("make lint") < runs.index("make test") < runs.index("make site")


def test_workflow_runs_for_every_change_and_on_main() -> None:
    """No path filter: a change to the lock file, pyproject.toml, the Makefile, scripts/ or the workflow
    itself can change a result as much as a clause can."""
    on = triggers()
    assert "pull_request" in on and not (on["pull_request"] or {}).keys() & {"paths", "paths-ignore"}
    assert on["push"]["branches"] == ["main"] and not on["push"].keys() & {"paths", "paths-ignore"}
    for step in steps():  # the report compares with a base branch, which a push has not
        if "policies" in step.get("run", "") or "gh pr" in step.get("run", ""):
            assert step["if"] == "github.event_name == 'pull_request'", step["name"]


def test_make_test_lints_and_runs_every_test_and_quick_skips_only_declared_markers() -> None:
    prerequisites, commands = make_recipe("test")
    assert "lint" in prerequisites and "system-deps" in prerequisites
    assert commands == ["$(PY) -m pytest"]  # no -m, -k or path: everything
    _, quick = make_recipe("test-quick")
    (command,) = quick
    words = shlex.split(command)
    assert words[:3] == ["$(PY)", "-m", "pytest"]
    expression = words[words.index("-m", 3) + 1]
    assert expression == "not browser and not libreoffice and not slow"
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]
    declared = {line.split(":")[0] for line in pytest_options["ini_options"]["markers"]}
    assert set(expression.replace("not ", "").split(" and ")) == declared == {"browser", "libreoffice", "slow"}
    assert "--strict-markers" in pytest_options["ini_options"]["addopts"]


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

"""Runs the Azure Pipelines templates the way the agent would, as far as that can be done
without Azure DevOps: expands credgate.yml's template expressions for given parameters (the
subset the template uses: parameters.X, join(), if, each), expands $(macros) from pipeline
variables (undefined ones stay as text, as on the agent), runs each bash step with bash and
the step's env, applies ##vso[task.prependpath], and checks the files the publishing tasks
would upload. credgate is the real binary (CREDGATE_BIN) behind a shim that records its
arguments and which credential variables it received (never their values).

Also checks that the sample azure-pipelines.yml passes credgate.yml only declared
parameters of the declared types and values, as Azure does when it compiles the pipeline.

Run: CREDGATE_BIN=target/debug/credgate python3 -m unittest discover -s templates/azure-pipelines/tests
with a python3 that has ruamel.yaml (.ci/azure.sh uses target/ci-tools/python, see .ci/python-tools.sh).
"""

from __future__ import annotations

import http.server
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent
REPO = TEMPLATES.parent.parent
BIN = Path(os.environ.get("CREDGATE_BIN", REPO / "target" / "debug" / "credgate")).resolve()

DIRECTIVE = re.compile(r"^\$\{\{\s*(if|each)\s+(.+?)\s*\}\}$")
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
MACRO = re.compile(r"\$\(([A-Za-z0-9_.]+)\)")


def load(path: Path):
    return YAML(typ="safe").load(path.read_text())


# --- template expressions -------------------------------------------------------------------


class Unsupported(Exception):
    """An expression this emulation does not know: the test must fail, not guess."""


def arguments(text: str) -> list[str]:
    """Splits a function's arguments at top-level commas."""
    parts, depth, quoted, current = [], 0, False, ""
    for ch in text:
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            parts.append(current)
            current = ""
            continue
        current += ch
    return [*parts, current]


def evaluate(expr: str, scope: dict):
    expr = expr.strip()
    literal = re.fullmatch(r"'([^']*)'", expr)
    if literal:
        return literal.group(1)
    call = re.fullmatch(r"(and|or|eq|ne|not)\((.*)\)", expr)
    if call:
        args = [evaluate(a, scope) for a in arguments(call.group(2))]
        name = call.group(1)
        if name in ("eq", "ne"):
            # Azure compares strings case-insensitively.
            same = str(args[0]).lower() == str(args[1]).lower()
            return same if name == "eq" else not same
        if name == "not":
            return not args[0]
        return all(args) if name == "and" else any(args)
    join = re.fullmatch(r"join\('([^']*)',\s*(.+)\)", expr)
    if join:
        items = evaluate(join.group(2), scope)
        if not isinstance(items, list):
            raise Unsupported(f"join over {items!r}")
        return join.group(1).join(to_string(i) for i in items)
    if re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", expr):
        value = scope
        for part in expr.split("."):
            if not isinstance(value, dict) or part not in value:
                raise Unsupported(f"unknown name {expr}")
            value = value[part]
        return value
    raise Unsupported(expr)


def to_string(value) -> str:
    """How Azure renders a value inside a string: booleans as True/False."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise Unsupported(f"cannot render {value!r} in a string")


def interpolate(text: str, scope: dict):
    whole = EXPRESSION.fullmatch(text)
    if whole:
        return evaluate(whole.group(1), scope)
    return EXPRESSION.sub(lambda m: to_string(evaluate(m.group(1), scope)), text)


def iterations(directive: str, argument: str, scope: dict):
    """The scopes a directive's body is expanded in: none, one, or one per item."""
    if directive == "if":
        return [scope] if evaluate(argument, scope) else []
    name, _, source = argument.partition(" in ")
    items = evaluate(source, scope)
    if isinstance(items, dict):
        items = [{"key": k, "value": v} for k, v in items.items()]
    return [{**scope, name.strip(): item} for item in items]


def expand(node, scope: dict):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            directive = DIRECTIVE.match(str(key))
            if directive:
                for inner in iterations(directive.group(1), directive.group(2), scope):
                    out.update(expand(value, inner))
            else:
                out[interpolate(str(key), scope)] = expand(value, scope)
        return out
    if isinstance(node, list):
        out = []
        for item in node:
            directive = (
                DIRECTIVE.match(str(next(iter(item)))) if isinstance(item, dict) and len(item) == 1 else None
            )
            if directive:
                for inner in iterations(directive.group(1), directive.group(2), scope):
                    body = expand(item[next(iter(item))], inner)
                    out.extend(body if isinstance(body, list) else [body])
            else:
                out.append(expand(item, scope))
        return out
    if isinstance(node, str):
        return interpolate(node, scope)
    return node


def bind_parameters(declared: list, given: dict) -> dict:
    """Azure's checks when a template is used: known names, declared types, allowed values."""
    names = {p["name"]: p for p in declared}
    unknown = set(given) - set(names)
    if unknown:
        raise ValueError(f"unexpected parameters {sorted(unknown)}")
    bound = {}
    for name, spec in names.items():
        value = given.get(name, spec.get("default"))
        kind = spec.get("type", "string")
        ok = {
            "string": lambda v: isinstance(v, str),
            "boolean": lambda v: isinstance(v, bool),
            "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "object": lambda v: isinstance(v, (list, dict)),
        }[kind](value)
        if not ok:
            raise ValueError(f"parameter {name}: {value!r} is not a {kind}")
        if "values" in spec and value not in spec["values"]:
            raise ValueError(f"parameter {name}: {value!r} is not one of {spec['values']}")
        bound[name] = value
    return bound


def macros(text: str, variables: dict) -> str:
    return MACRO.sub(lambda m: variables.get(m.group(1), m.group(0)), text)


# --- a tiny agent ---------------------------------------------------------------------------


class Run:
    """The outcome of running the template's steps: per-step results and logging commands."""

    def __init__(self):
        self.steps: list[dict] = []
        self.stdout = ""
        self.stderr = ""

    def commands(self, name: str) -> list[str]:
        return [
            line
            for line in self.stdout.splitlines()
            if line.startswith(f"##vso[{name} ") or line.startswith(f"##vso[{name}]")
        ]

    def step(self, prefix: str) -> dict:
        matches = [s for s in self.steps if s["name"].startswith(prefix)]
        assert len(matches) == 1, f"{prefix}: {[s['name'] for s in self.steps]}"
        return matches[0]


class Agent:
    """Runs expanded steps on this machine with the variables a job would have."""

    def __init__(self, work: Path, path_dirs: list[Path]):
        self.work = work
        self.sources = work / "s"
        self.temp = work / "_temp"
        self.staging = work / "a"
        for d in (self.sources, self.temp, self.staging):
            d.mkdir(parents=True, exist_ok=True)
        self.variables = {
            "Build.SourcesDirectory": str(self.sources),
            "System.DefaultWorkingDirectory": str(self.sources),
            "Agent.TempDirectory": str(self.temp),
            "Build.ArtifactStagingDirectory": str(self.staging),
            "System.JobId": "12f1170f-54f2-53f3-20dd-22fc7dff55f9",
            "Pipeline.Workspace": str(work),
            "Agent.OS": "Linux",
            "Agent.OSArchitecture": "X64",
        }
        # Secret variables (the job token is one) reach a step only through its env: mapping.
        self.secret_variables = {"System.AccessToken": "job-access-token"}
        self.path = [str(d) for d in path_dirs] + ["/usr/local/bin", "/usr/bin", "/bin"]
        self.extra_env: dict[str, str] = {}

    def macros(self, value) -> str:
        """$(macros) in a step's env:, inputs or working directory: secret variables too."""
        return macros(to_string(value), {**self.variables, **self.secret_variables})

    def environment(self, step_env: dict) -> dict:
        env = {"HOME": str(self.work / "home"), "LANG": "C.UTF-8", "NO_COLOR": "1"}
        env.update(self.extra_env)
        # Non-secret variables become environment variables; secret ones only through env:.
        for name, value in self.variables.items():
            env[name.replace(".", "_").upper()] = value
        for name, value in step_env.items():
            env[name] = self.macros(value)
        env["PATH"] = os.pathsep.join(self.path)
        return env

    def run(self, steps: list) -> Run:
        run = Run()
        for step in steps:
            if "bash" in step:
                script = self.temp / "step.sh"
                script.write_text(step["bash"])
                cwd = self.macros(step.get("workingDirectory", "$(System.DefaultWorkingDirectory)"))
                proc = subprocess.run(
                    ["bash", "--noprofile", "--norc", str(script)],
                    cwd=cwd,
                    env=self.environment(step.get("env", {})),
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                run.stdout += proc.stdout
                run.stderr += proc.stderr
                completes = [
                    m.group(1)
                    for m in re.finditer(r"^##vso\[task\.complete result=(\w+);", proc.stdout, re.M)
                ]
                result = "Failed" if proc.returncode != 0 else (completes[-1] if completes else "Succeeded")
                for line in proc.stdout.splitlines():
                    added = re.match(r"^##vso\[task\.prependpath\](.+)$", line)
                    if added:
                        self.path.insert(0, added.group(1))
                run.steps.append(
                    {"name": step.get("displayName", "bash"), "result": result, "code": proc.returncode}
                )
            else:
                inputs = {k: self.macros(v) for k, v in step.get("inputs", {}).items()}
                run.steps.append({"name": step["task"], "result": "Skipped", "inputs": inputs})
        return run


# --- fixtures -------------------------------------------------------------------------------

SHIM = """#!/usr/bin/env bash
{ printf 'argv:'; printf ' %s' "$@"; printf '\\n'
  printf 'env: secret=%s token=%s\\n' "${AZURE_CLIENT_SECRET+set}" "${SYSTEM_ACCESSTOKEN+set}"
} >> "$CREDGATE_SHIM_LOG"
exec "$CREDGATE_REAL" "$@"
"""

FAKE_CARGO = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$CARGO_LOG"
"""


def entra_secret() -> str:
    """A random Entra client secret in the previous 37-character 7Q~ format (an error)."""
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    pick = lambda n: "".join(secrets.choice(chars) for _ in range(n))  # noqa: E731
    return f"{pick(3)}7Q~{pick(31)}"


def assert_no_leak(test: unittest.TestCase, text: str, secret: str, where: str):
    for i in range(len(secret) - 11):
        test.assertNotIn(secret[i : i + 12], text, f"{where} leaks the planted secret")


class StandIn(http.server.BaseHTTPRequestHandler):
    """Entra's answer to a wrong client secret: 401 invalid_client, AADSTS7000215."""

    requests: list[str] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        StandIn.requests.append(f"POST {self.path}")
        self.rfile.read(int(self.headers.get("content-length", "0")))
        body = json.dumps(
            {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided. Trace ID: "
                "0b6e7a5c-1d2e-4f00-9a8b-7c6d5e4f3a00 Correlation ID: "
                "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f Timestamp: 2025-05-01 12:00:00Z",
                "error_codes": [7000215],
                "trace_id": "0b6e7a5c-1d2e-4f00-9a8b-7c6d5e4f3a00",
                "correlation_id": "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
            }
        ).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output clean
        pass


class TemplateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not BIN.exists():
            raise AssertionError(
                f"no credgate binary at {BIN}: run `cargo build --locked` or set CREDGATE_BIN"
            )
        cls.template = load(TEMPLATES / "credgate.yml")

    def setUp(self):
        self.work = Path(tempfile.mkdtemp(prefix="credgate-template-"))
        self.addCleanup(shutil.rmtree, self.work, ignore_errors=True)
        tools = self.work / "tools"
        tools.mkdir()
        for name, text in (("credgate", SHIM), ("cargo", FAKE_CARGO)):
            (tools / name).write_text(text)
            (tools / name).chmod(0o755)
        self.shim_log = self.work / "credgate.log"
        self.cargo_log = self.work / "cargo.log"
        self.agent = Agent(self.work / "agent", [tools])
        self.agent.extra_env = {
            "CREDGATE_SHIM_LOG": str(self.shim_log),
            "CREDGATE_REAL": str(BIN),
            "CARGO_LOG": str(self.cargo_log),
        }

    def steps(self, **given) -> list:
        scope = {"parameters": bind_parameters(self.template["parameters"], given)}
        return expand(self.template["steps"], scope)

    def plant(self, files: dict):
        for name, text in files.items():
            path = self.agent.sources / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    def credgate_calls(self) -> list[str]:
        return [l[len("argv: ") :] for l in self.shim_log.read_text().splitlines() if l.startswith("argv:")]

    def credgate_env(self) -> list[str]:
        return [l for l in self.shim_log.read_text().splitlines() if l.startswith("env:")]

    def test_scan_with_a_planted_secret_fails_with_an_issue_and_publishes_every_report(self):
        secret = entra_secret()
        self.plant({"src/settings.py": f'CLIENT_SECRET = "{secret}"\n', "src/app.py": "print(1)\n"})
        run = self.agent.run(self.steps(command="scan", publishSarif=True))

        self.assertEqual(run.step("Install credgate")["result"], "Succeeded", run.stderr)
        self.assertIn("credgate 0.1.0 is already installed", run.stdout)
        self.assertFalse(self.cargo_log.exists(), "installed although the version matched")
        gate = run.step("credgate scan")
        self.assertEqual((gate["result"], gate["code"]), ("Failed", 1), run.stdout + run.stderr)
        issues = run.commands("task.logissue")
        self.assertEqual(len(issues), 1, run.stdout)
        self.assertRegex(
            issues[0],
            r"^##vso\[task\.logissue type=error;sourcepath=src/settings\.py;linenumber=1;columnnumber=\d+;code=azure-client-secret\]",
        )
        reports = self.agent.temp / "credgate"
        sarif = (
            self.agent.staging / "CodeAnalysisLogs" / f"credgate-{self.agent.variables['System.JobId']}.sarif"
        )
        # One run writes every report (into folders it creates).
        self.assertEqual(
            self.credgate_calls(),
            [
                "--version",
                "scan . --fail-on error --timeout 10 --format azure-devops"
                f" --report markdown={reports}/credgate.md"
                f" --report junit={reports}/credgate-junit.xml"
                f" --report sarif={sarif}",
            ],
        )
        self.assertEqual(
            run.commands("task.uploadsummary"), [f"##vso[task.uploadsummary]{reports}/credgate.md"]
        )
        self.assertIn("azure-client-secret", (reports / "credgate.md").read_text())

        junit = run.step("PublishTestResults@2")["inputs"]
        self.assertEqual(junit["testResultsFormat"], "JUnit")
        tree = ET.parse(junit["testResultsFiles"])
        self.assertIn("azure-client-secret", ET.tostring(tree.getroot(), encoding="unicode"))
        artifact = run.step("PublishBuildArtifacts@1")["inputs"]
        self.assertEqual(artifact["ArtifactName"], "CodeAnalysisLogs")
        self.assertEqual(Path(artifact["PathtoPublish"]), sarif.parent)
        log = json.loads(sarif.read_text())
        self.assertEqual([r["ruleId"] for r in log["runs"][0]["results"]], ["azure-client-secret"])

        for where, text in (("stdout", run.stdout), ("stderr", run.stderr)):
            assert_no_leak(self, text, secret, where)
        for file in [*reports.iterdir(), sarif]:
            assert_no_leak(self, file.read_text(), secret, str(file))

    def test_fail_on_never_succeeds_with_issues(self):
        self.plant({"config/app.ini": f"client_secret = {entra_secret()}\n"})
        run = self.agent.run(
            self.steps(command="scan", failOn="never", publishJunit=False, readPipelineVariables=False)
        )
        gate = run.step("credgate scan")
        self.assertEqual((gate["result"], gate["code"]), ("SucceededWithIssues", 0), run.stdout)
        # scan is offline anyway: --no-remote belongs to check only.
        reports = self.agent.temp / "credgate"
        self.assertEqual(
            self.credgate_calls()[1],
            f"scan . --fail-on never --timeout 10 --format azure-devops --report markdown={reports}/credgate.md",
        )
        self.assertEqual(len(self.credgate_calls()), 2, "one credgate run besides --version")
        self.assertEqual(
            run.commands("task.uploadsummary"), [f"##vso[task.uploadsummary]{reports}/credgate.md"]
        )
        self.assertEqual(len(run.commands("task.logissue")), 1)
        self.assertEqual(
            [s["name"] for s in run.steps if "@" in s["name"]], ["Cache@2"], "publishing steps left in"
        )

    def test_check_passes_every_parameter_and_drops_an_undefined_secret_mapping(self):
        self.plant({"src/app.py": "print(1)\n"})
        steps = self.steps(
            command="check",
            environments=["staging", "production"],
            configFile="ci/credgate.toml",
            baseline=".credgate-baseline.json",
            failOn="warning",
            authorityHost="http://127.0.0.1:9",
            allowUnreachable=True,
            allowMissingCredentials=True,
            timeout=3,
            env={"AZURE_CLIENT_SECRET": "$(AZURE_CLIENT_SECRET)"},
            publishSummary=False,
            publishJunit=False,
        )
        self.plant({"ci/credgate.toml": "", ".credgate-baseline.json": '{"version": 1, "findings": []}'})
        run = self.agent.run(steps)
        self.assertIn(
            "##vso[task.logissue type=warning]AZURE_CLIENT_SECRET is mapped to $(AZURE_CLIENT_SECRET), which is not defined: ignored",
            run.stdout.splitlines(),
        )
        calls = self.credgate_calls()
        self.assertEqual(
            calls[1],
            "check . --env staging --env production --config ci/credgate.toml "
            "--baseline .credgate-baseline.json --fail-on warning --timeout 3 "
            "--authority-host http://127.0.0.1:9 --allow-unreachable --allow-missing-credentials "
            "--format azure-devops",
            run.stdout + run.stderr,
        )
        # The secret is gone; the job token for variable groups is there.
        self.assertEqual(self.credgate_env()[1], "env: secret= token=set")

    def test_a_usage_error_publishes_no_stale_summary(self):
        self.plant({"src/app.py": "print(1)\n"})
        reports = self.agent.temp / "credgate"
        reports.mkdir()
        (reports / "credgate.md").write_text("from an earlier run\n")
        (reports / "credgate-junit.xml").write_text("<testsuites/>\n")
        run = self.agent.run(self.steps(command="scan", configFile="missing.toml"))
        gate = run.step("credgate scan")
        self.assertEqual((gate["result"], gate["code"]), ("Failed", 2), run.stdout + run.stderr)
        self.assertEqual(run.commands("task.uploadsummary"), [])
        self.assertFalse((reports / "credgate.md").exists())
        self.assertFalse((reports / "credgate-junit.xml").exists())

    def test_only_check_gets_the_job_token(self):
        self.plant({"src/app.py": "print(1)\n"})
        self.agent.run(self.steps(command="scan", publishSummary=False, publishJunit=False))
        self.assertEqual(self.credgate_env()[1], "env: secret= token=")

    def test_read_pipeline_variables_off_means_no_token_and_no_remote(self):
        self.plant({"src/app.py": "print(1)\n"})
        self.agent.run(
            self.steps(command="check", readPipelineVariables=False, publishSummary=False, publishJunit=False)
        )
        self.assertEqual(
            self.credgate_calls()[1], "check . --fail-on error --timeout 10 --no-remote --format azure-devops"
        )
        self.assertEqual(self.credgate_env()[1], "env: secret= token=")

    def test_check_sends_the_mapped_secret_and_fails_when_entra_rejects_it(self):
        StandIn.requests = []
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
        secret = entra_secret()
        self.agent.variables.update(
            {"AZURE_TENANT_ID": tenant, "AZURE_CLIENT_ID": "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"}
        )
        self.agent.secret_variables["AZURE_CLIENT_SECRET"] = secret
        self.plant({"src/app.py": "print(1)\n"})
        run = self.agent.run(
            self.steps(
                command="check",
                environments=["production"],
                authorityHost=f"http://127.0.0.1:{server.server_address[1]}",
                readPipelineVariables=False,
                env={"AZURE_CLIENT_SECRET": "$(AZURE_CLIENT_SECRET)"},
            )
        )
        self.assertEqual(StandIn.requests, [f"POST /{tenant}/oauth2/v2.0/token"])
        gate = run.step("credgate check")
        self.assertEqual((gate["result"], gate["code"]), ("Failed", 1), run.stdout + run.stderr)
        issues = run.commands("task.logissue")
        self.assertEqual(len(issues), 1, run.stdout)
        self.assertRegex(issues[0], r"type=error;code=dry-run-failed\].*invalid_secret")
        # The published reports come from the gating run: they hold its dry-run result.
        self.assertEqual(len(self.credgate_calls()), 2, self.credgate_calls())
        reports = self.agent.temp / "credgate"
        summary = (reports / "credgate.md").read_text()
        self.assertIn("AADSTS7000215", summary)
        self.assertEqual(
            run.commands("task.uploadsummary"), [f"##vso[task.uploadsummary]{reports}/credgate.md"]
        )
        tree = ET.parse(run.step("PublishTestResults@2")["inputs"]["testResultsFiles"])
        failures = [f.get("type") for f in tree.getroot().iter("failure")]
        self.assertEqual(failures, ["dry-run-failed"], ET.tostring(tree.getroot(), encoding="unicode"))
        for where, text in (("stdout", run.stdout), ("stderr", run.stderr)):
            assert_no_leak(self, text, secret, where)
        for file in reports.iterdir():
            assert_no_leak(self, file.read_text(), secret, str(file))

    def test_another_version_is_installed_with_cargo_from_the_repository_tag(self):
        steps = self.steps(command="scan", version="v0.2.0")
        cache = steps[0]
        self.assertEqual(cache["task"], "Cache@2")
        self.assertEqual(
            cache["inputs"]["key"], 'credgate | "v0.2.0" | "$(Agent.OS)" | "$(Agent.OSArchitecture)"'
        )
        root = self.work / "agent" / ".credgate"
        self.assertEqual(macros(cache["inputs"]["path"], self.agent.variables), str(root))
        run = self.agent.run(steps[1:2])
        self.assertEqual(run.steps[0]["result"], "Succeeded", run.stderr)
        self.assertEqual(
            self.cargo_log.read_text().splitlines(),
            [
                f"install --locked --force --root {root} --git https://github.com/credgate/credgate --tag v0.2.0 credgate"
            ],
        )
        self.assertEqual(run.commands("task.prependpath"), [f"##vso[task.prependpath]{root}/bin"])

    def test_a_cached_binary_of_the_right_version_is_used_without_building(self):
        root = self.work / "agent" / ".credgate" / "bin"
        root.mkdir(parents=True)
        (root / "credgate").write_text('#!/usr/bin/env bash\necho "credgate 0.3.0"\n')
        (root / "credgate").chmod(0o755)
        run = self.agent.run(self.steps(command="scan", version="v0.3.0", cache=False)[:1])
        self.assertEqual(run.steps[0]["result"], "Succeeded", run.stderr)
        self.assertIn("credgate 0.3.0 is already installed", run.stdout)
        self.assertFalse(self.cargo_log.exists(), "rebuilt although the cached binary had the version")
        self.assertEqual(run.commands("task.prependpath"), [f"##vso[task.prependpath]{root}"])

    def test_unknown_or_mistyped_parameters_are_rejected_like_azure_does(self):
        with self.assertRaises(ValueError):
            self.steps(comand="scan")
        with self.assertRaises(ValueError):
            self.steps(command="explain")
        with self.assertRaises(ValueError):
            self.steps(publishSarif="yes")


class SamplePipelineTest(unittest.TestCase):
    """azure-pipelines.yml, compiled: stages, deployment jobs, and its uses of credgate.yml."""

    def test_one_deployment_stage_per_environment_each_gated_by_check(self):
        pipeline = load(TEMPLATES / "azure-pipelines.yml")
        declared = load(TEMPLATES / "credgate.yml")["parameters"]
        params = bind_parameters(pipeline["parameters"], {})
        stages = expand(pipeline["stages"], {"parameters": params})
        self.assertEqual(
            [s["stage"] for s in stages],
            ["scan", "deploy_development", "deploy_staging", "deploy_production"],
        )

        scan_steps = stages[0]["jobs"][0]["steps"]
        # The whole history, so a pull request's commits are scanned too.
        self.assertEqual(scan_steps[0], {"checkout": "self", "fetchDepth": 0})
        scan = bind_parameters(declared, scan_steps[1]["parameters"])
        self.assertEqual((scan["command"], scan["publishSarif"]), ("scan", True))

        for stage, name in zip(stages[1:], ["development", "staging", "production"]):
            self.assertIn("ne(variables['Build.Reason'], 'PullRequest')", stage["condition"])
            (job,) = stage["jobs"]
            self.assertEqual((job["deployment"], job["environment"]), ("deploy", name))
            self.assertEqual(job["variables"], [{"group": f"entra-{name}"}])
            steps = job["strategy"]["runOnce"]["deploy"]["steps"]
            self.assertEqual(steps[0], {"checkout": "self"}, "deployment jobs do not check out by themselves")
            self.assertEqual(steps[1]["template"], "credgate.yml")
            used = bind_parameters(declared, steps[1]["parameters"])
            self.assertEqual(used["command"], "check")
            self.assertEqual(used["environments"], [name])
            self.assertEqual(used["env"], {"AZURE_CLIENT_SECRET": "$(AZURE_CLIENT_SECRET)"})
            self.assertFalse(used["publishSarif"], "one CodeAnalysisLogs upload per run, from the scan stage")
            self.assertIn("placeholder", steps[2]["displayName"].lower())


if __name__ == "__main__":
    unittest.main()

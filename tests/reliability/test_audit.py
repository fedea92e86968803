"""``.ci/audit``: a real finding fails CI, an unreachable service is said plainly and does not.

The verdict logic is fed pip-audit's JSON report shapes (the skip reason is the one pip-audit gives
on this machine, where the vulnerability service cannot be reached); the script itself is run once
for real on the pinned requirements.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader

from pms.config import PROJECT_ROOT

AUDIT = PROJECT_ROOT / ".ci" / "audit"
SKIP = "Dependency not found on PyPI and could not be audited: requests (2.34.2)"


def _audit_module():
    loader = SourceFileLoader("ci_audit", str(AUDIT))
    module = module_from_spec(spec_from_loader("ci_audit", loader))
    loader.exec_module(module)
    return module


def test_a_known_vulnerability_fails():
    code, lines = _audit_module().classify(
        {
            "dependencies": [
                {
                    "name": "requests",
                    "version": "2.0.0",
                    "vulns": [
                        {"id": "PYSEC-2023-74", "aliases": ["CVE-2023-32681"], "fix_versions": ["2.31.0"]}
                    ],
                },
                {"name": "pymysql", "version": "1.2.4", "vulns": []},
            ]
        }
    )
    assert code == 1
    assert any("VULNERABLE requests==2.0.0" in line and "CVE-2023-32681" in line for line in lines)


def test_everything_skipped_is_not_an_all_clear():
    code, lines = _audit_module().classify(
        {
            "dependencies": [
                {"name": "requests", "skip_reason": SKIP},
                {"name": "pymysql", "skip_reason": SKIP},
            ]
        }
    )
    assert code == 0
    assert lines[0].startswith("could not audit: vulnerability service unreachable")
    assert not any("no known vulnerabilities" in line for line in lines)


def test_audited_and_clean_names_what_was_skipped():
    code, lines = _audit_module().classify(
        {
            "dependencies": [
                {"name": "requests", "version": "2.34.2", "vulns": []},
                {"name": "pymysql", "skip_reason": SKIP},
            ]
        }
    )
    assert code == 0
    assert "1 package(s) audited, no known vulnerabilities" in lines[0] and "pymysql" in lines[1]


def test_the_script_runs_on_the_whole_lock():
    run = subprocess.run(
        [sys.executable, str(AUDIT)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    out = run.stdout
    assert "could not audit" in out or "audited" in out
    if run.returncode == 1:
        assert "VULNERABLE" in out
    # Every locked package was looked at (or said to be skipped), the ones pulled in by others too.
    listed = int(re.search(r"audit: (\d+) package\(s\) listed in requirements.lock", out).group(1))
    locked = sum(
        1 for line in (PROJECT_ROOT / "requirements-dev.lock").read_text().splitlines() if "==" in line
    )
    assert listed == locked > 60

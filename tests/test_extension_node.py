"""The extension's Node tests: anchor.js and the correction control on jsdom, the extension in Firefox ESR.

They run with Node's own test runner; `npm ci` installs what they import (README, .ci/run).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def _node_test(relative: str, timeout: int) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed")
    if not (ROOT / "node_modules" / "jsdom").is_dir():
        pytest.fail("the Node packages are not installed: run npm ci (.ci/run does)")
    # The `sourcecheck` of this Python first on PATH, where the Node tests look for it.
    path = os.pathsep.join([str(pathlib.Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PATH": path}
    run = subprocess.run(
        [node, "--test", "--test-reporter=spec", relative],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert run.returncode == 0, f"{run.stdout[-6000:]}\n{run.stderr[-2000:]}"
    assert "fail 0" in run.stdout and "pass 0" not in run.stdout, run.stdout[-2000:]


def test_anchoring_on_dom_fixtures_of_the_hard_cases():
    _node_test("tests/js/anchor.test.mjs", timeout=120)


def test_the_correction_control_and_its_words_on_jsdom():
    _node_test("tests/js/feedback.test.mjs", timeout=120)


def test_the_extension_in_firefox_esr():
    if shutil.which("firefox-esr") is None:
        pytest.fail("firefox-esr is not installed (apt-get install firefox-esr); .ci/run installs it")
    _node_test("tests/js/firefox.test.mjs", timeout=600)

"""Exports make no outside DNS query or connection: the chart export (kaleido's Chromium) and the brief
(the PDF-printing Chromium) run under strace, which records every connect/sendto/sendmsg of the whole
process tree; none may reach a non-loopback address or a DNS port."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.export import render

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "fixtures" / "dashboard"

pytestmark = pytest.mark.browser  # drives Chromium

ADDRESS = re.compile(r'(?:inet_addr\("([0-9.]+)"\)|inet_pton\(AF_INET6, "([0-9a-fA-F:.]+)")')
PORT = re.compile(r"sin6?_port=htons\((\d+)\)")


def _strace() -> str:
    found = shutil.which("strace")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("strace is not installed; CI installs it (apt-get install strace)")
        pytest.skip("strace is not installed here (apt-get install strace)")
    return found


def _outside(lines: list[str]) -> list[str]:
    """Lines naming an internet address (not loopback) or a DNS port."""
    bad = []
    for line in lines:
        if "AF_INET" not in line:
            continue
        port, found = PORT.search(line), ADDRESS.search(line)
        addr = (found.group(1) or found.group(2)) if found else ""
        loopback = addr.startswith("127.") or addr in ("::1", "::ffff:127.0.0.1")
        if (port and port.group(1) == "53") or (addr and not loopback):
            bad.append(line)
    return bad


def _traced(tmp_path, args: list[str], successful_only: bool) -> list[str]:
    trace = tmp_path / ("ok.trace" if successful_only else "all.trace")
    cmd = [_strace(), "-f", "-qq", *(["-z"] if successful_only else []), "-e", "trace=connect,sendto,sendmsg",
           "-o", str(trace), sys.executable, "-m", "incidents", *args, "--data", str(DATA)]
    run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return trace.read_text(encoding="utf-8", errors="replace").splitlines()


@pytest.mark.parametrize("args", [["export", "chart", "--chart", "map", "--out", "map.pdf", "--border", "all"],
                                  ["brief", "--out", "brief.pdf"]], ids=["chart", "brief"])
def test_export_makes_no_outside_connection_or_dns_query(tmp_path, args):
    if not render.available():
        pytest.skip("no Chromium")
    made = _traced(tmp_path, args, successful_only=True)
    assert (tmp_path / args[args.index("--out") + 1]).stat().st_size > 1000  # the export was really made
    assert _outside(made) == [], "connections that succeeded to the outside"
    tried = _traced(tmp_path, args, successful_only=False)
    assert [line for line in tried if PORT.search(line) and PORT.search(line).group(1) == "53"] == [], \
        "a DNS query was attempted"


def test_the_trace_check_can_fail():
    sample = ['123 connect(18, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0',
              '124 connect(3, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
              'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
              '125 connect(4, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0']
    assert _outside(sample) == sample[:2]

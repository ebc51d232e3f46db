"""Shared fixtures: the repository's build, a loopback `shortinterest serve`
on the fixture file, and quiet futu-api / our contexts against it.

The build must exist: a missing binary or library FAILS the session (CI must
not pass by skipping everything).
"""

import logging
import os
import re
import selectors
import subprocess
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parents[2] / "Tests" / "fixtures" / "histories.json"


def _repo_root():
    for d in HERE.parents:
        if (d / "include" / "shortinterest.h").is_file():
            return d
    raise RuntimeError("cannot find the repository root (include/shortinterest.h) above %s" % HERE)


REPO = _repo_root()
SERVER_BIN = REPO / "build" / "bin" / "shortinterest"
LIB = REPO / "build" / "lib" / "libshortinterest.so"

# Test the repository's build, wherever the package itself was installed.
os.environ.setdefault("SHORTINTEREST_LIB", str(LIB))


def _require_build():
    missing = [str(p) for p in (SERVER_BIN, LIB) if not p.exists()]
    if missing:
        pytest.fail("missing build artifacts: %s -- run `make lib cli` in %s first"
                    % (", ".join(missing), REPO), pytrace=False)


class Server:
    def __init__(self, proc, host, port, log):
        self.proc, self.host, self.port, self.log = proc, host, port, log


def start_server(fixture=FIXTURE, log_path=None, timeout=30.0, source=None):
    """Starts `shortinterest serve` on port 0 and returns a Server once it has
    printed `listening on HOST:PORT`.  source: the serve arguments naming what
    to serve (default: --fixture FIXTURE)."""
    _require_build()
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    source = source or ["--fixture", str(fixture)]
    proc = subprocess.Popen(
        [str(SERVER_BIN), "serve", *source, "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    line = b""
    try:
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise RuntimeError("server printed no `listening on` line within %.0f s" % timeout)
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError("server exited (status %s) before listening; see %s"
                                   % (proc.wait(5), log_path or "its stderr"))
            line += chunk
    except BaseException:
        stop_server(Server(proc, None, None, log))
        raise
    finally:
        sel.close()
    first = line.split(b"\n", 1)[0].decode()
    m = re.fullmatch(r"listening on (\S+):(\d+)", first.strip())
    if not m:
        stop_server(Server(proc, None, None, log))
        raise RuntimeError("unexpected first line from the server: %r" % first)
    return Server(proc, m.group(1), int(m.group(2)), log)


def stop_server(server):
    proc = server.proc
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    if proc.stdout:
        proc.stdout.close()
    if hasattr(server.log, "close"):
        server.log.close()


def futu_style_frame(rows, columns):
    """futu-api's own construction of a frame from a list of dicts (see its
    OpenQuoteContext.get_short_interest): the reference for our frames."""
    import pandas as pd
    if not rows:
        return pd.DataFrame(columns=list(columns))
    df = pd.DataFrame(rows)
    for c in columns:
        if c not in df.columns:
            df[c] = None
    return df[list(columns)]


def futu_context(server):
    """A quiet futu-api OpenQuoteContext on `server`, closed after use."""
    quiet_futu()
    import futu
    ctx = futu.OpenQuoteContext(host=server.host, port=server.port)
    try:
        yield ctx
    finally:
        ctx.close()


def quiet_futu():
    """futu-api logs to ~/.com.futunn.FutuOpenD/Log and to stdout: silence both."""
    from futu.common.ft_logger import logger
    logger.console_level = logging.CRITICAL + 10
    logger.file_level = logging.CRITICAL + 10
    try:
        logger.enable_console_log(False)
    except Exception:
        pass


@pytest.fixture(scope="session")
def repo_root():
    return REPO


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = start_server(log_path=tmp_path_factory.mktemp("server") / "serve.log")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def ours(server):
    from shortinterest import OpenQuoteContext
    # The fixture server is local: no client-side rate limit (futu-api has none).
    ctx = OpenQuoteContext(host=server.host, port=server.port, rate_limit=None)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def futu_ctx(server):
    yield from futu_context(server)

"""`shortinterest serve --event-loops N`: the gateway serves every connection
on N threads of its own instead of one per CPU (the benchmarks compare
clients on one), and refuses a count that is not positive."""

import subprocess
import threading
from pathlib import Path

from pandas.testing import assert_frame_equal

from conftest import FIXTURE, SERVER_BIN, futu_context, start_server, stop_server
from shortinterest import RET_OK, OpenQuoteContext


def event_loop_threads(pid):
    """Names of the process's threads that NIO made for an event loop group of its own."""
    names = (Path(task, "comm").read_text().strip() for task in Path("/proc/%d/task" % pid).iterdir())
    return [name for name in names if name.startswith("NIO-ELT-")]


def test_one_event_loop_serves_concurrent_connections(tmp_path):
    server = start_server(source=["--fixture", str(FIXTURE), "--event-loops", "1"], log_path=tmp_path / "serve.log")
    try:
        assert len(event_loop_threads(server.proc.pid)) == 1
        futu_contexts = futu_context(server)
        reference = next(futu_contexts).get_short_interest("HK.00700", num=5)
        futu_contexts.close()
        assert reference[0] == RET_OK, reference[1]

        answers = [None] * 4

        def call(index):
            with OpenQuoteContext(host=server.host, port=server.port, rate_limit=None) as ours:
                answers[index] = [ours.get_short_interest("HK.00700", num=5) for _ in range(20)]

        callers = [threading.Thread(target=call, args=(i,)) for i in range(len(answers))]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(60)
        assert not any(caller.is_alive() for caller in callers)
        for calls in answers:
            assert len(calls) == 20
            for ret, us_frame, hk_frame in calls:
                assert ret == RET_OK, us_frame
                assert_frame_equal(us_frame, reference[1], check_exact=True)
                assert_frame_equal(hk_frame, reference[2], check_exact=True)
        assert len(event_loop_threads(server.proc.pid)) == 1
    finally:
        stop_server(server)


def test_event_loops_must_be_positive():
    run = subprocess.run([str(SERVER_BIN), "serve", "--fixture", str(FIXTURE), "--port", "0", "--event-loops", "0"],
                         capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert run.returncode == 64
    assert "--event-loops must be positive" in run.stderr
    assert "listening" not in run.stdout

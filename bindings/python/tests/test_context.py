"""Context lifetime, constructor arguments, timeouts."""

import socket
import threading
import time

import pytest

from shortinterest import RET_ERROR, RET_OK, OpenQuoteContext, ShortInterestError


def test_context_manager_and_double_close(server):
    with OpenQuoteContext(host=server.host, port=server.port, rate_limit=None) as ctx:
        ret, us, hk = ctx.get_short_interest("HK.00700")
        assert ret == RET_OK and len(hk) == 10
    ctx.close()
    ctx.close()
    ret, msg, none = ctx.get_short_interest("HK.00700")
    assert ret == RET_ERROR and isinstance(msg, str) and msg and none is None
    assert ctx.get_short_interest_records("HK.00700")[0] == RET_ERROR
    assert ctx.get_short_interest_all("HK.00700")[0] == RET_ERROR
    with pytest.raises(ShortInterestError):
        next(ctx.iter_short_interest("HK.00700"))


def test_close_without_requests(server):
    ctx = OpenQuoteContext(host=server.host, port=server.port, rate_limit=None)
    ctx.close()
    ctx.close()


def test_close_while_others_call(server):
    ctx = OpenQuoteContext(host=server.host, port=server.port, rate_limit=None)
    results, stop = [], threading.Event()

    def loop():
        while not stop.is_set():
            results.append(ctx.get_short_interest("US.AAPL", num=50)[0])

    threads = [threading.Thread(target=loop) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    ctx.close()
    time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join(30)
    assert RET_OK in results and results[-1] == RET_ERROR
    assert set(results) <= {RET_OK, RET_ERROR}


def test_futu_keyword_arguments_accepted(server):
    ctx = OpenQuoteContext(host=server.host, port=server.port, is_encrypt=None,
                           is_async_connect=False, security_firm="FUTUSECURITIES", ai_type=0,
                           connect_timeout=2, reply_timeout=5, client_id="pytest",
                           rate_limit=None)
    try:
        assert ctx.get_short_interest("US.BRK.B")[0] == RET_OK
        assert ctx.get_security_firm() == "FUTUSECURITIES"
    finally:
        ctx.close()
    # positional, as futu-api allows
    with OpenQuoteContext(server.host, server.port, False, rate_limit=None) as ctx:
        assert ctx.get_short_interest("US.BRK.B")[0] == RET_OK


def test_bad_constructor_arguments():
    with pytest.raises(ValueError):
        OpenQuoteContext(is_encrypt=True)
    with pytest.raises(ValueError, match="port"):
        OpenQuoteContext(port=70000)
    with pytest.raises(ValueError):
        OpenQuoteContext(port="11111x")
    with pytest.raises(ValueError):
        OpenQuoteContext(connect_timeout=0)
    with pytest.raises(ValueError):
        OpenQuoteContext(reply_timeout=-1)
    with pytest.raises(ValueError):
        OpenQuoteContext(client_id="")
    with pytest.raises(ValueError):
        OpenQuoteContext(rate_limit=(3,))
    with pytest.raises(ValueError):
        OpenQuoteContext(rate_limit=(3, 1), rate_limit_mode="sometimes")
    with pytest.raises(ValueError):
        OpenQuoteContext(rate_limit=(-1, 1))
    with pytest.raises(ValueError, match="reply_timeout must be a number of seconds"):
        OpenQuoteContext(reply_timeout=float("inf"))
    for busy_poll in (-0.0001, 0.02, "soon", float("nan")):
        with pytest.raises(ValueError, match="busy_poll"):
            OpenQuoteContext(busy_poll=busy_poll)


def test_busy_poll_gives_the_same_frames(server):
    with OpenQuoteContext(host=server.host, port=server.port, rate_limit=None, busy_poll=0) as sleeping, \
            OpenQuoteContext(host=server.host, port=server.port, rate_limit=None, busy_poll=0.0002) as polling, \
            OpenQuoteContext(host=server.host, port=server.port, rate_limit=None) as adaptive:
        for code, num in (("HK.00700", 10), ("US.AAPL", 50), ("US.SPARSE", 10)):
            ret_ref, us_ref, hk_ref = sleeping.get_short_interest(code, num=num)
            assert ret_ref == RET_OK and len(us_ref) + len(hk_ref) > 0
            for ctx in (polling, adaptive):
                ret, us, hk = ctx.get_short_interest(code, num=num)
                assert ret == RET_OK
                assert us.equals(us_ref) and hk.equals(hk_ref)


def test_connection_refused_is_ret_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                                   # nothing listens there now
    with OpenQuoteContext(port=port, connect_timeout=2, rate_limit=None) as ctx:
        ret, msg, none = ctx.get_short_interest("HK.00700")
    assert ret == RET_ERROR and msg and none is None


def test_reply_timeout():
    # A peer that accepts and never answers.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    conns = []
    stop = threading.Event()

    def accept():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=accept)
    t.start()
    try:
        with OpenQuoteContext(port=srv.getsockname()[1], connect_timeout=2, reply_timeout=0.5,
                              rate_limit=None) as ctx:
            t0 = time.monotonic()
            ret, msg, none = ctx.get_short_interest("HK.00700")
            elapsed = time.monotonic() - t0
        assert ret == RET_ERROR and msg and none is None
        assert elapsed < 5, elapsed
    finally:
        stop.set()
        t.join()
        for c in conns:
            c.close()
        srv.close()


def test_argument_types(ours):
    assert ours.get_short_interest("HK.00700", next_key=3)[0] == RET_ERROR
    assert ours.get_short_interest("HK.00700", num="3")[0] == RET_ERROR
    assert ours.get_short_interest("HK.00700", num=2 ** 40)[0] == RET_ERROR
    assert ours.get_short_interest("HK.00700\0junk")[0] == RET_ERROR
    assert ours.get_short_interest("HK.\udc00")[0] == RET_ERROR
    import numpy as np
    ret, us, hk = ours.get_short_interest("HK.00700", num=np.int32(2))
    assert ret == RET_OK and len(hk) == 2

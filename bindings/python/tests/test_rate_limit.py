"""The client-side rate limit (si_config_set_rate_limit), on a server of its own
(the limit is shared by the contexts for one host and port)."""

import time

import pytest

from shortinterest import RET_ERROR, RET_OK, OpenQuoteContext, ShortInterestError

from conftest import start_server, stop_server


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    srv = start_server(log_path=tmp_path_factory.mktemp("rl") / "serve.log")
    yield srv
    stop_server(srv)


def test_fail_fast(own_server):
    with OpenQuoteContext(host=own_server.host, port=own_server.port,
                          rate_limit=(3, 2.0), rate_limit_mode="fail_fast") as ctx:
        for _ in range(3):
            assert ctx.get_short_interest("HK.00700", num=2)[0] == RET_OK
        ret, msg, none = ctx.get_short_interest("HK.00700", num=2)
        assert ret == RET_ERROR and isinstance(msg, str) and msg and none is None
        with pytest.raises(ShortInterestError) as info:
            next(ctx.iter_short_interest("HK.00700"))
        assert info.value.status == 10                      # SI_ERR_RATE_LIMITED
        # the library keeps 1 % in hand: the window is 2.02 s
        assert info.value.retry_after is not None and 0 < info.value.retry_after <= 2.1
        time.sleep(info.value.retry_after + 0.05)
        assert ctx.get_short_interest("HK.00700", num=2)[0] == RET_OK


def test_wait(own_server):
    with OpenQuoteContext(host=own_server.host, port=own_server.port,
                          rate_limit=(2, 0.5), rate_limit_mode="wait", rate_limit_max_wait=5) as ctx:
        t0 = time.monotonic()
        for _ in range(6):            # 2 now, 2 after 0.5 s, 2 after 1 s
            assert ctx.get_short_interest("US.BRK.B")[0] == RET_OK
        assert time.monotonic() - t0 >= 0.9


def test_off(server):
    with OpenQuoteContext(host=server.host, port=server.port, rate_limit=None) as ctx:
        t0 = time.monotonic()
        for _ in range(80):           # far past OpenD's 30 per 30 s
            assert ctx.get_short_interest("US.BRK.B")[0] == RET_OK
        assert time.monotonic() - t0 < 20

"""One context shared by 8 threads, each checking its own results."""

import threading

from pandas.testing import assert_frame_equal

from shortinterest import RET_ERROR, RET_OK

CALLS = [
    ("HK.00700", None, 3), ("HK.00700", "3", 3), ("HK.00700", None, None),
    ("US.AAPL", None, 10), ("US.AAPL", "10", 10), ("US.AAPL", None, 50),
    ("US.BRK.B", None, 2), ("US.SPARSE", None, 3), ("US.SPARSE", "2", 1),
    ("HK.09999", None, None),
    ("US.NOPE", None, None), ("HK.", None, None), ("HK.00700", None, 0),
]


def test_eight_threads_share_one_context(ours):
    # Expected answers, computed one at a time.
    expected = {}
    for call in CALLS:
        expected[call] = ours.get_short_interest(*call)
    assert expected[("US.NOPE", None, None)][0] == RET_ERROR
    assert expected[("HK.00700", None, 3)][0] == RET_OK

    n_threads, rounds = 8, 12
    failures, done = [], [0] * n_threads
    barrier = threading.Barrier(n_threads)

    def worker(t):
        try:
            barrier.wait()
            for r in range(rounds):
                for i in range(len(CALLS)):
                    call = CALLS[(i + t * 5 + r) % len(CALLS)]   # threads out of step
                    got, want = ours.get_short_interest(*call), expected[call]
                    assert got[0] == want[0], (call, got[1])
                    if want[0] == RET_OK:
                        assert_frame_equal(got[1], want[1], check_exact=True)
                        assert_frame_equal(got[2], want[2], check_exact=True)
                        assert got[1].attrs == want[1].attrs
                    else:
                        # the error is this thread's own, not another's
                        assert got[1] == want[1], (call, got[1], want[1])
                        assert got[2] is None
                    ret, rec = ours.get_short_interest_records(*call)
                    assert ret == want[0]
                    if ret == RET_OK:
                        assert len(rec["us"]) == len(want[1]) and len(rec["hk"]) == len(want[2])
                        assert rec["next_key"] == want[1].attrs["next_key"]
                    done[t] += 1
        except BaseException as exc:        # reported by the main thread
            failures.append((t, repr(exc)))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not any(th.is_alive() for th in threads), "threads hung"
    assert not failures, failures[:3]
    assert done == [rounds * len(CALLS)] * n_threads

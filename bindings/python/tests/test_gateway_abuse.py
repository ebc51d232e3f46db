"""The gateway under load and abuse: 1,000 concurrent connections, a quarter
each well-behaved, sending half a header and stopping, never sending
InitConnect, and announcing an oversized frame. It stays up, its memory stays
bounded, and a well-behaved client is still served throughout."""

import hashlib
import resource
import socket
import struct

import pytest

from conftest import FIXTURE, start_server, stop_server
from shortinterest import RET_OK, OpenQuoteContext

CONNECTIONS = 1000


def frame(proto_id, serial, body):
    return struct.pack("<2sIBBII20s8s", b"FT", proto_id, 0, 0, serial, len(body), hashlib.sha1(body).digest(),
                       b"\0" * 8) + body


def init_connect(serial):
    from futu.common.pb import InitConnect_pb2
    request = InitConnect_pb2.Request()
    request.c2s.clientVer = 300
    request.c2s.clientID = "abuse"
    return frame(1001, serial, request.SerializeToString())


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))   # the gateway inherits it
    srv = start_server(source=["--fixture", str(FIXTURE), "--max-connections", "2048"],
                       log_path=tmp_path_factory.mktemp("abuse") / "serve.log")
    yield srv
    stop_server(srv)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_thousand_connections_of_every_kind(gateway):
    with OpenQuoteContext(host=gateway.host, port=gateway.port, rate_limit=None) as client:
        assert client.get_short_interest("HK.00700")[0] == RET_OK
        baseline = rss_kb(gateway.proc.pid)
        sockets = []
        try:
            for index in range(CONNECTIONS):
                conn = socket.create_connection((gateway.host, gateway.port), timeout=10)
                kind = index % 4
                if kind == 0:
                    conn.sendall(init_connect(index))                    # well-behaved
                elif kind == 1:
                    conn.sendall(init_connect(index)[:20])               # half a header, then silence
                elif kind == 2:
                    pass                                                  # never sends InitConnect
                else:
                    conn.sendall(init_connect(index) + struct.pack("<2sIBBII", b"FT", 3249, 0, 0, 1, 512 << 20))
                sockets.append(conn)
                if index % 100 == 99:
                    # Served all along, while the crowd grows.
                    ret, _, hk = client.get_short_interest("HK.00700", num=5)
                    assert ret == RET_OK and len(hk) == 5
            for conn in sockets[::4]:
                header = conn.recv(44, socket.MSG_WAITALL)
                assert header[:2] == b"FT" and struct.unpack("<I", header[2:6])[0] == 1001
            for _ in range(50):
                assert client.get_short_interest("US.AAPL", num=50)[0] == RET_OK
            assert gateway.proc.poll() is None, "the gateway died"
            grown = rss_kb(gateway.proc.pid) - baseline
            print("\ngateway RSS: %d KB before, %+d KB with %d connections open" % (baseline, grown, CONNECTIONS))
            assert grown < 150_000, "the gateway grew by %d KB for %d connections" % (grown, CONNECTIONS)
        finally:
            for conn in sockets:
                conn.close()
        assert client.get_short_interest("HK.00700")[0] == RET_OK
    assert gateway.proc.poll() is None

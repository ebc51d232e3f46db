"""Protocol encryption against `shortinterest serve --rsa-key`: futu-api
(PyPI) with its own encryption on, and this package in CBC and ECB mode, with
a 1024-bit key made by openssl here.  futu-api keeps encryption in process
globals (SysConfig), so it runs in a child process that pickles its answer."""

import pickle
import subprocess
import sys

import pytest
from pandas.testing import assert_frame_equal

from conftest import start_server, stop_server
from shortinterest import RET_ERROR, RET_OK, OpenQuoteContext

FUTU_CHILD = r"""
import pickle, sys
from futu import OpenQuoteContext, SysConfig
from futu.common.ft_logger import logger
logger.console_level = 100
logger.file_level = 100
SysConfig.enable_proto_encrypt(True)
SysConfig.set_init_rsa_file(sys.argv[3])
ctx = OpenQuoteContext(host=sys.argv[1], port=int(sys.argv[2]))
answers = [ctx.get_short_interest(code, num=num) for code, num in (("HK.00700", 10), ("US.AAPL", 50))]
ctx.close()
sys.stdout.buffer.write(pickle.dumps(answers))
"""


@pytest.fixture(scope="module")
def rsa_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("rsa") / "opend_rsa.pem"
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", str(path), "1024"], check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def encrypting_gateway(rsa_key, tmp_path_factory):
    from conftest import FIXTURE
    srv = start_server(source=["--fixture", str(FIXTURE), "--rsa-key", str(rsa_key)],
                       log_path=tmp_path_factory.mktemp("enc") / "serve.log")
    yield srv
    stop_server(srv)


def test_futu_api_with_encryption_on_reads_what_this_package_reads(encrypting_gateway, rsa_key):
    child = subprocess.run([sys.executable, "-c", FUTU_CHILD, encrypting_gateway.host, str(encrypting_gateway.port),
                            str(rsa_key)], capture_output=True, timeout=120)
    assert child.returncode == 0, child.stderr.decode()[-2000:]
    theirs = pickle.loads(child.stdout)
    for mode in ("cbc", "ecb"):
        with OpenQuoteContext(host=encrypting_gateway.host, port=encrypting_gateway.port, rate_limit=None,
                              is_encrypt=True, rsa_key_file=str(rsa_key), encryption=mode) as ctx:
            for (code, num), reference in zip((("HK.00700", 10), ("US.AAPL", 50)), theirs):
                ours = ctx.get_short_interest(code, num=num)
                assert ours[0] == reference[0] == RET_OK
                assert_frame_equal(ours[1], reference[1])
                assert_frame_equal(ours[2], reference[2])
                assert ours[1].attrs == reference[1].attrs


def test_without_the_key_a_clear_refusal(encrypting_gateway):
    with OpenQuoteContext(host=encrypting_gateway.host, port=encrypting_gateway.port, rate_limit=None,
                          reply_timeout=5) as ctx:
        ret, message, _ = ctx.get_short_interest("HK.00700")
    assert ret == RET_ERROR
    assert "requires protocol encryption" in message


def test_a_wrong_key_is_a_clear_error(encrypting_gateway, tmp_path):
    other = tmp_path / "other.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(other), "1024"], check=True, capture_output=True)
    with OpenQuoteContext(host=encrypting_gateway.host, port=encrypting_gateway.port, rate_limit=None,
                          reply_timeout=5, is_encrypt=True, rsa_key_file=str(other)) as ctx:
        ret, message, _ = ctx.get_short_interest("HK.00700")
    assert ret == RET_ERROR
    assert "could not be decrypted" in message


def test_a_key_file_that_is_not_a_key_is_refused_at_once(tmp_path):
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a key")
    with pytest.raises(ValueError, match="RSA"):
        OpenQuoteContext(is_encrypt=True, rsa_key_file=str(bogus))

#!/usr/bin/env python3
"""Writes the hand-made seeds of fuzz/corpus/, replacing the folder: run
once, before the first fuzzing; `scripts/fuzz.sh merge TARGET` then keeps
what the runs found that adds coverage.

Each seed starts with the choice bytes its target reads first (see
Sources/ShortInterestFuzzing): real frames and messages, built with
futu-api's own protobuf classes, and the sample files.
"""
import hashlib
import pathlib
import shutil
import struct
import subprocess

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from futu.common.pb import InitConnect_pb2, KeepAlive_pb2, Qot_GetShortInterest_pb2 as Short

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
AES_KEY, CBC_IV = b"0123456789abcdef", b"fedcba9876543210"  # FrameDecodingTarget's


def seed(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(bytes(data))


def frame(proto_id, serial, body, wire_body=None):
    wire = body if wire_body is None else wire_body
    header = b"FT" + struct.pack("<IBBII", proto_id, 0, 0, serial, len(wire))
    return header + hashlib.sha1(body).digest() + bytes(8) + wire


def futu_ecb(body):
    tail = len(body) % 16
    padded = body + bytes((16 - tail) % 16)
    encryptor = Cipher(algorithms.AES(AES_KEY), modes.ECB()).encryptor()
    return encryptor.update(padded) + encryptor.finalize() + bytes(15) + bytes([tail])


def cbc(body):
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(AES_KEY), modes.CBC(CBC_IV)).encryptor()
    return encryptor.update(padder.update(body) + padder.finalize()) + encryptor.finalize()


def hk_page():
    reply = Short.Response(retType=0)
    for stamp, day, short, ratio, close, last in [
        (1777478400, "2026-04-30", 51480638, 0.56, 467.8, 479.2),
        (1776960000, "2026-04-24", 51888755, 0.56, 493.4, 495.2),
    ]:
        reply.s2c.hkItemList.add(timestamp=stamp, timestampStr=day, aggregatedShort=short,
                                 aggregatedShortRatio=ratio, closePrice=close, lastClosePrice=last)
    reply.s2c.nextKey = "1776960000"
    return reply.SerializeToString()


def us_page():
    reply = Short.Response(retType=0)
    reply.s2c.usItemList.add(timestamp=1776225600, timestampStr="2026-04-15", sharesShort=134422787, shortPercent=0.9,
                             avgDailyShareVolume=39674165, daysToCover=3.39, closePrice=198.5, lastClosePrice=197.0)
    reply.s2c.usItemList.add(timestamp=1777521600, timestampStr="2026-04-30")
    return reply.SerializeToString()


def init_connect(aes_key="0123456789ABCDEF", iv=None):
    reply = InitConnect_pb2.Response(retType=0)
    reply.s2c.serverVer, reply.s2c.loginUserID, reply.s2c.connID = 1001, 1, 7
    reply.s2c.connAESKey, reply.s2c.keepAliveInterval = aes_key, 10
    if iv is not None:
        reply.s2c.aesCBCiv = iv
    return reply.SerializeToString()


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    rejected = Short.Response(retType=-1, retMsg="Unknown stock", errCode=400).SerializeToString()
    keep_alive = KeepAlive_pb2.Response(retType=0)
    keep_alive.s2c.time = 1777478400
    keep_alive = keep_alive.SerializeToString()
    request = Short.Request()
    request.c2s.security.market, request.c2s.security.code = 1, "00700"
    request.c2s.nextKey, request.c2s.num = "1776960000", 10
    request = request.SerializeToString()
    hello = InitConnect_pb2.Request()
    hello.c2s.clientVer, hello.c2s.clientID, hello.c2s.recvNotify = 300, "fuzz", False
    hello = hello.SerializeToString()

    # frames: [cipher 0/1/2][limit][cut count 0...3][cuts, 2 bytes each] stream
    stream = frame(1001, 1, init_connect()) + frame(3249, 2, hk_page()) + frame(1004, 3, keep_alive)
    seed("frames", "stream-whole", b"\0\0\0" + stream)
    seed("frames", "stream-cut-in-headers", b"\0\0\3" + struct.pack("<HHH", 1, 43, 45) + stream)
    seed("frames", "stream-cut-in-bodies", b"\0\0\2" + struct.pack("<HH", 60, len(stream) - 1) + stream)
    seed("frames", "truncated", b"\0\0\0" + stream[:-5])
    seed("frames", "body-over-small-limit", b"\0\x81\0" + frame(3249, 2, us_page()))
    seed("frames", "ecb", b"\1\0\0" + frame(3249, 2, hk_page(), futu_ecb(hk_page())) + frame(3249, 3, b"", futu_ecb(b"")))
    seed("frames", "cbc", b"\2\0\0" + frame(3249, 2, us_page(), cbc(us_page())))

    # replies: [kind][request][encrypted][body format] body
    seed("replies", "hk-page", b"\0\0\0\0" + hk_page())
    seed("replies", "us-page", b"\0\1\0\0" + us_page())
    seed("replies", "rejected", b"\0\0\0\0" + rejected)
    seed("replies", "init-connect", b"\1\0\0\0" + init_connect())
    seed("replies", "init-connect-ecb", b"\1\0\1\0" + init_connect())
    seed("replies", "init-connect-cbc", b"\1\0\1\0" + init_connect(iv="FEDCBA9876543210"))
    seed("replies", "keep-alive", b"\2\0\0\0" + keep_alive)
    seed("replies", "gateway-request", b"\3\0\0\0" + request)
    seed("replies", "gateway-init-connect", b"\4\0\0\0" + hello)

    for target, files in [("finra", sorted((ROOT / "samples/finra").iterdir())),
                          ("sfc", sorted((ROOT / "samples/sfc").iterdir())[:3]),
                          ("reference", [ROOT / "samples/reference.csv"])]:
        for path in files:
            seed(target, path.name, path.read_bytes())

    # cabi: up to 4 calls of [call][arguments...]; 0xFE picks a known code, 0xFF is NULL.
    known, null = b"\xfe", b"\xff"
    seed("cabi", "page", b"\0\0\x0a" + known + b"\0" + null)
    seed("cabi", "page-next-key", b"\0\0\x02" + known + b"\3" + b"\x0a1776960000")
    seed("cabi", "page-json", b"\1\0\x32" + known + b"\5" + null)
    seed("cabi", "page-bad-arguments", b"\0\1\x0a" + known + b"\0" + null + b"\0\2\0\x08HK.00700" + null + b"\1\0\x80\0\0\0\x80\x03\xff\xfe\xfd" + null)
    seed("cabi", "history", b"\2\0\x05" + known + b"\6")
    seed("cabi", "histories", b"\3\0\x05\0\3" + known + b"\0" + known + b"\3" + b"\x08XX.00001")
    seed("cabi", "setters", b"\4\0\0\x2b\x67\0" + b"\x09127.0.0.1" + b"\4\0\3\x10\x01\0\x04fuzz")
    seed("cabi", "rate-limit-cache", b"\4\0\3\x0a\x64\0\0" + b"\4\0\4\x3c\0\0\x0a/tmp/cache")
    seed("cabi", "status-names", b"\6\x0b\6\x63\6\x80\xff\xff\xff\x7f")
    # A throwaway key made for this seed, so the key parser's success path is in the corpus.
    key = subprocess.run(["openssl", "genrsa", "-traditional", "1024"], check=True, capture_output=True).stdout
    seed("cabi", "rsa-key", b"\5\1" + key)


if __name__ == "__main__":
    main()

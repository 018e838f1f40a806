#!/usr/bin/env python3
"""Writes src/test/resources/malformed/<status>-<name>.txt: raw malformed HTTP requests, byte-exact (CRLF).

Each file is what a client sends; the file name starts with the status the dispatcher must answer before
closing the connection, and a server behind it must never see any of it. Replay one by hand with
    nc -q 2 <vip> 80 < 400-bad-chunk-size.txt
MalformedRequestsTest replays them all; this script only (re)creates the files.
"""
import os

H = b"Host: vip.example\r\n"
cases = {
    "400-garbage": b"GARBAGE\r\n\r\n",
    "400-tls-hello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\x00\x00\r\n\r\n",
    "400-http09-no-version": b"GET /\r\n\r\n",
    "400-bad-protocol-name": b"GET / HTXP/1.1\r\n" + H + b"\r\n",
    "505-http-2-0": b"GET / HTTP/2.0\r\n" + H + b"\r\n",
    "505-http-1-2": b"GET / HTTP/1.2\r\n" + H + b"\r\n",
    "501-unknown-method": b"BREW /pot HTTP/1.1\r\n" + H + b"\r\n",
    "400-method-bad-char": b"G(T / HTTP/1.1\r\n" + H + b"\r\n",
    "501-connect": b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    "400-missing-host": b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
    "400-duplicate-host": b"GET / HTTP/1.1\r\n" + H + b"Host: other.example\r\n\r\n",
    "400-target-no-slash": b"GET index.html HTTP/1.1\r\n" + H + b"\r\n",
    "400-target-control-char": b"GET /a\x01b HTTP/1.1\r\n" + H + b"\r\n",
    "400-duplicate-content-length": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "400-repeated-content-length": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
    "400-content-length-not-a-number": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: abc\r\n\r\nhello",
    "400-content-length-negative": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: -5\r\n\r\nhello",
    "400-content-length-plus-sign": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: +5\r\n\r\nhello",
    "400-content-length-and-chunked": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "501-transfer-encoding-gzip": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "400-transfer-encoding-twice": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "400-chunked-in-http-1-0": b"POST / HTTP/1.0\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "400-chunk-size-not-hex": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "400-chunk-size-negative": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
    "400-chunk-size-overflow": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    # request smuggling through chunk framing (issue 14): each must be refused whole, nothing forwarded
    "400-chunk-bare-lf": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n",
    "400-chunk-size-overflow-smuggle": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n100000000\r\n\r\n"
                                       b"GET /SMUG2 HTTP/1.1\r\n" + H + b"\r\n",
    "400-chunk-junk-after-data": b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n",
    # absolute-form targets become the server's Host: the same checks, no userinfo (issue 14)
    "400-absolute-form-userinfo": b"GET http://evil@10.0.0.1:22/ HTTP/1.1\r\n" + H + b"\r\n",
    "400-absolute-form-empty-authority": b"GET http:///x HTTP/1.1\r\n" + H + b"\r\n",
    "400-absolute-form-bad-port": b"GET http://vip.example:99999/ HTTP/1.1\r\n" + H + b"\r\n",
    "400-host-userinfo": b"GET / HTTP/1.1\r\nHost: evil@10.0.0.1:22\r\n\r\n",
    "400-header-name-with-space": b"GET / HTTP/1.1\r\n" + H + b"Bad Header: x\r\n\r\n",
    "400-header-name-bad-char": b"GET / HTTP/1.1\r\n" + H + b"Bad@Name: x\r\n\r\n",
    "400-space-before-colon": b"GET / HTTP/1.1\r\nHost : vip.example\r\n\r\n",
    "400-nul-in-header-value": b"GET / HTTP/1.1\r\n" + H + b"X-A: a\x00b\r\n\r\n",
    "400-header-without-colon": b"GET / HTTP/1.1\r\n" + H + b"NoColonHere\r\n\r\n",
    "413-body-too-large": b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 99999999999\r\n\r\nhello",
    "417-unknown-expectation": b"GET / HTTP/1.1\r\n" + H + b"Expect: teapot\r\n\r\n",
    "414-request-line-too-long": b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n" + H + b"\r\n",
    "431-headers-too-large": b"GET / HTTP/1.1\r\n" + H + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"p" * 100) for i in range(200)) + b"\r\n",
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "malformed")
os.makedirs(here, exist_ok=True)
for name in os.listdir(here):
    if name.endswith(".txt"):
        os.remove(os.path.join(here, name))
for name, data in cases.items():
    with open(os.path.join(here, name + ".txt"), "wb") as f:
        f.write(data)
print(len(cases), "cases written to", os.path.normpath(here))

#!/usr/bin/env python3
"""`kg serve` against hostile bytes: each bad connection is closed (with a
FAILURE where a message could be read) and the server keeps serving.

Usage: protocol_test.py KG_BINARY WORK_DIR
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

MAGIC = b"\x60\x60\xb0\x17"
V54 = bytes([0, 4, 4, 5]) + bytes(12)  # 5.4 down to 5.0, then nothing
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import check, exit_status  # noqa: E402


def pack_string(s):
    b = s.encode()
    if len(b) < 16:
        return bytes([0x80 | len(b)]) + b
    return bytes([0xD0, len(b)]) + b


def pack_map(d):
    out = bytes([0xA0 | len(d)])
    for k, v in d.items():
        out += pack_string(k) + (pack_string(v) if isinstance(v, str) else v)
    return out


def chunk(message):
    out = b""
    for i in range(0, len(message), 0xFFFF):
        part = message[i:i + 0xFFFF]
        out += struct.pack(">H", len(part)) + part
    return out + b"\x00\x00"


def hello():
    return bytes([0xB1, 0x01]) + pack_map({"user_agent": "protocol-test/1"})


def logon():
    return bytes([0xB1, 0x6A]) + pack_map({"scheme": "none"})


def run(query):
    return bytes([0xB3, 0x10]) + pack_string(query) + bytes([0xA0, 0xA0])


def pull():
    return bytes([0xB1, 0x3F]) + pack_map({"n": bytes([0xFF])})  # n: -1


def read_message(sock):
    data = b""
    while True:
        header = recv_exact(sock, 2)
        if header is None:
            return None
        n = struct.unpack(">H", header)[0]
        if n == 0:
            if data:
                return data
            continue
        body = recv_exact(sock, n)
        if body is None:
            return None
        data += body


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        try:
            part = sock.recv(n - len(data))
        except (ConnectionResetError, socket.timeout):
            return None
        if not part:
            return None
        data += part
    return data


def connect(port, handshake=True):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if handshake:
        sock.sendall(MAGIC + V54)
        version = recv_exact(sock, 4)
        assert version == bytes([0, 0, 4, 5]), version
    return sock


def closed(sock):
    """True when the server has closed the connection (after any replies)."""
    sock.settimeout(5)
    try:
        while True:
            if not sock.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def works(port):
    """A full exchange: handshake, HELLO, LOGON, RUN 'RETURN 1', PULL."""
    sock = connect(port)
    sock.sendall(chunk(hello()) + chunk(logon()) + chunk(run("RETURN 1 AS one")) + chunk(pull()))
    tags = []
    for _ in range(5):
        m = read_message(sock)
        if m is None:
            break
        tags.append(m[1])
    sock.close()
    return tags == [0x70, 0x70, 0x70, 0x71, 0x70]


def main():
    kg, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([kg, "serve", "--db", os.path.join(work, "db"), "--listen", "127.0.0.1:0",
                               "--max-message-bytes", "65536", "--max-connections", "4"],
                              stdout=subprocess.PIPE, stderr=log, text=True)
    line = server.stdout.readline()
    port = int(re.search(r":(\d+)", line.split("bolt://")[1]).group(1))
    try:
        check(works(port), "a well-formed exchange works")

        # Bolt 5.0: the credentials come with HELLO, no LOGON.
        s = connect(port, handshake=False)
        s.sendall(MAGIC + bytes([0, 0, 0, 5]) + bytes(12))
        check(recv_exact(s, 4) == bytes([0, 0, 0, 5]), "5.0 alone offered: 5.0 chosen")
        s.sendall(chunk(bytes([0xB1, 0x01]) + pack_map({"user_agent": "t/1", "scheme": "none"})) +
                  chunk(run("RETURN 5 AS five")) + chunk(pull()))
        tags = [read_message(s)[1] for _ in range(4)]
        check(tags == [0x70, 0x70, 0x71, 0x70], "5.0: HELLO with credentials, then RUN and PULL", tags)
        s.close()

        # RESET interrupts a statement that has produced nothing yet.
        s = connect(port)
        s.sendall(chunk(hello()) + chunk(logon()) +
                  chunk(run("UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 RETURN x")) + chunk(pull()))
        tags = [read_message(s)[1] for _ in range(3)]
        started = time.time()
        time.sleep(0.5)
        s.sendall(chunk(bytes([0xB0, 0x0F])))
        replies = [read_message(s) for _ in range(2)]
        took = time.time() - started
        check(tags == [0x70, 0x70, 0x70] and [m[1] for m in replies if m] == [0x7F, 0x70] and took < 10,
              "RESET interrupts a running statement: FAILURE for it, SUCCESS for RESET", (tags, replies, took))
        s.sendall(chunk(run("RETURN 1")) + chunk(pull()))
        tags = [read_message(s)[1] for _ in range(3)]
        check(tags == [0x70, 0x71, 0x70], "... and the connection runs the next statement", tags)
        s.close()

        # A point parameter (a structure kg does not have): the request fails
        # with a TypeError, the connection stays.
        s = connect(port)
        point_run = bytes([0xB3, 0x10]) + pack_string("RETURN $p") + bytes([0xA1]) + pack_string("p") + \
            bytes([0xB3, 0x58, 0x01, 0x02, 0x03]) + bytes([0xA0])
        s.sendall(chunk(hello()) + chunk(logon()) + chunk(point_run) + chunk(bytes([0xB0, 0x0F])) +
                  chunk(run("RETURN 1")) + chunk(pull()))
        replies = [read_message(s) for _ in range(6)]
        tags = [m[1] if m else None for m in replies]
        check(tags == [0x70, 0x70, 0x7F, 0x70, 0x70, 0x71] and b"Statement.TypeError" in replies[2],
              "a value kg does not have: TypeError, and the connection goes on", tags)
        s.close()

        s = connect(port, handshake=False)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        check(closed(s), "an HTTP request is closed")

        s = connect(port, handshake=False)
        s.sendall(MAGIC + bytes([0, 0, 0, 4]) + bytes(12))
        check(recv_exact(s, 4) == bytes(4) and closed(s), "no common version: zero answered, closed")

        s = connect(port)
        s.sendall(chunk(bytes([0xB1, 0x01, 0xD2, 0x7F, 0xFF, 0xFF, 0xFF])))  # a string of 2 GiB
        m = read_message(s)
        check(m is not None and m[1] == 0x7F and b"Neo.ClientError.Request.InvalidFormat" in m,
              "a size past the end: FAILURE", m)
        check(closed(s), "... and the connection closed")

        s = connect(port)
        s.sendall(chunk(bytes([0xB3, 0x01]) + bytes([0xA0])))  # HELLO with one field of three
        m = read_message(s)
        check(m is not None and m[1] == 0x7F and closed(s), "a structure of the wrong size: FAILURE, closed", m)

        s = connect(port)
        s.sendall(chunk(bytes([0xB1, 0x01]) + bytes([0x91]) * 5000 + bytes([0x01])))  # lists nested 5,000 deep
        m = read_message(s)
        check(m is not None and b"nested deeper" in m and closed(s), "deep nesting: FAILURE, closed", m)

        s = connect(port)
        big = hello()[:2] + pack_map({"user_agent": "x"}) + b"\xC0" * 70000
        s.sendall(chunk(big))
        m = read_message(s)
        check(m is not None and m[1] == 0x7F and closed(s), "a message over the size limit: FAILURE, closed", m)

        s = connect(port)
        s.sendall(b"\x00\x10" + b"\xB1")  # a chunk cut short, then the client goes
        s.close()

        s = connect(port)
        s.sendall(chunk(run("RETURN 1")))  # RUN before HELLO
        m = read_message(s)
        check(m is not None and m[1] == 0x7F and closed(s), "RUN before HELLO: FAILURE, closed", m)

        s = connect(port)
        s.sendall(chunk(bytes([0xB0, 0x55])))  # an unknown request
        m = read_message(s)
        check(m is not None and m[1] == 0x7F and closed(s), "an unknown request: FAILURE, closed", m)

        # More connections than allowed: the extra one is closed at once,
        # the others keep working.
        held = [connect(port) for _ in range(4)]
        time.sleep(0.5)
        extra = socket.create_connection(("127.0.0.1", port), timeout=10)
        check(closed(extra), "a connection past --max-connections is closed")
        for h in held:
            h.close()
        time.sleep(0.6)

        check(server.poll() is None and works(port), "the server still serves after all of it")
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
        check(code == 0, "SIGTERM stops the server cleanly", code)
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())

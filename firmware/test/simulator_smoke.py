#!/usr/bin/env python3
"""ctest: the simulated coop prints its pty first, and answers a hello request with its hello."""
import os
import subprocess
import sys
import termios
import tempfile
import time
import tty

sim_path = sys.argv[1]
with tempfile.TemporaryDirectory() as data:
    proc = subprocess.Popen([sim_path, "--node-id", "smoke-1", "--data-dir", data], stdout=subprocess.PIPE, text=True)
    try:
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/pts/"), f"first line is not a pty: {path!r}"
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        termios.tcflush(fd, termios.TCIFLUSH)
        # helloRequest, seq 7: version 2, type 0x13, seq 07 00, CRC-32 — COBS-stuffed, 0x00-delimited.
        import zlib
        raw = bytes([2, 0x13, 7, 0])
        raw += zlib.crc32(raw).to_bytes(4, "little")
        def cobs(data):
            out, block = bytearray(), bytearray()
            for b in data:
                if b == 0:
                    out += bytes([len(block) + 1]) + block
                    block = bytearray()
                else:
                    block.append(b)
            return bytes(out + bytes([len(block) + 1]) + block)
        os.write(fd, b"\x00" + cobs(raw) + b"\x00")
        deadline = time.time() + 5
        got = b""
        while time.time() < deadline and b"smoke-1" not in got:
            try:
                os.set_blocking(fd, False)
                got += os.read(fd, 4096)
            except BlockingIOError:
                time.sleep(0.02)
        assert b"smoke-1" in got, "no hello from the simulator"
        os.close(fd)
        print("simulator answered on", path)
    finally:
        proc.terminate()
        proc.wait(5)

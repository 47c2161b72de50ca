#!/usr/bin/env python3
"""pool.py - the project's own stratum pool for tests: answers an XMRig login with a
cn/0 job of an easy target (difficulty 257), acknowledges submits and keepalives. Listens on 127.0.0.1
only; tests run it inside their own network namespace.

usage: pool.py PORT [LOGFILE [ADDRESS]]   (ADDRESS defaults to 127.0.0.1)
With POOL_TLS=CERT:KEY in the environment it speaks stratum inside TLS, as pools do on
their TLS ports (XMRig --tls)."""
import json
import os
import ssl
import socket
import sys
import threading

BLOB = "0707" + "00" * 37 + "11" * 32 + "00" * 4 + "01"  # 76 bytes, nonce at 39


def job(n):
    return {"blob": BLOB, "job_id": str(n), "target": "ffffff00", "algo": "cn/0",
            "height": 1, "seed_hash": "00" * 32}


def serve(conn, log):
    f = conn.makefile("rwb", buffering=0)
    n = 0
    for raw in f:
        try:
            req = json.loads(raw)
        except ValueError:
            break
        m = req.get("method")
        if log:
            log.write(json.dumps(req) + "\n")
            log.flush()
        if m == "login":
            n += 1
            res = {"id": "1", "job": job(n), "status": "OK", "extensions": []}
        elif m == "submit":
            res = {"status": "OK"}
        elif m == "keepalived":
            res = {"status": "KEEPALIVED"}
        else:
            res = None
        out = {"id": req.get("id"), "jsonrpc": "2.0", "error": None, "result": res}
        f.write((json.dumps(out) + "\n").encode())
    conn.close()


def main():
    port = int(sys.argv[1])
    log = open(sys.argv[2], "a") if len(sys.argv) > 2 else None
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1", port))
    s.listen(8)
    ctx = None
    if os.environ.get("POOL_TLS"):
        cert, key = os.environ["POOL_TLS"].split(":", 1)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
    while True:
        c, _ = s.accept()
        if ctx:
            try:
                c = ctx.wrap_socket(c, server_side=True)
            except (ssl.SSLError, OSError):
                c.close()
                continue
        threading.Thread(target=serve, args=(c, log), daemon=True).start()


main()

#!/usr/bin/env python3
"""A OneBot v11 HTTP API for tools/soak.sh that fails every other call with HTTP 500.

Member lookups answer a plain member; every other action answers ok. Counts calls and failures and
writes them to the file named by its second argument on SIGTERM. Listens on 127.0.0.1 and the port
given as its first argument.
"""
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])
report = sys.argv[2]
lock = threading.Lock()
calls = {"calls": 0, "failed": 0}


class Api(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        with lock:
            calls["calls"] += 1
            fail = calls["calls"] % 2 == 0
            if fail:
                calls["failed"] += 1
        if fail:
            self.send_response(500)
            self.end_headers()
            return
        data = None
        if self.path.endswith("/get_group_member_info"):
            data = {"group_id": body.get("group_id"), "user_id": body.get("user_id"), "role": "member", "nickname": "n"}
        answer = json.dumps({"status": "ok", "retcode": 0, "data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Api)


def stop(*_):
    with open(report, "w") as f:
        json.dump(calls, f)
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, stop)
server.serve_forever()

"""An HTTP server on 127.0.0.1 for download tests: serves one file, honours Range requests
(unless told not to), can cut the first responses short to simulate an interrupted transfer,
and logs every request's Range header."""
import http.server
import os
import threading


class TestServer:
    def __init__(self, path, cut_after=None, cut_count=0, ranges=True):
        self.path = path
        self.cut_after = cut_after  # bytes of body sent before the connection is dropped
        self.cut_count = cut_count  # how many responses are cut
        self.ranges = ranges
        self.requests = []  # Range header of each GET (None when absent)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if not os.path.exists(server.path) or self.path != "/" + os.path.basename(server.path):
                    self.send_error(404)
                    return
                with open(server.path, "rb") as f:
                    data = f.read()
                rng = self.headers.get("Range")
                server.requests.append(rng)
                start = 0
                if rng and server.ranges:
                    start = int(rng.split("=")[1].split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes" if server.ranges else "none")
                self.end_headers()
                if server.cut_count > 0 and server.cut_after is not None:
                    server.cut_count -= 1
                    self.wfile.write(body[: server.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/{os.path.basename(path)}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

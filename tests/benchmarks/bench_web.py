"""Benchmark of issue 12: the web app's live check against a `samverkan validate` process.

    python tests/benchmarks/bench_web.py [--rounds N]

Side by side in one run (rounds interleaved, medians):

(a) a field edit's validation round trip – the browser's POST of the Falun 2027 form with
    one field changed to the server's check, until the answer is read – vs a whole
    `samverkan validate agreements/dalarna/falun/2027` process. Target ≤ 0.2.
(b) reported: loading the Orsa 2023 form and its preview (GET until the page is read).

The server is `samverkan webb --no-browser` in its own process, as a secretary runs it.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))


def samverkan() -> list[str]:
    script = shutil.which("samverkan", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "pipeline"]


class Client:
    """An HTTP client of the running app, with its cookie and CSRF token."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.connection = http.client.HTTPConnection(self.host, self.port)
        answer = self.request("GET", f"/?{parts.query}")
        self.cookie = answer.getheader("Set-Cookie").split(";", 1)[0]
        answer.read()
        page = self.get("/")
        self.csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if getattr(self, "cookie", None):
            headers["Cookie"] = self.cookie
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    def get(self, path: str) -> str:
        answer = self.request("GET", path)
        text = answer.read().decode("utf-8")
        assert answer.status == 200, (path, answer.status)
        return text

    def post(self, path: str, fields: list[tuple[str, str]]) -> str:
        body = urlencode(fields + [("csrf", self.csrf)]).encode("utf-8")
        answer = self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Origin": f"http://{self.host}:{self.port}",
                                                   "X-CSRF-Token": self.csrf})
        text = answer.read().decode("utf-8")
        assert answer.status == 200, (path, answer.status, text[:500])
        return text


def form_fields(page: str) -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_webapp import form_of

    return [(name, value) for name, values in form_of(page).items() for value in values]


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "agreements"
        shutil.copytree(ROOT / "agreements", data)
        server = subprocess.Popen(samverkan() + ["webb", str(data), "--no-browser"], stdout=subprocess.PIPE,
                                  text=True, cwd=folder)
        try:
            url = re.search(r"http://\S+", server.stdout.readline()).group()
            report(Client(url), data, args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


def report(client: Client, data: Path, rounds: int) -> None:
    form = "/v/dalarna/falun/2027/"
    fields = form_fields(client.get(form))
    edited = [(k, "Fler ska känna sig trygga i Falu centrum, också på kvällen." if k == "f.mål.0" else v)
              for k, v in fields]
    def check():
        return client.post(form + "kontroll", edited)

    assert "Inga fel" in check()
    validate = samverkan() + ["validate", str(data / "dalarna" / "falun" / "2027")]
    def run():
        return subprocess.run(validate, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    check(), run()
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(timed(check))
        theirs.append(timed(run))
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"(a) live check of a field edit, Falun 2027: {a * 1000:6.1f} ms   `samverkan validate` process "
          f"{b * 1000:6.1f} ms   ratio {a / b:.2f}  (target ≤ 0.2)")
    for label, path in (("the Orsa 2023 form", "/v/dalarna/orsa/2023/"),
                        ("the Orsa 2023 preview", "/v/dalarna/orsa/2023/forhandsvisning"),
                        ("the Falun 2027 form (a draft, all fields)", form)):
        client.get(path)
        times = [timed(lambda path=path: client.get(path)) for _ in range(max(3, rounds // 3))]
        print(f"(b) loading {label}: {statistics.median(times) * 1000:6.1f} ms")


if __name__ == "__main__":
    sys.exit(main())

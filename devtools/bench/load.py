"""HTTP clients of the benchmark: the standard library's http.client, one connection per request
(gunicorn's sync workers close the connection after each answer, as they do behind a proxy).

`sequential` times requests one after another (latency); `concurrent` runs a number of client threads
at once, each through its own list of requests, for a fixed time (throughput). The same clients
measure the real endpoints and the no-op endpoint, so whatever the client costs is in both.
"""

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    token: str
    body: dict | None = None
    cookie: str = ""  # a web page's session (devtools/bench/home.py): pages read the session, not the token


@dataclass
class Answer:
    status: int
    seconds: float
    body: bytes


def send(base: str, call: Call, timeout: float = 60) -> Answer:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = {"Authorization": f"Token {call.token}", "Accept": "application/json"}
    if call.cookie:
        headers = {"Cookie": call.cookie, "Accept": "text/html"}
    payload = None
    if call.body is not None:
        payload = json.dumps(call.body).encode()
        headers["Content-Type"] = "application/json"
    began = time.perf_counter()
    try:
        connection.request(call.method, call.path, body=payload, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, time.perf_counter() - began, body)
    finally:
        connection.close()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def sequential(base: str, calls: list[Call], *, warmup: int = 10) -> tuple[list[float], Counter]:
    """Latencies in seconds of the calls after the first `warmup`, sent one at a time; and every status seen."""
    statuses: Counter = Counter()
    latencies = []
    for n, call in enumerate(calls):
        answer = send(base, call)
        statuses[answer.status] += 1
        if n >= warmup:
            latencies.append(answer.seconds)
    return latencies, statuses


@dataclass
class Throughput:
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # transport failures and the first 5xx bodies

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def concurrent(base: str, queues: list[list[Call]], *, duration: float) -> Throughput:
    """One thread per queue, all started together; each sends its calls in order until its queue ends or
    `duration` seconds have passed since the start. Requests per second count every answer."""
    result = Throughput(seconds=0.0)
    lock = threading.Lock()
    start_line = threading.Barrier(len(queues) + 1)
    deadline = [0.0]

    def client(queue: list[Call]) -> None:
        start_line.wait()
        for call in queue:
            if time.perf_counter() >= deadline[0]:
                return
            try:
                answer = send(base, call)
            except OSError as exc:
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                result.statuses[answer.status] += 1
                if answer.status >= 500 and len(result.errors) < 5:
                    result.errors.append(answer.body[:500].decode(errors="replace"))

    threads = [threading.Thread(target=client, args=(queue,), daemon=True) for queue in queues]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + duration
    start_line.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result

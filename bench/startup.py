"""`ordinarthur-os run` on a warm data dir: time to a healthy /health, and idle memory.

    .venv/bin/python -m bench.startup

The floor is a minimal aiohttp process answering /health, started the same way. The service
also starts (or attaches to) the embedded PostgreSQL and checks migrations; its first, cold
start (initdb) is not counted. Prints medians of ROUNDS starts and the ratios.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench._common import free_port

ROUNDS = 5
FLOOR = """
from aiohttp import web
async def health(request): return web.json_response({"ok": True})
app = web.Application(); app.router.add_get("/health", health)
web.run_app(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), print=None)
"""


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start(cmd: list[str], env: dict[str, str], port: int) -> tuple[float, int]:
    """Seconds until /health answers 200, and the resident memory 2 s later."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        healthy = time.perf_counter() - started
        time.sleep(2)
        return healthy, rss_kb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ordinarthur-bench-startup-") as tmp:
        port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "MISTRAL_", "GROQ_", "GOOGLE_", "DATABASE_"))
        }
        env.update(DATA_DIR=tmp, PORT=str(port), APP_ENV="development")
        service = [sys.executable, "-m", "app", "run"]
        floor = [sys.executable, "-c", FLOOR, str(port)]
        start(service, env, port)  # cold: initdb, first migration
        ours = [start(service, env, port) for _ in range(ROUNDS)]
        base = [start(floor, env, port) for _ in range(ROUNDS)]
    t_ours, t_base = (statistics.median(t for t, _ in runs) for runs in (ours, base))
    m_ours, m_base = (statistics.median(m for _, m in runs) for runs in (ours, base))
    print(f"warm start to healthy /health, median of {ROUNDS}:")  # noqa: T201
    print(f"  ordinarthur-os run : {t_ours:.2f} s, idle RSS {m_ours / 1024:.0f} MiB")  # noqa: T201
    print(f"  minimal aiohttp    : {t_base:.2f} s, idle RSS {m_base / 1024:.0f} MiB")  # noqa: T201
    print(f"  ratios: time {t_ours / t_base:.1f}x, memory {m_ours / m_base:.1f}x (aim: < 3 s)")  # noqa: T201


if __name__ == "__main__":
    main()

"""Shared fixtures for the Python-driven compat scenarios (kcat, confluent-kafka, kafka-python).

With KAFKA_BOOTSTRAP set, every scenario runs against that broker (for instance the reference
Apache Kafka of compat-tests/reference-kafka). Otherwise the session starts one Tributary from
the compiled CLI (`npm run build` first; the fixture builds when dist/ is missing) on a free
port of 127.0.0.1 with a throw-away data directory, and stops it at the end.
"""
import json
import os
import secrets
import signal
import subprocess
import tempfile
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = os.path.join(REPO, "bin", "tributary.js")  # what `npx tributary` runs: it loads CLI_BUNDLE
CLI_BUNDLE = os.path.join(REPO, "dist", "cli", "tributary.cjs")  # made by `npm run build`
READY_TIMEOUT_S = 30


def unique_name(prefix):
    """A topic/group name unique to this run, so scenarios can share a real Kafka."""
    return f"{prefix}-{int(time.time() * 1000):x}-{secrets.token_hex(3)}"


def _wait_ready(proc, log_path):
    """Reads the broker's JSON log until its ready line; returns the bound port."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            with open(log_path) as f:
                raise RuntimeError(f"tributary exited with {proc.returncode} during start-up:\n{f.read()[-4000:]}")
        with open(log_path) as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if "ready on" in str(entry.get("msg", "")):
                    return entry["listeners"][0]["port"]
        time.sleep(0.05)
    raise RuntimeError(f"tributary did not log its ready line within {READY_TIMEOUT_S}s (log: {log_path})")


class Tributary:
    """Tributary started from the compiled CLI, as a user would start it."""

    def __init__(self):
        if not os.path.exists(CLI_BUNDLE):
            subprocess.run(["npm", "run", "--silent", "build"], cwd=REPO, check=True)
        self.log_dir = tempfile.mkdtemp(prefix="tributary-pytest-")
        self.log_path = os.path.join(self.log_dir, "broker.log")
        env = dict(os.environ, TRIBUTARY_LOG_LEVEL="info", TRIBUTARY_LOG_FORMAT="json")
        with open(self.log_path, "w") as log:
            # Port 0: the broker binds a free port and names it in its ready line.
            self.proc = subprocess.Popen(
                ["node", CLI, "--ephemeral", "--override", "listeners=PLAINTEXT://127.0.0.1:0"],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            )
        try:
            self.bootstrap = f"127.0.0.1:{_wait_ready(self.proc, self.log_path)}"
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def bootstrap():
    external = os.environ.get("KAFKA_BOOTSTRAP")
    if external:
        yield external
        return
    broker = Tributary()
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture
def names():
    return unique_name

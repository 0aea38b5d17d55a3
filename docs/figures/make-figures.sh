#!/bin/sh
# make-figures.sh - redraw docs/figures/*.svg from figures.py (make docs).
# Needs only python3, installed by tools/deps.sh when missing.
set -e
cd "$(dirname "$0")/../.."
sh tools/deps.sh python3:python3
python3 docs/figures/figures.py

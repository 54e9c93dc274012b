#!/usr/bin/env bash
# Writes the demo producer's OCCQ report as a workbook with `ensemble report` on the small demo,
# then reads it back with openpyxl (scripts/check-workbook.py); then a founding member's data
# diagnostic (scripts/check-diagnostic.py). Needs python3-openpyxl.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build -q -p ensemble
ensemble() { target/debug/ensemble --database "sqlite://$work/demo.db" --key-file "$work/demo.key" "$@"; }
ensemble demo --scale small > /dev/null
ensemble report --member aurore-boreale --template occq --period 2025-2026 --output "$work/occq.xlsx"
python3 scripts/check-workbook.py "$work/occq.xlsx"
# The data diagnostic of a founding member, as a workbook.
ensemble diagnostic report --member deux-rivieres --format xlsx --output "$work/diagnostic.xlsx"
python3 scripts/check-diagnostic.py "$work/diagnostic.xlsx" 7

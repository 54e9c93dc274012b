"""Reads a data-diagnostic workbook written by `ensemble diagnostic report --format xlsx` with
openpyxl, a reader independent of the one that wrote it, and checks it: every sheet has its
caption and headers; the maturity sheet has one row per dimension, each level a whole number
from 1 to 5 (or empty), each median between 1 and 5 or the sentence that says why it is hidden.
Prints "openpyxl: diagnostic ..." when sound.

Usage: python3 scripts/check-diagnostic.py DIAGNOSTIC.xlsx DIMENSIONS
"""
import sys

import openpyxl


def main(path, dimensions):
    workbook = openpyxl.load_workbook(path, read_only=True)
    names = workbook.sheetnames
    if len(names) < 4:
        sys.exit(f"unexpected sheets: {names}")
    for name in names:
        rows = list(workbook[name].iter_rows(values_only=True))
        if not rows or not rows[0][0] or len(rows) < 3 or not all(rows[2]):
            sys.exit(f"{name}: no caption or headers")
    maturity = list(workbook[names[0]].iter_rows(values_only=True))[3:]
    if len(maturity) != dimensions:
        sys.exit(f"{names[0]}: {len(maturity)} dimensions, {dimensions} expected")
    for row in maturity:
        level, median = row[1], row[2]
        if level is not None and level not in (1, 2, 3, 4, 5):
            sys.exit(f"{row[0]}: level {level}")
        if not (isinstance(median, (int, float)) and 1 <= median <= 5) and not isinstance(median, str):
            sys.exit(f"{row[0]}: median {median}")
    print(f"openpyxl: diagnostic with {len(names)} sheets and {len(maturity)} dimensions checked in {path}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

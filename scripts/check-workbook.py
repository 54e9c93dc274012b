"""Reads a report workbook written by `ensemble report` with openpyxl, a reader independent of
the one that wrote it, and checks it: every table sheet has its title, headers and lines; on each
Total line, every count column equals the sum of the lines above it; the details sheet lists as
many performances as the first table's total counts at most. Prints "openpyxl: ..." when sound.

Usage: python3 scripts/check-workbook.py REPORT.xlsx
"""
import sys

import openpyxl

ADDITIVE = ("Représentations", "Billets offerts", "Assistance", "Assistance payante", "Assistance gratuite")


def main(path):
    workbook = openpyxl.load_workbook(path, read_only=True)
    names = workbook.sheetnames
    if len(names) < 2 or names[-1] != "Détail":
        sys.exit(f"unexpected sheets: {names}")
    lines_checked = 0
    for name in names[:-1]:
        rows = list(workbook[name].iter_rows(values_only=True))
        title, headers, body = rows[0][0], rows[3], rows[4:]
        if not title:
            sys.exit(f"{name}: no title")
        totals = [row for row in body if row[0] == "Total"]
        if len(totals) != 1:
            sys.exit(f"{name}: {len(totals)} total lines")
        lines = [row for row in body if row[0] != "Total"]
        for column, header in enumerate(headers):
            if header in ADDITIVE:
                added = sum(row[column] or 0 for row in lines)
                if added != totals[0][column]:
                    sys.exit(f"{name}: {header} adds up to {added}, the total says {totals[0][column]}")
        lines_checked += len(lines)
    details = list(workbook["Détail"].iter_rows(values_only=True))[1:]
    if not details or any(not isinstance(row[0], (int, float)) for row in details):
        sys.exit("the details sheet lists no performance")
    print(f"openpyxl: {len(names)} sheets, {lines_checked} lines and {len(details)} performances checked in {path}")


if __name__ == "__main__":
    main(sys.argv[1])

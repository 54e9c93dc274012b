#!/usr/bin/env python3
"""Load benchmark of the portal: the full demo consortium served locally by the release binary,
main pages (signed in) and API list endpoints (with a token) under 50 concurrent connections with
wrk. Prints p50, p95 and p99 latency, throughput and errors per endpoint as a Markdown table.

Usage: python3 bench/load/run.py [--duration 20] [--connections 50] [--fresh]
"""
import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "target", "bench-load")
BINARY = os.path.join(ROOT, "target", "release", "ensemble")
MEMBER = "deux-rivieres"
LOGIN = f"admin@{MEMBER}.example"
PASSWORD = "ensemble-demo"

PAGES = [
    "/representations",
    "/representations?season=2025&region=06",
    "/representations?discipline=Theatre&page=3",
    "/spectacles",
    "/lieux",
    "/organisations?role=presenter",
    f"/membres/{MEMBER}",
    "/statistiques?mois=2025-10",
]
API = [
    "/api/v1/performances?limit=50",
    "/api/v1/performances?season=2025&region=06",
    "/api/v1/shows",
    "/api/v1/places",
    "/api/v1/organizations?limit=100",
    "/api/v1/statistics/ticket-sales?month=2025-11",
]

LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %.2f %.2f %.2f\\n", summary.requests, errors,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def ensemble(*args, **kwargs):
    database = f"sqlite://{WORK}/full.db"
    command = [BINARY, "--database", database, "--key-file", f"{WORK}/full.key", *args]
    return subprocess.run(command, check=True, **kwargs)


def prepare(fresh):
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "ensemble"], cwd=ROOT, check=True)
    if fresh and os.path.exists(WORK):
        shutil.rmtree(WORK)
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(os.path.join(WORK, "full.db")):
        print("generating the full demo consortium ...", file=sys.stderr)
        ensemble("demo", "--scale", "full", stdout=subprocess.DEVNULL)


def serve():
    log = open(os.path.join(WORK, "serve.log"), "w")
    server = subprocess.Popen(
        [BINARY, "--database", f"sqlite://{WORK}/full.db", "--key-file", f"{WORK}/full.key",
         "serve", "--bind", "127.0.0.1:0"],
        stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        time.sleep(0.05)
        found = re.search(r"http://127\.0\.0\.1:\d+", open(os.path.join(WORK, "serve.log")).read())
        if found:
            return server, found.group(0)
    server.kill()
    sys.exit("the portal did not start")


def sign_in(base):
    """Signs in as a person would and creates an API token on the account page."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/connexion").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"login": LOGIN, "password": PASSWORD, "csrf": csrf}).encode()
    opener.open(f"{base}/connexion", body)
    session = next(c.value for c in jar if c.name == "ensemble_session")
    account = opener.open(f"{base}/compte").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', account).group(1)
    body = urllib.parse.urlencode({"label": "banc d'essai", "csrf": csrf}).encode()
    page = opener.open(f"{base}/compte/jetons", body).read().decode()
    token = re.search(r'class="secret">([0-9a-f]{64})<', page).group(1)
    return f"ensemble_session={session}", token


def check(base, path, header):
    """Asks once (for a pooled month, this first request makes its release) and says how long."""
    request = urllib.request.Request(base + path, headers=dict([header]))
    opener = urllib.request.build_opener(NoRedirect)
    started = time.perf_counter()
    with opener.open(request) as response:
        response.read()
        if response.status != 200:
            sys.exit(f"{path}: {response.status}")
    return (time.perf_counter() - started) * 1000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(base, path, header, duration, connections):
    script = os.path.join(WORK, "report.lua")
    with open(script, "w") as f:
        f.write(LUA)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script,
         "-H", f"{header[0]}: {header[1]}", base + path],
        check=True, capture_output=True, text=True).stdout
    fields = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", output).groups()
    requests, errors, micros = int(fields[0]), int(fields[1]), int(fields[2])
    return {
        "path": path,
        "requests": requests,
        "errors": errors,
        "per_second": requests / (micros / 1e6),
        "p50": float(fields[3]),
        "p95": float(fields[4]),
        "p99": float(fields[5]),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    prepare(args.fresh)
    server, base = serve()
    try:
        cookie, token = sign_in(base)
        runs = []
        for path in PAGES:
            header = ("Cookie", cookie)
            first = check(base, path, header)
            runs.append({**wrk(base, path, header, args.duration, args.connections), "first": first})
        for path in API:
            header = ("Authorization", f"Bearer {token}")
            first = check(base, path, header)
            runs.append({**wrk(base, path, header, args.duration, args.connections), "first": first})
    finally:
        server.terminate()
        server.wait()
    print(f"| endpoint | first request (ms) | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | errors |")
    print("|---|---|---|---|---|---|---|")
    for run in runs:
        print(f"| `{run['path']}` | {run['first']:.0f} | {run['per_second']:.0f} | {run['p50']:.1f} "
              f"| {run['p95']:.1f} | {run['p99']:.1f} | {run['errors']} of {run['requests']} |")
    with open(os.path.join(WORK, "results.json"), "w") as f:
        json.dump(runs, f, indent=2)


if __name__ == "__main__":
    main()

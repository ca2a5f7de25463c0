#!/usr/bin/env python3
"""Take a screenshot of an Odoo screen as a given user, in headless Chromium.

Used to look at the addons' screens (README pictures, review before calling a
screen done). Talks to Chromium over the DevTools protocol with websocket-client:

    python3 tests/browser/screenshot.py --login sb01.teller1 --password demo \
        --path "/web#action=star_tiering.action_bank_customers" --out /tmp/customers.png

--wait-for waits for a CSS selector before the picture is taken; --lang sets the
user's language first (it must be installed in the database).
"""
import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

CHROME_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
]


def find_chrome():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("No Chromium found: apt-get install chromium")


def odoo_session(base, db, login, password, lang=None):
    http = requests.Session()
    page = http.get(f"{base}/web/login", params={"db": db}, timeout=60).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    response = http.post(f"{base}/web/login", data={
        "login": login, "password": password, "db": db, "csrf_token": token.group(1) if token else "",
    }, timeout=60, allow_redirects=False)
    if "session_id" not in http.cookies or response.status_code not in (302, 303):
        sys.exit(f"Login failed for {login}")
    if lang:
        info = http.post(f"{base}/web/session/get_session_info", json={"params": {}}, timeout=60).json()
        uid = info["result"]["uid"]
        http.post(f"{base}/web/dataset/call_kw/res.users/write", json={"params": {
            "model": "res.users", "method": "write", "args": [[uid], {"lang": lang}], "kwargs": {},
        }}, timeout=60).raise_for_status()
        # the session keeps the language it logged in with: log in again
        return odoo_session(base, db, login, password)
    return http.cookies["session_id"]


class Chrome:
    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="shot_chrome_")
        self.proc = subprocess.Popen(
            [find_chrome(), *CHROME_FLAGS, f"--window-size={width},{height}",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _i in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=10).json()
        url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.send("Emulation.setDeviceMetricsOverride",
                  width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, selector, timeout):
        deadline = time.time() + timeout
        expression = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() < deadline:
            if self.send("Runtime.evaluate", expression=expression)["result"].get("value"):
                return True
            time.sleep(0.3)
        return False

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


FIND_TEXT = """[...document.querySelectorAll(%s)].find(
    el => el.offsetParent !== null && el.textContent.includes(%s))"""
FOCUS = "(() => { const el = document.querySelector(%s); el.focus(); el.select(); return true; })()"
CHANGE = """(() => { const el = document.querySelector(%s);
    el.dispatchEvent(new Event('change', {bubbles: true})); el.blur(); return true; })()"""


def run_steps(chrome, args):
    """Play the --steps file (see --help): a walk through a screen, with
    screenshots along the way."""
    # pylint: disable=print-used  # a command-line tool: what it prints is its output
    with open(args.steps, encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    for line in lines:
        verb, _sep, rest = line.partition(" ")
        time.sleep(args.settle if verb in ("click", "clicktext", "fill", "shot") else 0)
        if verb == "sleep":
            time.sleep(float(rest))
        elif verb == "wait":
            if not chrome.wait_for(rest, args.timeout):
                sys.exit(f"step {line!r}: not found")
        elif verb == "click":
            if not chrome.wait_for(rest, args.timeout):
                sys.exit(f"step {line!r}: not found")
            chrome.send("Runtime.evaluate", expression=f"document.querySelector({json.dumps(rest)}).click()")
        elif verb == "clicktext":
            selector, _sep, text = rest.partition(" | ")
            found = chrome.send("Runtime.evaluate", returnByValue=True, expression=(
                f"(() => {{ const el = {FIND_TEXT % (json.dumps(selector), json.dumps(text))};"
                " if (!el) return false; el.click(); return true; })()"))
            if not found.get("result", {}).get("value"):
                sys.exit(f"step {line!r}: no {selector!r} containing {text!r}")
        elif verb == "fill":
            selector, _sep, text = rest.partition(" | ")
            if not chrome.wait_for(selector, args.timeout):
                sys.exit(f"step {line!r}: not found")
            # typed as a person types: the field's own input events
            chrome.send("Runtime.evaluate", expression=FOCUS % json.dumps(selector))
            chrome.send("Input.insertText", text=text)
            chrome.send("Runtime.evaluate", expression=CHANGE % json.dumps(selector))
        elif verb == "shot":
            shot = chrome.send("Page.captureScreenshot", format="png")
            with open(rest, "wb") as out:
                out.write(base64.b64decode(shot["data"]))
            print(rest)
        else:
            sys.exit(f"unknown step {line!r}")


def main():
    # pylint: disable=print-used  # a command-line tool: what it prints is its output
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="bank_demo")
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", default="demo")
    parser.add_argument("--path", default="/web")
    parser.add_argument("--out", required=True)
    parser.add_argument("--lang")
    parser.add_argument("--wait-for", default=".o_action_manager .o_view_controller")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--settle", type=float, default=1.5, help="seconds to let the screen settle")
    parser.add_argument("--click", action="append", default=[], help="CSS selector to click, in order")
    parser.add_argument("--steps", help="a file of steps, one a line, run after --click: 'click SELECTOR', "
                        "'clicktext SELECTOR | TEXT' (the first SELECTOR match containing TEXT), 'fill SELECTOR "
                        "| TEXT' (types TEXT into the field), 'wait SELECTOR', 'sleep SECONDS', 'shot FILE.png'")
    parser.add_argument("--tz", default="Asia/Shanghai", help="the browser's time zone (default the bank's)")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()

    session = odoo_session(args.url, args.db, args.login, args.password, args.lang)
    chrome = Chrome(args.width, args.height)
    try:
        host = re.sub(r"^https?://([^:/]+).*", r"\1", args.url)
        # the web client shows times in the browser's time zone: the bank's
        chrome.send("Emulation.setTimezoneOverride", timezoneId=args.tz)
        chrome.send("Network.enable")
        chrome.send("Network.setCookie", name="session_id", value=session, domain=host, path="/")
        chrome.send("Page.navigate", url=args.url + args.path)
        if not chrome.wait_for(args.wait_for, args.timeout):
            print(f"warning: {args.wait_for!r} not found after {args.timeout}s", file=sys.stderr)
        for selector in args.click:
            time.sleep(args.settle)
            if not chrome.wait_for(selector, args.timeout):
                sys.exit(f"cannot click {selector!r}: not found")
            chrome.send("Runtime.evaluate", expression=f"document.querySelector({json.dumps(selector)}).click()")
        if args.steps:
            run_steps(chrome, args)
        time.sleep(args.settle)
        shot = chrome.send("Page.captureScreenshot", format="png")
        with open(args.out, "wb") as handle:
            handle.write(base64.b64decode(shot["data"]))
        print(args.out)
    finally:
        chrome.close()


if __name__ == "__main__":
    main()

"""Test helper: a minimal W3C WebDriver client (standard library only) that drives headless
Chromium through chromedriver, for the dashboard's browser test. Not thread-safe: one test
thread drives one browser.

    with Browser(chromedriver="/usr/bin/chromedriver", chromium="/usr/bin/chromium") as b:
        b.get("http://127.0.0.1:8080/")
        b.wait_for("return document.title", timeout_s=5)
        png = b.screenshot_png()

Every wait and every request is bounded, and a browser that does not start is a clear error
(with chromedriver's log), never a hang.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--no-default-browser-check", "--window-size=1280,1100"]


class WebDriverError(Exception):
    pass


class Browser:
    def __init__(self, chromedriver, chromium, start_timeout_s=30):
        for path in (chromedriver, chromium):
            if not os.access(path, os.X_OK):
                raise WebDriverError(f"{path} is missing (apt-get install chromium chromium-driver)")
        self._dir = tempfile.mkdtemp(prefix="qgrad_browser_")
        self._log_path = os.path.join(self._dir, "chromedriver.log")
        self._log = open(self._log_path, "w")
        self._driver = subprocess.Popen([chromedriver, "--port=0"], stdout=subprocess.PIPE,
                                        stderr=self._log, text=True)
        self.session = None
        try:
            self._base = f"http://127.0.0.1:{self._driver_port(start_timeout_s)}"
            caps = {"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": CHROMIUM_ARGS + [f"--user-data-dir={self._dir}/profile"]},
            }}}
            value = self._request("POST", "/session", caps, timeout_s=start_timeout_s)
            self.session = value["sessionId"]
            self._command("POST", "/timeouts", {"script": 15000, "pageLoad": 15000})
        except BaseException:
            self.close()
            raise

    def _driver_port(self, timeout_s):
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(self._driver.stdout.readline, "")),
                                  daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in lines:
                match = re.search(r"started successfully on port (\d+)", line)
                if match:
                    return int(match.group(1))
            if self._driver.poll() is not None:
                break
            time.sleep(0.05)
        raise WebDriverError(f"chromedriver did not start within {timeout_s} s: {''.join(lines)!r}"
                             f"{self.log_tail()}")

    def log_tail(self):
        self._log.flush()
        with open(self._log_path, errors="replace") as f:
            tail = f.read()[-3000:]
        return f"\n--- chromedriver log (tail) ---\n{tail}" if tail else ""

    def _request(self, method, path, body=None, timeout_s=20):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self._base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:2000]
            raise WebDriverError(f"{method} {path}: HTTP {e.code}: {detail}{self.log_tail()}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise WebDriverError(f"{method} {path}: {e}{self.log_tail()}") from None

    def _command(self, method, path, body=None, timeout_s=20):
        return self._request(method, f"/session/{self.session}{path}", body, timeout_s)

    def get(self, url):
        self._command("POST", "/url", {"url": url})

    def run(self, script, *args):
        """Runs `script` (a function body) in the page and returns what it returns."""
        return self._command("POST", "/execute/sync", {"script": script, "args": list(args)})

    def run_async(self, script, *args):
        """Runs `script` with a callback as its last argument; returns what it is called with."""
        return self._command("POST", "/execute/async", {"script": script, "args": list(args)})

    def wait_for(self, script, timeout_s, *args, what=None):
        """Polls `script` until it returns a truthy value, which it returns."""
        deadline = time.monotonic() + timeout_s
        value = None
        while time.monotonic() < deadline:
            value = self.run(script, *args)
            if value:
                return value
            time.sleep(0.1)
        raise WebDriverError(f"timed out after {timeout_s} s waiting for {what or script!r} "
                             f"(last value {value!r})")

    def screenshot_png(self):
        return base64.b64decode(self._command("GET", "/screenshot", timeout_s=30))

    def close(self):
        if self.session:
            try:
                self._request("DELETE", f"/session/{self.session}", timeout_s=10)
            except WebDriverError:
                pass  # the browser is going away in any case
            self.session = None
        if self._driver.poll() is None:
            self._driver.terminate()
            try:
                self._driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._driver.kill()
                self._driver.wait()
        self._log.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

#!/usr/bin/env python3
"""The dashboard in a real browser: Debian's chromium, headless, driven by chromium-driver
(selenium), against `edgeai up --demo` and a second, real agent process.

Logs in through the one-time link `edgeai up` prints, sees the demo dataset's count, appends to
its file and sees the number and the sparkline change without a reload, stops the second agent
and sees its node go offline (the hub's grace is set to 2 s), and checks that a wrong token gets
the login page. Saves screenshots into $DASHBOARD_SCREENSHOTS (default: a temporary directory).
Every wait has a deadline; any failure exits non-zero.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BIN = os.environ.get("EDGEAI_BIN") or sys.exit("dashboard: EDGEAI_BIN is not set")
SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS") or tempfile.mkdtemp(prefix="edgeai-dashboard-shots-")
os.makedirs(SHOTS, exist_ok=True)


def fail(message):
    print(f"dashboard: FAIL: {message}", file=sys.stderr)
    raise SystemExit(1)


POLL = threading.Event()  # never set: waiting on it is the pause between polls


def wait_for(what, condition, timeout=30.0, interval=0.1):
    """Polls `condition` until it returns a truthy value; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except WebDriverException as error:  # an element replaced mid-read: try again
            last_error = error
        POLL.wait(interval)
    fail(f"timed out after {timeout:.0f} s waiting for {what}" + (f" (last error: {last_error.msg})" if last_error else ""))


class Process:
    """A child process whose output goes to a log file we can search."""

    def __init__(self, name, args, directory):
        self.name = name
        self.log_path = os.path.join(directory, f"{name}.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, cwd=directory)

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_for_line(self, pattern, timeout=90.0):
        regex = re.compile(pattern)

        def found():
            if self.proc.poll() is not None:
                print(self.output(), file=sys.stderr)
                fail(f"{self.name} exited with {self.proc.returncode} before printing /{pattern}/")
            return regex.search(self.output())

        return wait_for(f"{self.name} to print /{pattern}/", found, timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


def shot(driver, name):
    path = os.path.join(SHOTS, f"dashboard-{name}.png")
    driver.save_screenshot(path)
    print(f"dashboard: screenshot {path}")


def cell(driver, key, column):
    rows = driver.find_elements(By.CSS_SELECTOR, f'tr[data-key="{key}"] [data-c="{column}"]')
    return rows[0].text if rows else None


def main():
    work = tempfile.mkdtemp(prefix="edgeai-dashboard-")
    data = os.path.join(work, "data")
    processes = []
    driver = None
    try:
        up = Process("up", [BIN, "up", "--demo", "--data-dir", data, "--port", "0", "--hub-port", "0", "--agent-port", "0",
                            "--ui-port", "0", "--node-offline-grace", "2"], work)
        processes.append(up)
        link = up.wait_for_line(r"one-time login link \(10 min\): (http://\S+)").group(1)
        base = link.split("/ui/")[0]
        up.wait_for_line(r"demo: done")
        index = re.search(r"append to (\S+) and watch", up.output()).group(1)
        # The join line issues the node's token through `edgeai token create` (a generation of its own).
        join = re.search(r'edgeai edge --node edge1 --token "\$\(edgeai token create --node edge1 --data-dir (\S+)\)" --cloud (\S+) --ca (\S+)',
                         up.output())
        if not join:
            fail("edgeai up printed no join command for edge1")
        token_dir, cloud, ca = join.groups()
        issued = subprocess.run([BIN, "token", "create", "--node", "edge1", "--data-dir", token_dir],
                                capture_output=True, text=True, timeout=60)
        if issued.returncode != 0 or not issued.stdout.strip():
            fail("edgeai token create for edge1 failed: " + issued.stderr.strip()[-300:])
        token = issued.stdout.strip()
        allowed = os.path.join(work, "edge1-data")
        os.makedirs(allowed)
        edge1 = Process("edge1", [BIN, "edge", "--node", "edge1", "--token", token, "--cloud", cloud, "--ca", ca,
                                  "--allow", allowed, "--data-dir", os.path.join(work, "edge1"), "--api-port", "0"], work)
        processes.append(edge1)

        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        driver.set_page_load_timeout(30)

        # Nothing without a session: the pages send the browser to the login page.
        driver.get(base + "/ui/datasets")
        wait_for("the login page", lambda: driver.find_elements(By.ID, "login-form"))

        # A wrong token gets the login page again, with an error.
        driver.find_element(By.ID, "token").send_keys("not-a-token-" + "x" * 20)
        driver.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait_for("the wrong token's error", lambda: driver.find_elements(By.ID, "login-error"))
        if not driver.find_elements(By.ID, "login-form") or "/ui/login" not in driver.current_url:
            fail("a wrong token did not get the login page")
        if "not-a-token" in driver.page_source:
            fail("the login page repeats the refused token")

        # The one-time link signs in (once) and lands on the fleet page.
        driver.get(link)
        wait_for("the fleet page", lambda: driver.find_elements(By.CSS_SELECTOR, 'table#rows[data-page="fleet"]'))
        wait_for("the live stream", lambda: driver.find_element(By.ID, "live").text == "live")
        wait_for("edge1 online", lambda: cell(driver, "edge1", "phase") == "Online", timeout=60)
        if cell(driver, "edge0", "phase") != "Online":
            fail(f"edge0 is {cell(driver, 'edge0', 'phase')!r}, not Online")
        shot(driver, "fleet")

        # The demo dataset's count, then an append seen live: number and sparkline, no reload.
        driver.get(base + "/ui/datasets")
        wait_for("the live stream", lambda: driver.find_element(By.ID, "live").text == "live")
        key = "default/dataset-examp"
        before = int(wait_for("the demo dataset's count", lambda: cell(driver, key, "samples")))
        if before < 100:
            fail(f"the demo dataset shows {before} samples")
        points = lambda: int(driver.find_element(By.CSS_SELECTOR, f'tr[data-key="{key}"] svg.spark').get_attribute("data-points") or 0)
        if points() != 1:
            fail(f"the sparkline starts with {points()} points")
        driver.execute_script("window.__notReloaded = true;")
        with open(index, "a") as f:
            f.write("".join(f"images/browser-{i}.jpg\n" for i in range(7)))
        wait_for("the new count", lambda: cell(driver, key, "samples") == str(before + 7))
        wait_for("the sparkline's second point", lambda: points() == 2)
        with open(index, "a") as f:
            f.write("".join(f"images/browser-more-{i}.jpg\n" for i in range(3)))
        wait_for("the newer count", lambda: cell(driver, key, "samples") == str(before + 10))
        wait_for("the sparkline's third point", lambda: points() == 3)
        if driver.execute_script("return window.__notReloaded === true;") is not True:
            fail("the datasets page reloaded")
        line = driver.find_element(By.CSS_SELECTOR, f'tr[data-key="{key}"] svg.spark polyline').get_attribute("points")
        if len(line.split()) != 3:
            fail(f"the sparkline draws {line!r}")
        shot(driver, "datasets")

        # The other pages render; the YAML link shows the object.
        driver.get(base + "/ui/yaml/datasets/default/dataset-examp")
        yaml = wait_for("the YAML", lambda: driver.find_element(By.ID, "yaml").text)
        if "kind: Dataset" not in yaml or "numberOfSamples" not in yaml:
            fail("the YAML page does not show the dataset")
        # A job on the node reports a model metric twice: the models page charts it live.
        driver.get(base + "/ui/models")
        model = "default/model-examp"
        wait_for("the demo model", lambda: cell(driver, model, "name") == "model-examp")
        wait_for("the live stream", lambda: driver.find_element(By.ID, "live").text == "live")
        agent_api = re.search(r"jobs' API (http://127\.0\.0\.1:\d+)/v1/datasets", up.output()).group(1)
        model_points = lambda: int(driver.find_element(By.CSS_SELECTOR, f'tr[data-key="{model}"] svg.spark').get_attribute("data-points") or 0)
        start_points = model_points()
        for value in ["0.51", "0.93"]:
            body = json.dumps({"metrics": [{"key": "accuracy", "value": value}]}).encode()
            request = urllib.request.Request(agent_api + "/v1/models/default/model-examp/metrics", data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=20) as reply:
                if reply.status // 100 != 2:
                    fail(f"the agent's API answered {reply.status} to a metric")
            wait_for(f"accuracy={value} on the models page", lambda: f"accuracy={value}" in (cell(driver, model, "metrics") or ""))
        wait_for("the metric chart's new points", lambda: model_points() >= start_points + 2)
        shot(driver, "models")
        driver.get(base + "/ui/events")
        wait_for("the events page", lambda: driver.find_elements(By.CSS_SELECTOR, 'table#rows[data-page="events"]'))

        # Stop the second agent: its node goes offline on the open fleet page, and the timeline says so.
        driver.get(base + "/ui/fleet")
        wait_for("the live stream", lambda: driver.find_element(By.ID, "live").text == "live")
        driver.execute_script("window.__notReloaded = true;")
        edge1.stop()
        wait_for("edge1 offline", lambda: cell(driver, "edge1", "phase") == "Offline", timeout=60)
        wait_for("the timeline entry", lambda: "edge1: Online → Offline" in driver.find_element(By.ID, "timeline").text)
        if driver.execute_script("return window.__notReloaded === true;") is not True:
            fail("the fleet page reloaded")
        shot(driver, "fleet-offline")

        # Readable on a phone.
        driver.set_window_size(390, 844)
        driver.get(base + "/ui/datasets")
        wait_for("the datasets page on a phone", lambda: cell(driver, key, "samples"))
        width = driver.execute_script("return document.documentElement.scrollWidth;")
        if width > 420:
            fail(f"the page is {width}px wide on a 390px screen")
        shot(driver, "phone")

        # Signing out ends the session; the used one-time link does not sign in again.
        driver.set_window_size(1280, 800)
        driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
        wait_for("the login page after signing out", lambda: driver.find_elements(By.ID, "login-form"))
        driver.get(link)
        wait_for("the used link's error", lambda: driver.find_elements(By.ID, "login-error"))
        print("dashboard: all browser checks passed")
    finally:
        if driver is not None:
            try:
                driver.quit()
            except WebDriverException:
                pass
        for process in reversed(processes):
            process.stop()
        if os.environ.get("DASHBOARD_KEEP") != "1":
            subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    main()

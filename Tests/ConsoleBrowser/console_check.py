"""Drives the emulator's web console in headless Chromium, as a person would.

Run by Tests/AcctTests/ConsoleBrowserTests.swift against a running
`acct serve`, once per language. It makes a user on the page and copies its
token, requests a deletion through `acct` and sees it appear with its
countdown, advances the clock from the page and sees the countdown change,
injects a 503 from the page and sees the next `acct sync` fail with it in
the request log, then lets the retry through. Along the way it checks that
every request the browser made went to the emulator's own origin, that the
page was served with a policy that allows only that origin and broke none
of it, that no full token is in the page, and it saves a screenshot.

Each step prints a line; a failure prints what was expected and what the
page or acct showed, saves `<screenshot>.failed.png`, and exits 1.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

# What a person sees, in each language: written here, not read from the
# emulator's tables, so that a wrong table fails the test.
SEES = {
    "en": {
        "title": "AccountCore emulator",
        "live": "Live, updated",
        "days_left": lambda n: f"{n} day left" if n == 1 else f"{n} days left",
        "pending": "pending",
        "cancelled": "cancelled",
        "made": "Made ",
        "copied": "The token is on the clipboard.",
        "no_faults": "None.",
        "unavailable": "503 with Retry-After",
        "job_nothing": "Nothing was due.",
        "done": "Done.",
        "replayed": "replayed",
        "dropped": "dropped",
        "apply_then_close": "apply, then close without answering",
        "acct_503": "The server had a problem (503).",
        "bad_number": "For the next N requests: a whole number from 1 to 100,000.",
    },
    "tr": {
        "title": "AccountCore emülatörü",
        "live": "Canlı,",
        "days_left": lambda n: f"{n} gün kaldı",
        "pending": "bekliyor",
        "cancelled": "iptal edildi",
        "made": " oluşturuldu.",
        "copied": "Jeton panoya kopyalandı.",
        "no_faults": "Yok.",
        "unavailable": "Retry-After ile 503",
        "job_nothing": "Zamanı gelen silme yok.",
        "done": "Tamam.",
        "replayed": "önceki yanıt",
        "dropped": "bağlantı kesildi",
        "apply_then_close": "uygula, sonra yanıt vermeden kapat",
        "acct_503": "Sunucuda bir sorun oluştu (503).",
        "bad_number": "Sonraki N istek için: 1 ile 100.000 arasında bir tam sayı.",
    },
}

DELETION_PATH = "/api/v1/users/me/account-deletion"
EXPECTED_POLICY = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

# Resolves when some element matching the selector holds every one of the
# texts (or shows an error, class "error"), watching the page's changes
# rather than polling it. No eval: the page's policy forbids it, and rightly.
WAIT_FOR_TEXTS = """
const [selector, wanted, done] = arguments;
const probe = () => {
  for (const node of document.querySelectorAll(selector)) {
    const text = node.textContent;
    if (wanted.every((part) => text.includes(part))) return { text };
    if (node.classList.contains("error") && text !== "") return { error: text };
  }
  return null;
};
const found = probe();
if (found !== null) { done(found); return; }
const observer = new MutationObserver(() => {
  const text = probe();
  if (text !== null) { observer.disconnect(); done(text); }
});
observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
"""


class Failure(Exception):
    pass


class Console:
    def __init__(self, arguments):
        self.arguments = arguments
        self.language = arguments.language
        self.sees = SEES[self.language]
        parts = urllib.parse.urlsplit(arguments.console)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.driver = None
        self.last_acct = ""

    # MARK: The browser

    def start(self):
        options = Options()
        options.binary_location = self.arguments.chromium
        flags = ["--headless=new", "--window-size=1440,1200", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                 "--disable-sync", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1"]
        if os.geteuid() == 0:
            # Chromium's sandbox refuses to run as root (CI runs as root).
            flags.append("--no-sandbox")
        for flag in flags:
            options.add_argument(flag)
        # English is asked for with ?lang=en against a browser that prefers
        # Turkish; Turkish by the browser's preference alone.
        options.add_experimental_option("prefs", {"intl.accept_languages": "tr-TR,tr"})
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        service = Service(executable_path=self.arguments.chromedriver,
                          log_output=os.path.join(self.arguments.workdir, "chromedriver.log"))
        self.driver = webdriver.Chrome(options=options, service=service)
        # A safety net for a wait that never ends, not a measure of speed.
        self.driver.set_script_timeout(90)
        self.driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": self.origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})

    def stop(self):
        if self.driver is not None:
            self.driver.quit()

    def wait_for(self, selector, *texts, what):
        """The text of the first element matching `selector` that holds all `texts`."""
        try:
            found = self.driver.execute_async_script(WAIT_FOR_TEXTS, selector, list(texts))
        except TimeoutException:
            shown = [node.text for node in self.driver.find_elements(By.CSS_SELECTOR, selector)][:8]
            raise Failure(f"{what}: no {selector} held {list(texts)}; the page shows {shown}") from None
        if "error" in found and not any(found["error"] == text for text in texts):
            raise Failure(f"{what}: {selector} shows an error, {found['error']!r}, not {list(texts)}")
        return found.get("text", found.get("error"))

    def text(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def fill(self, element_id, value):
        field = self.driver.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(str(value))

    def click(self, element_id):
        self.driver.find_element(By.ID, element_id).click()

    # MARK: acct and the control API

    def acct(self, token, *arguments, expect):
        command = [self.arguments.acct, "--server", self.origin, "--db",
                   os.path.join(self.arguments.workdir, "store.sqlite"), "--token", token,
                   "--lang", self.language, *arguments]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        shown = " ".join(arguments)
        self.last_acct = f"acct {shown} exited {result.returncode}:\n{result.stdout}{result.stderr}"
        if result.returncode != expect:
            raise Failure(f"acct {shown} exited {result.returncode}, not {expect}:\n{result.stdout}{result.stderr}")
        step(f"acct {shown}: exit {expect}")
        return result.stdout + result.stderr

    def control(self, path):
        with urllib.request.urlopen(self.origin + "/__emulator/" + path, timeout=30) as answer:
            return json.load(answer)

    # MARK: The scenario

    def run(self):
        sees = self.sees
        url = self.arguments.console + ("?lang=en" if self.language == "en" else "")
        self.driver.get(url)
        self.wait_for("#status", sees["live"], what="the page reads the control API")
        if self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != self.language:
            raise Failure(f"{url} is not in {self.language}")
        if self.driver.title != sees["title"]:
            raise Failure(f"the title is {self.driver.title!r}, not {sees['title']!r}")
        step(f"{url} is live, in {self.language}")

        # Make a user on the page and copy its token.
        username = f"console_{self.language}"
        Select(self.driver.find_element(By.ID, "user-backend")).select_by_value("allmine")
        self.fill("user-username", username)
        self.click("make-user")
        made = self.wait_for("#user-result", sees["made"], what="the page makes a user")
        last = re.search(r"…([0-9a-f]{4})", made)
        if last is None:
            raise Failure(f"the page does not show the token's last four characters: {made!r}")
        self.click("copy-token")
        self.wait_for("#copy-result", sees["copied"], what="the token is copied")
        token = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "navigator.clipboard.readText().then(done, (error) => done('failed: ' + error));")
        if not re.fullmatch(r"[0-9a-f]{64}", token) or not token.endswith(last.group(1)):
            raise Failure(f"the clipboard holds {token!r}, not a token ending in {last.group(1)}")
        step(f"made {username} on the page; its token (…{last.group(1)}) is on the clipboard")

        # A deletion requested through acct appears with its countdown.
        self.acct(token, "delete", "request", expect=0)
        row = "#account-tables tr[data-user]"
        self.wait_for(row, username, sees["pending"], sees["days_left"](28), what="the deletion appears")
        step(f"{username}: {sees['pending']}, {sees['days_left'](28)}")

        # The clock, advanced from the page, moves the countdown.
        self.fill("clock-days", 3)
        self.fill("clock-hours", 0)
        self.click("advance")
        self.wait_for(row, username, sees["days_left"](25), what="the countdown follows the clock")
        step(f"3 days later: {sees['days_left'](25)}")

        # Bad input on the page is refused with a clear text, nothing sent.
        self.fill("fault-count", 0)
        self.click("inject")
        self.wait_for("#fault-result", sees["bad_number"], what="a count of 0 is refused")
        if self.control("faults")["faults"]:
            raise Failure("a refused fault reached the emulator")
        step(f"a count of 0 is refused: {sees['bad_number']}")

        # A 503 injected from the page fails the next acct sync, and the
        # request log shows it.
        self.acct(token, "--offline", "delete", "cancel", expect=3)
        Select(self.driver.find_element(By.ID, "fault-method")).select_by_value("DELETE")
        self.fill("fault-path", DELETION_PATH)
        Select(self.driver.find_element(By.ID, "fault-mode")).select_by_value("unavailable")
        self.fill("fault-count", 1)
        # Retry-After 0, so that the retry below may go at once.
        self.fill("fault-retry-after", 0)
        self.click("inject")
        self.wait_for("#fault-list li", "DELETE", DELETION_PATH, sees["unavailable"], what="the fault waits")
        said = self.acct(token, "sync", expect=3)
        if sees["acct_503"] not in said:
            raise Failure(f"acct sync does not say {sees['acct_503']!r}:\n{said}")
        failed = self.wait_for("#request-rows tr", "DELETE", DELETION_PATH, "503", what="the 503 is in the request log")
        self.wait_for("#fault-list li", sees["no_faults"], what="the fault is used up")
        key = idempotency_key(failed)
        if f"Bearer …{last.group(1)}" not in failed:
            raise Failure(f"the request log does not show the token as its last four characters: {failed!r}")
        step(f"acct sync failed with 503; the log shows it with its key {key} and Bearer …{last.group(1)}")

        # The retry goes with the same key and is applied.
        self.acct(token, "sync", expect=0)
        self.wait_for("#request-rows tr", "DELETE", DELETION_PATH, "200", key, what="the retry is logged")
        self.wait_for(row, username, sees["cancelled"], what="the cancellation appears")
        self.wait_for("#mutation-rows tr", "cancelDeletion", key, what="the mutation log shows the cancel")
        step(f"the retry with the same key was applied: {sees['cancelled']}")

        # The deletion job and the finalize-now flag, from the page.
        self.click("run-job")
        self.wait_for("#job-result", sees["job_nothing"], what="the deletion job runs")
        before = self.control("flags")["finalizeNow"]
        self.click("finalize-now")
        self.wait_for("#flag-result", sees["done"], what="the flag is set")
        if self.control("flags")["finalizeNow"] == before:
            raise Failure("the finalize-now flag did not flip")
        step(f"deletion job run; finalize-now flipped to {not before}")

        # An answer lost after the deletion was applied: the resend gets the
        # first answer again, which the log marks as replayed.
        Select(self.driver.find_element(By.ID, "fault-method")).select_by_value("POST")
        Select(self.driver.find_element(By.ID, "fault-mode")).select_by_value("applyThenClose")
        self.click("inject")
        self.wait_for("#fault-list li", "POST", DELETION_PATH, sees["apply_then_close"], what="the second fault waits")
        self.acct(token, "delete", "request", expect=3)
        self.acct(token, "sync", expect=0)
        dropped = self.wait_for("#request-rows tr", "POST", DELETION_PATH, sees["dropped"],
                                what="the lost answer is marked dropped")
        key = idempotency_key(dropped)
        self.wait_for("#request-rows tr", "POST", DELETION_PATH, "200", key, sees["replayed"],
                      what="the resend with the same key is marked replayed")
        self.wait_for(row, username, sees["pending"], sees["days_left"](28), what="the new deletion appears")
        step(f"an answer lost after the deletion was applied: the resend with {key} is marked {sees['replayed']!r}")

        # Open the headers of the failed request for the screenshot.
        self.driver.find_element(By.CSS_SELECTOR, "#request-rows tr[data-seq] td.status .status-5xx") \
            .find_element(By.XPATH, "./ancestor::tr//summary").click()
        self.screenshot(self.arguments.screenshot)
        step(f"screenshot: {self.arguments.screenshot}")

        self.check_page_secrets(token, last.group(1))
        self.check_browser_logs()

    def check_page_secrets(self, token, last):
        page = self.driver.page_source
        values = self.driver.execute_script(
            "return Array.from(document.querySelectorAll('input')).map((input) => input.value).join(' ')")
        if token in page or token in values:
            raise Failure("the full token is in the page")
        if f"…{last}" not in page:
            raise Failure(f"the page does not show …{last}")
        step("no full token in the page")

    def check_browser_logs(self):
        requests = []
        document_headers = None
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                requests.append(message["params"]["request"]["url"])
            if message["method"] == "Network.responseReceived" and message["params"]["type"] == "Document":
                document_headers = {name.lower(): value for name, value in message["params"]["response"]["headers"].items()}
        if not requests:
            raise Failure("the performance log shows no request at all")
        elsewhere = sorted({url for url in requests if not url.startswith(self.origin + "/")})
        if elsewhere:
            raise Failure(f"the browser made requests outside {self.origin}: {elsewhere}")
        step(f"all {len(requests)} requests of the browser went to {self.origin}")
        if document_headers is None or document_headers.get("content-security-policy") != EXPECTED_POLICY:
            raise Failure(f"the page's Content-Security-Policy is {document_headers and document_headers.get('content-security-policy')!r}")
        problems = [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
        if problems:
            raise Failure("the browser reported (a policy violation or a script error):\n" + "\n".join(problems))
        step("served with a policy of its own origin only, and nothing broke it")

    def screenshot(self, path):
        """The whole page, at most 2400 pixels of it, 1440 wide."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 1440, "height": min(height, 2400), "deviceScaleFactor": 1, "mobile": False})
        if not self.driver.save_screenshot(path):
            raise Failure(f"the screenshot could not be saved to {path}")


def idempotency_key(row):
    """The UUID in a row of the request log: its Idempotency-Key."""
    key = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", row)
    if key is None:
        raise Failure(f"the request log shows no Idempotency-Key: {row!r}")
    return key.group(0)


def step(text):
    print(f"ok: {text}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--console", required=True, help="the console's address, as acct serve printed it")
    parser.add_argument("--acct", required=True, help="the acct binary")
    parser.add_argument("--workdir", required=True, help="a folder for acct's store and chromedriver's log")
    parser.add_argument("--language", required=True, choices=sorted(SEES))
    parser.add_argument("--screenshot", required=True, help="where the PNG goes")
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--chromedriver", required=True)
    console = Console(parser.parse_args())
    try:
        console.start()
        console.run()
    except (Failure, WebDriverException, subprocess.SubprocessError, OSError) as error:
        print(f"FAILED ({console.language}): {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        if console.last_acct:
            print(f"last acct command: {console.last_acct}", file=sys.stderr)
        if console.driver is not None:
            try:
                status = console.text("#status")
                print(f"the page's status line: {status!r}", file=sys.stderr)
                console.driver.save_screenshot(console.arguments.screenshot + ".failed.png")
                print(f"screenshot of the failure: {console.arguments.screenshot}.failed.png", file=sys.stderr)
            except WebDriverException:
                pass
        return 1
    finally:
        console.stop()
    print(f"console check passed in {console.language}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

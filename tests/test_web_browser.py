"""The page driven in Debian's Chromium (Selenium + chromedriver, no browser downloaded) the way a clerk
uses it: sign in, start a decision from a kind, make a mistake and see it at its field, upload the score
sheets, build, look at the preview pages, download the .docx and open it; a chuyên viên refused the issue
action, a văn thư told the register is not installed yet. A failing step leaves a screenshot."""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

import docx
import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from tests.web_server import PASSWORDS, ROOT, make_workspace, start

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CASE = "lang-son-2023-sipas-par"
pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                reason="chromium and chromium-driver are installed by scripts/setup.sh")


def chromium(profile: Path, downloads: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000", "--lang=vi"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    return webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))


@pytest.fixture
def browser(tmp_path, request):
    driver = chromium(tmp_path / "profile", tmp_path / "downloads")
    driver.downloads = tmp_path / "downloads"
    yield driver
    driver.quit()


@contextlib.contextmanager
def screenshot_on_failure(driver, name: str, folder: Path):
    try:
        yield
    except BaseException as exc:
        folder.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(folder / f"{name}.png"))
        exc.add_note(f"screenshot: {folder / name}.png (page {driver.current_url})")
        raise


def sign_in(driver, url: str, user: str) -> None:
    driver.get(f"{url}/login")
    driver.find_element(By.ID, "name").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(PASSWORDS[user])
    submit(driver, "login")
    wait_for(driver, lambda d: d.find_elements(By.ID, "who"))


def submit(driver, element_id: str) -> None:
    """Click a button that loads a new page, and wait until the new page has loaded: the old window's marker
    gone and the document complete. (Waiting for the button to go stale raced chromedriver: asked about a node
    of the page being replaced, it may answer "does not belong to the document" instead of "stale".)"""
    driver.execute_script("window.qdgenOldPage = true")
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, 120, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return !window.qdgenOldPage && document.readyState === 'complete'"))


def wait_for(driver, condition, seconds: float = 120):
    """Wait for the page to reach a state (a bound against hanging, not a measured time)."""
    return WebDriverWait(driver, seconds).until(condition)


def test_a_clerk_drafts_uploads_builds_previews_and_downloads(server, browser, tmp_path):
    with screenshot_on_failure(browser, "clerk", tmp_path / "screenshots"):
        sign_in(browser, server.url, "an")
        browser.find_element(By.ID, "new-name").send_keys("giao-kinh-phi-2025")
        Select(browser.find_element(By.ID, "new-kind")).select_by_visible_text("quyet-dinh")
        submit(browser, "create")
        wait_for(browser, lambda d: d.find_elements(By.ID, "case-form"))
        for field, value in (("f-issuer-province", "Lạng Sơn"), ("f-date", "2025-13-01"),
                             ("f-legal_basis", "luat-tccqdp-2025"), ("f-signer-name", "Hồ Tiến Thiệu"),
                             ("f-articles", "- Giao Sở Tài chính bố trí kinh phí."),
                             ("f-recipients", "Như Điều 3;")):
            element = browser.find_element(By.ID, field)
            element.clear()
            element.send_keys(value)
        browser.find_element(By.ID, "f-effective_clause").click()
        submit(browser, "save")
        error = wait_for(browser, lambda d: d.find_element(By.ID, "err-date"))
        assert "không có trên lịch" in error.text or "không phải ngày" in error.text
        field = browser.find_element(By.ID, "f-date")
        assert field.find_element(By.XPATH, "..").find_element(By.ID, "err-date"), "the error sits at its field"
        assert "has-error" in field.find_element(By.XPATH, "..").get_attribute("class")
        field.clear()
        field.send_keys("2025-12")
        submit(browser, "save")
        message = wait_for(browser, lambda d: d.find_element(By.ID, "message"))
        assert "Hồ sơ không còn lỗi" in message.text
        assert not browser.find_elements(By.ID, "err-date")
        assert browser.find_element(By.ID, "f-effective_clause").is_selected(), "a ticked box stays ticked"

        browser.get(f"{server.url}/cases/{CASE}/sheets")
        for index, sheet in (("par", "par-2023.xlsx"), ("sipas", "sipas-2023.xlsx")):
            Select(browser.find_element(By.ID, "sheet-index")).select_by_value(index)
            browser.find_element(By.ID, "sheet-file").send_keys(str(ROOT / "fixtures" / "cases" / CASE / sheet))
            submit(browser, "upload-sheet")
            wait_for(browser, lambda d, shown=f"sheet-{index}": d.find_elements(By.ID, shown))
        assert "Văn phòng UBND tỉnh" in browser.find_element(By.ID, "sheet-par").text
        assert not browser.find_elements(By.CSS_SELECTOR, ".problems .error")

        browser.get(f"{server.url}/cases/{CASE}")
        submit(browser, "build")
        result = wait_for(browser, lambda d: d.find_element(By.ID, "build-result"))
        assert "đã tạo" in result.text or "đã cập nhật" in result.text

        submit(browser, "preview")
        pages = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "img.page"))
        assert len(pages) >= 3
        assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", page) > 500
                   for page in pages)

        browser.get(f"{server.url}/cases/{CASE}")
        browser.find_element(By.CSS_SELECTOR, "a.docx[href$='quyet-dinh.docx']").click()
        target = browser.downloads / f"{CASE}-quyet-dinh.docx"
        wait_for(browser, lambda d: target.exists() and not list(browser.downloads.glob("*.crdownload")))
        text = "\n".join(paragraph.text for paragraph in docx.Document(str(target)).paragraphs)
        assert "QUYẾT ĐỊNH" in text and "Căn cứ" in text


def test_a_chuyen_vien_is_refused_the_issue_action_and_a_van_thu_issues_the_draft(server, browser, tmp_path):
    """The chuyên viên builds a draft and may not issue it; the văn thư gives it its number and date, and can
    print the Sổ đăng ký."""
    shutil.copytree(server.workspace.cases_dir / CASE, server.workspace.cases_dir / "cap-so")
    with screenshot_on_failure(browser, "roles", tmp_path / "screenshots"):
        sign_in(browser, server.url, "an")
        browser.get(f"{server.url}/cases/cap-so")
        submit(browser, "build")
        wait_for(browser, lambda d: d.find_elements(By.ID, "build-result"))
        submit(browser, "issue")
        wait_for(browser, lambda d: d.current_url.endswith("/issue"))
        assert "403" in browser.find_element(By.TAG_NAME, "h1").text
        assert "chuyên viên không được cấp số" in browser.page_source
        browser.delete_all_cookies()
        sign_in(browser, server.url, "binh")
        browser.get(f"{server.url}/cases/cap-so")
        assert not browser.find_elements(By.ID, "save") or not browser.find_element(By.ID, "save").is_enabled()
        browser.execute_script("document.getElementById('issue-date').value = '2024-02-05'")
        submit(browser, "issue")
        wait_for(browser, lambda d: "Đã cấp số" in d.page_source)
        assert "Đã cấp số 01/QĐ-UBND ngày 05/02/2024." in browser.page_source
        case_yaml = (server.workspace.cases_dir / "cap-so" / "case.yaml").read_text(encoding="utf-8")
        assert "number: 1" in case_yaml and "date: 2024-02-05" in case_yaml


def take_readme_screenshots(folder: Path) -> None:
    """The README's two pictures (run by hand: python -m tests.test_web_browser docs/screenshots)."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        running = start(make_workspace(Path(scratch) / "ws"))
        driver = chromium(Path(scratch) / "profile", Path(scratch) / "downloads")
        try:
            sign_in(driver, running.url, "an")
            driver.get(f"{running.url}/cases/{CASE}")
            submit(driver, "preview")
            wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "img.page"))
            driver.set_window_size(1000, 1100)
            driver.save_screenshot(str(folder / "web-preview.png"))
            driver.get(f"{running.url}/cases/{CASE}")
            date = driver.find_element(By.ID, "f-proposal-memo-date")
            date.clear()
            date.send_keys("2024-02-30")
            submit(driver, "save")
            wait_for(driver, lambda d: d.find_elements(By.ID, "message"))
            driver.execute_script("document.getElementById('err-proposal-memo-date')"
                                  ".scrollIntoView({block: 'center'})")
            time.sleep(0.2)  # let the scroll settle before the picture (not a test)
            driver.save_screenshot(str(folder / "web-form.png"))
        finally:
            driver.quit()
            running.stop()
            shutil.rmtree(Path(scratch) / "ws", ignore_errors=True)


if __name__ == "__main__":
    import sys

    take_readme_screenshots(Path(sys.argv[1]))

// What the page tests share: launching Debian's chromium through
// puppeteer-core (which downloads nothing), collecting failures, CSP
// violations and page errors, and screenshots into the artifacts folder.
import { createRequire } from "node:module";
import path from "node:path";

export async function openBrowser(nodeModules) {
  const require = createRequire(path.join(path.resolve(nodeModules), "noop.js"));
  const puppeteer = require("puppeteer-core");
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

export class Checks {
  constructor(artifacts) {
    this.failures = [];
    this.artifacts = artifacts;
  }
  fail(what) {
    this.failures.push(what);
    console.error("FAIL: " + what);
  }
  expect(condition, what) {
    if (!condition) this.fail(what);
  }
  // Reports CSP violations and script errors of `page` as failures.
  watch(page) {
    page.on("console", (message) => {
      const text = message.text();
      if (/Content Security Policy|Refused to/i.test(text)) this.fail("CSP violation: " + text);
    });
    page.on("pageerror", (error) => this.fail("page error: " + error.message));
  }
  async screenshot(page, name) {
    await page.screenshot({ path: path.join(this.artifacts, name + ".png"), fullPage: true });
  }
  // Exits 0 when nothing failed, printing `done`; else 1.
  finish(done) {
    if (this.failures.length) {
      console.error(this.failures.length + " failures");
      process.exit(1);
    }
    console.log(done);
    process.exit(0);
  }
}

// Clicks `selector` and waits for the navigation it starts (redirects included).
export async function clickAndWait(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: "load", timeout: 20000 }), page.click(selector)]);
  return response;
}

export async function textOf(page, selector) {
  const node = await page.$(selector);
  return node ? (await page.evaluate((n) => n.textContent, node)).trim() : "";
}

export async function attributeOf(page, selector, name) {
  const node = await page.$(selector);
  return node ? await page.evaluate((n, a) => n.getAttribute(a), node, name) : null;
}

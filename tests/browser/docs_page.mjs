// Drives Debian's chromium (headless, through puppeteer-core, which downloads
// nothing) over the host's API explorer at /docs:
//   node docs_page.mjs <node_modules dir> <base URL> <API key>
// Checks that the page renders the operations from /openapi.json, that every
// request stays on the host's origin and nothing violates the page's CSP,
// and that Authorize + "Try it out" on GET /api/v1/unified/connectors gets
// 200. Exits 0 on success; prints what failed and exits 1 otherwise.
import { createRequire } from "node:module";
import path from "node:path";

const [nodeModules, base, apiKey] = process.argv.slice(2);
if (!nodeModules || !base || !apiKey) {
  console.error("usage: node docs_page.mjs <node_modules dir> <base URL> <API key>");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nodeModules), "noop.js"));
const puppeteer = require("puppeteer-core");

const failures = [];
const fail = (what) => failures.push(what);
const origin = new URL(base).origin;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const requested = [];
  page.on("request", (request) => requested.push(request.url()));
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) fail("CSP violation: " + text);
  });
  page.on("pageerror", (error) => fail("page error: " + error.message));

  const response = await page.goto(base + "/docs", { waitUntil: "networkidle0", timeout: 30000 });
  if (response.status() !== 200) fail("/docs answered " + response.status());
  const csp = response.headers()["content-security-policy"] || "";
  if (!csp.includes("default-src 'none'") || !csp.includes("script-src 'self'")) fail("weak or missing CSP: " + csp);

  await page.waitForSelector(".opblock", { timeout: 30000 });
  const operations = await page.$$eval(".opblock-summary-path", (nodes) => nodes.map((n) => n.getAttribute("data-path")));
  console.log(`rendered ${operations.length} operations`);
  if (operations.length < 40) fail("only " + operations.length + " operations rendered");
  for (const wanted of ["/api/v1/unified/connectors", "/api/v1/unified/connectors/gmail/items", "/api/v1/unified/gmail/labels"])
    if (!operations.includes(wanted)) fail("operation " + wanted + " is not on the page");

  // Authorize with the API key (the bearer scheme).
  await page.click(".auth-wrapper .authorize");
  await page.waitForSelector(".modal-ux input", { timeout: 10000 });
  await page.type(".modal-ux input", apiKey);
  await page.click(".modal-ux .auth-btn-wrapper .authorize");
  await page.waitForSelector(".modal-ux .auth-btn-wrapper .btn-done, .modal-ux .auth-btn-wrapper button", { timeout: 10000 });
  await page.click(".modal-ux .close-modal");

  // Try it out: GET /api/v1/unified/connectors.
  const block = "#operations-catalog-list_connectors";
  await page.waitForSelector(block, { timeout: 10000 });
  await page.click(block + " .opblock-summary-control");
  await page.waitForSelector(block + " .try-out__btn", { timeout: 10000 });
  await page.click(block + " .try-out__btn");
  await page.waitForSelector(block + " .execute", { timeout: 10000 });
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/v1/unified/connectors"), { timeout: 15000 }),
    page.click(block + " .execute"),
  ]);
  if (answer.status() !== 200) fail("Try it out answered " + answer.status());
  const sentAuthorization = answer.request().headers()["authorization"] || "";
  if (sentAuthorization !== "Bearer " + apiKey) fail("Try it out did not send the key as a bearer token");
  await page.waitForSelector(block + " .live-responses-table tr.response .response-col_status", { timeout: 10000 });
  const shown = await page.$eval(block + " .live-responses-table tr.response .response-col_status", (n) => n.textContent.trim());
  if (!shown.startsWith("200")) fail("the page shows status " + shown);
  const bodyText = await page.$eval(block + " .live-responses-table tr.response .response-col_description", (n) => n.textContent);
  if (!bodyText.includes("gmail")) fail("the response shown does not list gmail");

  for (const url of requested)
    if (!url.startsWith(origin) && !url.startsWith("data:")) fail("request to another origin: " + url);
  console.log(`${requested.length} requests, all to ${origin}`);
} catch (error) {
  fail(String(error && error.stack || error));
} finally {
  await browser.close();
}
if (failures.length) {
  for (const f of failures) console.error("FAIL: " + f);
  process.exit(1);
}
console.log("docs page: ok");

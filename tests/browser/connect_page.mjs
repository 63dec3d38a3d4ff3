// An end user on the connect page, in headless chromium with JavaScript
// switched off (the page must work without it):
//   node connect_page.mjs <node_modules> <artifacts dir> <link> <link with redirect_to> <app URL>
// Opens the first link, connects Google, Slack and Atlassian through the
// provider sandbox (which consents), reloads a finished callback, disconnects
// Slack, checks a phone-sized screen and an unknown link; then opens the
// second link, whose flows end back at the app with status= and provider=.
import { openBrowser, Checks, clickAndWait, textOf, attributeOf } from "./browser.mjs";

const [nodeModules, artifacts, link, appLink, appUrl] = process.argv.slice(2);
if (!appUrl) {
  console.error("usage: node connect_page.mjs <node_modules> <artifacts> <link> <link with redirect_to> <app URL>");
  process.exit(2);
}
const checks = new Checks(artifacts);
const base = new URL(link).origin;
const browser = await openBrowser(nodeModules);
try {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setViewport({ width: 1100, height: 900 });
  checks.watch(page);
  const callbacks = {};
  page.on("request", (request) => {
    const match = request.url().match(/\/auth\/([a-z]+)\/callback\?/);
    if (match) callbacks[match[1]] = request.url();
  });

  const opened = await page.goto(link, { waitUntil: "load" });
  checks.expect(page.url() === base + "/connect", "the link lands on /connect (token out of the address bar): " + page.url());
  checks.expect(opened.status() === 200, "/connect answered " + opened.status());
  const csp = opened.headers()["content-security-policy"] || "";
  checks.expect(csp.includes("default-src 'none'"), "weak CSP: " + csp);
  const cookies = await page.cookies();
  const session = cookies.find((c) => c.name === "lagentry_connect");
  checks.expect(session && session.httpOnly && session.sameSite === "Lax" && session.path === "/connect",
                "the session cookie is HttpOnly, SameSite=Lax, Path=/connect: " + JSON.stringify(session));
  checks.expect((await textOf(page, "#user")) === "carol@example.com", "the page names the user");
  await checks.screenshot(page, "connect-1-start");

  for (const provider of ["google", "slack", "atlassian"]) {
    checks.expect((await attributeOf(page, `#provider-${provider}`, "data-state")) === "not_connected",
                  provider + " starts not connected");
    await clickAndWait(page, `#provider-${provider} button`);
    const url = new URL(page.url());
    checks.expect(url.pathname === "/connect" && url.searchParams.get("status") === "connected" &&
                  url.searchParams.get("provider") === provider, provider + ": back on the page, " + page.url());
    checks.expect((await attributeOf(page, `#provider-${provider}`, "data-state")) === "connected", provider + " is connected");
    checks.expect((await textOf(page, "#outcome")).includes("is connected"), provider + ": the outcome is said in words");
  }
  await checks.screenshot(page, "connect-2-all-connected");

  // Reloading a finished callback shows the current state, not an error.
  checks.expect(Boolean(callbacks.google), "saw Google's callback URL");
  await page.goto(callbacks.google, { waitUntil: "load" });
  checks.expect(page.url() === base + "/connect?provider=google", "a reloaded callback returns to the page: " + page.url());
  checks.expect((await page.$("#outcome")) === null, "no error after a reload");
  checks.expect((await attributeOf(page, "#provider-google", "data-state")) === "connected", "google is still connected");
  await checks.screenshot(page, "connect-3-reloaded-callback");

  await clickAndWait(page, "#provider-slack button.danger");
  checks.expect(new URL(page.url()).searchParams.get("status") === "disconnected", "disconnect outcome: " + page.url());
  checks.expect((await attributeOf(page, "#provider-slack", "data-state")) === "not_connected", "slack is disconnected");
  checks.expect((await textOf(page, "#outcome")).includes("disconnected"), "the disconnect is said in words");
  await checks.screenshot(page, "connect-4-disconnected");

  // A phone-sized screen: nothing wider than the screen.
  await page.setViewport({ width: 390, height: 844, isMobile: true });
  await page.goto(base + "/connect", { waitUntil: "load" });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  checks.expect(overflow <= 0, "the page is " + overflow + "px wider than a phone screen");
  await checks.screenshot(page, "connect-5-phone");

  const unknown = await page.goto(base + "/connect/not-a-real-link", { waitUntil: "load" });
  checks.expect(unknown.status() === 404, "an unknown link answers 404");
  checks.expect((await textOf(page, "main")).includes("ask it for a new link"), "an unknown link says what to do");
  await checks.screenshot(page, "connect-6-expired-link");

  // A link made with redirect_to: each outcome goes back to the app.
  await page.setViewport({ width: 1100, height: 900 });
  await page.goto(appLink, { waitUntil: "load" });
  checks.expect((await textOf(page, "#user")) === "dave@example.com", "the second link is dave's");
  checks.expect((await attributeOf(page, "#return", "href")) === appUrl, "a way back to the app");
  await clickAndWait(page, "#provider-google button");
  let back = new URL(page.url());
  checks.expect(back.origin + back.pathname === appUrl && back.searchParams.get("status") === "connected" &&
                back.searchParams.get("provider") === "google", "connect returns to the app: " + page.url());
  await page.goto(base + "/connect", { waitUntil: "load" });
  checks.expect((await attributeOf(page, "#provider-google", "data-state")) === "connected", "dave's google is connected");
  await clickAndWait(page, "#provider-google button.danger");
  back = new URL(page.url());
  checks.expect(back.origin + back.pathname === appUrl && back.searchParams.get("status") === "disconnected" &&
                back.searchParams.get("provider") === "google", "disconnect returns to the app: " + page.url());
  await page.goto(base + "/connect", { waitUntil: "load" });
  await clickAndWait(page, "#provider-google button");  // connected again, for the test to check
  await page.goto(base + "/connect", { waitUntil: "load" });
  await checks.screenshot(page, "connect-7-app-link");
} catch (error) {
  checks.fail("exception: " + (error.stack || error));
} finally {
  await browser.close();
}
checks.finish("connect page: ok");

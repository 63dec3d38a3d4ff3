// An operator in the console, in headless chromium:
//   node console.mjs <node_modules> <artifacts dir> <base URL> <operator key> <user email>
// The user has Google and Slack connected. Signs in with a bad key, then a
// good one; lists the user's connections, filters to Slack and revokes it;
// finds the revoke in the activity; reloads plugins; reads the settings;
// creates a connect link and opens it; signs out.
import { openBrowser, Checks, clickAndWait, textOf } from "./browser.mjs";

const [nodeModules, artifacts, base, apiKey, user] = process.argv.slice(2);
if (!user) {
  console.error("usage: node console.mjs <node_modules> <artifacts> <base URL> <operator key> <user email>");
  process.exit(2);
}
const checks = new Checks(artifacts);
const origin = new URL(base).origin;
const browser = await openBrowser(nodeModules);
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  checks.watch(page);
  const requested = [];
  page.on("request", (request) => requested.push(request.url()));

  await page.goto(base + "/console", { waitUntil: "load" });
  checks.expect(page.url() === base + "/console/sign-in", "signed out, /console shows the sign-in: " + page.url());
  await checks.screenshot(page, "console-1-sign-in");

  await page.type("#api_key", "lgk_not-a-key");
  await clickAndWait(page, "#sign-in");
  checks.expect((await textOf(page, "#notice")).includes("not accepted"), "a bad key is refused in words");
  checks.expect((await page.cookies()).every((c) => c.name !== "lagentry_console"), "no session for a bad key");
  await checks.screenshot(page, "console-2-bad-key");

  await page.type("#api_key", apiKey);
  await clickAndWait(page, "#sign-in");
  checks.expect(page.url() === base + "/console/connections", "signed in: " + page.url());
  const session = (await page.cookies()).find((c) => c.name === "lagentry_console");
  checks.expect(session && session.httpOnly && session.sameSite === "Strict", "session cookie: " + JSON.stringify(session));

  // Who is connected to what.
  await page.type("#filter-user_email", user);
  await clickAndWait(page, "#apply-filters");
  let providers = await page.$$eval("#connections tbody tr[data-provider]", (rows) => rows.map((r) => r.dataset.provider).sort());
  checks.expect(JSON.stringify(providers) === JSON.stringify(["google", "slack"]), "the user's connections: " + providers);
  await checks.screenshot(page, "console-3-connections");

  await page.select("#filter-provider", "slack");
  await clickAndWait(page, "#apply-filters");
  providers = await page.$$eval("#connections tbody tr[data-provider]", (rows) => rows.map((r) => r.dataset.provider));
  checks.expect(JSON.stringify(providers) === JSON.stringify(["slack"]), "filtered to slack: " + providers);
  await clickAndWait(page, "#connections tbody tr[data-provider=slack] button.danger");
  checks.expect((await textOf(page, "#notice")).includes("revoked"), "the revoke is confirmed");
  await page.goto(base + "/console/connections?user_email=" + encodeURIComponent(user), { waitUntil: "load" });
  providers = await page.$$eval("#connections tbody tr[data-provider]", (rows) => rows.map((r) => r.dataset.provider));
  checks.expect(JSON.stringify(providers) === JSON.stringify(["google"]), "slack is gone: " + providers);
  await checks.screenshot(page, "console-4-revoked");

  // What happened.
  await page.goto(base + "/console/activity", { waitUntil: "load" });
  await page.select("#filter-provider", "slack");
  await clickAndWait(page, "#apply-filters");
  const actions = await page.$$eval("#activity tbody tr[data-action]", (rows) => rows.map((r) => r.dataset.action));
  checks.expect(actions[0] === "auth.revoke", "the newest slack activity is the revoke: " + actions);
  checks.expect(actions.includes("auth.connect"), "and the connect before it: " + actions);
  const users = await page.$$eval("#activity tbody tr[data-action] td:nth-child(2)", (cells) => cells.map((c) => c.textContent));
  checks.expect(users.every((u) => u === user), "each record names the user: " + users);
  await checks.screenshot(page, "console-5-activity");

  await page.goto(base + "/console/plugins", { waitUntil: "load" });
  const plugins = await page.$$eval("#plugins tbody tr[data-plugin]", (rows) => rows.map((r) => r.dataset.plugin).sort());
  checks.expect(plugins.length === 3, "three plugins listed: " + plugins);
  await clickAndWait(page, "#reload-plugins");
  checks.expect((await textOf(page, "#notice")).includes("Plugins reloaded"), "the reload is confirmed");
  await checks.screenshot(page, "console-6-plugins");

  await page.goto(base + "/console/settings", { waitUntil: "load" });
  const settings = await textOf(page, "main");
  checks.expect(settings.includes("Database") && settings.includes("sqlite:"), "settings name the database");
  checks.expect(!settings.includes(apiKey), "settings never show the key");
  await checks.screenshot(page, "console-7-settings");

  // A connect link for a new user, opened as that user would.
  await page.goto(base + "/console/connections", { waitUntil: "load" });
  await page.type("#link-user", "erin@example.com");
  await page.click("input[name=provider_google]");
  await clickAndWait(page, "#create-link");
  const created = await textOf(page, "#connect-link");
  checks.expect(created.startsWith(base + "/connect/"), "a connect link is shown: " + created);
  await checks.screenshot(page, "console-8-connect-link");
  const visitor = await browser.newPage();
  checks.watch(visitor);
  await visitor.goto(created, { waitUntil: "load" });
  checks.expect((await textOf(visitor, "#user")) === "erin@example.com", "the link opens erin's connect page");
  checks.expect((await visitor.$$("li.provider")).length === 1, "offering Google only");
  await visitor.close();

  await clickAndWait(page, "#sign-out");
  checks.expect(page.url() === base + "/console/sign-in", "signed out: " + page.url());
  await page.goto(base + "/console/connections", { waitUntil: "load" });
  checks.expect(page.url() === base + "/console/sign-in", "after sign-out the console needs a sign-in again");

  // (data: URLs are the browser's own, e.g. the date field's calendar icon.)
  for (const url of requested)
    if (!url.startsWith(origin) && !url.startsWith("data:")) checks.fail("request to another origin: " + url);
} catch (error) {
  checks.fail("exception: " + (error.stack || error));
} finally {
  await browser.close();
}
checks.finish("console: ok");

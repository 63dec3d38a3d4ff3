// The official MCP TypeScript SDK client (@modelcontextprotocol/sdk, pinned in
// scripts/node) against a real host and the provider sandbox:
//   node sdk_client.mjs <node_modules> <base URL> <API key> <connected user> <new user> <host binary>
// <connected user> has every provider connected; <new user> has nothing.
// Exits 0 when every check passed; prints each failure and exits 1 otherwise.
import { createRequire } from "node:module";
import path from "node:path";

const [nodeModules, base, apiKey, connectedUser, newUser, hostBinary] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(nodeModules), "noop.js"));
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StreamableHTTPClientTransport } = require("@modelcontextprotocol/sdk/client/streamableHttp.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");
const { ElicitationCompleteNotificationSchema } = require("@modelcontextprotocol/sdk/types.js");

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
};

async function connect(user, capabilities = {}) {
  const client = new Client({ name: "lagentry-test", version: "1.0.0" }, { capabilities });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp?user_email=${encodeURIComponent(user)}`), {
    requestInit: { headers: { Authorization: `Bearer ${apiKey}` } },
  });
  await client.connect(transport);
  return client;
}

async function allTools(client) {
  const tools = [];
  let cursor;
  let pages = 0;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { tools, pages };
}

// What a person does with a connect link: open it (the host moves the token
// into a cookie), press Connect on the page, consent at the provider (the
// sandbox consents at once), and land back on the page. Answers the final URL;
// `hops` gets every URL on the way.
async function consent(url, hops = []) {
  const host = new URL(url).origin;
  const opened = await fetch(url, { redirect: "manual" });
  const cookie = (opened.headers.get("set-cookie") || "").split(";")[0];
  const page = await (await fetch(new URL(opened.headers.get("location") || "/connect", url), { headers: { cookie } })).text();
  const csrf = page.match(/name="csrf" value="([^"]+)"/)?.[1] ?? "";
  const provider = page.match(/name="provider" value="([^"]+)"/)?.[1] ?? "";
  let response = await fetch(new URL("/connect/authorize", url), {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf, provider }).toString(),
  });
  let next = url;
  for (let hop = 0; hop < 6 && response.headers.get("location"); hop++) {
    next = new URL(response.headers.get("location"), next).toString();
    hops.push(next);
    response = await fetch(next, { redirect: "manual", headers: next.startsWith(host) ? { cookie } : {} });
  }
  return response.status === 200 ? next : "status " + response.status;
}

try {
  // --- a connected user over Streamable HTTP ----------------------------------------
  const client = await connect(connectedUser);
  check(client.getServerVersion()?.name === "lagentry-host", "initialize names the server");
  const { tools, pages } = await allTools(client);
  console.log(`${tools.length} tools in ${pages} pages`);
  check(pages > 1, "tools/list pages with a cursor");
  check(tools.length >= 50, `every operation is a tool (${tools.length})`);
  const names = new Set(tools.map((t) => t.name));
  check(names.size === tools.length, "tool names are unique");
  check(tools.every((t) => /^[A-Za-z0-9_.-]{1,64}$/.test(t.name)), "tool names are 1-64 of [A-Za-z0-9_.-]");
  check(tools.every((t) => t.inputSchema.type === "object"), "every inputSchema is an object schema");
  check(tools.every((t) => !JSON.stringify(t.inputSchema).includes('"user_email"')), "no tool takes user_email");
  check(tools.every((t) => !JSON.stringify(t).includes('"$ref"')), "schemas are self-contained");
  for (const wanted of ["gmail_list", "gmail_send", "slack_post_message", "jira_issues_create", "bitbucket_pullrequests_list"])
    check(names.has(wanted), `tool ${wanted} is listed`);
  const list = tools.find((t) => t.name === "gmail_list");
  check(list?.annotations?.readOnlyHint === true && list?.annotations?.openWorldHint === true, "gmail_list is read-only");
  const del = tools.find((t) => t.name === "gmail_delete");
  check(del?.annotations?.destructiveHint === true, "gmail_delete is destructive");

  // The SDK checks structuredContent against outputSchema.
  const emails = await client.callTool({ name: "gmail_list", arguments: { limit: 5 } });
  check(!emails.isError, "gmail_list succeeds: " + JSON.stringify(emails.content?.[0]?.text ?? "").slice(0, 200));
  check(Array.isArray(emails.structuredContent?.items) && emails.structuredContent.items.length > 0, "gmail_list answers emails");
  check(emails.content?.[0]?.type === "text" && JSON.parse(emails.content[0].text).items !== undefined, "the same JSON as text");

  const posted = await client.callTool({ name: "slack_post_message", arguments: { id: "C0GENERAL", text: "hello from MCP" } });
  check(!posted.isError && posted.structuredContent?.text === "hello from MCP", "slack_post_message posts: " + JSON.stringify(posted.content?.[0]?.text ?? "").slice(0, 200));

  const bad = await client.callTool({ name: "gmail_list", arguments: { limit: 5000 } });
  check(bad.isError === true && bad.content[0].text.includes("limit"), "a bad argument is an isError result naming it");
  const stray = await client.callTool({ name: "gmail_list", arguments: { user_email: "mallory@example.com" } });
  check(stray.isError === true && stray.content[0].text.includes("user_email"), "user_email cannot be passed as an argument");

  let unknown = null;
  try {
    await client.callTool({ name: "no_such_tool", arguments: {} });
  } catch (error) {
    unknown = error;
  }
  check(unknown?.code === -32602, "an unknown tool is JSON-RPC -32602");

  // --- every tool, called once, through the SDK (which checks each answer against the
  // tool's outputSchema); ids come from earlier answers ------------------------------------
  {
    const called = new Set();
    const call = async (name, args = {}) => {
      called.add(name);
      const result = await client.callTool({ name, arguments: args });
      check(!result.isError, `${name} ${JSON.stringify(args)} -> ${result.isError ? result.content?.[0]?.text?.slice(0, 300) : "ok"}`);
      return result.structuredContent ?? {};
    };
    const first = (page) => page?.items?.[0]?.id;
    for (const t of tools.filter((t) => t.name.endsWith("_test"))) await call(t.name);

    const emails = await call("gmail_list", { limit: 2 });
    await call("gmail_get", { id: first(emails) });
    await call("gmail_search", { q: "Project" });
    const labels = await call("gmail_labels");
    const sent = await call("gmail_send", { to: "bob@example.com", subject: "From MCP", body: "Hello Bob" });
    const created = await call("gmail_create", { to: "carol@example.com", subject: "Also from MCP", body: "Hi" });
    await call("gmail_update", { id: sent.id, add_labels: [labels.labels?.[0]?.id ?? "INBOX"] });
    await call("gmail_delete", { id: created.id });

    const files = await call("drive_list", { limit: 2 });
    await call("drive_get", { id: first(files) });
    await call("drive_search", { q: "Budget" });
    await call("drive_create", { name: "MCP notes", mimeType: "application/vnd.google-apps.folder" });

    const events = await call("calendar_list", { limit: 2, timeMin: "2024-05-01T00:00:00Z" });
    await call("calendar_get", { id: first(events) });
    const event = await call("calendar_create", {
      summary: "MCP sync", start: { dateTime: "2024-05-02T10:00:00Z" }, end: { dateTime: "2024-05-02T10:30:00Z" } });
    await call("calendar_delete", { id: event.id });

    const channels = await call("slack_channels_list", {});
    await call("slack_channels_get", { id: first(channels) });
    const history = await call("slack_messages_list", { channel: "C0GENERAL", limit: 2 });
    await call("slack_messages_get", { id: first(history) });
    await call("slack_messages_search", { q: "deploy" });
    const message = await call("slack_messages_create", { channel: "C0ENG", text: "created over MCP" });
    await call("slack_messages_update", { id: message.id, text: "edited over MCP" });
    await call("slack_messages_delete", { id: message.id });
    const users = await call("slack_users_list", {});
    await call("slack_users_get", { id: first(users) });

    const projects = await call("jira_projects_list", {});
    await call("jira_projects_get", { id: first(projects) });
    await call("jira_project_issues", { id: projects.items?.[0]?.key ?? first(projects) });
    await call("jira_my_issues", {});
    const issues = await call("jira_issues_list", { limit: 2 });
    await call("jira_issues_get", { id: first(issues) });
    await call("jira_issues_search", { q: "login" });
    const issue = await call("jira_issues_create", { project: projects.items?.[0]?.key, summary: "Filed over MCP", description: "Two\n\nparagraphs" });
    await call("jira_issues_update", { id: issue.id, summary: "Renamed over MCP" });
    await call("jira_issues_delete", { id: issue.id });

    const pages = await call("confluence_pages_list", { limit: 2 });
    await call("confluence_pages_get", { id: first(pages) });
    await call("confluence_pages_create", { space_id: pages.items?.[0]?.space_id, title: "Written over MCP", text: "Hello" });

    const repos = await call("bitbucket_repositories_list", { workspace: "sandbox-team" });
    await call("bitbucket_repositories_get", { id: first(repos) });
    await call("bitbucket_pullrequests_list", { workspace: "sandbox-team", repo: repos.items?.[0]?.slug ?? "service-01" });

    called.add("gmail_list");  // called above as well
    called.add("slack_post_message");
    const missed = tools.map((t) => t.name).filter((n) => !called.has(n));
    check(missed.length === 0, `every tool was called (${called.size} of ${tools.length}; missed: ${missed.join(", ")})`);
  }
  await client.close();

  // --- connect on demand, without URL elicitation -----------------------------------------
  const plain = await connect(newUser);
  const needs = await plain.callTool({ name: "gmail_labels", arguments: {} });
  check(needs.isError === true && needs.structuredContent?.authorization_required === true, "a missing connection answers authorization_required");
  check(typeof needs.structuredContent?.connect_url === "string" && needs.content[0].text.includes(needs.structuredContent.connect_url),
        "the link is in the text too");
  await plain.close();

  // --- connect on demand with URL elicitation, then the same call succeeds -----------------
  const eliciting = await connect(newUser, { elicitation: { url: {} } });
  // The SDK opens the GET /mcp stream by itself; completions arrive there.
  const completed = [];
  eliciting.setNotificationHandler(ElicitationCompleteNotificationSchema, (n) => completed.push(n.params.elicitationId));
  let required = null;
  try {
    await eliciting.callTool({ name: "gmail_list", arguments: { limit: 3 } });
  } catch (error) {
    required = error;
  }
  check(required?.code === -32042, "a missing connection is URL elicitation (-32042): " + (required?.message ?? "no error"));
  const elicitation = required?.data?.elicitations?.[0];
  check(elicitation?.mode === "url" && typeof elicitation?.elicitationId === "string", "the elicitation has mode url and an id");
  if (elicitation?.url) {
    const landed = await consent(elicitation.url);
    check(new URL(landed, base).searchParams.get("status") === "connected", `the user connects on the connect page (${landed})`);
    for (let i = 0; i < 50 && !completed.includes(elicitation.elicitationId); i++) await new Promise((r) => setTimeout(r, 100));
    check(completed.includes(elicitation.elicitationId), "notifications/elicitation/complete names the elicitation: " + completed);
    const retried = await eliciting.callTool({ name: "gmail_list", arguments: { limit: 3 } });
    check(!retried.isError && retried.structuredContent?.items?.length > 0, "the same call succeeds after connecting");

    // A tool whose scope was not granted: the user connected Atlassian for Jira only (REST,
    // ?connectors=jira). Confluence's tool gets a link asking for what was granted plus the
    // missing scope (Atlassian grants exactly what is asked), and both work afterwards.
    const asked = await fetch(`${base}/api/v1/unified/auth/atlassian/url?user_email=${encodeURIComponent(newUser)}&connectors=jira`,
                              { headers: { Authorization: `Bearer ${apiKey}` } });
    const jiraOnly = await asked.json();
    const consented = await fetch(jiraOnly.authorization_url, { redirect: "manual" });
    const callback = await fetch(new URL(consented.headers.get("location"), base), { redirect: "manual" });
    check(callback.status < 400, `the user connects Atlassian for Jira only (${callback.status})`);
    let lacking = null, answered = null;
    try {
      answered = await eliciting.callTool({ name: "confluence_pages_list", arguments: {} });
    } catch (error) {
      lacking = error;
    }
    check(lacking?.code === -32042, "a scope not granted is URL elicitation too: " + (lacking?.message ?? JSON.stringify(answered)));
    const widen = lacking?.data?.elicitations?.[0];
    if (widen?.url) {
      const hops = [];
      const granted = await consent(widen.url, hops);
      check(new URL(granted, base).searchParams.get("status") === "connected", `the user grants the scope (${granted})`);
      const authorize = hops.map((hop) => new URL(hop)).find((hop) => hop.searchParams.has("scope"));
      const scopes = (authorize?.searchParams.get("scope") ?? "").split(" ").sort().join(" ");
      check(scopes === "offline_access read:jira-work read:page:confluence write:jira-work",
            "the provider is asked for what was granted plus what the tool lacks: " + scopes);
      const pages = await eliciting.callTool({ name: "confluence_pages_list", arguments: {} });
      check(!pages.isError, "the call succeeds once its scope is granted: " + JSON.stringify(pages.content));
      const issues = await eliciting.callTool({ name: "jira_issues_list", arguments: { limit: 2 } });
      check(!issues.isError, "what was granted before still works: " + JSON.stringify(issues.content));
    }
  }
  await eliciting.close();

  // --- the stdio bridge ------------------------------------------------------------------------
  const stdio = new Client({ name: "lagentry-stdio-test", version: "1.0.0" }, { capabilities: {} });
  await stdio.connect(new StdioClientTransport({
    command: hostBinary,
    args: ["mcp-stdio", "--url", `${base}/mcp`, "--key", apiKey, "--user", connectedUser],
    stderr: "inherit",
  }));
  const viaStdio = await allTools(stdio);
  check(viaStdio.tools.length === tools.length, `stdio lists the same tools (${viaStdio.tools.length})`);
  const stdioEmails = await stdio.callTool({ name: "gmail_list", arguments: { limit: 2 } });
  check(!stdioEmails.isError && stdioEmails.structuredContent?.items?.length > 0, "gmail_list through stdio");
  const stdioBad = await stdio.callTool({ name: "slack_post_message", arguments: { id: "C0GENERAL" } });
  check(stdioBad.isError === true && stdioBad.content[0].text.includes("text"), "a missing argument through stdio names it");
  const stdioPost = await stdio.callTool({ name: "slack_post_message", arguments: { id: "C0GENERAL", text: "Hello over stdio" } });
  check(!stdioPost.isError, "a write tool (Slack post) through stdio: " + JSON.stringify(stdioPost.content));
  await stdio.close();

  // Connect on demand through the bridge: a user with no connection gets the link, connects, and the call succeeds.
  const stdioUser = "stdio." + newUser;
  const bridged = new Client({ name: "lagentry-stdio-test", version: "1.0.0" }, { capabilities: {} });
  await bridged.connect(new StdioClientTransport({
    command: hostBinary,
    args: ["mcp-stdio", "--url", `${base}/mcp`, "--key", apiKey, "--user", stdioUser],
    stderr: "inherit",
  }));
  const unconnected = await bridged.callTool({ name: "gmail_labels", arguments: {} });
  const link = unconnected.structuredContent?.connect_url;
  check(unconnected.isError === true && typeof link === "string", "through stdio, a missing connection answers its connect link");
  if (typeof link === "string") {
    const landed = await consent(link);
    check(new URL(landed, base).searchParams.get("status") === "connected", `the stdio user connects (${landed})`);
    const labels = await bridged.callTool({ name: "gmail_labels", arguments: {} });
    check(!labels.isError, "the same call through stdio succeeds after connecting: " + JSON.stringify(labels.content).slice(0, 200));
  }
  await bridged.close();
} catch (error) {
  failures.push(String((error && error.stack) || error));
  console.log("FAIL " + String((error && error.stack) || error));
}
if (failures.length) {
  console.log(`${failures.length} checks failed`);
  process.exit(1);
}
console.log("mcp sdk client: ok");

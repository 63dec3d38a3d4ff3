// Runs the official MCP conformance suite (@modelcontextprotocol/conformance,
// pinned in scripts/node) against a real host:
//   node conformance.mjs <node_modules> <host base URL> <API key> <user> <expected-failures.yml>
// The suite sends no credentials, so a loopback proxy in this process adds
// the API key to each request it forwards (everything else passes as is,
// including Host and Origin, which the DNS-rebinding scenario checks).
// Exits with the suite's exit code.
import http from "node:http";
import path from "node:path";
import { spawn } from "node:child_process";

const [nodeModules, base, apiKey, user, expected] = process.argv.slice(2);
const target = new URL(base);

const proxy = http.createServer((request, response) => {
  const headers = { ...request.headers };
  if (!headers.authorization) headers.authorization = `Bearer ${apiKey}`;
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
    (answer) => {
      response.writeHead(answer.statusCode, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on("error", (error) => {
    response.writeHead(502);
    response.end(String(error));
  });
  request.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${proxy.address().port}/mcp?user_email=${encodeURIComponent(user)}`;

const cli = path.join(path.resolve(nodeModules), "@modelcontextprotocol", "conformance", "dist", "index.js");
const child = spawn(process.execPath, [cli, "server", "--url", url, "--expected-failures", expected], { stdio: "inherit" });
const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
proxy.close();
process.exit(code);

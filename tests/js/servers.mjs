// The servers the browser tests and the display benchmark need, all on loopback: the real
// API (`sourcecheck serve`, gunicorn) and a static server for saved pages.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STARTUP_MS = 60000;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// The `sourcecheck` of .venv, or else the one on PATH (pytest puts its own Python's first).
export function sourcecheckCommand() {
  const local = path.join(ROOT, ".venv", "bin", "sourcecheck");
  return existsSync(local) ? local : "sourcecheck";
}

/** Start the API with `settings` (SOURCECHECK_... variables); resolve {url, stop()}. */
export async function startApi(settings = {}) {
  const port = await freePort();
  const child = spawn(sourcecheckCommand(), ["serve", "--port", String(port), "--workers", "2"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, PYTHONWARNINGS: "ignore", ...settings },
  });
  let log = "";
  child.stderr.on("data", (chunk) => (log = (log + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) {
        return {
          url,
          stop: () =>
            new Promise((resolve) => {
              child.once("exit", resolve);
              child.kill("SIGTERM");
            }),
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`the API did not start: ${log}`);
}

/**
 * Wait for every server in `starting`; if one fails, stop the ones that started (so that
 * none outlives the test run) and throw its error.
 */
export async function startAll(starting) {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) {
    await Promise.all(settled.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.stop() : null)));
    throw failed.reason;
  }
  return settled.map((outcome) => outcome.value);
}

/**
 * Serve files under `root` (and `name.html` from `name.html.gz` when `gzipped`), resolve
 * {url, stop()}.
 */
export async function serveFiles(root, { gzipped = false } = {}) {
  const server = http.createServer((request, response) => {
    const relative = decodeURIComponent(new URL(request.url, "http://x").pathname).replace(/^\/+/, "");
    const file = path.resolve(root, relative);
    const source = gzipped ? `${file}.gz` : file;
    if (!file.startsWith(path.resolve(root)) || !existsSync(source) || !/\.html?$/.test(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(gzipped ? gunzipSync(readFileSync(source)) : readFileSync(source));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

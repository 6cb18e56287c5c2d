// Render a Flet page in the machine's chromium and report what a user would see.
//
//   node render.mjs --url URL --screenshot PATH [--expect TEXT]... [--timeout MS]
//
// Prints one JSON object on stdout:
//   { url, found: [...], missing: [...], console_errors: [...],
//     external_requests: [{url, outcome}], screenshot, elapsed_ms, error? }
// Exit code: 0 all expected texts found, 1 some missing, 2 the harness itself failed.
//
// Never downloads a browser: playwright-core drives /usr/bin/chromium (or $CHROMIUM).
// Every hostname other than 127.0.0.1 resolves to nothing, so the page cannot reach the
// internet even by accident; requests that try are reported in `external_requests`.

import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { LAUNCH_ARGS } from "./chromium.mjs";
import { isBlank } from "./png.mjs";

function parseArgs(argv) {
  const options = { expect: [], timeout: 30000 };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === "--url") options.url = value;
    else if (flag === "--screenshot") options.screenshot = value;
    else if (flag === "--expect") options.expect.push(value);
    else if (flag === "--timeout") options.timeout = Number(value);
    else throw new Error(`unknown argument ${flag}`);
    i += 1;
  }
  if (!options.url || !options.screenshot) {
    throw new Error("usage: render.mjs --url URL --screenshot PATH [--expect TEXT]...");
  }
  return options;
}

function isLocal(url) {
  if (/^(data|blob|about|chrome|chrome-extension):/.test(url)) return true;
  try {
    return new URL(url).hostname === "127.0.0.1";
  } catch {
    return false;
  }
}

// External requests are recorded with their outcome: "answered", or the browser's error
// (net::ERR_BLOCKED_BY_CSP: stopped by the page's policy before any network access;
// net::ERR_NAME_NOT_RESOLVED: it tried to leave the machine and the resolver rule stopped it).
function watch(page, report) {
  const external = new Map();
  page.on("console", (message) => {
    if (message.type() === "error") report.console_errors.push(message.text());
  });
  page.on("pageerror", (error) => report.console_errors.push(`pageerror: ${error.message}`));
  page.on("request", (request) => {
    if (isLocal(request.url())) return;
    const entry = { url: request.url(), outcome: "pending" };
    external.set(request, entry);
    report.external_requests.push(entry);
  });
  page.on("requestfailed", (request) => {
    const entry = external.get(request);
    if (entry) entry.outcome = request.failure()?.errorText ?? "failed";
  });
  page.on("response", (response) => {
    const entry = external.get(response.request());
    if (entry) entry.outcome = "answered";
  });
}

// Flet draws on a canvas; its accessibility tree (real DOM text) appears only after the
// hidden "enable accessibility" placeholder is clicked.
async function enableSemantics(page, timeout) {
  await page.waitForSelector("#loading", { state: "detached", timeout });
  // The dashboard switches its accessibility tree on by itself; any other Flet page needs the
  // hidden placeholder clicked. Either way, wait until the tree is there.
  const placeholder = page.locator("flt-semantics-placeholder");
  const tree = page.locator("flt-semantics-host flt-semantics");
  await placeholder.or(tree).first().waitFor({ state: "attached", timeout });
  if (await placeholder.count()) await placeholder.dispatchEvent("click").catch(() => {});
  await tree.first().waitFor({ state: "attached", timeout });
}

async function findTexts(page, texts, timeout, report) {
  const deadline = Date.now() + timeout;
  for (const text of texts) {
    const remaining = Math.max(deadline - Date.now(), 500);
    try {
      await page.getByText(text).first().waitFor({ state: "visible", timeout: remaining });
      report.found.push(text);
    } catch {
      report.missing.push(text);
    }
  }
}

async function render(options, report) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: LAUNCH_ARGS,
    timeout: options.timeout,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(page, report);
    await page.goto(options.url, { timeout: options.timeout });
    await enableSemantics(page, options.timeout);
    await findTexts(page, options.expect, options.timeout, report);
    // The semantics tree is built with the frame, but the canvas paints a moment later: a shot
    // of a still blank canvas is taken again (for up to 10 s) rather than kept.
    const deadline = Date.now() + 10000;
    let image;
    do {
      await page.waitForTimeout(500);
      image = await page.screenshot();
    } while (isBlank(image) && Date.now() < deadline);
    writeFileSync(options.screenshot, image);
    report.screenshot = options.screenshot;
    await page.close();
  } finally {
    await browser.close();
  }
}

async function main() {
  const started = Date.now();
  const report = { found: [], missing: [], console_errors: [], external_requests: [] };
  let code = 0;
  try {
    const options = parseArgs(process.argv.slice(2));
    report.url = options.url;
    await render(options, report);
    code = report.missing.length ? 1 : 0;
  } catch (error) {
    report.error = String(error && error.stack ? error.stack : error);
    code = 2;
  }
  report.elapsed_ms = Date.now() - started;
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = code;
}

await main();

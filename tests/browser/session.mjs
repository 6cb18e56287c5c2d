// A browser a test drives step by step: one JSON command per stdin line, one JSON answer per
// stdout line. Lets a Python test stop the server between two steps (server down and back).
//
//   node session.mjs        then e.g. {"cmd": "goto", "url": "http://127.0.0.1:8000/docs"}
//
// Commands: goto {url, flet}, expect {text, timeout}, gone {text, timeout},
// count {selector}, wait_selector {selector, min, timeout}, box {text | role+name},
// click {text | role+name}, type {name, value}, select_copy {text}, html {selector},
// viewport {width, height}, color_scheme {scheme: "dark" | "light"}, screenshot {path}, axe {}, body_text {}, clipboard {}, report {}, close {}.
// Every answer has `ok`; a failed step answers {ok: false, error}.
//
// Network: only 127.0.0.1 is reachable. Every other request is aborted by a route (and the
// resolver rule maps every other hostname to nothing) and listed in `report`'s
// `external_requests`, so a test can prove a page works with the network blocked.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import { LAUNCH_ARGS } from "./chromium.mjs";
import { isBlank } from "./png.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

function isLocal(url) {
  if (/^(data|blob|about|chrome|chrome-extension):/.test(url)) return true;
  try {
    return new URL(url).hostname === "127.0.0.1";
  } catch {
    return false;
  }
}

const state = { consoleErrors: [], external: [] };

async function openPage() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: LAUNCH_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]); // a paste, in tests
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    state.external.push(url);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && state.consoleErrors.push(m.text()));
  page.on("pageerror", (e) => state.consoleErrors.push(`pageerror: ${e.message}`));
  return { browser, page };
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

function locate(page, args) {
  if (args.role) return page.getByRole(args.role, { name: args.name, exact: false }).first();
  return page.getByText(args.text, { exact: false }).first();
}

const COMMANDS = {
  async goto(page, a) {
    await page.goto(a.url, { timeout: a.timeout ?? 30000 });
    if (a.flet) await enableSemantics(page, a.timeout ?? 30000);
    return { url: page.url() };
  },
  async expect(page, a) {
    try {
      await locate(page, a).waitFor({ state: "visible", timeout: a.timeout ?? 15000 });
      return { found: true };
    } catch {
      return { found: false };
    }
  },
  async gone(page, a) {
    try {
      await locate(page, a).waitFor({ state: "hidden", timeout: a.timeout ?? 15000 });
      return { gone: true };
    } catch {
      return { gone: false };
    }
  },
  async count(page, a) {
    return { count: await page.locator(a.selector).count() };
  },
  async wait_selector(page, a) {
    const deadline = Date.now() + (a.timeout ?? 15000);
    let count = 0;
    while (Date.now() < deadline) {
      count = await page.locator(a.selector).count();
      if (count >= (a.min ?? 1)) break;
      await page.waitForTimeout(100);
    }
    return { count };
  },
  async type(page, a) {
    // Flutter edits text through its own hidden input: focus the field, then type as a person.
    // On a loaded machine the first keys can land before Flutter has moved focus into that
    // input, so wait for it, and type again until the input holds exactly what was asked.
    const field = page.getByRole("textbox", { name: a.name }).first();
    const editing = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA") ? el.value : null;
      });
    let held = null;
    for (let attempt = 0; attempt < 3 && held !== a.value; attempt++) {
      await field.click({ timeout: a.timeout ?? 10000 });
      await page.waitForFunction(
        () => ["INPUT", "TEXTAREA"].includes(document.activeElement?.tagName),
        null,
        { timeout: a.timeout ?? 10000 },
      );
      await page.keyboard.press("Control+A");
      await page.keyboard.type(a.value);
      held = await editing();
    }
    if (held !== a.value) throw new Error(`the field ${a.name} holds ${held}, not ${a.value}`);
    return {};
  },
  async select_copy(page, a) {
    // Select a text with the mouse as a person would (press, drag across, release), then copy.
    const box = await locate(page, a).boundingBox({ timeout: a.timeout ?? 10000 });
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, y, { steps: 5 });
    await page.mouse.move(box.x + box.width - 1, y, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.press("Control+C");
    return {};
  },
  async box(page, a) {
    return { box: await locate(page, a).boundingBox({ timeout: a.timeout ?? 10000 }) };
  },
  async click(page, a) {
    await locate(page, a).click({ timeout: a.timeout ?? 10000 });
    return {};
  },
  async color_scheme(page, a) {
    await page.emulateMedia({ colorScheme: a.scheme });
    await page.waitForTimeout(a.settle ?? 800); // Flet follows the system's brightness
    return {};
  },
  async viewport(page, a) {
    await page.setViewportSize({ width: a.width, height: a.height });
    await page.waitForTimeout(a.settle ?? 800); // Flet relayouts on the resize event
    return {};
  },
  async screenshot(page, a) {
    // The semantics tree comes with a frame, the paint a moment later, and a resize repaints:
    // a shot of a blank canvas is retried (for up to `timeout`) rather than kept.
    const deadline = Date.now() + (a.timeout ?? 10000);
    let image;
    do {
      await page.waitForTimeout(300);
      image = await page.screenshot({ fullPage: false });
    } while (isBlank(image) && Date.now() < deadline);
    writeFileSync(a.path, image);
    return { path: a.path, blank: isBlank(image) };
  },
  async axe(page) {
    await page.evaluate(AXE_SOURCE);
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      // Flutter mirrors the focused text field into an off-screen input of its own
      // (.flt-text-editing) to receive keys; the field itself is the labelled node of the
      // accessibility tree, so that mirror is left out (it exists only while a field has focus).
      const context = { include: [document], exclude: [[".flt-text-editing"]] };
      const r = await axe.run(context, { resultTypes: ["violations"] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.html.slice(0, 200)),
      }));
    });
    return { violations: result };
  },
  async clipboard(page, a) {
    const deadline = Date.now() + (a.timeout ?? 5000); // the copy goes through the server
    let text = "";
    while (!text && Date.now() < deadline) {
      text = await page.evaluate(() => navigator.clipboard.readText());
      if (!text) await page.waitForTimeout(200);
    }
    return { text };
  },
  async find(page, a) {
    // What the browser's Find (Ctrl+F) does: search the page's text, from the top.
    return { found: await page.evaluate((text) => {
      window.getSelection()?.removeAllRanges();
      return window.find(text, false, false, true);
    }, a.text) };
  },
  async body_text(page) {
    return { text: await page.evaluate(() => document.body.innerText) };
  },
  async html(page, a) {
    return { html: await page.evaluate((sel) => {
      const e = document.querySelector(sel); return e ? e.outerHTML : null; }, a.selector) };
  },
  async report() {
    return { console_errors: state.consoleErrors, external_requests: state.external };
  },
};

async function main() {
  const { browser, page } = await openPage();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const answer = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  answer({ ok: true, ready: true });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let args;
    try {
      args = JSON.parse(line);
    } catch (error) {
      answer({ ok: false, error: `bad command: ${error}` });
      continue;
    }
    if (args.cmd === "close") break;
    const run = COMMANDS[args.cmd];
    if (!run) {
      answer({ ok: false, error: `unknown command ${args.cmd}` });
      continue;
    }
    try {
      answer({ ok: true, ...(await run(page, args)) });
    } catch (error) {
      answer({ ok: false, error: String(error && error.message ? error.message : error) });
    }
  }
  await browser.close();
  answer({ ok: true, closed: true });
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
  process.exitCode = 2;
});

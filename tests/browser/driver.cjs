// Headless Chromium for tests/test_serve.py, driven one command at a time.
//
//   node driver.cjs PLAYWRIGHT_CORE_DIR CHROMIUM_PATH USER_DATA_DIR
//
// Reads one JSON command per line on stdin and answers each with one JSON line
// on stdout: {"ok": true, ...} or {"ok": false, "error": "..."}.  The game is
// drawn on a canvas, so the test sees it only through screenshots, downloads
// and the files the game writes; the commands are the few a player needs.
//
// playwright-core drives the system's Chromium (never `npx playwright install`).
"use strict";

const readline = require("node:readline");
const [playwrightDir, chromiumPath, userDataDir] = process.argv.slice(2);
const { chromium } = require(playwrightDir);

// Flags known to work on these machines (shared/design/ecosystem.md).
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let context = null;
const pages = new Map(); // name -> Page
const downloads = []; // every download any page started, oldest first

function watch(page) {
  page.on("download", (download) => downloads.push(download));
}

async function page(name) {
  if (!pages.has(name)) {
    const p = await context.newPage();
    pages.set(name, p);
  }
  return pages.get(name);
}

const commands = {
  async launch({ width = 1000, height = 640 }) {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: FLAGS,
      viewport: { width, height },
      acceptDownloads: true,
    });
    context.on("page", watch);
    for (const p of context.pages()) watch(p);
    return {};
  },
  async goto({ page: name, url, timeout = 20000 }) {
    const p = await page(name);
    const response = await p.goto(url, { waitUntil: "load", timeout });
    return { status: response ? response.status() : null };
  },
  // The terminal shows once the app has drawn its first bytes.
  async wait_started({ page: name, timeout = 20000 }) {
    const p = await page(name);
    await p.waitForSelector("body.-first-byte", { timeout });
    return {};
  },
  // Then until the screen has changed from that first picture and holds still
  // (two shots alike): the app has drawn its first screen, however slow it was.
  async wait_drawn({ page: name, timeout = 20000 }) {
    const p = await page(name);
    await p.waitForSelector("body.-first-byte", { timeout });
    const deadline = Date.now() + timeout;
    const first = await p.screenshot();
    let last = first;
    for (;;) {
      await p.waitForTimeout(200);
      const shot = await p.screenshot();
      if (!shot.equals(first) && shot.equals(last)) return {};
      if (Date.now() > deadline) throw new Error("the app never drew a steady screen");
      last = shot;
    }
  },
  async closed({ page: name }) {
    const p = await page(name);
    return { closed: await p.evaluate(() => document.body.classList.contains("-closed")) };
  },
  // Keys reach the app only after the page has been clicked once.
  async click({ page: name }) {
    const p = await page(name);
    const box = await p.locator("#terminal").boundingBox();
    const size = p.viewportSize();
    const x = box ? box.x + box.width / 2 : size.width / 2;
    const y = box ? box.y + box.height / 2 : size.height / 2;
    await p.mouse.click(x, y);
    return {};
  },
  async press({ page: name, keys, delay = 150 }) {
    const p = await page(name);
    for (const key of keys) {
      await p.keyboard.press(key);
      await p.waitForTimeout(delay);
    }
    return {};
  },
  async type({ page: name, text }) {
    const p = await page(name);
    await p.keyboard.type(text, { delay: 40 });
    return {};
  },
  async shot({ page: name, path }) {
    const p = await page(name);
    await p.screenshot({ path });
    return {};
  },
  async text({ page: name }) {
    const p = await page(name);
    return { text: await p.evaluate(() => document.body.innerText) };
  },
  async wait_download({ count, timeout = 15000, save_dir }) {
    const deadline = Date.now() + timeout;
    while (downloads.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${downloads.length} download(s)`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const d = downloads[count - 1];
    const name = d.suggestedFilename();
    const path = `${save_dir}/${name}`;
    await d.saveAs(path);
    return { name, path };
  },
  async close_page({ page: name }) {
    const p = pages.get(name);
    if (p) await p.close();
    pages.delete(name);
    return {};
  },
  async quit() {
    if (context) await context.close();
    context = null;
    return {};
  },
};

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let reply;
    try {
      const cmd = JSON.parse(line);
      const run = commands[cmd.op];
      if (!run) throw new Error(`unknown command ${cmd.op}`);
      reply = { ok: true, ...(await run(cmd)) };
    } catch (error) {
      reply = { ok: false, error: String(error && error.message ? error.message : error) };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  });
});
lines.on("close", () => {
  queue.then(async () => {
    if (context) await context.close().catch(() => {});
    process.exit(0);
  });
});

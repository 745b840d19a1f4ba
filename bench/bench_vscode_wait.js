// What a user waits for in VS Code (code-server in headless Chromium): the page side of
// bench/bench_vscode_wait.py, which starts code-server on a fresh app and runs this.
//
//   node bench_vscode_wait.js CONFIG.json   (CONFIG: url, playwrightCore, chromium, runs, out)
//
// Each wait is measured in the page, from the user's key or click to what they wait for:
//   lens-first:  click on ▶ Run (no app running yet) -> the result panel shows "200 OK";
//   lens-warm:   the same click again, the app warm -> the panel shows the next run;
//   save-result: Ctrl+S after an edit that changes the body, then ▶ Run -> the new body;
//   f5-ready:    F5 -> the Debug Console says "funcls: ready";
//   f5-paused:   ▶ Run with a breakpoint in the function -> the debugger is paused.
"use strict";

const fs = require("fs");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { chromium } = require(config.playwrightCore);
const editor = ".editor-group-container.active .editor-instance .monaco-editor";

async function until(what, fn, ms = 120000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text of the result panel of `name` (a webview: two iframes deep). */
async function panelText(page, name) {
  for (const frame of page.frames()) {
    const title = await frame.locator("h1").first().innerText({ timeout: 50 }).catch(() => "");
    if (title.trim() === name) return frame.locator("body").innerText({ timeout: 200 });
  }
  return "";
}

async function clickRun(page) {
  const lens = page.locator(`${editor} .codelens-decoration a`, { hasText: "▶ Run" }).first();
  await lens.waitFor({ timeout: 120000 });
  await lens.click();
}

async function goTo(page, line) {
  await page.keyboard.press("Control+G");
  await page.waitForTimeout(200);
  await page.keyboard.type(`:${line}`);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
}

async function main() {
  const browser = await chromium.launch({
    executablePath: config.chromium,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = await (await browser.newContext({ viewport: { width: 1500, height: 950 } })).newPage();
  const out = {};
  const add = (k, ms) => (out[k] = out[k] || []).push(ms);
  try {
    await page.goto(config.url);
    await page.waitForSelector(".monaco-workbench", { timeout: 120000 });
    await page.waitForTimeout(3000);
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "function_app.py" }).first().dblclick({ timeout: 60000 });
    await page.locator(`${editor} .codelens-decoration a`, { hasText: "▶ Run" }).first().waitFor({ timeout: 120000 });
    await page.waitForTimeout(1500); // the lenses settle (a click on a replaced lens is lost)

    let t = Date.now();
    await clickRun(page);
    await until("the first result", async () => /200 OK/.test(await panelText(page, "hello")));
    add("lens-first", Date.now() - t);

    for (let i = 0; i < config.runs; i++) {
      const before = await panelText(page, "hello");
      const runs = (before.match(/ hello 200 OK/g) || []).length;
      t = Date.now();
      await clickRun(page);
      await until("a warm result", async () => ((await panelText(page, "hello")).match(/ hello 200 OK/g) || []).length > runs);
      add("lens-warm", Date.now() - t);
    }

    // whoLine: `    who = req.params.get("name") or "world"` in the app the .py writes.
    for (let i = 1; i <= config.runs; i++) {
      await page.locator(`${editor} .view-lines`).first().click();
      await goTo(page, config.whoLine);
      await page.keyboard.press("End");
      await page.keyboard.type('; who += "x"');
      t = Date.now();
      await page.keyboard.press("Control+S");
      await clickRun(page);
      const body = `Hello, sample${"x".repeat(i)}!`;
      await until("the edited body", async () => (await panelText(page, "hello")).includes(body));
      add("save-result", Date.now() - t);
    }

    await page.locator(`${editor} .view-lines`).first().click();
    await goTo(page, config.breakLine);
    await page.keyboard.press("F9");
    t = Date.now();
    await page.keyboard.press("F5");
    await until("funcls: ready in the Debug Console", async () =>
      /funcls: ready/.test(await page.locator(".repl .monaco-list-rows").first().innerText({ timeout: 200 })));
    add("f5-ready", Date.now() - t);
    await page.waitForTimeout(1000);
    t = Date.now();
    await clickRun(page);
    await until("the debugger paused", async () => (await page.locator(".debug-top-stack-frame").count()) > 0 ||
      /Paused on breakpoint/i.test(await page.locator(".debug-call-stack").first().innerText({ timeout: 200 })));
    add("f5-paused", Date.now() - t);
    await page.keyboard.press("F5");
    await page.waitForTimeout(1000);
    await page.keyboard.press("Shift+F5");
    await page.waitForTimeout(1000);
  } catch (e) {
    out.error = String((e && e.stack) || e);
    await page.screenshot({ path: `${config.out}.png` }).catch(() => {});
  }
  fs.writeFileSync(config.out, JSON.stringify(out, null, 2));
  await browser.close();
}

main();

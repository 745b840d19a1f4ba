// Drives VS Code (code-server in headless Chromium, through playwright-core) the way a user
// would: opens files with Quick Open, moves with Go to Line, asks for hovers and suggestions
// with the keyboard, reads the Problems view and code lenses, clicks a lens. It records what
// the page shows; tests/clients/test_vscode.py decides whether that is right.
//
//   node driver.js CONFIG.json
//
// CONFIG: { url, playwrightCore, chromium, shots, result, timeoutMs, steps: [{id, kind, ...}] }.
// The result file is rewritten after every step: { done, steps: { id: { ok, seen, error,
// screenshot, ms } } }. A failing step gets a screenshot and does not stop the others.
"use strict";

const fs = require("fs");
const path = require("path");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { chromium } = require(config.playwrightCore);

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const WAIT = config.timeoutMs;
const SHORT = Math.min(10000, WAIT);

const output = { done: false, steps: {} };
function save() {
  const tmp = `${config.result}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(output, null, 2));
  fs.renameSync(tmp, config.result);
}

/** Fails with `what` (and the last error) when `fn` does not succeed within `ms`. */
async function within(what, ms, fn) {
  try {
    return await fn();
  } catch (e) {
    const detail = String((e && e.message) || e).split("\n")[0];
    throw new Error(`timed out after ${ms} ms waiting for ${what} (${detail})`);
  }
}

const activeEditor = ".editor-group-container.active .editor-instance .monaco-editor";

/** The Notifications center, opened: its status bar item toggles it, so it is clicked only
 * while the center is hidden, and again if a click landed while it was opening or closing. */
async function openNotificationsCenter(page) {
  const center = page.locator(".notifications-center");
  const deadline = Date.now() + SHORT;
  while (!(await center.isVisible().catch(() => false))) {
    if (Date.now() > deadline) {
      await within("the Notifications center", 1, () => center.waitFor({ state: "visible", timeout: 1 }));
    }
    await page.locator('[id="status.notifications"]').click();
    await center.waitFor({ state: "visible", timeout: 2000 }).catch(() => {});
  }
  return center;
}

async function quickInput(page, key) {
  // The first key press can land before the workbench takes keyboard focus: press again.
  const widget = page.locator(".quick-input-widget");
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press(key);
    try {
      await widget.waitFor({ state: "visible", timeout: 3000 });
      return widget;
    } catch (e) {
      if (attempt >= 5) throw new Error(`${key} opened no quick input`);
    }
  }
}

async function openFileOnce(page, rel, ms) {
  const base = path.basename(rel);
  const widget = await quickInput(page, "Control+P");
  const box = widget.locator("input").first();
  // Keys typed while the widget is still taking focus can be lost: set the text and check it.
  await box.fill(rel);
  await within(`Quick Open to hold '${rel}'`, SHORT, async () => {
    const deadline = Date.now() + SHORT;
    while ((await box.inputValue()) !== rel) {
      if (Date.now() > deadline) throw new Error(`it holds '${await box.inputValue()}'`);
      await box.fill(rel);
      await page.waitForTimeout(100);
    }
  });
  // Enter opens the focused row, which must be the file asked for, not a recent one: its name
  // and its folder (several apps have a function_app.py; the list may still show the recent
  // files for a moment).
  const dir = path.dirname(rel);
  let row = widget.locator(".monaco-list-row.focused", { hasText: base });
  if (dir !== ".") row = row.filter({ hasText: dir });
  row = row.first();
  await within(`Quick Open to focus ${rel}`, ms, () => row.waitFor({ timeout: ms }));
  await page.keyboard.press("Enter");
  const tab = page.locator(".editor-group-container.active .tab.active", { hasText: base });
  await within(`an editor tab for ${rel}`, ms, () => tab.waitFor({ timeout: ms }));
  await within(`the text of ${rel}`, ms, () =>
    page.locator(`${activeEditor} .view-lines .view-line`).first().waitFor({ timeout: ms }),
  );
}

async function openFile(page, rel) {
  // A busy workbench (extension host starting, indexing) sometimes drops the first try.
  const tries = 3;
  const ms = Math.max(SHORT, Math.floor(WAIT / tries));
  for (let attempt = 1; ; attempt++) {
    try {
      return await openFileOnce(page, rel, ms);
    } catch (e) {
      if (attempt >= tries) throw e;
      await page.keyboard.press("Escape");
      await page.waitForTimeout(500);
    }
  }
}

async function goTo(page, line, column) {
  await quickInput(page, "Control+G");
  await page.keyboard.type(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  const status = page.locator(".statusbar-item", { hasText: `Ln ${line}, Col ${column}` });
  await within(`the cursor at Ln ${line}, Col ${column}`, SHORT, () =>
    status.first().waitFor({ timeout: SHORT }),
  );
}

async function showHover(page, expect) {
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content", { hasText: expect });
  await within(`a hover showing '${expect}'`, WAIT, () => hover.first().waitFor({ timeout: WAIT }));
  const text = await page.locator(".monaco-hover:not(.hidden) .monaco-hover-content").allInnerTexts();
  await page.keyboard.press("Escape");
  return text;
}

/** Every code lens in the active editor with the line number of the line right below it. */
async function lensesWithLines(page) {
  return page.evaluate((editorSel) => {
    const editor = document.querySelector(editorSel);
    if (!editor) return [];
    const numbers = [...editor.querySelectorAll(".margin-view-overlays .line-numbers")].map((el) => ({
      line: Number(el.textContent.trim()),
      top: el.getBoundingClientRect().top,
    }));
    return [...editor.querySelectorAll(".codelens-decoration")].map((el) => {
      const bottom = el.getBoundingClientRect().bottom;
      const below = numbers
        .filter((n) => n.top >= bottom - 3)
        .sort((a, b) => a.top - b.top)[0];
      return { text: el.innerText.trim(), lineBelow: below ? below.line : null };
    });
  }, activeEditor);
}

async function waitForLens(page, title, line) {
  const deadline = Date.now() + WAIT;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await lensesWithLines(page);
    if (seen.some((l) => l.text.includes(title) && l.lineBelow === line)) return seen;
    await page.waitForTimeout(200);
  }
  throw new Error(
    `timed out after ${WAIT} ms waiting for a '${title}' code lens above line ${line}; saw ${JSON.stringify(seen)}`,
  );
}

/** Run a command by its title from the Command Palette. */
async function runFromPalette(page, title) {
  const widget = await quickInput(page, "F1");
  const box = widget.locator("input").first();
  await box.fill(`>${title}`);
  const row = widget.locator(".monaco-list-row.focused", { hasText: title }).first();
  await within(`the command '${title}' in the palette`, WAIT, () => row.waitFor({ timeout: WAIT }));
  await page.keyboard.press("Enter");
}

/** GET `url` until it answers 200; returns the last status and body. */
async function poll(url, ms) {
  const deadline = Date.now() + ms;
  let last = { status: null, body: "", error: "" };
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      last = { status: res.status, body: await res.text(), error: "" };
      if (res.status === 200) return last;
    } catch (e) {
      last = { status: null, body: "", error: String((e && e.cause && e.cause.code) || e) };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

/** The Functions view (the funcls activity bar entry), opened. */
async function functionsView(page) {
  const view = page.locator('.pane:has(.pane-header[aria-label*="Functions"])').first();
  if (!(await view.isVisible().catch(() => false))) {
    await page.locator('.activitybar [aria-label*="Azure Functions (funcls)"]').first().click();
  }
  await within("the Functions view", WAIT, () => view.waitFor({ timeout: WAIT }));
  return view;
}

/** The view's row for `name` of the app `app` (rows follow their app's row). */
async function functionRow(page, app, name) {
  const view = await functionsView(page);
  const rows = view.locator(".monaco-list-row");
  const deadline = Date.now() + WAIT;
  let previous = "";
  while (Date.now() < deadline) {
    const labels = await rows.evaluateAll((els) =>
      els.map((e) => (e.querySelector(".label-name") || e).innerText.split("\n")[0].trim()),
    );
    const appAt = labels.indexOf(app);
    const at = appAt < 0 ? -1 : labels.indexOf(name, appAt + 1);
    // The row is found by its position: only once the view has stopped changing (a save
    // re-indexes the app and the view may be redrawn while we look), else the position
    // may be another function's by the time it is clicked.
    const now = labels.join("\n");
    if (at >= 0 && now === previous) return rows.nth(at);
    previous = now;
    await page.waitForTimeout(300);
  }
  throw new Error(`no row '${name}' under '${app}' in the Functions view`);
}

/** The Functions view's row of the app `app` once its description (the runner's state:
 * "stopped", "running on http://…") matches `pattern`; returns the row and the description. */
async function appRowWhen(page, app, pattern, ms) {
  const view = await functionsView(page);
  const rows = view.locator(".monaco-list-row");
  const deadline = Date.now() + ms;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await rows.evaluateAll((els) =>
      els.map((e) => {
        const part = (sel) => ((e.querySelector(sel) || {}).innerText || "").trim();
        return { name: part(".label-name"), description: part(".label-description") };
      }),
    );
    const at = seen.findIndex((r) => r.name === app && pattern.test(r.description));
    if (at >= 0) return { row: rows.nth(at), description: seen[at].description };
    await page.waitForTimeout(250);
  }
  throw new Error(`the app row '${app}' never matched ${pattern}; rows: ${JSON.stringify(seen)}`);
}

/** Hover `row` and click its inline action `label`. */
async function clickInline(page, row, label) {
  await page.mouse.move(700, 450); // away from the activity bar's tooltip, which covers rows
  await page.waitForTimeout(300);
  await row.hover({ force: true });
  const action = row.locator(`.action-label[aria-label="${label}"]`).first();
  await within(`the inline action '${label}'`, SHORT, () => action.waitFor({ timeout: SHORT }));
  await action.click({ force: true });
}

/** GET `url` until nothing answers (the process is gone); true when it went away in time. */
async function pollGone(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
    } catch (e) {
      const code = String((e && e.cause && e.cause.code) || "");
      if (code === "ECONNREFUSED" || code === "ECONNRESET") return true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** The row's own label, to check that a positional row is still the function wanted. */
async function rowLabel(row) {
  const text = await (await row.locator(".label-name").first()).innerText();
  return text.split("\n")[0].trim();
}

/** The text of the run result panel's page (a webview: an iframe in an iframe). */
async function resultPanel(page, name, ms) {
  const tab = page.locator(".tab", { hasText: name }).filter({ hasText: /[✓✗]/ });
  await within(`a result panel for ${name}`, ms, () => tab.first().waitFor({ timeout: ms }));
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        const h1 = await frame.locator("h1").first().innerText({ timeout: 200 });
        if (h1.trim() !== name) continue;
        const status = await frame.locator("#status").innerText({ timeout: 200 });
        const body = await frame.locator("pre.body").allInnerTexts();
        const text = await frame.locator("body").innerText({ timeout: 200 });
        // Whether the logs scroll sideways (a long line not wrapped): their box's widths.
        const logs = await frame
          .locator("pre.logs")
          .evaluateAll((els) => els.map((e) => ({ scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, height: e.clientHeight })));
        return { tab: await tab.first().innerText(), status, body: body.join(""), text, logs };
      } catch {
        // not this frame, or not loaded yet
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`the result panel of ${name} showed no page`);
}

/** The frame of the result panel of `name` (a webview: an iframe in an iframe). */
async function panelFrame(page, name, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const h1 = await frame.locator("h1").first().innerText({ timeout: 200 }).catch(() => "");
      if (h1.trim() === name) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no result panel page for ${name}`);
}

/** Answer the quick input that is open: `text` typed (or left as offered), then Enter. */
async function answerQuickInput(page, text, expectTitle) {
  const widget = page.locator(".quick-input-widget");
  await within(`the quick input '${expectTitle}'`, WAIT, () =>
    widget.locator(".quick-input-title, .quick-input-message", { hasText: expectTitle }).first().waitFor({ timeout: WAIT }),
  );
  const box = widget.locator("input").first();
  if (text !== null) {
    await box.fill(text);
  }
  await page.waitForTimeout(300);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
}

/** Open the Debug Console (Ctrl+Shift+Y) and read its text until it holds each of `expect`
 * (or WAIT passed): its rows' text, and whether all were seen. */
async function readDebugConsole(page, expect) {
  await page.keyboard.press("Control+Shift+Y");
  const repl = page.locator(".repl .monaco-list-rows");
  let text = "";
  const deadline = Date.now() + WAIT;
  while (Date.now() < deadline) {
    text = (await repl.allInnerTexts().catch(() => [])).join("\n");
    if (expect.every((e) => text.includes(e))) break;
    await page.waitForTimeout(250);
  }
  const shotConsole = await shot(page, "debug-console");
  // The classes of each row's output (VS Code marks a warning's "warn", stderr's "error").
  const classes = await page
    .locator(".repl .monaco-list-rows .monaco-list-row .value")
    .evaluateAll((els) => els.map((e) => ({ text: e.innerText.slice(0, 200), className: e.className })));
  return { text: text.slice(-4000), all: expect.every((e) => text.includes(e)), shotConsole, classes };
}

const STEPS = {
  /** Run with input… from the view: the saved input opens; replace `find` by `replace` in it
   * (the editor's Replace), save, click the entry's `lens`, read the result panel. */
  async runWithInput(page, step) {
    const row = await functionRow(page, step.app, step.function);
    await page.mouse.move(700, 450);
    await page.waitForTimeout(500);
    await row.hover({ force: true });
    const action = row.locator('.action-label[aria-label="Run with input…"]').first();
    await within("the inline action 'Run with input…'", SHORT, () => action.waitFor({ timeout: SHORT }));
    await action.click({ force: true });
    const tab = page.locator(".editor-group-container.active .tab.active", { hasText: "funcls.inputs.json" });
    await within("the saved inputs in an editor", WAIT, () => tab.first().waitFor({ timeout: WAIT }));
    await page.locator(`${activeEditor} .view-lines`).first().click();
    await page.keyboard.press("Control+H");
    const widget = page.locator(".editor-group-container.active .find-widget.visible");
    await within("the Replace widget", SHORT, () => widget.waitFor({ timeout: SHORT }));
    await widget.locator(".find-part textarea, .find-part input").first().fill(step.find);
    await widget.locator(".replace-part textarea, .replace-part input").first().fill(step.replace);
    await page.waitForTimeout(300);
    await page.keyboard.press("Control+Alt+Enter");
    // Close the Replace widget (it lies over the lens to click): an Escape pressed while the
    // replacement is applied can be lost, so until it is hidden.
    for (let i = 0; i < 10 && (await widget.isVisible().catch(() => false)); i++) {
      await page.keyboard.press("Escape");
      await page.waitForTimeout(200);
    }
    await page.keyboard.press("Control+S");
    await page.waitForTimeout(1000);
    const lens = page.locator(`${activeEditor} .codelens-decoration a`, { hasText: step.lens });
    await within(`the lens '${step.lens}'`, WAIT, () => lens.first().waitFor({ timeout: WAIT }));
    await lens.first().click();
    return { panel: await resultPanel(page, step.function, WAIT) };
  },

  /** Keep the page open for `waitMs` (the workbench, not the extension host, applies settings
   * changes: the probe's work that needs them must happen while a window is open). */
  async pause(page, step) {
    await page.waitForTimeout(step.waitMs);
    return {};
  },

  /** A modal dialog showing `expect` within `waitMs`: its text (null when none came), then
   * the dialog dismissed (Escape, its Cancel); with the notifications shown meanwhile. */
  async dialog(page, step) {
    const dialog = page.locator(".monaco-dialog-box", { hasText: step.expect }).first();
    let text = null;
    try {
      await dialog.waitFor({ state: "visible", timeout: step.waitMs });
      text = await dialog.innerText();
      await page.keyboard.press("Escape");
    } catch {
      text = null;
    }
    const center = await openNotificationsCenter(page);
    const items = await center.locator(".notification-list-item").allInnerTexts();
    await page.keyboard.press("Escape");
    return { text, items };
  },

  /** After `waitMs`, every notification in the Notifications center. */
  async notifications(page, step) {
    await page.waitForTimeout(step.waitMs);
    const center = await openNotificationsCenter(page);
    const items = await center.locator(".notification-list-item").allInnerTexts();
    await page.keyboard.press("Escape");
    return { items };
  },


  /** New function (or New app) from the palette: answers each question, then saves the
   * edited file. Without `file`, from whatever editor is active (none in an empty folder). */
  async newFunction(page, step) {
    if (step.file) await openFile(page, step.file);
    await runFromPalette(page, step.command);
    for (const [title, text] of step.answers) {
      await answerQuickInput(page, text, title);
    }
    const tab = page.locator(".editor-group-container.active .tab.active", { hasText: step.shows });
    await within(`the new function's file ${step.shows}`, WAIT, () => tab.first().waitFor({ timeout: WAIT }));
    await page.keyboard.press("Control+S");
    await page.waitForTimeout(1000);
    return { tab: await tab.first().innerText() };
  },

  /** Type `count` spaces at the end of `line` as fast as the keyboard goes, erase them, save:
   * the file ends as it was. Meanwhile the page counts the active editor's error squiggles
   * every few ms; the probe records the file's diagnostics in the extension host. */
  async typeAndErase(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, 1);
    await page.keyboard.press("End");
    await page.evaluate((editorSel) => {
      const counts = (window.__funclsSquiggles = []);
      window.__funclsSampler = setInterval(() => {
        counts.push(document.querySelectorAll(`${editorSel} .squiggly-error`).length);
      }, 5);
    }, activeEditor);
    for (let i = 0; i < step.count; i++) await page.keyboard.press("Space");
    for (let i = 0; i < step.count; i++) await page.keyboard.press("Backspace");
    await page.waitForTimeout(step.settleMs);
    const squiggles = await page.evaluate(() => {
      clearInterval(window.__funclsSampler);
      return window.__funclsSquiggles;
    });
    await page.keyboard.press("Control+S");
    await page.waitForTimeout(500);
    return { squiggles: { min: Math.min(...squiggles), max: Math.max(...squiggles), samples: squiggles.length } };
  },

  /** Type `type` at the end of `line`, press Enter, wait, save: what the file holds is read by the test. */
  async typeAtEnd(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, 1);
    await page.keyboard.press("End");
    await page.keyboard.type(step.type, { delay: 80 });
    await page.waitForTimeout(800); // time for a suggest widget to appear, if any would
    const suggest = await page.locator(".suggest-widget.visible .monaco-list-row").allInnerTexts();
    await page.keyboard.press("Enter");
    await page.waitForTimeout(800);
    await page.keyboard.press("Control+S");
    await page.waitForTimeout(800);
    return { suggestBeforeEnter: suggest };
  },


  /** F9 at `line`, start debugging from the palette, GET `url`: the request waits at the
   * breakpoint (the editor marks the paused line) until F5 continues it. */
  async debug(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, 1);
    await page.keyboard.press("F9");
    await within("a breakpoint in the gutter", SHORT, () =>
      page.locator(`${activeEditor} .codicon-debug-breakpoint`).first().waitFor({ timeout: SHORT }),
    );
    await runFromPalette(page, step.command);
    const toolbar = page.locator(".debug-toolbar");
    await within("the debug toolbar", WAIT, () => toolbar.waitFor({ state: "visible", timeout: WAIT }));
    // Attached: the app answers; then ask for the function with the breakpoint.
    let answered = null;
    const request = (async () => {
      const deadline = Date.now() + WAIT;
      while (Date.now() < deadline) {
        try {
          const res = await fetch(step.url);
          answered = { status: res.status, body: await res.text(), at: Date.now() };
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    })();
    const paused = page.locator(`${activeEditor} .debug-top-stack-frame-line, ${activeEditor} .codicon-debug-stackframe`);
    await within("the editor to stop at the breakpoint", WAIT, () => paused.first().waitFor({ timeout: WAIT }));
    const pausedAt = await page.locator(".statusbar-item", { hasText: /Ln \d+/ }).first().innerText();
    await page.waitForTimeout(1000);
    // The Call Stack view's frames of the paused thread: function name and file of each.
    const frames = page.locator(".debug-call-stack .monaco-list-row .stack-frame");
    await within("the Call Stack's frames", WAIT, () => frames.first().waitFor({ timeout: WAIT }));
    const callStack = await frames.evaluateAll((els) =>
      els.map((e) => ({
        name: ((e.querySelector(".expression") || e.querySelector(".label") || {}).innerText || "").trim(),
        file: ((e.querySelector(".file-name") || {}).innerText || "").trim(),
      })),
    );
    const waitingWhilePaused = answered === null;
    const shotPaused = await shot(page, `${step.id}-paused`);
    await page.keyboard.press("F5");
    await request;
    // `consoleExpect`: the Debug Console, once it shows each of these texts (the app's output:
    // the function's logs and prints).
    let debugConsole;
    if (step.consoleExpect) {
      debugConsole = await readDebugConsole(page, step.consoleExpect);
    }
    // `viewWhileDebugging`: the app's row in the Functions view while the session runs (no Run
    // lens was clicked: the driver sent the request itself).
    let duringSession;
    if (step.viewWhileDebugging) {
      try {
        duringSession = (await appRowWhen(page, step.app, /^running on /, SHORT)).description;
      } catch (e) {
        duringSession = String((e && e.message) || e);
      }
    }
    await page.keyboard.press("Shift+F5");
    // Ending the session stops the app: the view says so (not the debugged run's URL).
    let afterEnd;
    try {
      afterEnd = (await appRowWhen(page, step.app, /^stopped/, SHORT)).description;
    } catch (e) {
      afterEnd = String((e && e.message) || e);
    }
    // `again`: start the same debugging once more, read the terminal panel's tabs (with
    // terminal.integrated.tabs.hideCondition "never" they list every terminal), end it.
    let again;
    if (step.again) {
      await runFromPalette(page, step.command);
      await within("the debug toolbar again", WAIT, () => toolbar.waitFor({ state: "visible", timeout: WAIT }));
      await appRowWhen(page, step.app, /^running on /, WAIT).catch(() => undefined);
      const tabs = page.locator(".terminal-tabs-entry, .tabs-list .monaco-list-row");
      await within("the terminal tabs", SHORT, () => tabs.first().waitFor({ timeout: SHORT }));
      const terminals = await page
        .locator(".tabs-list .monaco-list-row")
        .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") || e.innerText));
      const shotAgain = await shot(page, `${step.id}-again`);
      await page.keyboard.press("Shift+F5");
      let afterSecondEnd;
      try {
        afterSecondEnd = (await appRowWhen(page, step.app, /^stopped/, WAIT)).description;
      } catch (e) {
        afterSecondEnd = String((e && e.message) || e);
      }
      again = { terminals, shotAgain, afterSecondEnd };
    }
    return { waitingWhilePaused, pausedAt, answered, shotPaused, callStack, afterEnd, duringSession, debugConsole, again };
  },


  /** F5 with no editor open (focus in the Functions view): what opens — its placeholder and
   * rows (label, description) — then Escape. */
  async f5Pick(page, step) {
    await functionsView(page);
    const widget = await quickInput(page, "F5");
    const rows = widget.locator(".monaco-list-row");
    await within("the pick's rows", SHORT, () => rows.first().waitFor({ timeout: SHORT }));
    const placeholder = (await widget.locator("input").first().getAttribute("placeholder")) || "";
    const items = await rows.evaluateAll((els) =>
      els.map((e) => ({
        label: ((e.querySelector(".label-name") || {}).innerText || "").trim(),
        description: ((e.querySelector(".label-description") || {}).innerText || "").trim(),
      })),
    );
    const shotPick = await shot(page, `${step.id}-pick`);
    await page.keyboard.press("Escape");
    return { placeholder, items, shotPick };
  },

  /** The Functions view's rows (app rows with their state, function rows with their detail). */
  async view(page, step) {
    const view = await functionsView(page);
    await functionRow(page, step.app, step.expect);
    const rows = await view.locator(".monaco-list-row").evaluateAll((els) =>
      els.map((e) => {
        const part = (sel) => ((e.querySelector(sel) || {}).innerText || "").trim();
        return { name: part(".label-name"), description: part(".label-description"), tooltip: e.getAttribute("aria-label") };
      }),
    );
    return { rows };
  },

  /** Hover a function's row, click its inline action `action`, read the result panel. */
  async viewAction(page, step) {
    let row = await functionRow(page, step.app, step.function);
    await page.mouse.move(700, 450); // away from the activity bar's tooltip, which covers rows
    await page.waitForTimeout(500);
    for (let attempt = 0; attempt < 5 && (await rowLabel(row)) !== step.function; attempt++) {
      row = await functionRow(page, step.app, step.function); // the view was redrawn
    }
    await row.hover({ force: true });
    const action = row.locator(`.action-label[aria-label="${step.action}"]`).first();
    await within(`the inline action '${step.action}'`, SHORT, () => action.waitFor({ timeout: SHORT }));
    const actions = await row.locator(".action-label").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
    await action.click({ force: true });
    return { actions, panel: await resultPanel(page, step.function, WAIT) };
  },

  /** The view's inline "Copy URL" on a function: the status bar's "Copied …" message, and
   * the text the browser gets at the copied address, as a user pasting it would. */
  async viewCopyUrl(page, step) {
    const row = await functionRow(page, step.app, step.function);
    await clickInline(page, row, "Copy URL");
    const status = page.locator(".statusbar-item", { hasText: /^Copied / }).first();
    await within("the status bar's 'Copied' message", SHORT, () => status.waitFor({ timeout: SHORT }));
    const message = (await status.innerText()).trim();
    const url = message.replace(/^Copied /, "").split(" ")[0];
    // The browser fetches the copied address (code-server's own origin serves /proxy/).
    const text = await page.evaluate(async (u) => (await fetch(u)).text(), url);
    return { message, url, text };
  },

  /** The view's inline "Open in browser" on a function: the page VS Code opens (a new
   * browser tab), with its URL and text. A confirmation VS Code asks first is answered Open. */
  async viewOpenInBrowser(page, step) {
    const row = await functionRow(page, step.app, step.function);
    const popup = page.context().waitForEvent("page", { timeout: WAIT });
    await clickInline(page, row, "Open in browser");
    const dialog = page.locator(".monaco-dialog-box");
    let asked = null;
    const opened = await Promise.race([
      popup,
      dialog.waitFor({ state: "visible", timeout: WAIT }).then(() => null),
    ]);
    let tab = opened;
    if (tab === null) {
      asked = await dialog.innerText();
      await dialog.locator(".monaco-button", { hasText: /^Open$/ }).first().click();
      tab = await popup;
    }
    await tab.waitForLoadState("load", { timeout: WAIT }).catch(() => undefined);
    const deadline = Date.now() + WAIT;
    let text = "";
    while (Date.now() < deadline) {
      text = await tab.locator("body").innerText({ timeout: SHORT }).catch(() => "");
      if (text.trim() !== "") break;
      await page.waitForTimeout(200);
    }
    const seen = { url: tab.url(), text, asked };
    await tab.close();
    return seen;
  },

  /** "Stop the app" then "Start the app in the background" from the palette: the view's app
   * row goes from stopped to running on its URL, where the app answers `path`. */
  async backgroundStart(page, step) {
    await openFile(page, step.file); // the palette's commands act on the active file's app
    await functionsView(page);
    await runFromPalette(page, step.stop);
    const stopped = (await appRowWhen(page, step.app, /^stopped$/, WAIT)).description;
    await runFromPalette(page, step.command);
    const running = (await appRowWhen(page, step.app, /^running on http:\/\/\S+$/, WAIT)).description;
    const base = running.replace(/^running on /, "").replace(/\/$/, "");
    const answer = await poll(base + step.path, WAIT);
    return { stopped, running, answer };
  },

  /** Start the app in a terminal from the palette, wait for `url`, then the view's Stop on
   * the app's row: the terminal's `funcls run` ends (its URL stops answering) and the
   * terminal closes. */
  async stopTerminalApp(page, step) {
    await openFile(page, step.file);
    await runFromPalette(page, step.command);
    const answer = await poll(step.url, WAIT);
    const terminalsBefore = await page.locator(".terminal-tabs-entry, .single-terminal-tab").allInnerTexts();
    const { row, description } = await appRowWhen(page, step.app, /^running on /, WAIT);
    await clickInline(page, row, "Stop the app");
    const gone = await pollGone(step.url, WAIT);
    await page.waitForTimeout(500);
    const terminalsAfter = await page.locator(".terminal-tabs-entry, .single-terminal-tab").allInnerTexts();
    return { answer, description, gone, terminalsBefore, terminalsAfter };
  },

  /** In the result panel of `function`, click the element showing `click` ("Run again") or
   * matching `selector` (the error's file:line link, `a[data-open]`). `then`: "rerun" waits for a result with another invocation id;
   * "editor" waits for the editor's cursor at Ln `line` of the file `file`. */
  async panelClick(page, step) {
    const before = await resultPanel(page, step.function, WAIT);
    const frame = await panelFrame(page, step.function, WAIT);
    // A mark in the page's document: still there after the rerun when the panel updated its
    // page in place, gone when the page was loaded again (webview.html set).
    await frame.evaluate(() => (document.documentElement.dataset.driverMark = "before"));
    const target = step.selector ? frame.locator(step.selector) : frame.getByText(step.click, { exact: false });
    await target.first().click();
    if (step.then === "editor") {
      const tab = page.locator(".editor-group-container .tab.active", { hasText: step.file });
      await within(`an editor tab for ${step.file}`, WAIT, () => tab.first().waitFor({ timeout: WAIT }));
      const status = page.locator(".statusbar-item", { hasText: `Ln ${step.line},` });
      await within(`the cursor at Ln ${step.line}`, SHORT, () => status.first().waitFor({ timeout: SHORT }));
      return { before, cursor: await status.first().innerText() };
    }
    const invocation = (text) => (/invocation (\S+)/.exec(text) || [])[1];
    const deadline = Date.now() + WAIT;
    let after = before;
    while (Date.now() < deadline) {
      after = await resultPanel(page, step.function, WAIT);
      if (invocation(after.text) && invocation(after.text) !== invocation(before.text)) break;
      await page.waitForTimeout(250);
    }
    const frames = [];
    for (const f of page.frames()) {
      const h1 = await f.locator("h1").first().innerText({ timeout: 200 }).catch(() => "");
      if (h1.trim() === step.function) frames.push(f);
    }
    const marks = await Promise.all(
      frames.map((f) => f.evaluate(() => document.documentElement.dataset.driverMark || null).catch(() => null)),
    );
    return { before, after, samePage: marks.includes("before") };
  },

  /** In the Notifications center, click `action` on the notification showing `expect`; then
   * wait (up to `thenWaitMs`) for a notification showing `thenExpect` and click its `then`
   * button; when `function` is given, read that function's result panel. */
  async notificationFlow(page, step) {
    const center = page.locator(".notifications-center");
    const openCenter = () => openNotificationsCenter(page);
    await openCenter();
    const first = center.locator(".notification-list-item", { hasText: step.expect }).first();
    await within(`a notification with '${step.expect}'`, WAIT, () => first.waitFor({ timeout: WAIT }));
    const asked = await first.innerText();
    await first.locator(".monaco-button", { hasText: step.action }).first().click();
    const deadline = Date.now() + step.thenWaitMs;
    let answer = null;
    let seen = [];
    while (Date.now() < deadline) {
      await openCenter();
      seen = await center.locator(".notification-list-item").allInnerTexts();
      const item = center.locator(".notification-list-item", { hasText: step.thenExpect }).first();
      if (await item.isVisible().catch(() => false)) {
        answer = await item.innerText();
        await item.locator(".monaco-button", { hasText: step.then }).first().click();
        break;
      }
      await page.waitForTimeout(500);
    }
    if (answer === null) {
      throw new Error(`no notification with '${step.thenExpect}' after ${step.thenWaitMs} ms; saw ${JSON.stringify(seen)}`);
    }
    await page.keyboard.press("Escape");
    const panel = step.function ? await resultPanel(page, step.function, WAIT) : null;
    return { asked, answer, panel };
  },

  /** F2 at line:column: what the editor shows (the rename box, or a message at the cursor);
   * when the box shows, type `newName`, Enter, and read the message or the changed line. */
  async rename(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, step.column);
    await page.keyboard.press("F2");
    const box = page.locator(".rename-box input, .rename-box .rename-input").first();
    const message = page.locator(".monaco-editor-overlaymessage").first();
    const readMessage = async () => (await message.isVisible().catch(() => false) ? (await message.innerText()).trim() : null);
    const deadline = Date.now() + WAIT;
    let first = null;
    while (Date.now() < deadline && first === null) {
      if (await box.isVisible().catch(() => false)) first = "box";
      else if ((await readMessage()) !== null) first = "message";
      else await page.waitForTimeout(100);
    }
    const seen = { first, messageBefore: await readMessage(), messageAfter: null, lines: [] };
    if (first === "box") {
      await box.fill(step.newName);
      await page.keyboard.press("Enter");
      const until = Date.now() + SHORT;
      while (Date.now() < until && seen.messageAfter === null) {
        seen.messageAfter = await readMessage();
        await page.waitForTimeout(100);
      }
      seen.lines = (await page.locator(`${activeEditor} .view-line`).allInnerTexts()).map((t) => t.replace(/\u00a0/g, " "));
      await page.keyboard.press("Escape");
    }
    return seen;
  },

  /** Format Document (Ctrl+Shift+I) in `file` once `settleMs` passed: the notifications and
   * dialogs it raised (VS Code's "multiple formatters" / "no formatter" ones), then save. */
  async formatDocument(page, step) {
    await openFile(page, step.file);
    await page.waitForTimeout(step.settleMs || 0);
    await page.locator(`${activeEditor} .view-lines`).first().click();
    await page.keyboard.press("Control+Shift+I");
    await page.waitForTimeout(step.waitMs || 2500);
    const toasts = await page.locator(".notifications-toasts .notification-toast").allInnerTexts();
    // VS Code asks which formatter in a modal dialog when several are registered.
    const dialogs = await page.locator(".monaco-dialog-box").allInnerTexts();
    const shotFormatted = await shot(page, step.id);
    if (dialogs.length > 0) await page.keyboard.press("Escape");
    await page.keyboard.press("Control+S");
    await page.waitForTimeout(1000);
    if (toasts.length > 0) {
      await runFromPalette(page, "Notifications: Clear All Notifications");
    }
    return { toasts, dialogs, shotFormatted };
  },

  /** Click the lens above `line`; the result shows in the function's panel. */
  async lensPanel(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, 1);
    await waitForLens(page, step.title, step.line);
    // VS Code may ask for the lenses again just after opening the file; a click on a lens it
    // has replaced says "Actual command not found". Click once they have settled.
    await page.waitForTimeout(1500);
    await waitForLens(page, step.title, step.line);
    const index = (await lensesWithLines(page)).findIndex(
      (l) => l.text.includes(step.title) && l.lineBelow === step.line,
    );
    await page.locator(`${activeEditor} .codelens-decoration`).nth(index).locator("a").first().click();
    return { panel: await resultPanel(page, step.function, WAIT) };
  },

  /** Problems view rows, the squiggle and the editor hover at the problem. */
  async problems(page, step) {
    await openFile(page, step.file);
    const squiggle = page.locator(`${activeEditor} .squiggly-error`);
    await within("an error squiggle in the editor", WAIT, () => squiggle.first().waitFor({ timeout: WAIT }));
    const squiggles = await squiggle.count();
    await goTo(page, step.line, step.column);
    const hover = await showHover(page, step.expect);
    await page.keyboard.press("Control+Shift+M");
    const panel = page.locator(".markers-panel");
    const row = panel.locator(".monaco-list-row", { hasText: step.expect });
    await within(`a Problems row with '${step.expect}'`, WAIT, () => row.first().waitFor({ timeout: WAIT }));
    const rows = await panel.locator(".monaco-list-row").evaluateAll((els) =>
      els.map((e) => e.getAttribute("aria-label") || e.innerText),
    );
    return { squiggles, hover, rows };
  },

  async hover(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, step.column);
    return { hover: await showHover(page, step.expect) };
  },

  async codeLens(page, step) {
    await openFile(page, step.file);
    let seen = [];
    for (const line of step.lines) {
      await goTo(page, line, 1);
      seen = await waitForLens(page, step.expect, line);
    }
    return { lenses: seen };
  },

  /** Click the lens above `line` and read the notification it brings. */
  async runLens(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, 1);
    await waitForLens(page, step.title, step.line);
    const index = (await lensesWithLines(page)).findIndex(
      (l) => l.text.includes(step.title) && l.lineBelow === step.line,
    );
    await page.locator(`${activeEditor} .codelens-decoration`).nth(index).locator("a").first().click();
    // Read the Notifications center, not the toasts: VS Code shows at most three toasts and
    // hides them after a while, the center lists every notification.
    const center = await openNotificationsCenter(page);
    const item = center.locator(".notification-list-item", { hasText: step.expect });
    await within(`a notification with '${step.expect}'`, WAIT, () => item.first().waitFor({ timeout: WAIT }));
    const seen = { notification: await item.first().innerText() };
    seen.notifications = await center.locator(".notification-list-item").allInnerTexts();
    await page.keyboard.press("Escape");
    return seen;
  },

  /** A command of the palette that starts the app: wait for `url` to answer, read the
   * terminal's name, then close the terminal. */
  async startApp(page, step) {
    await openFile(page, step.file);
    await runFromPalette(page, step.command);
    const answer = await poll(step.url, WAIT);
    let state = null; // which process answered (its run.json), before the terminal closes
    try {
      state = JSON.parse(fs.readFileSync(step.stateFile, "utf8"));
    } catch {
      state = null;
    }
    const tabs = await page.locator(".terminal-tabs-entry, .single-terminal-tab").allInnerTexts();
    await runFromPalette(page, "Terminal: Kill the Active Terminal Instance");
    return { answer, terminals: tabs, state };
  },

  /** Type `type` at line:column, read the suggestions, then narrow them with `filter`. */
  async completion(page, step) {
    await openFile(page, step.file);
    await goTo(page, step.line, step.column);
    await page.keyboard.type(step.type);
    const rows = page.locator(".suggest-widget.visible .monaco-list-row");
    try {
      await rows.first().waitFor({ timeout: SHORT });
    } catch {
      await page.keyboard.press("Control+Space"); // in case the trigger character was missed
      await within("the suggest widget", WAIT, () => rows.first().waitFor({ timeout: WAIT }));
    }
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
    await page.keyboard.type(step.filter);
    const wanted = page.locator(".suggest-widget.visible .monaco-list-row", { hasText: step.expect });
    await within(`a suggestion '${step.expect}'`, WAIT, () => wanted.first().waitFor({ timeout: WAIT }));
    const filtered = await rows.allInnerTexts();
    await page.keyboard.press("Escape");
    return { labels, filtered };
  },
};

/** What the page shows when a step fails, beside its screenshot: where the keyboard focus is,
 * the cursor, every hover widget (shown or hidden) with its text, the active editor's squiggles
 * and the open quick input, so a failure says which of them was missing. */
async function pageState(page) {
  return page
    .evaluate((editorSel) => {
      const el = document.activeElement;
      const text = (e) => (e ? e.innerText.trim().slice(0, 500) : null);
      return {
        focus: el ? `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${el.getAttribute("aria-label") || ""}`.trim() : null,
        cursor: [...document.querySelectorAll(".statusbar-item")].map((e) => e.innerText).find((t) => /^Ln \d+/.test(t)) || null,
        hovers: [...document.querySelectorAll(".monaco-hover")].map((e) => ({ class: e.className, text: text(e) })),
        squiggles: document.querySelectorAll(`${editorSel} .squiggly-error`).length,
        quickInput: text(document.querySelector(".quick-input-widget:not([style*='display: none'])")),
        tabs: [...document.querySelectorAll(".tab")].map((e) => e.innerText.trim()),
      };
    }, activeEditor)
    .catch((e) => ({ error: String(e) }));
}

async function shot(page, name) {
  const file = path.join(config.shots, `${name}.png`);
  try {
    await page.screenshot({ path: file, timeout: SHORT });
    return file;
  } catch {
    return null;
  }
}

async function main() {
  fs.mkdirSync(config.shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: config.chromium,
    args: CHROMIUM_ARGS,
    timeout: WAIT,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const console_ = [];
    page.on("console", (m) => {
      if (m.type() === "error") console_.push(m.text().slice(0, 300));
    });
    const started = Date.now();
    try {
      await page.goto(config.url, { timeout: WAIT });
      await within("the VS Code workbench (.monaco-workbench)", WAIT, () =>
        page.locator(".monaco-workbench").waitFor({ timeout: WAIT }),
      );
      output.steps.open = { ok: true, ms: Date.now() - started };
    } catch (e) {
      output.steps.open = { ok: false, error: String(e.message || e), screenshot: await shot(page, "open") };
      return;
    } finally {
      save();
    }
    for (const step of config.steps) {
      const t0 = Date.now();
      try {
        const seen = await STEPS[step.kind](page, step);
        // Every step leaves a screenshot: the session's record of what a user saw.
        output.steps[step.id] = {
          ok: true,
          seen,
          at: new Date(t0).toISOString(),
          ms: Date.now() - t0,
          screenshot: await shot(page, step.id),
        };
      } catch (e) {
        output.steps[step.id] = {
          ok: false,
          error: String((e && e.message) || e),
          screenshot: await shot(page, step.id),
          page: await pageState(page),
          at: new Date(t0).toISOString(),
          ms: Date.now() - t0,
        };
        await page.keyboard.press("Escape").catch(() => undefined);
      }
      save();
    }
    output.final = await shot(page, "final");
    output.consoleErrors = console_;
  } finally {
    output.done = true;
    save();
    await browser.close();
  }
}

main().catch((e) => {
  output.done = true;
  output.fatal = String((e && e.stack) || e);
  save();
  process.exitCode = 1;
});

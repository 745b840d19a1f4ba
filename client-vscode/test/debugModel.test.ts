import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import {
  attachConfiguration,
  ConsoleFeed,
  DapReader,
  dapFrame,
  debugRules,
  FUNCLS_FRAMES,
  HELD_CHARS,
  isRunning,
  outputEvent,
} from "../src/debugModel";

const where = { host: "127.0.0.1", port: 5678 };

test("F5 attaches with justMyCode and rules that hide funcls's own frames", () => {
  const config = attachConfiguration({ name: "funcls: Debug the app" }, where, "/ws/app#5678");
  assert.equal(config.request, "attach");
  assert.deepEqual(config.connect, where);
  assert.equal(config.justMyCode, true);
  assert.deepEqual(config.rules, [
    { module: "funcls", include: false },
    { path: "**/funcls/runner/worker/__main__.py", include: false },
  ]);
  assert.equal(config.funclsApp, "/ws/app#5678");
});

test("justMyCode false shows every frame: no rules of funcls", () => {
  const config = attachConfiguration({ justMyCode: false }, where, "x");
  assert.equal(config.justMyCode, false);
  assert.equal("rules" in config, false);
});

test("the user's own rules come first, so they decide over funcls's", () => {
  const mine = [{ module: "funcls", include: true }];
  assert.deepEqual(debugRules(undefined, mine), [...mine, ...FUNCLS_FRAMES]);
  assert.deepEqual(debugRules(false, mine), mine);
  assert.equal(debugRules(false, "not a list"), undefined);
});

test("F5 goes to funcls.debugApp (a pick of the apps) when VS Code would show its debugger picker", async () => {
  const { F5_WHEN, F5_CONTEXT, hasLaunchConfigurations } = await import("../src/debugModel");
  const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    contributes: { keybindings?: { command: string; key: string; when: string }[] };
  };
  const f5 = (manifest.contributes.keybindings ?? []).filter((k) => k.key.toLowerCase() === "f5");
  assert.deepEqual(f5, [{ command: "funcls.debugApp", key: "f5", when: F5_WHEN }]);
  assert.ok(F5_WHEN.includes(F5_CONTEXT.hasApps) && F5_WHEN.includes(`!${F5_CONTEXT.launchConfigs}`));
  // A launch.json with a configuration, in any folder or the workspace, keeps VS Code's F5.
  assert.equal(hasLaunchConfigurations([undefined, []]), false);
  assert.equal(hasLaunchConfigurations([undefined, [], [{ type: "python", request: "attach", name: "x" }]]), true);
  assert.equal(hasLaunchConfigurations(["not a list", [1, "x"]]), false);
});

test("F5 asks for the app's status until it says running with a URL", () => {
  assert.equal(isRunning({ root: "/ws/app", state: "running", url: "http://localhost:7071" }), true);
  assert.equal(isRunning({ root: "/ws/app", state: "stopped", url: null }), false);
  assert.equal(isRunning({ root: "/ws/app", state: "starting", url: null }), false);
  assert.equal(isRunning({ root: "/ws/app", state: "running", url: "" }), false);
  assert.equal(isRunning(undefined), false);
  assert.equal(isRunning(null), false);
});

test("the app's output goes to the Debug Console once its session talks to debugpy, held before", () => {
  let active = false;
  const shown: string[] = [];
  const feed = new ConsoleFeed({ isActive: () => active, append: (t, c) => shown.push(`${c}:${t}`) });
  feed.write("debugpy listens on 127.0.0.1:5678\r\n");
  feed.write("HTTP functions:\r\n  get_product: [GET] http://127.0.0.1:7071/api/products/{id}\r\n");
  assert.deepEqual(shown, []); // no session yet: held
  active = true;
  feed.flush();
  assert.deepEqual(shown, [
    "stdout:debugpy listens on 127.0.0.1:5678\n",
    "stdout:HTTP functions:\n  get_product: [GET] http://127.0.0.1:7071/api/products/{id}\n",
  ]);
  feed.write("[info] Looking up product 2\nprinted");
  feed.write(" line\n");
  feed.write("Traceback (most recent call last):\n", "stderr");
  assert.deepEqual(shown.slice(2), [
    "stdout:[info] Looking up product 2\nprinted",
    "stdout: line\n",
    "stderr:Traceback (most recent call last):\n",
  ]);
});

test("held output is bounded: the oldest goes, and the console says where it is", () => {
  let active = false;
  const shown: string[] = [];
  const feed = new ConsoleFeed({ isActive: () => active, append: (t, c) => shown.push(`${c}:${t}`) });
  const chunk = "x".repeat(HELD_CHARS / 4 - 1) + "\n";
  for (let i = 0; i < 6; i++) {
    feed.write(chunk);
  }
  active = true;
  feed.flush();
  assert.equal(shown.length, 5);
  assert.equal(shown[0], "console:[funcls: 100000 earlier characters of the app's output are in its terminal only]\n");
  assert.deepEqual(shown.slice(1), Array(4).fill(`stdout:${chunk}`));
});

test("DAP frames round-trip through the reader, whatever the chunks", () => {
  const messages = [
    { seq: 1, type: "request", command: "initialize", arguments: { adapterID: "funcls" } },
    { seq: 2, type: "event", event: "output", body: { output: "é ✓ 日本\n" } },
  ];
  const bytes = Buffer.concat(messages.map(dapFrame));
  for (const size of [1, 7, bytes.length]) {
    const reader = new DapReader();
    const got: unknown[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      got.push(...reader.push(bytes.subarray(i, i + size)));
    }
    assert.deepEqual(got, messages, `chunks of ${size}`);
  }
  assert.throws(() => new DapReader().push(Buffer.from("X: 1\r\n\r\n{}")), /without Content-Length/);
  assert.deepEqual(outputEvent("hi\n", "stdout"), {
    seq: 0,
    type: "event",
    event: "output",
    body: { category: "stdout", output: "hi\n" },
  });
});

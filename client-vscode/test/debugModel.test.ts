import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { attachConfiguration, debugRules, FUNCLS_FRAMES, isRunning } from "../src/debugModel";

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

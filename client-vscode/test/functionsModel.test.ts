import { strict as assert } from "node:assert";
import { test } from "node:test";

import {
  appContext,
  appDescription,
  appTooltip,
  functionContext,
  functionDescription,
  functionTooltip,
  functionUrl,
  iconFor,
  loadErrorsText,
  readAnswer,
  readAppState,
  type AppView,
  type FunctionView,
} from "../src/functionsModel";

function fn(over: Partial<FunctionView>): FunctionView {
  return {
    name: "get_product",
    model: "v2",
    trigger: "httpTrigger",
    kind: "http",
    detail: "GET /api/products/{id:int}",
    methods: ["GET"],
    route: "/api/products/{id:int}",
    urlPath: "/api/products/1",
    url: "http://localhost:7071/api/products/1",
    answersGet: true,
    location: null,
    config: null,
    runnable: true,
    whyNotRunnable: null,
    errors: 0,
    warnings: 0,
    ...over,
  };
}

const app: AppView = { root: "/ws/shop", name: "shop", model: "v2", hostJson: null, script: null, errors: 0, warnings: 0, functions: [] };

test("a function's description: trigger detail, then its problems", () => {
  assert.equal(functionDescription(fn({})), "GET /api/products/{id:int}");
  assert.equal(functionDescription(fn({ errors: 2, warnings: 1 })), "GET /api/products/{id:int} · 2 errors, 1 warning");
  assert.equal(functionDescription(fn({ kind: "timer", detail: "0 */5 * * * *", warnings: 3 })), "0 */5 * * * * · 3 warnings");
});

test("icons by trigger kind; a function that cannot run says so", () => {
  assert.equal(iconFor(fn({})), "globe");
  assert.equal(iconFor(fn({ kind: "timer" })), "watch");
  assert.equal(iconFor(fn({ kind: "somethingNew" })), "symbol-event");
  assert.equal(iconFor(fn({ kind: "cosmosDB", runnable: false })), "circle-slash");
});

test("context values drive which inline actions a node gets", () => {
  assert.equal(functionContext(fn({})), "funclsFunction-runnable-http-get");
  assert.equal(functionContext(fn({ answersGet: false, methods: ["POST"] })), "funclsFunction-runnable-http");
  assert.equal(functionContext(fn({ kind: "queue", runnable: false })), "funclsFunction");
  // The menus' regular expressions (package.json) against these values.
  assert.match(functionContext(fn({})), /-get$/);
  assert.doesNotMatch(functionContext(fn({ answersGet: false })), /-get$/);
  assert.equal(appContext(undefined), "funclsApp-stopped");
  assert.equal(appContext({ root: "/ws/shop", state: "starting", url: null, pid: 1, external: false, error: null }), "funclsApp-running");
});

test("the app node shows the runner's state and the app's problems", () => {
  assert.equal(appDescription(app, undefined), "stopped");
  const running = { root: "/ws/shop", state: "running" as const, url: "http://127.0.0.1:7071", pid: 3, external: false, error: null };
  assert.equal(appDescription({ ...app, errors: 1 }, running), "running on http://127.0.0.1:7071 · 1 error");
  assert.equal(appDescription(app, { ...running, state: "failed", error: "port busy" }), "failed to start");
});

test("a URL on the running app's port, else the default host", () => {
  const running = { root: "/ws/shop", state: "running" as const, url: "http://127.0.0.1:7345/", pid: 3, external: false, error: null };
  assert.equal(functionUrl(fn({}), running), "http://127.0.0.1:7345/api/products/1");
  assert.equal(functionUrl(fn({}), undefined), "http://localhost:7071/api/products/1");
  assert.equal(functionUrl(fn({ urlPath: null, url: null, kind: "timer" }), running), undefined);
});

test("malformed answers are dropped, not thrown", () => {
  assert.deepEqual(readAnswer(null), { apps: [] });
  assert.deepEqual(readAnswer({ apps: [{ root: 3 }, app] }), { apps: [app] });
  // The first indexing not over yet: said so, so the view does not say "no app found".
  assert.deepEqual(readAnswer({ apps: [], indexing: true }), { apps: [], indexing: true });
  assert.deepEqual(readAnswer({ apps: [app], indexing: false }), { apps: [app] });
  assert.equal(readAppState({ state: "running" }), undefined);
  assert.deepEqual(readAppState({ root: "/a", state: "running", url: 7 }), {
    root: "/a",
    state: "running",
    url: null,
    pid: null,
    external: false,
    error: null,
  });
});

test("a running app that failed to load says so in its node and tooltip (QA: 'running on …' and nothing else)", () => {
  const missing =
    "function_app.py: ModuleNotFoundError: No module named 'fastapi'. Cannot find module. Please check the requirements.txt file";
  const raw = { root: "/ws/shop", state: "running", url: "http://localhost:36385", pid: 3, loadErrors: [missing, 7] };
  const state = readAppState(raw);
  assert.deepEqual(state?.loadErrors, [missing]);
  assert.equal(loadErrorsText(state), "function_app.py failed to load");
  assert.equal(appDescription(app, state), "running on http://localhost:36385 · function_app.py failed to load");
  const tip = appTooltip(app, state).split("\n");
  assert.equal(tip[tip.length - 2], "Failed to load (the app runs without these; fix and save, it reloads):");
  assert.equal(tip[tip.length - 1], `  ${missing}`);
  const two = readAppState({ ...raw, loadErrors: ["get_a: KeyError: 'x'", "get_b: TypeError: y"] });
  assert.equal(appDescription(app, two), "running on http://localhost:36385 · 2 failed to load");
  // Only a running app's: a stopped one (or an answer without them) says nothing of them.
  assert.equal(loadErrorsText(readAppState({ ...raw, state: "stopped" })), "");
  assert.equal(readAppState({ ...raw, loadErrors: [] })?.loadErrors, undefined);
  assert.equal(appDescription(app, readAppState({ ...raw, loadErrors: undefined })), "running on http://localhost:36385");
});

test("a function without a trigger: the tooltip's head names no trigger, its detail says why", () => {
  const broken: FunctionView = {
    name: "get_product",
    model: "v1",
    trigger: null,
    kind: "none",
    detail: "function.json is not valid JSON",
    methods: null,
    route: null,
    urlPath: null,
    url: null,
    answersGet: false,
    location: null,
    config: "/ws/app/get_product/function.json",
    runnable: false,
    whyNotRunnable: "fix get_product/function.json: it is not valid JSON (…), so the host reads none of its bindings (AZF100)",
    storage: [],
    errors: 0,
    warnings: 0,
  };
  assert.equal(
    functionTooltip(broken),
    "get_product (v1)\nfunction.json is not valid JSON\nCannot run locally: fix get_product/function.json: it is not valid JSON (…), so the host reads none of its bindings (AZF100)",
  );
  assert.match(functionTooltip({ ...broken, trigger: "httpTrigger", detail: "GET /api/x" }), /^get_product \(httpTrigger, v1\)\n/);
});

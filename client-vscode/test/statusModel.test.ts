import { strict as assert } from "node:assert";
import { test } from "node:test";

import type { AppState } from "../src/functionsModel";
import { runnerStatus, runningAppItems } from "../src/statusModel";

function state(root: string, s: AppState["state"], url: string | null = null): AppState {
  return { root, state: s, url, pid: null, external: false, error: null };
}

test("one running app is named with its URL", () => {
  assert.deepEqual(runnerStatus([state("/ws/shop", "running", "http://127.0.0.1:7071"), state("/ws/other", "stopped")]), {
    text: "$(vm-running) funcls: shop on http://127.0.0.1:7071",
    click: "view",
  });
  assert.equal(runnerStatus([state("/ws/shop", "starting")]).text, "$(loading~spin) funcls: starting shop");
  assert.equal(runnerStatus([state("/ws/shop", "failed")]).text, "$(error) funcls: shop failed");
  assert.deepEqual(runnerStatus([]), { text: "$(zap) funcls", click: "view" });
});

test("several apps: a count, and a click lists them with their URLs", () => {
  const states = [
    state("/ws/shop", "running", "http://127.0.0.1:7071"),
    state("/ws/billing", "running", "http://127.0.0.1:7072"),
    state("/ws/idle", "stopped"),
  ];
  assert.deepEqual(runnerStatus(states), { text: "$(vm-running) funcls: 2 apps running", click: "pick" });
  // One starting while another runs: both counted (QA: the URL of one app showed, unnamed).
  assert.deepEqual(runnerStatus([states[0] as AppState, state("/ws/billing", "starting")]), {
    text: "$(vm-running) funcls: 1 running, 1 starting",
    click: "pick",
  });
  assert.deepEqual(
    runningAppItems(states).map((i) => [i.label, i.description, i.detail]),
    [
      ["billing", "http://127.0.0.1:7072", "/ws/billing"],
      ["shop", "http://127.0.0.1:7071", "/ws/shop"],
    ],
  );
});

test("a running app that failed to load is flagged in the status bar", () => {
  const broken = { ...state("/ws/src", "running", "http://localhost:36385"), loadErrors: ["function_app.py: ModuleNotFoundError: No module named 'fastapi'"] };
  assert.deepEqual(runnerStatus([broken]), { text: "$(warning) funcls: src on http://localhost:36385 (failed to load)", click: "view" });
});

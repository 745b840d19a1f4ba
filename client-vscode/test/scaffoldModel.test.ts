import { strict as assert } from "node:assert";
import { test } from "node:test";

import {
  blueprintVariable,
  defaultFunctionName,
  functionModel,
  newAppChoices,
  placeChoices,
  readTemplates,
  settingChoices,
  settingPrompt,
  templatePick,
  validateAppFolderName,
  validateFunctionName,
} from "../src/scaffoldModel";

test("templates: the server's list, malformed entries left out", () => {
  const raw = [
    {
      trigger: "timer",
      title: "Timer trigger",
      settings: [{ name: "schedule", description: "NCRONTAB `expr`", default: "0 */5 * * * *", required: true }],
    },
    { trigger: 3, title: "bad" },
    { trigger: "http", title: "HTTP trigger", settings: [{ name: "route" }, { nope: 1 }] },
  ];
  assert.deepEqual(readTemplates(raw), [
    {
      trigger: "timer",
      title: "Timer trigger",
      settings: [{ name: "schedule", description: "NCRONTAB `expr`", default: "0 */5 * * * *", required: true }],
      v1: true,
    },
    { trigger: "http", title: "HTTP trigger", settings: [{ name: "route", description: "", default: null, required: false }], v1: true },
  ]);
  assert.deepEqual(readTemplates({ not: "a list" }), []);
});

test("a setting with choices is a pick list, the default first (QA: auth_level was a text box)", () => {
  // As funcls.new.templates gives the HTTP template's auth_level (tests/unit/model/test_scaffold.py).
  const [http] = readTemplates([
    {
      trigger: "http",
      title: "HTTP trigger",
      settings: [
        { name: "route", description: "URL path", default: "hello", required: false },
        { name: "auth_level", description: "Key", default: "function", required: false, choices: ["anonymous", "function", "admin"] },
        { name: "odd", description: "", default: null, required: false, choices: [1, 2] },
      ],
    },
  ]);
  const [route, auth, odd] = http?.settings ?? [];
  assert.equal(settingChoices(route!), undefined);
  assert.equal(settingChoices(odd!), undefined); // malformed choices: a text box
  assert.deepEqual(settingChoices(auth!), [{ label: "function", description: "default" }, { label: "anonymous" }, { label: "admin" }]);
});

test("function names must be Python identifiers and not keywords", () => {
  assert.equal(validateFunctionName("get_orders"), undefined);
  assert.match(validateFunctionName("") ?? "", /Type a name/);
  assert.match(validateFunctionName("2fast") ?? "", /not a Python identifier/);
  assert.match(validateFunctionName("get-orders") ?? "", /not a Python identifier/);
  assert.match(validateFunctionName("class") ?? "", /keyword/);
});

test("a setting's prompt: description without code marks, default, required check", () => {
  const p = settingPrompt({ name: "schedule", description: "NCRONTAB `expr`", default: "0 * * * * *", required: true });
  assert.deepEqual([p.prompt, p.value], ["NCRONTAB expr", "0 * * * * *"]);
  assert.match(p.validate(" ") ?? "", /schedule is required/);
  assert.equal(p.validate("0 0 * * * *"), undefined);
  const optional = settingPrompt({ name: "route", description: "URL path", default: null, required: false });
  assert.deepEqual([optional.prompt, optional.value, optional.validate("")], ["URL path (optional)", "", undefined]);
});

test("New app in a workspace that holds apps offers a new folder first and says what the folder itself would do", () => {
  const choices = newAppChoices([{ name: "ws", path: "/w/ws" }], ["/w/ws/v2-app", "/w/ws/v1-app", "/elsewhere/app"]);
  assert.deepEqual(choices, [
    { label: "New folder in ws…", description: "/w/ws", parent: "/w/ws" },
    {
      label: "ws",
      description: "/w/ws",
      folder: "/w/ws",
      detail: "already holds 2 apps: v2-app, v1-app; the new app's folder would contain them",
    },
    { label: "Another folder…", description: "" },
  ]);
  const one = newAppChoices([{ name: "ws", path: "/w/ws" }], ["/w/ws/api"]);
  assert.equal(one[1].detail, "already holds the app api; the new app's folder would contain it");
});

test("New app in an empty workspace folder offers the folder itself first; an app folder only a new folder", () => {
  assert.deepEqual(
    newAppChoices([{ name: "empty", path: "/w/empty" }, { name: "api", path: "/w/api" }], ["/w/api", "/w/emptyish/app"]).map((c) => [c.label, c.folder, c.parent, c.detail]),
    [
      ["empty", "/w/empty", undefined, undefined], // /w/emptyish/app is not inside /w/empty
      ["New folder in empty…", undefined, "/w/empty", undefined],
      ["New folder in api…", undefined, "/w/api", "inside the app api: api deploys it too unless its .funcignore leaves the folder out"],
      ["Another folder…", undefined, undefined, undefined],
    ],
  );
});

test("the new app's folder name: one new folder, named", () => {
  const taken = new Set(["v1-app"]);
  const exists = (n: string) => taken.has(n);
  assert.equal(validateAppFolderName("orders-api", exists), undefined);
  assert.equal(validateAppFolderName("  orders-api ", exists), undefined);
  assert.match(validateAppFolderName("", exists) ?? "", /Type the new folder's name/);
  assert.match(validateAppFolderName("a/b", exists) ?? "", /not a folder name/);
  assert.match(validateAppFolderName("..", exists) ?? "", /not a folder name/);
  assert.match(validateAppFolderName("v1-app", exists) ?? "", /v1-app exists already/);
});

test("a v1 app's picker leaves out the v2-only templates and says so (QA: refused after the name)", () => {
  // As funcls.new.templates gives them (tests/unit/model/test_scaffold.py).
  const all = readTemplates([
    { trigger: "http", title: "HTTP trigger", settings: [], v1: true },
    { trigger: "durable-orchestration", title: "Durable Functions orchestration (HTTP starter, orchestrator and activity)", settings: [], v1: false },
    { trigger: "durable-entity", title: "Durable Functions entity (a counter)", settings: [], v1: false },
  ]);
  const v1 = templatePick(all, "v1");
  assert.deepEqual(
    v1.templates.map((t) => t.trigger),
    ["http"],
  );
  assert.equal(v1.placeHolder, "What starts the function? (Durable Functions orchestration, Durable Functions entity: v2 apps only)");
  const v2 = templatePick(all, "v2");
  assert.deepEqual(
    v2.templates.map((t) => t.trigger),
    ["http", "durable-orchestration", "durable-entity"],
  );
  assert.equal(v2.placeHolder, "What starts the function?");
  // A server from before the field: every template, in either model.
  assert.equal(readTemplates([{ trigger: "x", title: "X", settings: [] }])[0]?.v1, true);
});

test("New function offers a name ready for Enter, free in the app (QA: an empty box, Enter said 'Type a name')", () => {
  assert.equal(defaultFunctionName("http", []), "http_trigger");
  assert.equal(defaultFunctionName("servicebus-queue", ["get_product"]), "servicebus_queue_trigger");
  assert.equal(defaultFunctionName("queue", ["Queue_Trigger", "queue_trigger_2"]), "queue_trigger_3");
  // A durable template names three functions from it: none of them may be taken.
  assert.equal(defaultFunctionName("durable-orchestration", []), "durable_orchestration");
  assert.equal(defaultFunctionName("durable-orchestration", ["durable_orchestration_activity"]), "durable_orchestration_2");
  for (const trigger of ["http", "eventhub", "durable-entity", "cosmosdb", "-"]) {
    assert.equal(validateFunctionName(defaultFunctionName(trigger, [])), undefined, trigger);
  }
});

test("a new function's model: the app's; an app with no functions yet is asked unless it has function_app.py", () => {
  assert.equal(functionModel("v1", false), "v1");
  assert.equal(functionModel("v2", true), "v2");
  assert.equal(functionModel("mixed", true), "v2");
  // New app… v1 writes no function_app.py: its first function must not be taken for v2.
  assert.equal(functionModel("none", false), undefined);
  assert.equal(functionModel("none", true), "v2");
});

test("a blueprint module is found by its top-level Blueprint, whatever the import", () => {
  assert.equal(blueprintVariable("import azure.functions as func\n\nbp = func.Blueprint()\n"), "bp");
  assert.equal(blueprintVariable("import azure.durable_functions as df\norders = df.Blueprint()\n"), "orders");
  assert.equal(blueprintVariable("from azure.functions import Blueprint\nbp: Blueprint = Blueprint()\n"), "bp");
  // Not a blueprint module: the app, a helper, a blueprint made inside a function.
  assert.equal(blueprintVariable("app = func.FunctionApp()\n"), undefined);
  assert.equal(blueprintVariable("def helper():\n    return 1\n"), undefined);
  assert.equal(blueprintVariable("def make():\n    bp = func.Blueprint()\n"), undefined);
});

test("New function in a blueprint module offers that module first, then function_app.py", () => {
  const [first, second] = placeChoices("orders_bp.py", "bp");
  assert.equal(first?.label, "orders_bp.py");
  assert.equal(first?.file, "orders_bp.py");
  assert.match(first?.description ?? "", /blueprint bp/);
  assert.equal(second?.label, "function_app.py");
  assert.equal(second?.file, undefined);
});

import { strict as assert } from "node:assert";
import { test } from "node:test";

import { readTemplates, settingPrompt, validateFunctionName } from "../src/scaffoldModel";

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
    },
    { trigger: "http", title: "HTTP trigger", settings: [{ name: "route", description: "", default: null, required: false }] },
  ]);
  assert.deepEqual(readTemplates({ not: "a list" }), []);
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

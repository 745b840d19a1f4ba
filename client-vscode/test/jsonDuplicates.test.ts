import { strict as assert } from "node:assert";
import { test } from "node:test";

import { isFunctionsJson, isJsonSyntaxError, labelKey, withoutJsonSyntaxErrors, withoutOfferedItems } from "../src/jsonDuplicates";

const syntax = { code: "AZF100", message: "function.json is not valid JSON: expected ',' at line 3; the host cannot load it until this is fixed" };
const notObject = { code: "AZF100", message: "function.json cannot be read: permission denied; the host cannot load it until this is fixed" };
const binding = { code: { value: "AZF101" }, message: "unknown binding type 'queu'" };

test("only the three Functions JSON files are concerned", () => {
  assert.equal(isFunctionsJson("/ws/app/heartbeat/function.json"), true);
  assert.equal(isFunctionsJson("/ws/app/host.json"), true);
  assert.equal(isFunctionsJson("/ws/app/local.settings.json"), true);
  assert.equal(isFunctionsJson("/ws/app/package.json"), false);
});

test("syntax errors go (the JSON service shows them), everything else stays", () => {
  assert.equal(isJsonSyntaxError(syntax), true);
  assert.equal(isJsonSyntaxError({ ...syntax, code: { value: "AZF100" } }), true);
  assert.equal(isJsonSyntaxError(notObject), false);
  assert.deepEqual(withoutJsonSyntaxErrors("/ws/a/function.json", [syntax, notObject, binding]), [notObject, binding]);
  assert.deepEqual(withoutJsonSyntaxErrors("/ws/a/other.json", [syntax]), [syntax]);
});

test("completion items the JSON service offers too are dropped, quoted or not", () => {
  assert.equal(labelKey('"type"'), "type");
  assert.equal(labelKey({ label: "direction" }), "direction");
  const ours = [{ label: "type" }, { label: '"httpTrigger"' }, { label: "AzureWebJobsStorage" }];
  const theirs = [{ label: '"type"' }, { label: "httpTrigger" }];
  assert.deepEqual(withoutOfferedItems(ours, theirs), [{ label: "AzureWebJobsStorage" }]);
  assert.deepEqual(withoutOfferedItems(ours, []), ours);
});

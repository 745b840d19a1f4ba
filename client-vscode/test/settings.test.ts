import { strict as assert } from "node:assert";
import { test } from "node:test";

import { configurationAnswers, readSettings, serverOptions } from "../src/settings";

function reader(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

test("defaults when nothing is set", () => {
  const { settings, problems } = readSettings(reader({}));
  assert.deepEqual(problems, []);
  assert.deepEqual(serverOptions(settings), { extraAppRoots: [] });
  assert.equal(settings.importStrategy, "useBundled");
});

test("importStrategy: the two values, anything else reported", () => {
  assert.equal(readSettings(reader({ importStrategy: "fromEnvironment" })).settings.importStrategy, "fromEnvironment");
  const { settings, problems } = readSettings(reader({ importStrategy: "bundled" }));
  assert.equal(settings.importStrategy, "useBundled");
  assert.match(problems[0]?.message ?? "", /funcls.importStrategy is "bundled"; use useBundled or fromEnvironment/);
});

test("valid values pass through to the server", () => {
  const { settings, problems } = readSettings(
    reader({ select: ["AZF2"], ignore: ["AZF201"], severity: { AZF300: "Warning" }, extraAppRoots: ["apps/x"] }),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(serverOptions(settings), {
    select: ["AZF2"],
    ignore: ["AZF201"],
    severity: { AZF300: "Warning" },
    extraAppRoots: ["apps/x"],
  });
});

test("rule selection reaches the server unread: the server alone judges it", () => {
  const { settings, problems } = readSettings(
    reader({ select: [1, 2], severity: { AZF100: "fatal", AZF200: "hint" }, interpreter: "python3.12" }),
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(serverOptions(settings), {
    select: [1, 2],
    severity: { AZF100: "fatal", AZF200: "hint" },
    extraAppRoots: [],
  });
  assert.deepEqual(settings.interpreter, ["python3.12"]);
  const bad = readSettings(reader({ runArgs: 3 }));
  assert.deepEqual(
    bad.problems.map((p) => p.key),
    ["runArgs"],
  );
});

test("the server's configuration request gets only the settings the server reads", () => {
  const vscodeAnswers = [
    { interpreter: [], serverCommand: ["python3", "-m", "funcls", "--stdio"], trace: { server: "off" }, select: [] },
    { tabSize: 4 },
  ];
  const answers = configurationAnswers(["funcls", "editor"], vscodeAnswers, () => ({ select: ["AZF2"] }));
  assert.deepEqual(answers, [{ select: ["AZF2"] }, { tabSize: 4 }]);
  assert.deepEqual(configurationAnswers([undefined], [null], () => ({})), [null]);
});

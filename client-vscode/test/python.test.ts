import { strict as assert } from "node:assert";
import { test } from "node:test";

import { resolveServerCommand, startFailure } from "../src/python";

const none = async (): Promise<string | undefined> => undefined;

test("serverCommand wins over everything", async () => {
  const cmd = await resolveServerCommand({
    serverCommand: ["/opt/funcls", "--stdio"],
    interpreter: ["/usr/bin/python3"],
    pythonExtension: async () => "/venv/bin/python",
    defaultPython: "python3",
  });
  assert.deepEqual(cmd, { command: "/opt/funcls", args: ["--stdio"], source: "setting funcls.serverCommand" });
});

test("then the interpreter setting, keeping its arguments", async () => {
  const cmd = await resolveServerCommand({
    serverCommand: [],
    interpreter: ["/usr/bin/python3", "-X", "utf8"],
    pythonExtension: async () => "/venv/bin/python",
    defaultPython: "python3",
  });
  assert.deepEqual(cmd.args, ["-X", "utf8", "-m", "funcls", "--stdio"]);
  assert.equal(cmd.command, "/usr/bin/python3");
});

test("then the Python extension's interpreter, then the default", async () => {
  const fromExt = await resolveServerCommand({
    serverCommand: [],
    interpreter: [],
    pythonExtension: async () => "/venv/bin/python",
    defaultPython: "python3",
  });
  assert.equal(fromExt.command, "/venv/bin/python");
  const fallback = await resolveServerCommand({
    serverCommand: [],
    interpreter: [],
    pythonExtension: async () => {
      throw new Error("extension failed");
    },
    defaultPython: "python3",
  });
  assert.deepEqual(fallback, { command: "python3", args: ["-m", "funcls", "--stdio"], source: "default" });
  const blank = await resolveServerCommand({ serverCommand: [], interpreter: [], pythonExtension: none, defaultPython: "py" });
  assert.equal(blank.command, "py");
});

test("the failure message says what was tried and how to fix it", () => {
  const msg = startFailure({ command: "python3", args: ["-m", "funcls", "--stdio"], source: "default" }, "spawn ENOENT");
  assert.match(msg, /`python3 -m funcls --stdio` \(default\): spawn ENOENT/);
  assert.match(msg, /pip install funcls/);
});

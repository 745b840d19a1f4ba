import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

import { checkProgram, createVenvCommands, installCommand, missingMessage, readMissing, shellLine } from "../src/appEnvModel";

test("the check program finds what is there and names what is not (a real python3)", () => {
  const modules: [string, string][] = [
    ["json", "json"],
    ["funcls_no_such_module", "no-such-dist"],
    ["no_such_pkg.sub", "no-such-pkg"],
  ];
  const out = execFileSync("python3", ["-c", checkProgram(modules)], { encoding: "utf8" });
  assert.deepEqual(readMissing(out, modules), ["no-such-dist", "no-such-pkg"]);
});

test("unreadable answers say nothing", () => {
  assert.equal(readMissing("Traceback (most recent call last):", [["x", "x"]]), undefined);
  assert.equal(readMissing('{"a": 1}', [["x", "x"]]), undefined);
});

test("the message names the interpreter, what it lacks and the fixes", () => {
  assert.equal(
    missingMessage("/ws/.venv/bin/python", ["azure-functions", "uvicorn"], true),
    "funcls cannot run the app with /ws/.venv/bin/python: it lacks azure-functions, uvicorn. To run it, install the app's requirements.txt and those packages into it, create a .venv from requirements.txt, or select another interpreter.",
  );
  assert.match(missingMessage("python3", ["uvicorn"], false), /install them into it or select another interpreter\.$/);
});

test("the fixes' commands", () => {
  assert.deepEqual(installCommand("/p/python", ["uvicorn"], "/ws/app/requirements.txt"), [
    "/p/python", "-m", "pip", "install", "-r", "/ws/app/requirements.txt", "uvicorn",
  ]);
  assert.deepEqual(createVenvCommands("python3", "/ws/app", undefined, ["uvicorn", "watchfiles"]), {
    venvPython: "/ws/app/.venv/bin/python",
    commands: [
      ["python3", "-m", "venv", "/ws/app/.venv"],
      ["/ws/app/.venv/bin/python", "-m", "pip", "install", "uvicorn", "watchfiles"],
    ],
  });
  assert.equal(createVenvCommands("py", "C:\\ws", undefined, [], "\\", true).venvPython, "C:\\ws\\.venv\\Scripts\\python.exe");
  assert.equal(shellLine(["/p/python", "-m", "pip", "install", "-r", "/my app/req's.txt"]), "/p/python -m pip install -r '/my app/req'\\''s.txt'");
});

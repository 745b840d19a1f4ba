import { strict as assert } from "node:assert";
import { test } from "node:test";

import { appPickItems, chooseApp, debugRunCommand, hasPortArg, lastLines, runCommand, unsavedInApp } from "../src/run";

test("the app runs with the server's program, without its transport options", () => {
  const fromPython = runCommand(
    {
      command: "/venv/bin/python",
      args: ["-X", "utf8", "-m", "funcls", "--stdio"],
      source: "x",
      env: { PYTHONPATH: "/ext/bundled/libs" },
    },
    "/ws/app",
    ["--port", "7072"],
  );
  assert.deepEqual(fromPython, {
    command: "/venv/bin/python",
    args: ["-X", "utf8", "-m", "funcls", "run", "/ws/app", "--port", "7072"],
    env: { PYTHONPATH: "/ext/bundled/libs" },
  });
  const overTcp = runCommand(
    { command: "/opt/funcls", args: ["--tcp", "--host", "127.0.0.1", "--port=2087"], source: "x", env: {} },
    "/ws/app",
    [],
  );
  assert.deepEqual(overTcp, { command: "/opt/funcls", args: ["run", "/ws/app"], env: {} });
});

test("the innermost app holding the active file is chosen, else the only one", () => {
  const roots = ["/ws/shop", "/ws/shop/admin", "/ws/other"];
  assert.equal(chooseApp(roots, "/ws/shop/admin/function_app.py"), "/ws/shop/admin");
  assert.equal(chooseApp(roots, "/ws/shop/orders/__init__.py"), "/ws/shop");
  assert.equal(chooseApp(roots, "/ws/shopping/x.py"), undefined);
  assert.equal(chooseApp(roots, undefined), undefined);
  assert.equal(chooseApp(["/ws/only"], "/elsewhere/readme.md"), "/ws/only");
  assert.equal(chooseApp([], "/ws/x.py"), undefined);
});

test("debugging runs the app with --debug PORT and finds a chosen HTTP port", () => {
  const server = { command: "/venv/bin/python", args: ["-m", "funcls", "--stdio"], source: "x", env: { PYTHONPATH: "/b" } };
  assert.deepEqual(debugRunCommand(server, "/ws/app", 5679, ["--port", "7345"]), {
    command: "/venv/bin/python",
    args: ["-m", "funcls", "run", "/ws/app", "--debug", "5679", "--port", "7345"],
    env: { PYTHONPATH: "/b", FUNCLS_DEBUG_CLIENT: "VS Code's debugger (F5)" },
  });
  assert.equal(hasPortArg(["--port", "1"]), true);
  assert.equal(hasPortArg(["--port=1"]), true);
  assert.equal(hasPortArg(["--portable"]), false);
  assert.equal(hasPortArg(["--storage", "embedded"]), false);
});

test("a failure's last lines, on one line", () => {
  assert.equal(lastLines("banner\n\nerror: port 7071 is in use\n  hint: --port\n", 2), "error: port 7071 is in use / hint: --port");
  assert.equal(lastLines("\n \n", 3), "no output");
});

test("Which app?: each app by its folder's name and what it is, its path below", () => {
  const known = [
    { root: "/ws/v1-app", model: "v1", functions: [{}, {}, {}] },
    { root: "/ws/one", model: "v2", functions: [{}] },
  ];
  assert.deepEqual(appPickItems(["/ws/one", "/ws/v1-app", "/ws/new-app"], known), [
    { label: "one", description: "v2 app, 1 function", detail: "/ws/one", root: "/ws/one" },
    { label: "v1-app", description: "v1 app, 3 functions", detail: "/ws/v1-app", root: "/ws/v1-app" },
    // found by its host.json, not indexed by the server yet
    { label: "new-app", description: "", detail: "/ws/new-app", root: "/ws/new-app" },
  ]);
});

test("before a run, the app's unsaved files are saved, nothing else", () => {
  const docs = [
    { path: "/ws/shop/function_app.py", scheme: "file", dirty: true },
    { path: "/ws/shop/host.json", scheme: "file", dirty: false },
    { path: "/ws/shop-two/function_app.py", scheme: "file", dirty: true },
    { path: "/ws/other/function_app.py", scheme: "file", dirty: true },
    { path: "Untitled-1", scheme: "untitled", dirty: true },
    { path: "/ws/shop/bp/orders.py", scheme: "file", dirty: true },
  ];
  assert.deepEqual(unsavedInApp("/ws/shop", docs), ["/ws/shop/function_app.py", "/ws/shop/bp/orders.py"]);
  assert.deepEqual(unsavedInApp("C:\\ws\\shop", [{ path: "C:\\ws\\shop\\a.py", scheme: "file", dirty: true }], "\\"), [
    "C:\\ws\\shop\\a.py",
  ]);
});

import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

import {
  APP_VENV_NAMES,
  APP_VENV_SOURCE,
  FUNCLS_HOME_PROGRAM,
  PROBE,
  appCommand,
  probeFailure,
  readProbe,
  resolveServerCommand,
  startFailure,
  type CommandInputs,
  withFunclsHome,
} from "../src/python";

const none = async (): Promise<string | undefined> => undefined;

function inputs(over: Partial<CommandInputs>): CommandInputs {
  return {
    serverCommand: [],
    interpreter: [],
    pythonExtension: none,
    defaultPython: "python3",
    bundledLibs: "/ext/bundled/libs",
    importStrategy: "useBundled",
    ...over,
  };
}

test("serverCommand wins over everything and gets no bundled libraries", async () => {
  const cmd = await resolveServerCommand(
    inputs({ serverCommand: ["/opt/funcls", "--stdio"], interpreter: ["/usr/bin/python3"], pythonExtension: async () => "/venv/bin/python" }),
  );
  assert.deepEqual(cmd, { command: "/opt/funcls", args: ["--stdio"], source: "setting funcls.serverCommand", env: {} });
});

test("then the interpreter setting, keeping its arguments, with the bundled libraries first", async () => {
  const cmd = await resolveServerCommand(
    inputs({ interpreter: ["/usr/bin/python3", "-X", "utf8"], pythonExtension: async () => "/venv/bin/python", inheritedPythonPath: "/mine" }),
  );
  assert.deepEqual(cmd, {
    command: "/usr/bin/python3",
    args: ["-X", "utf8", "-m", "funcls", "--stdio"],
    source: "setting funcls.interpreter, bundled funcls",
    env: { PYTHONPATH: "/ext/bundled/libs:/mine" },
    python: ["/usr/bin/python3", "-X", "utf8"],
  });
});

test("then the Python extension's interpreter, then python on PATH", async () => {
  const fromExt = await resolveServerCommand(inputs({ pythonExtension: async () => "/venv/bin/python" }));
  assert.equal(fromExt.command, "/venv/bin/python");
  assert.equal(fromExt.source, "the Python extension's interpreter, bundled funcls");
  const failing = await resolveServerCommand(
    inputs({
      pythonExtension: async () => {
        throw new Error("extension failed");
      },
    }),
  );
  assert.deepEqual(failing.python, ["python3"]);
  assert.deepEqual(failing.env, { PYTHONPATH: "/ext/bundled/libs" });
  const blank = await resolveServerCommand(inputs({ pythonExtension: async () => "  ", defaultPython: "py" }));
  assert.equal(blank.command, "py");
});

test("fromEnvironment runs the interpreter's own funcls", async () => {
  const cmd = await resolveServerCommand(inputs({ importStrategy: "fromEnvironment", interpreter: ["/venv/bin/python"] }));
  assert.deepEqual(cmd.env, {});
  assert.equal(cmd.source, "setting funcls.interpreter");
});

test("the probe's answers", () => {
  assert.deepEqual(readProbe("funcls-probe 3 11\nok\n"), { ok: true, version: "3.11" });
  assert.deepEqual(readProbe("funcls-probe 3 8\n"), { ok: false, reason: "too-old", detail: "3.8" });
  assert.deepEqual(readProbe("funcls-probe 3 12\nmissing funcls, pygls\n"), {
    ok: false,
    reason: "no-funcls",
    detail: "no module funcls, pygls",
  });
  assert.deepEqual(readProbe("", "spawn python3 ENOENT"), { ok: false, reason: "no-python", detail: "spawn python3 ENOENT" });
  assert.equal(readProbe("Python was not found; run without arguments to install").ok, false);
  // Python 2 cannot even parse the probe's version comparison the same way; 2.7 is too old.
  assert.deepEqual(readProbe("funcls-probe 2 7\n"), { ok: false, reason: "too-old", detail: "2.7" });
  // The probe itself, in a real python3: with nothing on its path it names what is missing.
  const out = execFileSync("python3", ["-c", PROBE], { encoding: "utf8", env: { ...process.env, PYTHONPATH: "" }, cwd: "/" });
  const verdict = readProbe(out);
  assert.equal(verdict.ok, false);
  assert.match(verdict.ok ? "" : verdict.detail, /^no module funcls, pygls/);
});

test("failure messages name the interpreter, where it came from and the fix", async () => {
  const cmd = await resolveServerCommand(inputs({}));
  const old = probeFailure(cmd, { ok: false, reason: "too-old", detail: "3.8" });
  assert.equal(
    old,
    "funcls needs Python 3.10 or newer; python3 (python on PATH, bundled funcls) is Python 3.8. Select a newer interpreter or set funcls.interpreter.",
  );
  const gone = probeFailure(cmd, { ok: false, reason: "no-python", detail: "spawn python3 ENOENT" });
  assert.match(gone, /could not run python3 \(python on PATH, bundled funcls\): spawn python3 ENOENT\. Select an interpreter/);
  const env = await resolveServerCommand(inputs({ importStrategy: "fromEnvironment" }));
  assert.match(probeFailure(env, { ok: false, reason: "no-funcls", detail: "x" }), /pip install funcls/);
  const msg = startFailure(cmd, "the server stopped");
  assert.match(msg, /`python3 -m funcls --stdio` \(python on PATH, bundled funcls\): the server stopped/);
  // vscode-languageclient's own messages end with a period: the sentence gets one, not two.
  assert.match(startFailure(cmd, "Server process exited with code 1."), /exited with code 1\. See the log/);
});

test("a virtual environment in the workspace is never the server's interpreter", async () => {
  // Before, with no setting and no Python extension, a `.venv`/`venv` of the workspace folder
  // or of an app folder one level down (the first app, alphabetically) started the server,
  // running that environment's python, and the startup hooks (.pth) of what is installed in
  // it, as the folder opened. The server needs nothing from it (bundled funcls; PROBE finds
  // every package with PYTHONPATH alone), and each app runs in its own environment
  // (appCommand). An input naming one, as the extension used to pass, is not read.
  const old = { ...inputs({}), workspaceVenv: () => "/ws/app/.venv/bin/python" } as CommandInputs;
  const cmd = await resolveServerCommand(old);
  assert.equal(cmd.command, "python3");
  assert.equal(cmd.source, "python on PATH, bundled funcls");
  // The app's own environment still runs the app.
  const app = appCommand(cmd, "/ws/app", (f) => f === "/ws/app/.venv/bin/python", "linux");
  assert.equal(app.command, "/ws/app/.venv/bin/python");
  assert.equal(app.source, APP_VENV_SOURCE);
});

test("each app runs in its own .venv (else venv/), else with the server's interpreter", async () => {
  const server = await resolveServerCommand(inputs({ interpreter: ["/usr/bin/python3", "-X", "utf8"] }));
  const venvs = new Set(["/ws/orders/.venv/bin/python", "/ws/billing/venv/bin/python", "/ws/both/venv/bin/python", "/ws/both/.venv/bin/python"]);
  const exists = (file: string) => venvs.has(file);
  assert.deepEqual(appCommand(server, "/ws/orders", exists), {
    command: "/ws/orders/.venv/bin/python",
    args: ["-m", "funcls", "--stdio"],
    source: APP_VENV_SOURCE,
    env: server.env,
    python: ["/ws/orders/.venv/bin/python"],
  });
  assert.equal(appCommand(server, "/ws/billing/", exists).command, "/ws/billing/venv/bin/python");
  assert.equal(appCommand(server, "/ws/both", exists).command, "/ws/both/.venv/bin/python");
  // No venv of its own: the server's command, interpreter arguments and all.
  assert.deepEqual(appCommand(server, "/ws/shipping", exists), server);
  // A serverCommand of the user's own is their environment.
  const own = await resolveServerCommand(inputs({ serverCommand: ["/opt/funcls", "--stdio"] }));
  assert.deepEqual(appCommand(own, "/ws/orders", exists), own);
  const win = appCommand(server, "C:\\ws\\orders", (f) => f === "C:\\ws\\orders\\.venv\\Scripts\\python.exe", "win32");
  assert.equal(win.command, "C:\\ws\\orders\\.venv\\Scripts\\python.exe");
});

test("an app's venv is its .venv, else venv/, else env/ (the checks' and the server's rule)", async () => {
  assert.deepEqual(APP_VENV_NAMES, [".venv", "venv", "env"]);
  const server = await resolveServerCommand(inputs({ interpreter: ["/usr/bin/python3"] }));
  const venvs = new Set(["/ws/a/env/bin/python", "/ws/b/env/bin/python", "/ws/b/venv/bin/python"]);
  assert.equal(appCommand(server, "/ws/a", (f) => venvs.has(f), "linux").command, "/ws/a/env/bin/python");
  assert.equal(appCommand(server, "/ws/b", (f) => venvs.has(f), "linux").command, "/ws/b/venv/bin/python");
});

test("fromEnvironment: the app's own venv gets the server interpreter's funcls last on PYTHONPATH", async () => {
  const server = await resolveServerCommand(inputs({ interpreter: ["/srv/bin/python"], importStrategy: "fromEnvironment" }));
  assert.deepEqual(server.env, {});
  const app = appCommand(server, "/ws/app", (f) => f === "/ws/app/.venv/bin/python", "linux");
  const site = "/srv/lib/python3.11/site-packages";
  // Before: `/ws/app/.venv/bin/python -m funcls run` with nothing added, "No module named funcls".
  assert.deepEqual(withFunclsHome(app, site, undefined).env, { PYTHONPATH: site });
  assert.deepEqual(withFunclsHome(app, site, "/mine").env, { PYTHONPATH: `/mine:${site}` });
  assert.deepEqual(withFunclsHome(app, site, `${site}:/mine`).env, { PYTHONPATH: `${site}:/mine` });
  assert.equal(withFunclsHome(app, site, undefined).command, "/ws/app/.venv/bin/python");
  // Nothing found, or the server's own interpreter (no venv of the app): unchanged.
  assert.deepEqual(withFunclsHome(app, undefined, "/mine"), app);
  assert.deepEqual(withFunclsHome(server, site, undefined), server);
  // The bundled libraries are already on PYTHONPATH.
  const bundled = await resolveServerCommand(inputs({ interpreter: ["/srv/bin/python"] }));
  const appBundled = appCommand(bundled, "/ws/app", (f) => f === "/ws/app/.venv/bin/python", "linux");
  assert.deepEqual(withFunclsHome(appBundled, site, undefined), appBundled);
});

test("FUNCLS_HOME_PROGRAM names the folder a real Python imports funcls from, or nothing", () => {
  const libs = fs.mkdtempSync(path.join(os.tmpdir(), "funcls-home-"));
  try {
    fs.mkdirSync(path.join(libs, "funcls"));
    fs.writeFileSync(path.join(libs, "funcls", "__init__.py"), "raise SystemExit(3)\n");
    const env = { ...process.env, PYTHONPATH: libs };
    // Found without importing it (its __init__ would exit with 3).
    assert.equal(execFileSync("python3", ["-c", FUNCLS_HOME_PROGRAM], { env, cwd: "/" }).toString().trim(), libs);
    assert.equal(execFileSync("python3", ["-I", "-c", FUNCLS_HOME_PROGRAM], { cwd: "/" }).toString().trim(), "");
  } finally {
    fs.rmSync(libs, { recursive: true, force: true });
  }
});

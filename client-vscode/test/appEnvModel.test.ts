import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

import {
  checkProgram,
  createVenvCommands,
  INSTALL_REQUIREMENTS,
  missingModule,
  missingModuleMessage,
  venvOutcome,
  venvPackages,
  installCommand,
  installOutcome,
  interpreterName,
  missingActions,
  orderedActions,
  RunsUnderWay,
  StateOffers,
  unlistedImport,
  ADD_AND_INSTALL,
  missingMessage,
  onlyDebugger,
  readExecutable,
  readKind,
  readInstall,
  readMissing,
  requirementsAddedMessage,
  shellLine,
} from "../src/appEnvModel";

test("the check program finds what is there and names what is not (a real python3)", () => {
  const modules: [string, string][] = [
    ["json", "json"],
    ["funcls_no_such_module", "no-such-dist"],
    ["no_such_pkg.sub", "no-such-pkg"],
  ];
  const out = execFileSync("python3", ["-c", checkProgram(modules)], { encoding: "utf8" });
  assert.deepEqual(readMissing(out, modules), ["no-such-dist", "no-such-pkg"]);
  // The file a bare python3 is, as Python itself says (QA: "cannot run the app with python3"
  // did not say which of the python3s on the machine lacked the packages).
  const real = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
  assert.equal(readExecutable(out), real);
  // python3 on PATH here is pyenv's (no venv, not managed by apt): "system".
  const kind = execFileSync("python3", ["-c", "import sys; print(sys.prefix != sys.base_prefix)"], { encoding: "utf8" }).trim();
  assert.equal(readKind(out), kind === "True" ? "venv" : "system");
  assert.equal(interpreterName(["python3"], readExecutable(out)), `python3 (${real})`);
});

test("the interpreter is named by its file when the command is not that file", () => {
  assert.equal(interpreterName(["/ws/.venv/bin/python"], "/ws/.venv/bin/python"), "/ws/.venv/bin/python");
  assert.equal(interpreterName(["python3", "-X", "utf8"], "/usr/bin/python3"), "python3 -X utf8 (/usr/bin/python3)");
  assert.equal(interpreterName(["python3"], undefined), "python3");
  assert.equal(readExecutable('["uvicorn"]'), undefined); // an answer alone: nothing said
  assert.equal(readExecutable('Traceback (most recent call last):\n["x"]'), undefined);
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
  // Which app, in a workspace of several.
  assert.match(missingMessage("python3", ["uvicorn"], false, { app: "orders" }), /^funcls cannot run the app 'orders' with python3: it lacks uvicorn\./);
  assert.match(missingMessage("python3", ["debugpy"], false, { app: "orders" }), /^funcls cannot debug the app 'orders' \(F5\)/);
  // The app already runs in its own .venv: no other .venv is offered.
  assert.match(
    missingMessage("/ws/app/.venv/bin/python", ["uvicorn"], true, { offersVenv: false }),
    /To run it, install the app's requirements.txt and those packages into it, or select another interpreter\.$/,
  );
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

test("F5 with only debugpy missing names the debugger and offers to install just it", () => {
  const message = missingMessage("/ws/.venv/bin/python", ["debugpy"], true);
  assert.equal(
    message,
    "funcls cannot debug the app (F5): the debugger, debugpy, is not installed in /ws/.venv/bin/python. To debug, install debugpy into it or select another interpreter.",
  );
  assert.doesNotMatch(message, /cannot run the app/);
  assert.equal(onlyDebugger(["debugpy"]), true);
  assert.deepEqual(missingActions(["debugpy"], true), { install: "Install debugpy into This Interpreter", select: "Select Interpreter" });
  // More than the debugger missing: the runner's packages too, and the .venv is offered.
  assert.equal(onlyDebugger(["uvicorn", "debugpy"]), false);
  assert.match(missingMessage("python3", ["uvicorn", "debugpy"], false), /it lacks uvicorn, the debugger \(debugpy\)\./);
  assert.deepEqual(missingActions(["uvicorn", "debugpy"], true), {
    install: "Install into This Interpreter",
    venv: "Create .venv from requirements.txt",
    select: "Select Interpreter",
  });
  assert.deepEqual(missingActions(["uvicorn"], false), { install: "Install into This Interpreter", select: "Select Interpreter" });
});

test("after the install: Run Again on success, pip's error and its output on failure", () => {
  const ok = installOutcome("/p/python", ["uvicorn"], 0, "Successfully installed uvicorn-0.30.0\n", [], "Run Again");
  assert.deepEqual(ok, { ok: true, message: "Installed uvicorn into /p/python.", actions: ["Run Again"] });
  assert.deepEqual(installOutcome("/p/python", ["uvicorn"], 0, "", [], undefined).actions, []);
  assert.match(installOutcome("/p/python", ["uvicorn"], 0, "", [], undefined).message, /Run the app again\.$/);

  const pipSaid = [
    "Collecting nosuchdist",
    "ERROR: Could not find a version that satisfies the requirement nosuchdist (from versions: none)",
    "ERROR: No matching distribution found for nosuchdist",
  ].join("\r\n");
  const failed = installOutcome("/p/python", ["nosuchdist"], 1, pipSaid, undefined, "Run Again");
  assert.equal(failed.ok, false);
  assert.equal(
    failed.message,
    "funcls could not install nosuchdist into /p/python: pip failed: ERROR: No matching distribution found for nosuchdist. See pip's output for the details.",
  );
  assert.deepEqual(failed.actions, ["Show pip Output"]);
  assert.match(installOutcome("/p/python", ["x"], 2, "no error lines", undefined, "Run Again").message, /pip failed \(exit code 2\)/);
  // pip said yes but the interpreter still lacks it (another interpreter's pip): not "Run again".
  const still = installOutcome("/p/python", ["uvicorn"], 0, "", ["uvicorn"], "Run Again");
  assert.equal(still.ok, false);
  assert.deepEqual(still.actions, ["Show pip Output"]);
});

test("a real failing pip install gives its error line to the outcome (a real python3)", () => {
  // --no-index with a name that no index has: pip fails without the network.
  const argv = installCommand("python3", ["funcls-no-such-dist-xyz"], undefined);
  const result = spawnSync(argv[0] as string, [...argv.slice(1), "--no-index", "--disable-pip-version-check"], { encoding: "utf8" });
  const outcome = installOutcome("python3", ["funcls-no-such-dist-xyz"], result.status, `${result.stdout}${result.stderr}`, undefined, "Run Again");
  assert.equal(outcome.ok, false);
  assert.equal(result.status, 1);
  assert.match(outcome.message, /pip failed: ERROR: No matching distribution found for funcls-no-such-dist-xyz\./);
});

test("a .venv made for the app can run and debug it, with the Azure SDKs when storage needs them", () => {
  assert.deepEqual(venvPackages([]), ["azure-functions", "uvicorn", "httptools", "watchfiles", "debugpy"]);
  assert.deepEqual(venvPackages(["azure-storage-queue", "azure-storage-blob"]).slice(-3), [
    "debugpy", "azure-storage-queue", "azure-storage-blob",
  ]);
});

test("creating the .venv: what runs the app now, a failure says which step and why", () => {
  const made = venvOutcome("/ws/app/.venv/bin/python", undefined, 0, "", "Run Again");
  assert.equal(made.ok, true);
  assert.equal(
    made.message,
    "Created /ws/app/.venv/bin/python with the app's requirements; funcls runs this app with it (a .venv in the app's folder comes before funcls.interpreter).",
  );
  assert.deepEqual(made.actions, ["Run Again"]);
  assert.deepEqual(venvOutcome("/p", undefined, 0, "", undefined).actions, []);
  const pip = venvOutcome("/ws/app/.venv/bin/python", "install", 1, "Collecting nope\nERROR: No matching distribution found for nope\n", "Run Again");
  assert.equal(pip.ok, false);
  assert.equal(
    pip.message,
    "funcls could not create /ws/app/.venv/bin/python: pip failed: ERROR: No matching distribution found for nope. The interpreter is unchanged; see the output for the details.",
  );
  assert.deepEqual(pip.actions, ["Show pip Output"]);
  const venv = venvOutcome("/ws/app/.venv/bin/python", "venv", 1, "The virtual environment was not created successfully because ensurepip is not available.\n", undefined);
  assert.match(venv.message, /python -m venv failed \(exit code 1\)\. The interpreter is unchanged/);
  assert.match(venvOutcome("/p", "install", null, "", undefined).message, /pip failed \(it was stopped\)/);
});

test("a run that failed on a missing module names it; installing requirements.txt is offered", () => {
  const refused = {
    ok: false,
    summary:
      "cannot run 'greet_start': no function 'greet_start' in /ws/app (functions: none); load errors: function_app.py: ModuleNotFoundError: No module named 'azure.durable_functions'. Cannot find module. Current sys.path: ['/ws/app']",
  };
  assert.equal(missingModule(refused), "azure.durable_functions");
  assert.equal(missingModule({ ok: false, error: { message: "No module named 'requests'" } }), "requests");
  assert.equal(missingModule({ ok: false, error: { message: "KeyError: 'items'" } }), undefined);
  assert.equal(missingModule({ ok: true, summary: "logged No module named 'x'" }), undefined);
  const offer = missingModuleMessage("/ws/app/.venv/bin/python", "azure.durable_functions", true);
  assert.equal(
    offer.message,
    "The app cannot import azure.durable_functions with /ws/app/.venv/bin/python. If requirements.txt lists its package, install the requirements into this interpreter; or select another interpreter.",
  );
  assert.deepEqual(offer.actions, [INSTALL_REQUIREMENTS, "Select Interpreter"]);
  assert.deepEqual(missingModuleMessage("python3", "requests", false).actions, ["Select Interpreter"]);
});

test("a venv's own python is offered the install first; python3 on PATH Create .venv first; a managed one no install", () => {
  const offered = missingActions(["uvicorn"], true);
  const [install, venv, select] = ["Install into This Interpreter", "Create .venv from requirements.txt", "Select Interpreter"];
  assert.deepEqual(orderedActions(offered, "venv"), [install, venv, select]);
  assert.deepEqual(orderedActions(offered, undefined), [install, venv, select]);
  assert.deepEqual(orderedActions(offered, "system"), [venv, install, select]);
  assert.deepEqual(orderedActions(offered, "managed"), [venv, select]);
  // No .venv to offer (no requirements.txt, or the app runs in its own .venv): install it is.
  assert.deepEqual(orderedActions(missingActions(["uvicorn"], false), "managed"), [install, select]);
  assert.match(
    missingMessage("python3 (/usr/bin/python3)", ["uvicorn"], true, { kind: "managed" }),
    /To run it, create a \.venv from requirements\.txt \(pip does not install into this one: the system's package manager owns it, PEP 668\) or select another interpreter\.$/,
  );
  assert.match(missingMessage("python3", ["uvicorn"], true, { kind: "system" }), /To run it, create a \.venv from requirements\.txt, install/);
  assert.match(missingMessage("/ws/app/.venv/bin/python", ["uvicorn"], true, { kind: "venv" }), /To run it, install the app's/);
  assert.equal(readKind("funcls-env managed\n/usr/bin/python3\n[]"), "managed");
  assert.equal(readKind("/usr/bin/python3\n[]"), undefined);
});

test("the check program says 'venv' inside a real virtual environment", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "funcls-kind-"));
  try {
    execFileSync("python3", ["-m", "venv", "--without-pip", dir]);
    const out = execFileSync(path.join(dir, "bin", "python"), ["-c", checkProgram([["json", "json"]])], { encoding: "utf8" });
    assert.equal(readKind(out), "venv");
    assert.deepEqual(readMissing(out, [["json", "json"]]), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("RunsUnderWay: an app has a run under way from its start to its last end", () => {
  const runs = new RunsUnderWay();
  assert.equal(runs.has("/a"), false);
  runs.start("/a");
  runs.start("/a"); // two runs of the app at once
  assert.equal(runs.has("/a"), true);
  assert.equal(runs.has("/b"), false);
  runs.end("/a");
  assert.equal(runs.has("/a"), true); // one still runs
  runs.end("/a");
  assert.equal(runs.has("/a"), false);
  runs.end("/a"); // an extra end does not go below none
  runs.start("/a");
  assert.equal(runs.has("/a"), true);
});

test("StateOffers: a state's missing module is offered once, after a ▶ Run whose result did not", () => {
  const offers = new StateOffers();
  assert.equal(offers.state("/a", "requests", false), "requests");
  assert.equal(offers.state("/a", "requests", false), undefined); // once per module
  assert.equal(offers.state("/a", undefined, false), undefined);
  // Review: the state came during a Run that finished on the code before the failing reload;
  // the module was counted as told and never offered.
  assert.equal(offers.state("/a", "requests", true), undefined);
  assert.equal(offers.runEnded("/a", undefined, false), "requests");
  assert.equal(offers.state("/a", "requests", false), undefined);
  // The Run's result names it: the result makes the offer (with Run Again), not the state.
  offers.state("/b", "numpy", true);
  assert.equal(offers.runEnded("/b", "numpy", false), undefined);
  assert.equal(offers.state("/b", "numpy", false), undefined);
  // Two Runs at once: the offer waits for the last.
  offers.state("/c", "pandas", true);
  assert.equal(offers.runEnded("/c", undefined, true), undefined);
  assert.equal(offers.runEnded("/c", undefined, false), "pandas");
  // The app loaded again before the Run ended: nothing left to offer.
  offers.state("/d", "lxml", true);
  offers.state("/d", undefined, false);
  assert.equal(offers.runEnded("/d", undefined, false), undefined);
});

test("a missing module requirements.txt does not provide (AZF605) is not offered the requirements' install", () => {
  // QA in code-server: `import pandas`, not in requirements.txt; the offer installed the
  // requirements, then said the interpreter "still lacks pandas … another interpreter may be the app's".
  const message = "'pandas' is imported by function_app.py but nothing in requirements.txt provides it; the deployment installs only what requirements.txt lists, so the worker fails with ModuleNotFoundError and the app shows no functions: add 'pandas' to requirements.txt";
  const findings = [
    { file: "/w/other/function_app.py", line: 1, code: "AZF605", message },
    { file: "/w/app/function_app.py", line: 0, code: "AZF401", message: "'%Q%' …" },
    { file: "/w/app/function_app.py", line: 1, code: "AZF605", message },
  ];
  const unlisted = unlistedImport("/w/app", "pandas", findings);
  assert.deepEqual(unlisted, { code: "AZF605", where: "function_app.py:2", file: "/w/app/function_app.py", line: 1 });
  assert.deepEqual(unlistedImport("/w/app", "pandas.core", findings), unlisted); // the package names it
  assert.equal(unlistedImport("/w/app", "requests", findings), undefined);
  assert.equal(unlistedImport("/w/ap", "pandas", findings), undefined); // another app's folder
  const below = "'helpers' is imported by function_app.py, but 'helpers' is src/helpers, below the app root: …";
  assert.equal(unlistedImport("/w/app", "helpers", [{ file: "/w/app/function_app.py", line: 3, code: "AZF605", message: below }]), undefined);
  const offer = missingModuleMessage("/w/app/.venv/bin/python", "pandas", true, unlisted);
  assert.equal(
    offer.message,
    "The app cannot import pandas with /w/app/.venv/bin/python. requirements.txt does not provide it (function_app.py:2: AZF605), so installing the requirements would not bring it, and the deployed app would fail the same way: add its package to requirements.txt, then install.",
  );
  assert.deepEqual(offer.actions, [ADD_AND_INSTALL, "Go to the Import"]);
  assert.deepEqual(missingModuleMessage("/w/app/.venv/bin/python", "pandas", true).actions, [INSTALL_REQUIREMENTS, "Select Interpreter"]);
});

test("StateOffers.claim: New function's install and the app's failing reload offer a module once", () => {
  // QA in code-server: New function → Durable showed "The app cannot import
  // azure.durable_functions…" (the warm app's reload) and "requirements.txt:
  // azure-functions-durable added…" (New function's answer) at once.
  const offers = new StateOffers();
  assert.deepEqual(offers.claim("/a", ["azure.durable_functions"]), ["azure.durable_functions"]);
  assert.equal(offers.state("/a", "azure.durable_functions", false), undefined); // the reload after it
  // The reload's state came first: New function's offer is left out.
  assert.equal(offers.state("/b", "azure.durable_functions", false), "azure.durable_functions");
  assert.deepEqual(offers.claim("/b", ["azure.durable_functions"]), []);
  // A state during a ▶ Run is offered when the Run ends, not by the claim.
  offers.state("/c", "azure.durable_functions", true);
  assert.deepEqual(offers.claim("/c", ["azure.durable_functions"]), []);
  assert.equal(offers.runEnded("/c", undefined, false), "azure.durable_functions");
  // Once the app loaded, a later failure on the same module is offered again.
  offers.state("/a", undefined, false);
  assert.equal(offers.state("/a", "azure.durable_functions", false), "azure.durable_functions");
  // Other apps and other modules are not affected.
  assert.deepEqual(offers.claim("/d", ["numpy"]), ["numpy"]);
  assert.equal(offers.state("/d", "pandas", false), "pandas");
});

test("New function's install: read from the server's answer, offered into the app's interpreter", () => {
  // The answer of funcls.new.function for a Durable starter (tests/lsp/test_scaffold_commands.py).
  const note = "requirements.txt: azure-functions-durable added; install it into the app's interpreter (python -m pip install -r requirements.txt)";
  const answer = {
    ok: true,
    file: "/w/shop/greet_durable.py",
    line: 21,
    install: { requirements: "/w/shop/requirements.txt", modules: [["azure.durable_functions", "azure-functions-durable"]], note },
  };
  assert.deepEqual(readInstall(answer), {
    requirements: "/w/shop/requirements.txt",
    modules: [["azure.durable_functions", "azure-functions-durable"]],
    note,
  });
  for (const other of [undefined, null, { ok: true, file: "/w/a.py", line: 0 }, { install: { requirements: "/r", modules: [], note } }, { install: { requirements: "/r", modules: [["m"]], note } }, { install: { modules: [["m", "d"]], note } }]) {
    assert.equal(readInstall(other), undefined, JSON.stringify(other));
  }
  const python = "/w/shop/.venv/bin/python";
  const { message, action } = requirementsAddedMessage(python, ["azure-functions-durable"]);
  assert.equal(action, "Install into /w/shop/.venv/bin/python");
  assert.equal(
    message,
    "funcls: requirements.txt: azure-functions-durable added; /w/shop/.venv/bin/python does not have it yet: install the app's requirements into it, or the app will not start.",
  );
  assert.ok(!message.includes("pip install"), "no command to type by hand");
  // The install is the Run's: pip -r requirements.txt into that interpreter, nothing else named.
  assert.deepEqual(installCommand(python, [], "/w/shop/requirements.txt"), [python, "-m", "pip", "install", "-r", "/w/shop/requirements.txt"]);
  assert.match(requirementsAddedMessage(python, ["a", "b"]).message, /a, b added; .* does not have them yet/);
});

// Test-only companion extension for tests/clients/test_vscode.py; installed only in the test's
// own extensions folder. It asks VS Code's own provider commands (the ones the editor calls to
// show hovers, suggestions, code lenses and problems) what funcls contributes, and writes the
// answers as JSON to the file the request names. Each query is retried until it has an answer
// or the request's deadline passes, so a slow server start shows up as a clear timeout.
"use strict";

const fs = require("fs");
const path = require("path");
const vscode = require("vscode");

const FUNCLS_EXTENSION = "funcls.funcls";
const RETRY_MS = 250;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function writeJson(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
  fs.renameSync(tmp, file);
}

function rangeJson(r) {
  return r && [r.start.line, r.start.character, r.end.line, r.end.character];
}

function text(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (value instanceof vscode.MarkdownString) return value.value;
  if (value instanceof vscode.SnippetString) return value.value;
  if (typeof value.value === "string") return value.value; // MarkedString {language, value}
  if (typeof value.label === "string") return value.label; // CompletionItemLabel
  return String(value);
}

async function document(file) {
  return vscode.workspace.openTextDocument(vscode.Uri.file(file));
}

/** The position `offset` characters after the first occurrence of `needle`. */
function positionOf(doc, needle, offset) {
  const at = doc.getText().indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in ${doc.uri.fsPath}`);
  return doc.positionAt(at + (offset || 0));
}

const QUERIES = {
  async diagnostics(q) {
    const doc = await document(q.file);
    return {
      accept: (r) => r.length > 0 && (q.codes || []).every((c) => r.some((d) => d.code === c)),
      ask: async () =>
        vscode.languages.getDiagnostics(doc.uri).map((d) => ({
          message: d.message,
          code: typeof d.code === "object" && d.code !== null ? String(d.code.value) : d.code,
          source: d.source,
          severity: vscode.DiagnosticSeverity[d.severity],
          range: rangeJson(d.range),
        })),
    };
  },

  async hover(q) {
    const doc = await document(q.file);
    const pos = positionOf(doc, q.needle, q.offset);
    return {
      accept: (r) => r.length > 0,
      ask: async () => {
        const hovers = await vscode.commands.executeCommand("vscode.executeHoverProvider", doc.uri, pos);
        return (hovers || []).map((h) => ({ contents: h.contents.map(text), range: rangeJson(h.range) }));
      },
    };
  },

  async completion(q) {
    const doc = await document(q.file);
    let pos = positionOf(doc, q.needle, q.offset);
    let undo = async () => undefined;
    if (q.insert) {
      // Type into the (unsaved) document, as a user would, and ask where the cursor would be.
      const edit = new vscode.WorkspaceEdit();
      const start = positionOf(doc, q.needle, 0);
      edit.insert(doc.uri, start, q.insert);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error("could not insert the text");
      pos = doc.positionAt(doc.offsetAt(start) + q.cursor);
      undo = async () => {
        const back = new vscode.WorkspaceEdit();
        back.delete(doc.uri, new vscode.Range(start, doc.positionAt(doc.offsetAt(start) + q.insert.length)));
        await vscode.workspace.applyEdit(back);
      };
    }
    return {
      done: undo,
      accept: (r) => r.items.length > 0,
      ask: async () => {
        const list = await vscode.commands.executeCommand(
          "vscode.executeCompletionItemProvider",
          doc.uri,
          pos,
          q.trigger,
        );
        const items = (list ? list.items : []).map((i) => ({
          label: text(i.label),
          detail: i.detail === undefined ? null : i.detail,
          kind: i.kind === undefined ? null : vscode.CompletionItemKind[i.kind],
          insertText: text(i.insertText),
          sortText: i.sortText === undefined ? null : i.sortText,
          documentation: text(i.documentation),
        }));
        return { line: pos.line, character: pos.character, items };
      },
    };
  },

  async codeLens(q) {
    const doc = await document(q.file);
    return {
      // `expect`: a title that must be among them (the lenses of a change not indexed yet lack it).
      // `expectArgument`: a lens whose command has that argument (a function's name).
      accept: (r) =>
        r.length > 0 &&
        (q.expect === undefined || r.some((l) => (l.title || "").includes(q.expect))) &&
        (q.expectArgument === undefined || r.some((l) => l.arguments.includes(q.expectArgument))),
      ask: async () => {
        const lenses = await vscode.commands.executeCommand("vscode.executeCodeLensProvider", doc.uri, 100);
        return (lenses || []).map((l) => ({
          range: rangeJson(l.range),
          title: l.command ? l.command.title : null,
          command: l.command ? l.command.command : null,
          arguments: l.command ? l.command.arguments || [] : [],
        }));
      },
    };
  },

  /** After `waitMs`, append `append` to the document, as typing would: left unsaved. */
  async edit(q) {
    const doc = await document(q.file);
    let done = false;
    return {
      accept: () => true,
      ask: async () => {
        if (!done) {
          await sleep(q.waitMs || 0);
          const edit = new vscode.WorkspaceEdit();
          edit.insert(doc.uri, doc.positionAt(doc.getText().length), q.append);
          if (!(await vscode.workspace.applyEdit(edit))) throw new Error("could not edit the document");
          done = true;
        }
        return { dirty: doc.isDirty };
      },
    };
  },

  async execute(q) {
    let result;
    return {
      accept: () => true,
      ask: async () => {
        // Once only: a command may have effects.
        if (result === undefined) result = { value: await vscode.commands.executeCommand(q.command, ...q.arguments) };
        return result.value === undefined ? null : result.value;
      },
    };
  },

  /** After `waitMs`, set a user setting (`section.key`) through VS Code's API, as the
   * Settings editor does. The workbench applies it: a window must be open meanwhile. */
  async configure(q) {
    let done = false;
    return {
      accept: () => true,
      ask: async () => {
        if (!done) {
          await sleep(q.waitMs || 0);
          const dot = q.setting.indexOf(".");
          await vscode.workspace
            .getConfiguration(q.setting.slice(0, dot))
            .update(q.setting.slice(dot + 1), q.value, vscode.ConfigurationTarget.Global);
          done = true;
        }
        return true;
      },
    };
  },

  async commands(q) {
    return {
      accept: (r) => (q.includes || []).every((c) => r.includes(c)),
      ask: async () => (await vscode.commands.getCommands(true)).filter((c) => c.startsWith(q.prefix)).sort(),
    };
  },
};

async function answer(q, deadline) {
  const started = Date.now();
  const query = await QUERIES[q.kind](q);
  try {
    return await retry(query, started, deadline);
  } finally {
    if (query.done) await query.done();
  }
}

async function retry(query, started, deadline) {
  let last = null;
  let error = null;
  for (;;) {
    try {
      last = await query.ask();
      error = null;
      if (query.accept(last)) {
        return { ok: true, result: last, at: new Date(started).toISOString(), ms: Date.now() - started };
      }
    } catch (e) {
      error = String((e && e.stack) || e);
    }
    if (Date.now() > deadline) {
      return {
        ok: false,
        result: last,
        error: error || "no answer before the deadline",
        at: new Date(started).toISOString(),
        ms: Date.now() - started,
      };
    }
    await sleep(RETRY_MS);
  }
}

/** Every change in the number of funcls diagnostics of each file, from activation on:
 * { path: [[ms since activation, count], ...] }. A count that drops to 0 and comes back is a
 * flicker the editor showed (a hover asked for meanwhile lacks the problem). */
function watchDiagnostics(onChange) {
  const started = Date.now();
  const timeline = {};
  const disposable = vscode.languages.onDidChangeDiagnostics((e) => {
    let changed = false;
    for (const uri of e.uris) {
      if (uri.scheme !== "file") continue;
      const count = vscode.languages.getDiagnostics(uri).filter((d) => d.source === "funcls").length;
      const seen = (timeline[uri.fsPath] = timeline[uri.fsPath] || []);
      if (seen.length === 0 ? count === 0 : seen[seen.length - 1][1] === count) continue;
      seen.push([Date.now() - started, count]);
      changed = true;
    }
    if (changed) onChange();
  });
  return { timeline, disposable };
}

async function run(request) {
  const out = { done: false, extension: null, results: {}, diagnosticsSince: new Date().toISOString(), diagnostics: {} };
  const watch = watchDiagnostics(() => writeJson(request.result, out));
  out.diagnostics = watch.timeline;
  writeJson(request.result, out);
  const deadline = Date.now() + request.timeoutMs;
  const funcls = vscode.extensions.getExtension(FUNCLS_EXTENSION);
  out.extension = { installed: funcls !== undefined, active: false };
  if (funcls !== undefined) {
    try {
      await funcls.activate();
      out.extension.active = funcls.isActive;
    } catch (e) {
      out.extension.error = String((e && e.stack) || e);
    }
  }
  for (const q of request.queries) {
    try {
      out.results[q.id] = await answer(q, deadline);
    } catch (e) {
      out.results[q.id] = { ok: false, error: String((e && e.stack) || e) };
    }
    writeJson(request.result, out);
  }
  out.done = true;
  writeJson(request.result, out);
}

function activate() {
  const request = vscode.workspace.getConfiguration("funclsProbe").get("request");
  if (!request) return;
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(request, "utf8"));
  } catch (e) {
    writeJson(path.join(path.dirname(request), "probe-error.json"), { error: String(e) });
    return;
  }
  // Not awaited: activation must finish for the workbench to carry on.
  run(parsed).catch((e) => writeJson(parsed.result, { done: true, fatal: String((e && e.stack) || e) }));
}

function deactivate() {}

module.exports = { activate, deactivate };

// The run result panel's HTML, from the server's funcls.runFunction result. No `vscode`
// import: unit-tested in Node. Everything from the result is escaped; the page runs one script
// (with a nonce) that posts the buttons' messages back to the extension and puts the content
// the extension posts (resultContent, runningContent) in its content block: a panel's page is
// loaded once, not once for "Running…" and again for the result (results.ts).

export interface RunResult {
  ok: boolean;
  function: string;
  trigger?: string;
  summary?: string;
  message?: string;
  request?: unknown;
  status?: number | null;
  statusText?: string | null;
  headers?: [string, string][] | null;
  body?: unknown;
  bodyBase64?: string | null;
  returnValue?: unknown;
  outputs?: { name: string; type: string; target?: string | null; sent?: boolean; value?: unknown }[] | null;
  logs?: { level: string; message: string }[] | null;
  error?: { type?: string; message: string; file?: string | null; line?: number | null; traceback?: string | null } | null;
  durationMs?: number | null;
  invocationId?: string | null;
  ranOn?: string | null;
  /** Where the request's parts came from: "given", "saved" (funcls.inputs.json), "sample". */
  inputFrom?: string[] | null;
  /** The store each queue/blob/table connection setting reached in this run, as the runner
   * opened it (funcls/runner/run_result.py). */
  stores?: StoreUsed[] | null;
}

export interface StoreUsed {
  setting: string;
  /** "embedded", "azurite", "azure", or "none" when the setting could not be opened. */
  store: string;
  description: string;
}

export interface Ran {
  root: string;
  name: string;
  at: Date;
  result: RunResult;
  /** Where its queues and blobs are (storageModel.functionStore's long text), when it has any:
   * shown only when the result has no `stores` (a server from before they were sent). */
  store?: string;
}

/** The stores the run used, one line each: `Store (AzureWebJobsStorage): Azurite at …` — what
 * the runner opened, not a guess from local.settings.json (QA: the panel said 'Azurite, or the
 * embedded store while Azurite does not answer'). Falls back to `ran.store`. */
export function storeLines(ran: Ran): string[] {
  const stores = ran.result.stores ?? [];
  if (stores.length > 0) {
    return stores.map((s) => `Store (${s.setting}): ${s.store === "none" ? "not opened: " : ""}${s.description}`);
  }
  return ran.store ? ran.store.split("\n") : [];
}

/** What the run sent, in one line above the answer: `GET http://127.0.0.1:7071/api/products/1`
 * for an HTTP function (QA: the lens named the route template and the URL sent was only in the
 * Request section at the bottom), `blob samples/a.txt` for a blob trigger; "" otherwise. */
export function sentLine(result: RunResult): string {
  const request = result.request;
  if (typeof request !== "object" || request === null) {
    return "";
  }
  const r = request as { method?: unknown; url?: unknown; path?: unknown; name?: unknown };
  if (typeof r.method === "string") {
    const target = typeof r.url === "string" ? r.url : typeof r.path === "string" ? r.path : "";
    return target === "" ? "" : `${r.method.toUpperCase()} ${target}`;
  }
  return typeof r.name === "string" && r.name !== "" ? `blob ${r.name}` : "";
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A body as people read it: JSON pretty-printed (also JSON inside a string), else as is. */
export function prettyBody(body: unknown): string {
  if (body === undefined || body === null) {
    return "";
  }
  if (typeof body === "string") {
    const trimmed = body.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        return JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        return body;
      }
    }
    return body;
  }
  return JSON.stringify(body, null, 2);
}

/** `200 OK`, or the summary for other triggers, or the failure. */
export function statusLine(result: RunResult): string {
  // Every place that shows this line shows the function's name beside it: not twice.
  const named = `${result.function} `;
  const told = result.summary && result.function && result.summary.startsWith(named) ? result.summary.slice(named.length) : result.summary;
  if (typeof result.status === "number") {
    const status = `${result.status}${result.statusText ? ` ${result.statusText}` : ""}`;
    // An HTTP function that raised: the caller's 500 and where it failed, in one line.
    return result.error && told ? `${status}: ${told}` : status;
  }
  if (told) {
    return told;
  }
  if (result.error) {
    return `failed: ${result.error.type ?? "error"}`;
  }
  return result.ok ? "succeeded" : (result.message ?? "failed");
}

/** Where the request came from, above it: a ▶ Run sends the saved input, whatever the lens
 * says (QA: '▶ Run GET /api/hello' sent the saved POST without a word). */
export function requestOrigin(result: RunResult): string {
  const from = result.inputFrom ?? [];
  if (from.includes("saved")) {
    return from.includes("sample")
      ? "From the function's entry in funcls.inputs.json (Edit input), the rest a sample built from its bindings."
      : "From the function's entry in funcls.inputs.json (Edit input).";
  }
  if (from.includes("sample")) {
    return "A sample built from the function's bindings; Edit input saves it in funcls.inputs.json to change it.";
  }
  return "";
}

function section(title: string, inner: string): string {
  return inner === "" ? "" : `<section><h2>${escapeHtml(title)}</h2>${inner}</section>`;
}

/** The request as the panel shows it: a body of JSON text (a queue message, a timer's
 * `{"isPastDue": false}`) as the JSON it holds. QA in code-server: the Request section of a
 * ▶ Run of process_order showed `"body": "{\"id\": \"sample\", \"items\": [{\"product\": …`. */
export function shownRequest(request: unknown): unknown {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return request;
  }
  const body = (request as { body?: unknown }).body;
  if (typeof body !== "string") {
    return request;
  }
  const trimmed = body.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
    return request;
  }
  try {
    return { ...request, body: JSON.parse(trimmed) as unknown };
  } catch {
    return request;
  }
}

function requestBlock(r: RunResult): string {
  const shown = pre(r.request === undefined || r.request === null ? "" : prettyBody(shownRequest(r.request)));
  const origin = requestOrigin(r);
  return shown === "" || origin === "" ? shown : `<p class="origin">${escapeHtml(origin)}</p>${shown}`;
}

/** `text` escaped, its http(s) URLs as links the page opens in the browser (QA: a Durable
 * starter's 202 listed statusQueryGetUri and the Location header as text to copy by hand). */
export function linkified(text: string): string {
  let out = "";
  let at = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s"'<>]+/g)) {
    const url = m[0];
    out += `${escapeHtml(text.slice(at, m.index))}<a href="#" data-url="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    at = (m.index ?? 0) + url.length;
  }
  return out + escapeHtml(text.slice(at));
}

function pre(text: string, cls = ""): string {
  return text === "" ? "" : `<pre class="${cls}">${escapeHtml(text)}</pre>`;
}

function headersTable(headers: [string, string][] | null | undefined): string {
  if (!headers || headers.length === 0) {
    return "";
  }
  const rows = headers.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${linkified(v)}</td></tr>`);
  return `<table>${rows.join("")}</table>`;
}

function outputsList(result: RunResult): string {
  const outputs = result.outputs ?? [];
  const items = outputs.map((o) => {
    const where = o.target ? ` → ${escapeHtml(o.target)}` : "";
    const sent = o.sent === false ? " (not sent)" : "";
    return `<li><b>${escapeHtml(o.name)}</b> <i>${escapeHtml(o.type)}</i>${where}${sent}${pre(prettyBody(o.value))}</li>`;
  });
  if (result.returnValue !== undefined && result.returnValue !== null && typeof result.status !== "number") {
    items.unshift(`<li><b>return value</b>${pre(prettyBody(result.returnValue))}</li>`);
  }
  return items.length === 0 ? "" : `<ul>${items.join("")}</ul>`;
}

function logsBlock(result: RunResult): string {
  const logs = result.logs ?? [];
  return pre(logs.map((l) => `${l.level.toUpperCase().padEnd(7)} ${l.message}`).join("\n"), "logs");
}

function errorBlock(result: RunResult): string {
  const e = result.error;
  if (!e) {
    return "";
  }
  const link =
    e.file && typeof e.line === "number"
      ? `<p><a href="#" data-open="${escapeHtml(e.file)}" data-line="${e.line}">${escapeHtml(e.file)}:${e.line}</a></p>`
      : "";
  return `<p class="error">${escapeHtml(`${e.type ? `${e.type}: ` : ""}${e.message}`)}</p>${link}${tracebackBlock(e.traceback ?? "")}`;
}

const FRAME = /^(\s*File ")(.+)(", line )(\d+)(.*)$/;

/** The traceback, each frame's `File "…", line N` a link that opens the file at that line.
 * QA in code-server: only the innermost frame of the app (above the traceback) could be
 * clicked; the caller's frames had to be found by hand. */
export function tracebackBlock(text: string): string {
  if (text === "") {
    return "";
  }
  const lines = text.split("\n").map((line) => {
    const m = FRAME.exec(line);
    if (m === null) {
      return escapeHtml(line);
    }
    const [, lead = "", file = "", mid = "", num = "", rest = ""] = m;
    const link = `<a href="#" data-open="${escapeHtml(file)}" data-line="${num}">${escapeHtml(file)}${escapeHtml(mid)}${num}</a>`;
    return `${escapeHtml(lead)}${link}${escapeHtml(rest)}`;
  });
  return `<pre class="traceback">${lines.join("\n")}</pre>`;
}

const HISTORY_LINE = 120;

function historyList(history: readonly Ran[], current: Ran | undefined): string {
  const rows = history
    .filter((r) => r !== current)
    .slice(0, 10)
    .map((r) => {
      // One line each: a refused run's answer (a load error with the interpreter's sys.path)
      // filled the list (QA); the whole line is the row's tooltip.
      const line = statusLine(r.result);
      const shown = line.length > HISTORY_LINE ? `${line.slice(0, HISTORY_LINE - 1)}…` : line;
      return `<li title="${escapeHtml(line)}">${escapeHtml(r.at.toLocaleTimeString())} <b>${escapeHtml(r.name)}</b> ${escapeHtml(shown)}</li>`;
    });
  return rows.length === 0 ? "" : `<ul class="history">${rows.join("")}</ul>`;
}

export function renderResult(ran: Ran, history: readonly Ran[], nonce: string, cspSource: string): string {
  return resultPage(ran.name, nonce, cspSource, resultContent(ran, history));
}

/** The content block of a result: what the page shows under the function's name. */
export function resultContent(ran: Ran, history: readonly Ran[]): string {
  const r = ran.result;
  const sent = sentLine(r);
  const stores = storeLines(ran);
  const body = r.bodyBase64 ? `(binary body, ${Math.floor((r.bodyBase64.length * 3) / 4)} bytes)` : prettyBody(r.body);
  const meta = [
    r.trigger ? escapeHtml(r.trigger) : "",
    // A run that did not happen (refused, not loaded) took no time worth a '0 ms' (QA).
    typeof r.durationMs === "number" && (r.invocationId || r.durationMs > 0) ? `${Math.round(r.durationMs)} ms` : "",
    r.ranOn ? `on ${escapeHtml(r.ranOn)}` : "",
    r.invocationId ? `invocation ${escapeHtml(r.invocationId)}` : "",
  ].filter((s) => s !== "");
  return `<p class="status ${r.ok ? "ok" : "bad"}" id="status">${escapeHtml(statusLine(r))}</p>
<p class="meta">${meta.join(" · ")}</p>
${sent === "" ? "" : `<p class="sent">Sent: ${sent.startsWith("GET ") ? linkified(sent) : escapeHtml(sent)}</p>`}
${stores.length === 0 ? "" : `<p class="store">${stores.map(escapeHtml).join("<br>")}</p>`}
<p><button data-action="runAgain">Run again</button><button data-action="editInput">Edit input</button></p>
${section("Error", errorBlock(r))}
${section("Headers", headersTable(r.headers))}
${section("Body", body === "" ? "" : `<pre class="body">${linkified(body)}</pre>`)}
${section("Outputs", outputsList(r))}
${section("Logs", logsBlock(r))}
${section("Request", requestBlock(r))}
${section("Earlier runs", historyList(history, ran))}`;
}

/** The panel while a run is on its way, shown at the click (QA in code-server: a function
 * that took 30 s showed nothing for 30 s, and a second run showed the first one's result until
 * it ended). The page counts the seconds; the result replaces it. */
export function renderRunning(name: string, since: Date, history: readonly Ran[], nonce: string, cspSource: string): string {
  return resultPage(name, nonce, cspSource, runningContent(name, since, history));
}

/** The content block of a run on its way; the page's script counts the seconds in #elapsed. */
export function runningContent(name: string, since: Date, history: readonly Ran[]): string {
  return `<p class="status running" id="status">Running…</p>
<p class="meta" id="elapsed" data-since="${since.getTime()}">started at ${escapeHtml(since.toLocaleTimeString())}</p>
<p>The result shows here when ${escapeHtml(name)} returns (a run ends after <code>funcls.invokeTimeoutSeconds</code>, 120 s by default). A breakpoint of a debug session holds it until you continue.</p>
${section("Earlier runs", historyList(history, undefined))}`;
}

/** A result panel's page with `content` (resultContent, runningContent) in its content block.
 * `seq` numbers the content: the extension posts `{ type: "show", seq, html }` for later content,
 * which replaces the block in place (older or repeated numbers are ignored), and the page says
 * `{ action: "ready", seq }` when it loads, so a page loaded again from older HTML (a hidden
 * panel shown again: retainContextWhenHidden is false) is sent the latest. The content is the
 * same escaped HTML a whole page would hold; it is never run (innerHTML runs no script, and the
 * CSP allows only the nonce'd one). */
export function resultPage(name: string, nonce: string, cspSource: string, content: string, seq = 0): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>${escapeHtml(name)}</title>
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
.status { font-size: 1.3em; font-weight: bold; }
.status.ok { color: var(--vscode-testing-iconPassed); } .status.bad { color: var(--vscode-testing-iconFailed); }
pre { background: var(--vscode-textCodeBlock-background); padding: .5em; overflow: auto; }
pre.logs, pre.traceback { white-space: pre-wrap; overflow-wrap: anywhere; }
th { text-align: left; padding-right: 1em; font-weight: normal; opacity: .8; }
.error { color: var(--vscode-errorForeground); }
button { margin-right: .5em; }
</style></head>
<body>
<h1>${escapeHtml(name)}</h1>
<div id="content" data-seq="${seq}">
${content}
</div>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
const content = document.getElementById("content");
let shown = Number(content.dataset.seq);
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-action],[data-open],[data-url]");
  if (!t) return;
  e.preventDefault();
  if (t.dataset.url) vscode.postMessage({ action: "openUrl", url: t.dataset.url });
  else if (t.dataset.open) vscode.postMessage({ action: "open", file: t.dataset.open, line: Number(t.dataset.line) });
  else vscode.postMessage({ action: t.dataset.action });
});
window.addEventListener("message", (e) => {
  const m = e.data;
  if (!m || m.type !== "show" || typeof m.html !== "string" || typeof m.seq !== "number" || m.seq <= shown) return;
  shown = m.seq;
  content.dataset.seq = String(m.seq);
  content.innerHTML = m.html;
  window.scrollTo(0, 0);
});
const tick = () => {
  const el = document.getElementById("elapsed");
  if (el) el.textContent = "running for " + Math.round((Date.now() - Number(el.dataset.since)) / 1000) + " s";
};
setInterval(tick, 1000);
vscode.postMessage({ action: "ready", seq: shown });
</script>
</body></html>`;
}

import { strict as assert } from "node:assert";
import { test } from "node:test";

import {
  escapeHtml,
  linkified,
  prettyBody,
  renderResult,
  renderRunning,
  resultContent,
  resultPage,
  runningContent,
  requestOrigin,
  sentLine,
  shownRequest,
  statusLine,
  storeLines,
  tracebackBlock,
  type Ran,
} from "../src/resultsRender";

const http: Ran = {
  root: "/ws/shop",
  name: "get_product",
  at: new Date(0),
  result: {
    ok: true,
    function: "get_product",
    trigger: "httpTrigger",
    status: 200,
    statusText: "OK",
    headers: [["Content-Type", "application/json"]],
    body: '{"id":2,"name":"<b>Tea</b>"}',
    logs: [{ level: "info", message: "looking up 2" }],
    outputs: [],
    error: null,
    durationMs: 12.4,
  },
};

test("status lines: HTTP status, the summary of other triggers, a failure", () => {
  assert.equal(statusLine(http.result), "200 OK");
  assert.equal(statusLine({ ok: true, function: "t", summary: "heartbeat: succeeded in 3 ms" }), "heartbeat: succeeded in 3 ms");
  assert.equal(
    statusLine({ ok: true, function: "process_order", summary: "process_order succeeded in 7 ms: receipt → receipts/a.json" }),
    "succeeded in 7 ms: receipt → receipts/a.json",
  );
  assert.equal(statusLine({ ok: false, function: "t", error: { type: "ValueError", message: "bad" } }), "failed: ValueError");
  // An HTTP function that raised: the status its caller got and where it failed.
  assert.equal(
    statusLine({
      ok: false,
      function: "boom",
      trigger: "httpTrigger",
      status: 500,
      statusText: "Internal Server Error",
      summary: "boom failed in 4.1 ms at function_app.py:17: KeyError: 'missing'",
      error: { type: "KeyError", message: "'missing'" },
    }),
    "500 Internal Server Error: failed in 4.1 ms at function_app.py:17: KeyError: 'missing'",
  );
});

test("the request says where it came from: the saved input, a sample (QA)", () => {
  // The ▶ Run lens says 'GET /api/hello' but sends the saved POST: the panel says why.
  const saved: Ran = {
    ...http,
    result: { ...http.result, request: { method: "POST", path: "/api/hello?name=Ada" }, inputFrom: ["saved", "sample"] },
  };
  const page = renderResult(saved, [saved], "N", "x");
  assert.match(
    page,
    /<h2>Request<\/h2><p class="origin">From the function&#39;s entry in funcls.inputs.json \(Edit input\), the rest a sample built from its bindings.<\/p><pre/,
  );
  assert.equal(requestOrigin({ ok: true, function: "f", inputFrom: ["saved"] }), "From the function's entry in funcls.inputs.json (Edit input).");
  assert.match(requestOrigin({ ok: true, function: "f", inputFrom: ["sample"] }), /^A sample built from the function's bindings; Edit input saves it/);
  assert.equal(requestOrigin({ ok: true, function: "f", inputFrom: ["given"] }), "");
  assert.equal(requestOrigin(http.result), ""); // an older server: nothing said
  assert.doesNotMatch(renderResult(http, [http], "N", "x"), /class="origin"/);
});

test("the Request section shows a body of JSON text as JSON, not as an escaped string (QA)", () => {
  const queued: Ran = {
    ...http,
    result: {
      ...http.result,
      request: { body: '{"id": "sample", "items": [{"product": "sample", "qty": 1}]}' },
      inputFrom: ["sample"],
    },
  };
  const page = renderResult(queued, [queued], "N", "x");
  const request = page.slice(page.indexOf("<h2>Request</h2>"));
  assert.match(request, /&#34;items&#34;: \[\s*\{\s*&#34;product&#34;: &#34;sample&#34;,\s*&#34;qty&#34;: 1/);
  assert.doesNotMatch(request, /\\&#34;/); // no escaped quote: the body is not a string
  assert.deepEqual(shownRequest({ body: "not json {" }), { body: "not json {" });
  assert.deepEqual(shownRequest({ body: "{bad" }), { body: "{bad" });
  assert.deepEqual(shownRequest({ method: "POST", body: { a: 1 } }), { method: "POST", body: { a: 1 } });
});

test("each frame of the traceback opens its file at its line (QA)", () => {
  const trace = [
    "Traceback (most recent call last):",
    '  File "/ws/v1-app/get_product/__init__.py", line 16, in main',
    "    boom({})",
    '  File "/ws/v1-app/get_product/<odd & name>.py", line 11, in boom',
    "    return x['missing']",
    "KeyError: 'missing'",
  ].join("\n");
  const html = tracebackBlock(trace);
  assert.match(
    html,
    /^<pre class="traceback">Traceback \(most recent call last\):\n {2}File &#34;<a href="#" data-open="\/ws\/v1-app\/get_product\/__init__.py" data-line="16">\/ws\/v1-app\/get_product\/__init__.py&#34;, line 16<\/a>, in main\n/,
  );
  assert.match(html, /data-open="\/ws\/v1-app\/get_product\/&#60;odd &#38; name&#62;.py" data-line="11"/);
  assert.match(html, /\n {4}return x\[&#39;missing&#39;\]\nKeyError: &#39;missing&#39;<\/pre>$/);
  assert.equal(tracebackBlock(""), "");
});

test("bodies are pretty-printed JSON when they are JSON", () => {
  assert.equal(prettyBody('{"a":1}'), '{\n  "a": 1\n}');
  assert.equal(prettyBody("{not json"), "{not json");
  assert.equal(prettyBody({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}');
  assert.equal(prettyBody(null), "");
});

test("the page escapes everything from the result and links the error to its line", () => {
  const page = renderResult(http, [http], "NONCE", "vscode-resource:");
  assert.match(page, /<p class="status ok" id="status">200 OK<\/p>/);
  assert.match(page, /&#34;name&#34;: &#34;&#60;b&#62;Tea&#60;\/b&#62;&#34;/);
  assert.doesNotMatch(page, /<b>Tea<\/b>/);
  assert.match(page, /<th>Content-Type<\/th><td>application\/json<\/td>/);
  assert.match(page, /INFO    looking up 2/);
  assert.match(page, /script-src 'nonce-NONCE'/);
  const failed: Ran = {
    ...http,
    result: {
      ok: false,
      function: "get_product",
      status: 500,
      error: { type: "KeyError", message: "'id'", file: "/ws/shop/function_app.py", line: 37, traceback: "Traceback…" },
    },
  };
  const errorPage = renderResult(failed, [failed, http], "N", "x");
  assert.match(errorPage, /<p class="error">KeyError: &#39;id&#39;<\/p>/);
  assert.match(errorPage, /data-open="\/ws\/shop\/function_app.py" data-line="37">\/ws\/shop\/function_app.py:37<\/a>/);
  assert.match(errorPage, /Earlier runs.*get_product<\/b> 200 OK/s);
  // A long answer (a refused run's load error) is one line in the list, whole in its tooltip.
  const long = "cannot run 'greet_start': no function 'greet_start' (functions: none); load errors: " + "x".repeat(400);
  const refused: Ran = { ...http, name: "greet_start", result: { ok: false, function: "greet_start", summary: long } };
  const later = renderResult(http, [http, refused], "N", "x");
  const row = /<li title="([^"]*)">[^<]*<b>greet_start<\/b> ([^<]*)<\/li>/.exec(later);
  assert.ok(row, later);
  assert.equal(row[2], escapeHtml(`${long.slice(0, 119)}…`));
  assert.equal(row[1], escapeHtml(long));
  assert.equal(escapeHtml(`<a href="x">'&`), "&#60;a href=&#34;x&#34;&#62;&#39;&#38;");
});

test("the panel says where a queue/blob function's store is, when it has one", () => {
  const ran: Ran = {
    root: "/ws/shop",
    name: "process_order",
    at: new Date(0),
    result: { ok: true, function: "process_order" },
    store: "Store (AzureWebJobsStorage): the embedded store (.funcls/storage/), not Azurite: the interpreter lacks azure-storage-queue",
  };
  const page = renderResult(ran, [ran], "N", "x");
  assert.match(
    page,
    /<p class="store">Store \(AzureWebJobsStorage\): the embedded store \(.funcls\/storage\/\), not Azurite: the interpreter lacks azure-storage-queue<\/p>/,
  );
  const { store: _, ...plain } = ran;
  assert.doesNotMatch(renderResult(plain, [plain], "N", "x"), /class="store"/);
});

test("URLs in the headers and the body are links the page opens (a Durable starter's answer)", () => {
  const status = "http://localhost:7071/runtime/webhooks/durabletask/instances/abc?taskHub=Hub&connection=Storage";
  assert.equal(
    linkified(`see "${status}" <now>`),
    `see &#34;<a href="#" data-url="${escapeHtml(status)}">${escapeHtml(status)}</a>&#34; &#60;now&#62;`,
  );
  assert.equal(linkified("no link here & there"), "no link here &#38; there");
  const started: Ran = {
    ...http,
    name: "hello_start",
    result: {
      ok: true,
      function: "hello_start",
      status: 202,
      headers: [["Location", status]],
      body: JSON.stringify({ id: "abc", statusQueryGetUri: status }),
    },
  };
  const page = renderResult(started, [started], "N", "x");
  assert.match(page, new RegExp(`<td><a href="#" data-url="${escapeHtml(status).replace(/[?]/g, "\\?")}">`));
  assert.match(page, /&#34;statusQueryGetUri&#34;: &#34;<a href="#" data-url=/);
  assert.match(page, /postMessage\(\{ action: "openUrl", url: t\.dataset\.url \}\)/);
});

test("the panel names the store the runner used, over the extension's guess", () => {
  const ran: Ran = {
    root: "/ws/shop",
    name: "submit",
    at: new Date(0),
    result: {
      ok: true,
      function: "submit",
      stores: [
        { setting: "AzureWebJobsStorage", store: "embedded", description: "embedded store at .funcls/storage (Azurite not reachable at http://127.0.0.1:10001)" },
        { setting: "Other", store: "none", description: "storage connection string has a segment that is not 'Key=value'" },
      ],
    },
    store: "Store (AzureWebJobsStorage): Azurite, or the embedded store while Azurite does not answer",
  };
  assert.deepEqual(storeLines(ran), [
    "Store (AzureWebJobsStorage): embedded store at .funcls/storage (Azurite not reachable at http://127.0.0.1:10001)",
    "Store (Other): not opened: storage connection string has a segment that is not 'Key=value'",
  ]);
  const page = renderResult(ran, [ran], "N", "x");
  assert.match(page, /<p class="store">Store \(AzureWebJobsStorage\): embedded store at .funcls\/storage \(Azurite not reachable at http:\/\/127.0.0.1:10001\)<br>Store \(Other\): not opened: /);
  assert.doesNotMatch(page, /does not answer/); // the guess is not shown beside the answer
  // An older server (no stores): the extension's own text, as before.
  const older: Ran = { ...ran, result: { ok: true, function: "submit" } };
  assert.deepEqual(storeLines(older), [ran.store]);
});

test("the panel shows what was sent, the URL for an HTTP function (the lens named the route)", () => {
  const ran: Ran = {
    ...http,
    result: { ...http.result, request: { method: "GET", path: "/api/products/1", url: "http://127.0.0.1:7071/api/products/1" } },
  };
  assert.equal(sentLine(ran.result), "GET http://127.0.0.1:7071/api/products/1");
  assert.match(
    renderResult(ran, [ran], "N", "x"),
    /<p class="sent">Sent: GET <a href="#" data-url="http:\/\/127.0.0.1:7071\/api\/products\/1">/,
  );
  // A POST is not a link (the browser would send a GET).
  const post = { ok: true, function: "f", request: { method: "post", url: "http://h/api/orders" } };
  assert.equal(sentLine(post), "POST http://h/api/orders");
  assert.match(renderResult({ ...ran, result: post }, [], "N", "x"), /<p class="sent">Sent: POST http:\/\/h\/api\/orders<\/p>/);
  assert.equal(sentLine({ ok: true, function: "b", request: { name: "inbox/a.txt", body: "x" } }), "blob inbox/a.txt");
  assert.equal(sentLine({ ok: true, function: "q", request: { body: "hello" } }), "");
});

test("a run on its way: its panel says Running… at once and counts the seconds (QA: a 30 s function showed nothing)", () => {
  const since = new Date(1_700_000_000_000);
  const page = renderRunning("slow<1>", since, [http], "N0NCE", "vscode-csp");
  assert.match(page, /<h1>slow&#60;1&#62;<\/h1>/);
  assert.match(page, /<p class="status running" id="status">Running…<\/p>/);
  assert.match(page, /id="elapsed" data-since="1700000000000"/);
  assert.match(page, /funcls.invokeTimeoutSeconds/);
  // No Run again / Edit input while it runs, and nothing of an earlier result but its line.
  assert.doesNotMatch(page, /data-action="runAgain"/);
  assert.doesNotMatch(page, /invocation /);
  assert.match(page, /<h2>Earlier runs<\/h2><ul class="history"><li title="200 OK">.*<b>get_product<\/b> 200 OK<\/li><\/ul>/);
  // The counter is the page's one script, under the nonce and the CSP.
  assert.equal(page.match(/<script/g)?.length, 1);
  assert.match(page, /<script nonce="N0NCE">[\s\S]*setInterval\(tick, 1000\);[\s\S]*<\/script>/);
  assert.match(page, /script-src 'nonce-N0NCE'/);
});

test("a panel's page is loaded once: later content is posted and replaces its content block (a warm Run reloaded the page twice)", () => {
  const since = new Date(1_700_000_000_000);
  const running = runningContent("get_product", since, [http]);
  const result = resultContent(http, [http]);
  // The content blocks are the pages' content, with no page, style or script of their own.
  for (const content of [running, result]) {
    assert.doesNotMatch(content, /<script|<html|<style|<h1>/);
  }
  assert.ok(renderResult(http, [http], "N", "x").includes(result));
  assert.ok(renderRunning("get_product", since, [http], "N", "x").includes(running));
  const page = resultPage("get_product", "N0NCE", "vscode-csp", result, 7);
  assert.match(page, /<div id="content" data-seq="7">\n<p class="status ok" id="status">200 OK<\/p>/);
  // The one nonce'd script takes the posted content (a newer seq only) and says which it holds
  // when it loads; the CSP stays strict and nothing in the page is an inline handler.
  assert.equal(page.match(/<script/g)?.length, 1);
  assert.match(page, /script-src 'nonce-N0NCE';/);
  assert.match(page, /window\.addEventListener\("message", [\s\S]*m\.seq <= shown\) return;[\s\S]*content\.innerHTML = m\.html;/);
  assert.match(page, /vscode\.postMessage\(\{ action: "ready", seq: shown \}\);/);
  assert.doesNotMatch(page, /\son[a-z]+=/i);
  assert.doesNotMatch(page, /unsafe-eval|script-src[^;]*unsafe-inline/);
});

test("a run that did not happen shows no '0 ms' (QA: under 'is not loaded: function_app.py:22 failed to load')", () => {
  const refused: Ran = {
    ...http,
    result: { ok: false, function: "get_product", summary: "'get_product' is not loaded", durationMs: 0, invocationId: null, error: { type: "LoadError", message: "x" } },
  };
  assert.match(renderResult(refused, [refused], "N", "x"), /<p class="meta"><\/p>/);
  const quick: Ran = { ...http, result: { ...http.result, durationMs: 0, invocationId: "abc" } };
  assert.match(renderResult(quick, [quick], "N", "x"), /<p class="meta">httpTrigger · 0 ms · invocation abc<\/p>/);
});

import { strict as assert } from "node:assert";
import { test } from "node:test";

import { unlessCancelled } from "../src/pullDiagnostics";

class Cancelled extends Error {}

/** A token cancelled at the moment the test says, as the language client's is when a second
 * pull of the same document starts. */
function token(): { isCancellationRequested: boolean; cancel(): void } {
  return {
    isCancellationRequested: false,
    cancel() {
      this.isCancellationRequested = true;
    },
  };
}

const problems = { kind: "full", resultId: "a1", items: [{ message: "binding 'outmsg' has no parameter" }] };
// What vscode-languageclient 9.0.1 makes of a pull cancelled meanwhile, whatever the server said.
const emptied = { kind: "full", items: [] };

test("a pull that runs to its end gives its report as it is", async () => {
  assert.deepEqual(await unlessCancelled(token(), async () => problems, () => new Cancelled()), problems);
  const unchanged = { kind: "unChanged", resultId: "a1" };
  assert.deepEqual(await unlessCancelled(token(), () => unchanged, () => new Cancelled()), unchanged);
  // An empty report the server really sent (the problem was fixed) clears the problems.
  assert.deepEqual(await unlessCancelled(token(), async () => emptied, () => new Cancelled()), emptied);
});

test("a pull cancelled while it runs throws instead of clearing the document's problems", async () => {
  const t = token();
  const pull = async () => {
    t.cancel(); // a refresh started another pull of the document
    await new Promise((resolve) => setTimeout(resolve, 5));
    return emptied;
  };
  await assert.rejects(unlessCancelled(t, pull, () => new Cancelled()), Cancelled);
});

test("a cancelled pull throws even when its report came back whole", async () => {
  const t = token();
  t.cancel();
  await assert.rejects(unlessCancelled(t, async () => problems, () => new Cancelled()), Cancelled);
});

test("a failed pull fails with its own error", async () => {
  const failure = new Error("the server stopped");
  await assert.rejects(
    unlessCancelled(token(), async () => Promise.reject(failure), () => new Cancelled()),
    (e) => e === failure,
  );
});

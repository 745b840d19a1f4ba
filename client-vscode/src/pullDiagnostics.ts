// A document's diagnostics stay on screen while the language client pulls them again.
//
// vscode-languageclient 9.0.1 cancels a document's diagnostic pull when another pull of it
// starts (a `workspace/diagnostic/refresh` from the server, a tab opened, an edit) and then
// applies the cancelled pull as a full report with no items: the document's problems vanish
// until the pull started after it answers (tens of ms, seconds on a loaded machine). A hover
// asked for in that gap shows no problem (VS Code computes the problem part once, when the
// hover opens), the squiggle blinks. Reported upstream as microsoft/vscode-languageserver-node
// #1471 and #1799 (fixed after 9.0.1: a cancelled pull throws CancellationError there). Here
// the middleware does the same: whatever a cancelled pull returns is dropped and the client
// reschedules the pull, keeping what it showed. No `vscode` import: unit-tested in Node.

export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

/** The pull's report, unless the pull was cancelled meanwhile: then `cancelled()` is thrown
 * (a `vscode.CancellationError`, which makes the language client pull again without touching
 * the document's diagnostics). */
export async function unlessCancelled<R>(
  token: CancellationLike,
  pull: () => PromiseLike<R> | R,
  cancelled: () => Error,
): Promise<R> {
  const report = await pull();
  if (token.isCancellationRequested) {
    throw cancelled();
  }
  return report;
}

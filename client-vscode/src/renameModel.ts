// F2 where funcls has nothing to rename (no `vscode` import: unit-tested under node).
//
// funcls answers prepareRename with {defaultBehavior: true} there, which vscode-languageclient
// turns into `null`. VS Code then goes on to the next rename provider (a Python extension's)
// — and when there is none, shows the rename box for the word anyway and, once the user has
// typed a new name, funcls's rename answers nothing: "No result." (tried in code-server
// 1.100: F2 on a local variable, a name typed, Enter, nothing renamed). A prepareRename that
// fails instead is, for VS Code, a "reject reason": it also goes on to the next provider
// (ExtHostRename.resolveRenameLocation turns the error into {rejectReason}; the editor's
// RenameSkeleton tries the providers in order) and shows the reason only when no provider
// can rename there — at once, before any name is typed.

export const NOTHING_TO_RENAME =
  "funcls renames what Azure Functions binds (a binding's name with its parameter, a v1 entry point); " +
  "other Python names need a Python extension's rename.";

/** The prepareRename answer VS Code gets: the server's range, or the reason for none. */
export function renameLocationOrReason<T>(answer: T | null | undefined): T {
  if (answer === null || answer === undefined) {
    throw new Error(NOTHING_TO_RENAME);
  }
  return answer;
}

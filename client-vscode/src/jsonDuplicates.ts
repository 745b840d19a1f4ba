// function.json, host.json and local.settings.json are JSON documents, so VS Code's built-in
// JSON language service also works on them: it reports syntax errors of every open JSON file,
// and completes from any schema associated with them (SchemaStore lists all three). funcls
// covers the same ground, so without care each syntax error and many suggestions appear twice.
// The rule here: VS Code's JSON service keeps what it does; funcls drops its copies
//   * of JSON syntax errors (AZF100 "... is not valid JSON") in documents open in the editor,
//     which the JSON service reports — closed files keep funcls' report, nobody else has one;
//   * of completion items whose label the JSON service offers at the same position.
// No `vscode` import: unit-tested in Node.

import * as path from "path";

export const FUNCTIONS_JSON_FILES: ReadonlySet<string> = new Set(["function.json", "host.json", "local.settings.json"]);

export function isFunctionsJson(fsPath: string): boolean {
  return FUNCTIONS_JSON_FILES.has(path.basename(fsPath));
}

interface DiagnosticLike {
  code?: string | number | { value: string | number } | undefined;
  message: string;
}

/** Is `d` funcls' report of a JSON syntax error (which the JSON service also shows)? */
export function isJsonSyntaxError(d: DiagnosticLike): boolean {
  const code = typeof d.code === "object" && d.code !== null ? d.code.value : d.code;
  return code === "AZF100" && / is not valid JSON: /.test(d.message);
}

/** funcls' diagnostics for an open document, without the syntax errors the JSON service shows. */
export function withoutJsonSyntaxErrors<T extends DiagnosticLike>(fsPath: string, diagnostics: readonly T[]): T[] {
  return isFunctionsJson(fsPath) ? diagnostics.filter((d) => !isJsonSyntaxError(d)) : [...diagnostics];
}

/** A label as people read it: `"type"` and `type` are the same suggestion. */
export function labelKey(label: string | { label: string }): string {
  const text = typeof label === "string" ? label : label.label;
  return text.trim().replace(/^"(.*)"$/, "$1");
}

/** funcls' items minus those whose label the JSON service offers too. */
export function withoutOfferedItems<T extends { label: string | { label: string } }>(
  ours: readonly T[],
  theirs: readonly { label: string | { label: string } }[],
): T[] {
  const offered = new Set(theirs.map((i) => labelKey(i.label)));
  return ours.filter((i) => !offered.has(labelKey(i.label)));
}

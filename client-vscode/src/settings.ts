// Reading and validating the extension's settings. No `vscode` import: unit-tested in Node.

export interface FunclsSettings {
  interpreter: string[];
  serverCommand: string[];
  /**
   * Rule selection, as written: the server reads and validates it (and reports a bad value
   * once), with the same resolution as `funcls check` (funcls/checks/config.py). The extension
   * never interprets it, so the two cannot disagree.
   */
  select: unknown;
  ignore: unknown;
  severity: unknown;
  extraAppRoots: string[];
  /** Extra arguments for `funcls run` when the Start the app command runs it. */
  runArgs: string[];
  /** Run the server from the libraries bundled in the extension, or from the interpreter's own. */
  importStrategy: "useBundled" | "fromEnvironment";
}

export interface SettingsProblem {
  key: string;
  message: string;
}

export const DEFAULTS: FunclsSettings = {
  interpreter: [],
  serverCommand: [],
  select: undefined,
  ignore: undefined,
  severity: undefined,
  extraAppRoots: [],
  runArgs: [],
  importStrategy: "useBundled",
};

function stringList(key: string, value: unknown, problems: SettingsProblem[]): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (typeof value === "string") {
    return value.trim() === "" ? [] : [value];
  }
  if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) {
    return value.filter((v) => v.trim() !== "");
  }
  problems.push({ key, message: `funcls.${key} must be a list of strings; using the default` });
  return [];
}

function importStrategy(value: unknown, problems: SettingsProblem[]): FunclsSettings["importStrategy"] {
  if (value === undefined || value === null || value === "useBundled") {
    return "useBundled";
  }
  if (value === "fromEnvironment") {
    return value;
  }
  problems.push({
    key: "importStrategy",
    message: `funcls.importStrategy is ${JSON.stringify(value)}; use useBundled or fromEnvironment (using useBundled)`,
  });
  return "useBundled";
}

/** Read every setting through `get` (e.g. a WorkspaceConfiguration's get). */
export function readSettings(get: (key: string) => unknown): {
  settings: FunclsSettings;
  problems: SettingsProblem[];
} {
  const problems: SettingsProblem[] = [];
  const settings: FunclsSettings = {
    interpreter: stringList("interpreter", get("interpreter"), problems),
    serverCommand: stringList("serverCommand", get("serverCommand"), problems),
    select: get("select") ?? undefined,
    ignore: get("ignore") ?? undefined,
    severity: get("severity") ?? undefined,
    extraAppRoots: stringList("extraAppRoots", get("extraAppRoots"), problems),
    runArgs: stringList("runArgs", get("runArgs"), problems),
    importStrategy: importStrategy(get("importStrategy"), problems),
  };
  return { settings, problems };
}

/** What the server receives as initializationOptions (and on workspace/configuration). */
export function serverOptions(s: FunclsSettings): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const key of ["select", "ignore", "severity"] as const) {
    if (s[key] !== undefined) {
      options[key] = s[key];
    }
  }
  options.extraAppRoots = s.extraAppRoots;
  return options;
}

/**
 * The answer to the server's workspace/configuration request. VS Code returns the whole
 * `funcls` section, client-only settings (interpreter, serverCommand, trace) included, which the
 * server would report as unknown; for that section the server gets exactly `serverOptions`.
 */
export function configurationAnswers(
  sections: readonly (string | undefined)[],
  answers: readonly unknown[],
  server: () => Record<string, unknown>,
): unknown[] {
  return sections.map((section, i) => (section === "funcls" ? server() : answers[i]));
}

// The pure parts of New function: reading the server's templates, validating what is typed.
// No `vscode` import: unit-tested in Node.

export interface TemplateSetting {
  name: string;
  description: string;
  default: string | null;
  required: boolean;
  /** The values it takes (an enum's), offered as a pick list instead of a text box. */
  choices?: string[];
}

export interface Template {
  trigger: string;
  title: string;
  settings: TemplateSetting[];
  /** Whether it can add a function to a v1 app (false: the durable starters, v2 only). */
  v1: boolean;
}

/** The New function picker of an app: the templates it can take, and a placeholder naming
 * those it cannot (QA in code-server: a v1 app offered the Durable starters, asked for a
 * name, then was refused with the CLI's 'leave out --v1'). */
export function templatePick(all: readonly Template[], model: string): { templates: Template[]; placeHolder: string } {
  const fits = model === "v1" ? all.filter((t) => t.v1) : [...all];
  const left = all.filter((t) => !fits.includes(t));
  const placeHolder =
    left.length === 0
      ? "What starts the function?"
      : `What starts the function? (${left.map((t) => t.title.replace(/ \(.*\)$/, "")).join(", ")}: v2 apps only)`;
  return { templates: fits, placeHolder };
}

/**
 * The programming model of a new function: the app's own (v1, v2; a mixed app's v2 as before);
 * for an app without functions yet (model "none"), v2 when it has a function_app.py, else
 * undefined: ask. QA in code-server: New function in a v1 app just made by New app… wrote a
 * decorated function into a new function_app.py — the view's model of an app with no
 * functions is "none", and it was taken for v2.
 */
export function functionModel(model: string, hasScript: boolean): "v1" | "v2" | undefined {
  if (model === "v1") {
    return "v1";
  }
  if (model === "none" && !hasScript) {
    return undefined;
  }
  return "v2";
}

/** funcls.new.templates' answer, with anything malformed left out. */
export function readTemplates(raw: unknown): Template[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  const out: Template[] = [];
  for (const t of raw as Record<string, unknown>[]) {
    if (typeof t?.trigger !== "string" || typeof t.title !== "string") {
      continue;
    }
    const settings = Array.isArray(t.settings) ? (t.settings as Record<string, unknown>[]) : [];
    out.push({
      trigger: t.trigger,
      title: t.title,
      v1: t.v1 !== false, // a server from before the field: every template, as before
      settings: settings
        .filter((s) => typeof s?.name === "string")
        .map((s) => ({
          name: s.name as string,
          description: typeof s.description === "string" ? s.description : "",
          default: typeof s.default === "string" ? s.default : null,
          required: s.required === true,
          ...(Array.isArray(s.choices) && s.choices.length > 0 && s.choices.every((c) => typeof c === "string")
            ? { choices: s.choices as string[] }
            : {}),
        })),
    });
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/** The name offered in New function's box, ready for Enter (QA in code-server: the box was
 * empty and Enter only said 'Type a name'): `http_trigger`, `queue_trigger`,
 * `durable_orchestration` (its starter, orchestrator and activity are named from it), with
 * `_2`, `_3`… when the app has a function of that name already (names ignore case). */
export function defaultFunctionName(trigger: string, taken: readonly string[]): string {
  const id = trigger.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase() || "function";
  const base = id.startsWith("durable") ? id : `${id}_trigger`;
  const used = new Set(taken.map((n) => n.toLowerCase()));
  const free = (n: string) => ![n, `${n}_orchestrator`, `${n}_activity`, `${n}_start`].some((x) => used.has(x));
  let name = base;
  for (let i = 2; !free(name); i++) {
    name = `${base}_${i}`;
  }
  return name;
}

/** undefined when `name` can be a function's name, else why not (shown under the input box). */
export function validateFunctionName(name: string): string | undefined {
  if (name === "") {
    return "Type a name, e.g. get_orders";
  }
  if (!IDENTIFIER.test(name)) {
    return `'${name}' is not a Python identifier: use letters, digits and _, not starting with a digit`;
  }
  if (KEYWORDS.has(name)) {
    return `'${name}' is a Python keyword; choose another name`;
  }
  return undefined;
}

/** The pick list of a setting that takes one of a few values: the default first, marked. */
export function settingChoices(setting: TemplateSetting): { label: string; description?: string }[] | undefined {
  if (setting.choices === undefined) {
    return undefined;
  }
  const first = setting.default !== null && setting.choices.includes(setting.default) ? [setting.default] : [];
  return [...first, ...setting.choices.filter((c) => !first.includes(c))].map((c) =>
    c === setting.default ? { label: c, description: "default" } : { label: c },
  );
}

/** The input box for one setting: its description (markdown code marks dropped), default, check. */
export function settingPrompt(setting: TemplateSetting): {
  prompt: string;
  value: string;
  validate: (value: string) => string | undefined;
} {
  const text = setting.description.replace(/`/g, "");
  return {
    prompt: setting.required ? text : `${text} (optional)`,
    value: setting.default ?? "",
    validate: (value) =>
      setting.required && value.trim() === "" ? `${setting.name} is required: ${text}` : undefined,
  };
}

/** One answer to New app's "where?": a folder as it is, or a new folder to be named in it. */
export interface AppFolderChoice {
  label: string;
  description: string;
  detail?: string;
  folder?: string; // the app goes here
  parent?: string; // ask for a new folder's name in here
}

function under(root: string, folder: string, sep: string): boolean {
  return root !== folder && root.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** New app's choices for the workspace `folders` holding the apps at `apps`. A folder that
 * holds apps already is offered a new folder in it first, and says what using it as it is
 * would do (the new app's folder would contain the other apps); a folder that is an app is
 * offered only a new folder in it, saying the outer app would deploy it. "Another folder…" (neither field) comes last. */
export function newAppChoices(
  folders: readonly { name: string; path: string }[],
  apps: readonly string[],
  sep = "/",
): AppFolderChoice[] {
  const out: AppFolderChoice[] = [];
  for (const f of folders) {
    const inside = apps.filter((a) => under(a, f.path, sep)).map((a) => a.slice(f.path.length + 1));
    const isApp = apps.includes(f.path);
    const newFolder: AppFolderChoice = {
      label: `New folder in ${f.name}…`,
      description: f.path,
      parent: f.path,
    };
    const asItIs: AppFolderChoice = {
      label: f.name,
      description: f.path,
      folder: f.path,
      ...(inside.length > 0
        ? {
            detail: `already holds ${inside.length === 1 ? "the app" : `${inside.length} apps:`} ${inside.join(", ")}; the new app's folder would contain ${inside.length === 1 ? "it" : "them"}`,
          }
        : {}),
    };
    if (isApp) {
      // Nested in an app, the new app is part of its deployment (QA: nothing said so, and its
      // local.settings.json would ship with the outer app).
      out.push({
        ...newFolder,
        detail: `inside the app ${f.name}: ${f.name} deploys it too unless its .funcignore leaves the folder out`,
      });
    } else if (inside.length > 0) {
      out.push(newFolder, asItIs);
    } else {
      out.push(asItIs, newFolder);
    }
  }
  out.push({ label: "Another folder…", description: "" });
  return out;
}

/** undefined when `name` can be the new app's folder in its parent, else why not. */
export function validateAppFolderName(name: string, exists: (name: string) => boolean): string | undefined {
  const trimmed = name.trim();
  if (trimmed === "") {
    return "Type the new folder's name, e.g. orders-api";
  }
  if (/[\\/]/.test(trimmed) || trimmed === "." || trimmed === "..") {
    return `'${trimmed}' is not a folder name: no / or \\, not . or ..`;
  }
  if (exists(trimmed)) {
    return `${trimmed} exists already; choose a new name (or pick that folder with Another folder…)`;
  }
  return undefined;
}

/**
 * The blueprint a module of the app defines at its top level (`bp = func.Blueprint()`,
 * `bp = df.Blueprint()`, `bp = Blueprint()`), by its variable; undefined for any other module.
 * Read from the text alone (nothing runs): the first top-level assignment of a Blueprint call.
 */
export function blueprintVariable(text: string): string | undefined {
  return /^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=\s*(?:[A-Za-z_]\w*\.)*Blueprint\s*\(/m.exec(text)?.[1];
}

/**
 * Where New function writes a v2 function when the active editor is a blueprint module of the
 * app (QA in code-server: New function with orders_bp.py open wrote it into function_app.py):
 * that module first, then function_app.py. `file` goes to funcls.new.function (the server
 * adds the function under that module's blueprint); undefined means function_app.py.
 */
export function placeChoices(
  module: string,
  variable: string,
): { label: string; description: string; file: string | undefined }[] {
  return [
    { label: module, description: `on the blueprint ${variable}, the module you are editing`, file: module },
    { label: "function_app.py", description: "on the app", file: undefined },
  ];
}

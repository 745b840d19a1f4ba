// The pure parts of New function: reading the server's templates, validating what is typed.
// No `vscode` import: unit-tested in Node.

export interface TemplateSetting {
  name: string;
  description: string;
  default: string | null;
  required: boolean;
}

export interface Template {
  trigger: string;
  title: string;
  settings: TemplateSetting[];
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
      settings: settings
        .filter((s) => typeof s?.name === "string")
        .map((s) => ({
          name: s.name as string,
          description: typeof s.description === "string" ? s.description : "",
          default: typeof s.default === "string" ? s.default : null,
          required: s.required === true,
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

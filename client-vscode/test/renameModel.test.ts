import { strict as assert } from "node:assert";
import { test } from "node:test";

import { NOTHING_TO_RENAME, renameLocationOrReason } from "../src/renameModel";

test("a place funcls renames keeps the server's answer", () => {
  const range = { start: { line: 7, character: 10 }, end: { line: 7, character: 13 } };
  assert.equal(renameLocationOrReason(range), range);
});

test("no answer (defaultBehavior, null) becomes the reason VS Code shows when no other provider renames", () => {
  assert.throws(() => renameLocationOrReason(null), { message: NOTHING_TO_RENAME });
  assert.throws(() => renameLocationOrReason(undefined), { message: NOTHING_TO_RENAME });
});

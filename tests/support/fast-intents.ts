// A copy of the shipped intents/ with one extra complaint category whose deadline is
// a few seconds, so tests can watch reminders and escalation happen for real.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { INTENTS_DIR } from "./catalog.ts";

import { road } from "./cases.ts";

/** A complaint in the fast category, at a road of its own (never a duplicate of another). */
export const fastText = () => `测试急件：东湖区${road()}需要马上处理`;

export async function intentsWithFastCategory(
  deadlineHours: number,
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "intents-fast-"));
  await fs.cp(INTENTS_DIR, dir, { recursive: true });
  await fs.appendFile(
    path.join(dir, "case-categories.yaml"),
    `\n  - code: test-urgent\n    name: 测试急件\n    domain: 城建\n    description: 测试用\n    keywords: [测试急件]\n    deadline: { hours: ${deadlineHours} }\n`,
  );
  await fs.appendFile(
    path.join(dir, "routing-rules.yaml"),
    "\n  - id: test-urgent\n    department: CG\n    categories: [test-urgent]\n",
  );
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

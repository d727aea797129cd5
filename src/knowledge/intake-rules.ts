// What a complaint needs before it is filed, as data (intents/complaint-intake.yaml): the
// urgent cues that get emergency numbers first, the words that only say "I want to
// complain", the words that cancel, and the ways of saying when something began.
import { z } from "zod";
import { CatalogError } from "./load-catalog.ts";
import { readDataFile } from "./read-data-file.ts";

export const INTAKE_FILE = "complaint-intake.yaml";

const words = z.array(z.string().trim().min(1)).min(1);

export const intakeRulesSchema = z.strictObject({
  maxQuestions: z.number().int().min(1).max(3),
  urgent: z.array(z.strictObject({ cues: words, reply: z.string().trim().min(1) })).min(1),
  intentWords: words,
  minWhatChars: z.number().int().min(1).max(20),
  cancelWords: words,
  sinceCues: words,
});

export type IntakeRules = z.infer<typeof intakeRulesSchema>;

export async function loadIntakeRules(dir: string): Promise<IntakeRules> {
  const problems: string[] = [];
  const rules = await readDataFile(dir, INTAKE_FILE, intakeRulesSchema, problems);
  if (!rules) throw new CatalogError(problems);
  return rules;
}

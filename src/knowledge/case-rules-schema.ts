// The shape of the case-management data under intents/: complaint categories with
// their deadlines (case-categories.yaml), routing rules (routing-rules.yaml) and the
// holiday calendar's local entries (calendar.yaml). Strict: unknown keys are errors.
import { z } from "zod";
import type { CalendarFile } from "../calendar/holiday-data.ts";

const nonEmpty = z.string().trim().min(1);

export const deadlineSchema = z.union([
  z.strictObject({ workingDays: z.number().positive() }),
  z.strictObject({ hours: z.number().positive() }),
]);
export type DeadlineSpec = z.infer<typeof deadlineSchema>;

export const categorySchema = z.strictObject({
  /** Stable code; also the Open311 service_code. */
  code: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes, like street-light"),
  name: nonEmpty,
  /** The complaint domain (领域) it belongs to; the Open311 group. */
  domain: nonEmpty,
  description: nonEmpty,
  /** Words in a complaint that put it in this category. */
  keywords: z.array(nonEmpty).min(1),
  deadline: deadlineSchema,
});
export type CaseCategory = z.infer<typeof categorySchema>;

export const categoriesFileSchema = z.strictObject({
  default: z.strictObject({ deadline: deadlineSchema }),
  transferMinimumShare: z.number().min(0).max(1).default(0.25),
  categories: z.array(categorySchema).min(1),
});

export const routingRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lower-case letters, digits and dashes"),
    department: nonEmpty,
    domains: z.array(nonEmpty).min(1).optional(),
    categories: z.array(nonEmpty).min(1).optional(),
    keywords: z.array(nonEmpty).min(1).optional(),
    districts: z.array(nonEmpty).min(1).optional(),
  })
  .refine((rule) => rule.domains || rule.categories || rule.keywords || rule.districts, {
    message: "needs at least one condition: domains, categories, keywords or districts",
  });
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const routingFileSchema = z.strictObject({
  districts: z.array(nonEmpty).default([]),
  rules: z.array(routingRuleSchema),
});

export interface CaseRules {
  categories: CaseCategory[];
  defaultDeadline: DeadlineSpec;
  transferMinimumShare: number;
  districts: string[];
  rules: RoutingRule[];
  calendar: CalendarFile;
}

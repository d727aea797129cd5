// Reads and validates the case-management data under intents/ against the catalog:
// every department, category and district a rule names must exist. Problems are
// reported with file and field, and nothing starts with a bad file (like the catalog).
import type { Catalog } from "./catalog-schema.ts";
import { CatalogError } from "./load-catalog.ts";
import { readDataFile } from "./read-data-file.ts";
import { calendarFileProblems, calendarFileSchema } from "../calendar/holiday-data.ts";
import { type CaseRules, categoriesFileSchema, routingFileSchema } from "./case-rules-schema.ts";

export async function loadCaseRules(dir: string, catalog: Pick<Catalog, "departments">): Promise<CaseRules> {
  const problems: string[] = [];
  const categoriesFile = await readDataFile(dir, "case-categories.yaml", categoriesFileSchema, problems);
  const routingFile = await readDataFile(dir, "routing-rules.yaml", routingFileSchema, problems);
  const calendarFile = await readDataFile(dir, "calendar.yaml", calendarFileSchema, problems);
  if (calendarFile) problems.push(...calendarFileProblems(calendarFile).map((p) => `calendar.yaml: ${p}`));

  if (categoriesFile) {
    const seen = new Set<string>();
    for (const category of categoriesFile.categories) {
      if (seen.has(category.code))
        problems.push(`case-categories.yaml: code "${category.code}" appears more than once`);
      seen.add(category.code);
    }
  }
  if (routingFile && categoriesFile) {
    const departments = new Set(catalog.departments.map((d) => d.code));
    const disabled = new Set(catalog.departments.filter((d) => d.disabled).map((d) => d.code));
    const categories = new Set(categoriesFile.categories.map((c) => c.code));
    const districts = new Set(routingFile.districts);
    const ids = new Set<string>();
    routingFile.rules.forEach((rule, i) => {
      const where = `routing-rules.yaml: rules.${i} (${rule.id})`;
      if (ids.has(rule.id)) problems.push(`${where}: id appears more than once`);
      ids.add(rule.id);
      if (!departments.has(rule.department))
        problems.push(`${where}: department: "${rule.department}" is not in departments.yaml`);
      else if (disabled.has(rule.department))
        problems.push(`${where}: department: "${rule.department}" is disabled in departments.yaml`);
      for (const code of rule.categories ?? []) {
        if (!categories.has(code)) problems.push(`${where}: categories: "${code}" is not in case-categories.yaml`);
      }
      for (const district of rule.districts ?? []) {
        if (!districts.has(district)) problems.push(`${where}: districts: "${district}" is not in the districts list`);
      }
    });
  }

  if (problems.length > 0 || !categoriesFile || !routingFile || !calendarFile) throw new CatalogError(problems);
  return {
    categories: categoriesFile.categories,
    defaultDeadline: categoriesFile.default.deadline,
    transferMinimumShare: categoriesFile.transferMinimumShare,
    districts: routingFile.districts,
    rules: routingFile.rules,
    calendar: calendarFile,
  };
}

// Routing rules (intents/routing-rules.yaml) from the admin API: the checks a rule must pass
// against the snapshot serving, in Chinese for the admin (a department that is not there or
// is disabled, an unknown category or district, no condition), and the edits of the file
// through the YAML Document, so the comments above rules stay with their rules. The order
// of the list matters: among equally specific rules the first listed wins.
import { isMap, type YAMLMap, type YAMLSeq } from "yaml";
import type { RoutingRule } from "./case-rules-schema.ts";
import { cleanList } from "./department-edits.ts";
import { CatalogEditError, type FileEdit, listNode, type parseYamlFile, editYamlList } from "./intents-file.ts";
import type { Knowledge } from "./knowledge.ts";

export const ROUTING_RULES_FILE = "routing-rules.yaml";

export const CONDITIONS = ["domains", "categories", "keywords", "districts"] as const;

/** A rule without its id: the department and one or more conditions. */
export type RuleFields = Omit<RoutingRule, "id">;

type Snapshot = Pick<Knowledge, "departments" | "caseRules">;

/** The rule as it will be written: lists trimmed, empty conditions left out. */
export function cleanRule(fields: RuleFields): RuleFields {
  const rule: RuleFields = { department: fields.department.trim() };
  for (const key of CONDITIONS) {
    const values = cleanList(fields[key] ?? []);
    if (values.length > 0) rule[key] = values;
  }
  return rule;
}

/** Why this rule cannot be saved (400), or undefined. */
export function ruleProblem(knowledge: Snapshot, rule: RuleFields): string | undefined {
  const { departments, caseRules } = knowledge;
  const department = departments.list.find((d) => d.code === rule.department);
  if (!department) return `没有代码为 ${rule.department} 的部门。`;
  if (department.disabled) return `部门“${department.name}”已停用，不能再向它分派。`;
  if (!CONDITIONS.some((key) => rule[key]?.length)) return "规则至少需要一个条件：领域、诉求分类、关键词或所在区。";
  const categories = new Set(caseRules.categories.map((c) => c.code));
  const unknownCategory = rule.categories?.find((c) => !categories.has(c));
  if (unknownCategory) return `没有诉求分类“${unknownCategory}”。`;
  const unknownDistrict = rule.districts?.find((d) => !caseRules.districts.includes(d));
  if (unknownDistrict) return `“${unknownDistrict}”不在本市的区名单中（${caseRules.districts.join("、")}）。`;
  return undefined;
}

function ruleIndex(list: YAMLSeq, id: string): number {
  const index = list.items.findIndex((item) => isMap(item) && item.get("id") === id);
  if (index < 0) throw new CatalogEditError(`没有编号为 ${id} 的派单规则。`, "not_found");
  return index;
}

function editRules(
  intentsDir: string,
  change: (doc: ReturnType<typeof parseYamlFile>, list: YAMLSeq) => void,
): Promise<FileEdit> {
  return editYamlList(intentsDir, ROUTING_RULES_FILE, "rules", change);
}

function setRule(doc: ReturnType<typeof parseYamlFile>, node: YAMLMap, rule: RuleFields): void {
  node.set("department", rule.department);
  for (const key of CONDITIONS) {
    const values = rule[key];
    if (values) node.set(key, listNode(doc, values, node.get(key, true) ?? doc.createNode([], { flow: true })));
    else node.delete(key);
  }
}

/** Adds a rule at `position` (0 = first; default: last). A rule id already there is a conflict. */
export function addRule(intentsDir: string, id: string, rule: RuleFields, position?: number): Promise<FileEdit> {
  return editRules(intentsDir, (doc, list) => {
    if (list.items.some((item) => isMap(item) && item.get("id") === id))
      throw new CatalogEditError(`已有编号为 ${id} 的派单规则。`, "conflict");
    const node = doc.createNode({ id }) as YAMLMap;
    setRule(doc, node, rule);
    list.items.splice(Math.min(position ?? list.items.length, list.items.length), 0, node);
  });
}

/** Changes a rule in place: the comment above it and its place in the list stay. */
export function updateRule(intentsDir: string, id: string, rule: RuleFields): Promise<FileEdit> {
  return editRules(intentsDir, (doc, list) => setRule(doc, list.items[ruleIndex(list, id)] as YAMLMap, rule));
}

/** Removes a rule, with the comment written above it. */
export function removeRule(intentsDir: string, id: string): Promise<FileEdit> {
  return editRules(intentsDir, (_doc, list) => {
    list.items.splice(ruleIndex(list, id), 1);
  });
}

/** Whether `ids` names every one of `current` once: a new order of the same rules. */
export function isOrderOf(ids: readonly string[], current: readonly string[]): boolean {
  return ids.length === current.length && new Set(ids).size === ids.length && ids.every((id) => current.includes(id));
}

/** Puts the rules in the order of `ids`, which must name every rule once; comments move with their rules. */
export function reorderRules(intentsDir: string, ids: readonly string[]): Promise<FileEdit> {
  return editRules(intentsDir, (_doc, list) => {
    const current = list.items.map((item) => (isMap(item) ? String(item.get("id")) : ""));
    if (!isOrderOf(ids, current)) throw new CatalogEditError("新的顺序须列出全部派单规则，每条一次。", "invalid");
    const byId = new Map(list.items.map((item, i) => [current[i]!, item]));
    list.items = ids.map((id) => byId.get(id)!);
  });
}

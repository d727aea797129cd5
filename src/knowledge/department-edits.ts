// Departments (intents/departments.yaml) from the admin API: the checks a change must pass
// against the snapshot serving, in Chinese for the admin, and the edit of the file through
// the YAML Document (comments, blank lines and list styles kept). A department's code never
// changes (tickets, accounts and items refer to it); one that has had tickets is disabled
// (停用), not deleted. The loader checks the file again on the reload.
import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from "yaml";
import { CatalogEditError, type FileEdit, listNode, type parseYamlFile, editYamlList } from "./intents-file.ts";
import type { Knowledge } from "./knowledge.ts";

export const DEPARTMENTS_FILE = "departments.yaml";

/** What an admin sets on a department; the code is given once, at creation. */
export interface DepartmentFields {
  name: string;
  phone?: string | null;
  domains: string[];
  keywords: string[];
  disabled?: boolean;
}

type Snapshot = Pick<Knowledge, "departments" | "caseRules">;

/** Trimmed, without empty entries or repeats, in the order given. */
export function cleanList(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

/** Why this department cannot be saved (400), or undefined. `code` exists already unless `creating`. */
export function departmentProblem(knowledge: Snapshot, code: string, fields: DepartmentFields): string | undefined {
  const { departments, caseRules } = knowledge;
  const sameName = departments.list.find((d) => d.name === fields.name.trim() && d.code !== code);
  if (sameName) return `已有名为“${sameName.name}”的部门（${sameName.code}）。`;
  if (fields.disabled) {
    if (code === departments.dispatcher) return "派单中心不能停用：无法自动分派的诉求都交给它。";
    const rules = caseRules.rules.filter((r) => r.department === code).map((r) => r.id);
    if (rules.length > 0) return `派单规则 ${rules.join("、")} 仍分派到该部门，请先修改或删除这些规则再停用。`;
  }
  return undefined;
}

function departmentNode(list: YAMLSeq, code: string): YAMLMap {
  const node = list.items.find((item) => isMap(item) && item.get("code") === code);
  if (!isMap(node)) throw new CatalogEditError(`没有代码为 ${code} 的部门。`, "not_found");
  return node;
}

function editDepartments(
  intentsDir: string,
  change: (doc: ReturnType<typeof parseYamlFile>, list: YAMLSeq) => void,
): Promise<FileEdit> {
  return editYamlList(intentsDir, DEPARTMENTS_FILE, "departments", change);
}

/** Sets a key only when its value changes, so what stays the same keeps its quotes and comments. */
function setChanged(doc: ReturnType<typeof parseYamlFile>, node: YAMLMap, key: string, value: unknown): void {
  const current = node.get(key, true);
  const now = isSeq(current) || isScalar(current) ? current.toJSON() : current;
  if (JSON.stringify(now) === JSON.stringify(value)) return;
  node.set(key, Array.isArray(value) ? listNode(doc, value, current) : value);
}

function setFields(doc: ReturnType<typeof parseYamlFile>, node: YAMLMap, fields: DepartmentFields): void {
  setChanged(doc, node, "name", fields.name.trim());
  const phone = fields.phone?.trim();
  if (phone) setChanged(doc, node, "phone", phone);
  else node.delete("phone");
  setChanged(doc, node, "domains", cleanList(fields.domains));
  setChanged(doc, node, "keywords", cleanList(fields.keywords));
  if (fields.disabled) node.set("disabled", true);
  else node.delete("disabled");
}

/** Appends a department; a code already there is a conflict. */
export function addDepartment(intentsDir: string, code: string, fields: DepartmentFields): Promise<FileEdit> {
  return editDepartments(intentsDir, (doc, list) => {
    if (list.items.some((item) => isMap(item) && item.get("code") === code))
      throw new CatalogEditError(`已有代码为 ${code} 的部门。`, "conflict");
    const node = doc.createNode({ code }) as YAMLMap;
    setFields(doc, node, fields);
    // Departments are separated by a blank line in the shipped file.
    (node as YAMLMap & { spaceBefore?: boolean }).spaceBefore = list.items.length > 0;
    list.items.push(node);
  });
}

/** Changes a department's fields in place; its code and the comments around it stay. */
export function updateDepartment(intentsDir: string, code: string, fields: DepartmentFields): Promise<FileEdit> {
  return editDepartments(intentsDir, (doc, list) => setFields(doc, departmentNode(list, code), fields));
}

/** Removes a department nothing refers to (the caller checks tickets and accounts). */
export function removeDepartment(intentsDir: string, code: string): Promise<FileEdit> {
  return editDepartments(intentsDir, (_doc, list) => {
    list.items.splice(list.items.indexOf(departmentNode(list, code)), 1);
  });
}

/** What in the snapshot refers to a department, which keeps it from being deleted. */
export function departmentReferences(
  knowledge: Pick<Knowledge, "departments" | "caseRules" | "catalog">,
  code: string,
) {
  return {
    dispatcher: knowledge.departments.dispatcher === code,
    rules: knowledge.caseRules.rules.filter((r) => r.department === code).map((r) => r.id),
    items: knowledge.catalog.items.filter((i) => i.department === code).map((i) => i.code),
  };
}

// The names a citizen may call a department by: its full name (市公安局), the name without
// 市 and without the part in brackets (公安局交通警察支队), the part in brackets
// (车辆管理所), and the aliases in intents/departments.yaml (交警, 车管所). Praise goes to
// the department it names; the longest name found is the most specific one.
import type { Department } from "./catalog-schema.ts";

export interface NamedDepartment {
  code: string;
  /** The department's full name. */
  name: string;
  /** The words in the text that named it. */
  matched: string;
}

/** Every name of a department, longest first. */
export function namesOf(department: Department): string[] {
  const names = new Set<string>([department.name, ...department.aliases]);
  const bracket = /[（(]([^）)]+)[）)]/u.exec(department.name);
  if (bracket) names.add(bracket[1]!);
  const main = department.name.replace(/[（(][^）)]*[）)]/gu, "");
  names.add(main);
  if (main.startsWith("市") && main.length > 2) names.add(main.slice(1));
  return [...names].filter((n) => n.length >= 2).sort((a, b) => b.length - a.length);
}

/** An index of every department's names, built once per catalog snapshot. */
export class DepartmentNames {
  private readonly names: { name: string; department: Department }[];

  constructor(departments: readonly Department[]) {
    this.names = departments
      .flatMap((department) => namesOf(department).map((name) => ({ name, department })))
      .sort((a, b) => b.name.length - a.name.length);
  }

  /** The department the text names (the longest name found), if any. */
  find(text: string): NamedDepartment | undefined {
    const hit = this.names.find(({ name }) => text.includes(name));
    return hit && { code: hit.department.code, name: hit.department.name, matched: hit.name };
  }

  /** Where in the text some department is named: the start of each name found. */
  positions(text: string): number[] {
    const at: number[] = [];
    for (const { name } of this.names) {
      for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) at.push(i);
    }
    return at;
  }
}

// Which department of intents/departments.yaml an item list's 实施主体 is: an explicit
// mapping (`--map 市公安局出入境管理支队=GA`) first, then a department whose name, short name
// or alias equals it, then the department whose longest name it contains
// (市公安局交通警察支队 → the traffic police, not 市公安局). Disabled departments take no items.
import type { Department } from "./catalog-schema.ts";
import { DepartmentNames, namesOf } from "./department-names.ts";

export class AgencyMatcher {
  private readonly exact = new Map<string, string>();
  private readonly names: DepartmentNames;

  constructor(departments: readonly Department[], mapping: ReadonlyMap<string, string> = new Map()) {
    const active = departments.filter((d) => !d.disabled);
    this.names = new DepartmentNames(active);
    for (const department of active)
      for (const name of namesOf(department)) if (!this.exact.has(name)) this.exact.set(name, department.code);
    for (const [agency, code] of mapping) this.exact.set(agency, code);
  }

  department(agency: string): string | undefined {
    return this.exact.get(agency) ?? this.names.find(agency)?.code;
  }
}

// Chooses the department responsible for a complaint. The most specific evidence
// wins: a keyword a department owns (路灯 → 城管), then the complaint's domain, and
// when nothing matches, the dispatcher (派单中心) assigns it by hand. Praise goes to
// the department it names (named()), before any of these.
import type { Department } from "../knowledge/catalog-schema.ts";
import { DepartmentNames } from "../knowledge/department-names.ts";

export interface RoutingDecision {
  departmentCode: string;
  rule: "named" | "keyword" | "domain" | "dispatcher";
  /** What matched, for the audit trail. */
  evidence?: string;
}

export class DepartmentRouter {
  private readonly names: DepartmentNames;

  constructor(
    private readonly departments: Department[],
    private readonly dispatcher: string,
  ) {
    this.names = new DepartmentNames(departments);
  }

  /** The department the text names by its name or an alias ("感谢交警支队的民警" → 交警). */
  named(text: string): RoutingDecision | undefined {
    const found = this.names.find(text);
    return found && { departmentCode: found.code, rule: "named", evidence: found.matched };
  }

  route(ticket: { text: string; domain?: string | null }): RoutingDecision {
    let best: { department: Department; keyword: string } | undefined;
    for (const department of this.departments) {
      for (const keyword of department.keywords) {
        // The longest matching keyword is the most specific ("噪音扰民" over "噪音").
        if (ticket.text.includes(keyword) && (!best || keyword.length > best.keyword.length)) {
          best = { department, keyword };
        }
      }
    }
    if (best) return { departmentCode: best.department.code, rule: "keyword", evidence: best.keyword };

    const domain = ticket.domain;
    const byDomain = domain ? this.departments.find((d) => d.domains.includes(domain)) : undefined;
    if (byDomain && domain) return { departmentCode: byDomain.code, rule: "domain", evidence: domain };

    return { departmentCode: this.dispatcher, rule: "dispatcher" };
  }
}

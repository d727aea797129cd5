// Chooses the department responsible for a complaint. The most specific evidence
// wins: a keyword a department owns (路灯 → 城管), then the complaint's domain, and
// when nothing matches, the dispatcher (派单中心) assigns it by hand.
import type { Department } from "../knowledge/catalog-schema.ts";

export interface RoutingDecision {
  departmentCode: string;
  rule: "keyword" | "domain" | "dispatcher";
  /** What matched, for the audit trail. */
  evidence?: string;
}

export class DepartmentRouter {
  constructor(
    private readonly departments: Department[],
    private readonly dispatcher: string,
  ) {}

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

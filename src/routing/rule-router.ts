// Chooses the department for a complaint. First the routing rules table
// (intents/routing-rules.yaml: domain, category, keywords, district → department;
// the rule with the most conditions wins, then the first listed), then the keywords
// and domains departments own (DepartmentRouter), and when nothing matches, the
// dispatch centre (派单中心) assigns it by hand. Praise (表扬) goes to the department
// it names first, and only otherwise the same way.
import type { CaseCategory, RoutingRule } from "../knowledge/case-rules-schema.ts";
import { findCategory, findDistrict } from "./classify-place.ts";
import type { DepartmentRouter, RoutingDecision } from "./department-router.ts";

export interface RoutableTicket {
  text: string;
  /** A ticket's kind (src/tickets/ticket-kind.ts); only praise is routed differently. */
  kind?: string;
  domain?: string | null;
  /** Known from intake (Open311 service_code); otherwise found in the text. */
  category?: string | null;
  district?: string | null;
  address?: string | null;
}

export interface RuleRoutingDecision extends Omit<RoutingDecision, "rule"> {
  rule: RoutingDecision["rule"] | "rule";
  category: string | null;
  district: string | null;
}

export class RuleRouter {
  constructor(
    private readonly rules: readonly RoutingRule[],
    private readonly categories: readonly CaseCategory[],
    private readonly districts: readonly string[],
    private readonly fallback: DepartmentRouter,
    readonly dispatcher: string,
  ) {}

  route(ticket: RoutableTicket): RuleRoutingDecision {
    const category = ticket.category ?? findCategory(this.categories, ticket.text)?.code ?? null;
    const district = ticket.district ?? findDistrict(this.districts, ticket.address, ticket.text) ?? null;
    const named = ticket.kind === "praise" ? this.fallback.named(ticket.text) : undefined;
    if (named) return { ...named, category, district };
    const rule = this.bestRule({ text: ticket.text, domain: ticket.domain ?? null, category, district });
    if (rule) return { departmentCode: rule.department, rule: "rule", evidence: rule.id, category, district };
    return { ...this.fallback.route(ticket), category, district };
  }

  private bestRule(t: {
    text: string;
    domain: string | null;
    category: string | null;
    district: string | null;
  }): RoutingRule | undefined {
    let best: { rule: RoutingRule; conditions: number } | undefined;
    for (const rule of this.rules) {
      const conditions = [rule.domains, rule.categories, rule.keywords, rule.districts].filter(Boolean).length;
      if (best && conditions <= best.conditions) continue;
      if (rule.domains && !(t.domain && rule.domains.includes(t.domain))) continue;
      if (rule.categories && !(t.category && rule.categories.includes(t.category))) continue;
      if (rule.districts && !(t.district && rule.districts.includes(t.district))) continue;
      if (rule.keywords && !rule.keywords.some((k) => t.text.includes(k))) continue;
      best = { rule, conditions };
    }
    return best?.rule;
  }
}

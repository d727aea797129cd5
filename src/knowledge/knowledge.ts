// One snapshot of everything read from intents/: the catalog, the case rules, the
// departments, the menu, the working-day calendar, and the opinion analysis's gazetteer and lexicon. It is loaded and validated as a
// whole, so the parts always agree (a rule's department exists, a menu item exists),
// and it is never changed: a reload makes a new snapshot (KnowledgeStore swaps it in).
import { WorkingCalendar } from "../calendar/working-calendar.ts";
import type { CaseRules } from "./case-rules-schema.ts";
import type { Catalog, Department } from "./catalog-schema.ts";
import { loadCaseRules } from "./load-case-rules.ts";
import { loadCatalog } from "./load-catalog.ts";
import { loadMenu, type Menu } from "./menu.ts";
import { type IntakeRules, loadIntakeRules } from "./intake-rules.ts";
import type { Region } from "./gazetteer-schema.ts";
import { loadGazetteer } from "./load-gazetteer.ts";
import { loadOpinionLexicon } from "./load-opinion-lexicon.ts";
import type { OpinionLexicon } from "./opinion-lexicon-schema.ts";

export interface Departments {
  /** Every department, disabled ones (停用) included. */
  list: readonly Department[];
  /** Where unrouted complaints and handed-back tickets go (派单中心). */
  dispatcher: string;
  /** The departments that take tickets and accounts: every one not disabled. */
  codes: ReadonlySet<string>;
  /** The department's name (disabled ones too); undefined for a code this snapshot does not have. */
  nameOf(code: string): string | undefined;
}

export interface Knowledge {
  /** 1 for the first snapshot a store loads, one more for each reload it accepts. */
  version: number;
  loadedAt: Date;
  catalog: Catalog;
  caseRules: CaseRules;
  departments: Departments;
  menu: Menu;
  /** What a complaint needs before it is filed (intents/complaint-intake.yaml). */
  intake: IntakeRules;
  /** Working days: the holiday data with intents/calendar.yaml's entries. */
  calendar: WorkingCalendar;
  /** The city gazetteer (intents/regions.yaml): the opinion analysis's places. */
  regions: readonly Region[];
  /** The opinion lexicon (intents/opinion-lexicon.yaml). */
  opinionLexicon: OpinionLexicon;
}

export interface LoadKnowledgeOptions {
  timeZone: string;
  version?: number;
}

/** Reads and validates intents/; throws CatalogError naming every bad file and field. */
export async function loadKnowledge(dir: string, options: LoadKnowledgeOptions): Promise<Knowledge> {
  const catalog = await loadCatalog(dir);
  const caseRules = await loadCaseRules(dir, catalog);
  const menu = await loadMenu(dir, catalog);
  const intake = await loadIntakeRules(dir);
  const [regions, opinionLexicon] = await Promise.all([loadGazetteer(dir), loadOpinionLexicon(dir)]);
  return {
    version: options.version ?? 1,
    loadedAt: new Date(),
    catalog,
    caseRules,
    departments: departmentsOf(catalog),
    menu,
    intake,
    calendar: WorkingCalendar.load(options.timeZone, caseRules.calendar),
    regions,
    opinionLexicon,
  };
}

function departmentsOf(catalog: Catalog): Departments {
  const names = new Map(catalog.departments.map((d) => [d.code, d.name]));
  return {
    list: catalog.departments,
    dispatcher: catalog.dispatcher,
    codes: new Set(catalog.departments.filter((d) => !d.disabled).map((d) => d.code)),
    nameOf: (code) => names.get(code),
  };
}

// The public transparency figures from per-month, per-department, per-category counts:
// pure, so the privacy rule (a group smaller than the minimum is folded into 其他, and
// only names from the catalog are published) is tested without a database.

export const OTHER_NAME = "其他";

/** Counts of one (month, department, category) cell, as the query returns them. */
export interface TransparencyCell {
  /** "2026-11", in the hub's time zone. */
  month: string;
  departmentCode: string;
  category: string | null;
  received: number;
  resolved: number;
  /** Resolved within the deadline. */
  onTime: number;
  rated: number;
  /** Rated 4 or 5. */
  satisfied: number;
}

export interface PublicFigures {
  received: number;
  resolved: number;
  /** Resolved on time, of resolved; null when nothing was resolved. */
  onTimeRate: number | null;
  /** Rated 4–5, of rated; null when nothing was rated. */
  satisfactionRate: number | null;
}

export interface PublicGroup extends PublicFigures {
  name: string;
  /** The 其他 group: small or unnamed groups together. */
  other: boolean;
}

export interface PublicCategory {
  name: string;
  other: boolean;
  received: number;
}

export interface TransparencyMonth extends PublicFigures {
  month: string;
  departments: PublicGroup[];
  categories: PublicCategory[];
}

export interface FoldOptions {
  /** Every month of the window, oldest first; months without tickets are reported with zeros. */
  months: readonly string[];
  /** A group with fewer tickets than this is folded into 其他. */
  minGroup: number;
  /** Names from the knowledge snapshot; undefined for a code it does not know (folded into 其他). */
  departmentName(code: string): string | undefined;
  categoryName(code: string): string | undefined;
  /** How many categories are named per month before the rest is folded into 其他. */
  topCategories: number;
}

interface Sums {
  received: number;
  resolved: number;
  onTime: number;
  rated: number;
  satisfied: number;
}

const empty = (): Sums => ({ received: 0, resolved: 0, onTime: 0, rated: 0, satisfied: 0 });

function add(into: Sums, from: Sums): void {
  into.received += from.received;
  into.resolved += from.resolved;
  into.onTime += from.onTime;
  into.rated += from.rated;
  into.satisfied += from.satisfied;
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

function figures(s: Sums): PublicFigures {
  return {
    received: s.received,
    resolved: s.resolved,
    onTimeRate: rate(s.onTime, s.resolved),
    satisfactionRate: rate(s.satisfied, s.rated),
  };
}

const byReceived = (a: { received: number; name: string }, b: { received: number; name: string }) =>
  b.received - a.received || a.name.localeCompare(b.name, "zh-CN");

export function foldTransparency(cells: readonly TransparencyCell[], options: FoldOptions): TransparencyMonth[] {
  return options.months.map((month) => {
    const inMonth = cells.filter((c) => c.month === month);
    const total = empty();
    const departments = new Map<string, Sums>();
    const categories = new Map<string, Sums>();
    for (const cell of inMonth) {
      add(total, cell);
      const d = departments.get(cell.departmentCode) ?? empty();
      add(d, cell);
      departments.set(cell.departmentCode, d);
      const key = cell.category ?? "";
      const c = categories.get(key) ?? empty();
      add(c, cell);
      categories.set(key, c);
    }

    const departmentOther = empty();
    const shown: PublicGroup[] = [];
    for (const [code, sums] of departments) {
      const name = options.departmentName(code);
      if (name === undefined || sums.received < options.minGroup) add(departmentOther, sums);
      else shown.push({ name, other: false, ...figures(sums) });
    }
    shown.sort(byReceived);
    if (departmentOther.received > 0) shown.push({ name: OTHER_NAME, other: true, ...figures(departmentOther) });

    let categoryOther = 0;
    const named: PublicCategory[] = [];
    for (const [code, sums] of categories) {
      const name = code === "" ? undefined : options.categoryName(code);
      if (name === undefined || sums.received < options.minGroup) categoryOther += sums.received;
      else named.push({ name, other: false, received: sums.received });
    }
    named.sort(byReceived);
    for (const rest of named.splice(options.topCategories)) categoryOther += rest.received;
    if (categoryOther > 0) named.push({ name: OTHER_NAME, other: true, received: categoryOther });

    return { month, ...figures(total), departments: shown, categories: named };
  });
}

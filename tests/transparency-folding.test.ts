// The transparency page's folding rule, without a database: small and unnamed groups go to 其他.
import { describe, expect, it } from "vitest";
import { foldTransparency, type TransparencyCell } from "../src/cases/transparency-folding.ts";
import { monthWindow } from "../src/cases/transparency-stats.ts";

const cell = (over: Partial<TransparencyCell>): TransparencyCell => ({
  month: "2026-11",
  departmentCode: "CG",
  category: "street-light",
  received: 1,
  resolved: 0,
  onTime: 0,
  rated: 0,
  satisfied: 0,
  ...over,
});

const names: Record<string, string> = {
  CG: "城管",
  HJ: "环保",
  GA: "公安",
  "street-light": "路灯照明",
  garbage: "垃圾清运",
};
const options = {
  months: ["2026-10", "2026-11"],
  minGroup: 5,
  departmentName: (code: string) => names[code],
  categoryName: (code: string) => names[code],
  topCategories: 2,
};

describe("foldTransparency", () => {
  it("shows groups of at least the minimum and folds the rest, and unknown names, into 其他", () => {
    const [october, november] = foldTransparency(
      [
        cell({ received: 6, resolved: 4, onTime: 3, rated: 3, satisfied: 2 }),
        cell({
          departmentCode: "HJ",
          category: "garbage",
          received: 4,
          resolved: 2,
          onTime: 2,
          rated: 1,
          satisfied: 1,
        }),
        cell({ departmentCode: "XX", category: "garbage", received: 5, resolved: 1, onTime: 0 }),
        cell({ departmentCode: "GA", category: null, received: 5 }),
      ],
      options,
    );
    expect(october).toEqual({
      month: "2026-10",
      received: 0,
      resolved: 0,
      onTimeRate: null,
      satisfactionRate: null,
      departments: [],
      categories: [],
    });
    expect(november!.received).toBe(20);
    expect(november!.onTimeRate).toBe(Math.round((5 / 7) * 10_000) / 10_000);
    expect(november!.departments).toEqual([
      { name: "城管", other: false, received: 6, resolved: 4, onTimeRate: 0.75, satisfactionRate: 0.6667 },
      { name: "公安", other: false, received: 5, resolved: 0, onTimeRate: null, satisfactionRate: null },
      { name: "其他", other: true, received: 9, resolved: 3, onTimeRate: 0.6667, satisfactionRate: 1 },
    ]);
    // garbage has 9 (HJ 4 + XX 5): shown; the unnamed category (null) goes to 其他.
    expect(november!.categories).toEqual([
      { name: "垃圾清运", other: false, received: 9 },
      { name: "路灯照明", other: false, received: 6 },
      { name: "其他", other: true, received: 5 },
    ]);
  });

  it("names only the top categories and adds the rest to 其他", () => {
    const [, november] = foldTransparency(
      [
        cell({ category: "street-light", received: 7 }),
        cell({ category: "garbage", received: 6 }),
        cell({ departmentCode: "HJ", category: "manhole", received: 5 }),
      ],
      { ...options, categoryName: (code: string) => names[code] ?? "井盖", topCategories: 2 },
    );
    expect(november!.categories).toEqual([
      { name: "路灯照明", other: false, received: 7 },
      { name: "垃圾清运", other: false, received: 6 },
      { name: "其他", other: true, received: 5 },
    ]);
  });
});

describe("monthWindow", () => {
  it("counts back across a year end in the city's time zone", () => {
    // 2027-01-01 01:00 in Shanghai is still 2026-12-31 in UTC.
    expect(monthWindow(new Date("2026-12-31T17:00:00Z"), "Asia/Shanghai", 3)).toEqual([
      "2026-11",
      "2026-12",
      "2027-01",
    ]);
  });
});

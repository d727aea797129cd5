// Finding 12: the mask of phone, ID and card numbers and e-mail addresses. Numbers are
// found whatever their width (full-width １３８…) or grouping, masked in their written
// shape, and what is no personal number (ticket numbers, dates, amounts) stays readable.
// The logs and the unanswered-questions report both go through the same mask.
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/build-app.ts";
import { unansweredReport } from "../../src/conversation/unanswered-report.ts";
import { createLogger } from "../../src/logger.ts";
import { maskText } from "../../src/privacy/mask.ts";
import { startTestHub, type TestHub } from "../support/test-env.ts";

// [written, masked]; rows whose two sides are equal must stay as they are.
const MASKED: [string, string][] = [
  // Mobiles
  ["我的电话13812345678，请回电", "我的电话138****5678，请回电"],
  ["138 8888 6666", "138 **** 6666"],
  ["138-8888-6666", "138-****-6666"],
  ["138.8888.6666", "138.****.6666"],
  ["电话：+86 139-1234-5678", "电话：+86 139-****-5678"],
  ["8613812345678", "86138****5678"],
  ["电话１３８１２３４５６７８", "电话138****5678"],
  ["１３８　８８８８　６６６６", "138 **** 6666"],
  ["１３８－８８８８－６６６６", "138-****-6666"],
  ["１３８．８８８８．６６６６", "138.****.6666"],
  ["手机：138８８８８6666，谢谢！", "手机：138****6666，谢谢！"],
  ["电话13812345678或13998765432", "电话138****5678或139****5432"],
  ["𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "138****5678"],
  // Resident IDs, 18 and 15 digits
  ["身份证号110105199001010021", "身份证号110105********0021"],
  ["11010519491231002X", "110105********002X"],
  ["11010519491231002x", "110105********002x"],
  ["110105 19900101 0021", "110105 ******** 0021"],
  ["110105-19900101-0021", "110105-********-0021"],
  ["身份证１１０１０５１９９００１０１００２１号", "身份证110105********0021号"],
  ["老身份证110105900101002", "老身份证110105******002"],
  // Landlines
  ["座机010-62345678", "座机010-****5678"],
  ["(0755) 2345 6789", "(0755) **** 6789"],
  ["0371-6234567转801", "0371-****4567转801"],
  ["（０７５５）２３４５６７８９", "(0755)****6789"],
  // E-mail
  ["邮箱zhang.wei@example.com谢谢", "邮箱z***@example.com谢谢"],
  ["Li_Ming+gov@mail.qq.com", "L***@mail.qq.com"],
  ["ｚｈａｎｇ＠ｑｑ．ｃｏｍ", "z***@qq.com"],
  // Bank cards (Luhn)
  ["卡号6222021234567890128", "卡号622202*********0128"],
  ["6228 4800 1234 5671", "6228 48** **** 5671"],
  ["6217-0000-0000-1234-560", "6217-00**-****-***4-560"],
  ["卡号６２２２０２１２３４５６７８９０１２８", "卡号622202*********0128"],
  // Left alone
  ["请拨打12345热线，工单GD20261122-000123", "请拨打12345热线，工单GD20261122-000123"],
  ["2026-12-07", "2026-12-07"],
  ["2026年12月7日 10:00 前办结", "2026年12月7日 10:00 前办结"],
  ["金额1,380,000.00元", "金额1,380,000.00元"],
  ["邮编100871", "邮编100871"],
  ["订单号13812345678901234567", "订单号13812345678901234567"],
  ["流水号6222021234567890", "流水号6222021234567890"], // 16 digits, not a card (Luhn)
  ["流水号123456789012345", "流水号123456789012345"], // 15 digits, no birth date in it
  ["编号12345678901", "编号12345678901"],
  ["时间戳1796612345678", "时间戳1796612345678"],
  ["耗时138.12345678毫秒", "耗时138.12345678毫秒"],
  ['{"time":"2026-01-05 10:00","id":"a0371234-5678abcd"}', '{"time":"2026-01-05 10:00","id":"a0371234-5678abcd"}'],
  ["c56a4180-65aa-42ec-a945-5fd21dec0538", "c56a4180-65aa-42ec-a945-5fd21dec0538"],
  ["您好，请问（身份证）怎么补办？", "您好，请问（身份证）怎么补办？"],
  ["第１２３４５号窗口", "第１２３４５号窗口"],
  ["user@localhost 和 @政务微博", "user@localhost 和 @政务微博"],
];

describe("the privacy mask", () => {
  it.each(MASKED)("%s → %s", (written, masked) => {
    expect(maskText(written)).toBe(masked);
  });

  it("has at least 30 forms, positives and negatives", () => {
    expect(MASKED.length).toBeGreaterThanOrEqual(30);
    expect(MASKED.filter(([a, b]) => a === b).length).toBeGreaterThanOrEqual(10);
  });

  it("is idempotent: masking masked text changes nothing", () => {
    for (const [, masked] of MASKED) expect(maskText(masked)).toBe(masked);
  });

  it("takes linear time on hostile input (it runs on every log line)", () => {
    for (const hostile of [
      `a@${"b".repeat(100_000)}`,
      `${"a.".repeat(50_000)}@x`,
      `x@${"a.".repeat(50_000)}_`,
      "1 ".repeat(50_000),
      "1".repeat(100_000),
      "１".repeat(50_000),
      "138-".repeat(25_000),
    ]) {
      const started = performance.now();
      maskText(hostile);
      expect(performance.now() - started, hostile.slice(0, 12)).toBeLessThan(500);
    }
  });

  it("masks log lines, full-width and grouped numbers included", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    createLogger("info", sink).info(
      { text: "电话１３８１２３４５６７８，卡号6222021234567890128" },
      "citizen 110105 19900101 0021 wrote from zhang.wei@example.com, call 138.8888.6666",
    );
    const line = lines.join("");
    expect(() => JSON.parse(line)).not.toThrow();
    for (const clear of ["１３８１２３４５６７８", "6222021234567890128", "19900101", "zhang.wei@", "8888.6666"])
      expect(line).not.toContain(clear);
    for (const masked of ["138****5678", "622202*********0128", "110105 ******** 0021", "z***@example.com"])
      expect(line).toContain(masked);
  });
});

describe("the unanswered-questions report", () => {
  let t: TestHub;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await startTestHub("postgresql");
    app = await buildApp(t.hub);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it("shows questions with full-width, grouped and card numbers masked", async () => {
    const asked = [
      "怎么申请专利，电话１３８１２３４５６７８",
      "专利怎么申请，我的号码138.8888.6666",
      "申请专利找谁，邮箱zhang.wei@example.com，卡号6228 4800 1234 5671",
    ];
    for (const text of asked) {
      const res = await app.inject({ method: "POST", url: "/api/chat/messages", payload: { text } });
      expect(res.json().understanding.decision, text).toBe("fallback");
    }
    const report = JSON.stringify(await unansweredReport(t.hub.db.prisma, { since: new Date(0), limit: 10 }));
    for (const clear of ["１３８１２３４５６７８", "8888.6666", "zhang.wei@", "4800 1234"])
      expect(report).not.toContain(clear);
    for (const masked of ["138****5678", "138.****.6666", "z***@example.com", "6228 48** **** 5671"])
      expect(report).toContain(masked);
  });
});

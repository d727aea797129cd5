import { describe, expect, it } from "vitest";
import { findDates } from "../src/language/entities/dates.ts";
import { extractEntities } from "../src/language/entities/extract-entities.ts";
import { findPhoneNumbers } from "../src/language/entities/phone-numbers.ts";
import { addressOf, findPlaces } from "../src/language/entities/places.ts";
import { parseResidentId, residentIdCheckCharacter } from "../src/language/entities/resident-id.ts";

// Sunday 22 November 2026, 10:00 in Beijing.
const NOW = new Date("2026-11-22T02:00:00Z");

describe("resident ID numbers (GB 11643)", () => {
  it("accepts a number whose check character matches, and reads birth date and sex", () => {
    expect(parseResidentId("11010519491231002X")).toEqual({
      number: "11010519491231002X",
      regionCode: "110105",
      birthDate: "1949-12-31",
      sex: "female",
    });
    expect(parseResidentId("11010519491231002x")?.number).toBe("11010519491231002X");
    expect(parseResidentId("440524199001010018")?.sex).toBe("male");
    expect(parseResidentId("440524188001010014")).toBeUndefined(); // valid check character, but born before 1900
  });

  it("computes the ISO 7064 MOD 11-2 check character", () => {
    expect(residentIdCheckCharacter("11010519491231002")).toBe("X");
    expect(residentIdCheckCharacter("44052418800101001")).toBe("4");
  });

  it("rejects a wrong check character, an impossible birth date and other shapes", () => {
    expect(parseResidentId("110105194912310021")).toBeUndefined(); // check should be X
    // 30 February, with a correct check character.
    const feb30 = "11010519490230002";
    expect(parseResidentId(feb30 + residentIdCheckCharacter(feb30))).toBeUndefined();
    expect(parseResidentId("010105194912310021")).toBeUndefined(); // region cannot start with 0
    expect(parseResidentId("1101051949123100")).toBeUndefined();
  });
});

describe("phone numbers", () => {
  it("finds mobiles written whole, grouped, or with +86", () => {
    const numbers = findPhoneNumbers("电话13812345678，或者 138 1234 5679，也可以打+86 139-1234-5678");
    expect(numbers.map((n) => [n.kind, n.number, n.masked])).toEqual([
      ["mobile", "13812345678", "138****5678"],
      ["mobile", "13812345679", "138 **** 5679"],
      ["mobile", "13912345678", "+86 139-****-5678"],
    ]);
  });

  it("finds landlines with an area code and an extension", () => {
    const numbers = findPhoneNumbers("座机010-62345678，单位(0755) 2345 6789，分机0371-6234567转801");
    expect(numbers.map((n) => [n.kind, n.number])).toEqual([
      ["landline", "01062345678"],
      ["landline", "075523456789"],
      ["landline", "03716234567-801"],
    ]);
    expect(numbers[0]!.masked).toBe("010-****5678");
  });

  it("does not take 11 digits out of a longer digit run, an ID number, a date or the hotline", () => {
    expect(findPhoneNumbers("订单号2138123456789，流水13812345678901234567")).toEqual([]);
    expect(findPhoneNumbers("身份证11010519491231002X")).toEqual([]);
    expect(findPhoneNumbers("2026-01-05 10:00 打了12345")).toEqual([]);
    expect(findPhoneNumbers("编号12345678901")).toEqual([]); // 11 digits, but 12… is no mobile prefix
  });
});

describe("dates relative to the message's arrival", () => {
  const dates = (text: string, now = NOW) => findDates(text, now).map((d) => [d.text, d.date, d.end, d.granularity]);

  it("reads absolute dates in several notations", () => {
    expect(dates("2026年11月22日下午，2025-3-1和2025/03/02")).toEqual([
      ["2026年11月22日", "2026-11-22", "2026-11-22", "day"],
      ["2025-3-1", "2025-03-01", "2025-03-01", "day"],
      ["2025/03/02", "2025-03-02", "2025-03-02", "day"],
    ]);
    expect(dates("十一月二十二号")).toEqual([["十一月二十二号", "2026-11-22", "2026-11-22", "day"]]);
  });

  it("puts a month-day without a year in the past when it would be far ahead", () => {
    expect(dates("11月20号")).toEqual([["11月20号", "2026-11-20", "2026-11-20", "day"]]);
    // Written on 5 January 2027: 30 December is last year's.
    expect(dates("12月30号来修过", new Date("2027-01-05T02:00:00Z"))).toEqual([
      ["12月30号", "2026-12-30", "2026-12-30", "day"],
    ]);
  });

  it("resolves days, weeks and months relative to now", () => {
    expect(dates("昨天")).toEqual([["昨天", "2026-11-21", "2026-11-21", "day"]]);
    expect(dates("大前天")).toEqual([["大前天", "2026-11-19", "2026-11-19", "day"]]);
    expect(dates("3天前")).toEqual([["3天前", "2026-11-19", "2026-11-19", "day"]]);
    expect(dates("上周")).toEqual([["上周", "2026-11-09", "2026-11-15", "week"]]);
    expect(dates("上星期三")).toEqual([["上星期三", "2026-11-11", "2026-11-11", "day"]]);
    expect(dates("上周末")).toEqual([["上周末", "2026-11-14", "2026-11-15", "weekend"]]);
    expect(dates("上个月5号")).toEqual([["上个月5号", "2026-10-05", "2026-10-05", "day"]]);
    expect(dates("上个月")).toEqual([["上个月", "2026-10-01", "2026-10-31", "month"]]);
    expect(dates("去年12月")).toEqual([["去年12月", "2025-12-01", "2025-12-31", "month"]]);
  });

  it("uses the local date of the time zone, not UTC", () => {
    // 00:30 on 22 November in Beijing is still 21 November in UTC.
    expect(findDates("昨天", new Date("2026-11-21T16:30:00Z"), "Asia/Shanghai")[0]?.date).toBe("2026-11-21");
    expect(findDates("昨天", new Date("2026-11-21T16:30:00Z"), "UTC")[0]?.date).toBe("2026-11-20");
  });

  it("ignores impossible dates and look-alikes", () => {
    expect(dates("2月30日")).toEqual([]);
    expect(dates("一周一次")).toEqual([]);
    expect(dates("订单号20261122123")).toEqual([]);
  });
});

describe("place mentions", () => {
  const places = (text: string) => findPlaces(text).map((p) => `${p.kind}:${p.name}`);

  it("splits a district-street-complex chain", () => {
    expect(places("我住在朝阳区建国路88号阳光小区3号楼")).toEqual([
      "district:朝阳区",
      "street:建国路88号",
      "complex:阳光小区",
    ]);
    expect(addressOf(findPlaces("居民反映海淀区中关村大街有人占道"))).toEqual({
      district: "海淀区",
      street: "中关村大街",
    });
  });

  it("reads townships and villages", () => {
    expect(places("城关镇王家庄村的水渠塌了")).toEqual(["township:城关镇", "village:王家庄村"]);
    expect(places("家住东城区和平里街道")).toEqual(["district:东城区", "township:和平里街道"]);
  });

  it("keeps compound names whole and lists of places apart", () => {
    expect(places("幸福家园小区门口")).toEqual(["complex:幸福家园小区"]);
    expect(places("人民路与解放路交叉口")).toEqual(["street:人民路", "street:解放路"]);
    expect(places("浦东新区世纪大道100号")).toEqual(["district:浦东新区", "street:世纪大道100号"]);
  });

  it("does not let a road swallow a following word that starts with its suffix", () => {
    expect(places("东湖区人民路路灯坏了")).toEqual(["district:东湖区", "street:人民路"]);
    expect(places("解放路路面坑洼，幸福巷巷口积水")).toEqual(["street:解放路", "street:幸福巷"]);
    expect(places("人民路路口幸福小区门口")).toEqual(["street:人民路", "complex:幸福小区"]);
    expect(places("和平街街道办不管")).toEqual(["street:和平街"]);
    expect(places("世纪大道道路破损")).toEqual(["street:世纪大道"]);
    expect(places("人民路与解放路交叉口路灯不亮")).toEqual(["street:人民路", "street:解放路"]);
    // A road named after a township is still one place.
    expect(places("家住人民路街道")).toEqual(["township:人民路街道"]);
  });

  it("reads landmarks as places, but not a square dance", () => {
    expect(places("人民广场跳广场舞太吵")).toEqual(["landmark:人民广场"]);
    expect(places("中山公园旁边的东湖医院门口")).toEqual(["landmark:中山公园", "landmark:东湖医院"]);
    expect(places("实验学校和东湖农贸市场之间，长途车站对面")).toEqual([
      "landmark:实验学校",
      "landmark:东湖农贸市场",
      "landmark:长途车站",
    ]);
    expect(places("人民路晚上广场舞噪音扰民")).toEqual(["street:人民路"]);
  });

  it("does not take ordinary words for places", () => {
    expect(places("过马路的时候被撞了")).toEqual([]);
    expect(places("农村的路不好走，景区门口人太多，小区里的路灯坏了")).toEqual([]);
    expect(places("在城中村租房，走路去学校要半小时")).toEqual([]);
    // A verb taking 路 as its object ends a clause, not a road name.
    expect(places("井盖被人偷了，晚上走路很危险")).toEqual([]);
    expect(places("楼下天天施工修路，吵得睡不着")).toEqual([]);
    expect(places("解放路正在修路")).toEqual(["street:解放路"]);
  });
});

describe("extractEntities", () => {
  it("returns structured fields for a complaint, numbers validated and masked", () => {
    const entities = extractEntities(
      "我是海淀区学院路甲5号院的居民，昨天晚上楼下施工到凌晨。电话１３８１２３４５６７８，身份证11010519491231002X，另一个号110105194912310021写错了",
      { now: NOW },
    );
    expect(entities.address).toEqual({ district: "海淀区", street: "学院路" });
    expect(entities.phones.map((p) => p.number)).toEqual(["13812345678"]); // full-width digits too
    expect(entities.residentIds.map((r) => [r.number, r.masked])).toEqual([
      ["11010519491231002X", "110105********002X"],
    ]);
    expect(entities.dates.map((d) => d.date)).toEqual(["2026-11-21"]);
  });
});

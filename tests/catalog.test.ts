import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CatalogError, loadCatalog } from "../src/knowledge/load-catalog.ts";
import { INTENTS_DIR, shippedCatalog } from "./support/catalog.ts";

const REQUIRED_ITEMS =
  `居民身份证首次申领, 居民身份证换领, 居民身份证补领, 居住证申领, 新生儿出生登记, 户口迁移, 普通护照签发, 往来港澳通行证签发, 无犯罪记录证明开具, 机动车驾驶证换证, 机动车驾驶证补证, 交通违法处理, 机动车年检, 社会保障卡申领, 社会保障卡挂失补换, 失业保险金申领, 基本养老保险关系转移接续, 灵活就业人员参保登记, 职工退休申请, 异地就医备案, 医疗费用零星报销, 生育津贴申领, 住房公积金租房提取, 住房公积金购房提取, 住房公积金个人住房贷款, 结婚登记, 离婚登记, 最低生活保障申请, 高龄津贴申领, 个体工商户设立登记, 企业设立登记, 食品经营许可证核发, 个人所得税年度汇算, 发票申领, 义务教育入学登记, 中小学转学, 出生医学证明办理, 预防接种证办理, 不动产登记, 公共租赁住房申请, 政务服务中心办公时间地址`.split(
    ", ",
  );

describe("the shipped catalog", () => {
  it("has exactly the 41 required service items", async () => {
    const catalog = await shippedCatalog();
    expect(REQUIRED_ITEMS).toHaveLength(41);
    expect(catalog.items.map((i) => i.name).sort()).toEqual([...REQUIRED_ITEMS].sort());
  });

  it("gives every item the facts a citizen needs", async () => {
    for (const item of (await shippedCatalog()).items) {
      expect(item.materials.length, item.name).toBeGreaterThan(0);
      expect(item.steps.length, item.name).toBeGreaterThan(0);
      expect(item.examples.length, item.name).toBeGreaterThanOrEqual(3);
      expect(item.timeLimit && item.fee && item.location && item.officeHours, item.name).toBeTruthy();
    }
  });

  it("marks every item file as sample data", async () => {
    const dir = path.join(INTENTS_DIR, "items");
    for (const file of await fs.readdir(dir)) {
      expect(await fs.readFile(path.join(dir, file), "utf8"), file).toMatch(/sample data/);
    }
  });

  it("routes every domain of the message kinds to some department", async () => {
    const catalog = await shippedCatalog();
    const handled = new Set(catalog.departments.flatMap((d) => d.domains));
    for (const domain of Object.keys(catalog.messageKinds.domains)) expect(handled, domain).toContain(domain);
  });
});

describe("an invalid catalog", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function brokenCopy(edit: (dir: string) => Promise<void>): Promise<CatalogError> {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "intents-"));
    await fs.cp(INTENTS_DIR, dir, { recursive: true });
    await edit(dir);
    const error = await loadCatalog(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }

  it("names the file and the field that is wrong", async () => {
    const error = await brokenCopy(async (d) => {
      const file = path.join(d, "items", (await fs.readdir(path.join(d, "items")))[0]!);
      const text = await fs.readFile(file, "utf8");
      await fs.writeFile(file, text.replace(/^fee:.*$/m, "fee: 20"));
    });
    expect(error.message).toMatch(/items\/[A-Z]+\d+\.yaml: fee: /);
  });

  it("reports a department that does not exist", async () => {
    const error = await brokenCopy(async (d) => {
      const file = path.join(d, "items", (await fs.readdir(path.join(d, "items")))[0]!);
      const text = await fs.readFile(file, "utf8");
      await fs.writeFile(file, text.replace(/^department:.*$/m, "department: NOWHERE"));
    });
    expect(error.message).toMatch(/department: "NOWHERE" is not in departments.yaml/);
  });

  it("reports YAML that does not parse, with the file", async () => {
    const error = await brokenCopy((d) => fs.writeFile(path.join(d, "synonyms.yaml"), "synonyms: [unclosed"));
    expect(error.message).toMatch(/synonyms\.yaml: /);
  });

  it("reports duplicate item codes", async () => {
    const error = await brokenCopy(async (d) => {
      const items = path.join(d, "items");
      const [first] = await fs.readdir(items);
      await fs.copyFile(path.join(items, first!), path.join(items, `ZZ${first}`));
    });
    expect(error.message).toMatch(/appears more than once/);
  });
});

// Issue 15, import: a city's list of service items (事项清单) from real XLSX and CSV files into
// item files — a dry run that shows added / changed / unchanged and every bad row by number,
// `--write` that writes the good rows (an existing item keeps its comments, examples and
// aliases), 实施主体 matched to departments or mapped with --map. And the generated city list
// the scale benchmark uses: deterministic, 1,000+ distinct names, every row importable.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cityCatalogRows, NEW_DEPARTMENTS } from "../bench/city-catalog.ts";
import { runCatalogCommand } from "../scripts/catalog.ts";
import { planImport } from "../src/knowledge/catalog-import.ts";
import { serviceItemSchema } from "../src/knowledge/catalog-schema.ts";
import { exampleQuestions, nameVariants } from "../src/knowledge/item-examples.ts";
import { loadCatalog } from "../src/knowledge/load-catalog.ts";

const root = path.resolve(import.meta.dirname, "..");
const HEADER = [
  "事项名称",
  "事项编码",
  "实施主体",
  "办理材料",
  "办理流程",
  "法定办结时限",
  "承诺办结时限",
  "收费",
  "办理地点",
  "网办地址",
  "咨询电话",
];
/** Row 2: new; row 3: the sample GA003 with new official fields; row 4: no materials; row 5: unknown agency; row 6: bad link. */
const ROWS: (string | number)[][] = [
  [
    "临时居民身份证补领",
    "GA201",
    "市公安局",
    "1.居民户口簿（原件）\n2.近期免冠照片",
    "1.窗口受理；2.审核；3.领证",
    3,
    1,
    "工本费10元",
    "各派出所户籍窗口",
    "https://zwfw.example.gov.cn/ga/lszbl",
    "0000-62345110",
  ],
  [
    "居民身份证补领",
    "GA003",
    "市公安局",
    "居民户口簿（原件）",
    "受理→制证→领证",
    60,
    20,
    "工本费20元",
    "户籍窗口",
    "",
    "",
  ],
  ["出租汽车驾驶员从业资格证补发", "JT201", "市交通运输局", "", "受理", 20, 5, "否", "交通窗口", "", ""],
  ["导游证补发", "WL201", "市旅游发展委员会", "身份证", "受理", 10, 5, "否", "文旅窗口", "", ""],
  ["渔业捕捞许可证核发", "NY201", "市农业农村局", "申请书", "受理", 20, 10, "否", "农业窗口", "zwfw 农业", ""],
];

let dir: string;
let items: string;

async function writeXlsx(file: string, rows: (string | number)[][]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("事项清单");
  sheet.addRow(HEADER);
  for (const row of rows) sheet.addRow(row);
  await workbook.xlsx.writeFile(file);
}

function csv(rows: (string | number)[][]): string {
  const field = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `\uFEFF${[HEADER, ...rows].map((r) => r.map(field).join(",")).join("\r\n")}\r\n`;
}

async function run(...args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runCatalogCommand(args, (line) => lines.push(line));
  return { code, output: lines.join("\n") };
}

async function listItems(): Promise<string[]> {
  return (await fs.readdir(items)).sort();
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "catalog-import-"));
  items = path.join(dir, "items");
  await fs.mkdir(items);
  // An item already there, as people wrote it (comment, examples, aliases).
  await fs.copyFile(path.join(root, "intents/items/GA003.yaml"), path.join(items, "GA003.yaml"));
  await writeXlsx(path.join(dir, "list.xlsx"), ROWS);
  await fs.writeFile(path.join(dir, "list.csv"), csv(ROWS));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("npm run catalog -- import", () => {
  it("previews an XLSX list without writing: added, changed fields, unchanged, each bad row by number", async () => {
    const before = await fs.readFile(path.join(items, "GA003.yaml"), "utf8");
    const { code, output } = await run("import", path.join(dir, "list.xlsx"), "--out", items);
    expect(code).toBe(1);
    expect(output).toContain("新增 1 项：\n  GA201 临时居民身份证补领");
    expect(output).toMatch(/变更 1 项：\n {2}GA003 居民身份证补领（办理材料、办理流程、办结时限、收费、办理地点）/);
    expect(output).toContain("第 4 行：「办理材料」为空");
    expect(output).toContain("第 5 行：实施主体「市旅游发展委员会」在 departments.yaml 中找不到对应部门");
    expect(output).toContain("第 6 行：网办地址「zwfw 农业」不是有效的网址");
    expect(output).toContain("找不到对应部门的实施主体：市旅游发展委员会");
    expect(output).toContain("这是预览，没有写入任何文件");
    expect(await listItems()).toEqual(["GA003.yaml"]);
    expect(await fs.readFile(path.join(items, "GA003.yaml"), "utf8")).toBe(before);
  });

  it("reads the same list from a CSV (UTF-8 with BOM, a quoted cell over two lines) with the same row numbers", async () => {
    const { output } = await run("import", path.join(dir, "list.csv"), "--out", items);
    expect(output).toContain("新增 1 项：\n  GA201 临时居民身份证补领");
    expect(output).toContain("第 4 行：「办理材料」为空");
    expect(output).toContain("第 6 行：网办地址");
  });

  it("reads a CSV saved by Excel in GB18030", async () => {
    // GB18030 bytes of a one-row list, written by hand (Node has no GB encoder).
    const gbk = Buffer.from("ca c2 cf ee c3 fb b3 c6 2c ca c2 cf ee b1 e0 c2 eb 0a".replace(/ /g, ""), "hex"); // 事项名称,事项编码\n
    await fs.writeFile(path.join(dir, "gb.csv"), Buffer.concat([gbk, Buffer.from(",GA202\n")]));
    const { output } = await run("import", path.join(dir, "gb.csv"), "--out", items);
    expect(output).toContain("第 2 行：「事项名称」为空");
    expect(output).not.toContain("「事项编码」为空");
  });

  it("writes the good rows with --write; an existing item keeps its comment, examples and aliases", async () => {
    const before = serviceItemSchema.parse(parseYaml(await fs.readFile(path.join(items, "GA003.yaml"), "utf8")));
    const { code, output } = await run(
      "import",
      path.join(dir, "list.xlsx"),
      "--out",
      items,
      "--map",
      "市旅游发展委员会=WL",
      "--write",
    );
    expect(code).toBe(1); // rows 4 and 6 are still bad
    expect(output).toContain("已写入 3 个文件");
    expect(output).not.toContain("找不到对应部门的实施主体");
    expect(await listItems()).toEqual(["GA003.yaml", "GA201.yaml", "WL201.yaml"]);

    const added = serviceItemSchema.parse(parseYaml(await fs.readFile(path.join(items, "GA201.yaml"), "utf8")));
    expect(added).toMatchObject({
      department: "GA",
      materials: [{ name: "居民户口簿", copies: "原件" }, { name: "近期免冠照片" }],
      steps: ["窗口受理", "审核", "领证"],
      timeLimit: "承诺1个工作日（法定3个工作日）",
      fee: "工本费10元",
      location: "各派出所户籍窗口（咨询电话：0000-62345110）",
    });
    expect(added.examples.length).toBeGreaterThanOrEqual(6);
    expect(added.examples).toContain("补办临时居民身份证需要什么材料");

    const changedText = await fs.readFile(path.join(items, "GA003.yaml"), "utf8");
    expect(changedText.startsWith("# 示例数据")).toBe(true);
    const changed = serviceItemSchema.parse(parseYaml(changedText));
    expect(changed.examples).toEqual(before.examples);
    expect(changed.aliases).toEqual(before.aliases);
    expect(changed.officeHours).toBe(before.officeHours); // the list has no 办公时间 column
    expect(changed.legalBasis).toEqual(before.legalBasis);
    expect(changed.steps).toEqual(["受理", "制证", "领证"]);
    expect(changed.onlineUrl).toBeNull();

    // The same list again: nothing to add or change.
    const again = await run("import", path.join(dir, "list.xlsx"), "--out", items, "--map", "市旅游发展委员会=WL");
    expect(again.output).toContain("新增 0 项");
    expect(again.output).toContain("变更 0 项");
    expect(again.output).toContain("未变 3 项");
  });

  it("refuses a --map to a department that does not exist, and a file it cannot read", async () => {
    expect((await run("import", path.join(dir, "list.xlsx"), "--map", "市旅游发展委员会=XX")).output).toContain(
      "--map 里的部门编码不在 departments.yaml 中：XX",
    );
    const missing = await run("import", path.join(dir, "nope.xlsx"));
    expect(missing.code).toBe(2);
    expect(missing.output).toContain("找不到文件");
    expect((await run("export")).code).toBe(2);
  });

  it("imported items load with the catalog: a copy of intents/ with the list written into it", async () => {
    const intents = path.join(dir, "intents");
    await fs.cp(path.join(root, "intents"), intents, { recursive: true });
    const { code } = await run(
      "import",
      path.join(dir, "list.xlsx"),
      "--intents",
      intents,
      "--out",
      path.join(intents, "items"),
      "--map",
      "市旅游发展委员会=WL",
      "--write",
    );
    expect(code).toBe(1);
    const catalog = await loadCatalog(intents);
    expect(catalog.items.map((i) => i.code)).toEqual(expect.arrayContaining(["GA201", "WL201", "GA003"]));
  });
});

describe("example questions from a name", () => {
  it("shortens names the way citizens do and asks about each part of the guide", () => {
    expect(nameVariants("居民身份证换领")).toEqual(["居民身份证换领", "身份证换领", "换身份证"]);
    expect(nameVariants("企业职工基本养老保险参保登记（个人）")).toEqual([
      "企业职工基本养老保险参保登记（个人）",
      "个人企业职工基本养老保险参保登记",
    ]);
    expect(nameVariants("普通护照补发")).toContain("补办普通护照");
    const questions = exampleQuestions("居民身份证换领", ["身份证到期"]);
    expect(new Set(questions).size).toBe(questions.length);
    for (const form of ["怎么办", "需要什么材料", "多少钱", "多久", "在哪里办", "网上办"])
      expect(questions.some((q) => q.includes(form))).toBe(true);
    expect(questions.some((q) => q.startsWith("身份证到期"))).toBe(true);
  });
});

describe("the generated city list (bench/city-catalog.ts)", () => {
  it("is the same for the same seed, 1,000+ distinct names with near-twins, and every row imports", async () => {
    const rows = cityCatalogRows({ count: 1_200, seed: 15 });
    expect(rows.length).toBe(1_200);
    expect(cityCatalogRows({ count: 1_200, seed: 15 })).toEqual(rows);
    expect(cityCatalogRows({ count: 1_200, seed: 16 })).not.toEqual(rows);
    const names = new Set(rows.map((r) => r.事项名称));
    expect(names.size).toBe(rows.length);
    const all = new Set(cityCatalogRows({ count: 10_000, seed: 15 }).map((r) => r.事项名称));
    for (const twin of ["居住证换领", "居住证补领", "有限责任公司设立登记", "有限责任公司注销登记"])
      expect(all.has(twin)).toBe(true);
    expect([...all].some((n) => n.endsWith("（个人）")) && [...all].some((n) => n.endsWith("（单位）"))).toBe(true);

    const sample = await loadCatalog(path.join(root, "intents"));
    const plan = await planImport(
      rows.map((fields, i) => ({ line: i + 2, fields: { ...fields } })),
      { departments: [...sample.departments, ...NEW_DEPARTMENTS], itemsDir: path.join(dir, "no-such-dir") },
    );
    expect(plan.rejected).toEqual([]);
    expect(plan.added.length).toBe(1_200);
  });
});

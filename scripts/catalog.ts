// `npm run catalog -- import <file.xlsx|file.csv>`: a city's list of service items (事项清单)
// into intents/items/, one file per item. A dry run by default: it prints what would be
// added, what would change (which fields) and what is already there, and every bad row with
// its row number; `--write` writes the good rows. See docs/catalog.md.
import fs from "node:fs";
import path from "node:path";
import { departmentsFileSchema } from "../src/knowledge/catalog-schema.ts";
import { type ImportPlan, planImport, type SheetRow, writeImport } from "../src/knowledge/catalog-import.ts";
import { FIELD_LABELS } from "../src/knowledge/item-sheet-row.ts";
import { readDataFile } from "../src/knowledge/read-data-file.ts";
import { csvLines, xlsxLines } from "../src/opinion/opinion-import.ts";

const root = path.resolve(import.meta.dirname, "..");
const SHOWN = 30;

/** A path as the user may type it: relative to the working directory when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}

const USAGE = `用法：
  npm run catalog -- import <事项清单.xlsx|事项清单.csv> [--out <目录>] [--intents <目录>] [--map 实施主体=部门编码]… [--write]

  --out      事项文件写到哪个目录（默认 intents/items）
  --intents  departments.yaml 所在目录（默认 intents）
  --map      把 departments.yaml 里没有的实施主体对应到部门编码，可重复，如 --map 市公安局出入境管理支队=GA
  --write    写入文件；不加时只预览，不写任何文件

列：事项名称、事项编码、实施主体、办理材料、办理流程、法定办结时限、承诺办结时限、收费、办理地点、网办地址、咨询电话；
可选：别名、办公时间、设定依据。详见 docs/catalog.md。`;

interface Args {
  file: string;
  out: string;
  intents: string;
  mapping: Map<string, string>;
  write: boolean;
}

function parseArgs(argv: string[]): Args | string {
  const [command, ...rest] = argv;
  if (command !== "import") return command ? `未知命令「${command}」。` : "缺少命令。";
  const args: Args = {
    file: "",
    out: path.join(root, "intents/items"),
    intents: path.join(root, "intents"),
    mapping: new Map(),
    write: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${arg} 后缺少值。`);
      return v;
    };
    if (arg === "--write") args.write = true;
    else if (arg === "--out") args.out = path.resolve(value());
    else if (arg === "--intents") args.intents = path.resolve(value());
    else if (arg === "--map") {
      const pair = value();
      const at = pair.lastIndexOf("=");
      if (at <= 0 || at === pair.length - 1) return `--map 的格式应为 实施主体=部门编码，而不是「${pair}」。`;
      args.mapping.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    } else if (arg.startsWith("--")) return `未知选项「${arg}」。`;
    else if (args.file) return `只能导入一个文件（多了「${arg}」）。`;
    else args.file = path.resolve(arg);
  }
  if (!args.file) return "缺少要导入的文件。";
  return args;
}

/** A CSV's text: UTF-8 (a BOM is dropped by the reader), else GB18030, as Excel in China saves it. */
function csvText(file: string): string {
  const bytes = fs.readFileSync(file);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

/**
 * A CSV's records numbered as a spreadsheet shows the file (header = row 1): the reader
 * counts lines, and a quoted cell over several lines is still one row.
 */
async function* csvRows(file: string): AsyncGenerator<SheetRow> {
  let breaks = 0;
  const records = csvLines(
    (async function* () {
      yield csvText(file);
    })(),
  ) as AsyncIterable<SheetRow>;
  for await (const { line, fields } of records) {
    yield { line: line - breaks, fields };
    for (const value of Object.values(fields)) breaks += String(value).split("\n").length - 1;
  }
}

function sheetRows(file: string): AsyncIterable<SheetRow> {
  const lower = file.toLowerCase();
  if (lower.endsWith(".xlsx")) return xlsxLines(file) as AsyncIterable<SheetRow>;
  if (lower.endsWith(".csv")) return csvRows(file);
  throw new Error(`只支持 .xlsx 和 .csv 文件：${file}`);
}

function report(plan: ImportPlan, args: Args, print: (line: string) => void): void {
  const label = (code: string, name: string) => `${code} ${name}`;
  const list = (title: string, lines: string[]) => {
    print(`${title}`);
    for (const line of lines.slice(0, SHOWN)) print(`  ${line}`);
    if (lines.length > SHOWN) print(`  …另有 ${lines.length - SHOWN} 项`);
  };
  const out = shown(args.out);
  list(
    `新增 ${plan.added.length} 项：`,
    plan.added.map(({ item }) => label(item.code, item.name)),
  );
  list(
    `变更 ${plan.changed.length} 项：`,
    plan.changed.map(
      ({ item, fields }) => `${label(item.code, item.name)}（${fields.map((f) => FIELD_LABELS[f] ?? f).join("、")}）`,
    ),
  );
  print(`未变 ${plan.unchanged.length} 项`);
  if (plan.rejected.length > 0) {
    print(`有问题的行 ${plan.rejected.length} 行（不导入，其余行不受影响）：`);
    for (const { line, problems } of plan.rejected) print(`  第 ${line} 行：${problems.join("；")}`);
  }
  if (plan.unknownAgencies.length > 0) {
    print(
      `找不到对应部门的实施主体：${plan.unknownAgencies.join("、")}。请在 ${shown(path.join(args.intents, "departments.yaml"))} 中添加该部门或给已有部门加别名，或用 --map 实施主体=部门编码 指定。`,
    );
  }
  if (!args.write && plan.added.length + plan.changed.length > 0)
    print(`这是预览，没有写入任何文件。确认无误后加 --write 写入 ${out}。`);
}

/** Runs the command; returns the exit code (0 ok, 1 some rows were bad, 2 wrong usage or unreadable input). */
export async function runCatalogCommand(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  let args: Args | string;
  try {
    args = parseArgs(argv);
  } catch (error) {
    args = (error as Error).message;
  }
  if (typeof args === "string") {
    print(`${args}\n\n${USAGE}`);
    return 2;
  }
  const problems: string[] = [];
  const departmentsFile = await readDataFile(args.intents, "departments.yaml", departmentsFileSchema, problems);
  if (!departmentsFile) {
    print(`无法读取部门清单：\n  ${problems.join("\n  ")}`);
    return 2;
  }
  const codes = new Set(departmentsFile.departments.map((d) => d.code));
  const wrong = [...args.mapping.values()].filter((code) => !codes.has(code));
  if (wrong.length > 0) {
    print(`--map 里的部门编码不在 departments.yaml 中：${[...new Set(wrong)].join("、")}`);
    return 2;
  }
  let plan: ImportPlan;
  try {
    if (!fs.existsSync(args.file)) throw new Error(`找不到文件：${args.file}`);
    plan = await planImport(sheetRows(args.file), {
      departments: departmentsFile.departments,
      mapping: args.mapping,
      itemsDir: args.out,
    });
  } catch (error) {
    print(`无法读取事项清单：${(error as Error).message}`);
    return 2;
  }
  print(`事项清单 ${path.basename(args.file)}：`);
  report(plan, args, print);
  if (args.write) {
    const written = await writeImport(plan, args.out, path.basename(args.file));
    print(`已写入 ${written} 个文件到 ${shown(args.out)}。运行中的服务会自动重新加载。`);
  }
  return plan.rejected.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runCatalogCommand(process.argv.slice(2));

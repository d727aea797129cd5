// One row of a city's list of service items (事项清单), as exported from a provincial
// government-service platform to XLSX or CSV, made into a service item of our schema: the
// standard columns (事项名称, 事项编码, 实施主体, 办理材料, 办理流程, 法定/承诺办结时限, 收费,
// 办理地点, 网办地址, 咨询电话) and a few optional ones (别名, 办公时间, 设定依据). 实施主体 is
// matched to a department of intents/departments.yaml. A row that cannot become a valid item
// gets its problems in Chinese, each naming the column; the caller adds the row number.
import { type ServiceItem, serviceItemSchema } from "./catalog-schema.ts";
import type { AgencyMatcher } from "./agency-matcher.ts";
import { exampleQuestions } from "./item-examples.ts";

/** Our field → the column headers it is read from, the standard one first. */
export const ITEM_COLUMNS = {
  name: ["事项名称"],
  code: ["事项编码", "基本编码", "实施编码"],
  agency: ["实施主体", "实施机构"],
  materials: ["办理材料", "申请材料"],
  steps: ["办理流程"],
  legalLimit: ["法定办结时限", "法定时限"],
  promisedLimit: ["承诺办结时限", "承诺时限"],
  fee: ["收费", "收费标准", "是否收费"],
  location: ["办理地点"],
  onlineUrl: ["网办地址", "网上办理地址"],
  phone: ["咨询电话", "咨询方式"],
  aliases: ["别名", "俗称"],
  officeHours: ["办公时间", "办理时间"],
  legalBasis: ["设定依据", "法律依据"],
} as const;
type Column = keyof typeof ITEM_COLUMNS;

/** What an item gets when its row has no 办公时间 or 设定依据 column (the schema needs both). */
export const DEFAULT_OFFICE_HOURS = "以办理地点公布的办公时间为准";
export const DEFAULT_LEGAL_BASIS = "以本地政务服务事项目录公布的设定依据为准";

/** The label a schema field is reported under. */
export const FIELD_LABELS: Record<string, string> = {
  code: "事项编码",
  name: "事项名称",
  department: "实施主体",
  aliases: "别名",
  examples: "示例问法",
  materials: "办理材料",
  steps: "办理流程",
  timeLimit: "办结时限",
  fee: "收费",
  location: "办理地点",
  onlineUrl: "网办地址",
  officeHours: "办公时间",
  legalBasis: "设定依据",
};

export type RowResult =
  | {
      ok: true;
      item: ServiceItem;
      /** Fields the row has no column for, given a placeholder: an item already in the catalog keeps its own. */
      defaulted: ("officeHours" | "legalBasis")[];
    }
  | {
      ok: false;
      problems: string[];
      /** The 实施主体 no department matched, when that is one of the problems. */
      unknownAgency?: string;
    };

/** A cell as trimmed text ("" when empty); numbers (a phone, a number of days) as written. */
function text(fields: Record<string, unknown>, column: Column): string {
  for (const header of ITEM_COLUMNS[column]) {
    const value = fields[header];
    if (value !== undefined && value !== null && String(value).trim() !== "") return String(value).trim();
  }
  return "";
}

/** A list written in one cell: one entry a line, or separated by ；/;, or numbered (1. 2、 ①). */
export function splitList(cell: string): string[] {
  return cell
    .replace(/\r/g, "")
    .split(/\n|[；;]|(?<!\d)(?=\d{1,2}[.、．][^\d\s])|(?=[①②③④⑤⑥⑦⑧⑨⑩])|→|->/u)
    .map((entry) =>
      entry
        .trim()
        .replace(/^(?:\d{1,2}[.、．]|[①②③④⑤⑥⑦⑧⑨⑩])\s*/u, "")
        .replace(/[。，,]$/u, "")
        .trim(),
    )
    .filter((entry) => entry.length > 0);
}

/** 居民户口簿（原件1份） → the material 居民户口簿 with its copies. */
function material(entry: string): ServiceItem["materials"][number] {
  const copies = /^(.+?)[（(]((?:原件|复印件|电子版|扫描件)[^）)]*)[）)]$/u.exec(entry);
  return copies ? { name: copies[1]!.trim(), copies: copies[2]!.trim() } : { name: entry };
}

/** A time limit as citizens read it: "20" → "20个工作日", "0" or 即办 → "即时办结". */
function limit(cell: string): string {
  if (/^\d+(\.\d+)?$/.test(cell)) return Number(cell) === 0 ? "即时办结" : `${cell}个工作日`;
  if (/^(即办|即时办理|当场办结)$/.test(cell)) return "即时办结";
  return cell;
}

/** 承诺 first (what the centre promises), the legal limit beside it when it differs. */
function timeLimit(promised: string, legal: string): string {
  const p = promised && limit(promised);
  const l = legal && limit(legal);
  if (p && l && p !== l) return `承诺${p}（法定${l}）`;
  return p || l;
}

function fee(cell: string): string {
  return /^(否|无|不收费|免费|0(\.0+)?|0元)$/.test(cell) ? "不收费" : cell;
}

function onlineUrl(cell: string): string | null {
  return cell === "" || /^(无|否|暂无|不支持)$/.test(cell) ? null : cell;
}

/** The row as a service item of our schema, or what is wrong with it (column by column, in Chinese). */
export function itemFromRow(fields: Record<string, unknown>, agencies: AgencyMatcher): RowResult {
  const problems: string[] = [];
  const required = (column: Column, label: string): string => {
    const value = text(fields, column);
    if (value === "") problems.push(`「${label}」为空`);
    return value;
  };
  const name = required("name", "事项名称");
  const code = required("code", "事项编码");
  const agency = required("agency", "实施主体");
  const materials = splitList(required("materials", "办理材料"));
  const steps = splitList(required("steps", "办理流程"));
  const limitText = timeLimit(text(fields, "promisedLimit"), text(fields, "legalLimit"));
  if (limitText === "") problems.push("「承诺办结时限」和「法定办结时限」都为空");
  const feeText = required("fee", "收费");
  const place = required("location", "办理地点");
  const phone = text(fields, "phone");
  const legalBasis = splitList(text(fields, "legalBasis"));

  let department: string | undefined;
  let unknownAgency: string | undefined;
  if (agency !== "") {
    department = agencies.department(agency);
    if (!department) {
      unknownAgency = agency;
      problems.push(`实施主体「${agency}」在 departments.yaml 中找不到对应部门`);
    }
  }
  if (problems.length > 0) return { ok: false, problems, unknownAgency };

  const aliases = splitList(text(fields, "aliases").replace(/[、，,]/g, "\n")).filter((a) => a !== name);
  const candidate = {
    code,
    name,
    department,
    aliases,
    examples: exampleQuestions(name, aliases),
    materials: materials.map(material),
    steps,
    timeLimit: limitText,
    fee: fee(feeText),
    location: phone ? `${place}（咨询电话：${phone}）` : place,
    onlineUrl: onlineUrl(text(fields, "onlineUrl")),
    officeHours: text(fields, "officeHours") || DEFAULT_OFFICE_HOURS,
    legalBasis: legalBasis.length > 0 ? legalBasis : [DEFAULT_LEGAL_BASIS],
  };
  const parsed = serviceItemSchema.safeParse(candidate);
  if (parsed.success) {
    const defaulted: ("officeHours" | "legalBasis")[] = [];
    if (candidate.officeHours === DEFAULT_OFFICE_HOURS) defaulted.push("officeHours");
    if (legalBasis.length === 0) defaulted.push("legalBasis");
    return { ok: true, item: parsed.data, defaulted };
  }
  return { ok: false, problems: parsed.error.issues.map((issue) => schemaProblem(issue, candidate)) };
}

function schemaProblem(issue: { path: PropertyKey[]; message: string }, candidate: Record<string, unknown>): string {
  const field = String(issue.path[0] ?? "");
  const label = FIELD_LABELS[field] ?? field;
  if (field === "code") return `事项编码「${candidate.code}」格式不对：应为 2–4 个大写字母加数字，如 GA001`;
  if (field === "onlineUrl") return `网办地址「${candidate.onlineUrl}」不是有效的网址（没有网办请留空）`;
  return `「${label}」不符合要求（${issue.message}）`;
}

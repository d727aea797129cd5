// Place mentions in a message, for routing, for the ticket and for finding duplicates:
// district (区/县), township (街道/镇/乡), street (路/街/大道/巷/胡同, with its house number),
// village (村/社区), residential complex (小区/花园/家园/苑 …) and landmark (广场/公园/医院/
// 学校/市场/车站/大厦). A place is a short name followed by one of
// these suffixes, read left to right so that "朝阳区建国路88号阳光小区" splits into three.
// Without a gazetteer this is a heuristic: names stop at function words and at verbs that
// usually precede an address ("反映", "住在"), generic words (马路, 农村, 景区) are no place,
// and a word starting with the suffix a place just ended with is no part of it ("人民路路灯"
// is 人民路 and a street lamp, "广场舞" a dance).

export type PlaceKind = "district" | "township" | "street" | "village" | "complex" | "landmark";

export interface PlaceMention {
  kind: PlaceKind;
  /** Name with its suffix, e.g. 朝阳区, 建国路88号, 阳光小区. */
  name: string;
  index: number;
  /** The house number that ends a street's name ("88号" of 建国路88号), if any. */
  houseNumber?: string;
}

export type Address = Partial<Record<PlaceKind, string>>;

// Longest first at each position, so "小区" is not read as "区" and "街道" not as "街".
const SUFFIXES: [string, PlaceKind][] = (
  [
    ["小区", "complex"],
    ["花园", "complex"],
    ["家园", "complex"],
    ["嘉园", "complex"],
    ["公寓", "complex"],
    ["新村", "complex"],
    ["苑", "complex"],
    ["广场", "landmark"],
    ["公园", "landmark"],
    ["医院", "landmark"],
    ["学校", "landmark"],
    ["市场", "landmark"],
    ["车站", "landmark"],
    ["大厦", "landmark"],
    ["社区", "village"],
    ["街道", "township"],
    ["镇", "township"],
    ["乡", "township"],
    ["大街", "street"],
    ["大道", "street"],
    ["胡同", "street"],
    ["路", "street"],
    ["街", "street"],
    ["巷", "street"],
    ["村", "village"],
    ["区", "district"],
    ["县", "district"],
  ] as [string, PlaceKind][]
).sort((a, b) => b[0].length - a[0].length);

const MAX_NAME: Record<PlaceKind, number> = {
  district: 4,
  township: 5,
  street: 6,
  village: 5,
  complex: 6,
  landmark: 6,
};
const MIN_NAME = 2;
// Characters that are not part of a place name: pronouns, particles, common verbs, punctuation.
const NOT_NAME =
  /[\s\p{P}\p{S}在住到从是的我你他她它们这那个了着过也都就还很说要想让叫于把被给对向往去来有没不请问吗呢吧啊]/u;
// Join two places in a list.
const CONJUNCTIONS = "和与及或";
// Words that often sit right before an address; the name starts after them.
const LEAD_INS = [
  "反映",
  "举报",
  "投诉",
  "位于",
  "地址",
  "住址",
  "居住",
  "家住",
  "居民",
  "业主",
  "村民",
  "市民",
  "附近",
  "对面",
  "旁边",
  "门口",
  "路过",
  "经过",
  "前往",
  "所在",
  "隔壁",
  "交叉口",
];
// Words that begin with a suffix but never end a place name: 路灯 is a street lamp
// ("交叉口路灯" is no road), 广场舞 a dance.
const NEVER_SUFFIX = ["路灯", "广场舞"];
// Ordinary words right after a place that start with the suffix it ended with: "人民路路灯"
// is 人民路 + 路灯, not a road called 人民路路. Skipped whole, so no name starts inside them.
const SUFFIX_WORDS = [
  "路灯",
  "路面",
  "路口",
  "路边",
  "路段",
  "路旁",
  "路上",
  "路牌",
  "路况",
  "路基",
  "路沿",
  "路人",
  "路过",
  "街道办",
  "街边",
  "街头",
  "街面",
  "街角",
  "街上",
  "巷口",
  "巷子",
  "巷内",
  "道路",
];
// Verbs with 路 as their object: a "name" ending in one is a clause, not a road
// ("晚上走路很危险", "门口正在修路").
const ROAD_VERBS = ["走路", "带路", "让路", "修路", "堵路", "赶路", "问路", "绕路", "拦路", "挡路", "占路"];
// Name + suffix combinations that are ordinary words, not places.
const GENERIC = new Set([
  "马路",
  "道路",
  "公路",
  "铁路",
  "线路",
  "电路",
  "网路",
  "走路",
  "带路",
  "让路",
  "修路",
  "堵路",
  "一路",
  "半路",
  "出路",
  "思路",
  "过马路",
  "大马路",
  "小路",
  "土路",
  "城区",
  "市区",
  "郊区",
  "景区",
  "园区",
  "社区",
  "学区",
  "片区",
  "辖区",
  "校区",
  "厂区",
  "新区",
  "老区",
  "山区",
  "矿区",
  "库区",
  "灾区",
  "禁区",
  "误区",
  "营区",
  "住宅区",
  "居民区",
  "商业区",
  "开发区",
  "工业区",
  "生活区",
  "停车区",
  "服务区",
  "农村",
  "乡村",
  "山村",
  "渔村",
  "全村",
  "本村",
  "邻村",
  "外村",
  "城中村",
  "新农村",
  "度假村",
  "城镇",
  "乡镇",
  "村镇",
  "小镇",
  "古镇",
  "家乡",
  "老乡",
  "城乡",
  "下乡",
  "回乡",
  "故乡",
  "大街",
  "逛街",
  "上街",
  "沿街",
  "临街",
  "步行街",
  "商业街",
  "美食街",
  "花园",
  "公园",
  "家园",
  "小区",
  "公寓",
  "人才公寓",
  "老小区",
  "农贸市场",
  "批发市场",
  "公交车站",
]);

export function findPlaces(text: string): PlaceMention[] {
  const found: PlaceMention[] = [];
  let nameStart = 0;
  for (let i = 0; i < text.length; ) {
    const suffix = NEVER_SUFFIX.some((w) => text.startsWith(w, i))
      ? undefined
      : SUFFIXES.find(([s]) => text.startsWith(s, i));
    if (!suffix) {
      if (NOT_NAME.test(text[i]!)) nameStart = i + 1;
      i++;
      continue;
    }
    const [word, kind] = suffix;
    const number = kind === "street" ? houseNumber(text, i + word.length) : "";
    const end = i + word.length + number.length;
    const previous = found.at(-1);
    const adjacent = previous !== undefined && previous.index + previous.name.length === i;
    if (adjacent && previous.name.endsWith(text[i]!)) {
      // "人民路" + "路灯", "和平街" + "街道办": the suffix begins an ordinary word.
      const skip = SUFFIX_WORDS.find((w) => text.startsWith(w, i)) ?? word;
      nameStart = i = i + skip.length;
      continue;
    }
    let name = nameBefore(text, nameStart, i, kind);
    if (adjacent && name === "") {
      // "中关村" + "大街", "幸福家园" + "小区": one place, named by its last suffix.
      previous.name = text.slice(previous.index, end);
      previous.kind = kind;
      if (number) previous.houseNumber = number;
      else delete previous.houseNumber;
      nameStart = i = end;
      continue;
    }
    // "朝阳区和海淀区" lists two places of a kind; "东城区和平里街道" is one name starting with 和.
    if (
      previous &&
      CONJUNCTIONS.includes(name[0] ?? "") &&
      previous.kind === kind &&
      i - name.length === previous.index + previous.name.length
    ) {
      name = name.slice(1);
    }
    const full = `${name}${text.slice(i, end)}`;
    const clause = word === "路" && ROAD_VERBS.some((verb) => `${name}${word}`.endsWith(verb));
    if (name.length >= MIN_NAME && !clause && !GENERIC.has(`${name}${word}`) && !GENERIC.has(full)) {
      found.push({ kind, name: full, index: i - name.length, ...(number ? { houseNumber: number } : {}) });
      nameStart = i = end;
      continue;
    }
    // Not a place: the suffix character may still begin the next name ("路口" …).
    i++;
  }
  return found;
}

/** The first place of each kind: the fields a ticket keeps. */
export function addressOf(places: readonly PlaceMention[]): Address {
  const address: Address = {};
  for (const place of places) address[place.kind] ??= place.name;
  return address;
}

function nameBefore(text: string, from: number, to: number, kind: PlaceKind): string {
  let name = text.slice(Math.max(from, to - 2 * MAX_NAME[kind]), to);
  for (const leadIn of LEAD_INS) {
    const at = name.lastIndexOf(leadIn);
    if (at >= 0) name = name.slice(at + leadIn.length);
  }
  return name.slice(-MAX_NAME[kind]);
}

// "88号", "88号院", "3-1号": the house number that follows a street name.
function houseNumber(text: string, from: number): string {
  return /^(?:\d+(?:-\d+)?|[一二三四五六七八九十百]+)号院?/.exec(text.slice(from))?.[0] ?? "";
}

// A synthetic 8-week stream of citizen messages for the alert and topic stream test
// (tests/opinion-stream.test.ts): seasonal traffic (day and week shape, the Monday-morning
// peak, the night lull), background noise on many ordinary matters across the sample city's
// places (intents/regions.yaml), one ordinary busy day, and three injected events — a sudden
// water outage at one street, a slowly growing smell near one community, a citywide negative
// surge about parking fees. Seeded and deterministic: the same seed gives the same stream.
import type { Region } from "../../src/knowledge/gazetteer-schema.ts";

/**
 * Seeds the settings were chosen on (101; 102 for a later experiment; 112, 114, 115 and 116 for
 * the twin merge and the young topics' place bonus, docs/opinion.md); the test asserts on the
 * held-out ones only. 103–105 were run once as a second check after the held-out seeds, not
 * tuned on (docs/opinion.md).
 */
export const TUNING_SEEDS = [101, 102, 112, 114, 115, 116] as const;
export const HELD_OUT_SEEDS = [202, 303, 404] as const;

export const STREAM_WEEKS = 8;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** Monday 2026-08-03 00:00 in Asia/Shanghai. */
export const STREAM_START = Date.parse("2026-08-03T00:00:00+08:00");

export interface StreamMessage {
  id: string;
  time: number;
  text: string;
  /** The background matter or the event it was written for. */
  kind: string;
  /** The domain a classifier would give it. */
  domain: string;
  event?: EventName;
}

export type EventName = "sudden" | "slow" | "surge";

export interface InjectedEvent {
  name: EventName;
  description: string;
  /** Its messages' ids, in time order. */
  ids: string[];
  times: number[];
}

export interface OpinionStream {
  seed: number;
  start: number;
  end: number;
  messages: StreamMessage[];
  events: InjectedEvent[];
  /** Midnight (local) of the ordinary busy day. */
  busyDay: number;
}

/** Mulberry32: small, fast, and the same on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

// Messages per hour (local time) relative to a weekday's mean: a night lull, a morning peak
// when offices open, an afternoon peak, a quieter evening.
const HOUR_SHAPE = [
  0.12, 0.08, 0.06, 0.05, 0.06, 0.12, 0.35, 0.75, 1.35, 1.8, 1.75, 1.5, 0.95, 1.05, 1.55, 1.6, 1.5, 1.2, 0.9, 1.0, 1.05,
  0.9, 0.6, 0.3,
];
/** Monday … Sunday. */
const DAY_SHAPE = [1.1, 1.0, 1.0, 1.0, 0.95, 0.6, 0.5];
/** The Monday-morning peak: the weekend's matters arrive at once. */
const MONDAY_MORNING = { from: 8, to: 12, factor: 1.5 };
/** Background messages per hour at shape 1. */
const BASE_RATE = 30;
const BUSY_DAY_FACTOR = 1.8;

const WHEN = ["最近", "这几天", "今天早上", "昨天晚上", "一直以来", "这个星期", "上个月开始", "今天", ""];
const ASK = [
  "希望尽快处理。",
  "请相关部门管一管。",
  "麻烦给个答复，谢谢。",
  "什么时候能解决？",
  "希望有人来看看。",
  "",
  "谢谢！",
  "已经反映过好几次了。",
];

interface Places {
  districts: Region[];
  streets: Region[];
  communities: Region[];
  roads: Region[];
  landmarks: Region[];
  byCode: Map<string, Region>;
}

function placesOf(regions: readonly Region[]): Places {
  const of = (level: Region["level"]) => regions.filter((r) => r.level === level);
  return {
    districts: of("district"),
    streets: of("street"),
    communities: of("community"),
    roads: of("road"),
    landmarks: of("landmark"),
    byCode: new Map(regions.map((r) => [r.code, r])),
  };
}

/** A background matter: how often, its domain, its wordings. {C} a community or complex, {R} a road, {L} a landmark, {S} a street, {D} a district, {W} when, {A} an ask. */
interface Matter {
  kind: string;
  domain: string;
  weight: number;
  templates: string[];
}

const MATTERS: Matter[] = [
  {
    kind: "road",
    domain: "城市管理",
    weight: 6,
    templates: [
      "{R}路面坑坑洼洼，{W}好几个骑电动车的摔倒了，{A}",
      "{R}靠近{C}那段路塌了一个大坑，晚上看不清很危险。{A}",
      "{R}修路修了半年还没修完，围挡占了一半车道，{A}",
      "{R}的井盖松了，车一压就响，{A}",
    ],
  },
  {
    kind: "streetlight",
    domain: "城市管理",
    weight: 4,
    templates: [
      "{R}的路灯{W}一直不亮，晚上走路黑乎乎的。{A}",
      "{C}门口那排路灯坏了好久了，老人晚上出门不方便，{A}",
      "{R}有几盏路灯白天亮晚上不亮，浪费电。{A}",
    ],
  },
  {
    kind: "water",
    domain: "供水",
    weight: 3,
    templates: [
      "{C}{W}水压很小，住高层的基本没水用，{A}",
      "{C}自来水有点发黄，能喝吗？{A}",
      "请问{C}明天计划停水吗？要停多久？",
      "{C}水费怎么比上个月多了一倍，是不是水表有问题？{A}",
    ],
  },
  {
    kind: "noise",
    domain: "环境保护",
    weight: 5,
    templates: [
      "{C}旁边的工地晚上十一点还在施工，噪音太大根本睡不着，{A}",
      "{C}楼下广场舞音响开得太响，{W}每天吵到晚上九点多，{A}",
      "{R}上的大货车半夜鸣笛，噪音扰民，{A}",
      "{C}楼上装修从早到晚电钻声不断，{A}",
    ],
  },
  {
    kind: "garbage",
    domain: "城市管理",
    weight: 5,
    templates: [
      "{C}的垃圾桶{W}满了没人清运，味道很大，苍蝇乱飞。{A}",
      "{C}垃圾分类点离楼太近，夏天臭得不行，{A}",
      "{R}路边有人乱倒建筑垃圾，{A}",
    ],
  },
  {
    kind: "fumes",
    domain: "环境保护",
    weight: 2,
    templates: ["{C}楼下的烧烤店油烟直接往楼上飘，窗户都不敢开，{A}", "{L}附近饭店的油烟气味很重，{A}"],
  },
  {
    kind: "parking",
    domain: "交通",
    weight: 4,
    templates: [
      "{L}门口乱停车，把消防通道都堵死了，{A}",
      "{C}小区里车位太少，晚上回来根本没地方停，{A}",
      "{R}两边违停的车太多，早高峰堵得走不动，{A}",
    ],
  },
  {
    kind: "bus",
    domain: "交通",
    weight: 3,
    templates: [
      "{R}的公交车{W}老是不准点，等了四十分钟都没来，{A}",
      "能不能在{C}附近加一个公交站？老人去医院很不方便。",
      "{L}到高铁南站的公交班次太少了，{A}",
    ],
  },
  {
    kind: "social-security",
    domain: "社会保障",
    weight: 5,
    templates: [
      "社保卡丢了怎么补办？要带什么材料？",
      "灵活就业人员的社保在哪里缴费，可以网上交吗？",
      "退休以后养老金什么时候开始发？",
      "换了工作社保怎么转移？",
      "我在{D}上班，社保断缴了一个月有影响吗？",
    ],
  },
  {
    kind: "housing-fund",
    domain: "住房",
    weight: 4,
    templates: [
      "公积金租房提取需要准备哪些材料？",
      "住房公积金贷款额度是怎么算的？",
      "离职了公积金可以全部取出来吗？",
      "公积金网上提取一直提示审核中，要多久？",
    ],
  },
  {
    kind: "medical-insurance",
    domain: "医疗卫生",
    weight: 4,
    templates: [
      "异地就医医保报销怎么备案？",
      "在{L}看病医保卡刷不了，说系统维护，{A}",
      "新生儿医保怎么办理？",
      "门诊慢特病怎么申请？需要什么证明？",
    ],
  },
  {
    kind: "property",
    domain: "住房",
    weight: 4,
    templates: [
      "{C}的物业不作为，电梯坏了一个星期没人修，{A}",
      "{C}物业费年年涨，服务越来越差，{A}",
      "{C}楼道里堆满杂物，物业也不管，{A}",
    ],
  },
  {
    kind: "drainage",
    domain: "城市管理",
    weight: 3,
    templates: [
      "{C}的下水道堵了，污水冒到路面上，{A}",
      "{R}一下雨就积水，{W}车都开不过去，{A}",
      "{C}化粪池满了往外溢，{A}",
    ],
  },
  {
    kind: "vendors",
    domain: "城市管理",
    weight: 3,
    templates: ["{R}占道经营的小摊太多，人行道都走不了，{A}", "{L}门口的流动摊贩晚上摆到很晚，垃圾扔一地，{A}"],
  },
  {
    kind: "greening",
    domain: "城市管理",
    weight: 2,
    templates: ["{C}楼前的树长得太高，挡住了阳光，能不能修剪一下？", "{R}的绿化带好久没人打理，杂草比人还高，{A}"],
  },
  {
    kind: "pets",
    domain: "公共安全",
    weight: 2,
    templates: ["{C}有人遛狗不牵绳，{W}吓到好几个小孩，{A}", "{C}流浪狗越来越多，晚上不敢出门，{A}"],
  },
  {
    kind: "school",
    domain: "教育",
    weight: 3,
    templates: [
      "孩子今年上小学，户口在{D}，需要准备哪些材料？",
      "{L}附近的学校什么时候开始报名？",
      "外地户口的孩子在{D}上学要办什么手续？",
    ],
  },
  {
    kind: "gas",
    domain: "供气",
    weight: 2,
    templates: ["{C}的燃气表坏了找谁来修？", "{C}天然气开通要多长时间？需要什么材料？"],
  },
  {
    kind: "building",
    domain: "城市管理",
    weight: 2,
    templates: ["{C}有人在楼顶私搭乱建，存在安全隐患，{A}", "{C}一楼住户把阳台往外扩建占了公共绿地，{A}"],
  },
  {
    kind: "praise",
    domain: "表扬",
    weight: 3,
    templates: [
      "感谢{S}的工作人员，耐心帮我办好了手续，服务很好！",
      "{L}的窗口办事效率很高，点个赞。",
      "上次反映的{R}路灯问题很快就修好了，谢谢你们！",
      "市民服务中心的工作人员态度特别好，非常满意。",
    ],
  },
];

interface Slots {
  C: () => string;
  R: () => string;
  L: () => string;
  S: () => string;
  D: () => string;
  W: () => string;
  A: () => string;
}

function fill(template: string, slots: Slots): string {
  return template.replace(/\{([CRLSDWA])\}/g, (_, slot: keyof Slots) => slots[slot]());
}

function backgroundSlots(random: Random, places: Places): Slots {
  const residential = [
    ...places.communities,
    ...places.landmarks.filter((l) => /小区|家园|花园|新村|宿舍|湾/.test(l.name)),
  ];
  return {
    C: () => pick(random, residential).name,
    R: () => pick(random, places.roads).name,
    L: () => pick(random, places.landmarks).name,
    S: () => pick(random, places.streets).name,
    D: () => pick(random, places.districts).name,
    W: () => pick(random, WHEN),
    A: () => pick(random, ASK),
  };
}

/** Hour-of-week rate of background traffic, messages per hour. */
function backgroundRate(time: number, busyDay: number): number {
  const local = new Date(time + 8 * HOUR_MS);
  const hour = local.getUTCHours();
  const day = (local.getUTCDay() + 6) % 7; // Monday 0
  let rate = BASE_RATE * HOUR_SHAPE[hour]! * DAY_SHAPE[day]!;
  if (day === 0 && hour >= MONDAY_MORNING.from && hour < MONDAY_MORNING.to) rate *= MONDAY_MORNING.factor;
  if (time >= busyDay && time < busyDay + DAY_MS) rate *= BUSY_DAY_FACTOR;
  return rate;
}

// The injected events' wordings. {P} a place of the event, {W} when, {A} an ask.
const SUDDEN_TEMPLATES = [
  "{P}突然停水了，也没提前通知，{A}",
  "{P}从早上开始就没水了，做饭洗漱都没办法，什么时候来水？",
  "{P}停水好几个小时了，打自来水公司电话一直占线，{A}",
  "请问{P}停水是什么原因？什么时候能恢复供水？",
  "{P}家里水龙头一滴水都没有，家里有老人孩子，{A}",
  "{P}附近自来水管爆了，路上全是水，家里停水了，{A}",
  "{P}整片都停水了，连个通知都没有，太不负责任了！",
  "{P}没水了，孩子放学回来连厕所都冲不了，{A}",
  "{P}停水到现在，物业说是自来水公司在抢修，到底要多久？",
  "我家在{P}，突然停水，楼里几十户都没水，{A}",
];
const SLOW_TEMPLATES = [
  "{P}附近晚上总有一股刺鼻的气味，像化工厂排出来的，{A}",
  "{P}{W}空气里有臭味，晚上都不敢开窗，{A}",
  "{P}周边是不是有工厂偷偷排放废气？气味很难闻，孩子一直咳嗽。",
  "{P}这边一到晚上就闻到刺鼻的化学气味，头晕恶心，{A}",
  "{P}的刺鼻气味越来越严重了，环保部门能不能来查一查？",
  "住在{P}，每天夜里都有难闻的废气味道，到底是哪里排放的？{A}",
  "{P}附近空气很差，有股烧塑料的刺鼻气味，{A}",
];
const SURGE_TEMPLATES = [
  "新的停车收费标准太离谱了，路边停一个小时要十块钱，强烈反对！",
  "停车费一下子涨了三倍，老百姓根本负担不起，这个调整太不合理了。",
  "停车收费涨价有没有开过听证会？根本没有征求市民意见，太气人了！",
  "我在{P}上班，现在每天停车费要四十多块，工资都不够交停车费的，愤怒！",
  "停车收费新规就是变相敛财，坚决反对！",
  "下班回{P}停车都停不起了，停车费涨这么多，还让不让人活了？",
  "停车收费调整太突然了，一点缓冲都没有，市民很不满意。",
  "为什么停车费涨价这么多？收的钱都去哪里了？要求公开！",
  "医院门口停车也要按新标准收费，看个病停车费比挂号费还贵，太过分了。",
  "停车收费新标准出来大家都很生气，希望政府重新考虑。",
];

interface EventPlan {
  name: EventName;
  description: string;
  kind: string;
  domain: string;
  templates: string[];
  /** The places its messages name ({P}). */
  placeNames: string[];
  times: number[];
}

/** Local midnight of day `day` (0 = the stream's first Monday). */
const dayStart = (day: number) => STREAM_START + day * DAY_MS;

/** A shorter stream for tests that need a quick one (the wiring's, tests/opinion-monitor-service.test.ts). */
export interface StreamOptions {
  /** Fewer weeks than 8: the events fall on the same weekdays of the last week, the busy day is left out. */
  weeks?: number;
  /** Only these events. */
  events?: readonly EventName[];
}

export function generateStream(seed: number, regions: readonly Region[], options: StreamOptions = {}): OpinionStream {
  const random = seededRandom(seed);
  const places = placesOf(regions);
  const weeks = options.weeks ?? STREAM_WEEKS;
  const end = STREAM_START + weeks * WEEK_MS;

  // Days for the events and the busy day: weeks 5–8 (the baseline needs the first weeks), distinct.
  const used = new Set<number>();
  const weekday = (fromWeek: number, toWeek: number, days: readonly number[]): number => {
    for (;;) {
      const day = (fromWeek + Math.floor(random() * (toWeek - fromWeek + 1))) * 7 + pick(random, days);
      if (![-1, 0, 1, 2, 3].some((d) => used.has(day + d))) {
        for (let d = 0; d < 4; d++) used.add(day + d);
        return day;
      }
    }
  };
  // (The same draws whatever the options, so the full stream of a seed never changes.)
  const inLastWeek = (day: number) => (weeks === STREAM_WEEKS ? day : (weeks - 1) * 7 + (day % 7));
  const suddenDay = inLastWeek(weekday(4, 5, [1, 2, 3]));
  const slowDay = inLastWeek(weekday(4, 6, [0, 1, 2, 3]));
  const surgeDay = inLastWeek(weekday(5, 7, [1, 2, 3]));
  const drawnBusyDay = dayStart(weekday(4, 7, [2, 3]));
  const busyDay = weeks === STREAM_WEEKS ? drawnBusyDay : end;

  // Sudden: a water outage at one street — 40 messages in 3 hours, from the street, its communities and complexes.
  const street = pick(
    random,
    places.streets.filter((s) => /街道$/.test(s.name)),
  );
  const underStreet = regions.filter((r) => {
    for (let p = r.parent; p; p = places.byCode.get(p)?.parent) if (p === street.code) return true;
    return false;
  });
  const suddenStart =
    dayStart(suddenDay) + (8 + Math.floor(random() * 7)) * HOUR_MS + Math.floor(random() * 60) * 60_000;
  const sudden: EventPlan = {
    name: "sudden",
    description: `${street.name}停水`,
    kind: "event-water-outage",
    domain: "供水",
    templates: SUDDEN_TEMPLATES,
    placeNames: [street.name, ...underStreet.filter((r) => r.level !== "road").map((r) => r.name)],
    times: burst(random, suddenStart, 3 * HOUR_MS, 40),
  };

  // Slow: a smell near one community growing over four days, mostly in the evening.
  const community = pick(random, places.communities);
  const slowCounts = [3, 7, 14, 26];
  const slowTimes = slowCounts.flatMap((count, d) =>
    Array.from({ length: count }, () => dayStart(slowDay + d) + eveningHour(random) * HOUR_MS),
  );
  const slow: EventPlan = {
    name: "slow",
    description: `${community.name}刺鼻气味`,
    kind: "event-smell",
    domain: "环境保护",
    templates: SLOW_TEMPLATES,
    placeNames: [community.name],
    times: slowTimes.sort((a, b) => a - b),
  };

  // Surge: a citywide outcry over new parking fees — 120 negative messages in 4 hours.
  const surgeStart = dayStart(surgeDay) + (9 + Math.floor(random() * 6)) * HOUR_MS;
  const surge: EventPlan = {
    name: "surge",
    description: "停车收费上涨",
    kind: "event-parking-fees",
    domain: "交通",
    templates: SURGE_TEMPLATES,
    placeNames: [...places.landmarks, ...places.communities].map((r) => r.name),
    times: burst(random, surgeStart, 4 * HOUR_MS, 120),
  };

  const messages: StreamMessage[] = [];
  const slots = backgroundSlots(random, places);
  const totalWeight = MATTERS.reduce((sum, m) => sum + m.weight, 0);
  for (let t = STREAM_START; t < end; t += 10 * 60_000) {
    const count = poisson(random, backgroundRate(t, busyDay) / 6);
    for (let i = 0; i < count; i++) {
      let r = random() * totalWeight;
      const matter = MATTERS.find((m) => (r -= m.weight) < 0) ?? MATTERS[0]!;
      messages.push({
        id: "",
        time: t + Math.floor(random() * 10 * 60_000),
        text: fill(pick(random, matter.templates), slots),
        kind: matter.kind,
        domain: matter.domain,
      });
    }
  }
  const plans = [sudden, slow, surge].filter((plan) => options.events?.includes(plan.name) ?? true);
  for (const plan of plans) {
    const eventSlots: Slots = { ...slots, C: () => pick(random, plan.placeNames) };
    for (const time of plan.times) {
      const text = fill(pick(random, plan.templates).replaceAll("{P}", "{C}"), eventSlots);
      messages.push({ id: "", time, text, kind: plan.kind, domain: plan.domain, event: plan.name });
    }
  }
  messages.sort((a, b) => a.time - b.time);
  messages.forEach((m, i) => (m.id = `m${i}`));

  const events: InjectedEvent[] = plans.map((plan) => {
    const own = messages.filter((m) => m.event === plan.name);
    return { name: plan.name, description: plan.description, ids: own.map((m) => m.id), times: own.map((m) => m.time) };
  });
  return { seed, start: STREAM_START, end, messages, events, busyDay };
}

/** `count` times in [start, start + length), denser early: a burst that flares and fades. */
function burst(random: Random, start: number, length: number, count: number): number[] {
  return Array.from({ length: count }, () => start + Math.floor(random() ** 1.4 * length)).sort((a, b) => a - b);
}

/** An hour of the day, mostly evening and night, with fractions. */
function eveningHour(random: Random): number {
  return random() < 0.7 ? 18 + random() * 5.5 : 7 + random() * 11;
}

// `node --expose-gc --import tsx bench/monitor-memory.ts [--messages 300000] [--per-minute 4700]
// [--every 25000] [--max-messages N] [--unique 0.2] [--breakdown]`:
// the opinion monitor's memory under the soak's traffic (issue 16), without the soak. Feeds the
// hub's monitor (HubMonitor, as the worker's OpinionMonitorService does: rows in polls of 2 s,
// the clock advanced, the effects taken) a stream of analysed messages shaped like
// bench/soak.ts's — 14 questions (the eight of bench/questions.ts, their keywords as the
// analyzer gives them) to 4 complaints (a district, a road of two name words, one of six
// problems) — and every `--every` messages reports the heap after a full GC and the size of
// each structure the monitor keeps. `--unique 0.2` gives that share of messages a word of its
// own as well (real text is more varied than the soak's); `--max-messages` sets the monitor's
// cap (OPINION_MONITOR_MAX_MESSAGES); `--breakdown` empties each structure at the end, one at a
// time, and reports what it held. Figures in docs/benchmarks.md (the soak, issue 16).
import v8 from "node:v8";
import { parseArgs } from "node:util";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { HubMonitor, type MonitorRow } from "../src/opinion/hub-monitor.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "300000" },
    "per-minute": { type: "string", default: "4700" },
    every: { type: "string", default: "25000" },
    unique: { type: "string", default: "0" },
    "max-messages": { type: "string" },
    breakdown: { type: "boolean", default: false },
  },
});
const MESSAGES = Number(values.messages);
const PER_MINUTE = Number(values["per-minute"]);
const EVERY = Number(values.every);
const UNIQUE = Number(values.unique);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc --import tsx");

// The eight questions' analyses (the shipped analyzer's answers, bench/questions.ts).
const QUESTIONS: { sentiment: MonitorRow["sentiment"]; keywords: string[]; places: string[] }[] = [
  { sentiment: "negative", keywords: ["身份证丢了"], places: [] },
  { sentiment: "neutral", keywords: ["租房子", "公积金", "不能"], places: [] },
  { sentiment: "neutral", keywords: ["几点上班", "政务服务中心"], places: ["990102P001"] },
  { sentiment: "neutral", keywords: ["驾照到期"], places: [] },
  { sentiment: "negative", keywords: ["户口", "出生", "孩子"], places: [] },
  { sentiment: "neutral", keywords: ["社保卡丢了"], places: [] },
  { sentiment: "positive", keywords: [], places: [] },
  { sentiment: "negative", keywords: ["领失业金", "失业"], places: [] },
];
const DISTRICTS = [
  ["东湖区", "990102"],
  ["西山区", "990103"],
  ["南湖区", "990104"],
  ["北城区", "990105"],
] as const;
const PROBLEMS = [["路灯"], ["垃圾堆"], ["丢了"], ["扰民", "噪音"], ["摆摊", "经营"], ["暖气", "小区"]];
const NAME = "安宁康乐福寿长春嘉平光明团结胜利建设幸运文化新华民主复兴朝阳友谊红旗前进东风振中";

function row(i: number, at: number): MonitorRow {
  const id = `m${i.toString().padStart(9, "0")}`;
  const slot = i % 18;
  let keywords: string[];
  let places: string[];
  let sentiment: MonitorRow["sentiment"];
  let domain: string | null = null;
  if (slot < 14) {
    const q = QUESTIONS[i % QUESTIONS.length]!;
    [keywords, places, sentiment] = [[...q.keywords], [...q.places], q.sentiment];
  } else {
    const [district, code] = DISTRICTS[i % DISTRICTS.length]!;
    const n = Math.floor(i / 18);
    const words = [
      NAME.slice((n % 20) * 2, (n % 20) * 2 + 2),
      NAME.slice(((n >> 3) % 20) * 2, ((n >> 3) % 20) * 2 + 2),
    ];
    keywords = [district, ...words, ...PROBLEMS[i % PROBLEMS.length]!, "投诉"];
    places = [code];
    sentiment = "negative";
    domain = "城建";
  }
  if (UNIQUE > 0 && (i * 2654435761) % 1000 < UNIQUE * 1000) keywords.push(`词${i.toString(36)}`);
  return { id, at, sentiment, keywords, places, domain };
}

type Sizes = Record<string, number>;
// biome-ignore lint/suspicious/noExplicitAny: reads the monitor's private structures
const inside = (o: unknown): any => o;

/** Entries of every structure the monitor keeps, by name (read from inside: before and after the cap). */
function sizes(hub: HubMonitor): Sizes {
  const monitor = inside(hub.monitor);
  const clusterer = inside(monitor.clusterer);
  const detector = inside(monitor.detector);
  let buckets = 0;
  let keywordSeries = 0;
  for (const [key, counts] of detector.series) {
    buckets += inside(counts).buckets.length;
    if (key.startsWith("keyword:")) keywordSeries++;
  }
  const topics: { termCounts: Map<string, number> }[] = clusterer.all ?? [...clusterer.kept.values()];
  const bursts = inside(clusterer.bursts);
  return {
    recent: monitor.recent.length,
    newMatter: inside(monitor.newMatter).messages.length,
    topicOfMessage: inside(hub).topicOfMessage.size,
    burstWindow: bursts.window.length - bursts.head,
    topics: topics.length,
    liveTopics: clusterer.live.size,
    vocabulary: inside(clusterer.background).documentFrequency.size,
    series: detector.series.size,
    keywordSeries,
    buckets,
    // The longest term vector of a topic, and the candidate index's entries (live topics' terms and areas).
    topicTerms: Math.max(0, ...topics.map((t) => t.termCounts.size)),
    termIndex: clusterer.byTerm.size,
    alertMessageIds: hub.monitor.tracker.retained.alertMessages,
  };
}

function heapMb(): number {
  gc!();
  gc!();
  return v8.getHeapStatistics().used_heap_size / 1e6;
}

const regions = await loadGazetteer("intents");
const start = Date.parse("2026-12-07T08:00:00+08:00");
const intervalMs = 60_000 / PER_MINUTE;
const cap = values["max-messages"];
const hub = new HubMonitor({
  regions,
  writeFrom: start,
  startedAt: start,
  ...(cap === undefined ? {} : { maxMessages: Number(cap) }),
});
const baseline = heapMb();
console.log(
  `${MESSAGES} messages at ${PER_MINUTE}/min (${(MESSAGES / PER_MINUTE) | 0} simulated minutes), unique-word share ${UNIQUE}${cap === undefined ? "" : `, cap ${cap}`}; heap before: ${baseline.toFixed(1)} MB`,
);
const POLL_MS = 2_000;
let batch: MonitorRow[] = [];
let pollEnd = start + POLL_MS;
const started = performance.now();
for (let i = 0; i < MESSAGES; i++) {
  const at = Math.floor(start + i * intervalMs);
  if (at >= pollEnd) {
    hub.add(batch);
    hub.advanceTo(pollEnd - 30_000);
    hub.take();
    batch = [];
    pollEnd += POLL_MS;
  }
  batch.push(row(i, at));
  if ((i + 1) % EVERY === 0) {
    hub.add(batch);
    batch = [];
    const s = sizes(hub);
    const line = Object.entries(s)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    console.log(
      `${String(i + 1).padStart(7)} msgs, ${String(Math.round((i * intervalMs) / 60_000)).padStart(4)} min: heap ${(heapMb() - baseline).toFixed(1).padStart(6)} MB above start | ${line}`,
    );
  }
}
console.log(`fed in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// What each structure holds: emptied one at a time (the monitor is not used after), the heap
// measured after each.
if (values.breakdown) {
  const monitor = inside(hub.monitor);
  const clusterer = inside(monitor.clusterer);
  const detector = inside(monitor.detector);
  const steps: [string, () => void][] = [
    ["monitor.recent", () => (monitor.recent = [])],
    ["newMatter.messages", () => (inside(monitor.newMatter).messages = [])],
    ["hub.topicOfMessage", () => inside(hub).topicOfMessage.clear()],
    ["bursts.window", () => inside(clusterer.bursts).window.splice(0)],
    [
      "detector.series + seriesStart",
      () => {
        detector.series.clear();
        detector.seriesStart.clear();
      },
    ],
    [
      "topics (all, live, norms, byTerm) + hub.topicIds",
      () => {
        clusterer.all?.splice(0);
        clusterer.kept?.clear();
        clusterer.retired?.clear();
        clusterer.live.clear();
        clusterer.norms.clear();
        clusterer.byTerm.clear();
        inside(hub).topicIds.clear();
      },
    ],
  ];
  let before = heapMb();
  for (const [name, clear] of steps) {
    clear();
    const after = heapMb();
    console.log(`  ${name}: ${(before - after).toFixed(1)} MB`);
    before = after;
  }
  console.log(`  left: ${(before - baseline).toFixed(1)} MB above start`);
}

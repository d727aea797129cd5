// How pure the opinion monitor's topics are against labels written by others (issue 14: "on
// labelled messages, report how pure topics are against the labels"): MSGABench's citizen
// letters (../shared/eval/msgabench/, used here only to measure) carry a domain label (城建,
// 交通, 教育 …). Each is analysed as the hub analyses a message, given a time (the letters in a
// seeded random order, spread evenly over 30 days, as they have none), and fed to the monitor in
// time order. A topic's purity is the share of its messages that have its most common domain.
// Beside it, in the same run, the baseline: the same topics with the labels dealt out at random
// (what purity topics of these sizes would have by chance).
//
// Run alone: `npx tsx bench/topic-purity.ts` (about 15 s).
import fs from "node:fs";
import path from "node:path";
import { loadGazetteer } from "../src/knowledge/load-gazetteer.ts";
import { seededRandom, shuffleInPlace } from "../src/language/ml/seeded-random.ts";
import { loadOpinionAnalyzer } from "../src/opinion/load-opinion-analyzer.ts";
import { OpinionMonitor } from "../src/opinion/opinion-monitor.ts";
import { PlaceFinder } from "../src/opinion/place-finder.ts";
import { PlaceLineage } from "../src/opinion/place-lineage.ts";
import { root } from "./processes.ts";

const DEV_FILE = path.resolve(root, "../shared/eval/msgabench/dev.jsonl");
const DAYS = 30;
const MIN_SIZES = [2, 5, 10];

interface Letter {
  text: string;
  domain: string;
}

/** Purity of topics of at least `minSize` messages, and the share of all letters they hold. */
function purity(topicOf: ReadonlyMap<number, number>, labels: readonly string[], minSize: number) {
  const byTopic = new Map<number, Map<string, number>>();
  for (const [letter, topic] of topicOf) {
    const counts = byTopic.get(topic) ?? new Map<string, number>();
    counts.set(labels[letter]!, (counts.get(labels[letter]!) ?? 0) + 1);
    byTopic.set(topic, counts);
  }
  let held = 0;
  let majority = 0;
  let topics = 0;
  for (const counts of byTopic.values()) {
    const size = [...counts.values()].reduce((a, b) => a + b, 0);
    if (size < minSize) continue;
    topics++;
    held += size;
    majority += Math.max(...counts.values());
  }
  return { topics, held, purity: held > 0 ? majority / held : 0 };
}

export async function runTopicPurityBench(): Promise<void> {
  console.log("== opinion topics against labels written by others (MSGABench domains)");
  if (!fs.existsSync(DEV_FILE)) {
    console.log(`skipped: ${path.relative(root, DEV_FILE)} not found (MSGABench is not shipped with the project)\n`);
    return;
  }
  const letters: Letter[] = fs
    .readFileSync(DEV_FILE, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { text: string; domain: string | null })
    .filter((l): l is Letter => typeof l.domain === "string");
  const random = seededRandom(7);
  shuffleInPlace(letters, random);
  const analyzer = await loadOpinionAnalyzer(path.join(root, "intents"));
  const regions = await loadGazetteer(path.join(root, "intents"));
  const start = Date.UTC(2026, 9, 1);
  const step = (DAYS * 86_400_000) / letters.length;
  const monitor = new OpinionMonitor(new PlaceLineage(regions), PlaceFinder.names(regions), { startedAt: start });
  const addedTo = new Map<number, number>();
  letters.forEach((letter, i) => {
    const { topic } = monitor.add({
      id: String(i),
      time: start + i * step,
      analysis: analyzer.analyzeMessage(letter.text),
    });
    if (topic) addedTo.set(i, topic.id);
  });
  const topics = monitor.clusterer.topics();
  const topicOf = new Map([...addedTo].map(([i, id]) => [i, monitor.clusterer.current(topics[id - 1]!).id]));
  const labels = letters.map((l) => l.domain);
  // The baseline: the clustered letters' labels dealt out at random, the topics kept.
  const dealt = [...labels];
  const clustered = [...topicOf.keys()];
  const shuffled = clustered.map((i) => labels[i]!);
  shuffleInPlace(shuffled, random);
  clustered.forEach((i, k) => (dealt[i] = shuffled[k]!));
  const domains = new Map<string, number>();
  for (const label of labels) domains.set(label, (domains.get(label) ?? 0) + 1);

  console.log(
    `${letters.length} letters with a domain (${domains.size} domains, the commonest ${((100 * Math.max(...domains.values())) / letters.length).toFixed(1)}% of them), over ${DAYS} days; ${topicOf.size} in a topic (the rest have no terms)\n`,
  );
  console.log(
    `${"topics of".padEnd(14)}${"topics".padStart(8)}${"letters".padStart(10)}${"purity".padStart(10)}${"by chance".padStart(12)}`,
  );
  for (const minSize of MIN_SIZES) {
    const own = purity(topicOf, labels, minSize);
    const chance = purity(topicOf, dealt, minSize);
    console.log(
      `${`≥ ${minSize} letters`.padEnd(14)}${String(own.topics).padStart(8)}${String(own.held).padStart(10)}${`${(100 * own.purity).toFixed(1)}%`.padStart(10)}${`${(100 * chance.purity).toFixed(1)}%`.padStart(12)}`,
    );
  }
  console.log("");
}

if (import.meta.url === `file://${process.argv[1]}`) await runTopicPurityBench();

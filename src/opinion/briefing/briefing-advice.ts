// 建议关注: what a briefing recommends watching, by plain rules over its facts (so every line
// can be traced to a figure): serious alerts, fast-growing negative topics, places with a
// high negative share, and keywords that appeared from nothing.
import type { BriefingFacts } from "../read/briefing-facts.ts";
import type { NamedPlace } from "../read/place-directory.ts";
import { briefingLinks, type LinkPeriod } from "./briefing-links.ts";

export interface Advice {
  text: string;
  href?: string;
}

/** A place needs this many messages before its negative share is worth a line. */
const PLACE_MIN = 10;
const NEGATIVE_SHARE = 0.6;

export function briefingAdvice(
  facts: BriefingFacts,
  placeOf: (code: string) => NamedPlace,
  period: LinkPeriod,
): Advice[] {
  const advice: Advice[] = [];
  for (const alert of facts.alerts.filter((a) => a.status === "open"))
    advice.push({
      text: `“${alert.label}”${alert.level}仍在持续：已有 ${alert.messageCount} 条相关留言（预期约 ${Math.round(alert.expected)} 条），建议相关部门尽快核实处置并及时回应。`,
      href: briefingLinks.alert(alert.id),
    });
  for (const topic of facts.topics.filter((t) => t.negativeShare >= NEGATIVE_SHARE && t.growth > 0.5))
    advice.push({
      text: `话题“${topic.label}”负面占比 ${Math.round(topic.negativeShare * 100)}%，近24小时仍在增长，建议关注${topic.ticketCount > 0 ? `相关 ${topic.ticketCount} 件工单的办理进度` : "并考虑主动回应"}。`,
      href: briefingLinks.topic(topic.id),
    });
  for (const place of facts.places.filter((p) => p.total >= PLACE_MIN && p.negativeShare >= NEGATIVE_SHARE))
    advice.push({
      text: `${placeOf(place.code).name}的诉求负面占比达 ${Math.round(place.negativeShare * 100)}%（${place.total} 条），建议属地跟进。`,
      href: briefingLinks.topics(period, { place: place.code }),
    });
  for (const keyword of facts.risingKeywords.filter((k) => k.previous === 0).slice(0, 3))
    advice.push({
      text: `新出现的关键词“${keyword.keyword}”（${keyword.total} 条），建议留意是否形成新的诉求。`,
      href: briefingLinks.topics(period, { keyword: keyword.keyword }),
    });
  return advice;
}

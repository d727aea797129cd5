// What the hub says, in the voice of a good service-centre clerk: polite, concise,
// plain Simplified Chinese that an elderly citizen can read on a phone.
import type { Facet, ServiceItem } from "../knowledge/catalog-schema.ts";
import type { GuideSection, ServiceGuide, TextReply } from "../messages/messages.ts";

/** What a follow-up may ask, as the hint after an answer lists it. */
const FOLLOW_UP_HINT = "还想了解哪一项，可以直接问我，如“要带什么材料”“多少钱”“在哪办”“多久能办好”“可以网上办吗”。";
/** What a citizen sends to see the whole guide after a one-facet answer. */
export const GUIDE_REQUEST = "办事指南";

export const FACET_NAMES: Record<Facet, string> = {
  materials: "所需材料",
  fee: "收费标准",
  location: "办理地点",
  timeLimit: "办理时限",
  online: "网上办理",
  steps: "办理流程",
  hours: "办公时间",
  guide: "办事指南",
};

function materialLines(item: ServiceItem): string[] {
  return item.materials.map((m, i) => {
    const extra = [m.copies, m.note].filter(Boolean).join("，");
    return `${i + 1}. ${m.name}${extra ? `（${extra}）` : ""}`;
  });
}

function onlineValue(item: ServiceItem): string {
  return item.onlineUrl ?? "暂不支持，请到现场办理";
}

/** An item's whole guide, in the parts a phone can fold. */
export function serviceGuide(item: ServiceItem): ServiceGuide {
  const sections: GuideSection[] = [
    { name: FACET_NAMES.materials, lines: materialLines(item), list: true },
    { name: FACET_NAMES.steps, lines: item.steps.map((s, i) => `${i + 1}. ${s}`), list: true },
    { name: FACET_NAMES.timeLimit, lines: [item.timeLimit], list: false },
    { name: FACET_NAMES.fee, lines: [item.fee], list: false },
    { name: FACET_NAMES.location, lines: [item.location, `${FACET_NAMES.hours}：${item.officeHours}`], list: false },
    { name: FACET_NAMES.online, lines: [onlineValue(item)], list: false },
  ];
  // The first clause of each: the summary is one glance; the sections hold the rest.
  const summary = [
    `办理时限：${firstClause(item.timeLimit)}`,
    `收费：${firstClause(item.fee)}`,
    item.onlineUrl ? "可以网上办理" : "需到现场办理",
  ].join("；");
  return { title: item.name, summary, sections, hint: FOLLOW_UP_HINT };
}

function firstClause(text: string): string {
  return text.split(/[；;。]/)[0]!.trim() || text;
}

function sectionText(section: GuideSection): string[] {
  const [first = "", ...rest] = section.lines;
  return section.list ? [`${section.name}：`, ...section.lines] : [`${section.name}：${first}`, ...rest];
}

/** The guide as one text, for channels that cannot fold it. */
export function serviceAnswer(item: ServiceItem): string {
  const guide = serviceGuide(item);
  return [`【${guide.title}】`, ...guide.sections.flatMap(sectionText), guide.hint].join("\n");
}

/** The whole guide as a reply: the text, and its parts for channels that fold them. */
export function guideReply(item: ServiceItem): TextReply {
  return { type: "text", text: serviceAnswer(item), guide: serviceGuide(item) };
}

/** One part of an item's guide, for "要带什么材料" and the like. */
export function facetAnswer(item: ServiceItem, facet: Facet): string {
  const title = `【${item.name}】`;
  switch (facet) {
    case "materials":
      return [title, "所需材料：", ...materialLines(item)].join("\n");
    case "fee":
      return `${title}\n收费标准：${item.fee}`;
    case "location":
      return `${title}\n办理地点：${item.location}\n办公时间：${item.officeHours}`;
    case "timeLimit":
      return `${title}\n办理时限：${item.timeLimit}`;
    case "online":
      return item.onlineUrl
        ? `${title}\n可以网上办理：${item.onlineUrl}`
        : `${title}\n这项业务暂不支持网上办理，请到现场办理。\n办理地点：${item.location}`;
    case "steps":
      return [title, "办理流程：", ...item.steps.map((s, i) => `${i + 1}. ${s}`)].join("\n");
    case "hours":
      return `${title}\n办公时间：${item.officeHours}\n办理地点：${item.location}`;
    case "guide":
      return serviceAnswer(item);
  }
}

/** After a one-facet answer to a first question: the rest of the guide is one reply away. */
export function offerGuide(): string {
  return `需要完整的办事指南（材料、流程、地点等），请回复“${GUIDE_REQUEST}”。`;
}

export function clarify(options: ServiceItem[]): string {
  // One option: the only item the question is about, not sure enough to answer outright.
  if (options.length === 1) return `您想问的是“${options[0]!.name}”吗？是的话请回复 1；如果不是，可以换个说法再问我。`;
  return [
    "您想问的是哪一项？请回复序号：",
    ...options.map((item, i) => `${i + 1}. ${item.name}`),
    "如果都不是，可以换个说法再问我。",
  ].join("\n");
}

/** A bare "1" with no question pending. */
export function nothingToPick(): string {
  return "请直接告诉我您想办的事或遇到的问题，比如“身份证丢了怎么补办”。";
}

export function pickOutOfRange(count: number): string {
  return `请回复 1 到 ${count} 之间的序号，或者直接告诉我您想办的事。`;
}

/** "多少钱" with no item in the conversation: ask which one. */
export function askWhichItem(facet: Facet): string {
  const what = facet === "guide" ? "办事指南" : FACET_NAMES[facet];
  return `请问您想了解哪项业务的${what}？比如“身份证补办要带什么材料”。`;
}

export function complaintReceived(ticketNumber: string, hotline: string): string {
  return (
    `您反映的问题我们已经登记，工单号：${ticketNumber}。\n` +
    "我们会尽快转交责任部门办理，办理进展会在这里告诉您。\n" +
    `如需查询进度，请发送“查询工单 ${ticketNumber}”，也可拨打${hotline}热线。`
  );
}

export function suggestionReceived(ticketNumber: string): string {
  return (
    `感谢您的建议！我们已经登记，工单号：${ticketNumber}。\n` +
    "建议会转交相关部门研究办理，是否采纳及理由会在这里答复您。\n" +
    `如需查询进度，请发送“查询工单 ${ticketNumber}”。`
  );
}

/** Praise is passed on to the department it names, or to the one responsible. */
export function praiseReceived(ticketNumber: string, departmentName?: string): string {
  return `感谢您的表扬，我们已转达给${departmentName ?? "相关部门"}！您的肯定是对工作人员最好的鼓励。（工单号：${ticketNumber}）`;
}

export function greeting(): string {
  return [
    "您好！我是市政务服务智能助手，可以为您：",
    "· 查办事指南（如：身份证补办、公积金提取）",
    "· 受理投诉和求助",
    "· 记录您的意见建议",
    "请直接告诉我您想办的事。",
  ].join("\n");
}

export function thanks(): string {
  return "不客气，很高兴能帮到您！还有其他事情，随时发消息给我。";
}

export function handoff(hotline: string): string {
  return `好的，已为您转接人工服务，请稍候。工作人员会尽快回复您；如情况紧急，也可直接拨打${hotline}政务服务便民热线。`;
}

export function notUnderstood(hotline: string): string {
  return (
    "抱歉，这个问题我暂时没法准确回答。\n" +
    `您可以拨打${hotline}政务服务便民热线咨询，也可以回复“人工”转人工服务，或者换个说法再问我。`
  );
}

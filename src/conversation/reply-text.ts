// What the hub says, in the voice of a good service-centre clerk: polite, concise,
// plain Simplified Chinese that an elderly citizen can read on a phone.
import type { ServiceItem } from "../catalog/catalog-schema.ts";

export function serviceAnswer(item: ServiceItem): string {
  const materials = item.materials.map((m, i) => {
    const extra = [m.copies, m.note].filter(Boolean).join("，");
    return `${i + 1}. ${m.name}${extra ? `（${extra}）` : ""}`;
  });
  const steps = item.steps.map((s, i) => `${i + 1}. ${s}`);
  return [
    `【${item.name}】`,
    "所需材料：",
    ...materials,
    "办理流程：",
    ...steps,
    `办理时限：${item.timeLimit}`,
    `收费标准：${item.fee}`,
    `办理地点：${item.location}`,
    `办公时间：${item.officeHours}`,
    item.onlineUrl ? `网上办理：${item.onlineUrl}` : "网上办理：暂不支持，请到现场办理",
  ].join("\n");
}

export function complaintReceived(ticketNumber: string, hotline: string): string {
  return (
    `您反映的问题我们已经登记，工单号：${ticketNumber}。\n` +
    "我们会尽快转交责任部门办理，办理进展会在这里告诉您。\n" +
    `如需查询进度，请发送“查询工单 ${ticketNumber}”，也可拨打${hotline}热线。`
  );
}

export function suggestionReceived(): string {
  return "感谢您的建议！我们已经记录，并会转给相关部门研究参考。";
}

export function greeting(): string {
  return [
    "您好！我是市政务服务智能助手，可以为您：",
    "1. 查办事指南（如：身份证补办、公积金提取）",
    "2. 受理投诉和求助",
    "3. 记录您的意见建议",
    "请直接告诉我您想办的事。",
  ].join("\n");
}

export function handoff(hotline: string): string {
  return `好的，已为您转接人工服务，请稍候。工作人员会尽快回复您；如情况紧急，也可直接拨打${hotline}政务服务便民热线。`;
}

export function notUnderstood(hotline: string): string {
  return (
    "抱歉，这个问题我暂时没法准确回答。\n" +
    `您可以换个说法再问我，或拨打${hotline}政务服务便民热线咨询，也可以回复“人工”转人工服务。`
  );
}

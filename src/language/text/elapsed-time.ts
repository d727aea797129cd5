// Whether a text says that time has gone by: "四十多天了", "等了两个月", "已经半年", "一个多月了".
// A date ("三月到期", "5月10日") or a plan ("明年") is not elapsed time: a span needs 了 after
// it, or 已经/都/等了/过了/足足/整整 before it. Used to recognize a chase (催办): the citizen's
// matter has been pending too long.

const NUMBER = "(?:[0-9]+|[一二两三四五六七八九十百几半]+)";
const UNIT = "(?:天|周|个?星期|个?礼拜|个多月|个月|月|年)";
const SPAN = `${NUMBER}多?个?多?${UNIT}多?`;
const ELAPSED = new RegExp(`${SPAN}(?:了|啦)|(?:已经|都|等了|过了|足足|整整|快)${SPAN}`, "u");

export function mentionsElapsedTime(text: string): boolean {
  return ELAPSED.test(text);
}

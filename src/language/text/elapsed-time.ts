// Whether a text says that time has gone by: "四十多天了", "等了两个月", "已经半年", "十来天了",
// "两个月前就交了", "上周一就交了". A date ("三月到期", "5月10日") or a plan ("明年") is not
// elapsed time: a span needs 了 or 前 after it, or 已经/都/足足/整整 or a verb's 了 before it
// (等了两个月, 办了十几天); a past anchor (上周, 上个月, 去年) needs 就 soon after it ("上周就
// 交了": long enough ago to complain about, where "上周交的" only dates the matter). Used to
// recognize a chase (催办): the citizen's matter has been pending too long.

const NUMBER = "(?:[0-9]+|[一二两三四五六七八九十百几半仨俩]+)";
const UNIT = "(?:天|周|个?星期|个?礼拜|个多月|个月|月|年)";
const SPAN = `${NUMBER}[多来]?个?多?${UNIT}多?`;
const PAST_ANCHOR = "(?:上个?(?:月|周|星期|礼拜)|去年|前年)";
const ELAPSED = new RegExp(
  `${SPAN}(?:了|啦|前)|(?:已经|都|了|足足|整整|快)${SPAN}|${PAST_ANCHOR}[^，,。.!！?？\\s]{0,4}就`,
  "u",
);

export function mentionsElapsedTime(text: string): boolean {
  return ELAPSED.test(text);
}

// Weibo writes times like "Mon Jul 16 18:09:20 +0800 2012" (pushes and the REST API alike).
const WEIBO_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The instant, or undefined when the text is not in Weibo's format. */
export function parseWeiboDate(text: string): Date | undefined {
  const m = WEIBO_DATE.exec(text.trim());
  if (!m) return undefined;
  const [, mon, day, hh, mm, ss, sign, oh, om, year] = m as unknown as string[];
  const month = MONTHS.indexOf(mon!);
  if (month < 0) return undefined;
  const offsetMinutes = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const utc = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offsetMinutes * 60_000;
  return Number.isNaN(utc) ? undefined : new Date(utc);
}

/** The inverse, in +0800 (Beijing time), for fakes and tests. */
export function formatWeiboDate(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3600_000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[local.getUTCDay()]} ${MONTHS[local.getUTCMonth()]} ${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} +0800 ${local.getUTCFullYear()}`;
}

// Whether a text says the citizen has tried again and again: "跑了四趟", "去了好几次",
// "打了五次电话", "来回跑", or was sent back again and again ("退回来三次"). A matter chased
// that often is with the government and dragging, so a chase (催办) counts it both as the
// matter being submitted and as a sign it is stuck.

const COUNT = "(?:[2-9]|[1-9][0-9]|[两三四五六七八九十]|好几|十几|无数)";
const REPEATED = new RegExp(
  `(?:跑|去|来|问|打|催)了${COUNT}(?:趟|次|回|遍)|跑了${COUNT}|来回跑|(?:退|打)回(?:来)?了?${COUNT}次`,
  "u",
);

export function mentionsRepeatedAttempts(text: string): boolean {
  return REPEATED.test(text);
}

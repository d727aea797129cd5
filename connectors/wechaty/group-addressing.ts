// Whether a group message is the bot's business. A 网格群 talks among itself all day: the
// bot answers only a message that @-mentions it, or one that starts with a configured
// keyword (#投诉, 12345 …). In a private chat everything is addressed to it.

/** The text to understand when the message is addressed to the bot; undefined when it is not. */
export function addressedGroupText(
  message: { text: string; mentionsSelf: boolean },
  keywords: readonly string[],
): string | undefined {
  const text = message.text.trim();
  if (message.mentionsSelf) return text;
  const keyword = keywords.find((k) => text.startsWith(k));
  if (!keyword) return undefined;
  // "#投诉 楼道灯坏了" → "投诉 楼道灯坏了": the tag's mark goes, its word stays (it says what kind of message it is).
  return text.replace(/^[#＃]+/, "").trim();
}

// Where an analysed message comes from, and which messages are worth analysing: the
// citizen's own words, not the hub's placeholders for what carried none (a menu tap is
// recorded as "[菜单] 居民身份证补领", a photo as "[图片]", a follow as "[关注]").

/** The kinds of source an OpinionMessage row has; (kind, source id) is unique. */
export const OpinionSources = {
  /** A citizen's message on a channel (web chat, WeChat, Weibo private messages, mentions and comments, Open311 requests): the Message id. */
  message: "message",
  /** A ticket's own text, when it has no message. Reserved: every ticket has one today (Open311's too). */
  ticket: "ticket",
  /** A rating's comment (好差评): "<ticket id>@<ratedAt ISO>", analysed once per rating. */
  rating: "rating",
  /** An imported record (a hotline's past records, an exported Weibo search): channel and externalId. */
  import: "import",
} as const;

export type OpinionSourceKind = (typeof OpinionSources)[keyof typeof OpinionSources];

const MENU_TAP = /^\s*\[菜单\]/;
const LONE_MARKER = /^\s*\[[^[\]]*\]\s*$/;
const WORD = /[\p{L}\p{N}]/u;

/**
 * True when the text holds words of the citizen's: not empty, not a menu tap, not a lone
 * bracketed placeholder ("[图片]", "[语音]", "[位置]"; a post of one Weibo emoticon such as
 * "[泪]" has that shape too, and is skipped with them).
 */
export function hasWords(text: string): boolean {
  return WORD.test(text) && !MENU_TAP.test(text) && !LONE_MARKER.test(text);
}

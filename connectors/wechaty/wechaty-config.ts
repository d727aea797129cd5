// The community-group connector's section of the configuration (WECHATY_* variables).
// Set them for every process (web, worker and `npm run wechaty`): the bot process logs in
// and answers; the others hand it progress notices and report its state in /readyz.
import { z } from "zod";
import { emptyAsUndefined, parseEnv } from "../../src/config.ts";
import { ConfigError } from "../../src/config.ts";

/** How each group's entry names it: by id (`id:…`) or by its topic (群名). */
export type GroupKey = { id: string } | { topic: string };

export interface GroupPlaceEntry {
  group: GroupKey;
  /** A gazetteer name, alias or code; resolved against intents/regions.yaml when the bot starts. */
  place: string;
}

const PUPPET_SERVICE = "wechaty-puppet-service";

const wechatyEnv = z.object({
  /** The puppet's npm name: wechaty-puppet-service (a provider's gateway, WeCom included), wechaty-puppet-mock … */
  WECHATY_PUPPET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^(@[a-z0-9-]+\/)?wechaty-puppet-[a-z0-9-]+$/, "must be a puppet's npm name, e.g. wechaty-puppet-service")
      .optional(),
  ),
  WECHATY_PUPPET_SERVICE_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(8).max(256).optional()),
  /** Words that make a group message the bot's business without an @-mention (at its start). */
  WECHATY_KEYWORDS: z.preprocess(emptyAsUndefined, z.string().default("#投诉,#求助,#建议,#咨询,12345")),
  /** `群名=地名` or `id:<room id>=<code>`, separated by `;` or new lines. */
  WECHATY_GROUP_PLACES: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** At most one message per group this often (ms); replies waiting meanwhile are merged into one. */
  WECHATY_GROUP_REPLY_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(3_000),
  /** Where progress notices about a ticket filed from a group go: `group` (with an @) or `private`. */
  WECHATY_NOTICES: z.preprocess(emptyAsUndefined, z.enum(["group", "private"]).default("group")),
});

/** The community-group connector's settings; absent when it is not configured. */
export interface WechatyConfig {
  puppet: string;
  /** The puppet-service (or WeCom gateway) token; required by wechaty-puppet-service. */
  token: string | undefined;
  keywords: string[];
  groupPlaces: GroupPlaceEntry[];
  groupReplyIntervalMs: number;
  notices: "group" | "private";
}

/** On when WECHATY_PUPPET is set; a wrong value throws a ConfigError naming the variable. */
export function loadWechatyConfig(env: NodeJS.ProcessEnv): WechatyConfig | undefined {
  const e = parseEnv(wechatyEnv, env);
  if (!e.WECHATY_PUPPET) {
    if (e.WECHATY_PUPPET_SERVICE_TOKEN || e.WECHATY_GROUP_PLACES)
      throw ConfigError.invalid(["WECHATY_PUPPET: must be set too (the community-group connector's puppet)"]);
    return undefined;
  }
  if (e.WECHATY_PUPPET === PUPPET_SERVICE && !e.WECHATY_PUPPET_SERVICE_TOKEN)
    throw ConfigError.invalid([
      `WECHATY_PUPPET_SERVICE_TOKEN: must be set for ${PUPPET_SERVICE} (the token from your puppet-service or WeCom gateway provider)`,
    ]);
  const keywords = e.WECHATY_KEYWORDS.split(/[,，]/)
    .map((k) => k.trim())
    .filter(Boolean);
  return {
    puppet: e.WECHATY_PUPPET,
    token: e.WECHATY_PUPPET_SERVICE_TOKEN,
    keywords,
    groupPlaces: parseGroupPlaces(e.WECHATY_GROUP_PLACES ?? ""),
    groupReplyIntervalMs: e.WECHATY_GROUP_REPLY_INTERVAL_MS,
    notices: e.WECHATY_NOTICES,
  };
}

/** `光明社区居民群=光明社区; id:123@chatroom=990102001` → entries; a malformed one is a ConfigError. */
export function parseGroupPlaces(text: string): GroupPlaceEntry[] {
  const entries: GroupPlaceEntry[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/[;\n；]/)) {
    const item = raw.trim();
    if (!item) continue;
    const at = item.lastIndexOf("=");
    const key = item.slice(0, Math.max(at, 0)).trim();
    const place = item.slice(at + 1).trim();
    if (at <= 0 || !key || !place) {
      problems.push(`WECHATY_GROUP_PLACES: "${item}" is not 群名=地名 or id:<群 id>=地名`);
      continue;
    }
    entries.push({ group: key.startsWith("id:") ? { id: key.slice(3).trim() } : { topic: key }, place });
  }
  if (problems.length > 0) throw ConfigError.invalid(problems);
  return entries;
}

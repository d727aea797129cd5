// `npm run wechat:menu`: creates the account's custom menu from intents/wechat-menu.yaml
// through WeChat's menu/create API. With REDIS_URL it uses the hub's shared access
// token; without, a stable_token, which leaves a running hub's token valid.
import { loadCatalog } from "../../src/knowledge/load-catalog.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { exitOnStartupError } from "../../src/infra/process-lifecycle.ts";
import { createLogger } from "../../src/logger.ts";
import { connectRedis } from "../../src/queue/redis-connection.ts";
import { leaves, loadMenu, menuKey } from "../../src/knowledge/menu.ts";
import { AccessTokens } from "./wechat-access-token.ts";
import { loadWechatConfig } from "./wechat-config.ts";
import { WechatApi } from "./wechat-api.ts";
import { createWechatMenu } from "./wechat-menu.ts";

async function main() {
  const config = loadConfig();
  const wechat = loadWechatConfig(process.env);
  if (!wechat)
    throw new ConfigError(
      "npm run wechat:menu needs WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_ENCODING_AES_KEY.",
    );
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const catalog = await loadCatalog(config.intentsDir);
  const menu = await loadMenu(config.intentsDir, catalog);
  if (menu.file.buttons.length === 0)
    throw new ConfigError(`${config.intentsDir}/wechat-menu.yaml is missing or empty.`);
  const api = new WechatApi(wechat.apiBase);

  const redis = config.redisUrl ? connectRedis(config.redisUrl, "producer") : undefined;
  try {
    const tokens = redis
      ? new AccessTokens(
          redis,
          config.queuePrefix,
          wechat.appId,
          () => api.fetchToken(wechat.appId, wechat.appSecret),
          log,
        )
      : {
          withToken: async <T>(call: (token: string) => Promise<T>) =>
            call((await api.stableToken(wechat.appId, wechat.appSecret)).accessToken),
        };
    await createWechatMenu(api, tokens, menu.file);
  } finally {
    redis?.disconnect();
  }
  console.log("公众号菜单已创建 / WeChat menu created:");
  for (const button of menu.file.buttons) {
    console.log(`  ${button.name}`);
    for (const leaf of "buttons" in button ? button.buttons : [])
      console.log(`    ${leaf.name}  ${menuKey(leaf) ?? ("url" in leaf ? leaf.url : "")}`);
  }
  console.log(`(${leaves(menu.file).length} buttons)`);
}

main().catch(exitOnStartupError);

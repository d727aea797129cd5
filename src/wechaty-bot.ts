// `npm run wechaty`: the community-group bot (网格群, WeCom) in a process of its own. It
// builds the hub like the worker does (database, queues, the conversation pipeline) and
// only here loads Wechaty — with import(), so no other process ever does — then logs the
// bot in with the puppet WECHATY_PUPPET names (docs/wechaty.md). Needs DATABASE_URL and
// REDIS_URL: the web process reads the bot's state from the same Redis.
import { channelModules } from "../connectors/index.ts";
import type { WechatyChannel } from "../connectors/wechaty/wechaty-channel.ts";
import type { WechatyBotDeps } from "../connectors/wechaty/wechaty-bot.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createHub } from "./hub.ts";
import { closeOnSignals, exitOnStartupError } from "./infra/process-lifecycle.ts";
import { createLogger } from "./logger.ts";

async function main() {
  const config = loadConfig(process.env, channelModules());
  const settings = config.channels.wechaty as WechatyChannel["settings"];
  if (!settings)
    throw new ConfigError(
      "npm run wechaty needs WECHATY_PUPPET (and WECHATY_PUPPET_SERVICE_TOKEN for a puppet service or WeCom gateway): see docs/wechaty.md",
    );
  if (!config.databaseUrl || !config.redisUrl) {
    throw new ConfigError(
      "npm run wechaty needs DATABASE_URL and REDIS_URL (the bot shares the web process's database and Redis).",
    );
  }
  const log = createLogger(config.logLevel);
  const hub = await createHub({ config, redisUrl: config.redisUrl, log });
  const channel = hub.channels.get("wechaty") as WechatyChannel;
  // Loaded here only: the web and worker processes never load Wechaty or a puppet.
  const { WechatyBuilder } = await import("wechaty");
  // Wechaty's own dependency (file-box, which draws with qrcode): the QR code as an image for admins.
  const renderQr = async (qrcode: string) => (await import("file-box")).FileBox.fromQRCode(qrcode).toDataURL();
  const bot = WechatyBuilder.build({
    name: "gov-hub-wechaty",
    puppet: settings.puppet as never,
    ...(settings.token && { puppetOptions: { token: settings.token } }),
  });
  await channel.startBot(bot as unknown as WechatyBotDeps["bot"], { renderQr });
  closeOnSignals(log, config.shutdownTimeoutMs, [() => hub.close()]);
  log.info({ puppet: settings.puppet }, "community-group bot running");
}

main().catch(exitOnStartupError);

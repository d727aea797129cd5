// Web chat as a channel of the hub (the ChannelModule port): always on, its settings
// (socket limits) all have defaults. Its widget calls the hub across origins (CORS) and over a WebSocket, so
// both are registered before any route.
import websocket from "@fastify/websocket";
import { type ChannelModule, httpPlugin } from "../shared/channel-module.ts";
import { loadWebchatConfig, type WebchatConfig, webchatLimits } from "./webchat-config.ts";
import { webchatCors } from "./webchat-cors.ts";
import { webchatPlugin } from "./webchat-plugin.ts";
import { WebchatSender } from "./webchat-sender.ts";
import { NoticeListener } from "./notice-listener.ts";
import { PopularItems } from "../../src/conversation/popular-items.ts";

export const webchatChannel: ChannelModule<WebchatConfig> = {
  name: "webchat",
  loadConfig: loadWebchatConfig,
  create(deps, settings) {
    // Always defined when the hub loads its configuration; the defaults otherwise.
    const limits = webchatLimits(settings ?? loadWebchatConfig({}), deps.config.rateLimits !== undefined);
    const notices = new NoticeListener(deps.redis, deps.config.queuePrefix);
    return {
      name: "webchat",
      hooks: [
        // WebSocket upgrades are routed like requests. A frame larger than the body limit
        // closes the socket (1009), as a larger body gets a 413.
        httpPlugin(websocket, { options: { maxPayload: deps.config.bodyLimit } }),
        httpPlugin(webchatCors, {}),
      ],
      routes: [
        httpPlugin(webchatPlugin, {
          pipeline: deps.pipeline,
          prisma: deps.prisma,
          limits,
          notices,
          popular: new PopularItems(deps.prisma, deps.catalog, () => deps.menu().itemCodes()),
        }),
      ],
      sender: new WebchatSender(deps.prisma, deps.redis, deps.config.queuePrefix),
      close: () => notices.close(),
    };
  },
};

// The WeChat connector's parts, built once per process from the configuration.
import type { Redis } from "ioredis";
import type { WechatConfig } from "./wechat-config.ts";
import type { Logger } from "../../src/logger.ts";
import type { PushGuard } from "../shared/push-guard.ts";
import type { PushResponder } from "../shared/push-responder.ts";
import { AccessTokens } from "./wechat-access-token.ts";
import { WechatApi } from "./wechat-api.ts";
import { WechatEnvelope } from "./wechat-envelope.ts";
import { WechatSender } from "./wechat-sender.ts";
import { WechatTemplateMessages } from "./wechat-template-messages.ts";

export interface WechatConnector {
  config: WechatConfig;
  envelope: WechatEnvelope;
  api: WechatApi;
  tokens: AccessTokens;
  sender: WechatSender;
  /** Template messages (after the 48-hour window; the opinion hub's alerts to duty officers). */
  templates: WechatTemplateMessages;
  responder: PushResponder;
  guard: PushGuard;
}

export function createWechatConnector(deps: {
  config: WechatConfig;
  redis: Redis;
  prefix: string;
  log: Logger;
  responder: PushResponder;
  guard: PushGuard;
}): WechatConnector {
  const { config } = deps;
  const api = new WechatApi(config.apiBase);
  const tokens = new AccessTokens(
    deps.redis,
    deps.prefix,
    config.appId,
    () => api.fetchToken(config.appId, config.appSecret),
    deps.log,
  );
  const templates = new WechatTemplateMessages(api, tokens);
  return {
    config,
    envelope: new WechatEnvelope(config.token, config.appId, config.encodingAesKey, config.allowPlaintext),
    api,
    tokens,
    sender: new WechatSender(api, tokens, config),
    templates,
    responder: deps.responder,
    guard: deps.guard,
  };
}

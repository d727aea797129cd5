// WeChat Official Account message server: GET verifies the URL, POST receives
// messages and events in plaintext, compatible or safe mode and answers in the same
// mode — passively when the answer is ready within the budget, else `success` now
// and the answer through the customer-service API. Every request is checked for a
// fresh timestamp, and every push for a replayed signature (../shared/push-guard.ts).
import type { FastifyInstance, FastifyReply } from "fastify";
import { HttpError } from "../../src/http/error-handler.ts";
import { plainText } from "../shared/plain-text.ts";
import { signedQueryProperties, signedTextResponse } from "../shared/signed-query.ts";
import type { WechatConnector } from "./wechat-connector.ts";
import { textReplyXml, type WechatQuery } from "./wechat-envelope.ts";
import { WechatMessageError, wechatHeader, wechatInput } from "./wechat-message.ts";
import type { ChannelInput } from "../../src/messages/channel-input.ts";

/** WeChat messages are a few hundred bytes; anything near this is not from WeChat. */
export const WECHAT_BODY_LIMIT = 32 * 1024;
const PATH = "/connectors/wechat";

const querySchema = {
  type: "object",
  properties: {
    ...signedQueryProperties,
    openid: { type: "string", maxLength: 64 },
    encrypt_type: { type: "string", maxLength: 16 },
    msg_signature: { type: "string", maxLength: 64 },
  },
} as const;

export async function wechatPlugin(app: FastifyInstance, { connector }: { connector: WechatConnector | undefined }) {
  // WeChat posts XML (text/xml); the body stays a string until the signature is checked.
  app.addContentTypeParser(
    ["text/xml", "application/xml", "text/plain"],
    { parseAs: "string", bodyLimit: WECHAT_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  const configured = (): WechatConnector => {
    if (!connector) {
      throw new HttpError(
        404,
        "The WeChat connector is off: set WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_ENCODING_AES_KEY to turn it on.",
      );
    }
    return connector;
  };

  app.get<{ Querystring: WechatQuery }>(
    PATH,
    { schema: { querystring: querySchema, response: signedTextResponse } },
    async (request, reply) => {
      const wechat = configured();
      const echo = wechat.envelope.verifyUrl(request.query);
      wechat.guard.checkFresh(request.query.timestamp);
      return reply.type("text/plain; charset=utf-8").send(echo);
    },
  );

  app.post<{ Querystring: WechatQuery; Body: string }>(
    PATH,
    {
      bodyLimit: WECHAT_BODY_LIMIT,
      schema: { querystring: querySchema, body: { type: "string" }, response: signedTextResponse },
    },
    async (request, reply) => {
      const wechat = configured();
      const body = request.body ?? "";
      const { mode, fields } = wechat.envelope.open(request.query, body);
      // Only once the signature matched: a forger cannot use up a nonce WeChat will send.
      await wechat.guard.admit("wechat", request.query, body);
      let input: ChannelInput | undefined;
      try {
        input = wechatInput(fields);
      } catch (error) {
        if (error instanceof WechatMessageError) throw new HttpError(400, error.message);
        throw error;
      }
      if (!input) return success(reply);
      const decision = await wechat.responder.respond(input, reply.elapsedTime);
      if ("later" in decision || decision.now.length === 0) return success(reply);
      const header = wechatHeader(fields);
      const xml = textReplyXml(header.fromUserName, header.toUserName, plainText(decision.now));
      return reply.type("application/xml; charset=utf-8").send(wechat.envelope.seal(mode, xml));
    },
  );
}

/** "Received, nothing to say now" — in every mode plain `success`, never encrypted. */
function success(reply: FastifyReply) {
  return reply.type("text/plain; charset=utf-8").send("success");
}

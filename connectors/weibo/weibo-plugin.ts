// Weibo fan-service push endpoint: GET verifies the URL, POST receives private
// messages, events and @-mentions, each checked by its signature and answered with
// Weibo's passive JSON reply (or an empty body when there is nothing to say now).
// The signature does not cover the body: a fresh timestamp and an unused nonce (or
// the same body, a retry) are required too (../shared/push-guard.ts).
// GET /connectors/weibo/status shows how the public-stream pollers are doing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { errorResponses } from "../../src/http/error-schema.ts";
import { HttpError } from "../../src/http/error-handler.ts";
import { plainText } from "../shared/plain-text.ts";
import {
  type SignedQuery,
  signedQueryProperties,
  signedTextResponse,
  unauthorizedResponse,
} from "../shared/signed-query.ts";
import { signatureMatches } from "../shared/sorted-sha1.ts";
import type { WeiboConnector } from "./weibo-connector.ts";
import { type ReadPush, readWeiboPush, type WeiboPush, WeiboPushError, weiboPushSchema } from "./weibo-push.ts";
import { splitText } from "./weibo-text.ts";

const PATH = "/connectors/weibo";
const BODY_LIMIT = 32 * 1024;

const querySchema = { type: "object", properties: signedQueryProperties } as const;

const passiveReplySchema = {
  type: "object",
  required: ["result", "sender_id", "receiver_id", "type", "data"],
  properties: {
    result: { type: "boolean" },
    sender_id: { type: "integer" },
    receiver_id: { type: "integer" },
    type: { type: "string" },
    data: { type: "string" },
  },
} as const;

const statusSchema = {
  type: "object",
  required: ["configured", "streams"],
  properties: {
    configured: { type: "boolean" },
    streams: {
      type: "array",
      items: {
        type: "object",
        required: ["stream", "status", "failures"],
        properties: {
          stream: { type: "string" },
          status: { type: "string" },
          sinceId: { type: ["string", "null"] },
          lastError: { type: ["string", "null"] },
          failures: { type: "integer" },
          retryAfter: { type: ["string", "null"] },
          lastPolledAt: { type: ["string", "null"] },
          lastSuccessAt: { type: ["string", "null"] },
        },
      },
    },
  },
} as const;

export async function weiboPlugin(app: FastifyInstance, { connector }: { connector: WeiboConnector | undefined }) {
  const configured = (): WeiboConnector => {
    if (!connector) {
      throw new HttpError(
        404,
        "The Weibo connector is off: set WEIBO_APP_SECRET, WEIBO_ACCESS_TOKEN and WEIBO_UID to turn it on.",
      );
    }
    return connector;
  };
  // Signed with the app secret like WeChat's with its token; checked before the body is looked at.
  const checkSignature = async (request: FastifyRequest<{ Querystring: SignedQuery }>) => {
    const weibo = configured();
    const { signature, timestamp, nonce } = request.query;
    if (!timestamp || !nonce || !signatureMatches(signature, [weibo.config.appSecret, timestamp, nonce])) {
      throw new HttpError(401, "signature does not match");
    }
    weibo.guard.checkFresh(timestamp);
  };
  // After the signature: the same signature with another body is a forgery (the body is parsed JSON by now).
  const checkPush = async (request: FastifyRequest<{ Querystring: SignedQuery; Body: unknown }>) => {
    await checkSignature(request);
    await configured().guard.admit("weibo", request.query, JSON.stringify(request.body ?? null));
  };

  app.get<{ Querystring: SignedQuery }>(
    PATH,
    { schema: { querystring: querySchema, response: signedTextResponse }, preHandler: checkSignature },
    async (request, reply) => reply.type("text/plain; charset=utf-8").send(request.query.echostr ?? ""),
  );

  app.post<{ Querystring: SignedQuery; Body: WeiboPush }>(
    PATH,
    {
      bodyLimit: BODY_LIMIT,
      preValidation: checkPush,
      schema: {
        querystring: querySchema,
        body: weiboPushSchema,
        response: { 200: passiveReplySchema, ...errorResponses, ...unauthorizedResponse },
      },
    },
    async (request, reply) => {
      const weibo = configured();
      let read: ReadPush;
      try {
        read = readWeiboPush(request.body);
      } catch (error) {
        if (error instanceof WeiboPushError) throw new HttpError(400, error.message);
        throw error;
      }
      if (read.kind === "ignored") return nothingNow(reply);
      if (read.kind === "post") {
        // Weibo allows one reply to a mention: the passive reply carries the first message only.
        const decision = await weibo.respondToMention(read.post, reply.elapsedTime);
        if ("later" in decision || decision.now.length === 0) return nothingNow(reply);
        return passiveReply(weibo, read.post.uid, splitText(plainText(decision.now))[0]!);
      }
      const decision = await weibo.responder.respond(read.input, reply.elapsedTime);
      if ("later" in decision || decision.now.length === 0) return nothingNow(reply);
      // A passive reply holds one message under 300 characters: the rest follows as private messages.
      const [first, ...rest] = splitText(plainText(decision.now));
      if (rest.length > 0)
        await weibo.responder.sendLater(read.input, [{ type: "text", text: rest.join("\n") }], "rest");
      return passiveReply(weibo, read.input.channelUserId, first!);
    },
  );

  app.get(`${PATH}/status`, { schema: { response: { 200: statusSchema } } }, async () => ({
    configured: !!connector,
    streams: connector ? await connector.poller.statuses() : [],
  }));
}

/** Weibo's passive reply: one text message to the fan, its JSON URL-encoded in `data`. */
function passiveReply(weibo: WeiboConnector, fan: string, text: string) {
  return {
    result: true,
    sender_id: Number(weibo.config.uid),
    receiver_id: Number(fan),
    type: "text",
    data: encodeURIComponent(JSON.stringify({ text })),
  };
}

function nothingNow(reply: FastifyReply) {
  return reply.type("text/plain; charset=utf-8").send("");
}

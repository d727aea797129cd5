// Web chat over HTTP as a browser does it: each citizen (named by the test) keeps the
// session token the hub issued and sends it back in the X-Chat-Session header.
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";

export function chatSessions(app: FastifyInstance) {
  const tokens = new Map<string, string>();
  return async (citizen: string, text: string) => {
    const token = tokens.get(citizen);
    const res = await app.inject({
      method: "POST",
      url: "/api/chat/messages",
      payload: { text },
      headers: token ? { "x-chat-session": token } : {},
    });
    expect(res.statusCode).toBe(200);
    tokens.set(citizen, res.headers["x-chat-session"] as string);
    return res.json();
  };
}

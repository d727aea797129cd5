// The baseline: a bare Fastify route that echoes its JSON body, with the same body
// limit and response schema style as the chat API. Run as a child process by bench/run.ts.
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post(
  "/echo",
  {
    schema: {
      body: {
        type: "object",
        required: ["text"],
        properties: { sessionId: { type: "string" }, text: { type: "string" } },
      },
      response: { 200: { type: "object", properties: { sessionId: { type: "string" }, text: { type: "string" } } } },
    },
  },
  async (request) => request.body,
);
const address = await app.listen({ port: 0, host: "127.0.0.1" });
console.log(`listening ${address}`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";
import { maskText } from "../src/privacy/mask.ts";

describe("privacy masking", () => {
  it("masks mobile numbers", () => {
    expect(maskText("我的电话13812345678，请回电")).toBe("我的电话138****5678，请回电");
  });

  it("masks 18-digit ID numbers, including an X check digit", () => {
    expect(maskText("身份证号11010519491231002X")).toBe("身份证号110105********002X");
    expect(maskText("身份证号110105194912310021")).toBe("身份证号110105********0021");
  });

  it("masks mobile numbers written in groups or with +86", () => {
    expect(maskText("138 1234 5678")).toBe("138 **** 5678");
    expect(maskText("电话：+86 139-1234-5678")).toBe("电话：+86 139-****-5678");
  });

  it("masks landlines with an area code, keeping the extension", () => {
    expect(maskText("座机010-62345678")).toBe("座机010-****5678");
    expect(maskText("(0755) 2345 6789")).toBe("(0755) **** 6789");
    expect(maskText("0371-6234567转801")).toBe("0371-****4567转801");
  });

  it("leaves other numbers alone", () => {
    expect(maskText("请拨打12345热线，工单GD20261122-000123")).toBe("请拨打12345热线，工单GD20261122-000123");
    // 20 digits is not a phone number glued to something.
    expect(maskText("订单号13812345678901234567")).toBe("订单号13812345678901234567");
    // Dates, times and hex ids in log lines are no landlines.
    expect(maskText('{"time":"2026-01-05 10:00","id":"a0371234-5678abcd"}')).toBe(
      '{"time":"2026-01-05 10:00","id":"a0371234-5678abcd"}',
    );
  });

  it("keeps phone and ID numbers out of log lines", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger("info", sink);
    log.info({ text: "电话13812345678" }, "citizen 110105194912310021 wrote");
    const line = lines.join("");
    expect(line).not.toContain("13812345678");
    expect(line).not.toContain("110105194912310021");
    expect(line).toContain("138****5678");
    expect(line).toContain("110105********0021");
  });
});

describe("request logs", () => {
  it("show method, url and status, with personal numbers masked", async () => {
    const { default: Fastify } = await import("fastify");
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ loggerInstance: createLogger("info", sink) as never });
    app.get("/t/:id", async () => ({ ok: true }));
    await app.inject({ url: "/t/13812345678" });
    await app.close();
    // A write may carry part of a line, or several: read the stream as lines.
    const logged = lines.join("").split("\n");
    const incoming = JSON.parse(logged.find((l) => l.includes("incoming request"))!);
    expect(incoming.req).toMatchObject({ method: "GET", url: "/t/138****5678" });
    const completed = JSON.parse(logged.find((l) => l.includes("request completed"))!);
    expect(completed.res).toEqual({ statusCode: 200 });
  });
});

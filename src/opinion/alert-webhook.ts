// The alert webhook (OPINION_ALERT_WEBHOOK): JSON, POSTed, signed so the receiver can tell it
// came from the hub and was not replayed. The signature is HMAC-SHA256 with the shared secret
// over `<timestamp>.<body>` (the timestamp in Unix seconds, as sent in X-Hub-Timestamp), hex,
// sent as `X-Hub-Signature: sha256=<hex>`. A receiver recomputes it over the raw body and
// refuses a timestamp far from its own clock.
import { createHmac, timingSafeEqual } from "node:crypto";

export const TIMESTAMP_HEADER = "x-hub-timestamp";
export const SIGNATURE_HEADER = "x-hub-signature";

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** For receivers (and tests): whether the signature is the secret's over this timestamp and body. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookTarget {
  url: string;
  secret: string;
  timeoutMs?: number;
}

/** POSTs the body, signed; throws unless the receiver answers 2xx (the queue retries with backoff). */
export async function postSigned(target: WebhookTarget, body: string, now = Date.now()): Promise<void> {
  const timestamp = String(Math.floor(now / 1000));
  const response = await fetch(target.url, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: webhookSignature(target.secret, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
}

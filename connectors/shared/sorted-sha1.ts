// The push signature WeChat and Weibo share: sha1 over the parts sorted as strings,
// compared in constant time so a forger learns nothing from how fast we say no.
import { hash, timingSafeEqual } from "node:crypto";

export function sortedSha1(parts: string[]): string {
  // One-shot hash: every push computes one or two, so the cheaper call matters.
  return hash("sha1", [...parts].sort().join(""), "hex");
}

/** True when `signature` (hex, any case) is sha1 of the sorted parts. */
export function signatureMatches(signature: string | undefined, parts: string[]): boolean {
  if (!signature || !/^[0-9a-fA-F]{40}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signature.toLowerCase(), "latin1"), Buffer.from(sortedSha1(parts), "latin1"));
}

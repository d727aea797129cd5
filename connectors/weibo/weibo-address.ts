// Who a Weibo notice goes to: a fan in private (their uid), or — for public replies —
// a comment thread or a post. The outbound queue carries it as the notice's channel user id.
export type WeiboAddress = { fan: string } | { comment: { statusId: string; commentId: string } } | { post: string };

export function formatWeiboAddress(address: WeiboAddress): string {
  if ("fan" in address) return address.fan;
  if ("comment" in address) return `comment:${address.comment.statusId}:${address.comment.commentId}`;
  return `post:${address.post}`;
}

export function parseWeiboAddress(text: string): WeiboAddress | undefined {
  if (/^\d+$/.test(text)) return { fan: text };
  const comment = /^comment:(\d+):(\d+)$/.exec(text);
  if (comment) return { comment: { statusId: comment[1]!, commentId: comment[2]! } };
  const post = /^post:(\d+)$/.exec(text);
  return post ? { post: post[1]! } : undefined;
}

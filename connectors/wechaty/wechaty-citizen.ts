// A community-group citizen's id on the hub (channelUserId): in a group, the group and
// the member — so the answer, the conversation and later notices stay in that group —
// and in a private chat the contact alone. Ids are URI-encoded, so any platform id fits.
export type WechatyCitizen =
  | { kind: "group"; roomId: string; contactId: string }
  | { kind: "private"; contactId: string };

export function citizenId(citizen: WechatyCitizen): string {
  return citizen.kind === "group"
    ? `g/${encodeURIComponent(citizen.roomId)}/${encodeURIComponent(citizen.contactId)}`
    : `p/${encodeURIComponent(citizen.contactId)}`;
}

/** The citizen a channelUserId stands for; undefined when it is not one of ours. */
export function parseCitizenId(id: string): WechatyCitizen | undefined {
  const parts = id.split("/");
  try {
    if (parts.length === 3 && parts[0] === "g" && parts[1] && parts[2])
      return { kind: "group", roomId: decodeURIComponent(parts[1]), contactId: decodeURIComponent(parts[2]) };
    if (parts.length === 2 && parts[0] === "p" && parts[1])
      return { kind: "private", contactId: decodeURIComponent(parts[1]) };
  } catch {
    // A malformed escape: not ours.
  }
  return undefined;
}

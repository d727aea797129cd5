// The custom menu in WeChat's menu/create format, built from intents/wechat-menu.yaml.
import { type MenuFile, type MenuLeaf, menuKey } from "../../src/knowledge/menu.ts";
import type { AccessTokens } from "./wechat-access-token.ts";
import type { WechatApi } from "./wechat-api.ts";

type WechatButton = { type: "click"; name: string; key: string } | { type: "view"; name: string; url: string };
export interface WechatMenu {
  button: (WechatButton | { name: string; sub_button: WechatButton[] })[];
}

export function wechatMenu(file: MenuFile): WechatMenu {
  return {
    button: file.buttons.map((b) =>
      "buttons" in b ? { name: b.name, sub_button: b.buttons.map(leafButton) } : leafButton(b),
    ),
  };
}

function leafButton(leaf: MenuLeaf): WechatButton {
  if ("url" in leaf) return { type: "view", name: leaf.name, url: leaf.url };
  return { type: "click", name: leaf.name, key: menuKey(leaf)! };
}

export async function createWechatMenu(
  api: WechatApi,
  tokens: Pick<AccessTokens, "withToken">,
  file: MenuFile,
): Promise<WechatMenu> {
  const menu = wechatMenu(file);
  await tokens.withToken((token) => api.post("/cgi-bin/menu/create", token, menu));
  return menu;
}

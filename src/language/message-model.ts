// Loads the trained message model once per directory and process: the hub, a reload
// and the evaluation all share it (it is read-only).
import path from "node:path";
import { MessageModel } from "./components/message-model/message-model.ts";

export const SHIPPED_MESSAGE_MODEL = path.resolve(import.meta.dirname, "../../intents/models/default");

const loaded = new Map<string, MessageModel>();

export function loadMessageModel(dir: string = SHIPPED_MESSAGE_MODEL): MessageModel {
  const key = path.resolve(dir);
  let model = loaded.get(key);
  if (!model) {
    model = MessageModel.load(key);
    loaded.set(key, model);
  }
  return model;
}

// Loads the trained message model once per directory and process: the hub, a reload
// and the evaluation all share it (it is read-only).
import path from "node:path";
import { MessageClassifier } from "./classification/message-classifier.ts";

export const SHIPPED_MESSAGE_MODEL = path.resolve(import.meta.dirname, "../../intents/models/default");

const loaded = new Map<string, MessageClassifier>();

export function loadMessageModel(dir: string = SHIPPED_MESSAGE_MODEL): MessageClassifier {
  const key = path.resolve(dir);
  let model = loaded.get(key);
  if (!model) {
    model = MessageClassifier.load(key);
    loaded.set(key, model);
  }
  return model;
}

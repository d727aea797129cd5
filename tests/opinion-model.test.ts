// The emotion model the opinion analysis ships (intents/models/opinion) is exactly what
// `npm run nlp -- train intents/training/opinion.jsonl --model intents/models/opinion`
// produces from the team's own messages: nothing else went into it.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readLabeledMessages } from "../src/language/components/message-model/labeled-messages.ts";
import { loadModel } from "../src/language/components/message-model/model-file.ts";
import { trainClassifier } from "../src/language/components/message-model/train-classifier.ts";
import { Segmenter } from "../src/language/text/segmenter.ts";
import { INTENTS_DIR } from "./support/catalog.ts";

const bytes = (a: Float32Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("the shipped opinion model's provenance", () => {
  it("is exactly what npm run nlp -- train intents/training/opinion.jsonl produces, emotion only", () => {
    const retrained = trainClassifier(
      readLabeledMessages(path.join(INTENTS_DIR, "training/opinion.jsonl")),
      new Segmenter([]),
    );
    const shipped = loadModel(path.join(INTENTS_DIR, "models/opinion"));
    expect(shipped.training.messages).toBe(retrained.training.messages);
    expect(bytes(shipped.hashes).equals(bytes(retrained.hashes))).toBe(true);
    expect(shipped.tasks.type).toBeUndefined();
    expect(shipped.tasks.domain).toBeUndefined();
    expect(shipped.tasks.emotion!.labels).toEqual(retrained.tasks.emotion!.labels);
    expect(bytes(shipped.tasks.emotion!.weights).equals(bytes(retrained.tasks.emotion!.weights))).toBe(true);
  });
});

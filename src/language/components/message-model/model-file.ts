// A model directory holds `model.json` (labels, temperatures, feature settings — readable
// and diffable) and `weights.bin` (little-endian float32/uint32 arrays, in the order
// model.json lists). Loading is a file read and typed-array views: no parsing of numbers.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TASKS, type ClassifierModel, type TaskName } from "./classifier-model.ts";
import type { FeatureOptions } from "./message-features.ts";

const FORMAT = "gov-hub-message-classifier";
const VERSION = 1;
export const MODEL_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";

interface ModelManifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  features: FeatureOptions;
  featureCount: number;
  tasks: { name: TaskName; labels: string[]; temperature: number }[];
  training: ClassifierModel["training"];
  weights: { file: string; bytes: number; sha256: string };
}

export class ModelFileError extends Error {}

if (os.endianness() !== "LE") throw new Error("model files are little-endian; this machine is big-endian");

export function saveModel(model: ClassifierModel, dir: string): void {
  const parts: ArrayBufferView[] = [model.hashes, model.idf];
  const tasks: ModelManifest["tasks"] = [];
  for (const name of TASKS) {
    const layer = model.tasks[name];
    if (!layer) continue;
    tasks.push({ name, labels: layer.labels, temperature: layer.temperature });
    parts.push(layer.weights, layer.bias);
  }
  const weights = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  const manifest: ModelManifest = {
    format: FORMAT,
    version: VERSION,
    features: model.features,
    featureCount: model.hashes.length,
    tasks,
    training: model.training,
    weights: { file: WEIGHTS_FILE, bytes: weights.length, sha256: createHash("sha256").update(weights).digest("hex") },
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, WEIGHTS_FILE), weights);
  fs.writeFileSync(path.join(dir, MODEL_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function loadModel(dir: string): ClassifierModel {
  const manifestPath = path.join(dir, MODEL_FILE);
  if (!fs.existsSync(manifestPath)) {
    throw new ModelFileError(
      `${dir}: no model here (${MODEL_FILE} is missing); train one with: npm run nlp -- train <labeled.jsonl> --model ${dir}`,
    );
  }
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8")) as ModelManifest;
  } catch (err) {
    throw new ModelFileError(`${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  if (manifest.format !== FORMAT || manifest.version !== VERSION) {
    throw new ModelFileError(`${manifestPath}: not a ${FORMAT} v${VERSION} model`);
  }
  const weightsPath = path.join(dir, manifest.weights.file);
  if (!fs.existsSync(weightsPath))
    throw new ModelFileError(`${weightsPath}: missing (the model directory is incomplete)`);
  const bytes = fs.readFileSync(weightsPath);
  const expected =
    manifest.featureCount * 8 +
    manifest.tasks.reduce((n, t) => n + (manifest.featureCount + 1) * t.labels.length * 4, 0);
  if (bytes.length !== expected || bytes.length !== manifest.weights.bytes) {
    throw new ModelFileError(
      `${weightsPath}: ${bytes.length} bytes, expected ${expected} (file truncated or from another model)`,
    );
  }
  if (createHash("sha256").update(bytes).digest("hex") !== manifest.weights.sha256) {
    throw new ModelFileError(
      `${weightsPath}: checksum differs from ${MODEL_FILE} (file damaged or from another model)`,
    );
  }
  // Typed arrays need 4-byte alignment; a Buffer from the pool may not have it.
  const buffer =
    bytes.byteOffset % 4 === 0 ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  let offset = buffer === bytes.buffer ? bytes.byteOffset : 0;
  const take = <T>(make: (b: ArrayBufferLike, o: number, n: number) => T, count: number): T => {
    const view = make(buffer, offset, count);
    offset += count * 4;
    return view;
  };
  const F = manifest.featureCount;
  const hashes = take((b, o, n) => new Uint32Array(b, o, n), F);
  const idf = take((b, o, n) => new Float32Array(b, o, n), F);
  const tasks: ClassifierModel["tasks"] = {};
  for (const task of manifest.tasks) {
    const K = task.labels.length;
    const weights = take((b, o, n) => new Float32Array(b, o, n), F * K);
    const bias = take((b, o, n) => new Float32Array(b, o, n), K);
    tasks[task.name] = { labels: task.labels, weights, bias, temperature: task.temperature };
  }
  return { features: manifest.features, hashes, idf, tasks, training: manifest.training };
}

// Trains a catalog's service matcher in a worker thread (matcher-worker.ts): a city's
// catalog takes seconds of CPU, and on the thread that answers chat that would hold every
// answer while intents/ reloads. The old understander keeps answering meanwhile; the
// models come back as typed arrays (matcher-state.ts), the same ones an in-process build
// makes. A worker per build: its heap (jieba's dictionary, the training's garbage) is
// gone when the build is.
import { Worker } from "node:worker_threads";
import type { Catalog } from "../knowledge/catalog-schema.ts";
import type { MatcherState } from "./components/matcher-state.ts";
import { Segmenter } from "./text/segmenter.ts";
import { type MatcherTrainer, Understander } from "./understander.ts";

/** What the worker is given (workerData). */
export interface MatcherRequest {
  catalog: Catalog;
  /** Segmenter.taughtWords() of the answering thread. */
  taughtWords: string[];
}

/** The worker's one message: the trained models, or why training failed (the snapshot is rejected). */
export type MatcherAnswer = { state: MatcherState } | { error: string };

// Run from the sources (tsx: tests, scripts, dev) the worker is TypeScript and needs tsx's
// loader, which a worker thread does not inherit; run from the build (.build/, npm start)
// it is plain JavaScript.
const WORKER_ENTRY = new URL(
  import.meta.url.endsWith(".ts") ? "./matcher-worker-tsx.mjs" : "./matcher-worker.js",
  import.meta.url,
);

/** Why a worker could not train: it did not start, or died without answering. */
class WorkerUnavailable extends Error {}

function trainInWorker(catalog: Catalog, entry: URL): Promise<MatcherState> {
  return new Promise((resolve, reject) => {
    const request: MatcherRequest = { catalog, taughtWords: Segmenter.taughtWords() };
    const worker = new Worker(entry, { workerData: request });
    let answered = false;
    worker.once("message", (answer: MatcherAnswer) => {
      answered = true;
      if ("state" in answer) resolve(answer.state);
      else reject(new Error(answer.error));
    });
    worker.once("error", (error) => {
      if (!answered) reject(new WorkerUnavailable(error.message, { cause: error }));
      answered = true;
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new WorkerUnavailable(`the worker thread exited with code ${code} without an answer`));
    });
  });
}

/**
 * A MatcherTrainer that trains in a worker thread; when a worker cannot start (or dies
 * without answering) it trains in-process, then and for every later build, and says so
 * once through `warn`. `entry` is the worker's script (another only in tests).
 */
export function workerMatcherTrainer(warn: (error: Error) => void, entry: URL = WORKER_ENTRY): MatcherTrainer {
  let inProcess = false;
  return async (catalog) => {
    if (!inProcess) {
      try {
        return await trainInWorker(catalog, entry);
      } catch (error) {
        if (!(error instanceof WorkerUnavailable)) throw error;
        inProcess = true;
        warn(error);
      }
    }
    return Understander.trainMatcher(catalog);
  };
}

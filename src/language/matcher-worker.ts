// The entry of the worker thread that trains a catalog's service matcher (started by
// matcher-thread.ts): it reads its request from workerData, answers with one message
// (the trained models, their arrays transferred, or the error) and ends.
import { parentPort, workerData } from "node:worker_threads";
import { transferList } from "./components/matcher-state.ts";
import { Segmenter } from "./text/segmenter.ts";
import { Understander } from "./understander.ts";
import type { MatcherRequest, MatcherAnswer } from "./matcher-thread.ts";

const { catalog, taughtWords } = workerData as MatcherRequest;
const answer = (message: MatcherAnswer, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
try {
  // The words the answering thread's jieba knows (earlier catalogs', the opinion analysis's)
  // first: the training texts are then cut as an in-process build would cut them.
  new Segmenter(taughtWords);
  const state = Understander.trainMatcher(catalog);
  answer({ state }, transferList(state));
} catch (error) {
  answer({ error: error instanceof Error ? error.message : String(error) });
}

// Types for scripts/process-group.mjs (plain JavaScript: bootstrap.mjs runs it before node_modules exists).
import type { ChildProcess, SpawnOptions } from "node:child_process";

export function signalStatus(signal: NodeJS.Signals): number;
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean;
export function watchParent(onOrphaned: () => void, intervalMs?: number): () => void;
export function runInGroup(
  command: string,
  args: readonly string[],
  options?: SpawnOptions,
  onSignal?: (signal: NodeJS.Signals) => void,
): { child: ChildProcess; done: Promise<number> };

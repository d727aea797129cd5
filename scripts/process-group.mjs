// Runs a command so that nothing it starts outlives it, and nothing outlives us.
// Plain Node with no dependencies: scripts/bootstrap.mjs uses it before node_modules exists.
//
// - The command runs in its own process group, with everything it starts (the hub's private
//   redis-server, vitest's workers). When it exits, for any reason (even kill -9), whatever
//   is left of the group is sent SIGTERM. Not on a terminal: there the command stays in the
//   terminal's foreground group, so it can read the keyboard (a password prompt) and Ctrl-C
//   reaches everything anyway; a process group of its own would be stopped by SIGTTIN.
// - SIGINT, SIGTERM and SIGHUP are forwarded to the program, which stops what it started in
//   its own order; what is left of the group when it exits gets SIGTERM.
// - If our parent dies (npm, or the shell npm ran, got a SIGTERM and did not pass it on), we
//   are orphaned: that counts as a SIGTERM.
// The caller gets the command's exit status to exit with.
import { spawn } from "node:child_process";
import { constants } from "node:os";

/** 128 + the signal's number, as a shell reports a command killed by it. */
export const signalStatus = (signal) => 128 + (constants.signals[signal] ?? 0);

/** Sends a signal to a whole process group; a group already gone is fine. */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if (error.code === "ESRCH") return false;
    throw error;
  }
}

/**
 * Calls onOrphaned once when our parent process is gone (we are re-parented). The check
 * is a cheap getppid() every `intervalMs`, on an unref'd timer.
 */
export function watchParent(onOrphaned, intervalMs = 500) {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Spawns `command` in a new process group and ties its life to ours (see above).
 * `onSignal(signal)` is told of a forwarded signal (or "SIGTERM" for an orphaned run).
 * Resolves to the exit status to exit with; rejects when the command cannot start.
 */
export function runInGroup(command, args, options = {}, onSignal = () => {}) {
  const grouped = !process.stdin.isTTY;
  const child = spawn(command, args, { ...options, detached: grouped });
  // To the program only: it stops what it started in its own order (the server closes its
  // queues before its private redis-server); whatever is left is stopped when it exits.
  const forward = (signal) => {
    onSignal(signal);
    child.kill(signal);
  };
  const handlers = ["SIGINT", "SIGTERM", "SIGHUP"].map((signal) => {
    const handler = () => forward(signal);
    process.on(signal, handler);
    return [signal, handler];
  });
  const stopWatching = watchParent(() => forward("SIGTERM"));
  const done = new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      stopWatching();
      for (const [name, handler] of handlers) process.off(name, handler);
      // What the command started and left behind goes with it.
      if (grouped) signalGroup(child.pid, "SIGTERM");
      resolve(code ?? (signal ? signalStatus(signal) : 1));
    });
  });
  return { child, done };
}

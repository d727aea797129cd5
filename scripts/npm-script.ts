// The command an npm script runs (package.json "scripts"), for starting the hub the way
// `npm start` does without npm itself in between: the benchmark reads the server's
// memory and the end-to-end test stops it with a signal, so the process must be ours.
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** Program and arguments of `npm run <name>`; `node` is this very Node binary. */
export function npmScriptCommand(name: string): { program: string; args: string[] } {
  const scripts = (
    JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> }
  ).scripts;
  const command = scripts?.[name];
  if (!command) throw new Error(`package.json has no "${name}" script`);
  // Scripts that start the hub are plain words: no quotes, pipes or variables to interpret.
  if (/["'`$|&;<>]/.test(command)) throw new Error(`the "${name}" script needs a shell: ${command}`);
  const [program, ...args] = command.trim().split(/\s+/);
  return { program: program === "node" ? process.execPath : program!, args };
}

// Compiles the hub's TypeScript (src/, connectors/) to plain JavaScript in .build/, so
// that `npm start`, `npm run worker` and the Docker image run on `node` alone: the tsx
// loader costs ~35 MB of memory and seconds of start-up on every run. Each file is
// transpiled on its own (types stripped, `./x.ts` imports rewritten to `./x.js`); type
// checking stays with `npm run typecheck` and `npm test`. Only files whose source is
// newer than their output are redone, so an unchanged checkout builds in milliseconds.
//
// The output mirrors the source tree (.build/src/…, .build/connectors/…), and the data
// folders the code finds relative to its own file (../../intents, ../../prisma) are
// linked into .build/, so the same relative paths hold in both layouts.
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

/** Source folders compiled into the output. */
export const SOURCE_DIRS = ["src", "connectors"];
/** Folders the code reads by a path relative to its own file: linked, not copied. */
const LINKED_DIRS = ["intents", "prisma"];
export const OUT_DIR = ".build";
const INFO_FILE = ".build-info.json";
// Bump when the way outputs are produced changes (compiler overrides below, layout).
const LAYOUT_VERSION = 1;

/** Every file under `dir` (relative to root), depth first. */
function listFiles(root, dir) {
  const found = [];
  if (!existsSync(join(root, dir))) return found;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listFiles(root, path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/** Writes through a temporary file, so a concurrent build or a reader never sees half a file. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

const mtime = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs;

/** A function from a source file (relative to root) to its JavaScript. */
function transpiler(ts, root) {
  // The project's own compiler settings, adjusted for emitting ES modules file by file.
  const configFile = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  if (configFile.error)
    throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(configFile.error.messageText, "\n")}`);
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const compilerOptions = {
    ...options,
    noEmit: false,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    rewriteRelativeImportExtensions: true,
    declaration: false,
    sourceMap: false,
  };
  return (file) => {
    const result = ts.transpileModule(readFileSync(join(root, file), "utf8"), {
      compilerOptions,
      fileName: file,
      reportDiagnostics: true,
    });
    const errors = result.diagnostics?.filter((d) => d.category === ts.DiagnosticCategory.Error) ?? [];
    if (errors.length > 0)
      throw new Error(`${file}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`);
    return result.outputText;
  };
}

/**
 * Brings root/.build up to date with the sources. Returns how many files were
 * (re)compiled or copied and how many stale outputs were removed.
 */
export function build(root) {
  const require = createRequire(join(root, "package.json"));
  let compilerVersion;
  try {
    compilerVersion = require("typescript/package.json").version;
  } catch {
    throw new Error("the TypeScript compiler is not installed (run `npm install`)");
  }
  const out = join(root, OUT_DIR);

  // A different compiler or different settings invalidate every output.
  const info = JSON.stringify({
    typescript: compilerVersion,
    tsconfig: readFileSync(join(root, "tsconfig.json"), "utf8"),
    layout: LAYOUT_VERSION,
  });
  const infoPath = join(out, INFO_FILE);
  const current = existsSync(infoPath) && readFileSync(infoPath, "utf8") === info;
  if (!current) rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  // The compiler (~10 MB of JavaScript) is loaded only when a file needs compiling.
  let transpile;
  const compile = (file) => {
    transpile ??= transpiler(require("typescript"), root);
    return transpile(file);
  };

  let written = 0;
  const expected = new Set();
  for (const dir of SOURCE_DIRS) {
    for (const file of listFiles(root, dir)) {
      if (file.endsWith(".d.ts")) continue;
      const isTypeScript = file.endsWith(".ts");
      const target = join(out, isTypeScript ? file.replace(/\.ts$/, ".js") : file);
      expected.add(target);
      if ((mtime(target) ?? -1) >= mtime(join(root, file))) continue;
      if (isTypeScript) {
        writeAtomically(target, compile(file));
      } else {
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(join(root, file), target);
      }
      written++;
    }
  }

  // Outputs whose source is gone (a renamed or deleted file) must not stay importable.
  let removed = 0;
  for (const dir of SOURCE_DIRS) {
    for (const file of listFiles(out, dir)) {
      if (expected.has(join(out, file))) continue;
      rmSync(join(out, file));
      removed++;
    }
  }

  for (const dir of LINKED_DIRS) {
    const link = join(out, dir);
    if (lstatSync(link, { throwIfNoEntry: false })) continue;
    // A junction needs no privileges on Windows; elsewhere the type is ignored.
    symlinkSync(relative(out, join(root, dir)), link, "junction");
  }
  // Written last (and only when it changed: an image's .build/ may be read-only): an
  // interrupted build is redone from scratch.
  if (!current) writeFileSync(infoPath, info);
  return { written, removed };
}

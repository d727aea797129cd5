// The matcher's worker thread when the hub runs from its TypeScript sources (tests, scripts,
// `tsx`): a worker thread does not inherit tsx's loader, so it registers it, then runs
// matcher-worker.ts. The build (.build/, npm start) starts matcher-worker.js directly.
import { register } from "tsx/esm/api";

register();
await import("./matcher-worker.ts");

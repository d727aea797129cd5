// Module hooks for tests/wechaty-isolation.test.ts: any import of Wechaty or a puppet fails,
// naming the module that asked for it.
export async function resolve(specifier, context, nextResolve) {
  if (/^(wechaty|wechaty-puppet[\w-]*|file-box)(\/|$)/.test(specifier))
    throw new Error(`wechaty loaded: "${specifier}" imported by ${context.parentURL}`);
  return nextResolve(specifier, context);
}

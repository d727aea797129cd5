// `node --import` this (after tsx) to make any import of Wechaty fail (refuse-wechaty-hooks.mjs).
import { register } from "node:module";

register("./refuse-wechaty-hooks.mjs", import.meta.url);

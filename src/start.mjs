/**
 * The process entry point (`npm start`). Plain JavaScript, so that an older
 * Node.js can read it and refuse with one clear line instead of failing on
 * TypeScript; then it turns on Node's compile cache (the stripped TypeScript
 * and V8's code cache, under node_modules/.cache/) before the bot's modules
 * load, and starts the bot. Static imports would be compiled before this
 * code ran, so main is imported dynamically.
 */
import module from "node:module";
import { fileURLToPath } from "node:url";

const REQUIRED = [24, 21];
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1])) {
  process.stderr.write(
    `rangekeeper needs Node.js ${REQUIRED.join(".")} or later (this is v${process.versions.node}); run it with \`npm start\`, which uses the Node.js the project installs\n`,
  );
  process.exit(2);
}

module.enableCompileCache(fileURLToPath(new URL("../node_modules/.cache/node-compile-cache", import.meta.url)));
await import("./main.ts");

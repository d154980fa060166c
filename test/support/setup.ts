/**
 * Runs in every test file's process before its tests: when the file is done,
 * the embedded databases its tests gave back are closed (./pglite-pool.ts).
 */
import { afterAll } from "vitest";
import { closeIdle } from "./pglite-pool.ts";

afterAll(closeIdle);

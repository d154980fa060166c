/**
 * Runs in every test file's process before its tests: when the file is done,
 * the databases its tests gave back are closed or dropped (./db-pool.ts).
 */
import { afterAll } from "vitest";
import { closeIdle } from "./db-pool.ts";

afterAll(closeIdle);

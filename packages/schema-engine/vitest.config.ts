import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "schema-engine",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});

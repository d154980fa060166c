/**
 * The API's router on its own (a real ledger, a plain HTTP server): each
 * token's rate (429 with Retry-After, other tokens unaffected), the OpenAPI
 * document checked by a standard OpenAPI 3.1 validator, and the rate limiter's
 * arithmetic with a clock of its own.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/api/openapi.ts";
import { RateLimiter } from "../../src/api/rate-limit.ts";
import { API_ROUTES } from "../../src/api/routes.ts";
import { type ApiServer, startApiServer } from "../support/api-server.ts";
import { ADMIN, type LedgerFixture, ledgerFixture } from "../support/ledger.ts";

let f: LedgerFixture;
let api: ApiServer;
let base: string;

beforeEach(async () => {
  f = await ledgerFixture();
  api = await startApiServer(f, { perSecond: 0.5, burst: 3 });
  base = api.base;
});
afterEach(async () => {
  await api.close();
  await f.dispose();
});

describe("the API router", () => {
  it("holds each token to its rate: a burst, then 429 with Retry-After, other tokens unaffected", async () => {
    const one = (await f.ledger.createToken(ADMIN, "one", "read")).secret!;
    const two = (await f.ledger.createToken(ADMIN, "two", "read")).secret!;
    const get = (t: string) => fetch(`${base}/datasets`, { headers: { authorization: `Bearer ${t}` } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(one)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await get(one);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect((await get(two)).status).toBe(200);
  });

  it("serves an OpenAPI 3.1 document a standard validator accepts, naming every endpoint it routes", async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    for (const r of API_ROUTES)
      expect(doc.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    // The body schemas are the validating ones: an extra field is refused by both.
    const progress = doc.paths["/assignments/{ref}/progress"]!.put as {
      requestBody: { content: { "application/json": { schema: { $ref: string } } } };
    };
    expect(progress.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/ProgressRequest");
    expect(
      (doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas.ProgressRequest,
    ).toMatchObject({
      additionalProperties: false,
      required: ["itemsDone"],
    });
  });
});

describe("the rate limiter", () => {
  it("lets a burst through, then one request per 1/rate seconds, saying how long to wait", () => {
    let now = 0;
    const r = new RateLimiter(2, 3, () => now);
    expect([r.take("k"), r.take("k"), r.take("k")]).toEqual([0, 0, 0]);
    expect(r.take("k")).toBe(500);
    now = 499;
    expect(r.take("k")).toBeCloseTo(1, 5);
    now = 500;
    expect(r.take("k")).toBe(0);
    expect(r.take("other")).toBe(0);
    expect(() => new RateLimiter(0, 1)).toThrow(RangeError);
  });
});

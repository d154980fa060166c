/**
 * The OpenAPI 3.1 document of `/api/v1`, made from the route table and the
 * zod schemas that validate the requests (OpenAPI 3.1 speaks JSON Schema
 * 2020-12, which zod writes), so the document is what the server does.
 */
import { z } from "zod";
import { API_ROUTES, type ApiRoute } from "./routes.ts";
import { apiSchemas } from "./schemas.ts";

const REF = (id: string) => `#/components/schemas/${id}`;

/** A schema as JSON Schema, named components referenced rather than repeated. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const id = apiSchemas.get(schema)?.id;
  if (id) return { $ref: REF(id) };
  const {
    $schema: _drop,
    $defs: _defs,
    ...rest
  } = z.toJSONSchema(schema, {
    metadata: apiSchemas,
    io,
    unrepresentable: "any",
  }) as Record<string, unknown>;
  // Named schemas inside it are components of the document (made below), not definitions of their own.
  return JSON.parse(JSON.stringify(rest).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<string, unknown>;
}

function parameters(route: ApiRoute): unknown[] {
  const out: unknown[] = [];
  const add = (where: "path" | "query", schema: z.ZodType | undefined) => {
    if (!schema) return;
    const s = jsonSchema(schema, "input") as {
      properties?: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === "path" || (s.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  };
  add("path", route.params);
  add("query", route.query);
  if (route.idempotent)
    out.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "the same key sent again (a retry) returns the first answer and changes nothing",
      schema: { type: "string", minLength: 1, maxLength: 200 },
    });
  return out;
}

const errors = (route: ApiRoute) => {
  const ref = { content: { "application/json": { schema: { $ref: REF("Error") } } } };
  return {
    "400": { description: "the request is malformed (the field at fault is named)", ...ref },
    "401": { description: "no token, or not a valid one", ...ref },
    ...(route.scope === "write"
      ? { "403": { description: "a read token, or an operation the rules refuse", ...ref } }
      : {}),
    "404": { description: "no such dataset, assignment or endpoint", ...ref },
    ...(route.method !== "GET"
      ? {
          "409": { description: "it collides with the ledger's state (taken meanwhile, wrong status)", ...ref },
          "413": { description: "the body is larger than 1 MiB", ...ref },
          "422": { description: "the ledger's rules refuse it (e.g. more items done than the range has)", ...ref },
        }
      : {}),
    "429": {
      description: "too many requests with this token",
      headers: { "Retry-After": { schema: { type: "integer" }, description: "seconds to wait" } },
      ...ref,
    },
  };
};

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const op: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.scope === "write" ? "write" : "read"],
      security: route.auth ? [{ signature: [] }] : [{ bearer: [] }],
      parameters: parameters(route),
      responses: {
        "200": { description: "done", content: { "application/json": { schema: jsonSchema(route.answer, "output") } } },
        ...errors(route),
      },
    };
    if (route.body)
      op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: op };
  }
  const { schemas } = z.toJSONSchema(apiSchemas, { io: "output", unrepresentable: "any", uri: REF }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  const components: Record<string, unknown> = {};
  for (const [id, s] of Object.entries(schemas)) {
    const { $schema: _drop, id: _id, ...rest } = s;
    components[id] = rest;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "rangekeeper API",
      version: "1.0.0",
      description:
        "The assignment ledger of an annotation team, for annotation tools and scripts: read datasets, ranges and the audit feed; record progress, submissions and per-item labels. Authenticate with a workspace token (`/ledger token create <name> [read|write]` in Slack) as `Authorization: Bearer <token>`.",
    },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "a workspace API token (rk_…)" },
        signature: {
          type: "apiKey",
          in: "header",
          name: "X-Signature-256",
          description:
            "sha256=<hex HMAC-SHA256 of the body>, keyed with the signing secret (rks_…) of the write token named in the path, as CVAT signs its webhooks",
        },
      },
      schemas: components,
    },
    paths,
  };
}

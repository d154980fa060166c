/**
 * Workspace API tokens: what lets an annotation tool (or a script) use the
 * HTTP API. An admin creates one with a name and a scope (read, or write,
 * which may also read); the token is shown once and only its SHA-256 is kept,
 * so neither the database nor its backups can give it away. A revoked token
 * stops working at once. A request carrying a token acts as the integration
 * `api:<name>`: what it changes is audited under that name.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiTokenRecord, ApiTokenScope } from "../db/store.ts";
import { conflict, invalid, notFound } from "./errors.ts";
import { change, type LedgerContext, roleOf } from "./ledger/context.ts";
import { requireRole } from "./roles.ts";
import type { Actor, ChangeOptions } from "./types.ts";

export type { ApiTokenRecord, ApiTokenScope };

/** What every token starts with, so that one pasted where it does not belong is recognised (and can be scanned for). */
export const TOKEN_PREFIX = "rk_";
/** A token's name: what its audit events and `/ledger token list` show. */
export const TOKEN_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

/** What every signing secret starts with. */
export const SIGNING_SECRET_PREFIX = "rks_";

/**
 * The secret a tool that signs its webhooks (CVAT) signs them with, for a
 * token: derived from the token's hash, so that it needs no column of its own
 * and can be shown with the token. Whoever reads the database can sign
 * webhooks with it (as with any receiver's signing secret), not use the API.
 */
export const signingSecretOf = (tokenHash: string): string =>
  SIGNING_SECRET_PREFIX + createHmac("sha256", tokenHash).update("rangekeeper webhook signing").digest("base64url");

/** HMAC-SHA256 of `body` with `secret`, hex: what CVAT sends as X-Signature-256 (after "sha256="). */
export const bodySignature = (secret: string, body: Uint8Array): string =>
  createHmac("sha256", secret).update(body).digest("hex");

/** The actor of a request made with a token: the integration, named after it. */
export const integrationActor = (t: Pick<ApiTokenRecord, "teamId" | "name" | "scope">): Actor => ({
  teamId: t.teamId,
  userId: `api:${t.name}`,
  integration: { token: t.name, scope: t.scope },
});

function checkName(name: string): void {
  if (!TOKEN_NAME.test(name))
    throw invalid(
      `"${name}" cannot name a token: use up to 40 lowercase letters, digits, - and _, starting with a letter or digit`,
      { field: "name" },
    );
}

/**
 * Creates a token (admins). The token itself is in the result only when it
 * was made by this call: a repeated request (same idempotency key) says that
 * it was created, without it, as nothing keeps it.
 */
export async function createToken(
  ctx: LedgerContext,
  actor: Actor,
  name: string,
  scope: ApiTokenScope,
  opts: ChangeOptions = {},
): Promise<{ token: ApiTokenRecord; secret: string | null; signingSecret: string | null }> {
  checkName(name);
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const r = await change(ctx, actor.teamId, "token.create", opts.idempotencyKey, async (r) => {
    requireRole(await roleOf(ctx, r, actor), "ADMIN", "create API tokens");
    if (await r.apiTokens.findByName(actor.teamId, name))
      throw conflict(
        `a token named ${name} exists already (names are not used twice, revoked ones included); choose another name`,
        {
          field: "name",
        },
      );
    const at = ctx.config.clock();
    const token = await r.apiTokens.create({
      teamId: actor.teamId,
      name,
      scope,
      hash: hashToken(secret),
      createdBy: actor.userId,
      at,
    });
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "token.create",
      after: { name, scope },
      reason: opts.reason ?? null,
      at,
    });
    return { token };
  });
  return r.replayed
    ? { token: r.token, secret: null, signingSecret: null }
    : { token: r.token, secret, signingSecret: signingSecretOf(hashToken(secret)) };
}

/** The workspace's tokens (admins), revoked ones included. */
export async function listTokens(ctx: LedgerContext, actor: Actor): Promise<ApiTokenRecord[]> {
  const r = ctx.store.read;
  requireRole(await roleOf(ctx, r, actor, undefined, { register: false }), "ADMIN", "see the API tokens");
  return r.apiTokens.list(actor.teamId);
}

/** Revokes a token (admins): requests carrying it are refused from now on. */
export async function revokeToken(ctx: LedgerContext, actor: Actor, name: string, opts: ChangeOptions = {}) {
  return change(ctx, actor.teamId, "token.revoke", opts.idempotencyKey, async (r) => {
    requireRole(await roleOf(ctx, r, actor), "ADMIN", "revoke API tokens");
    const t = await r.apiTokens.findByName(actor.teamId, name);
    if (!t) throw notFound(`there is no token named ${name}`, { field: "name" });
    if (t.revokedAt) throw conflict(`the token ${name} was revoked already`);
    const at = ctx.config.clock();
    const token = await r.apiTokens.revoke(t.id, actor.userId, at);
    await r.audit.append({
      teamId: actor.teamId,
      actorId: actor.userId,
      action: "token.revoke",
      before: { name, scope: t.scope },
      reason: opts.reason ?? null,
      at,
    });
    return { token };
  });
}

/** The live token `secret` is, or why not (unknown and revoked are told apart only in the reason logged). */
export async function authenticate(
  ctx: LedgerContext,
  secret: string,
): Promise<{ ok: true; token: ApiTokenRecord } | { ok: false; reason: "unknown" | "revoked" }> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return { ok: false, reason: "unknown" };
  const r = ctx.store.read;
  const token = await r.apiTokens.findByHash(hashToken(secret));
  if (!token) return { ok: false, reason: "unknown" };
  if (token.revokedAt) return { ok: false, reason: "revoked" };
  await r.apiTokens.touch(token.id, ctx.config.clock());
  return { ok: true, token };
}

/**
 * The live write token `name` of workspace `teamId` whose signing secret
 * signed `body` (`signature`: hex HMAC-SHA256, with or without "sha256="), or
 * why not.
 */
export async function authenticateSigned(
  ctx: LedgerContext,
  teamId: string,
  name: string,
  body: Uint8Array,
  signature: string,
): Promise<{ ok: true; token: ApiTokenRecord } | { ok: false; reason: "unknown" | "revoked" | "bad-signature" }> {
  const r = ctx.store.read;
  const found = TOKEN_NAME.test(name) ? await r.apiTokens.findWithHash(teamId, name) : null;
  if (!found) return { ok: false, reason: "unknown" };
  const given = Buffer.from(signature.trim().replace(/^sha256=/i, ""));
  const expected = Buffer.from(bodySignature(signingSecretOf(found.hash), body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "bad-signature" };
  if (found.token.revokedAt) return { ok: false, reason: "revoked" };
  await r.apiTokens.touch(found.token.id, ctx.config.clock());
  return { ok: true, token: found.token };
}

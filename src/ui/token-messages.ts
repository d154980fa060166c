/** `/ledger token`: a new API token (shown once), the list of tokens, a revocation. */
import type { KnownBlock } from "@slack/types";
import type { ApiTokenRecord } from "../core/api-tokens.ts";
import { context, esc, header, mention, section } from "./format.ts";
import { type Message, msg } from "./message.ts";

const when = (d: Date) =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short} {time}|${d.toISOString().slice(0, 16).replace("T", " ")} UTC>`;

/** The new token, the only time it is shown; `secret` null: a repeated request, whose token was shown before. */
export function tokenCreatedMessage(t: ApiTokenRecord, secret: string | null, signingSecret: string | null): Message {
  if (secret === null)
    return msg(`Token ${t.name} was created already`, [
      section(
        `:key: The token *${esc(t.name)}* was created by this request already, and shown then; it is not kept, so it cannot be shown again. If it was lost: \`/ledger token revoke ${esc(t.name)}\` and create another.`,
      ),
    ]);
  return msg(`API token ${t.name} (${t.scope}) created; copy it now, it is shown only once`, [
    section(
      `:key: Created the API token *${esc(t.name)}* (${t.scope === "write" ? "read and write" : "read only"}). Copy it now: it is shown only this once.`,
    ),
    section(`\`\`\`${secret}\`\`\``),
    context(
      `Use it as \`Authorization: Bearer <token>\` on the HTTP API (\`/api/v1\`, described at \`/api/v1/openapi.json\`) and in Label Studio's webhook headers. What it changes is recorded as api:${esc(t.name)}. \`/ledger token revoke ${esc(t.name)}\` stops it at once.`,
    ),
    ...(t.scope === "write" && signingSecret
      ? [
          section(
            `For tools that sign their webhooks instead (CVAT): target URL \`<this bot's address>/api/v1/hooks/cvat/${t.teamId}/${esc(t.name)}\`, secret:`,
          ),
          section(`\`\`\`${signingSecret}\`\`\``),
        ]
      : []),
  ]);
}

export function tokenListMessage(tokens: readonly ApiTokenRecord[]): Message {
  if (tokens.length === 0)
    return msg("No API tokens", [
      section(":key: No API tokens yet. `/ledger token create <name> [read|write]` makes one."),
    ]);
  const live = tokens.filter((t) => !t.revokedAt);
  const blocks: KnownBlock[] = [header(`API tokens (${live.length} live)`)];
  const lines = tokens.slice(0, 40).map((t) => {
    const used = t.lastUsedAt ? `last used ${when(t.lastUsedAt)}` : "never used";
    const state = t.revokedAt ? `~revoked ${when(t.revokedAt)}~` : used;
    return `*${esc(t.name)}* · ${t.scope} · created ${when(t.createdAt)} by ${mention(t.createdBy)} · ${state}`;
  });
  blocks.push(section(lines.join("\n")));
  if (tokens.length > 40) blocks.push(context(`…and ${tokens.length - 40} more`));
  return msg(`API tokens: ${live.length} live`, blocks);
}

export const tokenRevokedMessage = (t: ApiTokenRecord): Message =>
  msg(`Revoked the API token ${t.name}`, [
    section(`:no_entry: Revoked the API token *${esc(t.name)}*: requests carrying it are refused from now on.`),
  ]);

/** Messages about webhooks: the answers to `/ledger webhook …` and the DM when one is disabled. */
import type { KnownBlock } from "@slack/types";
import type { WebhookView } from "../core/webhooks/service.ts";
import { context, esc, mention, section } from "./format.ts";
import { type Message, msg } from "./message.ts";

const events = (w: Pick<WebhookView, "events">): string => (w.events.length ? w.events.join(", ") : "all events");

/** Unix seconds as Slack shows a date in the reader's zone. */
const when = (d: Date): string =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString().slice(0, 16).replace("T", " ")} UTC>`;

/** The answer to `add`: the id and the signing secret, shown this once. */
export function webhookAddedMessage(w: WebhookView, secret: string | null): Message {
  if (secret === null)
    return msg(`Webhook ${w.id} was added already`, [
      section(
        `:satellite_antenna: Webhook *${w.id}* (${esc(w.url)}) was added by this request already, and its signing secret shown then; it is not shown again. If it was lost: \`/ledger webhook remove ${w.id}\` and add it again.`,
      ),
    ]);
  return msg(`Added webhook ${w.id}`, [
    section(`:satellite_antenna: Added webhook *${w.id}*: ${esc(w.url)}\nEvents: ${esc(events(w))}`),
    section(`Signing secret (shown only now; keep it with the receiver):\n\`${secret}\``),
    context(
      'Each POST carries `Rangekeeper-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed by this secret. See the README, section Webhooks.',
    ),
  ]);
}

export function webhookListMessage(list: readonly WebhookView[]): Message {
  if (list.length === 0)
    return msg("No webhooks", [section("No webhooks. Add one with `/ledger webhook add <url> [event,…]`.")]);
  const blocks: KnownBlock[] = [section(`*Webhooks* (${list.length})`)];
  for (const w of list) {
    const state = w.disabledAt
      ? `:no_entry: disabled ${when(w.disabledAt)}${w.disabledReason ? ` (${esc(w.disabledReason)})` : ""}`
      : ":large_green_circle: active";
    blocks.push(
      section(
        `*${w.id}* ${esc(w.url)}\n${esc(events(w))} · ${state} · added by ${mention(w.createdBy)} ${when(w.createdAt)}`,
      ),
    );
  }
  return msg(`Webhooks (${list.length})`, blocks);
}

export function webhookRemovedMessage(w: WebhookView): Message {
  return msg(`Removed webhook ${w.id}`, [
    section(`:wastebasket: Removed webhook *${w.id}* (${esc(w.url)}): nothing more is sent to it.`),
  ]);
}

/** The DM to the admin who added a webhook that was disabled. */
export function webhookDisabledMessage(w: WebhookView): Message {
  return msg(`Webhook ${w.id} was disabled`, [
    section(
      `:no_entry: Webhook *${w.id}* (${esc(w.url)}) was disabled: ${esc(w.disabledReason ?? "its receiver is gone")}. Nothing more is sent to it; add it again with \`/ledger webhook add\` once the receiver is back.`,
    ),
  ]);
}

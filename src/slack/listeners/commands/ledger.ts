import { invalid } from "../../../core/errors.ts";
import { plural } from "../../../ui/format.ts";
import { jobRunMessage, jobsMessage } from "../../../ui/job-messages.ts";
import {
  capacityMessage,
  coverageMessage,
  datasetMessage,
  exportedMessage,
  helpMessage,
  roleMessage,
  statusOverviewMessage,
  workspaceMessage,
} from "../../../ui/ledger-messages.ts";
import { myQaMessage, qaMessage } from "../../../ui/qa-messages.ts";
import { tokenCreatedMessage, tokenListMessage, tokenRevokedMessage } from "../../../ui/token-messages.ts";
import { toolSettingLines } from "../../../ui/tool-messages.ts";
import { webhookAddedMessage, webhookListMessage, webhookRemovedMessage } from "../../../ui/webhook-messages.ts";
import { sendFileByDm } from "../../files.ts";
import { assignFlow } from "../../flows/assignments.ts";
import { dueDateFlow } from "../../flows/due-dates.ts";
import { instructionsPublishedFlow } from "../../flows/instructions.ts";
import { parseLedger } from "../../parse/grammar.ts";
import { mustBeKnown, type Services } from "../../services.ts";
import { slashCommand } from "./common.ts";

/** A new token that could not be shown: revoked, and said so. */
const invalidAnswer = (e: unknown, name: string) =>
  invalid(
    `the token ${name} was created but Slack did not take the message showing it (${e instanceof Error ? e.message : String(e)}), so it was revoked; create another`,
  );

/** /ledger — help, status, datasets, assignments by leads, roles, capacity, export, scheduled jobs, API tokens, webhooks. */
export const ledgerCommand = (s: Services) =>
  slashCommand(s, "/ledger", async ({ args, actor, key, reply }) => {
    const cmd = parseLedger(args.command.text);
    const opts = { idempotencyKey: key };
    switch (cmd.kind) {
      case "help":
        return reply(helpMessage());
      case "status": {
        const visibility = cmd.public ? "in_channel" : "ephemeral";
        if (cmd.dataset) return reply(coverageMessage(await s.ledger.coverage(actor.teamId, cmd.dataset)), visibility);
        const datasets = await s.ledger.listDatasets(actor.teamId);
        const covs = await Promise.all(datasets.slice(0, 20).map((d) => s.ledger.coverage(actor.teamId, d.slug)));
        return reply(statusOverviewMessage(covs, await s.ledger.workload(actor.teamId)), visibility);
      }
      case "dataset-add": {
        const r = await s.ledger.createDataset(
          actor,
          { slug: cmd.slug, itemCount: cmd.items, channelId: cmd.channelId, title: cmd.title ?? undefined },
          opts,
        );
        return reply(datasetMessage(r.dataset, `Added dataset *${r.dataset.slug}*`));
      }
      case "dataset-set": {
        const r = await s.ledger.configureDataset(actor, cmd.slug, cmd.setting, opts);
        instructionsPublishedFlow(s, actor, r.dataset, r.instructionsTo);
        return reply(datasetMessage(r.dataset, `Updated *${r.dataset.slug}*: ${r.key}`, toolSettingLines(r.tool)));
      }
      case "assign":
        return reply(await assignFlow(s, actor, cmd, key));
      case "role": {
        await mustBeKnown(s, actor.teamId, cmd.userId);
        const r = await s.ledger.setRole(actor, cmd.userId, cmd.role, { ...opts, dataset: cmd.dataset ?? undefined });
        s.background.run("home after role", () => s.home.refresh(actor.teamId, [cmd.userId]));
        return reply(roleMessage(cmd.userId, r.role, r.dataset));
      }
      case "capacity": {
        await mustBeKnown(s, actor.teamId, cmd.userId);
        const r = await s.ledger.setCapacity(actor, cmd.userId, cmd.itemsPerWeek, opts);
        return reply(capacityMessage(r.member));
      }
      case "export": {
        const reviews = cmd.what === "reviews";
        const { csv, rows, slug } = reviews
          ? await s.ledger.exportReviewsCsv(actor, cmd.dataset)
          : await s.ledger.exportCsv(actor, cmd.dataset);
        const what = reviews ? "reviews" : "ledger";
        await sendFileByDm(s, actor.userId, {
          filename: `${slug}-${what}.csv`,
          title: `${slug} ${what}`,
          content: csv,
          comment: reviews
            ? `The reviews of ${slug}: ${plural(rows, "row")}, one per review round.`
            : `The ledger of ${slug}: ${plural(rows, "row")}.`,
        });
        return reply(exportedMessage(slug, rows, cmd.what));
      }
      case "qa":
        return reply(
          cmd.dataset === null
            ? myQaMessage(await s.ledger.myQaReport(actor, cmd.span))
            : qaMessage(await s.ledger.qaReport(actor, cmd.dataset, cmd.span)),
        );
      case "due":
        return reply(await dueDateFlow(s, actor, cmd.id, cmd.due, cmd.reason, key));
      case "workspace":
        return reply(workspaceMessage(await s.ledger.getWorkspace(actor.teamId), "Workspace settings"));
      case "workspace-set": {
        const r = await s.ledger.configureWorkspace(actor, cmd.setting, opts);
        return reply(workspaceMessage(r.workspace, `Updated the workspace: ${r.key}`));
      }
      case "jobs":
        await s.ledger.authorizeJobs(actor, "view");
        return reply(jobsMessage(await s.jobs.overview(actor.teamId)));
      case "jobs-run": {
        await s.ledger.authorizeJobs(actor, "run");
        return reply(jobRunMessage(await s.jobs.runNow(cmd.job)));
      }
      case "token-create": {
        const r = await s.ledger.createToken(actor, cmd.name, cmd.scope, opts);
        const m = tokenCreatedMessage(r.token, r.secret, r.signingSecret);
        if (r.secret === null) return reply(m);
        // The token goes straight to the response_url, never through the outbox: nothing may keep it.
        try {
          await args.respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks });
        } catch (e) {
          await s.ledger.revokeToken(actor, cmd.name, { reason: "its creation could not be shown" });
          throw invalidAnswer(e, cmd.name);
        }
        return;
      }
      case "token-list":
        return reply(tokenListMessage(await s.ledger.listTokens(actor)));
      case "token-revoke":
        return reply(tokenRevokedMessage((await s.ledger.revokeToken(actor, cmd.name, opts)).token));
      case "webhook-add": {
        const r = await s.ledger.webhooks.add(actor, { url: cmd.url, events: cmd.events }, opts);
        const m = webhookAddedMessage(r.webhook, r.secret);
        if (r.secret === null) return reply(m);
        // The secret goes straight to the response_url, never through the outbox: nothing but the webhook keeps it.
        try {
          await args.respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks });
        } catch (e) {
          await s.ledger.webhooks.remove(actor, r.webhook.id, { reason: "its secret could not be shown" });
          throw invalid(
            `webhook ${r.webhook.id} was added but Slack did not take the message showing its secret (${e instanceof Error ? e.message : String(e)}), so it was removed; add it again`,
          );
        }
        return;
      }
      case "webhook-list":
        return reply(webhookListMessage(await s.ledger.webhooks.list(actor)));
      case "webhook-remove":
        return reply(webhookRemovedMessage((await s.ledger.webhooks.remove(actor, cmd.id, opts)).webhook));
    }
  });

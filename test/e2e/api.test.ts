/**
 * The HTTP API beside /slack/events, through the real app: tokens made in
 * Slack, every endpoint's answer and refusals (401, 403, 404, 400 naming the
 * field, 413, 429 with Retry-After), changes made through it seen in Slack
 * as after the same command, idempotent retries, and nothing changed by any
 * refusal.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AppHarness, ask, blockText, IDS, refIn, TEAM, uniqueSlug, useApp } from "../support/app.ts";

let h: AppHarness;
useApp((started) => (h = started), { settleEach: true });

/** Makes a token in Slack as the admin and returns it (from the message that shows it once). */
async function token(name: string, scope: "read" | "write"): Promise<string> {
  const r = await ask(h.admin, "/ledger", `token create ${name} ${scope}`);
  const t = /rk_[A-Za-z0-9_-]{43}/.exec(r.text)?.[0];
  if (!t) throw new Error(`no token in: ${r.text}`);
  return t;
}

async function api(
  method: string,
  path: string,
  o: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${h.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.body !== undefined || o.raw !== undefined ? { "content-type": "application/json" } : {}),
      ...o.headers,
    },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : o.raw !== undefined ? { body: o.raw } : {}),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, read by the assertions below
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, any>) : null };
}

describe("API tokens", () => {
  it("are made, listed and revoked by admins only, shown once and kept only as a hash", async () => {
    expect((await ask(h.lead, "/ledger", "token create ci write")).text).toContain("only admins can create API tokens");
    const t = await token(uniqueSlug("tok"), "read");
    const stored = await h.prisma.apiToken.findMany();
    expect(JSON.stringify(stored)).not.toContain(t);
    // The token went straight to Slack: no outbox row or idempotency record holds it.
    expect(JSON.stringify(await h.prisma.notification.findMany())).not.toContain(t);
    expect(JSON.stringify(await h.prisma.idempotencyKey.findMany())).not.toContain(t);
    const name = stored.at(-1)!.name;
    expect((await ask(h.admin, "/ledger", "token list")).text).toContain(`*${name}* · read`);
    expect((await ask(h.admin, "/ledger", `token create ${name}`)).text).toContain(
      `a token named ${name} exists already`,
    );
    expect((await ask(h.admin, "/ledger", "token create Bad!Name")).text).toContain('"Bad!Name" cannot name a token');
    expect((await api("GET", "/datasets", { token: t })).status).toBe(200);
    expect((await ask(h.admin, "/ledger", `token revoke ${name}`)).text).toContain(`Revoked the API token *${name}*`);
    const after = await api("GET", "/datasets", { token: t });
    expect(after.status).toBe(401);
    expect(after.json!.error).toEqual({
      code: "unauthorized",
      message: "that token is not valid (unknown or revoked)",
    });
    expect((await ask(h.admin, "/ledger", "token list")).text).toMatch(
      new RegExp(`\\*${name}\\* · read · created .* ~revoked`),
    );
  });
});

describe("/api/v1", () => {
  it("reads datasets, ranges and the audit feed; refuses what is not allowed, saying why", async () => {
    const slug = await h.dataset(uniqueSlug("api"), 200);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    await ask(h.bob, "/claim", `${slug} 21-30`);
    const read = await token(uniqueSlug("r"), "read");

    expect((await api("GET", "/datasets")).status).toBe(401);
    expect((await api("GET", "/datasets", { token: "rk_nope" })).status).toBe(401);
    const ds = await api("GET", "/datasets", { token: read });
    expect(ds.json!.datasets.find((d: { slug: string }) => d.slug === slug)).toMatchObject({
      itemCount: 200,
      coverage: { claimed: 30, free: 170, done: 0 },
    });
    const list = await api("GET", `/datasets/${slug}/assignments?assignee=${IDS.ana}`, { token: read });
    expect(list.json!.assignments.map((x: { ref: string }) => x.ref)).toEqual([a]);
    expect((await api("GET", `/assignments/${a}`, { token: read })).json).toMatchObject({
      ref: a,
      dataset: slug,
      first: 1,
      last: 20,
      assignee: IDS.ana,
      status: "PENDING",
    });
    expect((await api("GET", `/members/${IDS.bob}/assignments`, { token: read })).json!.assignments).toHaveLength(1);

    const missing = await api("GET", "/assignments/A99999999", { token: read });
    expect(missing.status).toBe(404);
    expect(missing.json!.error.message).toBe("there is no assignment A99999999");
    expect((await api("GET", "/datasets/nope-nope/assignments", { token: read })).status).toBe(404);
    const badQuery = await api("GET", `/datasets/${slug}/assignments?status=DONE`, { token: read });
    expect(badQuery.status).toBe(400);
    expect(badQuery.json!.error).toMatchObject({ code: "invalid_request", field: "status" });
    expect(badQuery.json!.error.message).toContain('"DONE" is not a status');
    expect((await api("GET", "/nothing-here", { token: read })).status).toBe(404);
    expect((await api("DELETE", `/assignments/${a}`, { token: read })).status).toBe(405);

    // A read token does not write.
    const before = await h.auditCount(slug);
    const denied = await api("PUT", `/assignments/${a}/progress`, { token: read, body: { itemsDone: 5 } });
    expect(denied.status).toBe(403);
    expect(denied.json!.error.message).toContain("may only read");
    expect(await h.auditCount(slug)).toBe(before);

    // The audit feed: every change after a cursor, once the settle time has passed.
    const feed = await api("GET", "/events?after=0&limit=500", { token: read });
    expect(feed.status).toBe(200);
    expect(Array.isArray(feed.json!.events)).toBe(true);
    expect(typeof feed.json!.next).toBe("string");
    expect((await api("GET", "/events?after=abc", { token: read })).json!.error.field).toBe("after");
  });

  it("records progress and submissions as /progress does, shows them in Slack, and applies a retried request once", async () => {
    const slug = await h.dataset(uniqueSlug("apiw"), 200);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    const write = await token(uniqueSlug("w"), "write");
    const put = (body: unknown, key?: string) =>
      api("PUT", `/assignments/${a}/progress`, {
        token: write,
        body,
        ...(key ? { headers: { "idempotency-key": key } } : {}),
      });

    const before = await h.auditCount(slug);
    const tooMany = await put({ itemsDone: 50 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json!.error).toMatchObject({ code: "refused", field: "count" });
    expect(tooMany.json!.error.message).toContain("items done must be between 0 and 20");
    const typo = await put({ itemsDone: "5" });
    expect(typo.status).toBe(400);
    expect(typo.json!.error.field).toBe("itemsDone");
    expect((await put({ itemsDone: 5, extra: 1 })).json!.error.message).toContain("extra");
    expect(
      (await api("PUT", `/assignments/${a}/progress`, { token: write, raw: "{not json" })).json!.error.message,
    ).toBe("the body is not valid JSON");
    expect(await h.auditCount(slug)).toBe(before);

    const done = await put({ itemsDone: 12 }, "tool-1");
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ ref: a, itemsDone: 12, status: "IN_PROGRESS" });
    // The same request again (a retry): the first answer, nothing changed twice.
    expect((await put({ itemsDone: 12 }, "tool-1")).json).toMatchObject({ itemsDone: 12 });
    const events = await h.prisma.auditEvent.findMany({
      where: { assignmentId: Number(a.slice(1)), action: "assignment.progress" },
    });
    expect(events.map((e) => e.actorId)).toEqual([expect.stringMatching(/^api:w/)]);
    await h.settle();
    const home = h.ana.home();
    expect(home && blockText(home.blocks)).toContain("12/20");

    const ask1 = await api("POST", `/assignments/${a}/submit`, { token: write, body: {} });
    expect(ask1.status).toBe(422);
    expect(ask1.json!.error.message).toContain("has 12 of 20 items done");
    const sub = await api("POST", `/assignments/${a}/submit`, { token: write, body: { confirm: true } });
    expect(sub.status).toBe(200);
    expect(sub.json!.assignment.status).toBe("IN_REVIEW");
    expect(sub.json!.review).toMatchObject({ ref: expect.stringMatching(/^R\d+$/) });
    await h.settle();
    const reviewer = sub.json!.review.reviewer as string;
    const dm = h.slack.messages(h.slack.workspace.dmChannel(reviewer)).find((m) => m.text.includes(a));
    expect(dm).toBeDefined();
  });

  it("counts items reported done in the ranges holding them, once each, and gives back the items it cannot count", async () => {
    const slug = await h.dataset(uniqueSlug("items"), 100);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-10`)).reply.text ?? "");
    const b = refIn((await ask(h.bob, "/claim", `${slug} 11-20`)).reply.text ?? "");
    await ask(h.bob, "/progress", `${b} done confirm`);
    const write = await token(uniqueSlug("it"), "write");
    const report = (items: number[]) => api("POST", `/datasets/${slug}/items-done`, { token: write, body: { items } });

    const first = await report([1, 2, 3, 3, 12, 50, 51, 52]);
    expect(first.status).toBe(200);
    expect(first.json!.changed).toEqual([expect.objectContaining({ ref: a, itemsDone: 3, status: "IN_PROGRESS" })]);
    expect(first.json!.notOpen).toEqual([{ ref: b, items: [{ first: 12, last: 12 }] }]);
    expect(first.json!.unheld).toEqual([{ first: 50, last: 52 }]);
    // Reported again with one more: counted once each.
    const again = await report([2, 3, 4]);
    expect(again.json!.changed).toEqual([expect.objectContaining({ ref: a, itemsDone: 4 })]);
    expect((await report([1, 2])).json!.changed).toEqual([]);
    const outside = await report([101]);
    expect(outside.status).toBe(422);
    expect(outside.json!.error).toMatchObject({ field: "items.0", message: expect.stringContaining("outside") });
    await h.settle();
    expect(blockText(h.ana.home()?.blocks)).toContain("4/10");
  });

  it("records labels that /ledger qa compares, refusing items outside the dataset", async () => {
    const slug = await h.dataset(uniqueSlug("lab"), 50);
    const write = await token(uniqueSlug("l"), "write");
    const labels = [1, 2, 3, 4].flatMap((item) => [
      { item, annotator: IDS.ana, label: "cat" },
      { item, annotator: IDS.bob, label: item === 4 ? "dog" : "cat" },
    ]);
    const outside = await api("POST", `/datasets/${slug}/labels`, {
      token: write,
      body: { labels: [...labels, { item: 51, annotator: IDS.ana, label: "cat" }] },
    });
    expect(outside.status).toBe(422);
    expect(outside.json!.error).toMatchObject({ field: "labels.8.item" });
    expect(await h.prisma.itemLabel.count()).toBe(0);
    const ok = await api("POST", `/datasets/${slug}/labels`, { token: write, body: { labels } });
    expect(ok.json).toEqual({ dataset: slug, recorded: 8 });
    expect((await ask(h.lead, "/ledger", `qa ${slug}`)).text).toContain(
      "*Agreement*: 75.0 % over 4 shared label pairs",
    );

    // Gold answers: only of gold items; then the labels of gold items are scored against them.
    const gold = (answers: unknown) => api("POST", `/datasets/${slug}/gold`, { token: write, body: { answers } });
    const notGold = await gold([{ item: 4, label: "dog" }]);
    expect(notGold.status).toBe(422);
    expect(notGold.json!.error).toMatchObject({ field: "answers.0.item" });
    expect(notGold.json!.error.message).toContain(`4 is not a gold item of ${slug}`);
    await ask(h.lead, "/ledger", `dataset set ${slug} gold 3-4`);
    expect(
      (
        await gold([
          { item: 3, label: "cat" },
          { item: 4, label: "dog" },
        ])
      ).json,
    ).toEqual({ dataset: slug, recorded: 2 });
    expect((await ask(h.lead, "/ledger", `qa ${slug}`)).text).toContain(`*Gold from labels*: 75.0 % (95 % CI`);
    expect((await ask(h.lead, "/ledger", `qa ${slug}`)).text).toContain(`<@${IDS.bob}> 100.0 % of 2 labels`);
  });

  it("caps bodies (413) and each token's rate (429 with Retry-After), and serves its OpenAPI document", async () => {
    const write = await token(uniqueSlug("cap"), "write");
    const big = await api("POST", "/datasets/x/labels", { token: write, raw: `{"labels":"${"x".repeat(1_100_000)}"}` });
    expect(big.status).toBe(413);
    expect(big.json!.error.code).toBe("too_large");
    const doc = await api("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.json!.openapi).toBe("3.1.0");
    expect(Object.keys(doc.json!.paths)).toContain("/assignments/{ref}/progress");
  });
});

describe("the annotation tools' webhooks", () => {
  it("are linked in Slack, then move the ranges and record labels as the tools report work", async () => {
    const slug = await h.dataset(uniqueSlug("tools"), 200);
    const a = refIn((await ask(h.ana, "/claim", `${slug} 1-20`)).reply.text ?? "");
    const task = 100_000 + Math.floor(Math.random() * 800_000);
    const project = task + 1;

    // A write token shows its signing secret for CVAT beside it; neither is kept.
    const name = uniqueSlug("hook");
    const made = await ask(h.admin, "/ledger", `token create ${name} write`);
    const bearer = /rk_[A-Za-z0-9_-]{43}/.exec(made.text)![0];
    const signing = /rks_[A-Za-z0-9_-]{43}/.exec(made.text)?.[0];
    expect(signing).toBeDefined();
    expect(made.text).toContain(`/api/v1/hooks/cvat/${TEAM}/${name}`);
    expect(JSON.stringify(await h.prisma.notification.findMany())).not.toContain(signing!);

    expect((await ask(h.ana, "/ledger", `dataset set ${slug} cvat ${task}@1`)).text).toContain("only");
    const cvat = await ask(h.lead, "/ledger", `dataset set ${slug} cvat ${task}@1`);
    expect(cvat.text).toContain(`CVAT task ${task}: frame 0 is item 1`);
    expect(cvat.text).toContain("update:job");
    const ls = await ask(h.lead, "/ledger", `dataset set ${slug} label-studio project=${project} first-task=501`);
    expect(ls.text).toContain(`Label Studio project ${project}: task 501 is item 1`);
    const users = await ask(h.lead, "/ledger", `dataset set ${slug} tool-users label-studio:7=<@${IDS.ana}|ana>`);
    expect(users.text).toContain(`label-studio:7 is <@${IDS.ana}>`);
    expect((await ask(h.lead, "/ledger", `dataset set ${slug} cvat 15@x`)).text).toContain('"15@x" is not a CVAT task');

    // CVAT: job of frames 0–7 completed → items 1–8 done.
    const body = JSON.stringify({
      event: "update:job",
      job: { id: 4, task_id: task, start_frame: 0, stop_frame: 7, state: "completed", stage: "annotation" },
      before_update: { state: "in progress" },
      webhook_id: 1,
      sender: { id: 2, username: "ana.l" },
    });
    const signature = `sha256=${createHmac("sha256", signing!).update(body).digest("hex")}`;
    const hook = await api("POST", `/hooks/cvat/${TEAM}/${name}`, {
      raw: body,
      headers: { "x-signature-256": signature },
    });
    expect(hook.status).toBe(200);
    expect(hook.json!.changed).toEqual([expect.objectContaining({ ref: a, itemsDone: 8 })]);
    await h.settle();
    expect(blockText(h.ana.home()?.blocks)).toContain("8/20");

    // Label Studio: task 510 is item 10, annotated by user 7 (Ana).
    const annotation = {
      action: "ANNOTATION_CREATED",
      annotation: { id: 90, result: [{ type: "choices", value: { choices: ["cat"] } }], task: 510, completed_by: 7 },
      project: { id: project, title: "Cats" },
    };
    const labelled = await api("POST", "/hooks/label-studio", { token: bearer, body: annotation });
    expect(labelled.status).toBe(200);
    expect(labelled.json).toMatchObject({ items: [{ first: 10, last: 10 }], labels: 1, annotator: IDS.ana });
    expect(
      await h.prisma.itemLabel.findMany({ where: { item: 10 }, select: { annotatorId: true, label: true } }),
    ).toEqual([{ annotatorId: IDS.ana, label: "cat" }]);
    await h.settle();
    expect(blockText(h.ana.home()?.blocks)).toContain("9/20");
  });
});

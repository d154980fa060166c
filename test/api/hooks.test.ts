/**
 * The webhook receivers of Label Studio and CVAT, through the API's router on
 * a real ledger: the payloads are the examples of each tool's documentation
 * (fields and values as printed there; long strings shortened):
 *   - Label Studio, "Webhook event format reference",
 *     https://labelstud.io/guide/webhook_reference (Annotation Created,
 *     Annotation Updated, Tasks Deleted);
 *   - CVAT, "Webhooks", https://docs.cvat.ai/docs/administration/advanced/webhooks/
 *     (update:<resource> and ping payloads, the webhook secret and its
 *     X-Signature-256 example).
 * CVAT's signature is computed here with node:crypto from the signing secret
 * shown at the token's creation, not with the code under test.
 */
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { labelStudioLabel } from "../../src/api/hooks.ts";
import { bodySignature } from "../../src/core/api-tokens.ts";
import type { AssignmentView } from "../../src/core/types.ts";
import { parseDatasetSetting } from "../../src/slack/parse/settings.ts";
import { type ApiServer, startApiServer } from "../support/api-server.ts";
import { ADMIN, ANA, expectDomainError, LEAD, type LedgerFixture, ledgerFixture, TEAM } from "../support/ledger.ts";

let f: LedgerFixture;
let api: ApiServer;
let base: string;
let progressed: AssignmentView[];

beforeEach(async () => {
  f = await ledgerFixture();
  api = await startApiServer(f, { perSecond: 100, burst: 100 });
  base = api.base;
  progressed = api.progressed;
});
afterEach(async () => {
  await api.close();
  await f.dispose();
});

const set = async (slug: string, key: string, value: string) => {
  const p = parseDatasetSetting(key, value);
  if (!p.ok) throw new Error(p.problem);
  return f.ledger.configureDataset(LEAD, slug, p.setting);
};

const PROJECT_2 = {
  id: 2,
  title: "New Project #2",
  description: "",
  label_config: '<View> <Text name="text" value="$ner"/> <Labels name="answer" toName="text"> … </Labels></View>',
  expert_instruction: "",
  show_instruction: false,
  show_skip_button: true,
  enable_empty_annotation: true,
  show_annotation_history: false,
  show_collab_predictions: true,
  evaluate_predictions_automatically: false,
  token: "9105a1d897e52286",
  result_count: 0,
  color: "#FFFFFF",
  maximum_annotations: 1,
  min_annotations_to_start_training: 10,
  control_weights: { answer: { overall: 1.0, type: "Labels", labels: { Answer: 1.0 } } },
  model_version: "",
  data_types: { ner: "Text" },
  is_draft: false,
  is_published: false,
  created_at: "2021-08-17T13:49:34.326416Z",
  updated_at: "2021-08-17T13:52:09.334425Z",
  sampling: "Sequential sampling",
  show_ground_truth_first: true,
  show_overlap_first: true,
  overlap_cohort_percentage: 100,
  task_data_login: null,
  task_data_password: null,
  organization: 1,
  created_by: 1,
};

/** Label Studio's documented ANNOTATION_CREATED example. */
const annotationCreated = () => ({
  action: "ANNOTATION_CREATED",
  annotation: {
    id: 17,
    result: [
      {
        value: { start: 0, end: 26, text: "Opossums are op", labels: ["Answer"] },
        id: "WArqkkifYE",
        from_name: "answer",
        to_name: "text",
        type: "labels",
      },
    ],
    was_cancelled: false,
    ground_truth: false,
    created_at: "2021-08-17T13:52:48.536303Z",
    updated_at: "2021-08-17T13:52:48.536370Z",
    lead_time: 37.13,
    prediction: {},
    result_count: 0,
    task: 19,
    completed_by: 1,
  },
  project: PROJECT_2,
});

/** Label Studio's documented ANNOTATION_UPDATED example (project 1, task 5, two rectangles). */
const annotationUpdated = () => ({
  action: "ANNOTATION_UPDATED",
  annotation: {
    id: 16,
    result: [
      {
        original_width: 1024,
        original_height: 1024,
        image_rotation: 0,
        value: { x: 42, y: 36.4, width: 50.13333333333333, height: 26, rotation: 0, rectanglelabels: ["Airplane"] },
        id: "5dC-jDgBtG",
        from_name: "label",
        to_name: "image",
        type: "rectanglelabels",
      },
      {
        original_width: 1024,
        original_height: 1024,
        image_rotation: 0,
        value: {
          x: 12.533333333333333,
          y: 37.733333333333334,
          width: 23.6,
          height: 22,
          rotation: 0,
          rectanglelabels: ["Car"],
        },
        id: "_bJsGZ0_Cm",
        from_name: "label",
        to_name: "image",
        type: "rectanglelabels",
      },
    ],
    was_cancelled: false,
    ground_truth: false,
    created_at: "2021-08-17T13:35:59.817086Z",
    updated_at: "2021-08-17T13:37:25.805479Z",
    lead_time: 299.327,
    prediction: {},
    result_count: 0,
    task: 5,
    completed_by: 1,
  },
  project: { ...PROJECT_2, id: 1, title: "New Project #5" },
});

const SENDER = {
  url: "http://localhost:8080/api/users/1",
  id: 1,
  username: "admin1",
  first_name: "Admin",
  last_name: "First",
};

/** CVAT's update:job, shaped as its update:<resource> example (the job as CVAT's API reads it). */
const jobUpdated = (job: Record<string, unknown>, before: Record<string, unknown>) => ({
  event: "update:job",
  job: {
    url: "http://localhost:8080/api/jobs/19",
    id: 19,
    task_id: 15,
    project_id: 7,
    assignee: { url: "http://localhost:8080/api/users/2", id: 2, username: "alice", first_name: "", last_name: "" },
    dimension: "2d",
    bug_tracker: null,
    status: "annotation",
    stage: "annotation",
    state: "completed",
    mode: "annotation",
    frame_count: 10,
    start_frame: 0,
    stop_frame: 9,
    data_chunk_size: 72,
    data_compressed_chunk_type: "imageset",
    created_date: "2022-10-04T08:05:50.419259Z",
    updated_date: "2022-10-04T11:04:51.451681Z",
    issues: { url: "http://localhost:8080/api/issues?job_id=19", count: 0 },
    labels: { url: "http://localhost:8080/api/labels?job_id=19" },
    type: "annotation",
    organization: null,
    ...job,
  },
  before_update: before,
  webhook_id: 7,
  sender: SENDER,
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const json = async (r: Response) =>
  (await r.json()) as Record<string, unknown> & { error?: { message: string; field?: string } };

async function writeToken(name = "tools") {
  const t = await f.ledger.createToken(ADMIN, name, "write");
  return { bearer: { authorization: `Bearer ${t.secret!}` }, signing: t.signingSecret! };
}

const itemsDone = async (ref: string) => (await f.ledger.getAssignment(TEAM, ref)).itemsDone;
const labels = () =>
  f.prisma.itemLabel.findMany({ select: { item: true, annotatorId: true, label: true }, orderBy: { item: "asc" } });

describe("Label Studio's webhook", () => {
  it("marks the annotated task's item done and records its label, once however often it is delivered", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await set("cats", "label-studio", "project=2 first-task=18"); // task 18 is item 1: task 19 is item 2
    await set("cats", "tool-users", "label-studio:1=<@UANA|ana>");
    const { bearer } = await writeToken();

    const first = await post("/hooks/label-studio", annotationCreated(), bearer);
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({
      dataset: "cats",
      items: [{ first: 2, last: 2 }],
      outside: [],
      labels: 1,
      annotator: "UANA",
      notes: [],
      changed: [{ ref: "A1", itemsDone: 1, status: "IN_PROGRESS" }],
    });
    expect(progressed.map((a) => [a.ref, a.itemsDone])).toEqual([["A1", 1]]);
    expect(await labels()).toEqual([{ item: 2, annotatorId: "UANA", label: "Answer" }]);

    const again = await post("/hooks/label-studio", annotationCreated(), bearer);
    expect(again.status).toBe(200);
    expect(await itemsDone("A1")).toBe(1);
    expect(await labels()).toHaveLength(1);
    const events = await f.prisma.auditEvent.findMany({ where: { actorId: "api:tools" }, select: { action: true } });
    expect(events.map((e) => e.action)).toEqual(["assignment.progress", "labels.record"]);
  });

  it("counts an updated annotation's item without a label when the tool user is not linked, and says so", async () => {
    await f.ledger.createDataset(LEAD, { slug: "planes", itemCount: 100 });
    await f.ledger.claim(ANA, { dataset: "planes", first: 1, last: 20 });
    const { bearer } = await writeToken();

    const unlinked = await post("/hooks/label-studio", annotationUpdated(), bearer);
    expect(unlinked.status).toBe(404);
    expect((await json(unlinked)).error!.message).toBe(
      "no dataset is linked to Label Studio project 1; a lead links one with /ledger dataset set <dataset> label-studio project=1 first-task=<task id of item 1>",
    );
    expect(await itemsDone("A1")).toBe(0);

    await set("planes", "label-studio", "project=1 first-task=1");
    const r = await post("/hooks/label-studio", annotationUpdated(), bearer);
    expect(r.status).toBe(200);
    expect(await json(r)).toMatchObject({
      items: [{ first: 5, last: 5 }],
      labels: 0,
      annotator: null,
      notes: [
        "label-studio user 1 is not linked to a Slack user (/ledger dataset set planes tool-users label-studio:1=@name): the label was not recorded",
      ],
    });
    expect(await itemsDone("A1")).toBe(1);
    expect(await labels()).toEqual([]);
  });

  it("ignores skipped tasks and other actions, records gold answers of gold items, and refuses what is not a payload", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 1000 });
    await f.ledger.configureDataset(LEAD, "cats", { key: "gold", value: [{ first: 2, last: 2 }] });
    await f.ledger.claim(ANA, { dataset: "cats", first: 1, last: 10 });
    await set("cats", "label-studio", "project=2 first-task=18");
    const { bearer } = await writeToken();

    const skipped = annotationCreated();
    skipped.annotation.was_cancelled = true;
    expect(await json(await post("/hooks/label-studio", skipped, bearer))).toEqual({
      ignored: "annotation 17 skipped task 19: nothing done",
    });
    const deleted = { action: "TASKS_DELETED", tasks: [{ id: 18 }, { id: 19 }], project: PROJECT_2 };
    expect(await json(await post("/hooks/label-studio", deleted, bearer))).toEqual({
      ignored: "TASKS_DELETED changes nothing in the ledger",
    });

    const gold = annotationCreated();
    gold.annotation.ground_truth = true;
    expect(await json(await post("/hooks/label-studio", gold, bearer))).toMatchObject({ goldAnswers: 1, labels: 0 });
    expect(await f.prisma.goldAnswer.findMany({ select: { item: true, label: true } })).toEqual([
      { item: 2, label: "Answer" },
    ]);
    expect(await itemsDone("A1")).toBe(0); // a known answer is not an annotator's work

    const noTask = annotationCreated() as { annotation: Record<string, unknown> };
    delete noTask.annotation.task;
    const bad = await post("/hooks/label-studio", noTask, bearer);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error!.field).toBe("annotation.task");
    expect((await post("/hooks/label-studio", annotationCreated())).status).toBe(401);
    const read = (await f.ledger.createToken(ADMIN, "reader", "read")).secret!;
    expect((await post("/hooks/label-studio", annotationCreated(), { authorization: `Bearer ${read}` })).status).toBe(
      403,
    );
    expect(await itemsDone("A1")).toBe(0);
    expect(await labels()).toEqual([]);
  });

  it("reads the classes an annotation chose, whatever the control", () => {
    expect(labelStudioLabel(annotationCreated().annotation.result)).toBe("Answer");
    expect(labelStudioLabel(annotationUpdated().annotation.result)).toBe("Airplane, Car");
    expect(labelStudioLabel([{ value: { choices: ["Positive"] } }])).toBe("Positive");
    expect(labelStudioLabel([{ value: { taxonomy: [["Animal", "Cat"]] } }])).toBe("Animal/Cat");
    expect(labelStudioLabel([{ value: { text: ["free text"] } }])).toBeNull();
  });
});

describe("CVAT's webhook", () => {
  const sign = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const path = `/hooks/cvat/${TEAM}/tools`;

  it("signs as CVAT documents it: its X-Signature-256 example for an empty body and the secret mykey", () => {
    expect(bodySignature("mykey", new Uint8Array())).toBe(
      "e1b24265bf2e0b20c81837993b4f1415f7b68c503114d100a40601eca6a2745f",
    );
  });

  it("marks a completed job's frames done in the ranges holding them, when signed with the token's signing secret", async () => {
    await f.ledger.createDataset(LEAD, { slug: "street", itemCount: 5000 });
    await f.ledger.claim(ANA, { dataset: "street", first: 1001, last: 1005 });
    await f.ledger.claim(LEAD, { dataset: "street", first: 1006, last: 1020 });
    await set("street", "cvat", "14@1 15@1001"); // task 15's frame 0 is item 1001
    const { signing } = await writeToken();
    const body = JSON.stringify(jobUpdated({}, { state: "in progress" }));

    const r = await post(path, body, { "x-signature-256": sign(signing, body) });
    expect(r.status).toBe(200);
    expect(await json(r)).toMatchObject({
      dataset: "street",
      items: [{ first: 1001, last: 1010 }],
      changed: [
        { ref: "A1", itemsDone: 5 },
        { ref: "A2", itemsDone: 5 },
      ],
      unheld: [],
    });
    expect(await itemsDone("A1")).toBe(5);
    expect(await itemsDone("A2")).toBe(5);
    // Delivered again: nothing counts twice.
    expect((await post(path, body, { "x-signature-256": sign(signing, body) })).status).toBe(200);
    expect(await itemsDone("A2")).toBe(5);
  });

  it("refuses a body not signed with the signing secret, a missing signature and unknown or revoked tokens", async () => {
    await f.ledger.createDataset(LEAD, { slug: "street", itemCount: 5000 });
    await f.ledger.claim(ANA, { dataset: "street", first: 1, last: 10 });
    await set("street", "cvat", "15");
    const { signing, bearer } = await writeToken();
    const body = JSON.stringify(jobUpdated({}, { state: "in progress" }));
    const refusals = [
      await post(path, body, { "x-signature-256": sign("not the secret", body) }),
      await post(path, body, { "x-signature-256": sign(signing, `${body} `) }),
      await post(path, body, bearer),
      await post(`/hooks/cvat/${TEAM}/nobody`, body, { "x-signature-256": sign(signing, body) }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect((await json(refusals[0]!)).error!.message).toBe(
      "the x-signature-256 signature does not match the body (is the secret the token's signing secret?)",
    );
    await f.ledger.revokeToken(ADMIN, "tools");
    expect((await post(path, body, { "x-signature-256": sign(signing, body) })).status).toBe(401);
    expect(await itemsDone("A1")).toBe(0);
  });

  it("answers a ping, and ignores other events and jobs still in progress", async () => {
    await f.ledger.createDataset(LEAD, { slug: "street", itemCount: 5000 });
    await set("street", "cvat", "15");
    const { signing } = await writeToken();
    const send = async (payload: unknown) => {
      const body = JSON.stringify(payload);
      return json(await post(path, body, { "x-signature-256": sign(signing, body) }));
    };
    expect(
      await send({ event: "ping", webhook: { id: 7, target_url: "https://example.com" }, sender: SENDER }),
    ).toEqual({
      pong: true,
    });
    expect(
      await send({ event: "update:task", task: { id: 15 }, before_update: { name: "task" }, sender: SENDER }),
    ).toEqual({ ignored: "update:task changes nothing in the ledger" });
    expect(await send(jobUpdated({ state: "in progress" }, { state: "new" }))).toEqual({
      ignored: "job 19 is in progress in annotation: its frames count when it is completed",
    });
    expect(await send(jobUpdated({ stage: "validation", state: "new" }, { stage: "annotation" }))).toMatchObject({
      items: [{ first: 1, last: 10 }],
      unheld: [{ first: 1, last: 10 }],
    });
    const bad = await send(jobUpdated({ stop_frame: -1 }, {}));
    expect(bad.error).toMatchObject({ field: "job.stop_frame" });
  });
});

describe("linking a dataset to the tools", () => {
  it("reads each tool setting as typed, and says what is wrong with a bad one", () => {
    expect(parseDatasetSetting("label-studio", "project=12 first-task=3401")).toEqual({
      ok: true,
      setting: { key: "label-studio", value: { project: 12, firstTask: 3401 } },
    });
    expect(parseDatasetSetting("cvat", "15@1, 16@1001 17")).toEqual({
      ok: true,
      setting: {
        key: "cvat",
        value: [
          { task: 15, firstItem: 1 },
          { task: 16, firstItem: 1001 },
          { task: 17, firstItem: 1 },
        ],
      },
    });
    expect(parseDatasetSetting("tool-users", "label-studio:7=<@UANA|ana> cvat:bob.k=none")).toEqual({
      ok: true,
      setting: {
        key: "tool-users",
        value: [
          { tool: "label-studio", user: "7", slackUserId: "UANA" },
          { tool: "cvat", user: "bob.k", slackUserId: null },
        ],
      },
    });
    expect(parseDatasetSetting("label-studio", "12")).toEqual({
      ok: false,
      problem: '"12" is not a Label Studio project; write it like project=12 first-task=3401, or none',
    });
    expect(parseDatasetSetting("cvat", "15@x")).toMatchObject({ ok: false });
    expect(parseDatasetSetting("tool-users", "jira:7=<@UANA>")).toEqual({
      ok: false,
      problem:
        '"jira:7=<@UANA>" is not a tool user; write it like label-studio:7=@ana or cvat:bob.k=@bob (=none forgets one)',
    });
  });

  it("links a tool's project to one dataset only, keeps items inside the dataset, and audits before and after", async () => {
    await f.ledger.createDataset(LEAD, { slug: "cats", itemCount: 100 });
    await f.ledger.createDataset(LEAD, { slug: "dogs", itemCount: 100 });
    await set("cats", "cvat", "15@1");
    await expectDomainError(
      set("dogs", "cvat", "15@1"),
      "conflict",
      "CVAT task 15 feeds cats already; a project or task feeds one dataset",
    );
    await expectDomainError(
      set("dogs", "cvat", "16@101"),
      "invalid",
      "item 101 of CVAT task 16 is outside dogs (items 1–100)",
    );
    await expectDomainError(set("dogs", "tool-users", "label-studio:ana=<@UANA>"), "invalid", /numeric id/);
    await set("cats", "cvat", "none");
    await set("dogs", "cvat", "15@1");
    const audit = await f.prisma.auditEvent.findMany({
      where: { action: "dataset.set" },
      select: { before: true, after: true },
      orderBy: { id: "asc" },
    });
    expect(audit).toEqual([
      { before: { cvat: [] }, after: { cvat: [{ task: 15, firstItem: 1 }] } },
      { before: { cvat: [{ task: 15, firstItem: 1 }] }, after: { cvat: [] } },
      { before: { cvat: [] }, after: { cvat: [{ task: 15, firstItem: 1 }] } },
    ]);
  });
});

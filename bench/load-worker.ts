/**
 * The HTTP bench's load generator, on a thread of its own so that timing the
 * acks shares no event loop with the stand-in receiving the replies: signs
 * each prepared slash-command body as Slack would, keeps `concurrency`
 * requests in flight over keep-alive connections, and reports when each was
 * sent and how long its ack (the complete HTTP response) took.
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import { signRequest } from "@rangekeeper/slack-standin";

export interface LoadJob {
  url: string;
  signingSecret: string;
  bodies: string[];
  concurrency: number;
  /**
   * Closed loop ("users"): after its ack, each of the `concurrency` senders
   * waits until this thread's stand-in has the command's reply (it sets
   * `replied[i]` to 1) before sending the next, as a person waits for an
   * answer before typing again. Absent: open loop ("burst"), the next
   * command goes as soon as the ack is in.
   */
  replied?: SharedArrayBuffer;
}

export interface LoadSample {
  /** when the request was sent, ms since the epoch (sub-millisecond precision) */
  sentAt: number;
  ackMs: number;
  status: number;
  body: string;
}

const now = () => performance.timeOrigin + performance.now();

async function run(job: LoadJob): Promise<LoadSample[]> {
  const samples: LoadSample[] = new Array(job.bodies.length);
  const replied = job.replied ? new Int32Array(job.replied) : null;
  let next = 0;
  async function connection() {
    while (next < job.bodies.length) {
      const i = next++;
      const body = job.bodies[i]!;
      const ts = Math.floor(Date.now() / 1000);
      const sentAt = now();
      const res = await fetch(job.url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-slack-request-timestamp": String(ts),
          "x-slack-signature": signRequest(job.signingSecret, ts, body),
        },
        body,
      });
      const text = await res.text();
      samples[i] = { sentAt, ackMs: now() - sentAt, status: res.status, body: text };
      if (replied && res.status === 200) {
        const wait = Atomics.waitAsync(replied, i, 0, 30_000);
        if (wait.async) await wait.value;
      }
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, connection));
  return samples;
}

/** Runs one load job on a new thread and returns its samples, in the order of `job.bodies`. */
export function runLoad(job: LoadJob): Promise<LoadSample[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once("message", (samples: LoadSample[]) => resolve(samples));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`the load generator exited ${code}`));
    });
  });
}

if (parentPort && (workerData as LoadJob | undefined)?.bodies) {
  const port = parentPort;
  // A pending Atomics.waitAsync does not keep a thread alive: a timer does, while the load runs.
  const alive = setInterval(() => undefined, 1_000);
  port.postMessage(await run(workerData as LoadJob));
  clearInterval(alive);
  port.close();
}

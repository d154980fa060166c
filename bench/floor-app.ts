/**
 * The floor of the HTTP benchmark: a Bolt app (HTTP receiver, signature
 * checks) whose /claim listener only acks. Nothing can ack faster on the
 * same framework, so every ratio to it should be ≥ 1 within noise.
 * Configured like rangekeeper: SLACK_SIGNING_SECRET, PORT.
 */
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";

const env = process.env;
const receiver = new HTTPReceiver({ signingSecret: env.SLACK_SIGNING_SECRET ?? "", endpoints: "/slack/events" });
const app = new App({
  token: env.SLACK_BOT_TOKEN,
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: env.SLACK_API_URL },
});
app.command("/claim", async ({ ack }) => {
  await ack();
});
await receiver.start(Number(env.PORT ?? 3000));
console.log("rangekeeper is running (ack-only floor)");
process.once("SIGTERM", () => void receiver.stop().then(() => process.exit(0)));

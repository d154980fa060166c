/**
 * The baseline of the HTTP benchmark: a bare Bolt app (HTTP receiver,
 * signature checks) whose /claim listener only acks and answers "ok" on the
 * response_url. Configured like rangekeeper: SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, SLACK_API_URL, PORT.
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
app.command("/claim", async ({ ack, respond }) => {
  await ack();
  await respond({ response_type: "ephemeral", text: "ok" });
});
await receiver.start(Number(env.PORT ?? 3000));
console.log("rangekeeper is running (bare baseline)");
process.once("SIGTERM", () => void receiver.stop().then(() => process.exit(0)));

/**
 * Where a webhook may point, address by address: every range refused always,
 * every range refused unless private targets are allowed (inside, and just
 * outside each edge), IPv4 carried in IPv6, metadata and local names, and the
 * URL's own rules, each with its exact sentence.
 */
import { describe, expect, it } from "vitest";
import { addressProblem, checkTargetUrl, hostNameProblem, MAX_WEBHOOK_URL } from "../../src/core/webhooks/targets.ts";

const NEVER = (a: string) => `${a} is a link-local, metadata, multicast or reserved address`;
const PRIVATE = (a: string) => `${a} is a loopback or private address (allowed only with WEBHOOK_ALLOW_PRIVATE=true)`;

describe("addresses a webhook may reach", () => {
  it.each([
    // [inside the range, just outside it]
    ["0.0.0.0", "1.0.0.0"],
    ["0.255.255.255", "1.0.0.1"],
    ["169.254.169.254", "169.255.0.0"],
    ["169.254.0.0", "169.253.255.255"],
    ["192.0.0.8", "192.0.1.0"],
    ["224.0.0.1", "223.255.255.255"],
    ["239.255.255.255", "223.1.1.1"],
    ["240.0.0.1", "223.0.0.1"],
    ["255.255.255.255", "223.255.255.254"],
    ["100.100.100.200", "100.100.100.201"],
    ["::", "::2"],
    ["fe80::1", "fec0::1"],
    ["febf:ffff::1", "fe7f::1"],
    ["ff02::1", "fe00::1"],
    ["fd00:ec2::254", "fd00:ec2::253"],
  ])("never %s, whatever the configuration (%s is fine)", (inside, outside) => {
    expect(addressProblem(inside, false)).toBe(NEVER(inside));
    expect(addressProblem(inside, true)).toBe(NEVER(inside));
    expect(addressProblem(outside, true)).toBeNull();
  });

  it.each([
    ["127.0.0.1", "128.0.0.1"],
    ["127.255.255.254", "126.255.255.255"],
    ["10.1.2.3", "11.0.0.1"],
    ["10.255.255.255", "9.255.255.255"],
    ["172.16.0.1", "172.15.255.255"],
    ["172.31.255.255", "172.32.0.0"],
    ["192.168.1.1", "192.169.0.0"],
    ["192.168.0.0", "192.167.255.255"],
    ["100.64.0.1", "100.63.255.255"],
    ["100.127.255.255", "100.128.0.0"],
    ["198.18.0.1", "198.17.255.255"],
    ["198.19.255.255", "198.20.0.0"],
    ["::1", "::3"],
    ["fc00::1", "fbff::1"],
    ["fdff:ffff::1", "fe00::1"],
  ])("%s only when private targets are allowed (%s is fine)", (inside, outside) => {
    expect(addressProblem(inside, false)).toBe(PRIVATE(inside));
    expect(addressProblem(inside, true)).toBeNull();
    expect(addressProblem(outside, false)).toBeNull();
  });

  it("judges an IPv4 address carried in IPv6 as that IPv4 address", () => {
    expect(addressProblem("::ffff:169.254.169.254", true)).toBe(NEVER("169.254.169.254"));
    expect(addressProblem("::FFFF:a9fe:a9fe", true)).toBe(NEVER("169.254.169.254"));
    expect(addressProblem("64:ff9b::10.0.0.1", false)).toBe(PRIVATE("10.0.0.1"));
    expect(addressProblem("64:ff9b::0a00:0001", false)).toBe(PRIVATE("10.0.0.1"));
    expect(addressProblem("::ffff:7f00:1", false)).toBe(PRIVATE("127.0.0.1"));
    expect(addressProblem("::ffff:8.8.8.8", false)).toBeNull();
    expect(addressProblem("::ffff:0808:0808", false)).toBeNull();
    // Only the whole address carries IPv4: the same digits elsewhere in an address do not.
    expect(addressProblem("2001:db8::a9fe:a9fe", false)).toBeNull();
    expect(addressProblem("2001:db8::ffff:10.0.0.1", false)).toBeNull();
    expect(addressProblem("2001:db8::ffff:a9fe:a9fe", false)).toBeNull();
    expect(addressProblem("::ffff:a9fe:a9fe:1", false)).toBeNull();
  });

  it("says what is not an address", () => {
    expect(addressProblem("example.com", true)).toBe("example.com is not an IP address");
    expect(addressProblem("8.8.8.8", false)).toBeNull();
    expect(addressProblem("2606:4700::1111", false)).toBeNull();
  });
});

describe("host names a webhook may reach", () => {
  it.each([
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "metadata.azure.com",
    "instance-data",
    "instance-data.ec2.internal",
  ])("never the metadata service %s, in any case, with or without the final dot", (name) => {
    expect(hostNameProblem(name, true)).toBe(`${name} is a metadata service`);
    expect(hostNameProblem(`${name.toUpperCase()}.`, true)).toBe(`${name} is a metadata service`);
  });

  it.each(["localhost", "db.localhost", "svc.internal", "printer.local", "box.localdomain"])(
    "%s only when private targets are allowed",
    (name) => {
      expect(hostNameProblem(name, false)).toBe(
        `${name} is a local or internal name (allowed only with WEBHOOK_ALLOW_PRIVATE=true)`,
      );
      expect(hostNameProblem(name, true)).toBeNull();
    },
  );

  it("takes ordinary names, and names that only look local", () => {
    for (const name of [
      "hooks.example.com",
      "internal.example.com",
      "localhost.example.com",
      "printer.local.example.com",
      "mylocal",
      "metadata.example.com",
    ])
      expect(hostNameProblem(name, false), name).toBeNull();
  });
});

describe("a webhook's URL", () => {
  it("is http(s), without credentials, naming a host that is allowed", () => {
    const ok = checkTargetUrl("https://hooks.example.com/in?x=1", false);
    expect(ok).toMatchObject({ ok: true, host: "hooks.example.com" });
    expect(ok.ok && ok.url.href).toBe("https://hooks.example.com/in?x=1");
    expect(checkTargetUrl("http://[2606:4700::1111]:8080/", false)).toMatchObject({
      ok: true,
      host: "2606:4700::1111",
    });
    expect(checkTargetUrl("http://127.0.0.1:9000/", true)).toMatchObject({ ok: true, host: "127.0.0.1" });
  });

  it.each([
    ["ftp://hooks.example.com/", "a webhook URL starts with https:// or http://, not ftp://"],
    ["file:///etc/passwd", "a webhook URL starts with https:// or http://, not file://"],
    ["https://user:pw@hooks.example.com/", "a webhook URL may not carry a user name or password"],
    ["https://user@hooks.example.com/", "a webhook URL may not carry a user name or password"],
    ["https://:pw@hooks.example.com/", "a webhook URL may not carry a user name or password"],
    ["not a url", '"not a url" is not a URL'],
    ["http://169.254.169.254/latest", `webhooks may not be sent there: ${NEVER("169.254.169.254")}`],
    ["http://[fe80::1]/", `webhooks may not be sent there: ${NEVER("fe80::1")}`],
    ["http://10.0.0.1/", `webhooks may not be sent there: ${PRIVATE("10.0.0.1")}`],
    [
      "http://metadata.google.internal/",
      "webhooks may not be sent there: metadata.google.internal is a metadata service",
    ],
    [
      "http://localhost:3000/",
      "webhooks may not be sent there: localhost is a local or internal name (allowed only with WEBHOOK_ALLOW_PRIVATE=true)",
    ],
  ])("%s is refused", (url, problem) => {
    expect(checkTargetUrl(url, false)).toEqual({ ok: false, problem });
  });

  it("is at most MAX_WEBHOOK_URL characters", () => {
    const base = "https://hooks.example.com/";
    expect(checkTargetUrl(base + "x".repeat(MAX_WEBHOOK_URL - base.length), false).ok).toBe(true);
    expect(checkTargetUrl(base + "x".repeat(MAX_WEBHOOK_URL - base.length + 1), false)).toEqual({
      ok: false,
      problem: `the URL is longer than ${MAX_WEBHOOK_URL} characters`,
    });
    expect(checkTargetUrl(`not a url ${"y".repeat(200)}`, false)).toEqual({
      ok: false,
      problem: `"${`not a url ${"y".repeat(200)}`.slice(0, 80)}" is not a URL`,
    });
  });
});

/**
 * Where a webhook may point. Only http(s) URLs, without credentials; never a
 * link-local or cloud metadata address, nor an unspecified, multicast or
 * reserved one; loopback and private addresses only when the operator allows
 * private targets. The same rules judge the URL when it is registered (its
 * name, or its literal address) and every address its name resolves to
 * before each delivery (the sender), so a name that later resolves to an
 * internal address is refused then. Pure: no DNS here.
 */
import { BlockList, isIP } from "node:net";

/** Longest URL taken (a receiver's address, not a payload). */
export const MAX_WEBHOOK_URL = 2000;

type BlockLists = { never: BlockList; private: BlockList };

/**
 * Addresses never contacted, whatever the configuration (`never`), and those contacted only when
 * private targets are allowed (`private`). Made at the first check rather than when the module
 * loads, so that a rule the platform refuses fails the test that checks an address: mutation
 * testing (docs/mutation.md) reads a module that fails to load as no test failing.
 */
function makeBlockLists(): BlockLists {
  const never = new BlockList();
  never.addSubnet("0.0.0.0", 8, "ipv4"); // "this network"
  never.addSubnet("169.254.0.0", 16, "ipv4"); // link-local, with the cloud metadata service (169.254.169.254)
  never.addSubnet("192.0.0.0", 24, "ipv4"); // IETF protocol assignments
  never.addSubnet("224.0.0.0", 4, "ipv4"); // multicast
  never.addSubnet("240.0.0.0", 4, "ipv4"); // reserved, and the broadcast address
  never.addAddress("100.100.100.200", "ipv4"); // a cloud's metadata service
  never.addAddress("::", "ipv6"); // unspecified
  never.addSubnet("fe80::", 10, "ipv6"); // link-local
  never.addSubnet("ff00::", 8, "ipv6"); // multicast
  never.addAddress("fd00:ec2::254", "ipv6"); // a cloud's metadata service over IPv6

  const onlyIfAllowed = new BlockList();
  onlyIfAllowed.addSubnet("127.0.0.0", 8, "ipv4"); // loopback
  onlyIfAllowed.addSubnet("10.0.0.0", 8, "ipv4");
  onlyIfAllowed.addSubnet("172.16.0.0", 12, "ipv4");
  onlyIfAllowed.addSubnet("192.168.0.0", 16, "ipv4");
  onlyIfAllowed.addSubnet("100.64.0.0", 10, "ipv4"); // carrier-grade NAT
  onlyIfAllowed.addSubnet("198.18.0.0", 15, "ipv4"); // benchmarking
  onlyIfAllowed.addAddress("::1", "ipv6"); // loopback
  onlyIfAllowed.addSubnet("fc00::", 7, "ipv6"); // unique local
  return { never, private: onlyIfAllowed };
}

let blockLists: BlockLists | undefined;

/** Host names of metadata services, never contacted. */
const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "metadata.azure.com",
  "instance-data",
  "instance-data.ec2.internal",
]);

/** An IPv4 address carried in an IPv6 one (IPv4-mapped ::ffff:a.b.c.d, or NAT64 64:ff9b::/96), or null. */
function embeddedIpv4(v6: string): string | null {
  const lower = v6.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const hi = Number.parseInt(hex[1]!, 16);
  const lo = Number.parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * Why a webhook may not be sent to `address` (an IP address), or null when
 * it may. `allowPrivate`: loopback and private networks are allowed.
 */
export function addressProblem(address: string, allowPrivate: boolean): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4) return addressProblem(v4, allowPrivate);
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  blockLists ??= makeBlockLists();
  const blocked = blockLists;
  if (blocked.never.check(address, type)) return `${address} is a link-local, metadata, multicast or reserved address`;
  if (!allowPrivate && blocked.private.check(address, type))
    return `${address} is a loopback or private address (allowed only with WEBHOOK_ALLOW_PRIVATE=true)`;
  return null;
}

/** Why a webhook may not be sent to the host `name` (a name, not an address), or null. */
export function hostNameProblem(name: string, allowPrivate: boolean): string | null {
  const host = name.toLowerCase().replace(/\.$/, "");
  if (METADATA_NAMES.has(host)) return `${host} is a metadata service`;
  if (!allowPrivate && (host === "localhost" || /\.(localhost|internal|local|localdomain)$/.test(host)))
    return `${host} is a local or internal name (allowed only with WEBHOOK_ALLOW_PRIVATE=true)`;
  return null;
}

export type TargetCheck = { ok: true; url: URL; host: string } | { ok: false; problem: string };

/**
 * Reads a receiver's URL: http(s), no user or password, a host that is not
 * refused by name or by its literal address. `host` is the name or address
 * to resolve (an IPv6 address without its brackets).
 */
export function checkTargetUrl(raw: string, allowPrivate: boolean): TargetCheck {
  if (raw.length > MAX_WEBHOOK_URL)
    return { ok: false, problem: `the URL is longer than ${MAX_WEBHOOK_URL} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: `"${raw.slice(0, 80)}" is not a URL` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { ok: false, problem: `a webhook URL starts with https:// or http://, not ${url.protocol}//` };
  if (url.username || url.password)
    return { ok: false, problem: "a webhook URL may not carry a user name or password" };
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const problem = isIP(host) ? addressProblem(host, allowPrivate) : hostNameProblem(host, allowPrivate);
  if (problem) return { ok: false, problem: `webhooks may not be sent there: ${problem}` };
  return { ok: true, url, host };
}

import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

export interface LanInterface {
  name: string;
  address: string;
}

/**
 * This computer's IPv4 addresses a device on the site LAN can reach: not loopback, not link-local (169.254/16 is
 * what an interface gets when no DHCP server answered).
 */
export function lanInterfaces(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): LanInterface[] {
  const found: LanInterface[] = [];
  for (const [name, list] of Object.entries(interfaces)) {
    for (const info of list ?? []) {
      if (info.family === 'IPv4' && !info.internal && !info.address.startsWith('169.254.')) found.push({ name, address: info.address });
    }
  }
  return found;
}

/** The first LAN address, the one a device most likely reaches; null on a machine with no network. */
export const lanAddress = (interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>): string | null => lanInterfaces(interfaces)[0]?.address ?? null;

const wildcard = new Set(['0.0.0.0', '::', '']);
export const isWildcard = (address: string) => wildcard.has(address);

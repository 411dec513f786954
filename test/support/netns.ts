import { spawnSync } from 'node:child_process';

// A two-host LAN made of Linux network namespaces joined by a veth pair: the station in one, devices in the other,
// on RFC 5737's TEST-NET-1 (192.0.2.0/24, documentation only, never routed), so nothing leaves this machine and no
// packet goes over loopback. Needs root (CAP_NET_ADMIN) and iproute2's `ip`.

export interface Lan {
  /** Namespace the station runs in, and its address there. */
  station: { netns: string; address: string };
  /** Namespace the devices run in, and their address. */
  device: { netns: string; address: string };
  /** Command prefix that runs a program inside a namespace. */
  exec(netns: string): string[];
  /** Deletes both namespaces (the veth pair goes with them); idempotent, never throws. */
  remove(): void;
}

export const stationAddress = '192.0.2.1';
export const deviceAddress = '192.0.2.2';

const ip = (args: string[]) => spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });

/** Why namespaces cannot be made here, or null when they can (probed by making one and removing it). */
export function namespacesUnavailable(): string | null {
  const probe = `fs-probe-${process.pid}`;
  const r = ip(['netns', 'add', probe]);
  if (r.error) return `no 'ip' command (${r.error.message})`;
  if (r.status !== 0) return `cannot create network namespaces: ${r.stderr.trim()}`;
  ip(['netns', 'del', probe]);
  return null;
}

/** Names are unique per process and call, so parallel runs never collide and a leftover is traceable to its pid. */
let made = 0;
export function createLan(): Lan {
  const id = `${process.pid}-${made++}`;
  const station = { netns: `fs-st-${id}`, address: stationAddress };
  const device = { netns: `fs-dev-${id}`, address: deviceAddress };
  // Interface names are limited to 15 bytes.
  const [vs, vd] = [`fs${process.pid % 100000}s${made}`, `fs${process.pid % 100000}d${made}`];
  const lan: Lan = {
    station,
    device,
    exec: (netns) => ['ip', 'netns', 'exec', netns],
    remove() {
      ip(['netns', 'del', station.netns]);
      ip(['netns', 'del', device.netns]);
    },
  };
  const steps: string[][] = [
    ['netns', 'add', station.netns],
    ['netns', 'add', device.netns],
    ['link', 'add', vs, 'netns', station.netns, 'type', 'veth', 'peer', 'name', vd, 'netns', device.netns],
    ['-n', station.netns, 'addr', 'add', `${station.address}/24`, 'dev', vs],
    ['-n', device.netns, 'addr', 'add', `${device.address}/24`, 'dev', vd],
    ['-n', station.netns, 'link', 'set', vs, 'up'],
    ['-n', device.netns, 'link', 'set', vd, 'up'],
    ['-n', station.netns, 'link', 'set', 'lo', 'up'],
    ['-n', device.netns, 'link', 'set', 'lo', 'up'],
  ];
  for (const step of steps) {
    const r = ip(step);
    if (r.status !== 0) {
      lan.remove();
      throw new Error(`ip ${step.join(' ')}: ${r.stderr.trim() || r.error?.message}`);
    }
  }
  return lan;
}

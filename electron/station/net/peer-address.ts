/** Plain IPv4 for IPv4 peers even on a dual-stack socket, so the audit log and throttling see one address. */
export function peerAddress(address: string | undefined | null): string | null {
  if (address === undefined || address === null) return null;
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

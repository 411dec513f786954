import { readFileSync } from 'node:fs';

/**
 * The kernel's count of connections dropped because a listening socket's accept queue was full (TcpExt
 * ListenOverflows in /proc/net/netstat, Linux; null elsewhere). It counts for the whole machine, not one server.
 * 5,000 MQTT devices at once overflow a 4,096 backlog (net.core.somaxconn here), and each dropped handshake is
 * retried by the client's kernel about a second later (TCP's initial retransmission timeout, RFC 6298 2.1), so a
 * burst that lost some is decided by that second, not by the server: the burst row prints them per round.
 */
export function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      if (!lines[i]!.startsWith('TcpExt:')) continue;
      const names = lines[i]!.split(' ');
      const values = lines[i + 1]!.split(' ');
      const at = names.indexOf('ListenOverflows');
      return at < 0 ? null : Number(values[at]);
    }
    return null;
  } catch {
    return null;
  }
}

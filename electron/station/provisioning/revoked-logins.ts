/**
 * Devices whose login the station took back (removed, or reset without their credentials). Request transports (HTTP,
 * CoAP) look credentials up on every request, so they notice by themselves; a session transport (MQTT) authenticated
 * once at CONNECT and would go on accepting telemetry from a device that no longer exists, so it listens here and
 * closes that device's sessions (ThingsBoard likewise closes a device's sessions when it is deleted or its
 * credentials change: DefaultTransportService.onDeviceDeleted / onCredentialsUpdate → SessionCloseNotification).
 */
export interface RevokedLogins {
  /** Tells the listeners; called only after the change committed. */
  revoke(deviceIds: readonly number[]): void;
  /** Returns the unsubscribe function. */
  onRevoked(listener: (deviceIds: readonly number[]) => void): () => void;
}

export function createRevokedLogins(): RevokedLogins {
  const listeners = new Set<(deviceIds: readonly number[]) => void>();
  return {
    revoke(deviceIds) {
      if (deviceIds.length === 0) return;
      for (const listener of listeners) listener(deviceIds);
    },
    onRevoked(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

// What the fake cloud answers with. Shapes follow ThingsBoard 4.x:
// application/src/main/java/org/thingsboard/server/exception/ThingsboardErrorResponse.java (body and key order),
// common/data/.../exception/ThingsboardErrorCode.java (codes),
// application/.../exception/ThingsboardErrorResponseHandler.java (status <-> code and the fixed auth messages).

/** ThingsboardErrorCode, as serialised (@JsonValue is the int). */
export const TbErrorCode = {
  GENERAL: 2,
  AUTHENTICATION: 10,
  JWT_TOKEN_EXPIRED: 11,
  CREDENTIALS_EXPIRED: 15,
  PERMISSION_DENIED: 20,
  INVALID_ARGUMENTS: 30,
  BAD_REQUEST_PARAMS: 31,
  ITEM_NOT_FOUND: 32,
  TOO_MANY_REQUESTS: 33,
  TOO_MANY_UPDATES: 34,
  VERSION_CONFLICT: 35,
  SUBSCRIPTION_VIOLATION: 40,
  ENTITIES_LIMIT_EXCEEDED: 41,
  PASSWORD_VIOLATION: 45,
  DATABASE: 46,
} as const;
export type TbErrorCode = (typeof TbErrorCode)[keyof typeof TbErrorCode];

/** Exact strings ThingsBoard sends; each names the Java source that produces it. */
export const TbMessage = {
  // ThingsboardErrorResponseHandler.handleAuthenticationException: BadCredentialsException / UsernameNotFoundException.
  badCredentials: 'Invalid username or password',
  // same handler, JwtExpiredTokenException (also thrown for a bad signature by JwtTokenFactory.parseTokenClaims).
  tokenExpired: 'Token has expired',
  // same handler, any other AuthenticationException (blank header, unreadable login payload).
  authenticationFailed: 'Authentication failed',
  // RefreshTokenAuthenticationProvider: CredentialsExpiredException("Token is outdated").
  tokenOutdated: 'Token is outdated',
  // BaseController.checkNotNull.
  notFound: "Requested item wasn't found!",
  // DeviceServiceImpl.doSaveDeviceWithoutCredentials, constraint device_name_unq_key.
  deviceNameExists: 'Device with such name already exists!',
  // DeviceCredentialsDataValidator.validateCreate.
  credentialsTaken: 'Device credentials are already assigned to another device!',
  // DeviceProfileServiceImpl, constraint device_profile_name_unq_key.
  profileNameExists: 'Device profile with such name already exists!',
  // ThingsboardErrorResponseHandler.handleRateLimitException for EntityType.TENANT (RateLimitProcessingFilter).
  tooManyRequests: 'Too many requests for current tenant!',
  // AccessValidator.DEVICE_WITH_REQUESTED_ID_NOT_FOUND (TelemetryController answers it as text/plain).
  telemetryDeviceNotFound: "Device with requested id wasn't found!",
} as const;

/** One HTTP answer. `json` is serialised as application/json; `text` as text/plain (TelemetryController's errors). */
export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** A ThingsBoard-shaped failure thrown by the fake's handlers and turned into a Reply by the server. */
export class CloudError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode: TbErrorCode | null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** `{"status","message","errorCode","timestamp"}` in ThingsboardErrorResponse's field order. */
export function errorReply(
  status: number,
  message: string,
  errorCode: TbErrorCode,
  nowMs: number,
  headers?: Record<string, string>,
): Reply {
  return { status, json: { status, message, errorCode, timestamp: nowMs }, ...(headers ? { headers } : {}) };
}

export const badRequest = (message: string) => new CloudError(400, message, TbErrorCode.BAD_REQUEST_PARAMS);
export const notFound = (message: string = TbMessage.notFound) =>
  new CloudError(404, message, TbErrorCode.ITEM_NOT_FOUND);
export const unauthorized = (message: string, code: TbErrorCode = TbErrorCode.AUTHENTICATION) =>
  new CloudError(401, message, code);
/** For TelemetryController's text/plain answers: errorCode null marks "send as text". */
export const textError = (status: number, message: string) => new CloudError(status, message, null);

/**
 * What a failed connection's error code means, in the words an error message uses: every
 * client of ours (Kubernetes, health, flags, status page) reports "cannot reach X: <cause>".
 */

const NETWORK_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_SOCKET: 'connection closed',
};

const TLS_CAUSES: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate issuer is not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** The first `code` along an error's `cause` chain (fetch wraps the socket's error). */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why a connection failed, when its error code is a known network or TLS failure. */
export function networkCause(
  err: unknown,
): { code: string; why: string; tls: boolean } | undefined {
  const code = errorCode(err);
  if (!code) return undefined;
  if (TLS_CAUSES[code]) return { code, why: TLS_CAUSES[code], tls: true };
  if (NETWORK_CAUSES[code]) return { code, why: NETWORK_CAUSES[code], tls: false };
  return undefined;
}

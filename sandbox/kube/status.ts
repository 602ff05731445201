/**
 * Errors as the API server sends them: a `Status` object with the HTTP code, a reason that
 * kubectl prints as `Error from server (Reason): message`, and details where the real one has them.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods "x" not found`, `deployments.apps "x" not found`. */
export function notFound(qualifiedResource: string, name: string, group = ''): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource} "${name}" not found`,
    details(qualifiedResource, name, group),
  );
}

export function alreadyExists(qualifiedResource: string, name: string, group = ''): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource} "${name}" already exists`,
    details(qualifiedResource, name, group),
  );
}

export function conflict(qualifiedResource: string, name: string, group = ''): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource} "${name}": ` +
      'the object has been modified; please apply your changes to the latest version and try again',
    details(qualifiedResource, name, group),
  );
}

/** The `details` of a Status about one object: its name, group and resource (`kind`). */
function details(qualifiedResource: string, name: string, group: string) {
  return { name, ...(group ? { group } : {}), kind: qualifiedResource.split('.')[0]! };
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function invalid(
  kind: string,
  name: string,
  field: string,
  message: string,
  group = '',
): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${field}: ${message}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: [{ reason: 'FieldValueInvalid', message, field }],
    },
  );
}

export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ` +
      `application/json-patch+json, application/merge-patch+json, ` +
      `application/strategic-merge-patch+json; got ${contentType}`,
  );
}

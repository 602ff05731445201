import {
  ErrorCode,
  LogLevel,
  WebClient,
  type Logger,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
  type WebAPIRequestError,
} from '@slack/web-api';

import { silentLog, type Log } from '../../common/log';
import { networkCause } from '../networkCause';
import { SlackApiError } from './errors';

/** Settings of the Slack client; `freelms.slack.*` maps onto it. The token is not here. */
export interface SlackConfig {
  /** Web API base ending with `/`; `https://slack.com/api/` by default (the sandbox's in tests). */
  apiUrl?: string;
  /** Per call; 10 s by default. */
  timeoutMs?: number;
}

export interface SlackChannelRef {
  id: string;
  name: string;
  /** True when the channel existed already (`name_taken`) and was reused. */
  reused: boolean;
  /** True when the reused channel was archived and has been unarchived. */
  unarchived: boolean;
}

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/**
 * The Slack Web API calls incident work needs, over the official `@slack/web-api`. Its retry
 * policy (ten retries in about thirty minutes by default) is switched off, rate limits are
 * rejected instead of waited out, and every call has a deadline; the caller (the outbox)
 * retries with its own policy. Every failure is a `SlackApiError`.
 */
export class SlackClient {
  private readonly web: WebClient;
  private readonly apiUrl: string;

  constructor(
    config: SlackConfig,
    token: string,
    private readonly log: Log = silentLog,
  ) {
    this.apiUrl = config.apiUrl ?? 'https://slack.com/api/';
    this.web = new WebClient(token, {
      slackApiUrl: this.apiUrl,
      timeout: config.timeoutMs ?? 10_000,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: quietLogger(log),
    });
  }

  /**
   * Creates the incident channel, or reuses the one that already has the name (`name_taken`):
   * unarchived when archived, joined when the bot is not in it.
   */
  async createOrReuseChannel(name: string): Promise<SlackChannelRef> {
    try {
      const created = await this.call('conversations.create', () =>
        this.web.conversations.create({ name }),
      );
      return {
        id: String(created.channel?.id),
        name: String(created.channel?.name ?? name),
        reused: false,
        unarchived: false,
      };
    } catch (error) {
      if (!(error instanceof SlackApiError) || error.slackError !== 'name_taken') throw error;
    }
    const existing = await this.findChannel(name);
    if (!existing) {
      throw new SlackApiError(
        'conversations.create',
        'rejected',
        `#${name} is taken but not visible to the bot`,
        undefined,
        'name_taken',
      );
    }
    let unarchived = false;
    if (existing.isArchived) {
      await this.call(
        'conversations.unarchive',
        () => this.web.conversations.unarchive({ channel: existing.id }),
        ['not_archived'],
      );
      unarchived = true;
    }
    if (!existing.isMember) {
      await this.call('conversations.join', () =>
        this.web.conversations.join({ channel: existing.id }),
      );
    }
    this.log.info(`reusing #${name} (${existing.id})${unarchived ? ', unarchived' : ''}`);
    return { id: existing.id, name, reused: true, unarchived };
  }

  /** Invites users; those already in the channel are not an error. */
  async invite(channel: string, users: readonly string[]): Promise<void> {
    if (users.length === 0) return;
    await this.call(
      'conversations.invite',
      () => this.web.conversations.invite({ channel, users: users.join(','), force: true }),
      ['already_in_channel', 'cant_invite_self'],
    );
  }

  async postMessage(channel: string, text: string): Promise<SlackMessageRef> {
    const answer = await this.call('chat.postMessage', () =>
      this.web.chat.postMessage({ channel, text, mrkdwn: true, unfurl_links: false }),
    );
    return { channel: String(answer.channel ?? channel), ts: String(answer.ts) };
  }

  /**
   * The message of the bot with exactly this text posted at or after `sinceTs`, if any: how the
   * outbox learns whether a post whose answer was lost did land.
   */
  async findMessage(
    channel: string,
    text: string,
    sinceTs: string,
  ): Promise<SlackMessageRef | undefined> {
    const answer = await this.call('conversations.history', () =>
      this.web.conversations.history({ channel, oldest: sinceTs, inclusive: true, limit: 200 }),
    );
    const found = (answer.messages ?? []).find((m) => m.text === text);
    return found?.ts ? { channel, ts: found.ts } : undefined;
  }

  async addBookmark(channel: string, title: string, link: string, emoji?: string): Promise<void> {
    await this.call('bookmarks.add', () =>
      this.web.bookmarks.add({
        channel_id: channel,
        title,
        type: 'link',
        link,
        ...(emoji ? { emoji } : {}),
      }),
    );
  }

  private async findChannel(
    name: string,
  ): Promise<{ id: string; isArchived: boolean; isMember: boolean } | undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.call('conversations.list', () =>
        this.web.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: false,
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        }),
      );
      const match = (page.channels ?? []).find((c) => c.name === name);
      if (match?.id)
        return { id: match.id, isArchived: !!match.is_archived, isMember: !!match.is_member };
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return undefined;
  }

  private async call<T>(
    method: string,
    run: () => Promise<T>,
    harmless: readonly string[] = [],
  ): Promise<T> {
    const started = Date.now();
    try {
      const answer = await run();
      this.log.debug(`${method} ok in ${Date.now() - started} ms`);
      return answer;
    } catch (error) {
      const failure = toSlackError(method, error, this.apiUrl);
      if (failure.slackError && harmless.includes(failure.slackError)) {
        this.log.debug(`${method}: ${failure.slackError}, nothing to do`);
        return (error as WebAPIPlatformError).data as T;
      }
      this.log.warn(`${failure.message} after ${Date.now() - started} ms`);
      throw failure;
    }
  }
}

function toSlackError(method: string, error: unknown, apiUrl: string): SlackApiError {
  const coded = error as { code?: string };
  switch (coded?.code) {
    case ErrorCode.PlatformError: {
      const slackError = (error as WebAPIPlatformError).data.error;
      return new SlackApiError(
        method,
        SlackApiError.kindOf(slackError),
        slackError,
        200,
        slackError,
      );
    }
    case ErrorCode.RateLimitedError: {
      const seconds = (error as WebAPIRateLimitedError).retryAfter;
      return new SlackApiError(
        method,
        'rateLimited',
        `rate limited, retry after ${seconds} s`,
        429,
        'ratelimited',
        seconds * 1000,
      );
    }
    case ErrorCode.HTTPError: {
      const http = error as WebAPIHTTPError;
      const kind =
        http.statusCode >= 500
          ? 'unavailable'
          : http.statusCode === 401 || http.statusCode === 403
            ? 'auth'
            : 'rejected';
      return new SlackApiError(
        method,
        kind,
        `${http.statusCode} ${http.statusMessage}`,
        http.statusCode,
      );
    }
    case ErrorCode.RequestError: {
      const original = (error as WebAPIRequestError).original;
      const timedOut = original?.name === 'TimeoutError' || original?.name === 'AbortError';
      if (timedOut) return new SlackApiError(method, 'timeout', `no answer in time from ${apiUrl}`);
      // fetch says only "fetch failed" or "terminated"; the socket's own code says why.
      const why =
        networkCause(original)?.why ??
        (original?.message === 'terminated'
          ? 'the connection closed mid-answer'
          : original?.message);
      return new SlackApiError(
        method,
        'network',
        `cannot reach ${apiUrl}: ${why ?? 'request failed'}`,
      );
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  // The WebClient reports a 429 without a usable Retry-After as a plain error.
  if (/rate limit|retry header/i.test(message))
    return new SlackApiError(method, 'rateLimited', message, 429, 'ratelimited');
  const why =
    networkCause(error)?.why ??
    (message === 'terminated' ? 'the connection closed mid-answer' : message);
  return new SlackApiError(method, 'network', `cannot reach ${apiUrl}: ${why}`);
}

/** Routes the WebClient's own logging into ours, at debug level, redacted by our logger. */
function quietLogger(log: Log): Logger {
  let level = LogLevel.WARN;
  const join = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: () => undefined,
    info: (...parts) => log.debug(join(parts)),
    warn: (...parts) => log.debug(join(parts)),
    error: (...parts) => log.warn(join(parts)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

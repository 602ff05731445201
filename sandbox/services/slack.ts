/**
 * Slack's Web API, the methods incident work uses. Like the real one, every answer is HTTP 200
 * with `ok: true|false` (only rate limiting, a fault here, answers 429); arguments come as a
 * form, as JSON or in the query; the token as `Authorization: Bearer …` or a `token` argument.
 *
 * Methods: auth.test; conversations.create, list, info, invite, join, unarchive, history,
 * setTopic, setPurpose; chat.postMessage; bookmarks.add; users.list, info, lookupByEmail.
 *
 * Known gaps: scopes are not enforced, `chat.postMessage` does not render blocks, `users.list`
 * and `conversations.list` ignore `team_id`, and threads (`thread_ts`) are stored but not nested.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultRegistry } from '../faults';
import { authorizationToken, parseJson, sendJson } from './http';
import { decodeCursor, encodeCursor, flag, list, readArgs, type Args } from './slack-args';
import {
  SLACK_BOT,
  SLACK_SCOPES,
  SLACK_TEAM,
  SlackModel,
  renderChannel,
  renderUser,
  type SlackChannel,
} from './slack-model';
import { SANDBOX_TOKENS } from './tokens';

/** Where the Web API is mounted: `slackApiUrl` is `<origin>/slack/api/`. */
export const SLACK_MOUNT = '/slack/api';

type Answer = Record<string, unknown>;
type Method = (args: Args) => Answer;

const NAME_PATTERN = /^[a-z0-9_-]+$/;

export class SlackApi {
  readonly model = new SlackModel();
  private readonly methods: Record<string, Method> = {
    'auth.test': () => this.authTest(),
    'conversations.create': (args) => this.create(args),
    'conversations.list': (args) => this.list(args),
    'conversations.info': (args) =>
      this.withChannel(args, 'channel', (channel) => this.channelAnswer(channel)),
    'conversations.invite': (args) => this.invite(args),
    'conversations.join': (args) => this.join(args),
    'conversations.unarchive': (args) => this.unarchive(args),
    'conversations.history': (args) => this.history(args),
    'conversations.setTopic': (args) => this.setText(args, 'topic'),
    'conversations.setPurpose': (args) => this.setText(args, 'purpose'),
    'chat.postMessage': (args) => this.postMessage(args),
    'bookmarks.add': (args) => this.addBookmark(args),
    'users.list': (args) => this.usersList(args),
    'users.lookupByEmail': (args) => this.lookupByEmail(args),
    'users.info': (args) => {
      const user = this.model.user(String(args.user ?? ''));
      return user === undefined ? fail('user_not_found') : { ok: true, user: renderUser(user) };
    },
  };

  constructor(private readonly faults: FaultRegistry) {}

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const headers = { 'x-oauth-scopes': SLACK_SCOPES, 'x-accepted-oauth-scopes': '' };
    const args = await readArgs(req);
    const { token, ...visible } = args;
    this.faults.noteBody(req, visible);

    const method = this.methods[path.replace(/^\//, '')];
    if (method === undefined) {
      sendJson(
        res,
        200,
        { ok: false, error: 'unknown_method', req_method: path.replace(/^\//, '') },
        headers,
      );
      return;
    }
    const bearer = authorizationToken(req, ['Bearer ']);
    const given = bearer ?? (typeof token === 'string' ? token : undefined);
    if (given === undefined || given === '') {
      sendJson(res, 200, { ok: false, error: 'not_authed' }, headers);
      return;
    }
    if (given !== SANDBOX_TOKENS.slack) {
      sendJson(res, 200, { ok: false, error: 'invalid_auth' }, headers);
      return;
    }
    sendJson(res, 200, method(visible), headers);
  }

  private authTest(): Answer {
    return {
      ok: true,
      url: `https://${SLACK_TEAM.domain}.slack.com/`,
      team: SLACK_TEAM.name,
      user: SLACK_BOT.name,
      team_id: SLACK_TEAM.id,
      user_id: SLACK_BOT.userId,
      bot_id: SLACK_BOT.botId,
      is_enterprise_install: false,
    };
  }

  private create(args: Args): Answer {
    const name = typeof args.name === 'string' ? args.name : '';
    if (name === '') {
      return fail('invalid_name_required');
    }
    if (name.length > 80) {
      return fail('invalid_name_maxlength');
    }
    if (!NAME_PATTERN.test(name)) {
      return fail(/[A-Z]/.test(name) ? 'invalid_name' : 'invalid_name_specials');
    }
    // Archived channels keep their name; Slack refuses it until the old one is renamed.
    if (this.model.channels.some((channel) => channel.name === name)) {
      return fail('name_taken');
    }
    const channel = this.model.add(name, [SLACK_BOT.userId], undefined, flag(args.is_private));
    return this.channelAnswer(channel);
  }

  private list(args: Args): Answer {
    const types = String(args.types ?? 'public_channel')
      .split(',')
      .map((type) => type.trim());
    const excludeArchived = flag(args.exclude_archived);
    const visible = this.model.channels.filter(
      (channel) =>
        (channel.isPrivate
          ? types.includes('private_channel') && channel.members.has(SLACK_BOT.userId)
          : types.includes('public_channel')) && !(excludeArchived && channel.isArchived),
    );
    const limit = Math.min(1000, Math.max(1, Number(args.limit ?? 100) || 100));
    const start = decodeCursor(args.cursor);
    if (start === undefined) {
      return fail('invalid_cursor');
    }
    const page = visible.slice(start, start + limit);
    const next = start + limit < visible.length ? encodeCursor(start + limit) : '';
    return {
      ok: true,
      channels: page.map((channel) => renderChannel(channel, SLACK_BOT.userId)),
      response_metadata: { next_cursor: next },
    };
  }

  private invite(args: Args): Answer {
    return this.withChannel(args, 'channel', (channel) => {
      const users = list(args.users);
      if (users.length === 0) {
        return fail('no_user');
      }
      if (channel.isArchived) {
        return fail('is_archived');
      }
      if (!channel.members.has(SLACK_BOT.userId)) {
        return fail('not_in_channel');
      }
      if (users.includes(SLACK_BOT.userId)) {
        return fail('cant_invite_self');
      }
      const refused = users.flatMap((user) =>
        this.model.user(user) === undefined
          ? [{ user, ok: false, error: 'user_not_found' }]
          : channel.members.has(user)
            ? [{ user, ok: false, error: 'already_in_channel' }]
            : [],
      );
      // Without `force` one refused user fails the whole call; with it, the others are invited
      // and the refusals come back beside `ok: true`.
      if (refused.length > 0 && !flag(args.force)) {
        return { ...fail(refused[0]!.error), errors: refused };
      }
      users
        .filter((user) => !refused.some((r) => r.user === user))
        .forEach((user) => channel.members.add(user));
      return { ...this.channelAnswer(channel), ...(refused.length > 0 ? { errors: refused } : {}) };
    });
  }

  private join(args: Args): Answer {
    return this.withChannel(args, 'channel', (channel) => {
      if (channel.isArchived) {
        return fail('is_archived');
      }
      if (channel.isPrivate && !channel.members.has(SLACK_BOT.userId)) {
        return fail('method_not_supported_for_channel_type');
      }
      if (channel.members.has(SLACK_BOT.userId)) {
        return {
          ...this.channelAnswer(channel),
          warning: 'already_in_channel',
          response_metadata: { warnings: ['already_in_channel'] },
        };
      }
      channel.members.add(SLACK_BOT.userId);
      return this.channelAnswer(channel);
    });
  }

  private unarchive(args: Args): Answer {
    return this.withChannel(args, 'channel', (channel) => {
      if (!channel.isArchived) {
        return fail('not_archived');
      }
      channel.isArchived = false;
      channel.members.add(SLACK_BOT.userId);
      return { ok: true };
    });
  }

  /** `conversations.setTopic` and `setPurpose`: Slack caps both at 250 characters. */
  private setText(args: Args, field: 'topic' | 'purpose'): Answer {
    return this.withChannel(args, 'channel', (channel) => {
      const text = typeof args[field] === 'string' ? (args[field] as string) : '';
      if (text.length > 250) {
        return fail('too_long');
      }
      if (channel.isArchived) {
        return fail('is_archived');
      }
      if (!channel.members.has(SLACK_BOT.userId)) {
        return fail('not_in_channel');
      }
      channel[field] = text;
      return this.channelAnswer(channel);
    });
  }

  private history(args: Args): Answer {
    return this.withChannel(args, 'channel', (channel) => {
      if (!channel.members.has(SLACK_BOT.userId)) {
        return fail('not_in_channel');
      }
      const messages = channel.messages
        .slice()
        .reverse()
        .map((message) => ({
          type: 'message',
          user: message.user,
          text: message.text,
          ts: message.ts,
        }));
      return {
        ok: true,
        messages,
        has_more: false,
        pin_count: 0,
        response_metadata: { next_cursor: '' },
      };
    });
  }

  private postMessage(args: Args): Answer {
    return this.withChannel(
      args,
      'channel',
      (channel) => {
        const text = typeof args.text === 'string' ? args.text : '';
        const blocks = typeof args.blocks === 'string' ? parseJson(args.blocks) : args.blocks;
        if (
          text === '' &&
          (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0))
        ) {
          return fail('no_text');
        }
        if (channel.isArchived) {
          return fail('is_archived');
        }
        if (!channel.members.has(SLACK_BOT.userId)) {
          return fail('not_in_channel');
        }
        const message = this.model.post(channel, SLACK_BOT.userId, text, blocks);
        return {
          ok: true,
          channel: channel.id,
          ts: message.ts,
          message: {
            type: 'message',
            subtype: 'bot_message',
            text,
            ts: message.ts,
            user: SLACK_BOT.userId,
            bot_id: SLACK_BOT.botId,
            app_id: SLACK_BOT.appId,
            team: SLACK_TEAM.id,
            ...(blocks === undefined ? {} : { blocks }),
          },
        };
      },
      true,
    );
  }

  private addBookmark(args: Args): Answer {
    return this.withChannel(args, 'channel_id', (channel) => {
      const title = typeof args.title === 'string' ? args.title : '';
      const link = typeof args.link === 'string' ? args.link : '';
      if (title === '' || args.type !== 'link' || link === '') {
        return fail('invalid_arguments');
      }
      if (!/^https?:\/\//.test(link)) {
        return fail('invalid_link');
      }
      if (channel.isArchived) {
        return fail('is_archived');
      }
      if (!channel.members.has(SLACK_BOT.userId)) {
        return fail('not_in_channel');
      }
      const emoji = typeof args.emoji === 'string' ? args.emoji : null;
      const bookmark = this.model.bookmark(channel, title, link, emoji);
      return {
        ok: true,
        bookmark: {
          id: bookmark.id,
          channel_id: channel.id,
          title,
          link,
          emoji,
          icon_url: null,
          type: 'link',
          entity_id: null,
          date_created: bookmark.created,
          date_updated: 0,
          rank: String.fromCharCode(96 + channel.bookmarks.length),
          last_updated_by_user_id: SLACK_BOT.userId,
          last_updated_by_team_id: SLACK_TEAM.id,
          shortcut_id: null,
          app_id: SLACK_BOT.appId,
        },
      };
    });
  }

  private usersList(args: Args): Answer {
    const limit = Math.max(1, Number(args.limit ?? 0) || this.model.users.length);
    const start = decodeCursor(args.cursor);
    if (start === undefined) {
      return fail('invalid_cursor');
    }
    const members = this.model.users.slice(start, start + limit).map(renderUser);
    const next = start + limit < this.model.users.length ? encodeCursor(start + limit) : '';
    return {
      ok: true,
      members,
      cache_ts: Math.floor(Date.now() / 1000),
      response_metadata: { next_cursor: next },
    };
  }

  private lookupByEmail(args: Args): Answer {
    const email = String(args.email ?? '').toLowerCase();
    const user = this.model.users.find(
      (candidate) => candidate.email !== '' && candidate.email === email,
    );
    return user === undefined ? fail('users_not_found') : { ok: true, user: renderUser(user) };
  }

  private channelAnswer(channel: SlackChannel): Answer {
    return { ok: true, channel: renderChannel(channel, SLACK_BOT.userId) };
  }

  private withChannel(
    args: Args,
    key: string,
    then: (channel: SlackChannel) => Answer,
    byName = false,
  ): Answer {
    const id = typeof args[key] === 'string' ? (args[key] as string) : '';
    const channel = id === '' ? undefined : this.model.channel(id, byName);
    return channel === undefined ? fail('channel_not_found') : then(channel);
  }
}

function fail(error: string): Answer {
  return { ok: false, error };
}

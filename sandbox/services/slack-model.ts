/** The FreeLMS Slack workspace of the sandbox: users, channels, messages and bookmarks, in memory. */

export interface SlackUser {
  id: string;
  name: string;
  realName: string;
  email: string;
  isBot: boolean;
}

export interface SlackMessage {
  ts: string;
  user: string;
  text: string;
  blocks: unknown;
}

export interface SlackBookmark {
  id: string;
  title: string;
  link: string;
  emoji: string | null;
  created: number;
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  created: number;
  creator: string;
  topic: string;
  purpose: string;
  members: Set<string>;
  messages: SlackMessage[];
  bookmarks: SlackBookmark[];
}

export const SLACK_TEAM = { id: 'T0FREELMS', name: 'FreeLMS', domain: 'freelms-sandbox' };

/** The bot the sandbox's token belongs to. */
export const SLACK_BOT = {
  userId: 'U0FLBOT01',
  botId: 'B0FLBOT01',
  appId: 'A0FLAPP01',
  name: 'freelms-incident-bot',
};

const SCOPES = [
  'channels:join',
  'channels:manage',
  'channels:read',
  'groups:read',
  'groups:write',
  'chat:write',
  'bookmarks:write',
  'users:read',
  'users:read.email',
];

/** What Slack puts in `x-oauth-scopes`; the WebClient copies it into `response_metadata.scopes`. */
export const SLACK_SCOPES = SCOPES.join(',');

export class SlackModel {
  readonly users: SlackUser[] = [
    {
      id: SLACK_BOT.userId,
      name: SLACK_BOT.name,
      realName: 'FreeLMS Incident Bot',
      email: '',
      isBot: true,
    },
    {
      id: 'U0FLUSR01',
      name: 'dana',
      realName: 'Dana Okafor',
      email: 'oncall@freelms.example',
      isBot: false,
    },
    {
      id: 'U0FLUSR02',
      name: 'sam',
      realName: 'Sam Lindqvist',
      email: 'incident-commander@freelms.example',
      isBot: false,
    },
    {
      id: 'U0FLUSR03',
      name: 'priya',
      realName: 'Priya Natarajan',
      email: 'platform-lead@freelms.example',
      isBot: false,
    },
    {
      id: 'U0FLUSR04',
      name: 'lee',
      realName: 'Lee Moreau',
      email: 'support-lead@freelms.example',
      isBot: false,
    },
  ];

  readonly channels: SlackChannel[] = [];
  private nextChannel = 1;
  private nextBookmark = 1;
  private lastTs = 0;

  constructor(now = Date.now()) {
    const seconds = Math.floor(now / 1000);
    const humans = ['U0FLUSR01', 'U0FLUSR02', 'U0FLUSR03', 'U0FLUSR04'];
    this.add('general', humans, seconds - 400 * 86_400);
    this.add('incidents', [...humans, SLACK_BOT.userId], seconds - 300 * 86_400);
    this.add(
      'freelms-oncall',
      ['U0FLUSR01', 'U0FLUSR02', SLACK_BOT.userId],
      seconds - 200 * 86_400,
    );
    // An old incident channel, archived: creating its name again must fail with name_taken.
    const old = this.add(
      'incident-2026-11-14-db-failover',
      ['U0FLUSR01', SLACK_BOT.userId],
      seconds - 19 * 86_400,
    );
    old.isArchived = true;
  }

  add(
    name: string,
    members: string[],
    created = Math.floor(Date.now() / 1000),
    isPrivate = false,
  ): SlackChannel {
    const channel: SlackChannel = {
      id: `C0FL${String(this.nextChannel++).padStart(5, '0')}`,
      name,
      isPrivate,
      isArchived: false,
      created,
      creator: members[0] ?? SLACK_BOT.userId,
      topic: '',
      purpose: '',
      members: new Set(members),
      messages: [],
      bookmarks: [],
    };
    this.channels.push(channel);
    return channel;
  }

  /** A channel by id, or by name for the methods that accept one (`#name` or `name`). */
  channel(idOrName: string, byName = false): SlackChannel | undefined {
    const byId = this.channels.find((channel) => channel.id === idOrName);
    if (byId !== undefined || !byName) {
      return byId;
    }
    const name = idOrName.replace(/^#/, '');
    return this.channels.find((channel) => channel.name === name);
  }

  user(id: string): SlackUser | undefined {
    return this.users.find((user) => user.id === id);
  }

  post(channel: SlackChannel, user: string, text: string, blocks: unknown): SlackMessage {
    const message: SlackMessage = { ts: this.nextTs(), user, text, blocks };
    channel.messages.push(message);
    return message;
  }

  bookmark(
    channel: SlackChannel,
    title: string,
    link: string,
    emoji: string | null,
  ): SlackBookmark {
    const bookmark: SlackBookmark = {
      id: `Bk0FL${String(this.nextBookmark++).padStart(5, '0')}`,
      title,
      link,
      emoji,
      created: Math.floor(Date.now() / 1000),
    };
    channel.bookmarks.push(bookmark);
    return bookmark;
  }

  /** Message timestamps are unique per workspace and always increase, as Slack's do. */
  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }
}

/** A channel as the `conversations.*` methods print it, seen by `viewer`. */
export function renderChannel(channel: SlackChannel, viewer: string): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isPrivate,
    is_group: channel.isPrivate,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    created: channel.created,
    is_archived: channel.isArchived,
    is_general: channel.name === 'general',
    unlinked: 0,
    name_normalized: channel.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: SLACK_TEAM.id,
    creator: channel.creator,
    is_ext_shared: false,
    shared_team_ids: [SLACK_TEAM.id],
    is_member: channel.members.has(viewer),
    num_members: channel.members.size,
    topic: {
      value: channel.topic,
      creator: channel.topic === '' ? '' : channel.creator,
      last_set: 0,
    },
    purpose: {
      value: channel.purpose,
      creator: channel.purpose === '' ? '' : channel.creator,
      last_set: 0,
    },
    previous_names: [],
  };
}

export function renderUser(user: SlackUser): Record<string, unknown> {
  return {
    id: user.id,
    team_id: SLACK_TEAM.id,
    name: user.name,
    deleted: false,
    real_name: user.realName,
    tz: 'Europe/Berlin',
    is_admin: false,
    is_owner: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 1_764_000_000,
    profile: {
      real_name: user.realName,
      display_name: user.name,
      ...(user.email === '' ? {} : { email: user.email }),
      ...(user.isBot ? { bot_id: SLACK_BOT.botId } : {}),
      team: SLACK_TEAM.id,
    },
  };
}

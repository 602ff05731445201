/**
 * What the FreeLMS containers write, generated on demand: entry k of a container run is a
 * pure function of (run id, k), so any window of a log can be produced without storing it.
 * Spring Boot services write Spring's console format with multi-line stack traces,
 * notification-service writes JSON lines, the databases and sidecars their own formats.
 * A run's first entries are its start-up and, when it ended in a crash, its last ones say why.
 */
import { fnv1a, prng } from './clock';

export type LogProfile =
  'spring' | 'json' | 'postgres' | 'redis' | 'kafka' | 'envoy' | 'init' | 'plain';

export interface RunContext {
  profile: LogProfile;
  /** The app (label `app`), e.g. `api-gateway`. */
  app: string;
  image: string;
  runId: string;
  /** How the run ended, if it has: `OOMKilled`, `Error`, `Completed`. */
  endReason?: string;
}

/** Entry k of a run: one or more physical lines (stack traces span several). */
export function logEntry(
  ctx: RunContext,
  k: number,
  at: number,
  total: number | undefined,
): string[] {
  const random = prng(fnv1a(`${ctx.runId}/${k}`));
  const version = ctx.image.includes(':')
    ? ctx.image.slice(ctx.image.lastIndexOf(':') + 1)
    : 'latest';
  const ending =
    total !== undefined && ctx.endReason && ctx.endReason !== 'Completed' ? total - k : Infinity;
  switch (ctx.profile) {
    case 'spring':
      return springEntry(ctx, k, at, random, version, ending);
    case 'json':
      return [jsonEntry(ctx, k, at, random, ending)];
    case 'postgres':
      return [postgresEntry(k, at, random)];
    case 'redis':
      return [redisEntry(k, at, random)];
    case 'kafka':
      return [kafkaEntry(k, at, random)];
    case 'envoy':
      return [envoyEntry(at, random)];
    case 'init':
      return [`${new Date(at).toISOString()} waiting for dependencies (attempt ${k + 1})`];
    default:
      return [`${new Date(at).toISOString()} ${ctx.app} heartbeat ${k}`];
  }
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function className(app: string): string {
  return (
    app
      .split('-')
      .map((p) => p[0]!.toUpperCase() + p.slice(1))
      .join('') + 'Application'
  );
}

function pkg(app: string): string {
  return `com.freelms.${app.replace(/-service$/, '').replace(/-/g, '')}`;
}

const PATHS = [
  '/api/v1/courses',
  '/api/v1/courses/{id}',
  '/api/v1/users/me',
  '/api/v1/enrollments',
  '/api/v1/payments/checkout',
  '/api/v1/lessons/{id}/progress',
  '/api/v1/notifications',
];
const THREADS = [
  'http-nio-8080-exec-1',
  'http-nio-8080-exec-4',
  'http-nio-8080-exec-7',
  'scheduling-1',
  'kafka-listener-0-C-1',
  'HikariPool-1 housekeeper',
];

function springLine(
  at: number,
  level: string,
  app: string,
  thread: string,
  logger: string,
  message: string,
): string {
  const time = new Date(at).toISOString().replace('Z', '+00:00');
  const shortLogger =
    logger.length > 39
      ? logger
          .split('.')
          .map((p, i, all) => (i < all.length - 1 ? p[0] : p))
          .join('.')
      : logger;
  return (
    `${time} ${level.padStart(5)} 1 --- [${app}] [${thread.slice(-15).padStart(15)}] ` +
    `${shortLogger.padEnd(40)}: ${message}`
  );
}

function stackTrace(
  random: () => number,
  app: string,
  kind: 'timeout' | 'oom' | 'startup' | 'npe',
): string[] {
  const base = pkg(app);
  switch (kind) {
    case 'oom':
      return [
        'java.lang.OutOfMemoryError: Java heap space',
        `\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)`,
        `\tat java.base/java.util.ArrayList.grow(ArrayList.java:237)`,
        `\tat ${base}.cache.CatalogueResponseCache.put(CatalogueResponseCache.java:88)`,
        `\tat ${base}.filter.ResponseCacheFilter.doFilterInternal(ResponseCacheFilter.java:54)`,
        `\tat org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)`,
      ];
    case 'startup':
      return [
        `org.springframework.beans.factory.BeanCreationException: Error creating bean with name ` +
          `'dataSource': Failed to initialize pool`,
        `\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1806)`,
        `\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:335)`,
        `\tat ${base}.${className(app)}.main(${className(app)}.java:12)`,
        `Caused by: org.postgresql.util.PSQLException: FATAL: remaining connection slots are ` +
          `reserved for roles with the SUPERUSER attribute`,
        `\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)`,
        `\t... 42 common frames omitted`,
      ];
    case 'timeout':
      return [
        `org.springframework.web.client.ResourceAccessException: I/O error on GET request for ` +
          `"http://${pick(random, ['user-service', 'course-service', 'payment-service'])}/internal/v1/lookup": Read timed out`,
        `\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:915)`,
        `\tat ${base}.client.DownstreamClient.fetch(DownstreamClient.java:61)`,
        `\tat ${base}.web.GatewayController.route(GatewayController.java:47)`,
        `Caused by: java.net.SocketTimeoutException: Read timed out`,
        `\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)`,
        `\t... 87 common frames omitted`,
      ];
    case 'npe':
      return [
        `java.lang.NullPointerException: Cannot invoke "String.length()" because "locale" is null`,
        `\tat ${base}.i18n.MessageResolver.resolve(MessageResolver.java:33)`,
        `\tat ${base}.web.ApiExceptionHandler.handle(ApiExceptionHandler.java:29)`,
      ];
  }
}

function springEntry(
  ctx: RunContext,
  k: number,
  at: number,
  random: () => number,
  version: string,
  ending: number,
): string[] {
  const app = ctx.app;
  const main = `${pkg(app)}.${className(app)}`;
  const startup = [
    () =>
      springLine(
        at,
        'INFO',
        app,
        'main',
        main,
        `Starting ${className(app)} v${version} using Java 21.0.5 with PID 1 (/app/app.jar started by app in /app)`,
      ),
    () =>
      springLine(at, 'INFO', app, 'main', main, 'The following 1 profile is active: "production"'),
    () =>
      springLine(
        at,
        'INFO',
        app,
        'main',
        'o.s.b.w.embedded.tomcat.TomcatWebServer',
        'Tomcat initialized with port 8080 (http)',
      ),
    () =>
      springLine(
        at,
        'INFO',
        app,
        'main',
        'com.zaxxer.hikari.HikariDataSource',
        'HikariPool-1 - Start completed.',
      ),
    () =>
      springLine(
        at,
        'INFO',
        app,
        'main',
        main,
        `Started ${className(app)} in ${(4 + random() * 4).toFixed(3)} seconds (process running for ` +
          `${(5 + random() * 4).toFixed(3)})`,
      ),
  ];
  if (ending === 2 && ctx.endReason === 'OOMKilled') {
    return [
      springLine(
        at,
        'WARN',
        app,
        'http-nio-8080-exec-2',
        `${pkg(app)}.cache.CatalogueResponseCache`,
        `Cache size ${(1.6 + random()).toFixed(1)} GB exceeds soft limit, eviction is falling behind`,
      ),
    ];
  }
  if (ending === 1 && ctx.endReason === 'OOMKilled') {
    return [
      springLine(
        at,
        'ERROR',
        app,
        'http-nio-8080-exec-5',
        'o.a.c.c.C.[.[.[/].[dispatcherServlet]',
        'Servlet.service() for servlet [dispatcherServlet] threw exception',
      ),
      ...stackTrace(random, app, 'oom'),
    ];
  }
  if (ending === 1) {
    return [
      springLine(at, 'ERROR', app, 'main', 'o.s.boot.SpringApplication', 'Application run failed'),
      ...stackTrace(random, app, 'startup'),
    ];
  }
  if (k < startup.length) return [startup[k]!()];
  const roll = random();
  if (roll < 0.03) {
    return [
      springLine(
        at,
        'ERROR',
        app,
        pick(random, THREADS),
        `${pkg(app)}.web.ApiExceptionHandler`,
        'Request failed with an unexpected error',
      ),
      ...stackTrace(random, app, random() < 0.7 ? 'timeout' : 'npe'),
    ];
  }
  if (roll < 0.1) {
    return [
      springLine(
        at,
        'WARN',
        app,
        pick(random, THREADS),
        'com.zaxxer.hikari.pool.HikariPool',
        `HikariPool-1 - Connection is not available, request timed out after ` +
          `${Math.floor(1000 + random() * 29000)}ms (total=20, active=20, idle=0, ` +
          `waiting=${Math.floor(random() * 40)})`,
      ),
    ];
  }
  if (roll < 0.15) {
    return [
      springLine(
        at,
        'DEBUG',
        app,
        pick(random, THREADS),
        `${pkg(app)}.security.JwtAuthFilter`,
        `Token validated for tenant t-${Math.floor(random() * 900 + 100)}`,
      ),
    ];
  }
  const path = pick(random, PATHS).replace('{id}', String(Math.floor(random() * 9000 + 1000)));
  const status = random() < 0.95 ? 200 : pick(random, [201, 204, 404, 409]);
  return [
    springLine(
      at,
      'INFO',
      app,
      pick(random, THREADS.slice(0, 3)),
      `${pkg(app)}.web.RequestLogFilter`,
      `${pick(random, ['GET', 'GET', 'GET', 'POST'])} ${path} ${status} in ${Math.floor(5 + random() * 120)} ms`,
    ),
  ];
}

function jsonEntry(
  ctx: RunContext,
  k: number,
  at: number,
  random: () => number,
  ending: number,
): string {
  const base = {
    '@timestamp': new Date(at).toISOString(),
    service: ctx.app,
    trace_id: Math.floor(random() * 2 ** 48)
      .toString(16)
      .padStart(12, '0'),
  };
  if (ending === 1) {
    return JSON.stringify({
      ...base,
      level: 'ERROR',
      logger_name: 'org.springframework.boot.SpringApplication',
      thread_name: 'main',
      message: 'Application run failed',
      stack_trace: stackTrace(
        random,
        ctx.app,
        ctx.endReason === 'OOMKilled' ? 'oom' : 'startup',
      ).join('\n'),
    });
  }
  if (k === 0)
    return JSON.stringify({
      ...base,
      level: 'INFO',
      logger_name: `${pkg(ctx.app)}.${className(ctx.app)}`,
      thread_name: 'main',
      message: `Started ${className(ctx.app)} in 5.1 seconds`,
    });
  const roll = random();
  if (roll < 0.04) {
    return JSON.stringify({
      ...base,
      level: 'ERROR',
      logger_name: `${pkg(ctx.app)}.mail.SmtpSender`,
      thread_name: 'kafka-listener-0-C-1',
      message: 'Failed to send digest e-mail',
      stack_trace:
        'jakarta.mail.MessagingException: Could not connect to SMTP host: smtp.freelms.internal, ' +
        'port: 587\n\tat org.eclipse.angus.mail.smtp.SMTPTransport.openServer(SMTPTransport.java:2259)\n\tat com.freelms.notification.mail.SmtpSender.send(SmtpSender.java:42)',
    });
  }
  if (roll < 0.12) {
    return JSON.stringify({
      ...base,
      level: 'WARN',
      logger_name: `${pkg(ctx.app)}.consumer.EnrollmentEventsConsumer`,
      thread_name: 'kafka-listener-0-C-1',
      message: `Consumer lag ${Math.floor(random() * 5000)} on enrollment-events`,
    });
  }
  return JSON.stringify({
    ...base,
    level: 'INFO',
    logger_name: `${pkg(ctx.app)}.consumer.EnrollmentEventsConsumer`,
    thread_name: 'kafka-listener-0-C-1',
    message:
      `Sent ${pick(random, ['welcome', 'digest', 'password-reset', 'course-completed'])} ` +
      `notification to user ${Math.floor(random() * 90000 + 10000)}`,
  });
}

function postgresEntry(k: number, at: number, random: () => number): string {
  const time = new Date(at).toISOString().replace('T', ' ').replace('Z', ' UTC');
  const pid = 100 + Math.floor(random() * 9000);
  if (k === 0) return `${time} [1] LOG:  database system is ready to accept connections`;
  const roll = random();
  if (roll < 0.05)
    return `${time} [${pid}] FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute`;
  if (roll < 0.15)
    return (
      `${time} [${pid}] LOG:  duration: ${(500 + random() * 4000).toFixed(3)} ms  statement: ` +
      `SELECT * FROM enrollments WHERE course_id = $1 ORDER BY created_at DESC`
    );
  if (roll < 0.2)
    return (
      `${time} [27] LOG:  checkpoint complete: wrote ${Math.floor(random() * 900)} buffers ` +
      `(${(random() * 5).toFixed(1)}%); 0 WAL file(s) added, 0 removed, 1 recycled`
    );
  return (
    `${time} [${pid}] LOG:  connection authorized: user=freelms database=freelms ` +
    `application_name=PostgreSQL JDBC Driver`
  );
}

function redisEntry(k: number, at: number, random: () => number): string {
  const d = new Date(at);
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const time =
    `${String(d.getUTCDate()).padStart(2, '0')} ${months[d.getUTCMonth()]} ` +
    `${d.getUTCFullYear()} ${d.toISOString().slice(11, 23)}`;
  if (k === 0) return `1:M ${time} * Ready to accept connections tcp`;
  const roll = random();
  if (roll < 0.5)
    return `1:M ${time} * ${Math.floor(random() * 10000)} changes in 60 seconds. Saving...`;
  if (roll < 0.8)
    return `1:M ${time} * Background saving started by pid ${Math.floor(random() * 900 + 100)}`;
  return `${Math.floor(random() * 900 + 100)}:C ${time} * DB saved on disk`;
}

function kafkaEntry(k: number, at: number, random: () => number): string {
  const time = new Date(at).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
  if (k === 0)
    return `[${time}] INFO [KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)`;
  const topic = pick(random, [
    'enrollment-events',
    'payment-events',
    'notification-requests',
    'course-updates',
  ]);
  if (random() < 0.1)
    return (
      `[${time}] WARN [GroupCoordinator 1]: Member consumer-notification-service-1 in group ` +
      `notification-service has failed, removing it from the group (kafka.coordinator.group.GroupCoordinator)`
    );
  return (
    `[${time}] INFO [LocalLog partition=${topic}-${Math.floor(random() * 6)}, ` +
    `dir=/bitnami/kafka/data] Rolled new log segment at offset ${Math.floor(random() * 1e7)} in ` +
    `${Math.floor(random() * 9)} ms. (kafka.log.LocalLog)`
  );
}

function envoyEntry(at: number, random: () => number): string {
  const path = pick(random, PATHS).replace('{id}', String(Math.floor(random() * 9000 + 1000)));
  const code = random() < 0.9 ? 200 : pick(random, [503, 504, 429]);
  return (
    `[${new Date(at).toISOString()}] "GET ${path} HTTP/1.1" ${code} - 0 ` +
    `${Math.floor(random() * 20000)} ${Math.floor(random() * 300)} - "-" "Mozilla/5.0" ` +
    `"${Math.floor(random() * 2 ** 32).toString(16)}" "api-gateway:8080"`
  );
}

/** The profile of a container, from its pod's `app` label and its name. */
export function profileFor(app: string, container: string, init: boolean): LogProfile {
  if (init) return 'init';
  if (container === 'envoy') return 'envoy';
  if (app === 'notification-service') return 'json';
  if (app === 'postgres' || app === 'redis' || app === 'kafka') return app;
  if (
    app === 'api-gateway' ||
    app.endsWith('-service') ||
    app.startsWith('lms-worker') ||
    app.length > 0
  )
    return 'spring';
  return 'plain';
}

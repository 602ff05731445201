/**
 * What FreeLMS's own containers write: the Spring Boot services Spring's console format (start-up
 * lines, request logs, pool warnings, multi-line stack traces, and before a crash the lines that
 * say why), notification-service the same events as JSON lines, and the api-gateway's envoy
 * sidecar its access log. Every value is drawn from the entry's own `prng`, so an entry is the
 * same whenever it is generated.
 */
import { pick } from './clock';
import type { RunContext } from './loglines';

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

export function springEntry(
  ctx: RunContext,
  k: number,
  at: number,
  random: () => number,
  version: string,
  ending: number,
): string[] {
  const app = ctx.app;
  const main = `${pkg(app)}.${className(app)}`;
  const info = (logger: string, message: string) =>
    springLine(at, 'INFO', app, 'main', logger, message);
  const startup = [
    () =>
      info(
        main,
        `Starting ${className(app)} v${version} using Java 21.0.5 with PID 1 (/app/app.jar started by app in /app)`,
      ),
    () => info(main, 'The following 1 profile is active: "production"'),
    () =>
      info('o.s.b.w.embedded.tomcat.TomcatWebServer', 'Tomcat initialized with port 8080 (http)'),
    () => info('com.zaxxer.hikari.HikariDataSource', 'HikariPool-1 - Start completed.'),
    () =>
      info(
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

export function jsonEntry(
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

export function envoyEntry(at: number, random: () => number): string {
  const path = pick(random, PATHS).replace('{id}', String(Math.floor(random() * 9000 + 1000)));
  const code = random() < 0.9 ? 200 : pick(random, [503, 504, 429]);
  return (
    `[${new Date(at).toISOString()}] "GET ${path} HTTP/1.1" ${code} - 0 ` +
    `${Math.floor(random() * 20000)} ${Math.floor(random() * 300)} - "-" "Mozilla/5.0" ` +
    `"${Math.floor(random() * 2 ** 32).toString(16)}" "api-gateway:8080"`
  );
}

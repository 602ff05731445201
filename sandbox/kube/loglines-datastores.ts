/**
 * What the data stores write, each in its own format: PostgreSQL's log lines (connections,
 * slow statements, checkpoints, connection slots running out), Redis's save messages and
 * Kafka's broker log with a consumer falling out of its group now and then.
 */
import { pick } from './clock';

export function postgresEntry(k: number, at: number, random: () => number): string {
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

export function redisEntry(k: number, at: number, random: () => number): string {
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

export function kafkaEntry(k: number, at: number, random: () => number): string {
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

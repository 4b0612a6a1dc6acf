/** Topics people keep notes and drafts about (slug, title). No product names, no numbers that look like ids. */
export const TOPICS: readonly (readonly [string, string])[] = [
  ['vpn-setup', 'VPN setup'],
  ['backup-restore', 'Backup and restore'],
  ['printer', 'Printer on the second floor'],
  ['migration-plan', 'Server migration plan'],
  ['onboarding', 'Onboarding checklist'],
  ['budget', 'Budget review'],
  ['vendor-call', 'Call with the vendor'],
  ['release', 'Release planning'],
  ['offsite', 'Team offsite'],
  ['access-review', 'Quarterly access review'],
  ['wiki-cleanup', 'Wiki cleanup'],
  ['monitoring', 'Monitoring alerts'],
];

/** Lines a person jots into notes. */
export const NOTE_LINES: readonly string[] = [
  'ask Tom about the new firewall rules',
  'the share on the file server is read-only again, check permissions',
  'meeting moved to Thursday afternoon',
  'call back the supplier about the delayed invoice',
  'password policy: 90 days is too short, raise it with IT',
  'remember to renew the certificate before the end of the month',
  'backup job took twice as long yesterday, look at the logs',
  'send the slides to Maria before Friday',
  'disk on the build box is at 85%',
  'follow up with HR about the laptop for the new hire',
  'VPN drops every few hours from home, maybe the MTU',
  'check the quote from the other vendor, it looked cheaper',
  'look into why the nightly report is empty on Mondays',
  'printer toner ordered, should arrive next week',
  'move the old projects to the archive share',
  'the staging database needs a bigger volume',
];

/** Items on a todo list. */
export const TODO_ITEMS: readonly string[] = [
  'rotate the service account keys',
  'review open access requests',
  'update the runbook for the backup restore',
  'clean up old snapshots',
  'reply to the audit questionnaire',
  'book travel for the offsite',
  'test the restore on the staging box',
  'upgrade the monitoring agent',
  'write the summary for the weekly meeting',
  'renew the domain before it expires',
  'archive last quarter’s reports',
  'fix the cron job that mails empty reports',
  'order a new docking station',
  'check the UPS battery status',
];

/** Sentences for drafts (emails not sent yet, proposals). */
export const DRAFT_SENTENCES: readonly string[] = [
  'Thanks for the quick turnaround on this.',
  'I had a look at the numbers and I think we can make it work if we move the start date by two weeks.',
  'Could you send me the latest version of the document before the meeting?',
  'We agreed to keep the current setup until the migration is done.',
  'Let me know if anything is unclear, happy to go through it on a call.',
  'The main risk is the dependency on the old file server.',
  'I would suggest we split the work into two phases.',
  'Budget-wise we are still within what was approved in January.',
  'I have not heard back from the vendor yet, I will chase them tomorrow.',
  'Attached are my notes from last week, not polished yet.',
  'Can we push this to next sprint? The team is busy with the release.',
  'For the record, the outage was caused by an expired certificate.',
];

/** Things a small in-house daemon logs. */
export const DAEMON_MESSAGES: readonly string[] = [
  'starting run',
  'run finished, status ok',
  'connected to upstream',
  'upstream connection reset, retrying in 30s',
  'processed batch',
  'nothing to do',
  'cache refreshed',
  'config reloaded',
  'slow response from upstream',
  'queue empty, sleeping',
];

/** Script names a person writes for themselves (stem only). */
export const SCRIPT_NAMES: readonly string[] = [
  'backup-home',
  'sync-reports',
  'cleanup-logs',
  'check-disk',
  'fetch-invoices',
  'deploy',
  'mount-share',
  'restart-agent',
];

/** Cron job files an admin drops in /etc/cron.d. */
export const CRON_JOBS: readonly string[] = ['backup-nightly', 'sync-reports', 'cleanup-tmp', 'certbot-renew', 'report-mailer'];

/** In-house daemons with a log under /var/log (path relative to /var/log, without `.log`). */
export const DAEMONS: readonly string[] = ['backup', 'sync-agent', 'app/worker', 'reports/mailer', 'inventory-agent'];

/** Caches a machine keeps (absolute path, or `~` for the author's home). */
export const CACHES: readonly string[] = [
  '/var/cache/backup/last-run',
  '/var/cache/reports/state',
  '/var/cache/inventory-agent/hosts.cache',
  '~/.cache/sync-reports/last-sync',
];

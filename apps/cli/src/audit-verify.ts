import { loadConfig } from '@app/config';
import { createPool } from '@app/database';
import { checkpointGraceMs, verifyAuditChains } from '@app/event-store';
import { runMain } from '@app/http';

/**
 * `npm run audit:verify`: recomputes every event's hash chain and every signed audit checkpoint, prints
 * progress and the first broken link; exits 1 when the history was altered.
 */
if (require.main === module) {
  runMain('audit:verify', async () => {
    const config = loadConfig();
    const pool = createPool(config.database.url, 2);
    try {
      const started = Date.now();
      let reported = 0;
      const report = await verifyAuditChains(pool, config.audit.signingKey, { uncoveredAfterMs: checkpointGraceMs(config.audit.checkpointIntervalMs), onProgress: (events, position) => {
        if (Date.now() - reported < 2000) return;
        reported = Date.now();
        process.stderr.write(`  .. ${events.toLocaleString('en-US')} events verified (position ${position}), ${Math.round(events / ((Date.now() - started) / 1000)).toLocaleString('en-US')} events/s\n`);
      } });
      const checkpoint = report.lastCheckpoint ? `, last signed checkpoint at position ${report.lastCheckpoint.position} (${report.lastCheckpoint.createdAt})` : ', no signed checkpoint yet';
      console.log(`${report.events.toLocaleString('en-US')} events in ${report.streams.toLocaleString('en-US')} streams up to position ${report.headPosition}; ${report.checkpoints} checkpoints${checkpoint}; ${report.ms} ms`);
      if (report.ok) {
        console.log('audit:verify OK: every chain and every checkpoint matches');
        return;
      }
      const at = report.firstBreak!;
      console.error(`audit:verify FAILED at ${[at.globalPosition && `position ${at.globalPosition}`, at.streamId && `stream ${at.streamId}`, at.streamVersion !== null && `version ${at.streamVersion}`, at.checkpointPosition && `checkpoint at ${at.checkpointPosition}`].filter(Boolean).join(', ')}: ${at.problem}`);
      process.exitCode = 1;
    } finally {
      await pool.end();
    }
  });
}

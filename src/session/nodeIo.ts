/** The session's reading and writing under node: the file readers, S3 streaming and the exporter. */
import * as path from 'node:path';
import { provideIpTable } from '../core/ipGeo/fields';
import { readIpTable } from '../providers/ipGeo/tableFile';
import { loadFiles } from '../providers/logFiles/files';
import { loadFromS3 } from '../providers/s3Trail/index';
import { exportView } from './exporter';
import type { SessionIo } from './io';
import { nodeDetector } from './nodeDetector';

// Whoever reads files under node also reads the IP table (country, asn… of sourceIp), on first use.
provideIpTable(() => readIpTable());

/** The rules every panel under node runs (the extension reloads them when the settings change). */
export const NODE_DETECTOR = nodeDetector();

export const NODE_IO: SessionIo = {
  loadFiles: (paths, store, opts) => loadFiles(paths, store, opts),
  loadS3: (session, selection, store, opts) => loadFromS3(session, selection, store, opts),
  label: (p) => path.basename(path.resolve(p)) || p,
  exportView,
  detector: NODE_DETECTOR,
};

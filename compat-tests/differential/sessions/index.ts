/** Every session the runner plays, in order. */
import type { Session } from '../lib/session';
import { apiVersionsSession } from './api-versions';
import { clusterSession } from './cluster';
import { configsSession } from './configs';
import { groupErrorsSession } from './group-errors';
import { groupsSession } from './groups';
import { internalTopicsSession } from './internal-topics';
import { metadataSession } from './metadata';
import { produceSession } from './produce';
import { readPathSession } from './read-path';
import { SESSION_MADE_VALUES } from './support';
import { topicAdminSession } from './topic-admin';
import { transactionsSession } from './transactions';

export const ALL_SESSIONS: Session[] = [
  apiVersionsSession,
  metadataSession,
  topicAdminSession,
  configsSession,
  produceSession,
  readPathSession,
  groupsSession,
  groupErrorsSession,
  clusterSession,
  transactionsSession,
  internalTopicsSession,
].map((s) => ({ fixedValues: SESSION_MADE_VALUES, ...s }));

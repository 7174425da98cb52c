// @platformatic/kafka idempotent and transactional producers (InitProducerId, AddPartitionsToTxn,
// EndTxn) and a read_committed consumer.
import { Admin, Consumer, FetchIsolationLevels, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { clientOptions, collect, runScenario, sleep, uniqueName, waitForTopicReady } from './lib.mjs';

async function readAll(topic, count, isolationLevel) {
  const consumer = new Consumer({
    ...clientOptions('compat-platformatic-txn-reader'),
    groupId: uniqueName('plt-txn-reader'),
    deserializers: stringDeserializers,
    maxWaitTime: 200,
    isolationLevel,
  });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, sessionTimeout: 10_000, heartbeatInterval: 500 });
    const got = await collect(stream, count);
    await sleep(300);
    await stream.close();
    return got.map((m) => m.value).sort();
  } finally {
    await consumer.close(true);
  }
}

runScenario(async () => {
  const idemTopic = uniqueName('plt-idempotent');
  const txnTopic = uniqueName('plt-txn');
  const admin = new Admin(clientOptions('compat-platformatic-txn-admin'));
  const idempotent = new Producer({ ...clientOptions('compat-platformatic-idempotent'), serializers: stringSerializers, idempotent: true });
  const transactional = new Producer({
    ...clientOptions('compat-platformatic-transactional'),
    serializers: stringSerializers,
    idempotent: true,
    transactionalId: uniqueName('plt-txn-id'),
  });
  try {
    await admin.createTopics({ topics: [idemTopic, txnTopic], partitions: 1, replicas: 1 });
    await waitForTopicReady(admin, idemTopic, 1);
    await waitForTopicReady(admin, txnTopic, 1);

    const info = await idempotent.initIdempotentProducer({});
    const idemOffsets = [];
    for (let i = 0; i < 3; i++) {
      const r = await idempotent.send({ messages: [{ topic: idemTopic, value: `i${i}` }] });
      idemOffsets.push(r.offsets[0].offset.toString());
    }

    const t1 = await transactional.beginTransaction();
    await t1.send({ messages: [{ topic: txnTopic, value: 'committed-1' }, { topic: txnTopic, value: 'committed-2' }] });
    await t1.commit();
    const t2 = await transactional.beginTransaction();
    await t2.send({ messages: [{ topic: txnTopic, value: 'aborted' }] });
    await t2.abort();

    return {
      producerIdAssigned: info.producerId >= 0n,
      idemOffsets,
      idemValues: await readAll(idemTopic, 3, FetchIsolationLevels.READ_UNCOMMITTED),
      readCommitted: await readAll(txnTopic, 2, FetchIsolationLevels.READ_COMMITTED),
      readUncommitted: await readAll(txnTopic, 3, FetchIsolationLevels.READ_UNCOMMITTED),
    };
  } finally {
    await transactional.close();
    await idempotent.close();
    await admin.close();
  }
});

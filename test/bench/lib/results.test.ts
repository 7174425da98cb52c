import { evaluateTargets, measurementErrors, sentUncompressed } from '../../../bench/lib/results';
import { groupResult, latencyRun, produceRun, sampleResults } from './fixture';

const byName = (name: string) => (t: { name: string }): boolean => t.name.startsWith(name);

describe('evaluateTargets', () => {
  const targets = evaluateTargets(sampleResults());

  it('compares producer throughput with the null sink for acks=1 without compression', () => {
    const t = targets.find(byName('Producer throughput vs null sink (p16'));
    expect(t).toMatchObject({ value: '80%', pass: true });
    expect(targets.find(byName('Producer throughput vs null sink (p1,'))).toMatchObject({ value: 'n/a', pass: null });
  });

  it('fails the Kafka ratio when a comparable configuration is missing, and names the uncompressed one', () => {
    const t = targets.find(byName('Producer throughput vs Kafka'));
    expect(t?.value).toContain('p16/acks=1/none 1.33×');
    expect(t?.value).toContain('p16/acks=all/lz4 not comparable (one was sent uncompressed)');
    expect(t?.value).toContain('p1/acks=1/none n/a');
    expect(t?.pass).toBeNull();
  });

  it('judges latency against Kafka and against 5 ms', () => {
    expect(targets.find(byName('End-to-end p99 vs Kafka'))).toMatchObject({ pass: true });
    expect(targets.find(byName('End-to-end p99 (p16'))).toMatchObject({ value: '4.00 ms', pass: true });
  });

  it('names the group case in its latency targets and checks that its offsets were kept', () => {
    expect(targets.find(byName('End-to-end p99 (p16 group, 50%'))).toMatchObject({ value: '3.00 ms', pass: true });
    expect(targets.find(byName('Consumer group offsets (p16 group'))).toMatchObject({ value: '699 commits, committed = positions', pass: true });
    const r = sampleResults();
    r.latency![1].brokers.tributary = { ...latencyRun(3), group: groupResult({ commitsFailed: 2, firstCommitError: 'Broker: Coordinator not available' }) };
    expect(evaluateTargets(r).find(byName('Consumer group offsets'))).toMatchObject({ value: '2 commits failed (Broker: Coordinator not available)', pass: false });
    r.latency![1].brokers.tributary = { ...latencyRun(3), group: groupResult({ committedSum: -1 }) };
    expect(evaluateTargets(r).find(byName('Consumer group offsets'))).toMatchObject({ value: 'committed offsets could not be read back', pass: false });
  });

  it('takes the peak RSS over throughput and latency runs of each broker', () => {
    const t = targets.find(byName('Peak RSS (throughput'));
    expect(t?.value).toBe('100 MiB vs 600 MiB (1/6.0)');
    expect(t?.pass).toBe(true);
  });

  it('marks start-up targets n/a when that workload did not run', () => {
    expect(targets.find(byName('Start-up, empty'))).toMatchObject({ value: 'n/a', pass: null });
  });

  it('fails the Kafka ratio when any comparable configuration is behind', () => {
    const r = sampleResults();
    r.throughput = [r.throughput![0], { ...r.throughput![0], brokers: { tributary: produceRun(100), kafka: produceRun(600) } }];
    expect(evaluateTargets(r).find(byName('Producer throughput vs Kafka'))?.pass).toBe(false);
  });
});

describe('sentUncompressed', () => {
  it('flags a run that stored about as many bytes as it produced', () => {
    expect(sentUncompressed(produceRun(1, { storedPerProducedByte: 1.0 }))).toBe(true);
    expect(sentUncompressed(produceRun(1, { storedPerProducedByte: 0.6 }))).toBe(false);
    expect(sentUncompressed(produceRun(1, { storedPerProducedByte: undefined }))).toBe(false);
  });
});

describe('measurementErrors', () => {
  it('finds every failed measurement with where it is, and tells the reference broker apart', () => {
    const r = sampleResults();
    expect(measurementErrors(r)).toEqual([{ where: 'throughput[2].brokers.tributary', error: 'broker | exploded', reference: false }]);
    r.throughput![0].nullSink = { error: 'null sink did not start' };
    r.throughput![1].brokers.kafka = { error: 'timed out' };
    r.catchup = { tributary: { error: 'consumer read 3 of 9 records' } };
    expect(measurementErrors(r)).toEqual([
      { where: 'throughput[0].nullSink', error: 'null sink did not start', reference: false },
      { where: 'throughput[1].brokers.kafka', error: 'timed out', reference: true },
      { where: 'throughput[2].brokers.tributary', error: 'broker | exploded', reference: false },
      { where: 'catchup.tributary', error: 'consumer read 3 of 9 records', reference: false },
    ]);
  });

  it('finds none in a run where everything was measured, and ignores the notes and targets', () => {
    const r = sampleResults();
    r.throughput = r.throughput!.slice(0, 2);
    r.targets = evaluateTargets(r);
    r.meta.notes.push('error: this is a note, not a measurement');
    expect(measurementErrors(r)).toEqual([]);
  });
});

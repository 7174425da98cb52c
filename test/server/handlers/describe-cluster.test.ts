import { ErrorCode } from '../../../src/protocol/error-codes';
import type { DescribeClusterRequest } from '../../../src/protocol/generated/describe-cluster';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS } from '../../../src/server/handlers/authorized-operations';
import { DescribeClusterHandler } from '../../../src/server/handlers/describe-cluster';
import { ctx, startBroker, type TestBroker } from './helpers';

const req = (endpointType = 1, includeClusterAuthorizedOperations = false): DescribeClusterRequest => ({
  includeClusterAuthorizedOperations,
  endpointType,
  includeFencedBrokers: false,
});

describe('DescribeClusterHandler', () => {
  let tb: TestBroker;
  let h: DescribeClusterHandler;
  beforeAll(async () => {
    tb = await startBroker();
    h = new DescribeClusterHandler(tb.broker.services);
  });
  afterAll(() => tb.stop());

  it('describes the cluster id, controller and brokers on the request listener', () => {
    expect(h.handle(req(), ctx(60, 2))).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: tb.broker.clusterId,
      controllerId: 1,
      brokers: [{ brokerId: 1, host: '127.0.0.1', port: tb.port, rack: null, isFenced: false }],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    });
  });

  it('fills in cluster operations when asked', () => {
    expect(h.handle(req(1, true), ctx(60, 0)).clusterAuthorizedOperations).toBe(CLUSTER_OPERATIONS);
  });

  it('refuses controller and unknown endpoint types (INVALID_REQUEST at v0)', () => {
    expect(h.handle(req(2), ctx(60, 1))).toMatchObject({ errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, brokers: [], controllerId: -1, clusterId: '' });
    expect(h.handle(req(3), ctx(60, 2))).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Unsupported endpoint type 3' });
    // v0 has no endpoint type: it always means brokers.
    expect(h.handle(req(2), ctx(60, 0)).errorCode).toBe(0);
  });

  it('shows no broker and no controller to a client on an unknown listener', () => {
    expect(h.handle(req(), ctx(60, 2, 'OTHER'))).toMatchObject({ brokers: [], controllerId: -1 });
  });
});

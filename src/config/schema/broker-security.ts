/**
 * The main broker security keys (TLS, SASL, authorization), after Kafka's `SslConfigs`,
 * `SaslConfigs` and `BrokerSecurityConfigs`. PASSWORD keys are sensitive: DescribeConfigs
 * returns no value for them. Any of these may also be given per listener as
 * `listener.name.<name>.<key>` (kept as is, see `isListenerPrefixedKey`).
 */
import { oneOf, validList } from '../validators';
import { key } from './define';

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;

export const SECURITY_KEYS = [
  key({
    name: 'security.inter.broker.protocol', type: 'STRING', default: 'PLAINTEXT', importance: 'MEDIUM',
    validator: oneOf(...PROTOCOLS),
    doc: 'Security protocol between brokers; only one of this and inter.broker.listener.name may be set.',
  }),
  key({
    name: 'ssl.keystore.type', type: 'STRING', default: 'JKS', importance: 'MEDIUM', dynamic: true,
    doc: 'Format of the key store file (PEM is what a Node.js broker can read directly).',
  }),
  key({
    name: 'ssl.keystore.location', type: 'STRING', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Path of the key store holding the server certificate and key.',
  }),
  key({
    name: 'ssl.keystore.password', type: 'PASSWORD', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Password of the key store file.',
  }),
  key({
    name: 'ssl.key.password', type: 'PASSWORD', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Password of the private key.',
  }),
  key({
    name: 'ssl.keystore.certificate.chain', type: 'PASSWORD', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Server certificate chain in PEM, given inline.',
  }),
  key({
    name: 'ssl.keystore.key', type: 'PASSWORD', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Server private key in PEM, given inline.',
  }),
  key({
    name: 'ssl.truststore.type', type: 'STRING', default: 'JKS', importance: 'MEDIUM', dynamic: true,
    doc: 'Format of the trust store file.',
  }),
  key({
    name: 'ssl.truststore.location', type: 'STRING', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Path of the trust store used to check client certificates.',
  }),
  key({
    name: 'ssl.truststore.password', type: 'PASSWORD', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Password of the trust store file.',
  }),
  key({
    name: 'ssl.truststore.certificates', type: 'PASSWORD', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'Trusted certificates in PEM, given inline.',
  }),
  key({
    name: 'ssl.client.auth', type: 'STRING', default: 'none', importance: 'MEDIUM', dynamic: true,
    validator: oneOf('required', 'requested', 'none'),
    doc: "Whether TLS clients must ('required'), may ('requested') or need not ('none') present a certificate.",
  }),
  key({
    name: 'ssl.enabled.protocols', type: 'LIST', default: ['TLSv1.2', 'TLSv1.3'], importance: 'MEDIUM', dynamic: true,
    validator: validList({ emptyAllowed: true }),
    doc: 'TLS versions accepted.',
  }),
  key({
    name: 'ssl.protocol', type: 'STRING', default: 'TLSv1.3', importance: 'MEDIUM', dynamic: true,
    doc: 'TLS protocol used to build the TLS context.',
  }),
  key({
    name: 'ssl.cipher.suites', type: 'LIST', default: [], importance: 'MEDIUM', dynamic: true, validator: validList({ emptyAllowed: true }),
    doc: 'Cipher suites allowed; an empty list allows the runtime defaults.',
  }),
  key({
    name: 'ssl.endpoint.identification.algorithm', type: 'STRING', default: 'https', importance: 'LOW', dynamic: true,
    doc: 'Host name check applied to peer certificates; empty disables it.',
  }),
  key({
    name: 'sasl.enabled.mechanisms', type: 'LIST', default: ['GSSAPI'], importance: 'MEDIUM', dynamic: true,
    validator: validList({ emptyAllowed: true }),
    doc: 'SASL mechanisms offered to clients (e.g. PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).',
  }),
  key({
    name: 'sasl.mechanism.inter.broker.protocol', type: 'STRING', default: 'GSSAPI', importance: 'MEDIUM', dynamic: true,
    doc: 'SASL mechanism used between brokers.',
  }),
  key({
    name: 'sasl.mechanism.controller.protocol', type: 'STRING', default: 'GSSAPI', importance: 'HIGH',
    doc: 'SASL mechanism used towards the controller.',
  }),
  key({
    name: 'sasl.jaas.config', type: 'PASSWORD', default: null, importance: 'MEDIUM', dynamic: true,
    doc: 'JAAS login configuration text; usually given per listener and mechanism.',
  }),
  key({
    name: 'sasl.server.max.receive.size', type: 'INT', default: 524288, importance: 'MEDIUM',
    doc: 'Largest SASL token accepted before authentication completes.',
  }),
  key({
    name: 'connections.max.reauth.ms', type: 'LONG', default: 0, importance: 'MEDIUM',
    doc: 'Longest session lifetime before a SASL client must re-authenticate (KIP-368); 0 or less disables it.',
  }),
  key({
    name: 'principal.builder.class', type: 'CLASS', importance: 'MEDIUM', dynamic: true,
    default: 'org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder',
    doc: 'Java principal builder class. Accepted for compatibility; the default behaviour is built in.',
  }),
  key({
    name: 'authorizer.class.name', type: 'STRING', default: '', importance: 'LOW',
    doc: 'Authorizer to use; empty disables ACL checks. The built-in ACL authorizer is selected by Kafka\'s StandardAuthorizer class name.',
  }),
  key({
    // super.users and allow.everyone.if.no.acl.found belong to Kafka's authorizer, not to KafkaConfig.
    name: 'super.users', type: 'STRING', default: null, importance: 'MEDIUM', describedOnlyWhenSet: true,
    doc: 'Semicolon-separated principals (User:name) allowed everything by the authorizer.',
  }),
  key({
    name: 'allow.everyone.if.no.acl.found', type: 'BOOLEAN', default: false, importance: 'MEDIUM', describedOnlyWhenSet: true,
    doc: 'With an authorizer, allow access to resources that have no ACLs.',
  }),
] as const;

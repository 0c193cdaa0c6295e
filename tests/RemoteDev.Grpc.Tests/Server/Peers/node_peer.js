// A real gRPC peer (@grpc/grpc-js + @grpc/proto-loader) driven by JSON lines on stdin, like python_peer.py.
// argv: <interop proto dir> <server protos dir> <target host:port>
'use strict';
const crypto = require('crypto');
const path = require('path');
const readline = require('readline');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [interopDir, serverProtos, target] = process.argv.slice(2);
const loadOptions = { keepCase: true, longs: Number, enums: String, bytes: Buffer, defaults: true, includeDirs: [interopDir, serverProtos] };
const interop = grpc.loadPackageDefinition(loader.loadSync('interop.proto', loadOptions)).remotedev.interop.v1;
const health = grpc.loadPackageDefinition(loader.loadSync('grpc/health/v1/health.proto', loadOptions)).grpc.health.v1;

const limits = { 'grpc.max_receive_message_length': 64 << 20, 'grpc.max_send_message_length': 64 << 20 };
const plain = new interop.Interop(target, grpc.credentials.createInsecure(), limits);
const gzip = new interop.Interop(target, grpc.credentials.createInsecure(), { ...limits, 'grpc.default_compression_algorithm': 2 });
const healthClient = new health.Health(target, grpc.credentials.createInsecure());

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const codeName = (code) => Object.keys(grpc.status).find((k) => grpc.status[k] === code);
const pattern = (size) => { const b = Buffer.alloc(size); for (let i = 0; i < size; i++) b[i] = i % 251; return b; };

function makeRequest(d) {
  const r = { ...d };
  if (r.payload_size !== undefined) { r.payload = pattern(r.payload_size); delete r.payload_size; }
  return r;
}

function mdIn(items) {
  const md = new grpc.Metadata();
  for (const [k, v] of items || []) md.add(k, k.endsWith('-bin') ? Buffer.from(v, 'base64') : v);
  return md;
}

function mdOut(md) {
  const out = [];
  if (!md) return out;
  for (const [k, values] of Object.entries(md.toJSON())) {
    for (const v of values) out.push([k, Buffer.isBuffer(v) ? v.toString('base64') : v]);
  }
  return out;
}

const replyOut = (r) => ({
  payload_len: r.payload.length, payload_sha: crypto.createHash('sha256').update(r.payload).digest('hex'),
  text: r.text, index: r.index, received_bytes: r.received_bytes,
});

function opCall(cmd) {
  return new Promise((resolve) => {
    const client = cmd.compression === 'gzip' ? gzip : plain;
    const requests = cmd.requests.map(makeRequest);
    const md = mdIn(cmd.metadata);
    const options = cmd.timeout ? { deadline: Date.now() + cmd.timeout * 1000 } : {};
    const replies = [];
    let initial = null;
    const onStatus = (status) => resolve({
      code: codeName(status.code), details: status.details || '', replies: replies.map(replyOut),
      initial_metadata: mdOut(initial), trailing_metadata: mdOut(status.metadata),
    });
    const collect = (err, reply) => { if (!err) replies.push(reply); };
    let call;
    switch (cmd.method) {
      case 'Unary': call = client.Unary(requests[0], md, options, collect); break;
      case 'ClientStream': call = client.ClientStream(md, options, collect); break;
      case 'ServerStream': call = client.ServerStream(requests[0], md, options); break;
      default: call = client.Duplex(md, options);
    }
    call.on('metadata', (m) => { initial = m; if (cmd.cancel_after_headers) call.cancel(); });
    if (cmd.method === 'ServerStream' || cmd.method === 'Duplex') {
      call.on('data', (r) => replies.push(r));
      call.on('error', () => {}); // reported through 'status'
    }
    // The callback of unary calls runs after 'status': defer so that the reply is collected first.
    call.on('status', (s) => setImmediate(() => onStatus(s)));
    if (cmd.method === 'ClientStream' || cmd.method === 'Duplex') { requests.forEach((r) => call.write(r)); call.end(); }
  });
}

async function opConcurrent(cmd) {
  const request = makeRequest(cmd.request);
  const codes = {};
  await Promise.all(Array.from({ length: cmd.count }, () => new Promise((resolve) => {
    plain.Unary(request, new grpc.Metadata(), { deadline: Date.now() + cmd.timeout * 1000 }, (err) => {
      const name = err ? codeName(err.code) : 'OK';
      codes[name] = (codes[name] || 0) + 1;
      resolve();
    });
  })));
  return { codes };
}

function opHealthCheck(cmd) {
  return new Promise((resolve) => healthClient.Check({ service: cmd.service }, { deadline: Date.now() + 30000 }, (err, r) =>
    resolve(err ? { code: codeName(err.code), details: err.details || '', status: null } : { code: 'OK', details: '', status: r.status })));
}

const ops = { call: opCall, concurrent: opConcurrent, health_check: opHealthCheck };
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line);
  queue = queue.then(() => ops[cmd.op](cmd))
    .then((result) => emit({ id: cmd.id, result }), (e) => emit({ id: cmd.id, error: String(e && e.stack || e) }));
}).on('close', () => { plain.close(); gzip.close(); healthClient.close(); });
emit({ ready: true });

// The interop.proto TestService on @grpc/grpc-js, for our client's interop tests and benchmark.
// usage: node node_server.js PROTO_PATH   (NODE_PATH must reach @grpc/grpc-js and @grpc/proto-loader)
// Serves a plain server and a gzip-compressing one on 127.0.0.1 (free ports), prints "PORTS <plain> <gzip>" and runs
// until stdin closes.
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const definition = loader.loadSync(process.argv[2], { keepCase: true, longs: String, defaults: true });
const service = grpc.loadPackageDefinition(definition).remotedev.interop.v1.TestService.service;
const cancelled = new Map();

function cancelState(id) {
  if (!cancelled.has(id)) {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    cancelled.set(id, { done: false, promise, resolve });
  }
  return cancelled.get(id);
}

function echoed(call, request) {
  const metadata = new grpc.Metadata();
  if (request.echo_metadata) {
    for (const [key, values] of Object.entries(call.metadata.getMap())) {
      if (key.startsWith('x-')) {
        for (const value of call.metadata.get(key)) metadata.add(key, value);
      }
    }
  }
  return metadata;
}

function reply(request, call) {
  const payload = request.response_size > 0 ? Buffer.alloc(request.response_size, 1) : request.payload;
  return { payload, peer: call.getPeer() };
}

function failure(request, metadata) {
  return request.status_code ? { code: request.status_code, details: request.status_message, metadata } : null;
}

const handlers = {
  Unary(call, callback) {
    const metadata = echoed(call, call.request);
    if (call.request.echo_metadata) call.sendMetadata(metadata);
    setTimeout(() => {
      const error = failure(call.request, metadata);
      if (error) callback(error);
      else callback(null, reply(call.request, call), metadata);
    }, call.request.delay_ms);
  },
  ServerStream(call) {
    const metadata = echoed(call, call.request);
    if (call.request.echo_metadata) call.sendMetadata(metadata);
    setTimeout(() => {
      for (let i = 0; i < call.request.response_count; i++) call.write(reply(call.request, call));
      const error = failure(call.request, metadata);
      if (error) call.emit('error', error);
      else call.end(metadata);
    }, call.request.delay_ms);
  },
  ClientStream(call, callback) {
    let count = 0; let total = 0; let first = null; let metadata = new grpc.Metadata();
    call.on('data', (request) => {
      if (first === null) {
        first = request;
        metadata = echoed(call, request);
        if (request.echo_metadata) call.sendMetadata(metadata);
      }
      count++; total += request.payload.length;
    });
    call.on('end', () => {
      const error = first && failure(first, metadata);
      if (error) callback(error);
      else callback(null, { message_count: count, total_bytes: String(total), peer: call.getPeer() }, metadata);
    });
  },
  Duplex(call) {
    let metadata = null; let ended = false;
    call.on('data', (request) => {
      if (ended) return;
      if (metadata === null) {
        metadata = echoed(call, request);
        if (request.echo_metadata) call.sendMetadata(metadata);
      }
      const error = failure(request, metadata);
      if (error) { ended = true; call.emit('error', error); return; }
      call.write(reply(request, call));
    });
    call.on('end', () => { if (!ended) call.end(metadata || new grpc.Metadata()); });
  },
  WaitForCancel(call) {
    const state = cancelState(call.request.call_id);
    call.sendMetadata(new grpc.Metadata());
    call.on('cancelled', () => { state.done = true; state.resolve(); });
  },
  CheckCancelled(call, callback) {
    const state = cancelState(call.request.call_id);
    const timer = setTimeout(() => callback(null, { cancelled: state.done }), 10000);
    state.promise.then(() => { clearTimeout(timer); callback(null, { cancelled: true }); });
  },
};

function start(options) {
  return new Promise((resolve, reject) => {
    const server = new grpc.Server({ 'grpc.max_concurrent_streams': 1000, ...options });
    server.addService(service, handlers);
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error); else resolve({ server, port });
    });
  });
}

(async () => {
  const plain = await start({});
  const gzip = await start({ 'grpc.default_compression_algorithm': 2 });
  process.stdout.write(`PORTS ${plain.port} ${gzip.port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
})();

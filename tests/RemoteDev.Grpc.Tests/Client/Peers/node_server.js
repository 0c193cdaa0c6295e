// The interop.proto Interop service on @grpc/grpc-js, for our client's interop tests and benchmark.
// usage: node node_server.js PROTO_PATH   (NODE_PATH must reach @grpc/grpc-js and @grpc/proto-loader)
// Serves on 127.0.0.1 (a free port), prints "PORTS <port>" (grpc-js servers cannot compress responses), prints
// "CANCELLED <call_id>" when a wait_for_cancellation call is cancelled, and runs until stdin closes.
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const definition = loader.loadSync(process.argv[2], { keepCase: true, longs: String, defaults: true });
const service = grpc.loadPackageDefinition(definition).remotedev.interop.v1.Interop.service;

function reply(request, index) {
  const payload = request.response_size > 0 ? Buffer.alloc(request.response_size, 1) : request.payload;
  return { payload, text: request.text, index };
}

// Echoes the requested metadata keys as headers; calls next(metadata) when the call may go on.
function begin(call, request, next) {
  const metadata = new grpc.Metadata();
  for (const key of request.echo_metadata) {
    for (const value of call.metadata.get(key)) metadata.add(key, value);
  }
  if (request.echo_metadata.length > 0 || request.wait_for_cancellation) call.sendMetadata(metadata);
  if (request.wait_for_cancellation) {
    call.on('cancelled', () => process.stdout.write(`CANCELLED ${request.call_id}\n`));
    return;
  }
  setTimeout(() => next(metadata), request.delay_ms);
}

function failure(request, metadata) {
  return request.status_code ? { code: request.status_code, details: request.status_message, metadata } : null;
}

const handlers = {
  Unary(call, callback) {
    begin(call, call.request, (metadata) => {
      const error = failure(call.request, metadata);
      if (error) callback(error);
      else callback(null, reply(call.request, 0), metadata);
    });
  },
  ServerStream(call) {
    begin(call, call.request, (metadata) => {
      for (let i = 0; i < call.request.response_count; i++) call.write(reply(call.request, i));
      const error = failure(call.request, metadata);
      if (error) call.emit('error', error);
      else call.end(metadata);
    });
  },
  ClientStream(call, callback) {
    let count = 0; let total = 0; let first = null; let metadata = new grpc.Metadata();
    call.on('data', (request) => {
      if (first === null) {
        first = request;
        begin(call, request, (m) => { metadata = m; });
      }
      count++; total += request.payload.length;
    });
    call.on('end', () => {
      const error = first && failure(first, metadata);
      if (error) callback(error);
      else callback(null, { index: count, received_bytes: String(total) }, metadata);
    });
  },
  Duplex(call) {
    let metadata = null; let index = 0; let ended = false;
    call.on('data', (request) => {
      if (ended) return;
      if (metadata === null) {
        metadata = new grpc.Metadata();
        begin(call, request, (m) => { metadata = m; });
      }
      const error = failure(request, metadata);
      if (error) { ended = true; call.emit('error', error); return; }
      call.write(reply(request, index++));
    });
    call.on('end', () => { if (!ended) call.end(metadata || new grpc.Metadata()); });
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
  const { port } = await start({});
  process.stdout.write(`PORTS ${port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
})();

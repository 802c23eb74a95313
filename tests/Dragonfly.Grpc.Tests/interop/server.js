'use strict';
// A grpc-js server implementing interop.v1.Echo on 127.0.0.1, port chosen by the OS.
// Prints {"port":N} on stdout once listening; exits when stdin closes or on SIGTERM.
const { grpc, loadEcho } = require('./proto');

const Echo = loadEcho();

function unary(call, callback) {
  const trailers = new grpc.Metadata();
  const echo = call.metadata.get('x-echo');
  if (echo.length > 0) {
    trailers.set('x-echo', echo[0]);
  }
  callback(null, { text: call.request.text, index: 0 }, trailers);
}

function serverStream(call) {
  for (let i = 0; i < call.request.count; i++) {
    call.write({ text: `${call.request.text}-${i}`, index: i });
  }
  call.end();
}

function clientStream(call, callback) {
  let total = 0;
  let count = 0;
  call.on('data', (n) => {
    total += n.value;
    count += 1;
  });
  call.on('end', () => callback(null, { total, count }));
}

function bidi(call) {
  let index = 0;
  call.on('data', (req) => call.write({ text: req.text, index: index++ }));
  call.on('end', () => call.end());
}

function fail(call, callback) {
  callback({ code: call.request.code, details: call.request.message });
}

function slow(call, callback) {
  const delay = call.request.delayMs;
  let timer = null;
  if (delay > 0) {
    timer = setTimeout(() => callback(null, { text: 'slow', index: 0 }), delay);
  }
  call.on('cancelled', () => {
    if (timer) clearTimeout(timer);
  });
}

const server = new grpc.Server();
server.addService(Echo.service, { unary, serverStream, clientStream, bidi, fail, slow });
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`bind failed: ${err.message}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify({ port }) + '\n');
});

function shutdown() {
  server.forceShutdown();
  process.exit(0);
}

process.stdin.on('end', shutdown);
process.stdin.resume();
process.on('SIGTERM', shutdown);

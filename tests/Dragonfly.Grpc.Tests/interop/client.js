'use strict';
// A grpc-js client exercising interop.v1.Echo at 127.0.0.1:<port> (argv[2]).
// Prints one JSON line per scenario: {"scenario","ok","actual","expected"}; exits 1 if any scenario failed.
const assert = require('node:assert/strict');
const { grpc, loadEcho } = require('./proto');

const Echo = loadEcho();
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: node client.js <port>\n');
  process.exit(2);
}

const client = new Echo(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const callOptions = () => ({ deadline: Date.now() + 10000 });
const UNICODE_TEXT = 'héllo wörld ✓ 你好';

function unary() {
  return new Promise((resolve, reject) => {
    const metadata = new grpc.Metadata();
    metadata.set('x-echo', 'echo-value');
    let trailer = null;
    const call = client.unary({ text: UNICODE_TEXT }, metadata, callOptions(), (err, reply) => {
      if (err) return reject(err);
      call.on('status', (status) => {
        trailer = status.metadata.get('x-echo')[0] ?? null;
        resolve({ text: reply.text, trailer });
      });
    });
  }).then((actual) => ({ actual, expected: { text: UNICODE_TEXT, trailer: 'echo-value' } }));
}

function serverStream() {
  return new Promise((resolve, reject) => {
    const replies = [];
    const call = client.serverStream({ text: 'item', count: 3 }, callOptions());
    call.on('data', (r) => replies.push({ text: r.text, index: r.index }));
    call.on('error', reject);
    call.on('end', () => resolve(replies));
  }).then((actual) => ({
    actual,
    expected: [0, 1, 2].map((i) => ({ text: `item-${i}`, index: i })),
  }));
}

function clientStream() {
  return new Promise((resolve, reject) => {
    const call = client.clientStream(callOptions(), (err, sum) => (err ? reject(err) : resolve(sum)));
    for (const value of [1, 2, 3, 4]) call.write({ value });
    call.end();
  }).then((sum) => ({ actual: { total: sum.total, count: sum.count }, expected: { total: 10, count: 4 } }));
}

function bidi() {
  const texts = ['a', 'b', 'c'];
  return new Promise((resolve, reject) => {
    const replies = [];
    const call = client.bidi(callOptions());
    call.on('data', (r) => {
      replies.push(r.text);
      if (replies.length < texts.length) call.write({ text: texts[replies.length] });
      else call.end();
    });
    call.on('error', reject);
    call.on('end', () => resolve(replies));
    call.write({ text: texts[0] });
  }).then((actual) => ({ actual, expected: texts }));
}

// Resolves with the call's status; details are compared only when `expected` names them.
function expectError(start, expected) {
  return new Promise((resolve) => {
    start((err) => resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '' }));
  }).then((status) => {
    const actual = 'details' in expected ? status : { code: status.code };
    return { actual, expected };
  });
}

const scenarios = {
  unary,
  serverStream,
  clientStream,
  bidi,
  error: () => expectError(
    (done) => client.fail({ code: grpc.status.NOT_FOUND, message: 'nicht gefunden – ä' }, callOptions(), done),
    { code: grpc.status.NOT_FOUND, details: 'nicht gefunden – ä' }),
  deadline: () => expectError(
    (done) => client.slow({ delayMs: 0 }, { deadline: Date.now() + 300 }, done),
    { code: grpc.status.DEADLINE_EXCEEDED }),
};

async function main() {
  let failed = 0;
  for (const [scenario, run] of Object.entries(scenarios)) {
    let line;
    try {
      const { actual, expected } = await run();
      let ok = true;
      try {
        assert.deepStrictEqual(actual, expected);
      } catch {
        ok = false;
      }
      line = { scenario, ok, actual, expected };
    } catch (err) {
      line = { scenario, ok: false, error: `${err.code ?? ''} ${err.details ?? err.message}` };
    }
    if (!line.ok) failed += 1;
    process.stdout.write(JSON.stringify(line) + '\n');
  }
  client.close();
  process.exit(failed === 0 ? 0 : 1);
}

main();

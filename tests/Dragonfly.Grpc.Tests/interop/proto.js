'use strict';
// Loads the one interop.proto shared with the C# tests (no copy).
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_PATH = path.join(__dirname, '..', 'Protos', 'interop.proto');

function loadEcho() {
  const definition = protoLoader.loadSync(PROTO_PATH, {
    keepCase: false,
    longs: Number,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).interop.v1.Echo;
}

module.exports = { grpc, loadEcho };
